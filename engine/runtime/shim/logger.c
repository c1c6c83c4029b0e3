/* The json-file log driver: one JSON object per message, written with one
 * write(2) each so `berth logs -f` never sees half a line, rotated by size. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/utf8.h"
#include "shim.h"

/* Room for the usual line; longer escaped lines get a temporary mapping. */
static char line_buf[20480];

static int log_fd = -1;
static long long log_size;
static const struct spec *log_spec;

/* Opens (creating) the log file for appending. */
static int log_reopen(int flags)
{
	int fd = open(log_spec->log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | flags, 0640);
	struct stat st;
	if (fd < 0)
		return -1;
	if (log_fd >= 0)
		close(log_fd);
	log_fd = fd;
	log_size = fstat(fd, &st) == 0 ? (long long)st.st_size : 0;
	return 0;
}

int logger_open(const struct spec *s, struct shim_err *err)
{
	log_spec = s;
	if (!s->log_path)
		return 0;
	if (log_reopen(0) < 0)
		return shim_sys(err, "open the log %s", s->log_path);
	return 0;
}

/* Shifts <log>.N up by one (dropping the oldest) and starts an empty log. */
static void log_rotate(void)
{
	int max = log_spec->log_max_file > 0 ? log_spec->log_max_file : 1;
	char from[PATH_MAX + 16], to[PATH_MAX + 16];
	size_t len = sizeof(from);
	if (max >= 2) {
		for (int i = max - 1; i >= 1; i--) {
			if (i == 1)
				snprintf(from, len, "%s", log_spec->log_path);
			else
				snprintf(from, len, "%s.%d", log_spec->log_path, i - 1);
			snprintf(to, len, "%s.%d", log_spec->log_path, i);
			rename(from, to);
		}
	}
	log_reopen(O_TRUNC);
}

/* Escapes bytes as a JSON string body the way Go's encoding/json does. */
static size_t json_escape(char *out, const unsigned char *in, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *o = out;
	for (size_t i = 0; i < n;) {
		unsigned char c = in[i];
		if (c >= 0x80) {
			uint32_t cp;
			size_t l = utf8_decode(in + i, n - i, &cp);
			if (!l) {
				memcpy(o, "\\ufffd", 6);
				o += 6;
				i++;
			} else if (cp == 0x2028 || cp == 0x2029) {
				/* U+2028 and U+2029 break JavaScript: escaped like Go does */
				memcpy(o, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
				o += 6;
				i += 3;
			} else {
				memcpy(o, in + i, l);
				o += l;
				i += l;
			}
			continue;
		}
		i++;
		if (c == '"' || c == '\\') {
			*o++ = '\\';
			*o++ = (char)c;
		} else if (c == '\n' || c == '\r' || c == '\t') {
			*o++ = '\\';
			*o++ = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
		} else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
			memcpy(o, "\\u00", 4);
			o[4] = hex[c >> 4];
			o[5] = hex[c & 15];
			o += 6;
		} else {
			*o++ = (char)c;
		}
	}
	return (size_t)(o - out);
}

/* The civil date of a day count since 1970-01-01 (proleptic Gregorian). */
static void civil_from_days(long long z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	long long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* RFC3339Nano in UTC with the trailing zeros of the fraction trimmed
 * (computed here: gmtime would read the host's zone files for nothing). */
static size_t format_time(char *out, const struct timespec *ts)
{
	long long days = ts->tv_sec / 86400, secs = ts->tv_sec % 86400;
	int y;
	unsigned mo, d;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &y, &mo, &d);
	int n = snprintf(out, 40, "%04d-%02u-%02uT%02d:%02d:%02d", y, mo, d, (int)(secs / 3600),
			 (int)(secs / 60 % 60), (int)(secs % 60));
	if (ts->tv_nsec) {
		n += snprintf(out + n, 12, ".%09ld", ts->tv_nsec);
		while (out[n - 1] == '0')
			n--;
	}
	out[n++] = 'Z';
	return (size_t)n;
}

size_t shim_json_escape(char *out, const void *in, size_t n)
{
	return json_escape(out, in, n);
}

size_t shim_format_time(char *out, const struct timespec *ts)
{
	return format_time(out, ts);
}

void logger_write(int stream, const char *data, size_t len, const struct timespec *ts)
{
	static const char head[] = "{\"log\":\"";
	const char *mid = stream == 2 ? "\",\"stream\":\"stderr\",\"time\":\""
				      : "\",\"stream\":\"stdout\",\"time\":\"";
	size_t need = sizeof(head) + len * 6 + 80;
	char *buf = line_buf;

	if (log_fd < 0 || len == 0)
		return;
	if (need > sizeof(line_buf)) {
		buf = mmap(NULL, need, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED)
			return;
	}
	size_t n = sizeof(head) - 1;
	memcpy(buf, head, n);
	n += json_escape(buf + n, (const unsigned char *)data, len);
	memcpy(buf + n, mid, strlen(mid));
	n += strlen(mid);
	n += format_time(buf + n, ts);
	memcpy(buf + n, "\"}\n", 3);
	n += 3;
	if (log_spec->log_max_size > 0 && log_size >= log_spec->log_max_size)
		log_rotate();
	if (log_fd >= 0 && write_all(log_fd, buf, n) == 0)
		log_size += (long long)n;
	if (buf != line_buf)
		munmap(buf, need);
}
