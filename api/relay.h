/* The stream of a hijacked attach or exec start, relayed between the
 * client and the container's monitor: the client's bytes become stdin
 * frames (its half-close ends stdin), the monitor's output frames go out
 * raw with a tty or in Docker's multiplexed framing without, and the
 * detach keys end the relay with the container still running. */
#ifndef BERTH_API_RELAY_H
#define BERTH_API_RELAY_H

#include <pthread.h>
#include <stdbool.h>

#include "api/http.h"

struct relay_options {
	int shim_fd;               /* the monitor's attach stream */
	bool tty;
	bool attach_stdin, want_stdout, want_stderr;
	const char *detach_keys;   /* NULL: ctrl-p,ctrl-q */
	pthread_mutex_t *write_lock; /* held for each write to shim_fd; may be NULL */
};

/* Relays until the container's stream ends, the client leaves or
 * detaches. *exit_code is the exit frame's code, -1 without one. Returns
 * 0, or -1 when the client's side broke. */
int api_relay(struct http_conn *c, const struct relay_options *o, int *exit_code);

#endif
