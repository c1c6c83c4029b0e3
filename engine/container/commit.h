/* Turning a container's changes into an image. */
#ifndef BERTH_CONTAINER_COMMIT_H
#define BERTH_CONTAINER_COMMIT_H

#include "engine/container/internal.h"

/* args: {"reference", "comment", "author", "changes", "pause"} -> {"Id"}. */
int container_commit(struct cmd_ctx *ctx, const struct container *c, json_t *args,
		     json_t **result, berr *err);

extern const struct engine_command container_commit_commands[];

#endif
