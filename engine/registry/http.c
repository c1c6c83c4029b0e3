/* One HTTP exchange with a registry over libcurl (see http.h). */
#include "engine/registry/http.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/sha256.h"
#include "engine/registry/curl_lazy.h"

/* A registry that sends nothing for this long is given up on (and the
 * download retried, resuming where it stopped). */
#define STALL_SECONDS 30L
#define CONNECT_SECONDS 30L

CURL *http_handle_new(berr *err)
{
	const struct curl_api *c = curl_api(err);
	CURL *curl = c ? c->easy_init() : NULL;

	if (c && !curl)
		berr_set(err, BERR_SYSTEM, "cannot create an HTTP client");
	return curl;
}

void http_handle_free(CURL *curl)
{
	const struct curl_api *c = curl_api(NULL);

	if (curl && c)
		c->easy_cleanup(curl);
}

const char *http_method_word(const char *method)
{
	static const char *const words[][2] = {{"GET", "Get"},       {"HEAD", "Head"},
					       {"PUT", "Put"},       {"POST", "Post"},
					       {"PATCH", "Patch"},   {"DELETE", "Delete"}};

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(method, words[i][0]) == 0)
			return words[i][1];
	return method;
}

struct exchange {
	const struct http_call *call;
	struct http_reply *reply;
	size_t sent; /* of an in-memory body */
	bool too_big, sink_stopped;
	bool started, diverted; /* first byte seen; an error body, kept */
	CURL *curl;
};

/* Where a 206's body starts: "bytes 100-199/200". */
static uint64_t range_start(CURL *curl)
{
	const struct curl_api *c = curl_api(NULL);
	struct curl_header *h;

	if (c->easy_header(curl, "Content-Range", 0, CURLH_HEADER, -1, &h) != CURLHE_OK ||
	    strncmp(h->value, "bytes ", 6) != 0)
		return 0;
	return strtoull(h->value + 6, NULL, 10);
}

/* At the first byte of a body: a 2xx goes to the sink, anything else is
 * an error body to keep. */
static bool body_start(struct exchange *x)
{
	const struct curl_api *c = curl_api(NULL);
	long status = 0;

	x->started = true;
	c->easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &status);
	if (status / 100 != 2) {
		x->diverted = true;
		return true;
	}
	if (x->call->sink_start)
		return x->call->sink_start(x->call->sink_user, status == 206 ? range_start(x->curl) : 0);
	return true;
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
	struct exchange *x = user;
	size_t len = size * n;
	char *bigger;

	if (x->call->sink && !x->started && !body_start(x)) {
		x->sink_stopped = true;
		return 0;
	}
	if (x->call->sink && !x->diverted) {
		if (!x->call->sink(x->call->sink_user, data, len)) {
			x->sink_stopped = true;
			return 0;
		}
		return len;
	}
	if (x->reply->body_len + len > (x->diverted ? 65536 : x->call->max_body)) {
		x->too_big = true;
		return 0;
	}
	bigger = realloc(x->reply->body, x->reply->body_len + len + 1);
	if (!bigger)
		return 0;
	x->reply->body = bigger;
	memcpy(bigger + x->reply->body_len, data, len);
	x->reply->body_len += len;
	bigger[x->reply->body_len] = '\0';
	return len;
}

static size_t on_upload(char *buf, size_t size, size_t n, void *user)
{
	struct exchange *x = user;
	size_t room = size * n;

	if (x->call->body_fd >= 0) {
		ssize_t got = read(x->call->body_fd, buf, room);
		return got < 0 ? CURL_READFUNC_ABORT : (size_t)got;
	}
	if (room > x->call->body_len - x->sent)
		room = x->call->body_len - x->sent;
	memcpy(buf, (const char *)x->call->body + x->sent, room);
	x->sent += room;
	return room;
}

static int on_progress(void *user, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
		       curl_off_t ulnow)
{
	struct exchange *x = user;

	(void)dltotal, (void)dlnow, (void)ultotal;
	if (x->call->upload_progress && ulnow > 0)
		x->call->upload_progress(x->call->progress_user, (uint64_t)ulnow);
	if ((x->call->cancel && *x->call->cancel) ||
	    (x->call->stop && x->call->stop(x->call->stop_user))) {
		x->reply->cancelled = true;
		return 1;
	}
	return 0;
}

