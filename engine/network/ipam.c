/* IPv4 prefixes, Docker's default pools, and address leases by search. */
#include "engine/network/ipam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool ipv4_parse_addr(const char *text, uint32_t *out)
{
	uint32_t addr = 0;
	const char *p = text;

	for (int part = 0; part < 4; part++) {
		unsigned value = 0, digits = 0;

		while (*p >= '0' && *p <= '9' && digits < 4) {
			value = value * 10 + (unsigned)(*p++ - '0');
			digits++;
		}
		/* no empty part, no leading zero (Go refuses "010.1.1.1"), <= 255 */
		if (digits == 0 || digits > 3 || value > 255 ||
		    (digits > 1 && p[-(int)digits] == '0'))
			return false;
		addr = addr << 8 | value;
		if (part < 3 && *p++ != '.')
			return false;
	}
	if (*p)
		return false;
	*out = addr;
	return true;
}

uint32_t ipv4_prefix_mask(unsigned len)
{
	return len == 0 ? 0 : len >= 32 ? 0xffffffffu : ~((1u << (32 - len)) - 1);
}

bool ipv4_parse_prefix(const char *text, struct ipv4_prefix *out)
{
	char addr[IPV4_ADDR_TEXT];
	const char *slash = strchr(text, '/');
	char *end;
	long len;
	uint32_t a;

	if (!slash || (size_t)(slash - text) >= sizeof(addr) || !slash[1] ||
	    (slash[1] == '0' && slash[2]))
		return false;
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	len = strtol(slash + 1, &end, 10);
	if (*end || len < 0 || len > 32 || slash[1] == '-' || slash[1] == '+' ||
	    !ipv4_parse_addr(addr, &a))
		return false;
	out->len = (unsigned)len;
	out->addr = a & ipv4_prefix_mask(out->len);
	return true;
}

void ipv4_format_addr(uint32_t addr, char out[IPV4_ADDR_TEXT])
{
	snprintf(out, IPV4_ADDR_TEXT, "%u.%u.%u.%u", addr >> 24, addr >> 16 & 255, addr >> 8 & 255,
		 addr & 255);
}

void ipv4_format_prefix(const struct ipv4_prefix *p, char out[IPV4_PREFIX_TEXT])
{
	char addr[IPV4_ADDR_TEXT];

	ipv4_format_addr(p->addr, addr);
	snprintf(out, IPV4_PREFIX_TEXT, "%s/%u", addr, p->len);
}

bool ipv4_prefix_contains(const struct ipv4_prefix *p, uint32_t addr)
{
	return (addr & ipv4_prefix_mask(p->len)) == p->addr;
}

bool ipv4_prefix_within(const struct ipv4_prefix *inner, const struct ipv4_prefix *outer)
{
	return inner->len >= outer->len && ipv4_prefix_contains(outer, inner->addr);
}

bool ipv4_prefixes_overlap(const struct ipv4_prefix *a, const struct ipv4_prefix *b)
{
	return ipv4_prefix_within(a, b) || ipv4_prefix_within(b, a);
}

/* The n-th default pool, or false past the last. */
static bool default_pool(size_t n, struct ipv4_prefix *out)
{
	if (n < 15) { /* 172.17.0.0/16 .. 172.31.0.0/16 */
		*out = (struct ipv4_prefix){(172u << 24) | (uint32_t)(17 + n) << 16, 16};
		return true;
	}
	n -= 15;
	if (n < 16) { /* 192.168.0.0/20 .. 192.168.240.0/20 */
		*out = (struct ipv4_prefix){(192u << 24) | (168u << 16) | (uint32_t)(n * 16) << 8, 20};
		return true;
	}
	return false;
}

static bool overlaps_none(const struct ipv4_prefix *p, const struct ipv4_prefix *taken,
			  size_t ntaken)
{
	for (size_t i = 0; i < ntaken; i++)
		if (ipv4_prefixes_overlap(p, &taken[i]))
			return false;
	return true;
}

int ipam_pick_subnet(const struct ipv4_prefix *taken, size_t ntaken, struct ipv4_prefix *out,
		     berr *err)
{
	return ipam_pick_subnet_from(NULL, 0, taken, ntaken, out, err);
}

int ipam_pick_subnet_from(const struct ipam_pool *pools, size_t npools,
			  const struct ipv4_prefix *taken, size_t ntaken, struct ipv4_prefix *out,
			  berr *err)
{
	struct ipv4_prefix pool;

	if (!npools) {
		for (size_t n = 0; default_pool(n, &pool); n++)
			if (overlaps_none(&pool, taken, ntaken)) {
				*out = pool;
				return 0;
			}
	}
	for (size_t k = 0; k < npools; k++) {
		const struct ipam_pool *p = &pools[k];
		uint64_t step = 1ull << (32 - p->size);
		uint64_t end = (uint64_t)p->base.addr + (1ull << (32 - p->base.len));

		if (p->size < p->base.len || p->size > 32)
			continue;
		for (uint64_t a = p->base.addr; a < end; a += step) {
			pool = (struct ipv4_prefix){(uint32_t)a, p->size};
			if (overlaps_none(&pool, taken, ntaken)) {
				*out = pool;
				return 0;
			}
		}
	}
	return berr_set(err, BERR_CONFLICT,
			"could not find an available, non-overlapping IPv4 address pool among "
			"the defaults to assign to the network");
}

static int by_value(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

int ipam_pick_address(const struct ipv4_prefix *subnet, const struct ipv4_prefix *range,
		      const uint32_t *used, size_t nused, uint32_t *out, berr *err)
{
	const struct ipv4_prefix *from = range && range->len ? range : subnet;
	uint32_t first = from->addr, last = from->addr | ~ipv4_prefix_mask(from->len);
	uint32_t net = subnet->addr, bcast = subnet->addr | ~ipv4_prefix_mask(subnet->len);
	uint32_t *sorted = NULL;
	size_t i = 0;

	if (subnet->len < 31) {
		sorted = malloc((nused ? nused : 1) * sizeof(*sorted));
		if (!sorted)
			return berr_set(err, BERR_SYSTEM, "out of memory");
		memcpy(sorted, used, nused * sizeof(*sorted));
		qsort(sorted, nused, sizeof(*sorted), by_value);
		for (uint64_t a = first; a <= last; a++) {
			while (i < nused && sorted[i] < a)
				i++;
			if (a == net || a == bcast || (i < nused && sorted[i] == a))
				continue;
			*out = (uint32_t)a;
			free(sorted);
			return 0;
		}
		free(sorted);
	}
	return berr_set(err, BERR_CONFLICT,
			"no available IPv4 addresses on this network's address pools");
}
