/* /volumes/...: list, inspect, create, remove, prune. */
#include "api/routes.h"

static int answer(struct api_req *r, const char *type, json_t *args, int status)
{
	json_t *result;
	int rc = api_call(r, type, args, &result);

	json_decref(args);
	if (rc < 0)
		return 0;
	if (status == 204) {
		json_decref(result);
		return api_reply_status(r, 204);
	}
	return api_reply_json(r, status, result);
}

static int list(struct api_req *r)
{
	json_t *filters;

	if (api_query_filters(r, &filters) < 0)
		return 0;
	json_t *args = json_object();
	if (filters)
		json_object_set_new(args, "filters", filters);
	return answer(r, "volume.list", args, 200);
}

static int inspect(struct api_req *r)
{
	return answer(r, "volume.inspect", json_pack("{s:s}", "name", r->params[0]), 200);
}

static int create(struct api_req *r)
{
	json_t *body;

	if (api_body_json(r, true, &body) < 0)
		return r->conn->broken ? -1 : 0;
	return answer(r, "volume.create", body, 201);
}

static int remove_route(struct api_req *r)
{
	return answer(r, "volume.remove",
		      json_pack("{s:s, s:b}", "name", r->params[0], "force", api_query_bool(r, "force")),
		      204);
}

static int prune(struct api_req *r)
{
	json_t *filters;

	if (api_query_filters(r, &filters) < 0)
		return 0;
	json_t *args = json_object();
	if (filters)
		json_object_set_new(args, "filters", filters);
	return answer(r, "volume.prune", args, 200);
}

const struct api_route api_volume_routes[] = {
	{"GET", "/volumes", list, 0},
	{"POST", "/volumes/create", create, API_ROUTE_WRITE},
	{"POST", "/volumes/prune", prune, API_ROUTE_WRITE},
	{"GET", "/volumes/{}", inspect, 0},
	{"DELETE", "/volumes/{}", remove_route, API_ROUTE_WRITE},
	{NULL, NULL, NULL, 0},
};
