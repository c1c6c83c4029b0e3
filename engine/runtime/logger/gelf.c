/* The gelf driver's messages, as Docker's (go-gelf) writes them:
 *   {"version":"1.1","host":HOST,"short_message":LINE,"timestamp":SECS.MS,
 *    "level":6|3, "_command":..,"_container_id":..,"_container_name":..,
 *    "_created":..,"_image_id":..,"_image_name":..,"_tag":.., "_<attr>":..}
 * (the extras sorted by key, attributes over the built-in ones). Over udp
 * the JSON is compressed (gzip level 1 unless told) and, past 1420 bytes,
 * cut into chunks of 1408 behind a 12-byte header (0x1e 0x0f, an 8-byte
 * message id, sequence, count), at most 128; over tcp it ends with a NUL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <zlib.h>

#include "../shim/json_text.h"
#include "logger.h"

#define GELF_CHUNK 1420
#define GELF_CHUNK_DATA 1408
#define GELF_CHUNKS_MAX 128

/* ",\"_k\":\"v\"..." rendered once */
static struct out extras;

static int compare_kv(const void *a, const void *b)
{
	return strcmp(((const struct logger_kv *)a)->key, ((const struct logger_kv *)b)->key);
}

int gelf_prepare(const struct logger_spec *s)
{
	struct logger_kv kv[LOGGER_MAX_KV + 8];
	char created[48], *keys[LOGGER_MAX_KV];
	size_t n = 0;
	struct timespec ts = {.tv_sec = s->created / 1000000000LL,
			      .tv_nsec = s->created % 1000000000LL};

	created[shim_format_time(created, &ts)] = '\0';
	kv[n++] = (struct logger_kv){"_command", (char *)s->command};
	kv[n++] = (struct logger_kv){"_container_id", (char *)s->id};
	kv[n++] = (struct logger_kv){"_container_name", (char *)s->name};
	kv[n++] = (struct logger_kv){"_created", created};
	kv[n++] = (struct logger_kv){"_image_id", (char *)s->image_id};
	kv[n++] = (struct logger_kv){"_image_name", (char *)s->image_name};
	kv[n++] = (struct logger_kv){"_tag", (char *)s->tag};
	for (size_t i = 0; i < s->n_attrs; i++) {
		keys[i] = malloc(strlen(s->attrs[i].key) + 2);
		if (!keys[i])
			return -1;
		sprintf(keys[i], "%s%s", s->attrs[i].key[0] == '_' ? "" : "_", s->attrs[i].key);
		size_t j = 0;
		while (j < n && strcmp(kv[j].key, keys[i]) != 0)
			j++;
		kv[j] = (struct logger_kv){keys[i], s->attrs[i].value};
		if (j == n)
			n++;
	}
	qsort(kv, n, sizeof(kv[0]), compare_kv);
	for (size_t i = 0; i < n; i++) {
		out_addc(&extras, ',');
		out_json_string(&extras, kv[i].key, strlen(kv[i].key));
		out_addc(&extras, ':');
		out_json_string(&extras, kv[i].value, strlen(kv[i].value));
	}
	return extras.failed ? -1 : 0;
}

/* Deflates in into out: windowBits 31 is gzip, 15 zlib. */
static bool deflate_to(const char *in, size_t n, int level, int window, struct out *out)
{
	z_stream z = {0};
	if (deflateInit2(&z, level, Z_DEFLATED, window, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	size_t bound = deflateBound(&z, n);
	out->len = 0;
	char *buf = malloc(bound);
	if (!buf) {
		deflateEnd(&z);
		return false;
	}
	z.next_in = (Bytef *)in;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)buf;
	z.avail_out = (uInt)bound;
	int rc = deflate(&z, Z_FINISH);
	size_t produced = bound - z.avail_out;
	deflateEnd(&z);
	if (rc == Z_STREAM_END)
		out_add(out, buf, produced);
	free(buf);
	return rc == Z_STREAM_END && !out->failed;
}

static bool gelf_format(const struct logger_spec *s, const struct logger_msg *m, struct out *pkts)
{
	struct out json = {0}, packed = {0};
	long long ms = m->h->time_ns / 1000000;

	if (m->len == 0)
		return false;
	out_adds(&json, "{\"version\":\"1.1\",\"host\":");
	out_json_string(&json, s->hostname, strlen(s->hostname));
	out_adds(&json, ",\"short_message\":");
	out_json_string(&json, m->line, m->len);
	if (ms % 1000 == 0)
		out_addf(&json, ",\"timestamp\":%lld", ms / 1000);
	else {
		char frac[8];
		snprintf(frac, sizeof(frac), "%03lld", ms % 1000);
		for (int i = 2; i > 0 && frac[i] == '0'; i--)
			frac[i] = '\0';
		out_addf(&json, ",\"timestamp\":%lld.%s", ms / 1000, frac);
	}
	out_addf(&json, ",\"level\":%d", m->h->stream == 2 ? 3 : 6);
	out_add(&json, extras.buf, extras.len);
	out_addc(&json, '}');
	if (json.failed)
		goto fail;
	if (s->transport != T_UDP) {
		out_addc(&json, '\0');
		pkt_add(pkts, json.buf, json.len);
		free(json.buf);
		return !pkts->failed;
	}
	const char *type = logger_opt(s, "gelf-compression-type");
	const char *level_opt = logger_opt(s, "gelf-compression-level");
	int level = level_opt ? atoi(level_opt) : 1;
	const char *data = json.buf;
	size_t len = json.len;
	if (!type || strcmp(type, "none") != 0) {
		if (!deflate_to(json.buf, json.len, level, type && !strcmp(type, "zlib") ? 15 : 31,
				&packed))
			goto fail;
		data = packed.buf;
		len = packed.len;
	}
	if (len <= GELF_CHUNK) {
		pkt_add(pkts, data, len);
	} else {
		size_t count = len / GELF_CHUNK_DATA + 1;
		unsigned char id[8];
		if (count > GELF_CHUNKS_MAX)
			goto fail; /* go-gelf: "msg too large, would need %d chunks" */
		if (getrandom(id, sizeof(id), 0) != (ssize_t)sizeof(id))
			memset(id, 0, sizeof(id));
		for (size_t i = 0; i < count; i++) {
			unsigned char chunk[GELF_CHUNK];
			size_t off = i * GELF_CHUNK_DATA;
			size_t part = len - off < GELF_CHUNK_DATA ? len - off : GELF_CHUNK_DATA;
			chunk[0] = 0x1e;
			chunk[1] = 0x0f;
			memcpy(chunk + 2, id, 8);
			chunk[10] = (unsigned char)i;
			chunk[11] = (unsigned char)count;
			memcpy(chunk + 12, data + off, part);
			pkt_add(pkts, chunk, 12 + part);
		}
	}
	free(json.buf);
	free(packed.buf);
	return !pkts->failed;
fail:
	free(json.buf);
	free(packed.buf);
	return false;
}

/* go-gelf over tcp: gelf-tcp-reconnect-delay seconds between attempts
 * (1 unless set), gelf-tcp-max-reconnect of them (3) before the message
 * is given up; udp never waits. */
static long gelf_wait(const struct logger_spec *s, int attempt)
{
	const char *d = logger_opt(s, "gelf-tcp-reconnect-delay");
	(void)attempt;
	if (s->transport == T_UDP)
		return 0;
	return (d ? atol(d) : 1) * 1000;
}

const struct driver gelf_driver = {"gelf", gelf_format, gelf_wait, 4};
