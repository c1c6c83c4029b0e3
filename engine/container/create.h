/* Creating a container record and its bundle directory. */
#ifndef BERTH_CONTAINER_CREATE_H
#define BERTH_CONTAINER_CREATE_H

#include "engine/container/internal.h"

/* warnings (may be NULL) receives dockerd's warnings as strings. */
int container_create(struct engine *engine, json_t *args, struct container *out, json_t *warnings,
		     berr *err);

/* The create body's types as Go's decoder checks them (a string given for
 * Cmd, Entrypoint or Shell becomes a one-element list), and the settings
 * berth does not apply yet refused. create_check.c */
int container_create_check(json_t *body, berr *err);

#endif
