/* Looking into a container: its processes and its filesystem changes. */
#ifndef BERTH_CONTAINER_INSPECT_OPS_H
#define BERTH_CONTAINER_INSPECT_OPS_H

#include "engine/container/internal.h"

/* {"Titles": [...], "Processes": [[...]]} from `ps <ps_args>` (default -ef). */
int container_top(struct engine *engine, const struct container *c, json_t *ps_args,
		  json_t **result, berr *err);

/* [{"Path": "/etc", "Kind": 0}, ...]: 0 changed, 1 added, 2 deleted. */
int container_diff(struct engine *engine, const struct container *c, json_t **result, berr *err);

extern const struct engine_command container_inspect_commands[];

#endif
