/* A running container's network namespace, by descriptor: the one its
 * monitor holds on fd 5 (shim_protocol.h), else its init's own, each
 * process checked by the start time of its pid file before and after the
 * open, so that a pid another process has taken by now is never used.
 * A container that is not running (restarting included: its init is
 * gone) is a conflict "container <id> is not running". */
#ifndef BERTH_CONTAINER_NETNS_H
#define BERTH_CONTAINER_NETNS_H

#include "engine/container/internal.h"

int container_netns_open(struct engine *engine, const struct container *c, berr *err);

#endif
