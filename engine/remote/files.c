/* The docker CLI's files read and written with its Go code's words and
 * bytes, and written whole or not at all. */
#include "engine/remote/files.h"
#include "engine/core/fd_io.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <unistd.h>

#include "engine/core/strbuf.h"

const char *remote_errno_text(int errnum, char *buf, size_t size)
{
	snprintf(buf, size, "%s", strerror(errnum));
	if (size && buf[0] && buf[1] && !isupper((unsigned char)buf[1]))
		buf[0] = (char)tolower((unsigned char)buf[0]);
	return buf;
}

const char *remote_go_quote(const char *s, char *buf, size_t size)
{
	struct strbuf b = {0};
	char *text;

	strbuf_addc(&b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addf(&b, "\\%c", *p);
		else if (*p >= 7 && *p <= 13)
			strbuf_addf(&b, "\\%c", "abtnvfr"[*p - 7]);
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(&b, "\\x%02x", *p);
		else
			strbuf_addc(&b, (char)*p);
	}
	strbuf_addc(&b, '"');
	text = strbuf_steal(&b);
	snprintf(buf, size, "%s", text);
	free(text);
	return buf;
}

/* Sets err to Go's *PathError text: "op path: errno text". */
static int path_error(berr *err, const char *op, const char *path, int errnum)
{
	char text[128];

	berr_set(err, errnum == ENOENT ? BERR_NOT_FOUND : BERR_SYSTEM, "%s %s: %s", op, path,
		 remote_errno_text(errnum, text, sizeof(text)));
	err->sys_errno = errnum;
	return -1;
}

int remote_file_read(const char *path, size_t max, char **out, size_t *len, berr *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct strbuf b = {0};
	struct stat st = {0};
	char chunk[4096];

	if (fd < 0)
		return path_error(err, "open", path, errno);
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = errno;
		if (st.st_mode && !S_ISREG(st.st_mode))
			e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
		close(fd);
		return path_error(err, "read", path, e);
	}
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			strbuf_free(&b);
			return path_error(err, "read", path, e);
		}
		if (n == 0)
			break;
		if (b.len + (size_t)n > max) {
			close(fd);
			strbuf_free(&b);
			return path_error(err, "read", path, EFBIG);
		}
		strbuf_addn(&b, chunk, (size_t)n);
	}
	close(fd);
	if (len)
		*len = b.len;
	*out = strbuf_steal(&b);
	return 0;
}

/* Opens a new temporary file beside path: "<path>.tmp-<8 random hex>". */
static int open_temp(const char *path, char *tmp, size_t size, berr *err)
{
	for (int tries = 0; tries < 16; tries++) {
		unsigned int r = 0;
		int fd;

		if (getrandom(&r, sizeof(r), 0) != (ssize_t)sizeof(r))
			r = (unsigned int)getpid() * 2654435761u + (unsigned int)tries;
		if (snprintf(tmp, size, "%s.tmp-%08x", path, r) >= (int)size)
			return path_error(err, "open", path, ENAMETOOLONG);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd >= 0 ? fd : path_error(err, "open", tmp, errno);
	}
	return path_error(err, "open", path, EEXIST);
}

/* Makes a rename in dir of path durable. */
static void sync_parent(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int remote_file_write(const char *path, const void *data, size_t len, mode_t mode,
		      const struct stat *like, berr *err)
{
	char tmp[PATH_MAX];
	int fd = open_temp(path, tmp, sizeof(tmp), err);

	if (fd < 0)
		return -1;
	if (fd_write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		path_error(err, "write", tmp, errno);
		goto fail;
	}
	/* the mode asked for whatever the umask; a file replaced keeps its
	 * mode and owner, as the docker CLI's config.json does */
	if (fchmod(fd, like ? like->st_mode & 07777 : mode) < 0) {
		path_error(err, "chmod", tmp, errno);
		goto fail;
	}
	if (like && (like->st_uid != geteuid() || like->st_gid != getegid()))
		(void)!fchown(fd, like->st_uid, like->st_gid);
	if (close(fd) < 0) {
		fd = -1;
		path_error(err, "close", tmp, errno);
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		char text[128];
		berr_set(err, BERR_SYSTEM, "rename %s %s: %s", tmp, path,
			 remote_errno_text(errno, text, sizeof(text)));
		goto fail;
	}
	sync_parent(path);
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

int remote_mkdir_all(const char *path, mode_t mode, berr *err)
{
	char buf[PATH_MAX], text[128];

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return berr_set(err, BERR_INVALID, "mkdir %s: file name too long", path);
	if (!buf[0])
		return berr_set(err, BERR_INVALID, "mkdir : no such file or directory");
	for (char *p = buf + 1;; p++) {
		if (*p && *p != '/')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return berr_set(err, BERR_SYSTEM, "mkdir %s: %s", buf,
					remote_errno_text(errno, text, sizeof(text)));
		if (!saved)
			return 0;
		*p = saved;
	}
}

json_t *remote_json_get(const json_t *obj, const char *key)
{
	const char *k;
	json_t *v;

	if (!json_is_object(obj))
		return NULL;
	if ((v = json_object_get(obj, key)))
		return v;
	json_object_foreach((json_t *)obj, k, v)
		if (strcasecmp(k, key) == 0)
			return v;
	return NULL;
}

char *remote_json_dumps(const json_t *v, size_t flags)
{
	char *text = json_dumps(v, flags);
	struct strbuf b = {0};

	if (!text)
		return NULL;
	/* outside strings JSON has none of these bytes: each is in a string */
	for (const char *p = text; *p; p++) {
		if (*p == '<')
			strbuf_adds(&b, "\\u003c");
		else if (*p == '>')
			strbuf_adds(&b, "\\u003e");
		else if (*p == '&')
			strbuf_adds(&b, "\\u0026");
		else if ((unsigned char)p[0] == 0xe2 && (unsigned char)p[1] == 0x80 &&
			 ((unsigned char)p[2] == 0xa8 || (unsigned char)p[2] == 0xa9)) {
			strbuf_adds(&b, (unsigned char)p[2] == 0xa8 ? "\\u2028" : "\\u2029");
			p += 2;
		} else
			strbuf_addc(&b, *p);
	}
	free(text);
	return strbuf_steal(&b);
}
