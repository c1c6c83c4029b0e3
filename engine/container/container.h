/* Containers: records in the store, their lifecycle, and the commands that
 * act on them. What other subsystems use; the rest is in internal.h. */
#ifndef BERTH_CONTAINER_CONTAINER_H
#define BERTH_CONTAINER_CONTAINER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/engine.h"
#include "engine/store/store.h"

#define CONTAINER_ID_LEN 64

struct container {
	char id[CONTAINER_ID_LEN + 1];
	char name[256];  /* without the leading slash */
	char image_id[80];
	char *image_ref; /* as the user wrote it */
	json_t *layers;  /* chain ids, base first */
	int64_t created; /* unix ns */
	char state[16];  /* created running paused restarting removing exited dead */
	int pid;
	int shim_pid;
	int exit_code;
	int64_t started_at;
	int64_t finished_at;
	bool oom_killed;
	char *error;
	int restart_count;
	json_t *config;      /* Docker's Config */
	json_t *host_config; /* Docker's HostConfig */
};

/* The subsystem (module.c). */
/* The subsystem (module.c). */
extern const struct engine_module container_module;

/* Finds a container by full id, name, or unique id prefix, bringing its
 * state up to date with its run directory first. */
int container_find(struct engine *engine, const char *ref, struct container *out, berr *err);
void container_free(struct container *c);

/* Loads every container (state brought up to date). */
int container_load_all(struct engine *engine, struct container **out, size_t *count, berr *err);
void container_free_all(struct container *list, size_t count);

/* Brings one container's row up to date with its run directory (an exit
 * the monitor recorded, or the monitor gone), then removes an --rm
 * container that has exited (or a removal a crash interrupted); *removed
 * when the container is gone. fresh.c */
int container_sync(struct engine *engine, struct container *c, bool *removed, berr *err);

/* Syncs every container the store believes may have changed, after
 * settling the intents of dead berth processes. reconcile.c */
int container_reconcile_all(struct engine *engine, berr *err);

/* Is it running (or paused or restarting)? */
bool container_is_active(const struct container *c);

/* The container's changes (its upper directory) as a layer tar, in an
 * unnamed file under the data root, positioned at its start. commit.c */
int container_upper_tar(struct engine *engine, const struct container *c, int *out_fd, berr *err);

/* The container's files as a writable tree that no process sees (a
 * detached overlay mount whose changes land in its upper directory), for
 * the engine to write into by fd. The container must not be running.
 * rootfs.c */
int container_rootfs_writable(struct engine *engine, const struct container *c, int *fd_out,
			      berr *err);

/* The image's files as the container was made from them (no init layer,
 * read-only, its upper directory on top), seen by no process. rootfs.c */
int container_rootfs_image(struct engine *engine, const struct container *c, int *fd_out,
			   berr *err);

/* Paths. */
void container_bundle_dir(struct engine *engine, const char *id, char *buf, size_t n);
void container_run_dir(struct engine *engine, const char *id, char *buf, size_t n);

/* The 12-hex short id. */
void container_short_id(const char *id, char out[13]);

#endif
