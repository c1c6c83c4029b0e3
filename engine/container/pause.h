/* Freezing and thawing a container's processes. */
#ifndef BERTH_CONTAINER_PAUSE_H
#define BERTH_CONTAINER_PAUSE_H

#include "engine/container/internal.h"

int container_pause(struct engine *engine, struct container *c, berr *err);
int container_unpause(struct engine *engine, struct container *c, berr *err);

/* What the kernel says: is the container's cgroup frozen? */
bool container_frozen(const char *id);

/* Records (row and event) that the container is frozen or not, leaving
 * the kernel alone: for a row that says otherwise after a crash. */
int container_record_frozen(struct engine *engine, struct container *c, bool frozen, berr *err);

#endif
