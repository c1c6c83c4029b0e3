/* Commands that read or write a stream of bytes (a tar: export, save,
 * load, import, a build's context), joined to the HTTP body through a
 * pipe: the engine's worker reads or writes its end, the connection's
 * thread the other, so that nothing is held whole in memory. */
#ifndef BERTH_API_PIPE_H
#define BERTH_API_PIPE_H

#include "api/request.h"
#include "api/stream.h"

/* The command writes to args' "fd"; what it writes is the response's
 * body (content_type), chunked. An error before any byte is answered with
 * its status; after, the connection is cut (as Docker cuts it). */
int api_pipe_out(struct api_req *r, const char *type, json_t *args, const char *fd_key,
		 const char *content_type);

/* The command reads the request's body from args' fd_key; its progress
 * messages and result are streamed with o (o->on_message is called for
 * each message). Returns what api_stream_run returns, the result in
 * *result. */
int api_pipe_in(struct api_req *r, const char *type, json_t *args, const char *fd_key,
		const struct api_stream_options *o, json_t **result);

#endif
