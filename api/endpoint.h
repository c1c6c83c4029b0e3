/* Where `berth daemon` listens (-H), and what each endpoint lets through.
 *
 *   unix:///run/berth/berth.sock        a socket made here: mode 0660,
 *                                       owned by root and the daemon's group
 *   fd://   fd://3                      sockets systemd passed (LISTEN_FDS)
 *   tcp://host:port                     TLS with verified client certificates
 *                                       (--tlsverify); anything less only
 *                                       when forced (--unsafe-tcp)
 *   ...?group=NAME                      this socket's group (else -G's)
 *   ...?access=ro                       only what reads state: lists,
 *                                       inspects, logs, stats, events
 *   ...?allow=GET:/containers/json,GET:/events
 *                                       only these routes (a '*' in a path
 *                                       stands for one segment); /_ping and
 *                                       /version always
 *
 * The limits are berth's answer to the socket proxies Docker users put in
 * front of docker.sock: a dashboard gets what it shows, not root. */
#ifndef BERTH_API_ENDPOINT_H
#define BERTH_API_ENDPOINT_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "api/request.h"
#include "engine/core/error.h"

enum api_access {
	API_ACCESS_FULL,
	API_ACCESS_READ_ONLY,
	API_ACCESS_ALLOW_LIST,
};

struct api_endpoint {
	char address[512];  /* as given, for messages */
	char path[108];     /* a unix socket's path; "" for fd:// and tcp:// */
	bool tcp;
	char host[256], port[16]; /* tcp:// */
	void *tls_server;   /* tcp://: the TLS context (shared), or NULL for plain TCP */
	int fd;             /* listening; -1 before api_endpoint_listen */
	int passed_fd;      /* fd://N: that descriptor only; -1: every one passed */
	enum api_access access;
	json_t *allow;      /* [method, path pattern] pairs (ALLOW_LIST) */
	bool made_socket;   /* the socket file is this daemon's: removed at exit */
	bool own_group;     /* ?group=: this socket's group, not the daemon's -G */
	gid_t gid;
};

/* Reads an -H address. */
int api_endpoint_parse(const char *address, struct api_endpoint *e, berr *err);

/* Listens: a unix socket is made (a stale one, where nothing answers,
 * replaced; a live one refused) with mode 0660 and group gid (-1: root's);
 * an fd:// endpoint takes the descriptors systemd passed. For fd:// with
 * several descriptors, the extra ones are appended to more (up to max). */
int api_endpoint_listen(struct api_endpoint *e, gid_t gid, struct api_endpoint *more,
			size_t max, size_t *nmore, berr *err);

void api_endpoint_close(struct api_endpoint *e);

/* Whether the endpoint lets this request through to the route. */
bool api_endpoint_allows(const struct api_endpoint *e, const struct api_route *route,
			 const char *method, const char *path);

#endif
