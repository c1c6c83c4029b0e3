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

/* The descriptors a monitor gets beside its start pipe (-1: none). */
struct shim_fds {
	int attach;           /* fd 4 */
	int netns;            /* fd 5: the namespace a container joins */
	int dns;              /* fd 6: its resolver's socket */
	const int *proxy;     /* fds 7..: listeners of ports on [::1] */
	size_t nproxy;
};
#define SHIM_FDS_NONE ((struct shim_fds){.attach = -1, .netns = -1, .dns = -1})

/* Runs `berth-shim args...` (args NULL-terminated, without the program)
 * with stdio on /dev/null, the start pipe on fd 3 and fds as struct
 * shim_fds places them, nothing else open, every signal at its default
 * and none blocked;
 * waits until the monitor has detached and said how the start went.
 * 0 on "ok" with *out filled. -1 otherwise, *reported telling whether the
 * monitor itself reported the failure (err then carries its kind and
 * words: "cmd_not_found", ...) or the monitor could not be run at all. */
int runtime_shim_start(const char *const args[], const struct shim_fds *fds,
		       struct shim_started *out, bool *reported, berr *err);

#endif
