/* /volumes/...: list, inspect, create, remove, prune. */
#include "api/routes.h"

static int list(struct api_req *r)
{
	json_t *args = api_filters_args(r);

	return args ? api_answer(r, "volume.list", args, 200) : 0;
}

static int inspect(struct api_req *r)
{
	return api_answer(r, "volume.inspect", json_pack("{s:s}", "name", r->params[0]), 200);
}

static int create(struct api_req *r)
{
	json_t *body;

	if (api_body_json(r, true, &body) < 0)
		return r->conn->broken ? -1 : 0;
	return api_answer(r, "volume.create", body, 201);
}

static int remove_route(struct api_req *r)
{
	return api_answer(r, "volume.remove",
		      json_pack("{s:s, s:b}", "name", r->params[0], "force", api_query_bool(r, "force")),
		      204);
}

static int prune(struct api_req *r)
{
	json_t *args = api_filters_args(r);

	return args ? api_answer(r, "volume.prune", args, 200) : 0;
}

const struct api_route api_volume_routes[] = {
	{"GET", "/volumes", list, 0},
	{"POST", "/volumes/create", create, API_ROUTE_WRITE},
	{"POST", "/volumes/prune", prune, API_ROUTE_WRITE},
	{"GET", "/volumes/{}", inspect, 0},
	{"DELETE", "/volumes/{}", remove_route, API_ROUTE_WRITE},
	{NULL, NULL, NULL, 0},
};
