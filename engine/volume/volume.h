/* Volumes: local volumes under <root>/volumes/<name>/_data with their rows
 * in the store, the mounts a container is created with (volumes, binds,
 * tmpfs), Docker's -v and --mount syntaxes, and the work done on a
 * container's mounts before it starts (bind sources, copy-up, the shim's
 * mount records). */
#ifndef BERTH_VOLUME_VOLUME_H
#define BERTH_VOLUME_VOLUME_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/engine.h"
#include "engine/store/store.h"

#define VOLUME_DRIVER_LOCAL "local"
/* The label Docker puts on volumes it made for one container. */
#define VOLUME_ANONYMOUS_LABEL "com.docker.volume.anonymous"

struct volume_info {
	char name[256];
	char driver[64];
	int64_t created; /* unix ns */
	json_t *labels;  /* object of strings */
	json_t *options; /* object: the driver's -o options */
};

extern const struct engine_module volume_module;

void volume_info_free(struct volume_info *v);
/* Every volume, oldest first (*out malloc'd, each freed with volume_info_free). */
int volume_load_all(struct store *st, struct volume_info **out, size_t *count, berr *err);

/* Docker's rule for volume names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
bool volume_name_valid(const char *name);

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

/* --- parsers (no store, no kernel) ------------------------------------- */

/* One -v / HostConfig.Binds entry ("name:/dst[:mode]", "/src:/dst[:mode]")
 * into a mount point object {Type, Name, Source, Destination, Mode, RW,
 * Propagation, CopyData, CreateSource}. Errors are Docker's ("invalid
 * volume specification: '<spec>'...", "invalid mode: <mode>"). */
int volume_parse_bind(const char *spec, json_t **out, berr *err);

/* One --mount value ("type=volume,src=v,dst=/d,readonly,...") into the
 * Engine API's Mount object {Type, Source, Target, ReadOnly,
 * VolumeOptions, BindOptions, TmpfsOptions}. Errors are the docker CLI's. */
int volume_parse_mount_flag(const char *value, json_t **out, berr *err);

/* Checks an Engine API Mount object as Docker does ("invalid mount config
 * for type \"bind\": bind source path does not exist: /nope") and turns it
 * into a mount point object (a volume's Name stays "" for an anonymous one). */
int volume_mount_from_api(json_t *mount, json_t **out, berr *err);

/* Merges tmpfs options after Docker's defaults (noexec,nosuid,nodev),
 * later ones winning: "size=1m,exec" -> "nosuid,nodev,size=1m,exec". */
int volume_tmpfs_options(const char *user, char *out, size_t n, berr *err);

/* Go's path.Clean, as Docker cleans mount destinations. */
void volume_clean_path(const char *in, char *out, size_t n);

/* "<container>[:ro|rw]" of --volumes-from. */
int volume_parse_volumes_from(const char *spec, char *container, size_t n, bool *readonly,
			   berr *err);

/* --- a container's mounts ----------------------------------------------- */

/* Resolves Docker's create body into the container's mount points:
 * inherited (from --volumes-from, already loaded by the caller), then
 * HostConfig.Binds, HostConfig.Mounts, Config.Volumes (anonymous volumes
 * for destinations nothing else covers) and HostConfig.Tmpfs (checked
 * only). Named volumes are created on demand and anonymous ones made; the
 * names of volumes made are appended to `created`, for volume_discard. Runs
 * inside the caller's transaction. */
int volume_resolve(struct engine *engine, struct store *st, json_t *config, json_t *host_config,
		json_t *inherited, json_t **mounts, json_t *created, berr *err);

/* Removes the directories of volumes made by a volume_resolve whose
 * transaction was rolled back. */
void volume_discard(struct engine *engine, json_t *created);

/* The mount points a container inherits with --volumes-from. */
json_t *volume_mounts_inherit(json_t *mounts, bool readonly);

/* A container's mount points: saved with its row, read back, deleted. */
int volume_mounts_save(struct store *st, const char *container_id, json_t *mounts, berr *err);
json_t *volume_mounts_load(struct store *st, const char *container_id, berr *err);
int volume_mounts_delete(struct store *st, const char *container_id, berr *err);

/* The inspect "Mounts" array (Type, Name, Source, Destination, Driver,
 * Mode, RW, Propagation); empty when the store cannot be read. */
json_t *volume_mounts_inspect(struct engine *engine, const char *container_id);

/* Removes the anonymous volumes among a removed container's mounts that
 * no other container uses; errors are ignored as Docker does. */
void volume_remove_anonymous(struct engine *engine, json_t *mounts);

/* What the container's filesystem is made of, for copy-up. */
struct volume_rootfs {
	/* opens a read-only directory fd of the container's view (its layer
	 * over the image's); called only when a volume needs its copy-up */
	int (*open)(void *ctx, int *fd, berr *err);
	void *ctx;
};

/* Before a start: makes missing -v bind sources, copies the image's
 * content into empty volumes (unless nocopy), and returns the shim's mount
 * records, parents before children: an array of [type, source,
 * destination, options]. */
int volume_prepare(struct engine *engine, const char *container_id, json_t *host_config,
		const struct volume_rootfs *root, json_t **records, berr *err);

/* The mounts of a container that are host directories — local volumes
 * and binds, not tmpfs or volumes the kernel mounts — as the `mount`
 * records volume_prepare gives ([type "bind", source, destination, options]),
 * parents first; nothing is made or copied. For reaching a stopped
 * container's files as it sees them. */
json_t *volume_bind_records(struct engine *engine, const char *container_id, berr *err);

/* Start-up work: removes volume directories a crash left half removed. */
int volume_startup(struct engine *engine, berr *err);

#endif
