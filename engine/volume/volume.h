/* Volumes as a container sees them: the mounts it is created with
 * (volumes, binds, tmpfs, --volumes-from), saved with its row, and the work
 * done on them before it starts (bind sources, copy-up, the shim's mount
 * records). The volume commands themselves and the store's rows are
 * internal.h's; the -v and --mount syntaxes parse.h's. */
#ifndef BERTH_VOLUME_VOLUME_H
#define BERTH_VOLUME_VOLUME_H

#include <jansson.h>
#include <stdbool.h>

#include "engine/core/engine.h"
#include "engine/store/store.h"

extern const struct engine_module volume_module;

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

#endif
