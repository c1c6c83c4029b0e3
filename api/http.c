/* HTTP/1.1 on one API connection (http.h). */
#include "api/http.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "api/tls.h"
#include "engine/core/alloc.h"
#include "engine/core/clock.h"

static struct http_conn *conn_of(http_parser *p)
{
	return p->data;
}

static int on_message_begin(http_parser *p)
{
	struct http_conn *c = conn_of(p);

	strbuf_free(&c->url);
	return 0;
}

static int on_url(http_parser *p, const char *at, size_t len)
{
	strbuf_addn(&conn_of(p)->url, at, len);
	return 0;
}

/* Ends the header being gathered: a field and its value, both complete. */
static void finish_header(struct http_conn *c)
{
	if (!c->field.s)
		return;
	if (c->req.nheaders == HTTP_MAX_HEADERS) {
		c->too_many_headers = true;
		strbuf_free(&c->field);
		strbuf_free(&c->value);
		return;
	}
	struct http_header *h = &c->req.headers[c->req.nheaders++];
	h->name = strbuf_steal(&c->field);
	h->value = strbuf_steal(&c->value);
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
	struct http_conn *c = conn_of(p);

	if (c->last_was_value)
		finish_header(c);
	c->last_was_value = false;
	strbuf_addn(&c->field, at, len);
	return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
	struct http_conn *c = conn_of(p);

	c->last_was_value = true;
	strbuf_addn(&c->value, at, len);
	return 0;
}

static int on_headers_complete(http_parser *p)
{
	struct http_conn *c = conn_of(p);
	char *url, *q;

	if (c->last_was_value)
		finish_header(c);
	url = c->url.s ? strbuf_steal(&c->url) : xstrdup("/");
	q = strchr(url, '?');
	if (q) {
		*q = '\0';
		c->req.query = xstrdup(q + 1);
	}
	c->req.path = url;
	snprintf(c->req.method, sizeof(c->req.method), "%s",
		 http_method_str((enum http_method)p->method));
	c->req.keep_alive = http_should_keep_alive(p);
	c->req.has_body = (p->flags & F_CHUNKED) ||
			  (p->content_length > 0 && p->content_length != ULLONG_MAX);
	c->req.upgrade = http_header(&c->req, "Upgrade") != NULL && p->upgrade;
	c->headers_done = true;
	return 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
	strbuf_addn(&conn_of(p)->pending, at, len);
	return 0;
}

/* The message ends here: the parser stops, so that bytes after it (the
 * next request, or a hijacked stream) stay unread in the buffer. */
static int on_message_complete(http_parser *p)
{
	conn_of(p)->message_done = true;
	http_parser_pause(p, 1);
	return 0;
}

static const http_parser_settings parser_settings = {
	.on_message_begin = on_message_begin,
	.on_url = on_url,
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

void http_conn_init(struct http_conn *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	pthread_mutex_init(&c->tls_lock, NULL);
	c->header_timeout_ms = 30000;
	c->idle_timeout_ms = 300000;
	c->io_timeout_ms = 300000;
}

static void request_free(struct http_request *r)
{
	for (size_t i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->path);
	free(r->query);
	memset(r, 0, sizeof(*r));
}

void http_conn_release(struct http_conn *c)
{
	request_free(&c->req);
	strbuf_free(&c->url);
	strbuf_free(&c->field);
	strbuf_free(&c->value);
	strbuf_free(&c->pending);
	pthread_mutex_destroy(&c->tls_lock);
}

/* Waits until fd is ready for events, at most timeout_ms (<0: forever).
 * Returns 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, int timeout_ms)
{
	struct pollfd p = {.fd = fd, .events = events};
	int64_t deadline = clock_mono_nanos() / 1000000 + timeout_ms;

	for (;;) {
		int left = timeout_ms < 0 ? -1 : (int)(deadline - clock_mono_nanos() / 1000000);
		if (timeout_ms >= 0 && left < 0)
			left = 0;
		int r = poll(&p, 1, left);
		if (r < 0 && errno == EINTR)
			continue;
		return r < 0 ? -1 : r > 0 ? 1 : 0;
	}
}

ssize_t http_conn_read(struct http_conn *c, void *buf, size_t len)
{
	if (!c->tls)
		return recv(c->fd, buf, len, 0);
	pthread_mutex_lock(&c->tls_lock);
	ssize_t n = api_tls_read(c->tls, buf, len);
	pthread_mutex_unlock(&c->tls_lock);
	return n;
}

bool http_conn_buffered(struct http_conn *c)
{
	return c->tls && api_tls_buffered(c->tls);
}

/* Reads more bytes into the buffer (which must be empty). Returns the
 * count, 0 at the client's end, -1 on an error or the deadline. */
static ssize_t fill(struct http_conn *c, int timeout_ms)
{
	c->in_off = c->in_len = 0;
	for (;;) {
		if (!http_conn_buffered(c)) {
			int r = wait_fd(c->fd, POLLIN, timeout_ms);
			if (r <= 0)
				return -1;
		}
		ssize_t n = http_conn_read(c, c->in, sizeof(c->in));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return -1;
		c->in_len = (size_t)n;
		return n;
	}
}

/* Runs the parser over the buffered bytes. Returns 0, or -1 when the
 * bytes are not HTTP. */
static int parse_buffered(struct http_conn *c)
{
	size_t n = http_parser_execute(&c->parser, &parser_settings, c->in + c->in_off,
				       c->in_len - c->in_off);
	enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);

	c->in_off += n;
	return e != HPE_OK && e != HPE_PAUSED ? -1 : 0;
}