/* A response header's value, copied; NULL when absent. */
static char *header(const struct curl_api *c, CURL *curl, const char *name)
{
	struct curl_header *h;

	if (c->easy_header(curl, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return NULL;
	return strdup(h->value);
}

/* "dial tcp host:port: connect: connection refused" and the like. */
static void transport_error(const struct curl_api *c, CURL *curl, CURLcode code,
			    const char *errbuf, const struct http_call *call, berr *err)
{
	char host[600] = "";
	const char *p = strstr(call->url, "://");
	long os_errno = 0;

	if (p)
		snprintf(host, sizeof(host), "%.*s", (int)strcspn(p + 3, "/"), p + 3);
	c->easy_getinfo(curl, CURLINFO_OS_ERRNO, &os_errno);
	if (code == CURLE_COULDNT_CONNECT && os_errno) {
		char why[128];
		/* Go's words are lower case: "connection refused" */
		snprintf(why, sizeof(why), "%s", strerror((int)os_errno));
		why[0] = (char)tolower((unsigned char)why[0]);
		berr_set(err, BERR_SYSTEM, "%s \"%s\": dial tcp %s: connect: %s",
			 http_method_word(call->method), call->url, host, why);
	}
	else if (code == CURLE_PEER_FAILED_VERIFICATION)
		berr_set(err, BERR_SYSTEM,
			 "%s \"%s\": tls: failed to verify certificate: x509: certificate signed by unknown authority (%s)",
			 http_method_word(call->method), call->url, *errbuf ? errbuf : c->easy_strerror(code));
	else if (code == CURLE_COULDNT_RESOLVE_HOST)
		berr_set(err, BERR_SYSTEM, "%s \"%s\": dial tcp: lookup %s: no such host",
			 http_method_word(call->method), call->url, host);
	/* https to a server that speaks plain http: Go's words, not OpenSSL's */
	else if (code == CURLE_SSL_CONNECT_ERROR && strstr(errbuf, "wrong version number"))
		berr_set(err, BERR_SYSTEM, "%s \"%s\": http: server gave HTTP response to HTTPS client",
			 http_method_word(call->method), call->url);
	else
		berr_set(err, BERR_SYSTEM, "%s \"%s\": %s", http_method_word(call->method), call->url,
			 *errbuf ? errbuf : c->easy_strerror(code));
}

/* TLS and proxy options of the endpoint. */
static void set_transport(const struct curl_api *c, CURL *curl, const char *url,
			  const struct registry_transport *t)
{
	const char *proxy;

	if (!t)
		return;
	c->easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, t->verify ? 1L : 0L);
	c->easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, t->verify ? 2L : 0L);
	if (t->ca_bundle) {
		struct curl_blob blob = {.data = t->ca_bundle, .len = t->ca_bundle_len,
					 .flags = CURL_BLOB_COPY};
		c->easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
	}
	if (t->client_cert[0]) {
		c->easy_setopt(curl, CURLOPT_SSLCERT, t->client_cert);
		c->easy_setopt(curl, CURLOPT_SSLKEY, t->client_key);
	}
	proxy = strncmp(url, "https:", 6) == 0 ? t->proxy_https : t->proxy_http;
	if (proxy[0])
		c->easy_setopt(curl, CURLOPT_PROXY, proxy);
	if (t->no_proxy[0])
		c->easy_setopt(curl, CURLOPT_NOPROXY, t->no_proxy);
}

