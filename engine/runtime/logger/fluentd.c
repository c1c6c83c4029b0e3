/* The fluentd driver's events, in the Forward protocol's Message mode as
 * Docker's (fluent-logger-golang) sends them: a msgpack array
 *   [tag, time, {"container_id", "container_name" ("/name"), "source",
 *    "log", <attributes>, partial_message/partial_id/partial_ordinal/
 *    partial_last for pieces}, options]
 * time is integer seconds, or the EventTime extension (fixext8 type 0)
 * with fluentd-sub-second-precision; options are {} or, with
 * fluentd-request-ack, {"chunk": id} answered by {"ack": id}. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "engine/core/units.h"
#include "logger.h"

static void mp_str(struct out *o, const char *s, size_t n)
{
	unsigned char h[5];
	if (n < 32) {
		h[0] = (unsigned char)(0xa0 | n);
		out_add(o, h, 1);
	} else if (n < 256) {
		h[0] = 0xd9;
		h[1] = (unsigned char)n;
		out_add(o, h, 2);
	} else if (n < 65536) {
		h[0] = 0xda;
		h[1] = (unsigned char)(n >> 8);
		h[2] = (unsigned char)n;
		out_add(o, h, 3);
	} else {
		h[0] = 0xdb;
		for (int i = 0; i < 4; i++)
			h[1 + i] = (unsigned char)(n >> (24 - 8 * i));
		out_add(o, h, 5);
	}
	out_add(o, s, n);
}

static void mp_cstr(struct out *o, const char *s)
{
	mp_str(o, s, strlen(s));
}

static void mp_map(struct out *o, size_t n)
{
	unsigned char h[3];
	if (n < 16) {
		h[0] = (unsigned char)(0x80 | n);
		out_add(o, h, 1);
	} else {
		h[0] = 0xde;
		h[1] = (unsigned char)(n >> 8);
		h[2] = (unsigned char)n;
		out_add(o, h, 3);
	}
}

static void be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* The last request-ack chunk id sent, for the reply. */
static char ack_chunk[32];

static bool fluentd_format(const struct logger_spec *s, const struct logger_msg *m,
			   struct out *pkts)
{
	struct out o = {0};
	const struct log_wire *h = m->h;
	int64_t secs = h->time_ns / 1000000000LL;
	char name[300], ordinal[16];
	bool ack = logger_opt_true(s, "fluentd-request-ack");

	out_add(&o, "\x94", 1);
	mp_cstr(&o, s->tag);
	if (logger_opt_true(s, "fluentd-sub-second-precision")) {
		unsigned char t[10] = {0xd7, 0x00};
		be32(t + 2, (uint32_t)secs);
		be32(t + 6, (uint32_t)(h->time_ns % 1000000000LL));
		out_add(&o, t, 10);
	} else {
		unsigned char t[9];
		if (secs >= -2147483648LL && secs <= 2147483647LL) {
			t[0] = 0xd2;
			be32(t + 1, (uint32_t)secs);
			out_add(&o, t, 5);
		} else {
			t[0] = 0xd3;
			be32(t + 1, (uint32_t)((uint64_t)secs >> 32));
			be32(t + 5, (uint32_t)secs);
			out_add(&o, t, 9);
		}
	}
	/* the record: built-in fields, then attributes (which may replace them) */
	struct logger_kv rec[LOGGER_MAX_KV + 8];
	size_t n = 0;
	snprintf(name, sizeof(name), "/%s", s->name);
	rec[n++] = (struct logger_kv){"container_id", (char *)s->id};
	rec[n++] = (struct logger_kv){"container_name", name};
	rec[n++] = (struct logger_kv){"source", h->stream == 2 ? "stderr" : "stdout"};
	size_t log_at = n;
	rec[n++] = (struct logger_kv){"log", NULL};
	for (size_t i = 0; i < s->n_attrs; i++) {
		size_t j = 0;
		while (j < n && strcmp(rec[j].key, s->attrs[i].key) != 0)
			j++;
		rec[j] = s->attrs[i];
		if (j == n)
			n++;
	}
	char pid[65];
	if (h->partial) {
		snprintf(pid, sizeof(pid), "%.64s", h->partial_id);
		snprintf(ordinal, sizeof(ordinal), "%d", h->ordinal);
		rec[n++] = (struct logger_kv){"partial_message", "true"};
		rec[n++] = (struct logger_kv){"partial_id", pid};
		rec[n++] = (struct logger_kv){"partial_ordinal", ordinal};
		rec[n++] = (struct logger_kv){"partial_last", h->last ? "true" : "false"};
	}
	mp_map(&o, n);
	for (size_t i = 0; i < n; i++) {
		mp_cstr(&o, rec[i].key);
		if (i == log_at && rec[i].value == NULL)
			mp_str(&o, m->line, m->len);
		else
			mp_cstr(&o, rec[i].value);
	}
	if (ack) {
		unsigned char raw[16];
		static const char b64[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		for (int i = 0; i < 8; i++)
			raw[i] = (unsigned char)((uint64_t)secs >> (8 * i));
		if (getrandom(raw + 8, 8, 0) != 8)
			memset(raw + 8, 0x5a, 8);
		size_t k = 0;
		for (int i = 0; i < 16; i += 3) {
			uint32_t v = (uint32_t)raw[i] << 16 | (i + 1 < 16 ? (uint32_t)raw[i + 1] << 8 : 0) |
				     (i + 2 < 16 ? raw[i + 2] : 0);
			ack_chunk[k++] = b64[v >> 18 & 63];
			ack_chunk[k++] = b64[v >> 12 & 63];
			ack_chunk[k++] = i + 1 < 16 ? b64[v >> 6 & 63] : '=';
			ack_chunk[k++] = i + 2 < 16 ? b64[v & 63] : '=';
		}
		ack_chunk[k] = '\0';
		mp_map(&o, 1);
		mp_cstr(&o, "chunk");
		mp_cstr(&o, ack_chunk);
	} else {
		mp_map(&o, 0);
	}
	if (o.failed) {
		free(o.buf);
		return false;
	}
	pkt_add(pkts, o.buf, o.len);
	free(o.buf);
	return !pkts->failed;
}

bool fluentd_ack_ok(const struct logger_spec *s, const char *reply, size_t n)
{
	/* {"ack": "<chunk>"}: the chunk must be there, whatever the encoding around it */
	size_t k = strlen(ack_chunk);
	(void)s;
	for (size_t i = 0; k && i + k <= n; i++)
		if (memcmp(reply + i, ack_chunk, k) == 0)
			return true;
	return false;
}

/* fluent-logger-golang: fluentd-retry-wait (1 s) times 1.5^(n-1), at most
 * a minute, fluentd-max-retries times (practically forever). */
static long fluentd_wait(const struct logger_spec *s, int attempt)
{
	const char *w = logger_opt(s, "fluentd-retry-wait");
	int64_t ns;
	double ms = 1000;
	if (w && units_parse_duration(w, &ns, NULL) == 0 && ns >= 0)
		ms = (double)ns / 1e6;
	for (int i = 1; i < attempt && ms < 60000; i++)
		ms *= 1.5;
	return attempt <= 1 ? 0 : (long)(ms > 60000 ? 60000 : ms);
}

const struct driver fluentd_driver = {"fluentd", fluentd_format, fluentd_wait, -1};
