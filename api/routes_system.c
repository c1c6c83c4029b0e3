/* /_ping, /version, /info, /system/df and /events. */
#include <stdio.h>
#include <string.h>

#include "api/routes.h"
#include "api/stream.h"
#include "engine/core/clock.h"
#include "engine/core/units.h"

static int ping(struct api_req *r)
{
	char headers[512];

	snprintf(headers, sizeof(headers),
		 "%sBuilder-Version: 1\r\nSwarm: inactive\r\nCache-Control: no-cache, no-store, "
		 "must-revalidate\r\nPragma: no-cache\r\n",
		 api_common_headers());
	bool head = strcmp(r->http->method, "HEAD") == 0;
	r->answered = true;
	return http_respond(r->conn, 200, headers, "text/plain; charset=utf-8", head ? "" : "OK",
			    head ? 0 : 2);
}

/* Answers a command without arguments with its result as it is. */
static int reply_command(struct api_req *r, const char *type)
{
	json_t *result;

	if (api_call(r, type, NULL, &result) < 0)
		return 0;
	return api_reply_json(r, 200, result);
}

static int version(struct api_req *r)
{
	json_t *result;

	if (api_call(r, "system.version", NULL, &result) < 0)
		return 0;
	json_object_set_new(result, "Platform", json_pack("{s:s}", "Name", "berth"));
	return api_reply_json(r, 200, result);
}

static int info(struct api_req *r)
{
	return reply_command(r, "system.info");
}

static int disk_usage(struct api_req *r)
{
	return reply_command(r, "system.df");
}

static void send_event(struct api_stream *s, json_t *event)
{
	api_stream_send_json(s, event);
}

static int events(struct api_req *r)
{
	struct api_stream_options o = {
		.content_type = "application/json",
		.begin_now = true,
		.on_message = send_event,
	};
	json_t *args = json_object(), *filters, *result;
	const char *since = api_query(r, "since"), *until = api_query(r, "until");
	int rc;

	if (api_query_filters(r, &filters) < 0) {
		json_decref(args);
		return 0;
	}
	/* a time that is not one is refused before the stream begins */
	const char *times[] = {since, until};
	for (int i = 0; i < 2; i++) {
		berr err = {0};
		int64_t t;
		if (times[i] && *times[i] &&
		    units_parse_timestamp(times[i], clock_now_nanos(), &t, &err) < 0) {
			json_decref(args);
			json_decref(filters);
			return api_reply_errorf(r, 400, "%s", err.msg);
		}
	}
	if (since && *since)
		json_object_set_new(args, "since", json_string(since));
	if (until && *until)
		json_object_set_new(args, "until", json_string(until));
	if (filters)
		json_object_set_new(args, "filters", filters);
	rc = api_stream_run(r, "system.events", args, &o, &result);
	json_decref(args);
	json_decref(result);
	if (rc < 0)
		return r->conn->broken ? -1 : 0;
	return api_stream_end(r, o.content_type);
}

/* Checks credentials with the registry; the client keeps them (the
 * daemon stores nothing), as Docker's /auth does. */
static int auth(struct api_req *r)
{
	json_t *body, *result;

	if (api_body_json(r, false, &body) < 0)
		return r->conn->broken ? -1 : 0;
	json_object_set_new(body, "save", json_false());
	int rc = api_call(r, "registry.login", body, &result);
	json_decref(body);
	if (rc < 0)
		return 0;
	json_decref(result);
	return api_reply_json(r, 200, json_pack("{s:s, s:s}", "Status", "Login Succeeded",
						"IdentityToken", ""));
}

const struct api_route api_system_routes[] = {
	{"GET", "/_ping", ping, 0},
	{"HEAD", "/_ping", ping, 0},
	{"GET", "/version", version, 0},
	{"GET", "/info", info, 0},
	{"GET", "/system/df", disk_usage, 0},
	{"GET", "/events", events, 0},
	{"POST", "/auth", auth, API_ROUTE_WRITE},
	{NULL, NULL, NULL, 0},
};
