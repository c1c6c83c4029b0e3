/* Freezing and thawing a container's processes. */
#ifndef BERTH_CONTAINER_PAUSE_H
#define BERTH_CONTAINER_PAUSE_H

#include "engine/container/container.h"

int container_pause(struct engine *engine, struct container *c, berr *err);
int container_unpause(struct engine *engine, struct container *c, berr *err);

extern const struct engine_command container_pause_commands[];

#endif
