/* Builds: images from a Dockerfile and a context. What other folders use. */
#ifndef BERTH_BUILD_BUILD_H
#define BERTH_BUILD_BUILD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/engine.h"

/* image.build {"context": a directory | "context_fd": a tar or a
 * Dockerfile alone, "dockerfile": its path in the context, "dockerfile_text",
 * "tags": [...], "build_args": {name: value}, "target", "no_cache", "pull",
 * "labels": {...}, "network", "add_hosts": [...]} -> {"Id"}, with progress
 * {"build": {"vertex", "event": start|log|status|cached|done|error, ...}}
 * (progress.c). builder.c */
int build_execute(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err);

/* builder.prune {"all", "keep_storage", "filters": {"until"}} ->
 * {"CachesDeleted", "SpaceReclaimed"} (prune.c); mounts: the cache
 * mounts too. */
int build_prune(struct engine *engine, bool all, int64_t keep_storage, int64_t until_ns,
		bool mounts, json_t **result, berr *err);
/* The collection after a build: daemon.json's builder.gc (enabled,
 * defaultKeepStorage, 20GB unless set). */
int build_gc(struct engine *engine, berr *err);

/* The subsystem: image.build, builder.prune. module.c */
extern const struct engine_module build_module;

#endif
