/* /containers/{id}/archive: what `docker cp` uses. HEAD gives a path's
 * stat, GET its tar with the stat in a header, PUT unpacks a tar into a
 * directory. The stat header is Docker's: base64 of
 * {"name", "size", "mode" (Go's os.FileMode bits), "mtime" (RFC 3339),
 * "linkTarget"}. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "api/pipe.h"
#include "api/routes.h"
#include "engine/core/base64.h"

/* Go's os.FileMode for a unix st_mode. */
static json_int_t go_file_mode(unsigned mode)
{
	json_int_t m = mode & 0777;

	switch (mode & S_IFMT) {
	case S_IFDIR: m |= 1LL << 31; break;
	case S_IFLNK: m |= 1LL << 27; break;
	case S_IFIFO: m |= 1LL << 25; break;
	case S_IFSOCK: m |= 1LL << 24; break;
	case S_IFBLK: m |= 1LL << 26; break;
	case S_IFCHR: m |= (1LL << 26) | (1LL << 21); break;
	default: break;
	}
	if (mode & S_ISUID)
		m |= 1LL << 23;
	if (mode & S_ISGID)
		m |= 1LL << 22;
	if (mode & S_ISVTX)
		m |= 1LL << 20;
	return m;
}

/* The engine's stat object as Docker's header value. */
static char *stat_header(json_t *stat)
{
	time_t mtime = (time_t)json_integer_value(json_object_get(stat, "mtime"));
	char when[40];
	struct tm tm;

	gmtime_r(&mtime, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_t *out = json_pack(
		"{s:s, s:I, s:I, s:s, s:s}", "name",
		strrchr(json_string_value(json_object_get(stat, "name")) ?: "/", '/') + 1, "size",
		json_integer_value(json_object_get(stat, "size")), "mode",
		go_file_mode((unsigned)json_integer_value(json_object_get(stat, "mode"))), "mtime",
		when, "linkTarget", json_string_value(json_object_get(stat, "linkTarget")) ?: "");
	char *text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	char *encoded = text ? base64_encode(text, strlen(text)) : NULL;
	free(text);
	return encoded;
}

struct archive_get {
	pthread_mutex_t lock;
	json_t *stat;
};

/* Runs on the command's worker, before its first byte. */
static void keep_stat(void *user, json_t *message)
{
	struct archive_get *g = user;
	json_t *stat = json_object_get(message, "stat");

	if (!stat)
		return;
	pthread_mutex_lock(&g->lock);
	json_decref(g->stat);
	g->stat = json_incref(stat);
	pthread_mutex_unlock(&g->lock);
}

static void add_stat_header(void *user, struct strbuf *extra)
{
	struct archive_get *g = user;

	pthread_mutex_lock(&g->lock);
	char *value = g->stat ? stat_header(g->stat) : NULL;
	pthread_mutex_unlock(&g->lock);
	if (value)
		strbuf_addf(extra, "X-Docker-Container-Path-Stat: %s\r\n", value);
	free(value);
}

static const char *path_arg(struct api_req *r)
{
	const char *path = api_query(r, "path");

	if (!path || !*path) {
		api_reply_errorf(r, 400, "path is required");
		return NULL;
	}
	return path;
}

static int head(struct api_req *r)
{
	const char *path = path_arg(r);
	json_t *result;

	if (!path)
		return 0;
	json_t *args = json_pack("{s:s, s:s, s:b}", "id", r->params[0], "path", path, "stat_only", 1);
	int rc = api_call(r, "container.copy_from", args, &result);
	json_decref(args);
	if (rc < 0)
		return 0;
	char *value = stat_header(json_object_get(result, "stat"));
	json_decref(result);
	struct strbuf headers = {0};
	strbuf_addf(&headers, "%sX-Docker-Container-Path-Stat: %s\r\n", api_common_headers(),
		    value ? value : "");
	free(value);
	r->answered = true;
	rc = http_respond(r->conn, 200, headers.s, NULL, NULL, 0);
	strbuf_free(&headers);
	return rc;
}

static int get(struct api_req *r)
{
	struct archive_get g = {.lock = PTHREAD_MUTEX_INITIALIZER};
	struct api_pipe_out_options o = {
		.content_type = "application/x-tar",
		.on_progress = keep_stat,
		.user = &g,
		.headers = add_stat_header,
	};
	const char *path = path_arg(r);

	if (!path)
		return 0;
	json_t *args = json_pack("{s:s, s:s}", "id", r->params[0], "path", path);
	int rc = api_pipe_out(r, "container.copy_from", args, "fd", &o);
	json_decref(args);
	json_decref(g.stat);
	return rc;
}

static void ignore(struct api_stream *s, json_t *message)
{
	(void)s;
	(void)message;
}

static int put(struct api_req *r)
{
	struct api_stream_options o = {.content_type = "application/json", .on_message = ignore};
	const char *path = path_arg(r);
	json_t *result;

	if (!path)
		return 0;
	json_t *args = json_pack("{s:s, s:s}", "id", r->params[0], "path", path);
	int rc = api_pipe_in(r, "container.copy_to", args, "fd", &o, &result);
	json_decref(args);
	json_decref(result);
	if (rc < 0)
		return r->conn->broken ? -1 : 0;
	return api_reply_status(r, 200);
}

const struct api_route api_archive_routes[] = {
	{"HEAD", "/containers/{}/archive", head, API_ROUTE_WRITE}, /* tells of any path's files */
	{"GET", "/containers/{}/archive", get, API_ROUTE_WRITE},
	{"PUT", "/containers/{}/archive", put, API_ROUTE_WRITE},
	{NULL, NULL, NULL, 0},
};
