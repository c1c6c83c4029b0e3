/* From an HTTP request to its route: the /v1.NN/ prefix and the version
 * checks Docker makes, the path matched against every route table, the
 * query decoded, the endpoint's access checked, and the handler run. */
#include "api/router.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/routes.h"
#include "engine/core/alloc.h"
#include "engine/core/strbuf.h"

/* Versions served: the oldest the docker CLI and SDKs still send, up to
 * the newest the docker CLI 28 speaks. _ping and /version advertise
 * API_ADVERTISED_VERSION (request.c), so clients that negotiate settle
 * there; a client pinned to a newer one gets that version's shapes. */
#define API_MIN_VERSION 124
#define API_MAX_VERSION 150

static const struct api_route *const route_tables[] = {
	api_system_routes, api_container_routes, api_exec_routes, api_image_routes,
	api_network_routes, api_volume_routes, api_transfer_routes, api_build_routes,
	api_archive_routes, api_swarm_routes, NULL,
};

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes n bytes of s ('+' is a space in a query). */
static char *decode(const char *s, size_t n, bool query)
{
	struct strbuf b = {0};

	for (size_t i = 0; i < n; i++) {
		int hi, lo;
		if (s[i] == '%' && i + 2 < n && (hi = hex_value(s[i + 1])) >= 0 && (lo = hex_value(s[i + 2])) >= 0) {
			strbuf_addc(&b, (char)(hi * 16 + lo));
			i += 2;
		} else if (query && s[i] == '+') {
			strbuf_addc(&b, ' ');
		} else {
			strbuf_addc(&b, s[i]);
		}
	}
	return b.s ? strbuf_steal(&b) : xstrdup("");
}

/* "a=1&b=x%20y" as [["a","1"],["b","x y"]]. */
static json_t *parse_query(const char *q)
{
	json_t *out = json_array();

	while (q && *q) {
		size_t len = strcspn(q, "&");
		const char *eq = memchr(q, '=', len);
		size_t klen = eq ? (size_t)(eq - q) : len;
		if (klen > 0) {
			char *k = decode(q, klen, true);
			char *v = eq ? decode(eq + 1, len - klen - 1, true) : xstrdup("");
			json_array_append_new(out, json_pack("[s?, s?]", k, v));
			free(k);
			free(v);
		}
		q += len;
		if (*q == '&')
			q++;
	}
	return out;
}

/* Strips "/v1.NN" from the path; *version is 100*major+minor, or the
 * newest when there is no prefix. Returns the rest of the path, or NULL
 * when the prefix is not a version. */
static const char *strip_version(const char *path, int *version, char *text, size_t text_size)
{
	unsigned major, minor;
	int used = 0;

	*version = API_ADVERTISED_VERSION;
	snprintf(text, text_size, "%d.%d", API_ADVERTISED_VERSION / 100,
		 API_ADVERTISED_VERSION % 100);
	if (strncmp(path, "/v", 2) != 0 || path[2] < '0' || path[2] > '9')
		return path;
	/* digits, a dot, digits: nothing sscanf would also take (signs, spaces) */
	size_t a = strspn(path + 2, "0123456789");
	size_t b = path[2 + a] == '.' ? strspn(path + 3 + a, "0123456789") : 0;
	if (a == 0 || a > 3 || b == 0 || b > 3 ||
	    sscanf(path + 2, "%3u.%3u%n", &major, &minor, &used) != 2 ||
	    (path[2 + used] != '/' && path[2 + used] != '\0'))
		return NULL;
	snprintf(text, text_size, "%.*s", used, path + 2);
	*version = (int)(major * 100 + minor);
	return path + 2 + used;
}

