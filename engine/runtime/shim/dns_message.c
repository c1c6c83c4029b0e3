/* DNS messages of the container's resolver (see dns_message.h). */
#include "dns_message.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_LEN 12
#define TTL 600

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

bool dns_parse_query(const uint8_t *msg, size_t len, struct dns_question *q)
{
	size_t off = HEADER_LEN, out = 0;

	if (len < HEADER_LEN || len > 65535)
		return false;
	/* QR 0 (a query), opcode 0 (QUERY), one question */
	if ((msg[2] & 0x80) || ((msg[2] >> 3) & 0x0f) != 0 || get16(msg + 4) != 1)
		return false;
	q->id = get16(msg);
	q->recursion_desired = (msg[2] & 0x01) != 0;
	for (;;) {
		if (off >= len)
			return false;
		uint8_t n = msg[off++];
		if (n == 0)
			break;
		if (n > 63 || off + n > len || out + n + 1 > DNS_NAME_MAX)
			return false;
		if (out)
			q->name[out++] = '.';
		for (uint8_t i = 0; i < n; i++) {
			uint8_t c = msg[off + i];
			if (c <= ' ' || c >= 0x7f || c == '.')
				return false;
			q->name[out++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		}
		off += n;
	}
	q->name[out] = '\0';
	if (off + 4 > len)
		return false;
	q->type = get16(msg + off);
	q->qclass = get16(msg + off + 2);
	q->end = off + 4;
	return true;
}

/* A name as labels; the length written, 0 when it does not fit or is bad. */
static size_t put_name(const char *name, uint8_t *out, size_t cap)
{
	size_t off = 0;
	const char *p = name;

	while (*p) {
		size_t n = strcspn(p, ".");
		if (n == 0 || n > 63 || off + n + 1 >= cap)
			return 0;
		out[off++] = (uint8_t)n;
		memcpy(out + off, p, n);
		off += n;
		p += n;
		if (*p == '.')
			p++;
	}
	if (off + 1 > cap)
		return 0;
	out[off++] = 0;
	return off;
}

size_t dns_build_answer(const uint8_t *query, const struct dns_question *q, uint8_t rcode,
			const uint8_t *addrs, size_t addr_len, size_t naddrs, const char *ptr_name,
			uint8_t *out, size_t cap)
{
	size_t off, answers = ptr_name ? 1 : naddrs;

	if (q->end > cap)
		return 0;
	memcpy(out, query, q->end);
	/* QR, the opcode kept, AA, RD as asked, RA */
	out[2] = (uint8_t)(0x80 | 0x04 | (q->recursion_desired ? 0x01 : 0));
	out[3] = (uint8_t)(0x80 | (rcode & 0x0f));
	put16(out + 4, 1);
	put16(out + 6, (uint16_t)answers);
	put16(out + 8, 0);
	put16(out + 10, 0);
	off = q->end;
	for (size_t i = 0; i < answers; i++) {
		size_t rdlen;
		if (off + 12 > cap)
			return 0;
		put16(out + off, 0xc000 | HEADER_LEN); /* the question's name */
		put16(out + off + 2, ptr_name         ? DNS_TYPE_PTR
				     : addr_len == 16 ? DNS_TYPE_AAAA
						      : DNS_TYPE_A);
		put16(out + off + 4, DNS_CLASS_IN);
		out[off + 6] = 0;
		out[off + 7] = 0;
		put16(out + off + 8, TTL);
		if (ptr_name) {
			rdlen = put_name(ptr_name, out + off + 12, cap - off - 12);
			if (!rdlen)
				return 0;
		} else {
			if ((addr_len != 4 && addr_len != 16) || off + 12 + addr_len > cap)
				return 0;
			memcpy(out + off + 12, addrs + i * addr_len, addr_len);
			rdlen = addr_len;
		}
		put16(out + off + 10, (uint16_t)rdlen);
		off += 12 + rdlen;
	}
	return off;
}

bool dns_reverse_name(const char *name, uint32_t *addr)
{
	unsigned a, b, c, d;
	char tail[32];
	int used = 0;

	if (sscanf(name, "%3u.%3u.%3u.%3u.%20s%n", &d, &c, &b, &a, tail, &used) != 5 ||
	    (size_t)used != strlen(name) || strcmp(tail, "in-addr.arpa") != 0 || a > 255 ||
	    b > 255 || c > 255 || d > 255)
		return false;
	uint8_t bytes[4] = {(uint8_t)a, (uint8_t)b, (uint8_t)c, (uint8_t)d};
	memcpy(addr, bytes, 4);
	return true;
}

bool dns_reverse_name6(const char *name, uint8_t addr[16])
{
	/* "b.a.9.8. ... .ip6.arpa": 32 nibbles, the lowest first */
	if (strlen(name) != 32 * 2 + 8 || strcmp(name + 64, "ip6.arpa") != 0)
		return false;
	memset(addr, 0, 16);
	for (int i = 0; i < 32; i++) {
		char c = name[2 * i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (v < 0 || name[2 * i + 1] != '.')
			return false;
		int nibble = 31 - i; /* from the address's start */
		addr[nibble / 2] |= (uint8_t)(nibble % 2 ? v : v << 4);
	}
	return true;
}
