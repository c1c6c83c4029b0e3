/* A minimal ustar writer and checksum repair for the fuzz targets. */
#include "fuzz/ustar.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK 512

static void append(struct ustar *t, const void *p, size_t n)
{
	if (t->len + n > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;

		while (cap < t->len + n)
			cap *= 2;
		t->data = realloc(t->data, cap);
		if (!t->data)
			abort();
		t->cap = cap;
	}
	memcpy(t->data + t->len, p, n);
	t->len += n;
}

/* Pads the archive to a whole number of blocks. */
static void pad(struct ustar *t)
{
	static const uint8_t zeros[BLOCK];

	if (t->len % BLOCK)
		append(t, zeros, BLOCK - t->len % BLOCK);
}

static void set_checksum(uint8_t *h)
{
	unsigned sum = 0;

	memset(h + 148, ' ', 8);
	for (size_t i = 0; i < BLOCK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum & 0777777);
	h[155] = ' ';
}

static void header(struct ustar *t, char type, const char *name, const char *target, size_t size)
{
	uint8_t h[BLOCK] = {0};

	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", type == '5' ? 0755 : 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)size);
	snprintf((char *)h + 136, 12, "%011o", 1700000000);
	h[156] = (uint8_t)type;
	if (target)
		snprintf((char *)h + 157, 100, "%s", target);
	memcpy(h + 257, "ustar\0" "00", 8);
	set_checksum(h);
	append(t, h, BLOCK);
}

/* One pax record, "<len> key=value\n", whose length counts itself. */
static void pax_record(char *buf, size_t size, size_t *len, const char *key, const char *value)
{
	size_t body = strlen(key) + strlen(value) + 3, n = body + 1;

	while (snprintf(NULL, 0, "%zu", n) + body != n)
		n++;
	if (*len < size)
		*len += (size_t)snprintf(buf + *len, size - *len, "%zu %s=%s\n", n, key, value);
}

void ustar_add(struct ustar *t, char type, const char *name, const char *target,
	       const void *content, size_t len)
{
	bool long_name = strlen(name) >= 100, long_target = target && strlen(target) >= 100;

	if (long_name || long_target) {
		size_t size = strlen(name) + (target ? strlen(target) : 0) + 64, plen = 0;
		char *pax = malloc(size);

		if (!pax)
			abort();
		if (long_name)
			pax_record(pax, size, &plen, "path", name);
		if (long_target)
			pax_record(pax, size, &plen, "linkpath", target);
		header(t, 'x', "PaxHeaders/entry", NULL, plen);
		append(t, pax, plen);
		pad(t);
		free(pax);
	}
	header(t, type, name, target, type == '0' ? len : 0);
	if (type == '0' && len) {
		append(t, content, len);
		pad(t);
	}
}

void ustar_finish(struct ustar *t)
{
	static const uint8_t zeros[2 * BLOCK];

	append(t, zeros, sizeof(zeros));
}

void ustar_free(struct ustar *t)
{
	free(t->data);
	t->data = NULL;
	t->len = t->cap = 0;
}

/* The size field: octal digits, or base-256 when the first byte has its high bit set. */
static unsigned long long header_size(const uint8_t *h)
{
	unsigned long long n = 0;

	if (h[124] & 0x80) {
		for (int i = 125; i < 136; i++)
			n = n << 8 | h[i];
		return n;
	}
	for (int i = 124; i < 136 && h[i] >= '0' && h[i] <= '7'; i++)
		n = n * 8 + (unsigned)(h[i] - '0');
	return n;
}

void ustar_fix_checksums(uint8_t *data, size_t size)
{
	size_t off = 0;

	while (off + BLOCK <= size) {
		uint8_t *h = data + off;
		unsigned long long n;

		off += BLOCK;
		if (memcmp(h + 257, "ustar", 5) != 0)
			continue;
		set_checksum(h);
		n = header_size(h);
		if (n > size - off)
			break;
		off += (size_t)((n + BLOCK - 1) / BLOCK * BLOCK);
	}
}