int http_read_headers(struct http_conn *c, const char **why)
{
	int64_t deadline = 0;
	bool started = false;

	request_free(&c->req);
	strbuf_free(&c->url);
	strbuf_free(&c->field);
	strbuf_free(&c->value);
	strbuf_free(&c->pending);
	c->pending_off = 0;
	c->last_was_value = c->headers_done = c->message_done = c->too_many_headers = false;
	c->chunked = c->response_started = c->continue_pending = false;
	c->status = 0;
	http_parser_init(&c->parser, HTTP_REQUEST);
	c->parser.data = c;
	*why = "malformed request";
	while (!c->headers_done) {
		if (c->in_off == c->in_len) {
			int timeout = c->idle_timeout_ms;
			if (started) {
				timeout = (int)(deadline - clock_mono_nanos() / 1000000);
				if (timeout <= 0) {
					*why = "request headers took too long";
					return -1;
				}
			}
			ssize_t n = fill(c, timeout);
			if (n <= 0) {
				if (!started)
					return 0;
				*why = n < 0 ? "request headers took too long" : "client went away";
				return -1;
			}
		}
		if (!started) {
			started = true;
			deadline = clock_mono_nanos() / 1000000 + c->header_timeout_ms;
		}
		if (parse_buffered(c) < 0) {
			*why = http_errno_description(HTTP_PARSER_ERRNO(&c->parser));
			return -1;
		}
	}
	if (c->too_many_headers) {
		*why = "too many request headers";
		return -1;
	}
	return 1;
}

ssize_t http_read_body(struct http_conn *c, char *buf, size_t cap)
{
	for (;;) {
		if (c->pending_off < c->pending.len) {
			size_t n = c->pending.len - c->pending_off;
			if (n > cap)
				n = cap;
			memcpy(buf, c->pending.s + c->pending_off, n);
			c->pending_off += n;
			if (c->pending_off == c->pending.len) {
				c->pending.len = 0;
				c->pending_off = 0;
			}
			return (ssize_t)n;
		}
		if (c->message_done)
			return 0;
		if (c->continue_pending && c->in_off == c->in_len) {
			c->continue_pending = false;
			if (!c->response_started &&
			    http_write_all(c, "HTTP/1.1 100 Continue\r\n\r\n", 25) < 0)
				return -1;
		}
		if (c->in_off == c->in_len && fill(c, c->io_timeout_ms) <= 0)
			return -1;
		if (parse_buffered(c) < 0)
			return -1;
	}
}

int http_read_body_all(struct http_conn *c, size_t max, char **out, size_t *len)
{
	struct strbuf b = {0};
	char chunk[16384];
	ssize_t n;

	while ((n = http_read_body(c, chunk, sizeof(chunk))) > 0) {
		if (b.len + (size_t)n > max) {
			strbuf_free(&b);
			return http_drain_body(c) < 0 ? -1 : 1;
		}
		strbuf_addn(&b, chunk, (size_t)n);
	}
	if (n < 0) {
		strbuf_free(&b);
		return -1;
	}
	*len = b.len;
	*out = b.s ? strbuf_steal(&b) : xstrdup("");
	return 0;
}

int http_drain_body(struct http_conn *c)
{
	char chunk[16384];
	ssize_t n;

	while ((n = http_read_body(c, chunk, sizeof(chunk))) > 0)
		;
	return n < 0 ? -1 : 0;
}

