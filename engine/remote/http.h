/* HTTP/1.1 to a daemon, as the docker CLI speaks it: requests with a JSON
 * body, a body streamed from a descriptor (a build context, an archive),
 * or an upgrade to a raw stream (attach, exec); responses read whole,
 * chunk by chunk as they come (logs, events, progress), or taken over as
 * the raw stream after an upgrade. */
#ifndef BERTH_REMOTE_HTTP_H
#define BERTH_REMOTE_HTTP_H

#include <jansson.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/types.h>

#include "engine/core/error.h"
#include "engine/core/strbuf.h"
#include "engine/remote/client.h"

struct cmd_ctx;

struct remote_request {
	const char *method;
	const char *path;  /* "/containers/json?all=1": the version is added */
	json_t *json;      /* a JSON body, or NULL */
	int body_fd;       /* otherwise a body read from here to its end (-1: none) */
	/* called at body_fd's end before the body is ended: -1 with err
	 * fails the request, its body left unended (NULL: none) */
	int (*body_end)(void *user, berr *err);
	void *body_user;
	const char *content_type; /* of body_fd's bytes (default application/x-tar) */
	const char *registry_auth; /* X-Registry-Auth, or NULL */
	const char *extra_header;  /* one more "Name: value" line, or NULL */
	bool upgrade;      /* asks for the raw stream (Upgrade: tcp) */
};

struct remote_response;

/* Sends the request and reads the response's head. A status of 400 or
 * more is an error: its message read from the body into err, with the
 * kind its status says (404: not found, 409: conflict...). */
int remote_send(struct remote_client *cl, const struct remote_request *req,
		struct remote_response **out, berr *err);

int remote_response_status(struct remote_response *resp);
/* Reads of the body end, as if cancelled, once *stop is true. */
void remote_response_stop_on(struct remote_response *resp, atomic_bool *stop);
/* A response header's value (NULL when absent). */
const char *remote_response_header(struct remote_response *resp, const char *name);

/* The next piece of the body into buf: its length, 0 at the end of the
 * body, -1 with err when the stream broke or ctx was cancelled (checked
 * while waiting; ctx may be NULL). */
ssize_t remote_response_read(struct remote_response *resp, struct cmd_ctx *ctx, void *buf,
			     size_t len, berr *err);
/* The whole body, at most limit bytes. */
int remote_response_body(struct remote_response *resp, struct strbuf *out, size_t limit,
			 berr *err);
/* Calls fn with each line of a body of JSON lines (events, progress,
 * stats) as it arrives; fn returns -1 to stop. */
int remote_response_json_lines(struct remote_response *resp, struct cmd_ctx *ctx,
			       int (*fn)(void *user, json_t *message, berr *err), void *user,
			       berr *err);

/* After an upgrade (101): the connection, now a raw stream, is the
 * caller's; the response is freed. */
struct remote_conn *remote_response_take_conn(struct remote_response *resp);
/* Frees the response; its connection is kept for the next request when
 * the body was read to its end and the daemon keeps connections alive. */
void remote_response_free(struct remote_response *resp);

/* A request with an optional JSON body whose answer is JSON (NULL in
 * *result for an empty body; result may be NULL when not wanted). */
int remote_json(struct remote_client *cl, const char *method, const char *path, json_t *body,
		json_t **result, berr *err);

/* Appends "?" or "&", key, "=", and value escaped for a query. */
void remote_query(struct strbuf *path, const char *key, const char *value);
/* Appends a path segment, escaped (an image reference keeps its '/', ':' and '@'). */
void remote_path_segment(struct strbuf *path, const char *segment);

#endif
