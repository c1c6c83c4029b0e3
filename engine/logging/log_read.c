/* Reading kept logs (see log_read.h). */
#include "engine/logging/log_read.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/core/units.h"

/* Docker's local reader refuses entries larger than this. */
#define LOCAL_ENTRY_MAX 1000000

/* Inflates a .gz source's file (kept open) into memory. */
static int inflate_now(struct log_source *src)
{
	if (src->mem || src->gz_fd < 0)
		return src->mem ? 0 : -1;
	int fd = dup(src->gz_fd);
	if (fd < 0)
		return -1;
	lseek(fd, 0, SEEK_SET);
	gzFile gz = gzdopen(fd, "rb");
	if (!gz) {
		close(fd);
		return -1;
	}
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap);
	while (buf) {
		if (len == cap) {
			char *grown = realloc(buf, cap * 2);
			if (!grown) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = grown;
			cap *= 2;
		}
		int n = gzread(gz, buf + len, (unsigned)(cap - len > (1u << 30) ? 1u << 30 : cap - len));
		/* a file cut short (a crash while compressing): what inflated */
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	gzclose(gz);
	if (!buf)
		return -1;
	src->mem = buf;
	src->size = (off_t)len;
	return 0;
}

int log_source_open(const char *path, struct log_source *src, berr *err)
{
	size_t plen = strlen(path);
	bool gz = plen >= 3 && strcmp(path + plen - 3, ".gz") == 0;

	*src = (struct log_source){.fd = -1, .gz_fd = -1, .size = -1};
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return berr_sys(err, "open %s", path);
	/* a .gz is held open and inflated when first read */
	if (gz)
		src->gz_fd = fd;
	else
		src->fd = fd;
	return 0;
}

void log_source_unload(struct log_source *src)
{
	if (src->gz_fd >= 0 && src->mem) {
		free(src->mem);
		src->mem = NULL;
		src->size = -1;
	}
}

void log_source_close(struct log_source *src)
{
	if (src->fd >= 0)
		close(src->fd);
	if (src->gz_fd >= 0)
		close(src->gz_fd);
	free(src->mem);
	*src = (struct log_source){.fd = -1, .gz_fd = -1, .size = -1};
}

off_t log_source_size(const struct log_source *src)
{
	struct stat st;
	if (src->gz_fd >= 0 && inflate_now((struct log_source *)src) < 0)
		return 0;
	if (src->mem || src->size >= 0)
		return src->size;
	return fstat(src->fd, &st) == 0 ? st.st_size : 0;
}

ssize_t log_source_pread(const struct log_source *src, void *buf, size_t n, off_t off)
{
	if (src->gz_fd >= 0 && inflate_now((struct log_source *)src) < 0)
		return -1;
	off_t size = src->mem || src->size >= 0 ? src->size : -1;
	if (size >= 0) {
		if (off >= size)
			return 0;
		if ((off_t)n > size - off)
			n = (size_t)(size - off);
	}
	if (src->mem) {
		memcpy(buf, src->mem + off, n);
		return (ssize_t)n;
	}
	return pread(src->fd, buf, n, off);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* json-file: counts newlines backwards. */
static off_t json_tail(const struct log_source *src, long tail, long *count)
{
	char buf[65536];
	off_t end = log_source_size(src), pos = end;
	long lines = 0;
	bool first = true;

	*count = 0;
	while (pos > 0) {
		size_t chunk = pos > (off_t)sizeof(buf) ? sizeof(buf) : (size_t)pos;
		pos -= (off_t)chunk;
		if (log_source_pread(src, buf, chunk, pos) != (ssize_t)chunk)
			return 0;
		for (size_t i = chunk; i-- > 0;) {
			if (buf[i] != '\n')
				continue;
			if (first && pos + (off_t)i == end - 1) {
				first = false;
				continue;
			}
			first = false;
			*count = ++lines;
			if (lines == tail)
				return pos + (off_t)i + 1;
		}
	}
	/* the first line has no newline before it */
	if (end > 0)
		*count = lines + 1 <= tail ? lines + 1 : tail;
	return 0;
}

/* local: walks back by each entry's trailing length. */
static off_t local_tail(const struct log_source *src, long tail, long *count)
{
	unsigned char len4[4];
	off_t pos = log_source_size(src);

	*count = 0;
	while (pos >= 8 && *count < tail) {
		if (log_source_pread(src, len4, 4, pos - 4) != 4)
			break;
		uint32_t n = be32(len4);
		if (n > LOCAL_ENTRY_MAX || (off_t)n + 8 > pos)
			break;
		pos -= (off_t)n + 8;
		(*count)++;
	}
	return *count < tail ? 0 : pos;
}

off_t log_tail_offset(enum log_store_format fmt, const struct log_source *src, long tail,
		      long *count)
{
	*count = 0;
	if (tail <= 0)
		return tail == 0 ? log_source_size(src) : 0;
	return fmt == LOG_STORE_LOCAL ? local_tail(src, tail, count) : json_tail(src, tail, count);
}

/* One json-file line. */
static int decode_json(const char *line, size_t len, log_entry_fn fn, void *user)
{
	/* a NUL the container wrote is \u0000 in the line: kept */
	json_t *o = json_loadb(line, len, JSON_ALLOW_NUL, NULL);
	const char *stream, *time_text;
	int rc = 0;

	if (!o)
		return 0;
	stream = json_string_value(json_object_get(o, "stream"));
	time_text = json_string_value(json_object_get(o, "time"));
	json_t *log = json_object_get(o, "log");
	if (stream && time_text && (json_is_string(log) || !log)) {
		struct log_entry e = {
			.stream = strcmp(stream, "stderr") == 0 ? 2 : 1,
			.time_text = time_text,
			.line = log ? json_string_value(log) : "",
			.len = log ? json_string_length(log) : 0,
			.attrs = json_object_get(o, "attrs"),
		};
		if (units_parse_timestamp(time_text, 0, &e.time_ns, NULL) < 0)
			e.time_ns = 0;
		rc = fn(user, &e);
	}
	json_decref(o);
	return rc;
}

static bool varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 64 && *p < end; shift += 7) {
		unsigned char c = *(*p)++;
		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return true;
	}
	return false;
}

