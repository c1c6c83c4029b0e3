/* One Engine API request as a route handler sees it: the path's
 * parameters, the query, the body, the API version the client asked for,
 * and the ways to answer (Docker's headers and error shapes). */
#ifndef BERTH_API_REQUEST_H
#define BERTH_API_REQUEST_H

#include <jansson.h>
#include <stdbool.h>

#include "api/http.h"
#include "engine/core/engine.h"

struct api_server;

#define API_MAX_PARAMS 2

/* The version _ping and /version advertise, and requests without a
 * /v1.NN/ prefix get: at 1.45 Docker drops image fields docker-compose
 * 1.29 reads. */
#define API_ADVERTISED_VERSION 144

struct api_req {
	struct engine *engine;
	struct api_server *server;
	struct http_conn *conn;
	const struct http_request *http;
	int version;                   /* the client's API version as 100*major+minor: 144 */
	char *params[API_MAX_PARAMS];  /* the path's {} parts, percent-decoded */
	json_t *query;                 /* [[key, value]...], percent-decoded */
	bool answered;                 /* a response (or a hijack) went out */
};

/* What a route answers with; it returns 0 once it answered, or -1 when the
 * connection broke and must close. */
typedef int (*api_handler_fn)(struct api_req *r);

/* A route: "GET", "/containers/{}/json"; "{}" is one path segment, "{*}"
 * one or more (image names hold '/'). */
struct api_route {
	const char *method;
	const char *pattern;
	api_handler_fn handle;
	unsigned flags;
};

#define API_ROUTE_WRITE 1u /* changes something: refused on a read-only endpoint */
/* reaches out to a registry, with the daemon's network: refused on a
 * read-only endpoint too (search, distribution) */
#define API_ROUTE_OUTBOUND 2u

/* --- the query ------------------------------------------------------------ */

/* The last value given for key, or NULL. */
const char *api_query(const struct api_req *r, const char *key);
/* Every value given for key, in order (a new array). */
json_t *api_query_all(const struct api_req *r, const char *key);
/* Docker's boolean query values: absent, "", "0", "no", "false" and
 * "none" are false, anything else true. */
bool api_query_bool(const struct api_req *r, const char *key);
/* An integer value; def when absent. Returns -1 (and answers 400) when
 * it is not a number. */
int api_query_int(struct api_req *r, const char *key, long long def, long long *out);
/* The "filters" value as JSON (either of Docker's shapes), or NULL when
 * absent. Returns -1 (and answers 400) when it is not JSON. */
int api_query_filters(struct api_req *r, json_t **out);

/* --- the body ------------------------------------------------------------- */

/* The body as a JSON object; an empty body is an empty object when
 * empty_ok, else an error. Returns -1 after answering 400. */
int api_body_json(struct api_req *r, bool empty_ok, json_t **out);

/* --- answers -------------------------------------------------------------- */

/* The headers every response carries (Api-Version, Server, Ostype...). */
const char *api_common_headers(void);
/* A JSON body (stolen) with status, as Go's encoder writes it (one line). */
int api_reply_json(struct api_req *r, int status, json_t *body);
/* A response without a body (204, 304...). */
int api_reply_status(struct api_req *r, int status);
/* Docker's error shape {"message": ...} with the status of the error's kind. */
int api_reply_error(struct api_req *r, const berr *err);
int api_reply_errorf(struct api_req *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The HTTP status Docker answers an engine error with. */
int api_error_status(const berr *err);

/* Runs a command and answers its error when it fails: 0 with *result
 * set, or -1 (answered, or the connection broke). */
int api_call(struct api_req *r, const char *type, json_t *args, json_t **result);

/* Runs a command (args stolen) and answers: its result as JSON with
 * status, or for 204 nothing but the status. Returns what a handler does. */
int api_answer(struct api_req *r, const char *type, json_t *args, int status);

/* {"filters": the query's filters} (or {} without any), or NULL after
 * answering 400. */
json_t *api_filters_args(struct api_req *r);

#endif
