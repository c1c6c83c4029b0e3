/* Dispatches one request read on an endpoint to its route. */
#ifndef BERTH_API_ROUTER_H
#define BERTH_API_ROUTER_H

#include "api/endpoint.h"
#include "api/http.h"
#include "engine/core/engine.h"

struct api_server;

/* Answers the request in conn->req (headers read, body not). Returns 0
 * when the connection may serve another request, -1 when it must close. */
int api_route_request(struct api_server *server, struct engine *engine, struct http_conn *conn,
		      const struct api_endpoint *endpoint);

#endif
