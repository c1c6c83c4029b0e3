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
	int fd, rc;

	if (checksum && strncmp(checksum, "sha256:", 7) != 0)
		return berr_set(err, BERR_INVALID, "unsupported digest algorithm in --checksum=%s", checksum);
	if (checksum && !sha256_is_hex(checksum + 7))
		return berr_set(err, BERR_INVALID, "invalid checksum digest format: %s", checksum);
	fd = openat(dir_fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return berr_sys(err, "downloading %s", url);
	/* a cancelled build stops at once */
	rc = http_download(url, fd, FETCH_MAX_BYTES, stopped, b, digest, err);
	if (rc < 0 && err && err->kind == BERR_CONFLICT)
		berr_set(err, BERR_CONFLICT, "build cancelled");
	if (rc == 0 && checksum && strcmp(checksum, digest) != 0)
		rc = berr_set(err, BERR_INVALID, "digest mismatch %s: %s", checksum, digest);
	if (rc == 0)
		fchmod(fd, 0600);
	close(fd);
	if (rc < 0)
		unlinkat(dir_fd, name, 0);
	return rc;
}
