/* One HTTP exchange with a registry, over a libcurl handle the caller owns
 * (one thread at a time; the handle keeps its connection for the next
 * call). Errors read as Go's net/http ones do in Docker's messages:
 * `Get "http://127.0.0.1:5000/v2/": dial tcp 127.0.0.1:5000: connect:
 * connection refused`. */
#ifndef BERTH_REGISTRY_HTTP_H
#define BERTH_REGISTRY_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/core/error.h"
#include "engine/registry/hosts.h"

typedef void CURL;

struct http_call {
	const char *method;        /* GET HEAD PUT POST PATCH DELETE */
	const char *url;
	const char *accept;        /* Accept header value, or NULL */
	const char *authorization; /* Authorization header value, or NULL */
	const char *content_type;  /* of the request body */
	const void *body;          /* request body in memory ... */
	size_t body_len;
	int body_fd;               /* ... or read from here (-1: none) */
	uint64_t body_fd_len;
	uint64_t range_from;       /* > 0: ask for the bytes from here on */
	/* The response body goes to sink when set (false aborts the call),
	 * else into reply->body, up to max_body bytes (more is an error). */
	bool (*sink)(void *user, const void *data, size_t len);
	void *sink_user;
	/* Called before the first byte reaches sink, with the offset the body
	 * starts at (a 206's Content-Range, else 0); false aborts. A status
	 * other than 2xx never reaches sink: its body goes to reply->body. */
	bool (*sink_start)(void *user, uint64_t offset);
	size_t max_body;
	const volatile int *cancel; /* nonzero: abort as soon as possible */
	bool (*stop)(void *user);   /* true: abort as soon as possible (asked often), or NULL */
	void *stop_user;
	long min_speed;             /* bytes per second over the stall time; 0: 1 */
	long timeout_ms;            /* the whole exchange at most this long; 0: no bound */
	void (*upload_progress)(void *user, uint64_t sent); /* bytes of the body sent so far */
	void *progress_user;
	const struct registry_transport *transport; /* TLS and proxy settings */
};

struct http_reply {
	long status;
	char *body;
	size_t body_len;
	char *www_authenticate, *location, *digest, *content_type, *content_range;
	int64_t content_length; /* -1 when not given */
	bool cancelled;
};

/* A fresh handle; NULL with err when libcurl is missing. */
CURL *http_handle_new(berr *err);
void http_handle_free(CURL *curl);

/* Performs the call. A transport failure (no HTTP status at all) is an
 * error; any HTTP status is a reply for the caller to judge. */
int http_perform(CURL *curl, const struct http_call *call, struct http_reply *reply, berr *err);
void http_reply_free(struct http_reply *reply);

/* GETs url into fd (http or https, TLS verified, the usual proxy
 * variables): at most max bytes; stop (may be NULL), asked often, ends it
 * early with BERR_CONFLICT "cancelled"; a status other than 2xx is
 * BERR_NOT_FOUND "invalid response status N". digest (may be NULL)
 * receives the bytes' "sha256:<hex>". */
int http_download(const char *url, int fd, uint64_t max, bool (*stop)(void *), void *stop_user,
		  char digest[72], berr *err);

/* "Get", "Head", ...: the method as Go's errors name it. */
const char *http_method_word(const char *method);

#endif
