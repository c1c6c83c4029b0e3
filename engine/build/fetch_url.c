/* ADD <url>: the file downloaded by the engine (http and https, TLS
 * verified against the system's CAs, the usual proxy variables), checked
 * against --checksum when given, into a staging tree as a 0600 file, as
 * Docker gives it. The container never sees the network for it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/build/internal.h"
#include "engine/core/sha256.h"
#include "engine/registry/http.h"

/* At most this much: a URL is not a way to fill the disk. */
#define FETCH_MAX_BYTES (16ull << 30)

struct fetch_sink {
	int fd;
	struct sha256_ctx sum;
	uint64_t bytes;
	bool failed;
};

static bool on_data(void *user, const void *data, size_t len)
{
	struct fetch_sink *f = user;
	const char *p = data;

	f->bytes += len;
	if (f->bytes > FETCH_MAX_BYTES)
		return false;
	sha256_update(&f->sum, data, len);
	while (len) {
		ssize_t n = write(f->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			f->failed = true;
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* The name a URL's file takes in a directory: the last part of its path. */
const char *build_url_file_name(const char *url, char *buf, size_t size)
{
	const char *start = strstr(url, "://");
	const char *path = start ? strchr(start + 3, '/') : NULL;
	const char *end, *slash;
	size_t len;

	if (!path) {
		snprintf(buf, size, "__unnamed__");
		return buf;
	}
	end = path + strcspn(path, "?#");
	while (end > path && end[-1] == '/')
		end--;
	slash = end;
	while (slash > path && slash[-1] != '/')
		slash--;
	len = (size_t)(end - slash);
	if (len == 0 || (len <= 2 && strncmp(slash, "..", len) == 0))
		snprintf(buf, size, "__unnamed__");
	else
		snprintf(buf, size, "%.*s", (int)len, slash);
	return buf;
}

static bool stopped(void *user)
{
	return build_should_stop(user);
}

int build_fetch_url(struct build *b, const char *url, int dir_fd, const char *name,
		    const char *checksum, char digest[IMAGE_DIGEST_SIZE], berr *err)
{
	/* a server that trickles (under 1 KiB/s for 30 s) is given up, and a
	 * cancelled build stops at once */
	struct http_call call = {.method = "GET", .url = url, .body_fd = -1, .sink = on_data,
				 .stop = stopped, .stop_user = b, .min_speed = 1024};
	struct http_reply reply;
	struct fetch_sink sink = {.fd = -1};
	char hex[SHA256_HEX_SIZE];
	CURL *curl;
	int rc = -1;

	if (checksum && strncmp(checksum, "sha256:", 7) != 0)
		return berr_set(err, BERR_INVALID, "unsupported digest algorithm in --checksum=%s", checksum);
	if (checksum && !sha256_is_hex(checksum + 7))
		return berr_set(err, BERR_INVALID, "invalid checksum digest format: %s", checksum);
	curl = http_handle_new(err);
	if (!curl)
		return -1;
	sink.fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (sink.fd < 0) {
		http_handle_free(curl);
		return berr_sys(err, "downloading %s", url);
	}
	sha256_init(&sink.sum);
	call.sink_user = &sink;
	if (http_perform(curl, &call, &reply, err) < 0)
		goto out;
	if (reply.cancelled) {
		http_reply_free(&reply);
		berr_set(err, BERR_CONFLICT, "build cancelled");
		goto out;
	}
	if (reply.status < 200 || reply.status > 299) {
		berr_set(err, BERR_NOT_FOUND, "invalid response status %ld", reply.status);
		http_reply_free(&reply);
		goto out;
	}
	http_reply_free(&reply);
	if (sink.failed || sink.bytes > FETCH_MAX_BYTES) {
		berr_set(err, BERR_SYSTEM, "downloading %s: %s", url,
			 sink.failed ? "cannot write the file" : "larger than 16 GiB");
		goto out;
	}
	sha256_final_hex(&sink.sum, hex);
	snprintf(digest, IMAGE_DIGEST_SIZE, "sha256:%s", hex);
	if (checksum && strcmp(checksum, digest) != 0) {
		berr_set(err, BERR_INVALID, "digest mismatch %s: %s", checksum, digest);
		goto out;
	}
	fchmod(sink.fd, 0600);
	rc = 0;
out:
	close(sink.fd);
	if (rc < 0)
		unlinkat(dir_fd, name, 0);
	http_handle_free(curl);
	return rc;
}
