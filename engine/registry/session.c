/* Sessions with one repository of a registry (see registry.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/clock.h"
#include "engine/core/reference.h"
#include "engine/core/sha256.h"
#include "engine/core/strbuf.h"
#include "engine/registry/auth.h"
#include "engine/registry/curl_lazy.h"
#include "engine/registry/http.h"
#include "engine/registry/registry.h"

#define IDLE_HANDLES 8
#define MANIFEST_MAX (4u << 20)

const char registry_manifest_types[] =
	"application/vnd.docker.distribution.manifest.v2+json, "
	"application/vnd.docker.distribution.manifest.list.v2+json, "
	"application/vnd.oci.image.manifest.v1+json, "
	"application/vnd.oci.image.index.v1+json, "
	"application/vnd.docker.distribution.manifest.v1+prettyjws, "
	"application/vnd.docker.distribution.manifest.v1+json";

struct registry_session {
	char domain[256], repo[256];
	bool push;
	struct registry_endpoints eps;
	size_t current;
	struct registry_credentials cred;
	const volatile int *cancel;
	pthread_mutex_t lock; /* guards what follows */
	struct auth_challenge challenge;
	char authorization[8192];
	unsigned generation; /* bumped at each renewal */
	CURL *idle[IDLE_HANDLES];
	size_t nidle;
	char error_code[64];
	char extra_scopes[2048]; /* " repository:<other>:pull" for mounts */
	int64_t deadline_ns;     /* monotonic; 0: none (registry_session_deadline) */
};

static CURL *take_handle(struct registry_session *s, berr *err)
{
	CURL *curl = NULL;

	pthread_mutex_lock(&s->lock);
	if (s->nidle)
		curl = s->idle[--s->nidle];
	pthread_mutex_unlock(&s->lock);
	return curl ? curl : http_handle_new(err);
}

static void give_handle(struct registry_session *s, CURL *curl)
{
	pthread_mutex_lock(&s->lock);
	if (s->nidle < IDLE_HANDLES) {
		s->idle[s->nidle++] = curl;
		curl = NULL;
	}
	pthread_mutex_unlock(&s->lock);
	http_handle_free(curl);
}

static void set_error_code(struct registry_session *s, const char *code)
{
	pthread_mutex_lock(&s->lock);
	snprintf(s->error_code, sizeof(s->error_code), "%s", code);
	pthread_mutex_unlock(&s->lock);
}

const char *registry_session_error_code(struct registry_session *s)
{
	return s->error_code;
}

const char *registry_session_endpoint(struct registry_session *s)
{
	return s->eps.list[s->current].base;
}

static const struct registry_transport *transport(struct registry_session *s)
{
	return &s->eps.list[s->current].transport;
}

/* "repository:<repo>:pull[,push]". */
static void session_scope(struct registry_session *s, char *out, size_t size)
{
	if (!s->repo[0]) /* a login, or the catalog: no repository */
		snprintf(out, size, "%s", s->extra_scopes);
	else
		snprintf(out, size, "repository:%s:%s%s", s->repo, s->push ? "pull,push" : "pull",
			 s->extra_scopes);
}

/* Answers the challenge: a token for the scope, or basic credentials.
 * Called with the lock held. */
static int authenticate(struct registry_session *s, CURL *curl, berr *err)
{
	char scope[2700];

	s->generation++;
	s->authorization[0] = '\0';
	if (s->cred.registry_token[0]) {
		snprintf(s->authorization, sizeof(s->authorization), "Bearer %s", s->cred.registry_token);
		return 0;
	}
	if (s->challenge.scheme == AUTH_BASIC) {
		auth_basic_header(&s->cred, s->authorization, sizeof(s->authorization));
		return 0;
	}
	if (s->challenge.scheme != AUTH_BEARER)
		return 0;
	session_scope(s, scope, sizeof(scope));
	return auth_fetch_token(curl, transport(s), &s->challenge, scope, &s->cred, s->cancel,
				s->authorization, sizeof(s->authorization), err);
}

