/* Commands whose answer is a stream (events, logs, stats, pull progress,
 * wait): the command runs on the engine's queue while the connection's
 * thread watches the client, so that a client that goes away cancels it,
 * and each progress message is written as it comes. */
#ifndef BERTH_API_STREAM_H
#define BERTH_API_STREAM_H

#include <jansson.h>
#include <stdbool.h>

#include "api/request.h"

struct api_stream;

/* Called on the engine's worker with each progress message (borrowed). */
typedef void (*api_stream_fn)(struct api_stream *s, json_t *message);

struct api_stream_options {
	const char *content_type; /* of the stream */
	bool begin_now;           /* headers at once (Docker flushes them before any event) */
	api_stream_fn on_message;
	void *user;
	/* an error after the stream began is written into it, as Docker's
	 * progress streams carry it ({"errorDetail": ..., "error": ...}) */
	bool errors_in_stream;
};

/* Runs the command; its result (a new reference, may be NULL) in *result.
 * A command that fails before anything was sent is answered with its
 * error here (returns -1, answered). Returns 0 when it finished and the
 * stream is still open (the caller may write more, then api_stream_end),
 * -1 when the client left or the command failed. */
int api_stream_run(struct api_req *r, const char *type, json_t *args,
		   const struct api_stream_options *o, json_t **result);

/* Writes bytes to the stream (beginning it when needed); from on_message
 * or after api_stream_run. Returns -1 once the client is gone. */
int api_stream_send(struct api_stream *s, const void *data, size_t len);
/* A JSON value and a newline, as Go's encoder writes them. */
int api_stream_send_json(struct api_stream *s, json_t *value);
void *api_stream_user(struct api_stream *s);

/* For writing after api_stream_run returned: the request's own stream. */
int api_stream_send_after(struct api_req *r, const void *data, size_t len);
/* Ends the chunked stream (beginning it, empty, when nothing was sent). */
int api_stream_end(struct api_req *r, const char *content_type);

#endif
