/* HTTP/1.1 to a daemon (http.h), parsed with http-parser. */
#include "engine/remote/http.h"

#include <ctype.h>
#include <stdatomic.h>
#include <errno.h>
#include <http_parser.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/engine.h"
#include "engine/remote/conn.h"
#include "engine/system/system.h"

#define READ_CHUNK 16384
/* How long a read waits before it looks whether it was cancelled. */
#define CANCEL_POLL_MS 250
/* A message of a JSON-lines stream (an event, a progress line) is at
 * most this long. */
#define JSON_LINE_LIMIT (64u << 20)
/* An error's body is read up to this much. */
#define ERROR_BODY_LIMIT 65536

struct remote_response {
	struct remote_client *client;
	struct remote_conn *conn;
	http_parser parser;
	int status;
	json_t *headers;        /* lower-case names */
	struct strbuf field;    /* the header being read */
	struct strbuf value;
	bool in_value;
	bool head_done, done, keep, no_body;
	struct strbuf pending;  /* body bytes parsed but not yet taken */
	size_t pending_off;
	atomic_bool *stop; /* besides the command's cancel: when to stop waiting */
};

static void add_header(struct remote_response *r)
{
	if (!r->field.len)
		return;
	for (size_t i = 0; i < r->field.len; i++)
		r->field.s[i] = (char)tolower((unsigned char)r->field.s[i]);
	json_object_set_new(r->headers, r->field.s, json_stringn(r->value.s ? r->value.s : "",
								    r->value.len));
	strbuf_free(&r->field);
	strbuf_free(&r->value);
	r->in_value = false;
}

static int on_header_field(http_parser *p, const char *at, size_t len)
{
	struct remote_response *r = p->data;

	if (r->in_value)
		add_header(r);
	strbuf_addn(&r->field, at, len);
	return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t len)
{
	struct remote_response *r = p->data;

	r->in_value = true;
	strbuf_addn(&r->value, at, len);
	return 0;
}

static int on_headers_complete(http_parser *p)
{
	struct remote_response *r = p->data;

	add_header(r);
	r->status = (int)p->status_code;
	r->head_done = true;
	http_parser_pause(p, 1);
	return r->no_body ? 1 : 0;
}

static int on_body(http_parser *p, const char *at, size_t len)
{
	struct remote_response *r = p->data;

	strbuf_addn(&r->pending, at, len);
	return 0;
}

static int on_message_complete(http_parser *p)
{
	struct remote_response *r = p->data;

	r->done = true;
	r->keep = http_should_keep_alive(p) && !p->upgrade;
	http_parser_pause(p, 1);
	return 0;
}

static const http_parser_settings settings = {
	.on_header_field = on_header_field,
	.on_header_value = on_header_value,
	.on_headers_complete = on_headers_complete,
	.on_body = on_body,
	.on_message_complete = on_message_complete,
};

/* Reads from the connection and parses until the parser pauses (the head
 * is complete, the message is) or some body came. 0, or -1 with err. */
static int parse_more(struct remote_response *r, struct cmd_ctx *ctx, berr *err)
{
	char buf[READ_CHUNK];
	ssize_t n;

	for (;;) {
		n = remote_conn_read(r->conn, buf, sizeof(buf), ctx || r->stop ? CANCEL_POLL_MS : -1);
		if (n < 0 && errno == ETIMEDOUT) {
			if ((ctx && cmd_cancelled(ctx)) || (r->stop && atomic_load(r->stop)))
				return berr_set(err, BERR_CONFLICT, "cancelled");
			continue;
		}
		break;
	}
	if (n < 0) {
		const char *said = remote_conn_stderr(r->conn);
		return berr_set(err, BERR_SYSTEM, "reading from the daemon: %s",
				*said ? said : remote_conn_error(r->conn, errno));
	}
	http_parser_pause(&r->parser, 0);
	size_t used = http_parser_execute(&r->parser, &settings, buf, (size_t)n);
	enum http_errno e = HTTP_PARSER_ERRNO(&r->parser);
	if (e == HPE_PAUSED) {
		remote_conn_unread(r->conn, buf + used, (size_t)n - used);
		return 0;
	}
	if (e != HPE_OK && n == 0)
		return berr_set(err, BERR_SYSTEM, "lost the connection to the daemon: unexpected EOF");
	if (e != HPE_OK)
		return berr_set(err, BERR_SYSTEM, "the daemon's answer is not HTTP: %s",
				http_errno_description(e));
	if (n == 0 && !r->done) {
		const char *said = remote_conn_stderr(r->conn);
		return berr_set(err, BERR_SYSTEM, "the daemon closed the connection%s%s",
				*said ? ": " : "", said);
	}
	return 0;
}