/* GET /v2/ on one endpoint: whether it answers, and its challenge. */
static int ping(struct registry_session *s, CURL *curl, berr *err)
{
	struct strbuf url = {0};
	struct http_call call = {.method = "GET", .body_fd = -1, .max_body = 65536,
				 .cancel = s->cancel, .transport = transport(s)};
	struct http_reply reply;
	int ret;

	strbuf_addf(&url, "%s/v2/", s->eps.list[s->current].base);
	call.url = url.s;
	ret = http_perform(curl, &call, &reply, err);
	if (ret == 0) {
		memset(&s->challenge, 0, sizeof(s->challenge));
		if (reply.status == 401 && reply.www_authenticate)
			auth_parse_challenge(reply.www_authenticate, &s->challenge);
		else if (reply.status != 200 && reply.status != 401)
			ret = berr_set(err, BERR_SYSTEM, "Get \"%s\": received unexpected HTTP status: %ld",
				       url.s, reply.status);
		http_reply_free(&reply);
	}
	strbuf_free(&url);
	return ret;
}

/* Moves to the first endpoint from start on that answers, authenticated. */
static int use_endpoint(struct registry_session *s, size_t start, berr *err)
{
	CURL *curl = take_handle(s, err);
	int ret = -1;

	if (!curl)
		return -1;
	for (size_t i = start; i < s->eps.count; i++) {
		berr_clear(err);
		s->current = i;
		if (ping(s, curl, err) < 0)
			continue;
		pthread_mutex_lock(&s->lock);
		ret = authenticate(s, curl, err);
		pthread_mutex_unlock(&s->lock);
		if (ret == 0 || (s->cancel && *s->cancel))
			break;
	}
	give_handle(s, curl);
	return ret;
}

int registry_session_open(const char *domain, const char *repo, bool push,
			  const struct registry_credentials *cred, const volatile int *cancel,
			  struct registry_session **out, berr *err)
{
	struct registry_session *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return berr_errno(err, ENOMEM, "registry session");
	pthread_mutex_init(&s->lock, NULL);
	snprintf(s->domain, sizeof(s->domain), "%s", domain);
	snprintf(s->repo, sizeof(s->repo), "%s", repo);
	s->push = push;
	s->cancel = cancel;
	if (cred)
		s->cred = *cred;
	if (registry_endpoints_for(domain, push, &s->eps, err) < 0 || use_endpoint(s, 0, err) < 0) {
		registry_session_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

void registry_session_deadline(struct registry_session *s, int seconds)
{
	s->deadline_ns = clock_mono_nanos() + (int64_t)seconds * 1000000000;
}

void registry_session_close(struct registry_session *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nidle; i++)
		http_handle_free(s->idle[i]);
	registry_endpoints_free(&s->eps);
	pthread_mutex_destroy(&s->lock);
	explicit_bzero(&s->cred, sizeof(s->cred));
	explicit_bzero(s->authorization, sizeof(s->authorization));
	free(s);
}

/* Whether a URL is on the endpoint in use: the session's credentials go
 * nowhere else (an upload's Location or a next page a registry names
 * elsewhere gets no Authorization header). */
static bool same_origin(struct registry_session *s, const char *url)
{
	const char *base = registry_session_endpoint(s);
	size_t n = strlen(base);

	return strncmp(url, base, n) == 0 && (url[n] == '/' || url[n] == '?' || url[n] == '\0');
}

/* Performs a call with the session's authorization; a 401 renews it once
 * (an expired token) and tries again. */
static int call_authorized(struct registry_session *s, CURL *curl, struct http_call *call,
			   struct http_reply *reply, berr *err)
{
	/* a session with a deadline: no exchange goes past it */
	if (s->deadline_ns) {
		int64_t left = (s->deadline_ns - clock_mono_nanos()) / 1000000;
		if (left <= 0)
			return berr_set(err, BERR_SYSTEM, "%s \"%s\": the registry took too long",
					http_method_word(call->method), call->url);
		call->timeout_ms = (long)left;
	}
	if (!same_origin(s, call->url)) {
		call->authorization = NULL;
		return http_perform(curl, call, reply, err);
	}
	for (int attempt = 0;; attempt++) {
		char authorization[sizeof(s->authorization)];
		unsigned generation;

		pthread_mutex_lock(&s->lock);
		memcpy(authorization, s->authorization, sizeof(authorization));
		generation = s->generation;
		pthread_mutex_unlock(&s->lock);
		call->authorization = authorization;
		if (http_perform(curl, call, reply, err) < 0)
			return -1;
		if (reply->status != 401 || attempt == 1)
			return 0;
		if (reply->www_authenticate) {
			struct auth_challenge ch;
			int renewed = 0;

			pthread_mutex_lock(&s->lock);
			if (auth_parse_challenge(reply->www_authenticate, &ch) == 0)
				s->challenge = ch;
			if (generation == s->generation)
				renewed = authenticate(s, curl, err);
			pthread_mutex_unlock(&s->lock);
			if (renewed < 0)
				return -1;
		}
		if (s->challenge.scheme == AUTH_BASIC && !s->cred.username[0])
			return 0; /* nothing to answer with */
		http_reply_free(reply);
	}
}

/* The error of a reply that is not what was asked for. */
static int reply_error(struct registry_session *s, const struct http_call *call,
		       const struct http_reply *reply, berr *err)
{
	char text[800], code[64];

	if (reply->status == 401 && s->challenge.scheme == AUTH_BASIC && !s->cred.username[0]) {
		set_error_code(s, "UNAUTHORIZED");
		return berr_set(err, BERR_INVALID, "%s \"%s\": no basic auth credentials",
				http_method_word(call->method), call->url);
	}
	auth_error_text(reply->status, reply->body, reply->body_len, text, sizeof(text), code,
			sizeof(code));
	set_error_code(s, code);
	if (reply->status == 404 || strcmp(code, "MANIFEST_UNKNOWN") == 0 ||
	    strcmp(code, "NAME_UNKNOWN") == 0 || strcmp(code, "BLOB_UNKNOWN") == 0)
		return berr_set(err, BERR_NOT_FOUND, "%s", text);
	if (reply->status == 401 || reply->status == 403)
		return berr_set(err, BERR_INVALID, "%s", text);
	return berr_set(err, BERR_SYSTEM, "%s", text);
}

/* One authorized call about the session's repository: the URL (into url,
 * the caller's to free, for error messages) is the endpoint's
 * /v2/<repo>/<what>; a handle is borrowed for it. The reply, whatever its
 * status, is the caller's to judge and free; -1 only when none came. */
static int repo_call(struct registry_session *s, struct http_call *call, const char *what,
		     struct strbuf *url, struct http_reply *reply, berr *err)
{
	CURL *curl = take_handle(s, err);
	int ret;

