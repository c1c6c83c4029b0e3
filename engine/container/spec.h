/* The shim's spec file for a container. */
#ifndef BERTH_CONTAINER_SPEC_H
#define BERTH_CONTAINER_SPEC_H

#include <stdbool.h>

#include "engine/container/internal.h"

/* Writes <bundle>/spec for the container; attach: the shim gets fd 4;
 * net_join: fd 5, the network namespace the container joins. */
int spec_write(struct engine *engine, const struct container *c, const char *log_path, bool attach,
	       bool net_join, berr *err);

#endif
