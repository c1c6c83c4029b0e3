/* The engine's side of starting a monitor (berth-shim): locating it,
 * spawning it with the descriptors of shim_protocol.h, and reading its
 * start line. Container start and exec both start theirs through here. */
#ifndef BERTH_RUNTIME_SHIM_CLIENT_H
#define BERTH_RUNTIME_SHIM_CLIENT_H

#include <stdbool.h>

#include "engine/core/error.h"

/* What the start line said: the process it runs and the monitor's pid. */
struct shim_started {
	long pid;
	long monitor;
};

/* Runs `berth-shim args...` (args NULL-terminated, without the program)
 * with stdio on /dev/null, the start pipe on fd 3, attach_fd on fd 4 and
 * netns_fd (the namespace a container joins) on fd 5 and dns_fd (its
 * resolver's socket) on fd 6 when >= 0, nothing else open, every signal at its default and none blocked;
 * waits until the monitor has detached and said how the start went.
 * 0 on "ok" with *out filled. -1 otherwise, *reported telling whether the
 * monitor itself reported the failure (err then carries its kind and
 * words: "cmd_not_found", ...) or the monitor could not be run at all. */
int runtime_shim_start(const char *const args[], int attach_fd, int netns_fd, int dns_fd,
		       struct shim_started *out, bool *reported, berr *err);

#endif