	if (!curl)
		return -1;
	strbuf_addf(url, "%s/v2/%s/%s", registry_session_endpoint(s), s->repo, what);
	call->url = url->s;
	call->cancel = s->cancel;
	call->transport = transport(s);
	if (call->max_body == 0)
		call->max_body = 65536;
	ret = call_authorized(s, curl, call, reply, err);
	give_handle(s, curl);
	return ret;
}

/* The media type of a manifest: the reply's Content-Type when it names a
 * manifest, else the body's mediaType, else schema 1 for schemaVersion 1. */
static void manifest_media_type(const char *content_type, const char *body, size_t len,
				char out[128])
{
	json_t *doc;
	const char *mt;

	if (content_type && strstr(content_type, "manifest")) {
		snprintf(out, 128, "%.*s", (int)strcspn(content_type, "; "), content_type);
		return;
	}
	if (content_type && strstr(content_type, "image.index")) {
		snprintf(out, 128, "%.*s", (int)strcspn(content_type, "; "), content_type);
		return;
	}
	doc = json_loadb(body, len, 0, NULL);
	mt = json_string_value(json_object_get(doc, "mediaType"));
	if (mt)
		snprintf(out, 128, "%s", mt);
	else if (json_integer_value(json_object_get(doc, "schemaVersion")) == 1)
		snprintf(out, 128, "application/vnd.docker.distribution.manifest.v1+json");
	else if (json_object_get(doc, "manifests"))
		snprintf(out, 128, "application/vnd.oci.image.index.v1+json");
	else
		snprintf(out, 128, "application/vnd.oci.image.manifest.v1+json");
	json_decref(doc);
}

/* One manifest fetch from the current endpoint. */
static int manifest_once(struct registry_session *s, const char *reference, char **body,
			 size_t *len, char media_type[128], char digest[72], berr *err)
{
	struct strbuf url = {0};
	struct http_call call = {.method = "GET", .body_fd = -1, .max_body = MANIFEST_MAX,
				 .accept = registry_manifest_types};
	struct http_reply reply;
	char what[300], hex[SHA256_HEX_SIZE];
	const char *bad = NULL;

	snprintf(what, sizeof(what), "manifests/%s", reference);
	if (repo_call(s, &call, what, &url, &reply, err) < 0) {
		strbuf_free(&url);
		return -1;
	}
	if (reply.status != 200) {
		reply_error(s, &call, &reply, err);
		http_reply_free(&reply);
		strbuf_free(&url);
		return -1;
	}
	sha256_data_hex(reply.body ? reply.body : "", reply.body_len, hex);
	snprintf(digest, 72, "sha256:%s", hex);
	if (strncmp(reference, "sha256:", 7) == 0 && strcmp(reference, digest) != 0)
		bad = reference;
	else if (strncmp(reference, "sha256:", 7) != 0 && reply.digest &&
		 strncmp(reply.digest, "sha256:", 7) == 0 && strcmp(reply.digest, digest) != 0)
		bad = reply.digest;
	if (bad) {
		berr_set(err, BERR_INVALID, "manifest verification failed for digest %s", bad);
		http_reply_free(&reply);
		strbuf_free(&url);
		return -1;
	}
	manifest_media_type(reply.content_type, reply.body ? reply.body : "", reply.body_len,
			    media_type);
	*body = reply.body ? reply.body : strdup("");
	*len = reply.body_len;
	reply.body = NULL;
	http_reply_free(&reply);
	strbuf_free(&url);
	return 0;
}

/* Small reads (manifests, configs) are tried this often when the network
 * or the registry (a 5xx) fails, a second more between each. */
#define SMALL_READ_ATTEMPTS 3

/* Waits before attempt n (from 2), or returns false when cancelled. */
static bool small_read_backoff(struct registry_session *s, int attempt)
{
	for (int tick = 0; tick < 10 * (attempt - 1); tick++) {
		if (s->cancel && *s->cancel)
			return false;
		usleep(100000);
	}
	return true;
}

int registry_manifest_get(struct registry_session *s, const char *reference, char **body,
			  size_t *len, char media_type[128], char digest[72], berr *err)
{
	set_error_code(s, "");
	for (int attempt = 1;; attempt++) {
		if (manifest_once(s, reference, body, len, media_type, digest, err) == 0)
			return 0;
		if (err->kind == BERR_SYSTEM && attempt < SMALL_READ_ATTEMPTS &&
		    small_read_backoff(s, attempt + 1))
			continue;
		/* a mirror that fails (lacks the image, is down) gives way to the
		 * next endpoint, the registry itself last */
		if (!s->eps.list[s->current].mirror || (s->cancel && *s->cancel))
			return -1;
		if (use_endpoint(s, s->current + 1, err) < 0)
			return -1;
		set_error_code(s, "");
	}
}

struct blob_stream {
	bool (*sink)(void *user, const void *data, size_t len);
	void *user;
	uint64_t *from;
};

static bool blob_start(void *user, uint64_t offset)
{
	struct blob_stream *b = user;

	*b->from = offset;
	return true;
}

static bool blob_data(void *user, const void *data, size_t len)
{
	struct blob_stream *b = user;

	return b->sink(b->user, data, len);
}

int registry_blob_get(struct registry_session *s, const char *digest, uint64_t offset,
		      bool (*sink)(void *user, const void *data, size_t len), void *user,
		      uint64_t *from, berr *err)
{
	struct strbuf url = {0};
	struct blob_stream stream = {.sink = sink, .user = user, .from = from};
	struct http_call call = {.method = "GET", .body_fd = -1, .range_from = offset,
				 .sink = blob_data, .sink_start = blob_start, .sink_user = &stream};
	struct http_reply reply;
	char what[200];
	int ret = 0;

	*from = 0;
	snprintf(what, sizeof(what), "blobs/%s", digest);
	if (repo_call(s, &call, what, &url, &reply, err) < 0) {
		strbuf_free(&url);
		return -1;
	}
	if (reply.status != 200 && reply.status != 206)
		ret = reply_error(s, &call, &reply, err);
	http_reply_free(&reply);
	strbuf_free(&url);
	return ret;
}

struct blob_buffer {
	struct strbuf data;
	size_t max;
};

static bool buffer_data(void *user, const void *data, size_t len)
{
	struct blob_buffer *b = user;

	if (b->data.len + len > b->max)
		return false;
	strbuf_addn(&b->data, data, len);
	return true;
}

int registry_blob_read(struct registry_session *s, const char *digest, size_t max, char **body,
		       size_t *len, berr *err)
{
	struct blob_buffer b = {.max = max};
	uint64_t from;
	char hex[SHA256_HEX_SIZE];

	for (int attempt = 1;; attempt++) {
		if (registry_blob_get(s, digest, 0, buffer_data, &b, &from, err) == 0)
			break;
		strbuf_free(&b.data);
		if (err->kind != BERR_SYSTEM || attempt == SMALL_READ_ATTEMPTS ||
		    !small_read_backoff(s, attempt + 1))
			return -1;
	}
	sha256_data_hex(b.data.s ? b.data.s : "", b.data.len, hex);
	if (strncmp(digest, "sha256:", 7) != 0 || strcmp(digest + 7, hex) != 0) {
		strbuf_free(&b.data);
		return berr_set(err, BERR_INVALID, "blob verification failed for digest %s", digest);
	}
	*len = b.data.len;
	*body = b.data.s ? strbuf_steal(&b.data) : strdup("");
	return 0;
}

int registry_login_check(const char *domain, const struct registry_credentials *cred, berr *err)
{
	struct registry_session *s;
	struct http_call call = {.method = "GET", .body_fd = -1, .max_body = 65536};
	struct http_reply reply;
	struct strbuf url = {0};
	CURL *curl;
	int ret = -1;

	/* the scope of a login is the registry itself: no repository */
	if (registry_session_open(domain, "", false, cred, NULL, &s, err) < 0)
		return -1;
	curl = take_handle(s, err);
	if (!curl)
		goto out;
	strbuf_addf(&url, "%s/v2/", registry_session_endpoint(s));
	call.url = url.s;
	call.transport = transport(s);
	if (call_authorized(s, curl, &call, &reply, err) == 0) {
		if (reply.status == 200)
			ret = 0;
		else
			berr_set(err, BERR_INVALID, "login attempt to %s failed with status: %ld %s",
				 url.s, reply.status, reply.status == 401 ? "Unauthorized" : "");
		http_reply_free(&reply);
	}
	give_handle(s, curl);
out:
	strbuf_free(&url);
	registry_session_close(s);
	return ret;
}

/* --- pushing ----------------------------------------------------------------- */

int registry_session_also_pull(struct registry_session *s, const char *repo, berr *err)
{
	CURL *curl;
	int ret;
	size_t len = strlen(s->extra_scopes);

	if (strstr(s->extra_scopes, repo) || strcmp(repo, s->repo) == 0)
		return 0;
	snprintf(s->extra_scopes + len, sizeof(s->extra_scopes) - len, " repository:%s:pull", repo);
	if (s->challenge.scheme != AUTH_BEARER)
		return 0;
	curl = take_handle(s, err);
	if (!curl)
		return -1;
	pthread_mutex_lock(&s->lock);
	ret = authenticate(s, curl, err);
	pthread_mutex_unlock(&s->lock);
	give_handle(s, curl);
	return ret;
}

int registry_blob_exists(struct registry_session *s, const char *digest, bool *exists,
			 int64_t *size, berr *err)
{
	struct strbuf url = {0};
	struct http_call call = {.method = "HEAD", .body_fd = -1};
	struct http_reply reply;
	char what[200];
	int ret = 0;

	snprintf(what, sizeof(what), "blobs/%s", digest);
	if (repo_call(s, &call, what, &url, &reply, err) < 0) {
		strbuf_free(&url);
		return -1;
	}
	*exists = reply.status == 200;
	if (size)
		*size = reply.content_length;
	if (reply.status != 200 && reply.status != 404)
		ret = reply_error(s, &call, &reply, err);
	http_reply_free(&reply);
	strbuf_free(&url);
	return ret;
}

/* An absolute upload URL from a Location header (relative ones are the
 * endpoint's). */
static void upload_url(struct registry_session *s, const char *location, struct strbuf *out)
{
	if (strncmp(location, "http://", 7) == 0 || strncmp(location, "https://", 8) == 0)
		strbuf_adds(out, location);
	else
		strbuf_addf(out, "%s%s%s", registry_session_endpoint(s), location[0] == '/' ? "" : "/",
			    location);
}

/* POST /v2/<repo>/blobs/uploads/[?mount=&from=]: 201 (mounted) or 202
 * with the upload's URL in *location. */
static int start_upload(struct registry_session *s, CURL *curl, const char *digest,
			const char *from, bool *mounted, struct strbuf *location, berr *err)
{
	struct strbuf url = {0};
	struct http_call call = {.method = "POST", .body_fd = -1, .max_body = 65536,
				 .cancel = s->cancel, .transport = transport(s)};
	struct http_reply reply;
	int ret = -1;

	*mounted = false;
	strbuf_addf(&url, "%s/v2/%s/blobs/uploads/", registry_session_endpoint(s), s->repo);
	if (from)
		strbuf_addf(&url, "?mount=%s&from=%s", digest, from);
	call.url = url.s;
	if (call_authorized(s, curl, &call, &reply, err) < 0)
		goto out;
	if (reply.status == 201 && from) {
		*mounted = true;
		ret = 0;
	} else if (reply.status == 202 && reply.location) {
		upload_url(s, reply.location, location);
		ret = 0;
	} else {
		reply_error(s, &call, &reply, err);
	}
	http_reply_free(&reply);
out:
	strbuf_free(&url);
	return ret;
}

int registry_blob_mount(struct registry_session *s, const char *digest, const char *from,
			bool *mounted, berr *err)
{
	struct strbuf location = {0};
	CURL *curl = take_handle(s, err);
	int ret;

	if (!curl)
		return -1;
	ret = start_upload(s, curl, digest, from, mounted, &location, err);
	/* a refused mount opened an upload we do not use: the registry
	 * forgets it */
	give_handle(s, curl);
	strbuf_free(&location);
	return ret;
}

int registry_blob_upload(struct registry_session *s, const char *digest, int fd, uint64_t len,
			 void (*progress)(void *user, uint64_t sent), void *user, berr *err)
{
	struct strbuf location = {0}, url = {0};
	struct http_call call = {.method = "PUT", .body_fd = fd, .body_fd_len = len,
				 .content_type = "application/octet-stream", .max_body = 65536,
				 .cancel = s->cancel, .transport = transport(s),
				 .upload_progress = progress, .progress_user = user};
	struct http_reply reply;
	CURL *curl = take_handle(s, err);
	bool mounted;
	int ret = -1;

	if (!curl)
		return -1;
	if (start_upload(s, curl, digest, NULL, &mounted, &location, err) < 0)
		goto out;
	if (lseek(fd, 0, SEEK_SET) < 0) {
		berr_sys(err, "read blob %s", digest);
		goto out;
	}
	/* the whole blob in one PUT (the API's monolithic upload) */
	strbuf_addf(&url, "%s%sdigest=%s", location.s, strchr(location.s, '?') ? "&" : "?", digest);
	call.url = url.s;
	if (call_authorized(s, curl, &call, &reply, err) < 0)
		goto out;
	if (reply.status == 201 || reply.status == 204)
		ret = 0;
	else
		reply_error(s, &call, &reply, err);
	http_reply_free(&reply);
out:
	give_handle(s, curl);
	strbuf_free(&location);
	strbuf_free(&url);
	return ret;
}

int registry_manifest_put(struct registry_session *s, const char *reference,
			  const char *media_type, const char *body, size_t len, char digest[72],
			  berr *err)
{
	struct strbuf url = {0};
	struct http_call call = {.method = "PUT", .body_fd = -1, .body = body, .body_len = len,
				 .content_type = media_type};
	struct http_reply reply;
	char what[300], hex[SHA256_HEX_SIZE];
	int ret = 0;

	sha256_data_hex(body, len, hex);
	snprintf(digest, 72, "sha256:%s", hex);
	snprintf(what, sizeof(what), "manifests/%s", reference);
	if (repo_call(s, &call, what, &url, &reply, err) < 0) {
		strbuf_free(&url);
		return -1;
	}
	if (reply.status != 201 && reply.status != 200 && reply.status != 202)
		ret = reply_error(s, &call, &reply, err);
	http_reply_free(&reply);
	strbuf_free(&url);
	return ret;
}

/* --- listing ----------------------------------------------------------------- */

/* The next page of a Link header: `</v2/x/tags/list?n=100&last=b>; rel="next"`. */
static bool next_page(const char *link, struct strbuf *out, struct registry_session *s)
{
	const char *lt = link ? strchr(link, '<') : NULL, *gt = lt ? strchr(lt, '>') : NULL;
	char path[2048];

	if (!lt || !gt || !strstr(gt, "rel=\"next\"") || (size_t)(gt - lt - 1) >= sizeof(path))
		return false;
	snprintf(path, sizeof(path), "%.*s", (int)(gt - lt - 1), lt + 1);
	strbuf_free(out);
	upload_url(s, path, out);
	return true;
}

int registry_get(struct registry_session *s, const char *path, size_t max, long *status,
		 char **body, size_t *len, berr *err)
{
	struct strbuf url = {0};
	struct http_call call = {.method = "GET", .body_fd = -1, .max_body = max};
	struct http_reply reply;
	CURL *curl = take_handle(s, err);
	int ret;

	if (!curl)
		return -1;
	strbuf_addf(&url, "%s%s", registry_session_endpoint(s), path);
	call.url = url.s;
	call.cancel = s->cancel;
	call.transport = transport(s);
	ret = call_authorized(s, curl, &call, &reply, err);
	give_handle(s, curl);
	strbuf_free(&url);
	if (ret < 0)
		return -1;
	*status = reply.status;
	*body = reply.body;
	*len = reply.body_len;
	reply.body = NULL;
	http_reply_free(&reply);
	return 0;
}

/* Every page of a listing (tags/list, _catalog), following the registry's
 * Link headers: each string of key goes to take(name, user), which keeps
 * it in *out (1), skips it (0) or ends the listing (-1); the listing ends
 * too once max_kept are kept. A page is at most max_body bytes. */
static int list_pages(struct registry_session *s, const char *path, const char *key,
		      size_t max_body, int (*take)(const char *name, void *user), void *user,
		      size_t max_kept, json_t **out, berr *err)
{
	struct strbuf url = {0};
	CURL *curl = take_handle(s, err);
	bool done = false;
	int ret = -1;

	*out = json_array();
	if (!curl)
		return -1;
	strbuf_addf(&url, "%s%s", registry_session_endpoint(s), path);
	for (int page = 0; page < 100 && !done; page++) {
		struct http_call call = {.method = "GET", .body_fd = -1, .max_body = max_body,
					 .cancel = s->cancel, .transport = transport(s), .url = url.s};
		struct http_reply reply;
		json_t *doc, *v;
		size_t i;
		char *link = NULL;

		if (call_authorized(s, curl, &call, &reply, err) < 0)
			goto out;
		if (reply.status != 200) {
			reply_error(s, &call, &reply, err);
			http_reply_free(&reply);
			goto out;
		}
		doc = json_loadb(reply.body ? reply.body : "", reply.body_len, 0, NULL);
		json_array_foreach(json_object_get(doc, key), i, v) {
			int verdict = json_is_string(v) ? take(json_string_value(v), user) : 0;
			if (verdict > 0)
				json_array_append(*out, v);
			if (verdict < 0 || json_array_size(*out) >= max_kept) {
				done = true;
				break;
			}
		}
		json_decref(doc);
		{
			const struct curl_api *c = curl_api(NULL);
			struct curl_header *h;

			if (c->easy_header(curl, "Link", 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
				link = strdup(h->value);
		}
		http_reply_free(&reply);
		if (!next_page(link, &url, s))
			done = true;
		free(link);
	}
	ret = 0;
out:
	give_handle(s, curl);
	strbuf_free(&url);
	return ret;
}

/* The tags a registry lists that are tags (no reference syntax else). */
static int take_tag(const char *name, void *user)
{
	(void)user;
	return ref_valid_tag(name) ? 1 : 0;
}

/* At most this many tags of one repository (pull -a). */
#define TAGS_MAX 100000

int registry_tags_list(struct registry_session *s, json_t **tags, berr *err)
{
	char path[600];

	snprintf(path, sizeof(path), "/v2/%s/tags/list", s->repo);
	return list_pages(s, path, "tags", 8u << 20, take_tag, NULL, TAGS_MAX, tags, err);
}

bool registry_valid_repository(const char *name)
{
	size_t n = strlen(name);

	return n > 0 && n < 256 && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789._-/") == n &&
	       name[0] != '/' && name[n - 1] != '/' && !strstr(name, "//");
}

/* A catalog's name that holds the word (any case). */
static int take_match(const char *name, void *user)
{
	const char *word = user;

	return registry_valid_repository(name) && (!*word || strcasestr(name, word)) ? 1 : 0;
}

int registry_catalog(struct registry_session *s, const char *word, size_t limit, json_t **names,
		     berr *err)
{
	snprintf(s->extra_scopes, sizeof(s->extra_scopes), "registry:catalog:*");
	/* a page of a thousand names is some 50 KiB: a megabyte is plenty */
	return list_pages(s, "/v2/_catalog?n=1000", "repositories", 1u << 20, take_match,
			  (void *)word, limit, names, err);
}
