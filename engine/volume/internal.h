/* Inside the volume subsystem: local volumes under <root>/volumes/<name>/_data
 * with their rows in the store, and the volume commands' work. */
#ifndef BERTH_VOLUME_INTERNAL_H
#define BERTH_VOLUME_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/engine.h"
#include "engine/store/store.h"
#include "engine/volume/parse.h"
#include "engine/volume/volume.h"

/* The label Docker puts on volumes it made for one container. */
#define VOLUME_ANONYMOUS_LABEL "com.docker.volume.anonymous"

struct volume_info {
	char name[256];
	char driver[64];
	int64_t created; /* unix ns */
	json_t *labels;  /* object of strings */
	json_t *options; /* object: the driver's -o options */
};

void volume_info_free(struct volume_info *v);
/* Every volume, oldest first (*out malloc'd, each freed with volume_info_free). */
int volume_load_all(struct store *st, struct volume_info **out, size_t *count, berr *err);

/* <root>/volumes/<name>/_data: where a local volume's files live. */
void volume_data_dir(struct engine *engine, const char *name, char *buf, size_t n);

/* Reads one volume; BERR_NOT_FOUND "get <name>: no such volume". */
int volume_get(struct store *st, const char *name, struct volume_info *out, berr *err);

/* Creates a volume (name NULL or "": an anonymous one with a random
 * 64-hex name and the anonymous label). An existing volume of that name is
 * returned as it is. *created tells whether it is new (may be NULL). */
int volume_create(struct engine *engine, const char *name, const char *driver, json_t *labels,
	       json_t *options, struct volume_info *out, bool *created, berr *err);

/* Ids of the containers whose mounts use the volume (a new array). */
json_t *volume_users(struct store *st, const char *name, berr *err);

/* Removes a volume no container uses; BERR_CONFLICT "remove <name>:
 * volume is in use - [<id> ...]" otherwise. */
int volume_remove(struct engine *engine, const char *name, berr *err);

/* Docker's volume inspect object. */
json_t *volume_inspect_json(struct engine *engine, const struct volume_info *v);

/* Start-up work: removes volume directories a crash left half removed. */
int volume_startup(struct engine *engine, berr *err);

#endif
