/* Streamed answers (stream.h). */
#include "api/stream.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

struct api_stream {
	struct api_req *r;
	const struct api_stream_options *o;
	pthread_mutex_t lock;  /* the writes of the worker and of the waiter */
	bool gone;             /* the client cannot be written to any more */
	uint64_t id;
	/* the reply */
	int done_fd;
	int status;
	json_t *result;
	berr err;
};

static int begin(struct api_stream *s)
{
	if (s->r->answered)
		return 0;
	s->r->answered = true;
	return http_stream_begin(s->r->conn, 200, api_common_headers(), s->o->content_type);
}

int api_stream_send(struct api_stream *s, const void *data, size_t len)
{
	int rc = -1;

	pthread_mutex_lock(&s->lock);
	if (!s->gone && begin(s) == 0 && http_stream_write(s->r->conn, data, len) == 0)
		rc = 0;
	if (rc < 0)
		s->gone = true;
	pthread_mutex_unlock(&s->lock);
	return rc;
}

int api_stream_send_json(struct api_stream *s, json_t *value)
{
	char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);
	size_t len;
	int rc;

	if (!text)
		return -1;
	len = strlen(text);
	text[len] = '\n';
	rc = api_stream_send(s, text, len + 1);
	free(text);
	return rc;
}

void *api_stream_user(struct api_stream *s)
{
	return s->o->user;
}

static void on_progress(void *user, json_t *message)
{
	struct api_stream *s = user;

	if (s->gone)
		return;
	s->o->on_message(s, message);
}

static void on_reply(void *user, int status, json_t *result, const berr *err)
{
	struct api_stream *s = user;
	uint64_t one = 1;

	s->status = status;
	s->result = json_incref(result);
	if (err)
		s->err = *err;
	if (write(s->done_fd, &one, sizeof(one)) < 0)
		s->gone = true;
}

/* Waits for the reply, watching the client: it hanging up cancels the
 * command. Bytes it sends meanwhile are not for this request. */
static void wait_reply(struct api_stream *s)
{
	bool cancelled = false;

	for (;;) {
		struct pollfd p[2] = {{.fd = s->done_fd, .events = POLLIN},
				      {.fd = s->r->conn->fd, .events = cancelled ? 0 : POLLRDHUP}};
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents)
			break;
		if (p[1].revents & (POLLRDHUP | POLLHUP | POLLERR)) {
			engine_cancel(s->r->engine, s->id);
			cancelled = true;
			pthread_mutex_lock(&s->lock);
			s->gone = true;
			pthread_mutex_unlock(&s->lock);
		}
	}
	uint64_t v;
	if (read(s->done_fd, &v, sizeof(v)) < 0)
		s->gone = true;
}

int api_stream_run(struct api_req *r, const char *type, json_t *args,
		   const struct api_stream_options *o, json_t **result)
{
	struct api_stream s = {.r = r, .o = o};
	int rc = 0;

	*result = NULL;
	s.done_fd = eventfd(0, EFD_CLOEXEC);
	if (s.done_fd < 0) {
		api_reply_errorf(r, 500, "cannot wait for the engine: %s", strerror(errno));
		return -1;
	}
	pthread_mutex_init(&s.lock, NULL);
	if (o->begin_now && begin(&s) < 0)
		s.gone = true;
	s.id = engine_submit(r->engine, type, args, on_progress, on_reply, &s);
	wait_reply(&s);
	close(s.done_fd);
	if (s.status < 0) {
		json_decref(s.result);
		if (s.gone || !r->answered) {
			pthread_mutex_destroy(&s.lock);
			if (s.gone) {
				r->conn->broken = true;
				return -1;
			}
			api_reply_error(r, &s.err);
			return -1;
		}
		if (o->errors_in_stream) {
			json_t *e = json_pack("{s:{s:s}, s:s}", "errorDetail", "message", s.err.msg,
					      "error", s.err.msg);
			api_stream_send_json(&s, e);
			json_decref(e);
		}
		if (http_stream_end(r->conn) < 0)
			r->conn->broken = true;
		pthread_mutex_destroy(&s.lock);
		return -1;
	}
	*result = s.result;
	pthread_mutex_destroy(&s.lock);
	if (s.gone) {
		r->conn->broken = true;
		rc = -1;
	}
	return rc;
}

int api_stream_send_after(struct api_req *r, const void *data, size_t len)
{
	if (!r->answered) {
		r->answered = true;
		if (http_stream_begin(r->conn, 200, api_common_headers(), "application/json") < 0)
			return -1;
	}
	return http_stream_write(r->conn, data, len);
}

int api_stream_end(struct api_req *r, const char *content_type)
{
	if (!r->answered) {
		r->answered = true;
		if (http_stream_begin(r->conn, 200, api_common_headers(), content_type) < 0)
			return -1;
	}
	return http_stream_end(r->conn);
}
