/* HTTP/1.1 on one connection of the API socket: requests read with
 * http-parser (headers first, the body then pulled as a route needs it),
 * responses written whole (Content-Length) or as a chunked stream, and
 * the hijack Docker's attach and exec use (the connection becomes a raw
 * stream after "101 UPGRADED").
 *
 * A connection is served by one thread: every read and write here blocks,
 * bounded by deadlines, so a client that stalls only holds its own thread. */
#ifndef BERTH_API_HTTP_H
#define BERTH_API_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <http_parser.h>
#include <pthread.h>

#include "engine/core/strbuf.h"

#define HTTP_MAX_HEADERS 64

struct http_header {
	char *name; /* as sent; compared without case */
	char *value;
};

struct http_request {
	char method[16];   /* "GET", "POST"... */
	char *path;        /* the URL's path, percent-decoding left to the router */
	char *query;       /* after '?', or NULL */
	struct http_header headers[HTTP_MAX_HEADERS];
	size_t nheaders;
	bool keep_alive;   /* HTTP/1.1 without "Connection: close" */
	bool upgrade;      /* "Connection: Upgrade" with an "Upgrade" header */
	bool has_body;     /* a Content-Length above 0, or a chunked body */
};

struct http_conn {
	int fd;
	void *tls;          /* the TLS connection of a tcp:// endpoint, or NULL */
	pthread_mutex_t tls_lock; /* one TLS call at a time (a feeder reads while progress writes) */
	http_parser parser;
	char in[16384];     /* bytes read, not yet parsed, from in_off to in_len */
	size_t in_off, in_len;
	struct http_request req;
	/* parser callbacks' state */
	struct strbuf url, field, value;
	bool last_was_value, headers_done, message_done, too_many_headers;
	struct strbuf pending; /* body bytes parsed, not yet pulled */
	size_t pending_off;
	/* the response being written */
	bool chunked, response_started, broken;
	bool hijacked; /* the connection became a raw stream (attach, exec) */
	/* the client sent "Expect: 100-continue" and has not been told to
	 * send its body: it is told when the body is first read, so that a
	 * request refused first never sends it (Go's server does the same) */
	bool continue_pending;
	int status;         /* the status sent, for the access log */
	/* deadlines in milliseconds */
	int header_timeout_ms, idle_timeout_ms, io_timeout_ms;
};

void http_conn_init(struct http_conn *c, int fd);
/* Frees the request's strings (the descriptor stays open). */
void http_conn_release(struct http_conn *c);

/* Reads the next request's line and headers. Returns 1 with the request
 * in c->req, 0 when the client closed (or stayed idle past the idle
 * deadline) between requests, -1 on a malformed or too slow request (its
 * words in *why, for a 400 when the connection still works). */
int http_read_headers(struct http_conn *c, const char **why);

/* Pulls up to cap bytes of the request's body (chunked or not). Returns
 * the count, 0 at the end of the body, -1 on a broken or slow client. */
ssize_t http_read_body(struct http_conn *c, char *buf, size_t cap);

/* Reads the whole body into *out (NUL-terminated, length in *len) when it
 * is at most max bytes. Returns 0, 1 when it is larger (the rest is
 * drained), -1 on a broken client. */
int http_read_body_all(struct http_conn *c, size_t max, char **out, size_t *len);

/* Skips what is left of the body, so that the next request can be read. */
int http_drain_body(struct http_conn *c);

/* A header's value (case-insensitive name), or NULL. */
const char *http_header(const struct http_request *req, const char *name);

/* Writes a whole response: the status line, the extra headers (each
 * "Name: value\r\n", may be NULL), Content-Type when given, Content-Length
 * and the body. HEAD requests get the headers only. */
int http_respond(struct http_conn *c, int status, const char *extra_headers,
		 const char *content_type, const void *body, size_t len);

/* Begins a chunked response (flushing the headers at once, as Docker does
 * for streams the client waits on). */
int http_stream_begin(struct http_conn *c, int status, const char *extra_headers,
		      const char *content_type);
/* One chunk; an empty write is skipped (it would end the stream). */
int http_stream_write(struct http_conn *c, const void *data, size_t len);
int http_stream_end(struct http_conn *c);

/* Takes the connection over for a raw stream: "101 UPGRADED" (or "200 OK"
 * when the client did not ask for an upgrade), then nothing more from the
 * HTTP layer. Bytes the client sent after the request are in
 * c->in[c->in_off..c->in_len]. */
/* Waits, at most a second, until a unix socket's client has read all that
 * was written (the queue the kernel charges to this end is empty). A
 * client that reads a hijack's headers through a buffer and the stream
 * from the socket under it (docker-py) loses what came with them: an
 * exec's command starts, and a running container's stream flows, only
 * once they are taken. A TCP queue says nothing of what the peer read,
 * so TCP and TLS are not waited for. */
void http_wait_taken(struct http_conn *c);

int http_hijack(struct http_conn *c, const char *extra_headers, const char *content_type);

/* Writes all of data to the descriptor within the I/O deadline. */
int http_write_all(struct http_conn *c, const void *data, size_t len);

/* Reads what the client sends (through TLS when the connection has it):
 * as recv. */
ssize_t http_conn_read(struct http_conn *c, void *buf, size_t len);
/* Whether bytes wait in TLS's buffer, where poll does not see them. */
bool http_conn_buffered(struct http_conn *c);

/* Docker's reason phrases. */
const char *http_status_text(int status);

#endif
