/* Byte streams between a command and the HTTP body (pipe.h). */
#include "api/pipe.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct pipe_out {
	const struct api_pipe_out_options *o;
	int write_end;
	int done_fd;
	int status;
	berr err;
};

static void out_progress(void *user, json_t *message)
{
	struct pipe_out *p = user;

	p->o->on_progress(p->o->user, message);
}

static void out_reply(void *user, int status, json_t *result, const berr *err)
{
	struct pipe_out *p = user;
	uint64_t one = 1;

	(void)result;
	p->status = status;
	if (err)
		p->err = *err;
	/* the reader sees the end once the command let go of its end */
	close(p->write_end);
	if (write(p->done_fd, &one, sizeof(one)) < 0)
		p->status = -1;
}

int api_pipe_out(struct api_req *r, const char *type, json_t *args, const char *fd_key,
		 const struct api_pipe_out_options *o)
{
	const char *content_type = o->content_type;
	struct pipe_out p = {.o = o, .write_end = -1};
	int fds[2];
	char buf[65536];
	bool cancelled = false;
	uint64_t v;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return api_reply_errorf(r, 500, "cannot make a pipe: %s", strerror(errno));
	p.done_fd = eventfd(0, EFD_CLOEXEC);
	if (p.done_fd < 0) {
		close(fds[0]);
		close(fds[1]);
		return api_reply_errorf(r, 500, "cannot wait for the engine: %s", strerror(errno));
	}
	p.write_end = fds[1];
	json_object_set_new(args, fd_key, json_integer(fds[1]));
	uint64_t id = engine_submit(r->engine, type, args, o->on_progress ? out_progress : NULL,
				    out_reply, &p);
	for (;;) {
		struct pollfd pf[2] = {{.fd = fds[0], .events = POLLIN},
				       {.fd = r->conn->fd, .events = cancelled ? 0 : POLLRDHUP}};
		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pf[1].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			engine_cancel(r->engine, id);
			cancelled = true;
			r->conn->broken = true;
		}
		if (!(pf[0].revents & (POLLIN | POLLHUP)))
			continue;
		ssize_t n = read(fds[0], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (r->conn->broken)
			continue; /* drained, so that the command is not held up */
		if (!r->answered) {
			struct strbuf extra = {0};
			strbuf_adds(&extra, api_common_headers());
			if (o->headers)
				o->headers(o->user, &extra);
			r->answered = true;
			int begun = http_stream_begin(r->conn, 200, extra.s, content_type);
			strbuf_free(&extra);
			if (begun < 0)
				continue;
		}
		if (http_stream_write(r->conn, buf, (size_t)n) < 0) {
			engine_cancel(r->engine, id);
			cancelled = true;
		}
	}
	close(fds[0]);
	if (read(p.done_fd, &v, sizeof(v)) < 0)
		p.status = -1;
	close(p.done_fd);
	if (r->conn->broken)
		return -1;
	if (p.status < 0) {
		if (!r->answered) {
			api_reply_error(r, &p.err);
			return 0;
		}
		r->conn->broken = true;
		return -1;
	}
	return api_stream_end(r, content_type) < 0 ? -1 : 0;
}

struct feeder {
	struct http_conn *conn;
	int write_end;
	bool body_broken; /* the client's body did not come whole */
};

/* The request's body into the pipe, then its end. */
static void *feed(void *arg)
{
	struct feeder *f = arg;
	char buf[65536];
	ssize_t n;

	while ((n = http_read_body(f->conn, buf, sizeof(buf))) > 0) {
		const char *p = buf;
		while (n > 0) {
			ssize_t w = write(f->write_end, p, (size_t)n);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				/* the command stopped reading: the rest is not wanted */
				f->conn->req.keep_alive = false;
				goto out;
			}
			p += w;
			n -= w;
		}
	}
	if (n < 0)
		f->body_broken = true;
out:
	close(f->write_end);
	return NULL;
}

int api_pipe_in(struct api_req *r, const char *type, json_t *args, const char *fd_key,
		const struct api_stream_options *o, json_t **result)
{
	struct feeder f = {.conn = r->conn};
	pthread_t thread;
	int fds[2], rc;

	*result = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		api_reply_errorf(r, 500, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	f.write_end = fds[1];
	if (pthread_create(&thread, NULL, feed, &f) != 0) {
		close(fds[0]);
		close(fds[1]);
		api_reply_errorf(r, 500, "cannot read the request's body");
		return -1;
	}
	json_object_set_new(args, fd_key, json_integer(fds[0]));
	rc = api_stream_run(r, type, args, o, result);
	/* a feeder blocked on a command that stopped reading gets EPIPE */
	close(fds[0]);
	pthread_join(thread, NULL);
	if (f.body_broken)
		r->conn->broken = true;
	return rc;
}
