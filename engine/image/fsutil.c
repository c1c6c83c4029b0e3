/* File helpers for the image store: whole-file reads and writes, and
 * Docker's time format. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/units.h"
#include "engine/image/internal.h"

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
	int64_t frac = 0, scale = 100000000, total;
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
		/* Exactly "+hh:mm": a shorter zone must not move p past the end. */
		if (!isdigit((unsigned char)p[1]) || !isdigit((unsigned char)p[2]) || p[3] != ':' ||
		    !isdigit((unsigned char)p[4]) || !isdigit((unsigned char)p[5]))
			return -1;
		offset = ((p[1] - '0') * 10 + (p[2] - '0')) * 3600L +
			 ((p[4] - '0') * 10 + (p[5] - '0')) * 60L;
		if (*p == '-')
			offset = -offset;
		p += 6;
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	secs = timegm(&tm) - offset;
	/* Years past 2262 do not fit in int64 nanoseconds. */
	if (__builtin_mul_overflow((int64_t)secs, 1000000000LL, &total) ||
	    __builtin_add_overflow(total, frac, &total))
		return -1;
	*nanos = total;
	return 0;
}

/* Parses a prune/list "until" value as Docker does (timetypes.GetTimestamp):
 * a timestamp, a date, unix seconds, or a duration back from now. */
int image_parse_until(const char *s, int64_t *nanos, berr *err)
{
	if (!s || !*s)
		return berr_set(err, BERR_INVALID, "invalid value for 'until' filter: empty");
	return units_parse_timestamp(s, image_now_nano(), nanos, err);
}
