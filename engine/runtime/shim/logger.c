/* The container's log: each message (a line, or a 16 KiB piece of a longer
 * one, marked partial as Docker marks it) goes to the file kept on the
 * host, in the json-file or the local format, and, for drivers with a
 * receiver, to berth-logger (log_forward.c). */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "shim.h"

static const struct spec *log_spec;
static struct log_file store = {.fd = -1};
static bool store_open, store_local;
/* json-file's "attrs" member, rendered once: `"attrs":{...},` or "" */
static char *attrs_json;
static size_t attrs_len;
static char *entry_buf;
static size_t entry_cap;

/* A line longer than Docker's 16 KiB buffer, being logged in pieces. */
static struct {
	char id[65];
	int ordinal; /* 0: no line in pieces */
	struct timespec first; /* every piece carries the first one's time */
} partial[3];
/* local's attrs (field 6: LogAttr {key 1, value 2}), encoded once */
static char *attrs_proto;
static size_t attrs_proto_len;

static char *entry_room(size_t need)
{
	if (need > entry_cap) {
		char *grown = realloc(entry_buf, need);
		if (!grown)
			return NULL;
		entry_buf = grown;
		entry_cap = need;
	}
	return entry_buf;
}

/* `"attrs":{"k":"v",...},` from the log-attr records (sorted by berth). */
static int render_attrs(const struct spec *s)
{
	size_t need = 16;
	for (size_t i = 0; i < s->log_attrs.n; i++)
		need += strlen(s->log_attrs.v[i]) * 6 + 8;
	if (!s->log_attrs.n)
		return 0;
	char *o = malloc(need);
	if (!o)
		return -1;
	size_t n = (size_t)sprintf(o, "\"attrs\":{");
	for (size_t i = 0; i < s->log_attrs.n; i++) {
		const char *kv = s->log_attrs.v[i], *tab = strchr(kv, '\t');
		if (!tab)
			continue;
		if (o[n - 1] != '{')
			o[n++] = ',';
		o[n++] = '"';
		n += shim_json_escape(o + n, kv, (size_t)(tab - kv));
		memcpy(o + n, "\":\"", 3);
		n += 3;
		n += shim_json_escape(o + n, tab + 1, strlen(tab + 1));
		o[n++] = '"';
	}
	memcpy(o + n, "},", 2);
	attrs_json = o;
	attrs_len = n + 2;
	return 0;
}

static size_t put_varint(char *o, unsigned long long v);

/* The attributes as repeated LogAttr fields of a local entry. */
static int encode_attrs(const struct spec *s)
{
	size_t need = 0;
	for (size_t i = 0; i < s->log_attrs.n; i++)
		need += strlen(s->log_attrs.v[i]) + 32;
	if (!need)
		return 0;
	char *o = malloc(need), sub[24];
	if (!o)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < s->log_attrs.n; i++) {
		const char *kv = s->log_attrs.v[i], *tab = strchr(kv, '\t');
		if (!tab)
			continue;
		size_t klen = (size_t)(tab - kv), vlen = strlen(tab + 1);
		size_t hk = put_varint(sub, klen), hv = put_varint(sub + 12, vlen);
		o[n++] = 0x32;
		n += put_varint(o + n, 1 + hk + klen + 1 + hv + vlen);
		o[n++] = 0x0a;
		memcpy(o + n, sub, hk);
		n += hk;
		memcpy(o + n, kv, klen);
		n += klen;
		o[n++] = 0x12;
		memcpy(o + n, sub + 12, hv);
		n += hv;
		memcpy(o + n, tab + 1, vlen);
		n += vlen;
	}
	attrs_proto = o;
	attrs_proto_len = n;
	return 0;
}

int logger_open(const struct spec *s, const char *run_dir, struct shim_err *err)
{
	log_spec = s;
	if (s->log_path) {
		store = (struct log_file){.path = s->log_path,
					  .fd = -1,
					  .max_size = s->log_max_size,
					  .max_file = s->log_max_file,
					  .compress = s->log_compress,
					  .helper = s->log_helper};
		store_local = s->log_format && strcmp(s->log_format, "local") == 0;
		if (log_file_open(&store, err) < 0)
			return -1;
		store_open = true;
		if ((store_local ? encode_attrs(s) : render_attrs(s)) < 0)
			return shim_fail(err, "system", "out of memory");
	}
	return log_forward_open(s, run_dir, err);
}

/* The time as json-file writes it; the lines of one read share it. */
static const char *time_text(const struct timespec *ts, size_t *len)
{
	static struct timespec last = {-1, 0};
	static char text[48];
	static size_t text_len;
	if (ts->tv_sec != last.tv_sec || ts->tv_nsec != last.tv_nsec) {
		text_len = shim_format_time(text, ts);
		last = *ts;
	}
	*len = text_len;
	return text;
}