/* Matches a path against a pattern; fills params (decoded) on success. */
static bool match(const char *pattern, const char *path, char **params)
{
	int n = 0;

	while (*pattern && *path) {
		if (*pattern != '/' || *path != '/')
			return false;
		pattern++;
		path++;
		size_t plen = strcspn(pattern, "/");
		size_t slen = strcspn(path, "/");
		if (plen == 3 && strncmp(pattern, "{*}", 3) == 0) {
			/* one or more segments, as many as leave the rest of the
			 * pattern matching the end of the path */
			const char *rest = pattern + 3;
			size_t rlen = strlen(rest), len = strlen(path);
			if (len <= rlen || (rlen && strcmp(path + len - rlen, rest) != 0))
				return false;
			if (rlen && rest[0] == '/' && path[len - rlen - 1] == '/')
				return false;
			if (n < API_MAX_PARAMS)
				params[n++] = decode(path, len - rlen, false);
			return true;
		}
		if (plen == 2 && strncmp(pattern, "{}", 2) == 0) {
			if (slen == 0)
				return false;
			if (n < API_MAX_PARAMS)
				params[n++] = decode(path, slen, false);
		} else if (plen != slen || strncmp(pattern, path, plen) != 0) {
			return false;
		}
		pattern += plen;
		path += slen;
	}
	return *pattern == '\0' && (*path == '\0' || strcmp(path, "/") == 0);
}

static void free_params(char **params)
{
	for (int i = 0; i < API_MAX_PARAMS; i++) {
		free(params[i]);
		params[i] = NULL;
	}
}

static const struct api_route *find_route(const char *method, const char *path, char **params)
{
	for (size_t t = 0; route_tables[t]; t++)
		for (const struct api_route *r = route_tables[t]; r->method; r++) {
			if (strcmp(r->method, method) != 0)
				continue;
			if (match(r->pattern, path, params))
				return r;
			free_params(params);
		}
	return NULL;
}

int api_route_request(struct api_server *server, struct engine *engine, struct http_conn *conn,
		      const struct api_endpoint *endpoint)
{
	struct api_req r = {
		.engine = engine,
		.server = server,
		.conn = conn,
		.http = &conn->req,
	};
	char version_text[16];
	const char *path = strip_version(conn->req.path, &r.version, version_text,
					 sizeof(version_text));
	const struct api_route *route = NULL;
	int rc;

	r.query = parse_query(conn->req.query);
	/* a NUL in the path would cut a name short: no route has one */
	if (path && strstr(path, "%00"))
		path = NULL;
	if (!path) {
		rc = api_reply_errorf(&r, 404, "page not found");
		goto out;
	}
	if (r.version < API_MIN_VERSION) {
		rc = api_reply_errorf(&r, 400,
				      "client version %s is too old. Minimum supported API version is "
				      "%d.%d, please upgrade your client to a newer version",
				      version_text, API_MIN_VERSION / 100, API_MIN_VERSION % 100);
		goto out;
	}
	if (r.version > API_MAX_VERSION) {
		rc = api_reply_errorf(&r, 400,
				      "client version %s is too new. Maximum supported API version is "
				      "%d.%d",
				      version_text, API_MAX_VERSION / 100, API_MAX_VERSION % 100);
		goto out;
	}
	route = find_route(conn->req.method, path, r.params);
	if (!route) {
		rc = api_reply_errorf(&r, 404, "page not found");
		goto out;
	}
	if (!api_endpoint_allows(endpoint, route, conn->req.method, path)) {
		rc = api_reply_errorf(&r, 403, "%s %s is not allowed on this socket (%s)",
				      conn->req.method, path, endpoint->address);
		goto out;
	}
	/* a client waiting to be told to send its body (curl does, past 1 KiB):
	 * told when the route reads it */
	const char *expect = http_header(&conn->req, "Expect");
	conn->continue_pending = expect && strcasecmp(expect, "100-continue") == 0 &&
				 conn->req.has_body;
	rc = route->handle(&r);
	if (rc == 0 && !r.answered)
		rc = api_reply_errorf(&r, 500, "the route gave no answer");
out:
	/* a body the client was never told to send is not waited for: the
	 * connection ends after the answer */
	if (conn->continue_pending && !conn->message_done)
		conn->req.keep_alive = false;
	/* what the handler left of the body, so that the next request parses */
	if (rc == 0 && conn->req.keep_alive && !conn->message_done && http_drain_body(conn) < 0)
		rc = -1;
	free_params(r.params);
	json_decref(r.query);
	return rc;
}