const char *http_header(const struct http_request *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

const char *http_status_text(int status)
{
	switch (status) {
	case 101: return "UPGRADED";
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 304: return "Not Modified";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Request Entity Too Large";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 503: return "Service Unavailable";
	default: return "Unknown";
	}
}

/* Through TLS: each piece whole (the socket's deadline bounds each write). */
static int tls_writev_all(struct http_conn *c, struct iovec *iov, int n)
{
	int rc = 0;

	pthread_mutex_lock(&c->tls_lock);
	for (int i = 0; i < n && rc == 0; i++) {
		const char *p = iov[i].iov_base;
		size_t left = iov[i].iov_len;
		while (left > 0) {
			ssize_t w = api_tls_write(c->tls, p, left);
			if (w <= 0) {
				c->broken = true;
				rc = -1;
				break;
			}
			p += w;
			left -= (size_t)w;
		}
	}
	pthread_mutex_unlock(&c->tls_lock);
	return rc;
}

static int writev_all(struct http_conn *c, struct iovec *iov, int n)
{
	if (c->tls)
		return tls_writev_all(c, iov, n);
	while (n > 0) {
		if (wait_fd(c->fd, POLLOUT, c->io_timeout_ms) <= 0) {
			c->broken = true;
			return -1;
		}
		struct msghdr m = {.msg_iov = iov, .msg_iovlen = (size_t)n};
		ssize_t w = sendmsg(c->fd, &m, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (w < 0) {
			c->broken = true;
			return -1;
		}
		while (n > 0 && (size_t)w >= iov->iov_len) {
			w -= (ssize_t)iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + w;
			iov->iov_len -= (size_t)w;
		}
	}
	return 0;
}

int http_write_all(struct http_conn *c, const void *data, size_t len)
{
	struct iovec iov = {.iov_base = (void *)data, .iov_len = len};

	return len ? writev_all(c, &iov, 1) : 0;
}

/* The status line and the headers every response has. */
static void head(struct http_conn *c, struct strbuf *b, int status, const char *extra,
		 const char *content_type)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	strbuf_addf(b, "HTTP/1.1 %d %s\r\n", status, http_status_text(status));
	if (extra)
		strbuf_adds(b, extra);
	if (content_type)
		strbuf_addf(b, "Content-Type: %s\r\n", content_type);
	strbuf_addf(b, "Date: %s\r\n", date);
	if (!c->req.keep_alive)
		strbuf_adds(b, "Connection: close\r\n");
	c->status = status;
	c->response_started = true;
}

int http_respond(struct http_conn *c, int status, const char *extra_headers,
		 const char *content_type, const void *body, size_t len)
{
	struct strbuf b = {0};
	int rc;

	head(c, &b, status, extra_headers, content_type);
	if (status != 204 && status != 304)
		strbuf_addf(&b, "Content-Length: %zu\r\n", len);
	strbuf_adds(&b, "\r\n");
	bool with_body = len > 0 && strcmp(c->req.method, "HEAD") != 0 && status != 204 &&
			 status != 304;
	struct iovec iov[2] = {{b.s, b.len}, {(void *)body, with_body ? len : 0}};
	rc = writev_all(c, iov, with_body ? 2 : 1);
	strbuf_free(&b);
	return rc;
}

int http_stream_begin(struct http_conn *c, int status, const char *extra_headers,
		      const char *content_type)
{
	struct strbuf b = {0};
	int rc;

	head(c, &b, status, extra_headers, content_type);
	strbuf_adds(&b, "Transfer-Encoding: chunked\r\n\r\n");
	c->chunked = true;
	rc = http_write_all(c, b.s, b.len);
	strbuf_free(&b);
	return rc;
}

int http_stream_write(struct http_conn *c, const void *data, size_t len)
{
	char size[24];

	if (len == 0)
		return 0;
	if (c->broken)
		return -1;
	int n = snprintf(size, sizeof(size), "%zx\r\n", len);
	struct iovec iov[3] = {{size, (size_t)n}, {(void *)data, len}, {"\r\n", 2}};
	return writev_all(c, iov, 3);
}

int http_stream_end(struct http_conn *c)
{
	if (c->broken)
		return -1;
	return http_write_all(c, "0\r\n\r\n", 5);
}

/* How long http_wait_taken waits for the client to read. */
#define HEADERS_TAKEN_WAIT_MS 1000
void http_wait_taken(struct http_conn *c)
{
	struct sockaddr_storage sa;
	socklen_t len = sizeof(sa);
	int queued;

	if (c->tls || getsockname(c->fd, (struct sockaddr *)&sa, &len) < 0 || sa.ss_family != AF_UNIX)
		return;
	for (int waited = 0; waited < HEADERS_TAKEN_WAIT_MS; waited++) {
		if (ioctl(c->fd, SIOCOUTQ, &queued) < 0 || queued <= 0)
			return;
		poll(NULL, 0, 1);
	}
}

int http_hijack(struct http_conn *c, const char *extra_headers, const char *content_type)
{
	struct strbuf b = {0};
	int rc;

	if (c->req.upgrade) {
		strbuf_addf(&b, "HTTP/1.1 101 UPGRADED\r\nContent-Type: %s\r\n"
				"Connection: Upgrade\r\nUpgrade: tcp\r\n",
			    content_type);
		c->status = 101;
	} else {
		strbuf_addf(&b, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\n", content_type);
		c->status = 200;
	}
	if (extra_headers)
		strbuf_adds(&b, extra_headers);
	strbuf_adds(&b, "\r\n");
	c->response_started = true;
	c->req.keep_alive = false;
	c->hijacked = true;
	rc = http_write_all(c, b.s, b.len);
	strbuf_free(&b);
	return rc;
}
