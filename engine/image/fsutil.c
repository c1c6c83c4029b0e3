/* File helpers for the image store: in-root resolution, safe recursive
 * removal, whole-file reads and writes, and Docker's time format. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "engine/image/internal.h"

/* Opens rel with root_fd acting as "/": no symlink or ".." leaves it. */
int image_openat_in_root(int root_fd, const char *rel, int flags, mode_t mode)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & O_CREAT) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	long fd;

	do
		fd = syscall(SYS_openat2, root_fd, (rel && *rel) ? rel : ".", &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return (int)fd;
}

/* Empties the directory dirfd (which it closes), depth first. */
static int remove_dir_contents(int dirfd, const char *what, berr *err)
{
	DIR *dir = fdopendir(dirfd);
	struct dirent *de;
	int ret = 0;

	if (!dir) {
		close(dirfd);
		return berr_sys(err, "open %s", what);
	}
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (image_remove_tree_at(dirfd, de->d_name, err) < 0) {
			ret = -1;
			break;
		}
	}
	closedir(dir);
	return ret;
}

/* rm -rf of name under dirfd, never following a symlink. */
int image_remove_tree_at(int dirfd, const char *name, berr *err)
{
	int fd;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return berr_sys(err, "remove %s", name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		return berr_sys(err, "open %s", name);
	}
	if (remove_dir_contents(fd, name, err) < 0)
		return -1;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0 && errno != ENOENT)
		return berr_sys(err, "remove %s", name);
	return 0;
}

/* rm -rf of an absolute path, never following a symlink. */
int image_remove_tree(const char *path, berr *err)
{
	char parent[4096];
	const char *slash = strrchr(path, '/');
	int dirfd, ret;

	if (!slash || slash[1] == '\0')
		return berr_set(err, BERR_INVALID, "refusing to remove %s", path);
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - path), path);
	dirfd = open(parent[0] ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : berr_sys(err, "open %s", parent);
	ret = image_remove_tree_at(dirfd, slash + 1, err);
	close(dirfd);
	return ret;
}

/* mkdir -p of an absolute host path. */
int image_mkdir_p(const char *path, mode_t mode, berr *err)
{
	char buf[4096];
	size_t len = strlen(path);

	if (len == 0 || len >= sizeof(buf))
		return berr_set(err, BERR_INVALID, "bad path: %s", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;

		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return berr_sys(err, "mkdir %s", buf);
		*p = saved;
		if (saved == '\0')
			break;
	}
	return 0;
}

/* write(2) until everything is written. */
int image_write_all(int fd, const void *buf, size_t len, berr *err)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return berr_sys(err, "write");
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Reads a whole file (at most max bytes) into a NUL-terminated buffer. */
int image_read_file(const char *path, size_t max, char **out, size_t *len, berr *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 4096, used = 0;
	char *buf;

	if (fd < 0)
		return berr_sys(err, "open %s", path);
	buf = malloc(cap + 1);
	if (!buf) {
		close(fd);
		return berr_errno(err, ENOMEM, "read %s", path);
	}
	for (;;) {
		ssize_t n;

		if (used == cap) {
			char *bigger;

			if (cap >= max) {
				free(buf);
				close(fd);
				return berr_set(err, BERR_INVALID, "%s is too large", path);
			}
			cap *= 2;
			bigger = realloc(buf, cap + 1);
			if (!bigger) {
				free(buf);
				close(fd);
				return berr_errno(err, ENOMEM, "read %s", path);
			}
			buf = bigger;
		}
		n = read(fd, buf + used, cap - used);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			free(buf);
			close(fd);
			return berr_sys(err, "read %s", path);
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	close(fd);
	buf[used] = '\0';
	*out = buf;
	*len = used;
	return 0;
}

/* Copies in_fd to out_fd until end of file. */
int image_copy_fd(int in_fd, int out_fd, berr *err)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(in_fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return berr_sys(err, "read");
		if (n == 0)
			return 0;
		if (image_write_all(out_fd, buf, (size_t)n, err) < 0)
			return -1;
	}
}

/* Wall-clock time in nanoseconds. */
int64_t image_now_nano(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Docker's RFC 3339 nanosecond form, trailing zeros trimmed, UTC. */
void image_format_time(int64_t nanos, char *buf, size_t size)
{
	time_t secs = (time_t)(nanos / 1000000000LL);
	long frac = (long)(nanos % 1000000000LL);
	struct tm tm;
	char date[32], digits[16];
	int n;

	if (frac < 0) {
		frac += 1000000000L;
		secs -= 1;
	}
	gmtime_r(&secs, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	if (frac == 0) {
		snprintf(buf, size, "%sZ", date);
		return;
	}
	n = snprintf(digits, sizeof(digits), "%09ld", frac);
	while (n > 0 && digits[n - 1] == '0')
		digits[--n] = '\0';
	snprintf(buf, size, "%s.%sZ", date, digits);
}

/* Parses an RFC 3339 time into nanoseconds since the epoch. */
int image_parse_time(const char *s, int64_t *nanos)
{
	struct tm tm = {0};
	const char *p;
	int64_t frac = 0, scale = 100000000;
	long offset = 0;
	time_t secs;

	if (!s)
		return -1;
	p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			frac += (*p - '0') * scale;
			scale /= 10;
		}
	}
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int hh, mm;

		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
			return -1;
		offset = (hh * 3600L + mm * 60L) * (*p == '-' ? -1 : 1);
		p += 6;
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	secs = timegm(&tm) - offset;
	*nanos = (int64_t)secs * 1000000000LL + frac;
	return 0;
}

/* Parses a prune/list "until" value: a timestamp or a duration back from now. */
int image_parse_until(const char *s, int64_t *nanos, berr *err)
{
	static const struct {
		char unit;
		int64_t nanos;
	} units[] = {{'h', 3600000000000LL}, {'m', 60000000000LL}, {'s', 1000000000LL}};
	char *end;
	double secs;
	struct tm tm = {0};

	if (!s || !*s)
		return berr_set(err, BERR_INVALID, "invalid value for 'until' filter: empty");
	secs = strtod(s, &end);
	if (end != s && *end == '\0') {
		*nanos = (int64_t)(secs * 1e9);
		return 0;
	}
	if (image_parse_time(s, nanos) == 0)
		return 0;
	end = strptime(s, "%Y-%m-%d", &tm);
	if (end && *end == '\0') {
		*nanos = (int64_t)timegm(&tm) * 1000000000LL;
		return 0;
	}
	/* A Go-style duration made of h, m and s parts. */
	{
		const char *p = s;
		double total = 0;

		while (*p) {
			double v = strtod(p, &end);
			bool ok = false;

			if (end == p)
				break;
			for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
				if (*end == units[i].unit) {
					total += v * (double)units[i].nanos;
					ok = true;
				}
			if (!ok)
				break;
			p = end + 1;
		}
		if (*p == '\0' && p != s) {
			*nanos = image_now_nano() - (int64_t)total;
			return 0;
		}
	}
	return berr_set(err, BERR_INVALID, "invalid value for 'until' filter: %s", s);
}
