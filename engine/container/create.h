/* Creating a container record and its bundle directory. */
#ifndef BERTH_CONTAINER_CREATE_H
#define BERTH_CONTAINER_CREATE_H

#include "engine/container/internal.h"

/* warnings (may be NULL) receives dockerd's warnings as strings. */
int container_create(struct engine *engine, json_t *args, struct container *out, json_t *warnings,
		     berr *err);

#endif