/* The request line and headers. */
static void request_head(struct strbuf *b, const struct remote_request *req, const char *prefix,
			 const char *host, size_t json_len)
{
	strbuf_addf(b, "%s %s%s HTTP/1.1\r\nHost: %s\r\nUser-Agent: berth/%s\r\n", req->method,
		    prefix, req->path, host, BERTH_VERSION);
	if (req->json)
		strbuf_addf(b, "Content-Type: application/json\r\nContent-Length: %zu\r\n", json_len);
	else if (req->body_fd >= 0)
		strbuf_addf(b, "Content-Type: %s\r\nTransfer-Encoding: chunked\r\n",
			    req->content_type ? req->content_type : "application/x-tar");
	else if (strcmp(req->method, "POST") == 0 || strcmp(req->method, "PUT") == 0)
		strbuf_adds(b, "Content-Length: 0\r\n");
	if (req->registry_auth)
		strbuf_addf(b, "X-Registry-Auth: %s\r\n", req->registry_auth);
	if (req->extra_header)
		strbuf_addf(b, "%s\r\n", req->extra_header);
	if (req->upgrade)
		strbuf_adds(b, "Connection: Upgrade\r\nUpgrade: tcp\r\n");
	strbuf_adds(b, "\r\n");
}

/* body_fd's bytes, chunked, to their end. */
static int send_fd_body(struct remote_conn *c, const struct remote_request *req, berr *err)
{
	char buf[65536], head[32];

	for (;;) {
		ssize_t n = read(req->body_fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return berr_errno(err, errno, "reading the request's body");
		if (n == 0 && req->body_end && req->body_end(req->body_user, err) < 0)
			return -1;
		int hl = snprintf(head, sizeof(head), "%zx\r\n", (size_t)n);
		if (remote_conn_write_all(c, head, (size_t)hl) < 0 ||
		    (n > 0 && remote_conn_write_all(c, buf, (size_t)n) < 0) ||
		    remote_conn_write_all(c, "\r\n", 2) < 0)
			return -1; /* the daemon stopped reading: its answer says why */
		if (n == 0)
			return 0;
	}
}

/* The message of an error answer ({"message": ...} or the body's text). */
static void error_from_body(struct remote_response *r, berr *err)
{
	struct strbuf body = {0};
	berr ignored = {0};
	enum berr_kind kind = r->status == 404   ? BERR_NOT_FOUND
			      : r->status == 409 ? BERR_CONFLICT
			      : r->status == 501 ? BERR_UNSUPPORTED
			      : r->status < 500  ? BERR_INVALID
						 : BERR_SYSTEM;

	remote_response_body(r, &body, ERROR_BODY_LIMIT, &ignored);
	json_t *j = body.len ? json_loadb(body.s, body.len, 0, NULL) : NULL;
	const char *msg = json_string_value(json_object_get(j, "message"));
	if (msg)
		berr_set(err, kind, "%s", msg);
	else if (body.len)
		berr_set(err, kind, "%.*s", (int)(body.len && body.s[body.len - 1] == '\n'
							  ? body.len - 1 : body.len), body.s);
	else
		berr_set(err, kind, "the daemon answered %d", r->status);
	json_decref(j);
	strbuf_free(&body);
}

/* One attempt on one connection: 0, 1 when a kept connection turned out
 * closed before any answer (worth one more try), -1 with err. */
static int send_once(struct remote_client *cl, const struct remote_request *req,
		     const char *prefix, struct remote_response *r, bool *reused, berr *err)
{
	struct strbuf head = {0};
	char *json_text = NULL;
	size_t json_len = 0;
	const char *host = "api.moby.localhost";

	if (req->body_fd >= 0 || req->upgrade) {
		/* a body that cannot be sent twice, or a stream: a new connection */
		*reused = false;
		if (remote_client_dial(cl, &r->conn, err) < 0)
			return -1;
	}
	if (!r->conn && remote_client_connect(cl, &r->conn, reused, err) < 0)
		return -1;
	if (req->json) {
		json_text = json_dumps(req->json, JSON_COMPACT);
		json_len = json_text ? strlen(json_text) : 0;
	}
	request_head(&head, req, prefix, host, json_len);
	int rc = remote_conn_write_all(r->conn, head.s, head.len);
	if (rc == 0 && json_text)
		rc = remote_conn_write_all(r->conn, json_text, json_len);
	strbuf_free(&head);
	free(json_text);
	if (rc == 0 && req->body_fd >= 0 && send_fd_body(r->conn, req, err) < 0 &&
	    err->kind != BERR_NONE)
		return -1;
	if (rc < 0 && *reused)
		return 1;
	http_parser_init(&r->parser, HTTP_RESPONSE);
	r->parser.data = r;
	r->no_body = strcmp(req->method, "HEAD") == 0;
	while (!r->head_done) {
		berr why = {0};
		if (parse_more(r, NULL, &why) < 0) {
			if (*reused && r->parser.nread == 0)
				return 1;
			*err = why;
			return -1;
		}
	}
	return 0;
}

/* The newest API version berth speaks as a client. */
#define CLIENT_API_MAX 147
/* The oldest a daemon may offer (Docker 1.12's). */
#define CLIENT_API_MIN 124

/* "1.41" as 141; 0 when it is not a version. */
static int parse_version(const char *text)
{
	int major, minor;
	char tail;

	/* 1.0 to 1.999: any other is no version of this API */
	if (!text || strlen(text) > 5 || sscanf(text, "%d.%d%c", &major, &minor, &tail) != 2 ||
	    major != 1 || minor < 0 || minor > 999)
		return 0;
	return 100 + minor;
}

/* The version both ends speak, asked of the daemon once (its /_ping, which
 * has no version), as the docker CLI negotiates it. An unreachable daemon
 * is Docker's "Cannot connect" error. */
static int negotiate(struct remote_client *cl, const char **prefix, berr *err)
{
	if (!remote_client_api(cl)) {
		struct remote_request req = {.method = "GET", .path = "/_ping", .body_fd = -1};
		struct remote_response *resp;
		berr why = {0};
		if (remote_send(cl, &req, &resp, &why) < 0) {
			if (why.kind != BERR_SYSTEM) {
				*err = why;
				return -1;
			}
			*err = why;
			remote_dial_failed(remote_client_target(cl)->host, err);
			return -1;
		}
		int api = parse_version(remote_response_header(resp, "API-Version"));
		struct strbuf body = {0};
		remote_response_body(resp, &body, 4096, &why);
		strbuf_free(&body);
		remote_response_free(resp);
		if (api < CLIENT_API_MIN)
			api = CLIENT_API_MIN;
		remote_client_set_api(cl, api > CLIENT_API_MAX ? CLIENT_API_MAX : api);
	}
	*prefix = remote_client_prefix(cl);
	return 0;
}

int remote_send(struct remote_client *cl, const struct remote_request *req,
		struct remote_response **out, berr *err)
{
	const char *prefix = "";
	int rc;

	if (strncmp(req->path, "/_ping", 6) != 0 && negotiate(cl, &prefix, err) < 0)
		return -1;
	for (int attempt = 0;; attempt++) {
		struct remote_response *r = calloc(1, sizeof(*r));
		bool reused = false;
		if (!r)
			return berr_errno(err, ENOMEM, "asking the daemon");
		r->client = cl;
		r->headers = json_object();
		rc = send_once(cl, req, prefix, r, &reused, err);
		if (rc == 1 && attempt == 0) {
			remote_conn_close(r->conn);
			r->conn = NULL;
			remote_response_free(r);
			continue;
		}
		if (rc != 0) {
			if (rc == 1)
				berr_set(err, BERR_SYSTEM, "the daemon closed the connection");
			remote_response_free(r);
			return -1;
		}
		if (r->status >= 400) {
			error_from_body(r, err);
			remote_response_free(r);
			return -1;
		}
		*out = r;
		return 0;
	}
}

void remote_response_stop_on(struct remote_response *resp, atomic_bool *stop)
{
	resp->stop = stop;
}

int remote_response_status(struct remote_response *resp)
{
	return resp->status;
}

const char *remote_response_header(struct remote_response *resp, const char *name)
{
	char lower[128];
	size_t i;

	for (i = 0; name[i] && i + 1 < sizeof(lower); i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[i] = '\0';
	return json_string_value(json_object_get(resp->headers, lower));
}

ssize_t remote_response_read(struct remote_response *resp, struct cmd_ctx *ctx, void *buf,
			     size_t len, berr *err)
{
	while (resp->pending_off >= resp->pending.len) {
		strbuf_free(&resp->pending);
		resp->pending_off = 0;
		if (resp->done || resp->no_body)
			return 0;
		if (parse_more(resp, ctx, err) < 0)
			return -1;
	}
	size_t n = resp->pending.len - resp->pending_off;
	if (n > len)
		n = len;
	memcpy(buf, resp->pending.s + resp->pending_off, n);
	resp->pending_off += n;
	return (ssize_t)n;
}

int remote_response_body(struct remote_response *resp, struct strbuf *out, size_t limit,
			 berr *err)
{
	char buf[READ_CHUNK];
	ssize_t n;

	while ((n = remote_response_read(resp, NULL, buf, sizeof(buf), err)) > 0) {
		if (out->len + (size_t)n > limit)
			return berr_set(err, BERR_SYSTEM, "the daemon's answer is over %zu bytes",
					limit);
		strbuf_addn(out, buf, (size_t)n);
	}
	return n < 0 ? -1 : 0;
}

int remote_response_json_lines(struct remote_response *resp, struct cmd_ctx *ctx,
			       int (*fn)(void *user, json_t *message, berr *err), void *user,
			       berr *err)
{
	struct strbuf line = {0};
	char buf[READ_CHUNK];
	ssize_t n;
	int rc = 0;
	size_t scanned = 0; /* bytes of line known to hold no newline */

	while (rc == 0 && (n = remote_response_read(resp, ctx, buf, sizeof(buf), err)) > 0) {
		strbuf_addn(&line, buf, (size_t)n);
		if (line.len > JSON_LINE_LIMIT) {
			rc = berr_set(err, BERR_SYSTEM, "a message from the daemon is over %u MiB",
				      JSON_LINE_LIMIT >> 20);
			break;
		}
		size_t start = 0;
		for (size_t i = scanned; rc == 0 && i < line.len; i++) {
			if (line.s[i] != '\n')
				continue;
			json_error_t jerr;
			json_t *msg = i > start ? json_loadb(line.s + start, i - start, 0, &jerr) : NULL;
			if (msg) {
				rc = fn(user, msg, err);
				json_decref(msg);
			}
			start = i + 1;
		}
		if (start) {
			memmove(line.s, line.s + start, line.len - start);
			line.len -= start;
		}
		scanned = line.len;
	}
	if (rc == 0 && n < 0)
		rc = -1;
	/* a last message without its newline */
	json_t *last = rc == 0 && line.len ? json_loadb(line.s, line.len, 0, NULL) : NULL;
	if (last) {
		rc = fn(user, last, err);
		json_decref(last);
	}
	strbuf_free(&line);
	return rc;
}

struct remote_conn *remote_response_take_conn(struct remote_response *resp)
{
	struct remote_conn *c = resp->conn;
	berr ignored = {0};

	/* the parser stopped at the head's last byte: past it, the message
	 * of an upgrade is complete and what follows is the stream */
	while (!resp->done && parse_more(resp, NULL, &ignored) == 0)
		;
	/* what came after the head is the stream's first bytes */
	if (resp->pending.len > resp->pending_off)
		remote_conn_unread(c, resp->pending.s + resp->pending_off,
				   resp->pending.len - resp->pending_off);
	resp->conn = NULL;
	remote_response_free(resp);
	return c;
}

void remote_response_free(struct remote_response *resp)
{
	if (!resp)
		return;
	if (resp->conn) {
		if (resp->done && resp->keep && !remote_conn_pending(resp->conn))
			remote_client_keep(resp->client, resp->conn);
		else
			remote_conn_close(resp->conn);
	}
	json_decref(resp->headers);
	strbuf_free(&resp->field);
	strbuf_free(&resp->value);
	strbuf_free(&resp->pending);
	free(resp);
}

int remote_json(struct remote_client *cl, const char *method, const char *path, json_t *body,
		json_t **result, berr *err)
{
	struct remote_request req = {.method = method, .path = path, .json = body, .body_fd = -1};
	struct remote_response *resp;
	struct strbuf text = {0};
	json_error_t jerr;

	if (result)
		*result = NULL;
	if (remote_send(cl, &req, &resp, err) < 0)
		return -1;
	int rc = remote_response_body(resp, &text, 256u << 20, err);
	remote_response_free(resp);
	if (rc == 0 && result && text.len) {
		*result = json_loadb(text.s, text.len, 0, &jerr);
		if (!*result)
			rc = berr_set(err, BERR_SYSTEM, "the daemon's answer to %s %s is not JSON: %s",
				      method, path, jerr.text);
	}
	strbuf_free(&text);
	return rc;
}

static void escape(struct strbuf *b, const char *s, const char *keep)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || strchr("-._~", c) || (keep && strchr(keep, c)))
			strbuf_addc(b, (char)c);
		else
			strbuf_addf(b, "%%%02X", c);
	}
}

void remote_query(struct strbuf *path, const char *key, const char *value)
{
	strbuf_addc(path, path->s && strchr(path->s, '?') ? '&' : '?');
	escape(path, key, NULL);
	strbuf_addc(path, '=');
	escape(path, value ? value : "", NULL);
}

void remote_path_segment(struct strbuf *path, const char *segment)
{
	escape(path, segment, "/:@");
}