/* One json-file entry: {"log":...,"stream":...,["attrs":{...},]"time":...}\n */
static void put_json(int stream, const char *data, size_t len, bool newline,
		     const struct timespec *ts)
{
	static const char head[] = "{\"log\":\"";
	static const char out_mid[] = "\",\"stream\":\"stdout\",";
	static const char err_mid[] = "\",\"stream\":\"stderr\",";
	char *o = entry_room(sizeof(head) + len * 6 + attrs_len + 96);
	if (!o)
		return;
	size_t n = sizeof(head) - 1;
	memcpy(o, head, n);
	n += shim_json_escape_log(o + n, data, len);
	if (newline) {
		memcpy(o + n, "\\n", 2);
		n += 2;
	}
	memcpy(o + n, stream == 2 ? err_mid : out_mid, sizeof(out_mid) - 1);
	n += sizeof(out_mid) - 1;
	if (attrs_len) {
		memcpy(o + n, attrs_json, attrs_len);
		n += attrs_len;
	}
	memcpy(o + n, "\"time\":\"", 8);
	n += 8;
	size_t tlen;
	const char *t = time_text(ts, &tlen);
	memcpy(o + n, t, tlen);
	n += tlen;
	memcpy(o + n, "\"}\n", 3);
	log_file_append(&store, o, n + 3);
}

static size_t put_varint(char *o, unsigned long long v)
{
	size_t n = 0;
	while (v >= 0x80) {
		o[n++] = (char)(v | 0x80);
		v >>= 7;
	}
	o[n++] = (char)v;
	return n;
}

static void put_be32(char *o, uint32_t v)
{
	o[0] = (char)(v >> 24);
	o[1] = (char)(v >> 16);
	o[2] = (char)(v >> 8);
	o[3] = (char)v;
}

/* One local-format entry: the protobuf LogEntry of Docker's local driver
 * (source 1, time_nano 2, line 3, partial 4, partial_log_metadata 5
 * {last 1, id 2, ordinal 3}) between two big-endian 32-bit lengths. */
static void put_local(int stream, const char *data, size_t len, const struct log_meta *meta,
		      const struct timespec *ts)
{
	char *o = entry_room(len + attrs_proto_len + 160);
	if (!o)
		return;
	size_t n = 4;
	const char *source = stream == 2 ? "stderr" : "stdout";
	o[n++] = 0x0a;
	o[n++] = 6;
	memcpy(o + n, source, 6);
	n += 6;
	o[n++] = 0x10;
	n += put_varint(o + n, (unsigned long long)ts->tv_sec * 1000000000ULL +
				       (unsigned long long)ts->tv_nsec);
	o[n++] = 0x1a;
	n += put_varint(o + n, len);
	memcpy(o + n, data, len);
	n += len;
	if (meta->ordinal) {
		if (!meta->last) {
			o[n++] = 0x20;
			o[n++] = 1;
		}
		char sub[96];
		size_t m = 0;
		if (meta->last) {
			sub[m++] = 0x08;
			sub[m++] = 1;
		}
		sub[m++] = 0x12;
		sub[m++] = 64;
		memcpy(sub + m, meta->id, 64);
		m += 64;
		sub[m++] = 0x18;
		m += put_varint(sub + m, (unsigned)meta->ordinal);
		o[n++] = 0x2a;
		n += put_varint(o + n, m);
		memcpy(o + n, sub, m);
		n += m;
	}
	if (attrs_proto_len) {
		memcpy(o + n, attrs_proto, attrs_proto_len);
		n += attrs_proto_len;
	}
	put_be32(o, (uint32_t)(n - 4));
	put_be32(o + n, (uint32_t)(n - 4));
	log_file_append(&store, o, n + 4);
}

static void new_partial_id(char id[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[32];
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		struct timespec t;
		clock_gettime(CLOCK_MONOTONIC, &t);
		memset(raw, 0, sizeof(raw));
		memcpy(raw, &t, sizeof(t) < sizeof(raw) ? sizeof(t) : sizeof(raw));
	}
	for (int i = 0; i < 32; i++) {
		id[2 * i] = hex[raw[i] >> 4];
		id[2 * i + 1] = hex[raw[i] & 15];
	}
	id[64] = '\0';
}

void logger_write(int stream, const char *data, size_t len, bool piece, const struct timespec *ts)
{
	struct log_meta meta = {0};

	if (stream < 1 || stream > 2 || (piece && len == 0))
		return;
	/* a whole line's newline is the format's business */
	if (!piece && len && data[len - 1] == '\n')
		len--;
	if (piece) {
		if (!partial[stream].ordinal) {
			new_partial_id(partial[stream].id);
			partial[stream].first = *ts;
		}
		meta.ordinal = ++partial[stream].ordinal;
		ts = &partial[stream].first;
	} else if (partial[stream].ordinal) {
		meta.ordinal = partial[stream].ordinal + 1;
		meta.last = true;
		partial[stream].ordinal = 0;
		ts = &partial[stream].first;
	}
	meta.id = partial[stream].id;
	if (store_open) {
		if (store_local)
			put_local(stream, data, len, &meta, ts);
		else
			put_json(stream, data, len, !piece, ts);
	}
	log_forward_send(stream, data, len, &meta, ts);
}

void logger_flush(void)
{
	if (store_open)
		log_file_flush(&store);
	/* a long line's escaped form is not kept once written */
	if (entry_cap > 16384) {
		free(entry_buf);
		entry_buf = NULL;
		entry_cap = 0;
	}
}

void logger_reaped(pid_t pid)
{
	log_file_reaped(&store, pid);
	log_forward_reaped(pid);
}

void logger_restart(void)
{
	/* a line the last run left unfinished is not the next run's first */
	for (int i = 0; i < 3; i++)
		partial[i].ordinal = 0;
}

bool logger_pending(void)
{
	return log_forward_pending();
}

void logger_close(void)
{
	logger_flush();
	log_forward_close();
}
