/* IPv6 prefixes, ULA subnets and address leases by search. */
#include "engine/network/ipam6.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/sha256.h"

bool ipv6_parse_addr(const char *text, uint8_t out[16])
{
	/* inet_pton takes "::ffff:1.2.3.4"; a plain dotted quad it refuses */
	return text && strchr(text, ':') && inet_pton(AF_INET6, text, out) == 1;
}

static void clear_host_bits(uint8_t addr[16], unsigned len)
{
	for (unsigned i = 0; i < 16; i++) {
		unsigned keep = len > i * 8 ? len - i * 8 : 0;
		if (keep < 8)
			addr[i] &= (uint8_t)(0xff00u >> keep);
	}
}

bool ipv6_parse_prefix(const char *text, struct ipv6_prefix *out)
{
	char addr[IPV6_ADDR_TEXT];
	const char *slash = text ? strchr(text, '/') : NULL;
	char *end;
	long len;

	if (!slash || (size_t)(slash - text) >= sizeof(addr) || slash[1] < '0' || slash[1] > '9' ||
	    (slash[1] == '0' && slash[2]))
		return false;
	memcpy(addr, text, (size_t)(slash - text));
	addr[slash - text] = '\0';
	len = strtol(slash + 1, &end, 10);
	if (*end || len < 0 || len > 128 || !ipv6_parse_addr(addr, out->addr))
		return false;
	out->len = (unsigned)len;
	clear_host_bits(out->addr, out->len);
	return true;
}

void ipv6_format_addr(const uint8_t addr[16], char out[IPV6_ADDR_TEXT])
{
	if (!inet_ntop(AF_INET6, addr, out, IPV6_ADDR_TEXT))
		out[0] = '\0';
}

void ipv6_format_prefix(const struct ipv6_prefix *p, char out[IPV6_PREFIX_TEXT])
{
	char addr[IPV6_ADDR_TEXT];

	ipv6_format_addr(p->addr, addr);
	snprintf(out, IPV6_PREFIX_TEXT, "%s/%u", addr, p->len);
}

bool ipv6_prefix_contains(const struct ipv6_prefix *p, const uint8_t addr[16])
{
	uint8_t masked[16];

	memcpy(masked, addr, 16);
	clear_host_bits(masked, p->len);
	return memcmp(masked, p->addr, 16) == 0;
}

bool ipv6_prefixes_overlap(const struct ipv6_prefix *a, const struct ipv6_prefix *b)
{
	return a->len <= b->len ? ipv6_prefix_contains(a, b->addr) : ipv6_prefix_contains(b, a->addr);
}

static bool overlaps_none(const struct ipv6_prefix *p, const struct ipv6_prefix *taken,
			  size_t ntaken)
{
	for (size_t i = 0; i < ntaken; i++)
		if (ipv6_prefixes_overlap(p, &taken[i]))
			return false;
	return true;
}

int ipam6_pick_subnet(const char *seed, const struct ipv6_prefix *taken, size_t ntaken,
		      struct ipv6_prefix *out, berr *err)
{
	uint8_t digest[SHA256_DIGEST_SIZE];
	struct sha256_ctx ctx;

	sha256_init(&ctx);
	sha256_update(&ctx, seed, strlen(seed));
	sha256_final(&ctx, digest);
	memset(out, 0, sizeof(*out));
	out->addr[0] = 0xfd;
	memcpy(out->addr + 1, digest, 5); /* RFC 4193's 40-bit global ID */
	out->len = 64;
	for (unsigned subnet = 0; subnet < 65536; subnet++) {
		out->addr[6] = (uint8_t)(subnet >> 8);
		out->addr[7] = (uint8_t)subnet;
		if (overlaps_none(out, taken, ntaken))
			return 0;
	}
	return berr_set(err, BERR_CONFLICT,
			"could not find an available, non-overlapping IPv6 address pool among "
			"the defaults to assign to the network");
}

/* addr + 1, false when it wraps. */
static bool increment(uint8_t addr[16])
{
	for (int i = 15; i >= 0; i--)
		if (++addr[i] != 0)
			return true;
	return false;
}

int ipam6_pick_address(const struct ipv6_prefix *subnet, const uint8_t (*used)[16], size_t nused,
		       uint8_t out[16], berr *err)
{
	uint8_t a[16];

	memcpy(a, subnet->addr, 16);
	/* every used address is skipped at most once: nused + 1 steps find one */
	for (size_t step = 0; step <= nused && subnet->len < 128; step++) {
		bool taken = false;

		if (!increment(a) || !ipv6_prefix_contains(subnet, a))
			break;
		for (size_t i = 0; i < nused && !taken; i++)
			taken = memcmp(used[i], a, 16) == 0;
		if (!taken) {
			memcpy(out, a, 16);
			return 0;
		}
	}
	return berr_set(err, BERR_CONFLICT,
			"no available IPv6 addresses on this network's address pools");
}
