/* Commands that read or write a stream of bytes (a tar: export, save,
 * load, import, a build's context), joined to the HTTP body through a
 * pipe: the engine's worker reads or writes its end, the connection's
 * thread the other, so that nothing is held whole in memory. */
#ifndef BERTH_API_PIPE_H
#define BERTH_API_PIPE_H

#include "api/request.h"
#include "api/stream.h"
#include "engine/core/strbuf.h"

struct api_pipe_out_options {
	const char *content_type;
	/* the command's progress messages, on its worker thread; may be NULL */
	engine_progress_fn on_progress;
	void *user;
	/* headers to add ("Name: value\r\n"), asked when the first byte has
	 * come (so after the progress that preceded it); may be NULL */
	void (*headers)(void *user, struct strbuf *extra);
};

/* The command writes to args' fd_key; what it writes is the response's
 * body, chunked. An error before any byte is answered with its status;
 * after, the connection is cut (as Docker cuts it). */
int api_pipe_out(struct api_req *r, const char *type, json_t *args, const char *fd_key,
		 const struct api_pipe_out_options *o);

/* The command reads the request's body from args' fd_key; its progress
 * messages and result are streamed with o (o->on_message is called for
 * each message). Returns what api_stream_run returns, the result in
 * *result. */
int api_pipe_in(struct api_req *r, const char *type, json_t *args, const char *fd_key,
		const struct api_stream_options *o, json_t **result);

#endif
