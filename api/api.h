/* The Engine API face: `berth daemon` serves the engine's command queue
 * over HTTP, in the shapes the Docker Engine API gives, so that the docker
 * CLI, docker-compose and the Docker SDKs drive berth. */
#ifndef BERTH_API_API_H
#define BERTH_API_API_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/engine.h"

struct api_options {
	const char *const *hosts; /* -H addresses; none: unix://<run root>/berth.sock */
	size_t nhosts;
	/* the sockets' group: NULL for "berth" when that group exists (root
	 * only otherwise); "" for root only */
	const char *group;
	bool debug;               /* one line per request on stderr */
	/* tcp:// endpoints: dockerd's TLS flags; without --tlsverify (client
	 * certificates checked against tlscacert) a tcp:// address is refused
	 * unless unsafe_tcp, which says why it is dangerous */
	bool tls, tlsverify, unsafe_tcp;
	const char *tlscacert, *tlscert, *tlskey;
};

/* Serves until SIGTERM or SIGINT (SIGHUP is noted: nothing to reload).
 * Returns 0, or -1 when an endpoint cannot listen. */
int api_serve(struct engine *engine, const struct api_options *opts, berr *err);

#endif
