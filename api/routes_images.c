/* /images/...: list, inspect, history, tag, remove, prune, pull and push. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/routes.h"
#include "api/stream.h"
#include "engine/core/base64.h"

/* An image object in the shape of the client's version: VirtualSize
 * before 1.44, ContainerConfig and Container before 1.45. */
static void shape_image(const struct api_req *r, json_t *image)
{
	if (r->version < 144 && !json_object_get(image, "VirtualSize"))
		json_object_set(image, "VirtualSize", json_object_get(image, "Size"));
	if (r->version >= 145) {
		json_object_del(image, "ContainerConfig");
		json_object_del(image, "Container");
	}
}

static int list(struct api_req *r)
{
	json_t *filters;

	if (api_query_filters(r, &filters) < 0)
		return 0;
	json_t *args = json_pack("{s:b}", "all", api_query_bool(r, "all"));
	if (filters)
		json_object_set_new(args, "filters", filters);
	json_t *result, *image;
	size_t i;
	int rc = api_call(r, "image.list", args, &result);
	json_decref(args);
	if (rc < 0)
		return 0;
	json_array_foreach(result, i, image)
		shape_image(r, image);
	return api_reply_json(r, 200, result);
}

static int inspect(struct api_req *r)
{
	json_t *args = json_pack("{s:s}", "name", r->params[0]), *result;
	int rc = api_call(r, "image.inspect", args, &result);

	json_decref(args);
	if (rc < 0)
		return 0;
	shape_image(r, result);
	return api_reply_json(r, 200, result);
}

static int history(struct api_req *r)
{
	return api_answer(r, "image.history", json_pack("{s:s}", "name", r->params[0]), 200);
}

static int tag(struct api_req *r)
{
	const char *repo = api_query(r, "repo"), *t = api_query(r, "tag");
	char target[1024];
	json_t *result;

	if (!repo || !*repo)
		return api_reply_errorf(r, 400, "repository name must have at least one component");
	snprintf(target, sizeof(target), "%s%s%s", repo, t && *t ? ":" : "", t && *t ? t : "");
	json_t *args = json_pack("{s:s, s:s}", "source", r->params[0], "target", target);
	int rc = api_call(r, "image.tag", args, &result);
	json_decref(args);
	json_decref(result);
	return rc < 0 ? 0 : api_reply_status(r, 201);
}

static int remove_route(struct api_req *r)
{
	return api_answer(r, "image.remove",
		      json_pack("{s:s, s:b, s:b}", "name", r->params[0], "force",
				api_query_bool(r, "force"), "noprune", api_query_bool(r, "noprune")),
		      200);
}

static int prune(struct api_req *r)
{
	json_t *filters;

	if (api_query_filters(r, &filters) < 0)
		return 0;
	json_t *args = json_object();
	if (filters) {
		/* dangling=false: every unused image, as `image prune -a` */
		json_t *d = json_object_get(filters, "dangling");
		if (json_is_object(d) ? json_is_true(json_object_get(d, "false")) ||
						json_is_true(json_object_get(d, "0"))
				      : json_is_array(d) && json_array_size(d) &&
						(strcmp(json_string_value(json_array_get(d, 0)) ?: "", "false") == 0 ||
						 strcmp(json_string_value(json_array_get(d, 0)) ?: "", "0") == 0))
			json_object_set_new(args, "all", json_true());
		json_object_del(filters, "dangling");
		json_object_set_new(args, "filters", filters);
	}
	return api_answer(r, "image.prune", args, 200);
}

/* X-Registry-Auth: base64url JSON credentials, {} when absent or bad. As
 * dockerd, the daemon speaks to a registry with the client's credentials
 * alone, never with those its own user stored. */
static json_t *registry_auth(struct api_req *r)
{
	const char *header = http_header(r->http, "X-Registry-Auth");
	char *text;
	json_t *auth;

	if (!header || !*header || !(text = base64_decode(header, NULL)))
		return json_object();
	auth = json_loads(text, 0, NULL);
	explicit_bzero(text, strlen(text));
	free(text);
	if (!json_is_object(auth)) {
		json_decref(auth);
		return json_object();
	}
	return auth;
}

static void send_progress(struct api_stream *s, json_t *message)
{
	api_stream_send_json(s, message);
}

