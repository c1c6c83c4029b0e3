/* The shim's spec file for a container. */
#ifndef BERTH_CONTAINER_SPEC_H
#define BERTH_CONTAINER_SPEC_H

#include <stdbool.h>

#include "engine/container/internal.h"

struct network_sandbox;

/* Writes <bundle>/spec for the container; attach: the shim gets fd 4;
 * net: its networks (fd 5, the namespace it joins, and fd 6, its
 * resolver's socket, when they are >= 0); extra_env: variables added
 * at this start (--link's), or NULL. */
int spec_write(struct engine *engine, const struct container *c, bool attach,
	       const struct network_sandbox *net, json_t *extra_env, berr *err);

#endif
