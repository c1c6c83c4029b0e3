/* Images and containers as tar streams: export, save (get), load,
 * import (create from a source) and commit. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/pipe.h"
#include "api/routes.h"

static int export_route(struct api_req *r)
{
	struct api_pipe_out_options o = {.content_type = "application/x-tar"};
	json_t *args = json_pack("{s:s}", "id", r->params[0]);
	int rc = api_pipe_out(r, "container.export", args, "fd", &o);

	json_decref(args);
	return rc;
}

static int save(struct api_req *r, json_t *names)
{
	struct api_pipe_out_options o = {.content_type = "application/x-tar"};
	json_t *args = json_pack("{s:o}", "names", names);
	int rc = api_pipe_out(r, "image.save", args, "fd", &o);

	json_decref(args);
	return rc;
}

static int get_one(struct api_req *r)
{
	return save(r, json_pack("[s]", r->params[0]));
}

static int get_many(struct api_req *r)
{
	json_t *names = api_query_all(r, "names");

	if (json_array_size(names) == 0) {
		json_decref(names);
		return api_reply_errorf(r, 400, "no images given: names=NAME");
	}
	return save(r, names);
}

static void send_message(struct api_stream *s, json_t *message)
{
	api_stream_send_json(s, message);
}

static int load(struct api_req *r)
{
	struct api_stream_options o = {
		.content_type = "application/json",
		.on_message = send_message,
		.errors_in_stream = true,
	};
	json_t *args = json_object(), *result;
	int rc = api_pipe_in(r, "image.load", args, "fd", &o, &result);

	json_decref(args);
	json_decref(result);
	if (rc < 0)
		return r->conn->broken ? -1 : 0;
	return api_stream_end(r, o.content_type) < 0 ? -1 : 0;
}

/* POST /images/create?fromSrc=-: the body is a root filesystem's tar. */
int api_image_import(struct api_req *r)
{
	struct api_stream_options o = {
		.content_type = "application/json",
		.on_message = send_message,
		.errors_in_stream = true,
	};
	const char *repo = api_query(r, "repo"), *tag = api_query(r, "tag");
	const char *message = api_query(r, "message"), *src = api_query(r, "fromSrc");
	char reference[1024];
	json_t *result;

	json_t *args = json_pack("{s:o}", "changes", api_query_all(r, "changes"));
	char url[2048];
	if (strcmp(src, "-") != 0) {
		/* dockerd's reading: a source without a scheme is http:// */
		snprintf(url, sizeof(url), "%s%s", strstr(src, "://") ? "" : "http://", src);
		json_object_set_new(args, "url", json_string(url));
	}
	if (repo && *repo) {
		snprintf(reference, sizeof(reference), "%s%s%s", repo, tag && *tag ? ":" : "",
			 tag && *tag ? tag : "");
		json_object_set_new(args, "reference", json_string(reference));
	}
	if (message && *message)
		json_object_set_new(args, "message", json_string(message));
	int rc = api_pipe_in(r, "image.import", args, "fd", &o, &result);
	json_decref(args);
	if (rc < 0) {
		json_decref(result);
		return r->conn->broken ? -1 : 0;
	}
	json_t *status = json_pack("{s:s}", "status", json_string_value(json_object_get(result, "id")) ?: "");
	json_decref(result);
	char *text = json_dumps(status, JSON_COMPACT);
	json_decref(status);
	rc = api_stream_send_after(r, text, strlen(text));
	free(text);
	if (rc < 0 || api_stream_send_after(r, "\n", 1) < 0)
		return -1;
	return api_stream_end(r, o.content_type) < 0 ? -1 : 0;
}

static int commit(struct api_req *r)
{
	const char *container = api_query(r, "container"), *repo = api_query(r, "repo");
	const char *tag = api_query(r, "tag"), *comment = api_query(r, "comment");
	const char *author = api_query(r, "author"), *pause = api_query(r, "pause");
	char reference[1024];
	json_t *body, *result;

	if (!container || !*container)
		return api_reply_errorf(r, 404, "No such container: ");
	if (api_body_json(r, true, &body) < 0)
		return r->conn->broken ? -1 : 0;
	json_t *args = json_pack("{s:s, s:o, s:b}", "id", container, "changes",
				 api_query_all(r, "changes"), "pause",
				 !pause || !*pause || api_query_bool(r, "pause"));
	/* the image's configuration, over the container's (docker-py's conf=) */
	if (json_is_object(body))
		json_object_set(args, "config", body);
	json_decref(body);
	if (repo && *repo) {
		snprintf(reference, sizeof(reference), "%s%s%s", repo, tag && *tag ? ":" : "",
			 tag && *tag ? tag : "");
		json_object_set_new(args, "reference", json_string(reference));
	}
	if (comment && *comment)
		json_object_set_new(args, "comment", json_string(comment));
	if (author && *author)
		json_object_set_new(args, "author", json_string(author));
	int rc = api_call(r, "container.commit", args, &result);
	json_decref(args);
	if (rc < 0)
		return 0;
	json_t *out = json_pack("{s:O}", "Id", json_object_get(result, "Id"));
	json_decref(result);
	return api_reply_json(r, 201, out);
}

const struct api_route api_transfer_routes[] = {
	{"GET", "/containers/{}/export", export_route, API_ROUTE_WRITE},
	{"GET", "/images/get", get_many, API_ROUTE_WRITE},
	{"GET", "/images/{*}/get", get_one, API_ROUTE_WRITE},
	{"POST", "/images/load", load, API_ROUTE_WRITE},
	{"POST", "/commit", commit, API_ROUTE_WRITE},
	{NULL, NULL, NULL, 0},
};
