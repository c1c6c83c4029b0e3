/* IPv6 address management without store or kernel: prefixes parsed and
 * printed (inet_pton's forms, printed as inet_ntop prints them), the
 * unique local (ULA) /64 a network gets when it asks for IPv6 without a
 * subnet, and the lowest free address of a subnet. Addresses are 16 bytes
 * in network order. */
#ifndef BERTH_NETWORK_IPAM6_H
#define BERTH_NETWORK_IPAM6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/error.h"

struct ipv6_prefix {
	uint8_t addr[16]; /* the network address: host bits cleared */
	unsigned len;     /* 0..128 */
};

/* The longest text of an address and of a prefix. */
#define IPV6_ADDR_TEXT 46
#define IPV6_PREFIX_TEXT 50

/* An IPv6 address (no zone, no brackets); an IPv4 one is false. */
bool ipv6_parse_addr(const char *text, uint8_t out[16]);
/* "addr/n"; host bits are cleared. */
bool ipv6_parse_prefix(const char *text, struct ipv6_prefix *out);
void ipv6_format_addr(const uint8_t addr[16], char out[IPV6_ADDR_TEXT]);
void ipv6_format_prefix(const struct ipv6_prefix *p, char out[IPV6_PREFIX_TEXT]);

bool ipv6_prefix_contains(const struct ipv6_prefix *p, const uint8_t addr[16]);
bool ipv6_prefixes_overlap(const struct ipv6_prefix *a, const struct ipv6_prefix *b);

/* A /64 of the ULA /48 fdXX:XXXX:XXXX::/48 whose 40-bit global ID comes
 * from seed (the data root's identity: stable, and different per host
 * and root), the first that overlaps none of taken. BERR_CONFLICT
 * "could not find an available, non-overlapping IPv6 address pool among
 * the defaults to assign to the network" when all 65536 are. */
int ipam6_pick_subnet(const char *seed, const struct ipv6_prefix *taken, size_t ntaken,
		      struct ipv6_prefix *out, berr *err);

/* The lowest address of subnet after its network address (the
 * subnet-router anycast) that is not in used (nused addresses of 16
 * bytes each). BERR_CONFLICT "no available IPv6 addresses on this
 * network's address pools" when none is left. */
int ipam6_pick_address(const struct ipv6_prefix *subnet, const uint8_t (*used)[16], size_t nused,
		       uint8_t out[16], berr *err);

#endif
