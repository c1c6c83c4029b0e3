/* /networks/...: list, inspect, create, connect, disconnect, remove, prune. */
#include <string.h>

#include "api/routes.h"

static int list(struct api_req *r)
{
	json_t *args = api_filters_args(r);

	return args ? api_answer(r, "network.list", args, 200) : 0;
}

static int inspect(struct api_req *r)
{
	return api_answer(r, "network.inspect", json_pack("{s:s}", "name", r->params[0]), 200);
}

static int create(struct api_req *r)
{
	json_t *body;

	if (api_body_json(r, false, &body) < 0)
		return r->conn->broken ? -1 : 0;
	return api_answer(r, "network.create", body, 201);
}

/* connect and disconnect take Docker's body ({"Container", ...}). */
static int membership(struct api_req *r, const char *type)
{
	json_t *body, *result;

	if (api_body_json(r, false, &body) < 0)
		return r->conn->broken ? -1 : 0;
	json_object_set_new(body, "network", json_string(r->params[0]));
	int rc = api_call(r, type, body, &result);
	json_decref(body);
	json_decref(result);
	return rc < 0 ? 0 : api_reply_status(r, 200);
}

static int connect_route(struct api_req *r)
{
	return membership(r, "network.connect");
}

static int disconnect_route(struct api_req *r)
{
	return membership(r, "network.disconnect");
}

static int remove_route(struct api_req *r)
{
	return api_answer(r, "network.remove", json_pack("{s:s}", "name", r->params[0]), 204);
}

static int prune(struct api_req *r)
{
	json_t *args = api_filters_args(r);

	return args ? api_answer(r, "network.prune", args, 200) : 0;
}

const struct api_route api_network_routes[] = {
	{"GET", "/networks", list, 0},
	{"GET", "/networks/json", list, 0},
	{"POST", "/networks/create", create, API_ROUTE_WRITE},
	{"POST", "/networks/prune", prune, API_ROUTE_WRITE},
	{"GET", "/networks/{}", inspect, 0},
	{"POST", "/networks/{}/connect", connect_route, API_ROUTE_WRITE},
	{"POST", "/networks/{}/disconnect", disconnect_route, API_ROUTE_WRITE},
	{"DELETE", "/networks/{}", remove_route, API_ROUTE_WRITE},
	{NULL, NULL, NULL, 0},
};