/* Runs a pull or a push, its progress streamed as Docker streams it. */
static int progress_command(struct api_req *r, const char *type, json_t *args)
{
	struct api_stream_options o = {
		.content_type = "application/json",
		.on_message = send_progress,
		.errors_in_stream = true,
	};
	json_t *result;

	json_object_set_new(args, "auth", registry_auth(r));
	int rc = api_stream_run(r, type, args, &o, &result);
	json_decref(args);
	json_decref(result);
	if (rc < 0)
		return r->conn->broken ? -1 : 0;
	return api_stream_end(r, o.content_type) < 0 ? -1 : 0;
}

/* A reference and a tag (or a digest) as one reference. */
static void join_reference(char *out, size_t size, const char *name, const char *t)
{
	if (!t || !*t)
		snprintf(out, size, "%s", name);
	else if (strncmp(t, "sha256:", 7) == 0)
		snprintf(out, size, "%s@%s", name, t);
	else
		snprintf(out, size, "%s:%s", name, t);
}

static int create(struct api_req *r)
{
	const char *from = api_query(r, "fromImage"), *t = api_query(r, "tag");
	const char *platform = api_query(r, "platform");
	char reference[1024];

	if (!from || !*from) {
		if (api_query(r, "fromSrc"))
			return api_image_import(r);
		return api_reply_errorf(r, 400, "fromImage or fromSrc must be given");
	}
	join_reference(reference, sizeof(reference), from, t);
	json_t *args = json_pack("{s:s, s:b}", "reference", reference, "all_tags", !t || !*t);
	if (platform && *platform)
		json_object_set_new(args, "platform", json_string(platform));
	return progress_command(r, "image.pull", args);
}

static int push(struct api_req *r)
{
	const char *t = api_query(r, "tag");
	char reference[1024];

	join_reference(reference, sizeof(reference), r->params[0], t);
	return progress_command(
		r, "image.push", json_pack("{s:s, s:b}", "reference", reference, "all_tags", !t || !*t));
}

/* GET /images/search: the registry the term names, searched for it. */
static int search(struct api_req *r)
{
	const char *term = api_query(r, "term");
	json_t *filters;
	long long limit;

	if (api_query_filters(r, &filters) < 0 || api_query_int(r, "limit", 0, &limit) < 0)
		return 0;
	json_t *args = json_pack("{s:s, s:I}", "term", term ? term : "", "limit", (json_int_t)limit);
	if (filters)
		json_object_set_new(args, "filters", filters);
	json_object_set_new(args, "auth", registry_auth(r));
	return api_answer(r, "registry.search", args, 200);
}

/* GET /distribution/{name}/json: what the registry has for a reference,
 * its manifest's descriptor and the platforms it serves. */
static int distribution(struct api_req *r)
{
	json_t *args = json_pack("{s:s, s:b}", "reference", r->params[0], "platforms", 1);
	json_t *result;

	json_object_set_new(args, "auth", registry_auth(r));
	int rc = api_call(r, "registry.manifest", args, &result);
	json_decref(args);
	if (rc < 0)
		return 0;
	json_t *out = json_pack(
		"{s:{s:O, s:O, s:I}, s:O}", "Descriptor", "mediaType",
		json_object_get(result, "MediaType"), "digest", json_object_get(result, "Digest"),
		"size", (json_int_t)json_string_length(json_object_get(result, "Raw")), "Platforms",
		json_object_get(result, "Platforms"));
	json_decref(result);
	return api_reply_json(r, 200, out);
}

const struct api_route api_image_routes[] = {
	{"GET", "/distribution/{*}/json", distribution, API_ROUTE_OUTBOUND},
	{"GET", "/images/json", list, 0},
	{"GET", "/images/search", search, API_ROUTE_OUTBOUND},
	{"POST", "/images/create", create, API_ROUTE_WRITE},
	{"POST", "/images/prune", prune, API_ROUTE_WRITE},
	{"GET", "/images/{*}/json", inspect, 0},
	{"GET", "/images/{*}/history", history, 0},
	{"POST", "/images/{*}/tag", tag, API_ROUTE_WRITE},
	{"POST", "/images/{*}/push", push, API_ROUTE_WRITE},
	{"DELETE", "/images/{*}", remove_route, API_ROUTE_WRITE},
	{NULL, NULL, NULL, 0},
};
