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

/* "/v1.41": the version both ends speak, asked of the daemon once (its
 * /_ping). An unreachable daemon is Docker's "Cannot connect" error. */
int remote_client_version(struct remote_client *cl, const char **prefix, berr *err);
/* The version as a number (141). */
int remote_client_api(struct remote_client *cl);

/* A connection: one kept from an earlier request, or a new one. */
int remote_client_connect(struct remote_client *cl, struct remote_conn **out, bool *reused,
			  berr *err);
/* Keeps a connection whose last response was read to its end. */
void remote_client_keep(struct remote_client *cl, struct remote_conn *c);

#endif
