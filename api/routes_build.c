/* POST /build (the classic builder's stream, a tar context as the body or
 * a remote) and POST /build/prune. BuildKit's session protocol (/session,
 * /grpc) is not served: the docker CLI without the buildx plugin, as
 * Debian installs it, builds through /build. */
#include <stdlib.h>
#include <string.h>

#include "api/pipe.h"
#include "api/routes.h"

/* A query value holding JSON (buildargs, labels, cachefrom); NULL when
 * absent. Returns -1 after answering 400. */
static int json_query(struct api_req *r, const char *key, json_t **out)
{
	const char *v = api_query(r, key);

	*out = NULL;
	if (!v || !*v)
		return 0;
	*out = json_loads(v, JSON_DECODE_ANY, NULL);
	if (!*out) {
		api_reply_errorf(r, 400, "invalid %s: not JSON", key);
		return -1;
	}
	return 0;
}

struct build_view {
	bool quiet;
};

/* The classic stream as the builder writes it; with q, only what names
 * the image (aux) and errors. */
static void send_build_message(struct api_stream *s, json_t *message)
{
	struct build_view *v = api_stream_user(s);

	if (v->quiet && !json_object_get(message, "aux") && !json_object_get(message, "error"))
		return;
	api_stream_send_json(s, message);
}

static int build(struct api_req *r)
{
	struct build_view view = {.quiet = api_query_bool(r, "q")};
	struct api_stream_options o = {
		.content_type = "application/json",
		.on_message = send_build_message,
		.user = &view,
		.errors_in_stream = true,
	};
	const char *dockerfile = api_query(r, "dockerfile"), *target = api_query(r, "target");
	const char *network = api_query(r, "networkmode"), *remote = api_query(r, "remote");
	const char *version = api_query(r, "version");
	json_t *build_args, *labels, *cache_from, *result;
	int rc;

	if (version && strcmp(version, "2") == 0)
		return api_reply_errorf(r, 400, "BuildKit builds are not supported by berth's API: "
						"build with DOCKER_BUILDKIT=0, or with `berth build`");
	if (json_query(r, "buildargs", &build_args) < 0)
		return 0;
	if (json_query(r, "labels", &labels) < 0 || json_query(r, "cachefrom", &cache_from) < 0) {
		json_decref(build_args);
		json_decref(labels);
		return 0;
	}
	json_t *args = json_pack("{s:b, s:o, s:b, s:b, s:o}", "legacy_stream", 1, "tags",
				 api_query_all(r, "t"), "no_cache", api_query_bool(r, "nocache"),
				 "pull", api_query_bool(r, "pull"), "add_hosts",
				 api_query_all(r, "extrahosts"));
	/* a path within the context, as Docker reads it: never one of this
	 * host's files (the engine reads an absolute path from the host, for
	 * its own CLI) */
	while (dockerfile && *dockerfile == '/')
		dockerfile++;
	if (dockerfile && *dockerfile)
		json_object_set_new(args, "dockerfile", json_string(dockerfile));
	if (target && *target)
		json_object_set_new(args, "target", json_string(target));
	if (network && *network && strcmp(network, "default") != 0)
		json_object_set_new(args, "network", json_string(network));
	if (json_is_object(build_args)) {
		/* a null value takes the variable from the daemon's environment
		 * in Docker; berth's builds never read the daemon's own */
		const char *k;
		json_t *v;
		void *tmp;
		json_object_foreach_safe(build_args, tmp, k, v)
			if (!json_is_string(v))
				json_object_del(build_args, k);
		json_object_set(args, "build_args", build_args);
	}
	if (json_is_object(labels))
		json_object_set(args, "labels", labels);
	if (json_is_array(cache_from))
		json_object_set(args, "cache_from", cache_from);
	json_decref(build_args);
	json_decref(labels);
	json_decref(cache_from);
	if (remote && *remote) {
		/* a URL: a path of this host is the host's, not the client's */
		static const char *const schemes[] = {"http://", "https://", "git://", "git@",
						      "github.com/", "ssh://"};
		bool url = false;
		for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
			url = url || strncmp(remote, schemes[i], strlen(schemes[i])) == 0;
		if (!url) {
			json_decref(args);
			return api_reply_errorf(r, 400, "remote %s is not a URL (http, https, git "
							"or ssh)", remote);
		}
		json_object_set_new(args, "remote", json_string(remote));
		rc = api_stream_run(r, "image.build", args, &o, &result);
	} else {
		rc = api_pipe_in(r, "image.build", args, "context_fd", &o, &result);
	}
	json_decref(args);
	if (rc < 0) {
		json_decref(result);
		return r->conn->broken ? -1 : 0;
	}
	/* -q: the image's id alone, as Docker's quiet build writes it */
	if (view.quiet) {
		json_t *line = json_pack("{s:s+}", "stream",
					 json_string_value(json_object_get(result, "Id")) ?: "", "\n");
		char *text = json_dumps(line, JSON_COMPACT);
		json_decref(line);
		int sent = text ? api_stream_send_after(r, text, strlen(text)) : -1;
		free(text);
		if (sent < 0 || api_stream_send_after(r, "\n", 1) < 0) {
			json_decref(result);
			return -1;
		}
	}
	json_decref(result);
	return api_stream_end(r, o.content_type) < 0 ? -1 : 0;
}

static int prune(struct api_req *r)
{
	json_t *filters, *result;
	long long keep;

	if (api_query_filters(r, &filters) < 0 || api_query_int(r, "keep-storage", 0, &keep) < 0) {
		json_decref(filters);
		return 0;
	}
	json_t *args = json_pack("{s:b, s:I}", "all", api_query_bool(r, "all"), "keep_storage",
				 (json_int_t)keep);
	if (filters)
		json_object_set_new(args, "filters", filters);
	int rc = api_call(r, "builder.prune", args, &result);
	json_decref(args);
	return rc < 0 ? 0 : api_reply_json(r, 200, result);
}

const struct api_route api_build_routes[] = {
	{"POST", "/build", build, API_ROUTE_WRITE},
	{"POST", "/build/prune", prune, API_ROUTE_WRITE},
	{NULL, NULL, NULL, 0},
};
