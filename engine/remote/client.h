/* A client of a daemon's Engine API: the target, its TLS context, the API
 * version agreed with the daemon, and the connections kept for reuse. One
 * per stateless engine (engine_options' backend), shared by its command
 * threads. */
#ifndef BERTH_REMOTE_CLIENT_H
#define BERTH_REMOTE_CLIENT_H

#include "engine/core/error.h"
#include "engine/remote/target.h"

struct remote_client;
struct remote_conn;

int remote_client_open(const struct remote_target *target, struct remote_client **out,
		       berr *err);
void remote_client_close(struct remote_client *cl);

const struct remote_target *remote_client_target(struct remote_client *cl);

/* The API version both ends speak (141), 0 until the daemon was asked
 * (http.c asks it once); set, it is the requests' prefix ("/v1.41"). */
int remote_client_api(struct remote_client *cl);
void remote_client_set_api(struct remote_client *cl, int api);
const char *remote_client_prefix(struct remote_client *cl);

/* A connection: one kept from an earlier request, or a new one. */
int remote_client_connect(struct remote_client *cl, struct remote_conn **out, bool *reused,
			  berr *err);
/* A new connection, never one kept (a body that cannot be sent twice, a
 * stream that will be taken over). */
int remote_client_dial(struct remote_client *cl, struct remote_conn **out, berr *err);
/* Keeps a connection whose last response was read to its end. */
void remote_client_keep(struct remote_client *cl, struct remote_conn *c);

#endif