/* One local entry's protobuf (fields: see the monitor's logger.c). */
static int decode_local(const unsigned char *p, const unsigned char *end, log_entry_fn fn,
			void *user)
{
	struct log_entry e = {.stream = 1};
	bool partial = false, last = false;
	json_t *attrs = NULL;
	char *line = NULL;
	int rc = 0;

	while (p < end) {
		uint64_t key, v;
		if (!varint(&p, end, &key))
			goto bad;
		int field = (int)(key >> 3), type = (int)(key & 7);
		if (type == 0) {
			if (!varint(&p, end, &v))
				goto bad;
			if (field == 2)
				e.time_ns = (int64_t)v;
			else if (field == 4)
				partial = v != 0;
			continue;
		}
		if (type != 2 || !varint(&p, end, &v) || v > (uint64_t)(end - p))
			goto bad;
		const unsigned char *val = p;
		p += v;
		if (field == 1)
			e.stream = v == 6 && memcmp(val, "stderr", 6) == 0 ? 2 : 1;
		else if (field == 3) {
			free(line);
			line = malloc(v + 1);
			if (!line)
				goto bad;
			memcpy(line, val, v);
			e.len = v;
		} else if (field == 5) {
			/* partial_log_metadata: only its "last" matters here */
			const unsigned char *q = val, *qend = val + v;
			while (q < qend) {
				uint64_t k2, v2;
				if (!varint(&q, qend, &k2))
					break;
				if ((k2 & 7) == 0) {
					if (!varint(&q, qend, &v2))
						break;
					if ((k2 >> 3) == 1)
						last = v2 != 0;
				} else if ((k2 & 7) == 2 && varint(&q, qend, &v2) &&
					   v2 <= (uint64_t)(qend - q)) {
					q += v2;
				} else {
					break;
				}
			}
		} else if (field == 6) {
			/* LogAttr {key 1, value 2} */
			const unsigned char *q = val, *qend = val + v;
			char *k = NULL, *value = NULL;
			while (q < qend) {
				uint64_t k2, v2;
				if (!varint(&q, qend, &k2) || (k2 & 7) != 2 || !varint(&q, qend, &v2) ||
				    v2 > (uint64_t)(qend - q))
					break;
				char **slot = (k2 >> 3) == 1 ? &k : &value;
				free(*slot);
				*slot = strndup((const char *)q, v2);
				q += v2;
			}
			if (k && value) {
				if (!attrs)
					attrs = json_object();
				json_object_set_new(attrs, k, json_string(value));
			}
			free(k);
			free(value);
		}
	}
	(void)last;
	/* a whole line, or the last piece of one, ends with its newline */
	if (!line)
		line = malloc(2);
	if (!line)
		goto bad;
	if (!partial)
		line[e.len++] = '\n';
	e.line = line;
	e.attrs = attrs;
	rc = fn(user, &e);
bad:
	free(line);
	json_decref(attrs);
	return rc;
}

size_t log_decode(enum log_store_format fmt, const char *data, size_t len, log_entry_fn fn,
		  void *user, bool *stopped)
{
	size_t used = 0;

	*stopped = false;
	if (fmt == LOG_STORE_LOCAL) {
		while (len - used >= 8) {
			const unsigned char *p = (const unsigned char *)data + used;
			uint32_t n = be32(p);
			if (n > LOCAL_ENTRY_MAX) {
				/* not an entry: a torn file; skip what cannot be read */
				return len;
			}
			if (len - used < (size_t)n + 8)
				break;
			if (decode_local(p + 4, p + 4 + n, fn, user)) {
				*stopped = true;
				return used + n + 8;
			}
			used += (size_t)n + 8;
		}
		return used;
	}
	for (;;) {
		const char *nl = memchr(data + used, '\n', len - used);
		if (!nl)
			return used;
		size_t n = (size_t)(nl - (data + used));
		int rc = decode_json(data + used, n, fn, user);
		used += n + 1;
		if (rc) {
			*stopped = true;
			return used;
		}
	}
}