int http_perform(CURL *curl, const struct http_call *call, struct http_reply *reply, berr *err)
{
	const struct curl_api *c = curl_api(err);
	struct exchange x = {.call = call, .reply = reply, .curl = curl};
	struct curl_slist *headers = NULL;
	char line[8400], errbuf[CURL_ERROR_SIZE] = "";
	curl_off_t length = -1;
	CURLcode code;
	bool upload = call->body || call->body_fd >= 0;

	memset(reply, 0, sizeof(*reply));
	reply->content_length = -1;
	if (!c)
		return -1;
	c->easy_reset(curl);
	c->easy_setopt(curl, CURLOPT_URL, call->url);
	c->easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
	c->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	c->easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
	c->easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
	c->easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	c->easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	c->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, CONNECT_SECONDS);
	c->easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, call->min_speed > 0 ? call->min_speed : 1L);
	c->easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, STALL_SECONDS);
	c->easy_setopt(curl, CURLOPT_TIMEOUT_MS, call->timeout_ms > 0 ? call->timeout_ms : 0L);
	c->easy_setopt(curl, CURLOPT_USERAGENT, "berth/1 (linux)");
	/* big reads: a layer's bytes go through in fewer calls */
	c->easy_setopt(curl, CURLOPT_BUFFERSIZE, 512L * 1024);
	c->easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
	c->easy_setopt(curl, CURLOPT_WRITEDATA, &x);
	c->easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	c->easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
	c->easy_setopt(curl, CURLOPT_XFERINFODATA, &x);
	set_transport(c, curl, call->url, call->transport);
	if (strcmp(call->method, "HEAD") == 0)
		c->easy_setopt(curl, CURLOPT_NOBODY, 1L);
	else if (strcmp(call->method, "GET") != 0)
		c->easy_setopt(curl, CURLOPT_CUSTOMREQUEST, call->method);
	if (upload) {
		uint64_t len = call->body_fd >= 0 ? call->body_fd_len : call->body_len;

		/* a file body is sent from its start, on every attempt */
		if (call->body_fd >= 0 && lseek(call->body_fd, 0, SEEK_SET) < 0)
			return berr_sys(err, "%s \"%s\": rewind the body", http_method_word(call->method),
					call->url);
		c->easy_setopt(curl, CURLOPT_UPLOAD, 1L);
		c->easy_setopt(curl, CURLOPT_READFUNCTION, on_upload);
		c->easy_setopt(curl, CURLOPT_READDATA, &x);
		c->easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
		/* a PUT or PATCH with an upload; curl's "Expect: 100-continue"
		 * only costs a round trip */
		headers = c->slist_append(headers, "Expect:");
	} else if (strcmp(call->method, "POST") == 0 || strcmp(call->method, "PUT") == 0 ||
		   strcmp(call->method, "PATCH") == 0) {
		c->easy_setopt(curl, CURLOPT_UPLOAD, 1L);
		c->easy_setopt(curl, CURLOPT_READFUNCTION, on_upload);
		c->easy_setopt(curl, CURLOPT_READDATA, &x);
		c->easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)0);
		headers = c->slist_append(headers, "Expect:");
	}
	if (call->accept) {
		snprintf(line, sizeof(line), "Accept: %s", call->accept);
		headers = c->slist_append(headers, line);
	}
	if (call->authorization && *call->authorization) {
		snprintf(line, sizeof(line), "Authorization: %s", call->authorization);
		headers = c->slist_append(headers, line);
	}
	if (call->content_type) {
		snprintf(line, sizeof(line), "Content-Type: %s", call->content_type);
		headers = c->slist_append(headers, line);
	}
	if (call->range_from > 0) {
		snprintf(line, sizeof(line), "Range: bytes=%llu-", (unsigned long long)call->range_from);
		headers = c->slist_append(headers, line);
	}
	c->easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
	code = c->easy_perform(curl);
	c->easy_setopt(curl, CURLOPT_HTTPHEADER, NULL);
	c->slist_free_all(headers);
	if (reply->cancelled) {
		http_reply_free(reply);
		reply->cancelled = true;
		return berr_set(err, BERR_SYSTEM, "context canceled");
	}
	c->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply->status);
	if (x.too_big) {
		http_reply_free(reply);
		return berr_set(err, BERR_INVALID, "%s \"%s\": response larger than %zu bytes",
				http_method_word(call->method), call->url, call->max_body);
	}
	if (x.sink_stopped) {
		http_reply_free(reply);
		return berr_set(err, BERR_SYSTEM, "%s \"%s\": transfer stopped",
				http_method_word(call->method), call->url);
	}
	if (code != CURLE_OK) {
		transport_error(c, curl, code, errbuf, call, err);
		http_reply_free(reply);
		return -1;
	}
	reply->www_authenticate = header(c, curl, "WWW-Authenticate");
	reply->location = header(c, curl, "Location");
	reply->digest = header(c, curl, "Docker-Content-Digest");
	reply->content_type = header(c, curl, "Content-Type");
	reply->content_range = header(c, curl, "Content-Range");
	if (c->easy_getinfo(curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length) == CURLE_OK)
		reply->content_length = length;
	return 0;
}

void http_reply_free(struct http_reply *reply)
{
	free(reply->body);
	free(reply->www_authenticate);
	free(reply->location);
	free(reply->digest);
	free(reply->content_type);
	free(reply->content_range);
	memset(reply, 0, sizeof(*reply));
	reply->content_length = -1;
}

struct download_sink {
	int fd;
	struct sha256_ctx sum;
	uint64_t bytes, max;
	bool failed;
};

static bool download_data(void *user, const void *data, size_t len)
{
	struct download_sink *d = user;
	const char *p = data;

	d->bytes += len;
	if (d->bytes > d->max)
		return false;
	sha256_update(&d->sum, data, len);
	while (len) {
		ssize_t n = write(d->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			d->failed = true;
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

int http_download(const char *url, int fd, uint64_t max, bool (*stop)(void *), void *stop_user,
		  char digest[72], berr *err)
{
	/* a server that trickles (under 1 KiB/s for 30 s) is given up */
	struct download_sink sink = {.fd = fd, .max = max};
	struct http_call call = {.method = "GET", .url = url, .body_fd = -1, .sink = download_data,
				 .sink_user = &sink, .stop = stop, .stop_user = stop_user,
				 .min_speed = 1024};
	struct http_reply reply;
	char hex[SHA256_HEX_SIZE];
	CURL *curl = http_handle_new(err);
	int rc = -1;

	if (!curl)
		return -1;
	sha256_init(&sink.sum);
	if (http_perform(curl, &call, &reply, err) < 0)
		goto out;
	if (reply.cancelled) {
		berr_set(err, BERR_CONFLICT, "cancelled");
	} else if (reply.status < 200 || reply.status > 299) {
		berr_set(err, BERR_NOT_FOUND, "invalid response status %ld", reply.status);
	} else if (sink.failed || sink.bytes > max) {
		berr_set(err, BERR_SYSTEM, "downloading %s: %s", url,
			 sink.failed ? "cannot write the file" : "larger than allowed");
	} else {
		sha256_final_hex(&sink.sum, hex);
		if (digest)
			snprintf(digest, 72, "sha256:%s", hex);
		rc = 0;
	}
	http_reply_free(&reply);
out:
	http_handle_free(curl);
	return rc;
}
