/* The journald driver's entries, in journald's native protocol (one
 * datagram per entry to /run/systemd/journal/socket), with Docker's
 * fields: PRIORITY (6 stdout, 3 stderr), MESSAGE, CONTAINER_ID (12),
 * CONTAINER_ID_FULL, CONTAINER_NAME, CONTAINER_TAG, SYSLOG_IDENTIFIER,
 * IMAGE_NAME, CONTAINER_LOG_EPOCH and CONTAINER_LOG_ORDINAL, SYSLOG_TIMESTAMP,
 * the attributes (names upper-cased, other characters made '_', leading
 * '_' dropped), and for pieces CONTAINER_PARTIAL_ID, _ORDINAL, _LAST and
 * CONTAINER_PARTIAL_MESSAGE=true on all but the last. A value holding a
 * newline goes in the binary form: NAME\n, its length as 64-bit little
 * endian, the value, \n. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "../shim/json_text.h"
#include "logger.h"

static char epoch[65];
static unsigned long long ordinal;

int journald_prepare(void)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[32];
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return -1;
	for (int i = 0; i < 32; i++) {
		epoch[2 * i] = hex[raw[i] >> 4];
		epoch[2 * i + 1] = hex[raw[i] & 15];
	}
	return 0;
}

static void field(struct out *o, const char *name, const char *value, size_t n)
{
	out_adds(o, name);
	if (!memchr(value, '\n', n)) {
		out_addc(o, '=');
		out_add(o, value, n);
	} else {
		unsigned char len[8];
		for (int i = 0; i < 8; i++)
			len[i] = (unsigned char)((uint64_t)n >> (8 * i));
		out_addc(o, '\n');
		out_add(o, len, 8);
		out_add(o, value, n);
	}
	out_addc(o, '\n');
}

static void cfield(struct out *o, const char *name, const char *value)
{
	field(o, name, value, strlen(value));
}

/* Docker's sanitizeKeyMod. */
static void attr_name(const char *key, char *out, size_t size)
{
	size_t n = 0;
	for (const char *p = key; *p && n + 1 < size; p++) {
		char c = *p;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			c = '_';
		if (c == '_' && n == 0)
			continue;
		out[n++] = c;
	}
	out[n] = '\0';
}

static bool journald_format(const struct logger_spec *s, const struct logger_msg *m,
			    struct out *pkts)
{
	struct out o = {0};
	const struct log_wire *h = m->h;
	char buf[64], id12[13];

	cfield(&o, "PRIORITY", h->stream == 2 ? "3" : "6");
	field(&o, "MESSAGE", m->line, m->len);
	snprintf(id12, sizeof(id12), "%.12s", s->id);
	cfield(&o, "CONTAINER_ID", id12);
	cfield(&o, "CONTAINER_ID_FULL", s->id);
	cfield(&o, "CONTAINER_NAME", s->name);
	cfield(&o, "CONTAINER_TAG", s->tag);
	cfield(&o, "SYSLOG_IDENTIFIER", s->tag);
	cfield(&o, "IMAGE_NAME", s->image_name);
	cfield(&o, "CONTAINER_LOG_EPOCH", epoch);
	snprintf(buf, sizeof(buf), "%llu", ++ordinal);
	cfield(&o, "CONTAINER_LOG_ORDINAL", buf);
	struct timespec ts = {.tv_sec = h->time_ns / 1000000000LL, .tv_nsec = h->time_ns % 1000000000LL};
	buf[shim_format_time(buf, &ts)] = '\0';
	cfield(&o, "SYSLOG_TIMESTAMP", buf);
	if (h->partial) {
		char pid[65];
		snprintf(pid, sizeof(pid), "%.64s", h->partial_id);
		cfield(&o, "CONTAINER_PARTIAL_ID", pid);
		snprintf(buf, sizeof(buf), "%d", h->ordinal);
		cfield(&o, "CONTAINER_PARTIAL_ORDINAL", buf);
		cfield(&o, "CONTAINER_PARTIAL_LAST", h->last ? "true" : "false");
		if (!h->last)
			cfield(&o, "CONTAINER_PARTIAL_MESSAGE", "true");
	}
	for (size_t i = 0; i < s->n_attrs; i++) {
		char name[256];
		attr_name(s->attrs[i].key, name, sizeof(name));
		if (name[0])
			cfield(&o, name, s->attrs[i].value);
	}
	if (o.failed) {
		free(o.buf);
		return false;
	}
	pkt_add(pkts, o.buf, o.len);
	free(o.buf);
	return !pkts->failed;
}

/* journald is on this host or not: a second between attempts. */
static long journald_wait(const struct logger_spec *s, int attempt)
{
	(void)s;
	return attempt <= 1 ? 0 : 1000;
}

const struct driver journald_driver = {"journald", journald_format, journald_wait, -1};
