/* IPv4 address management without store or kernel: prefixes parsed and
 * printed as Docker does, the default pools a network's subnet comes from
 * (172.17.0.0/16 up to 172.31.0.0/16, then 192.168.0.0/20 up to
 * 192.168.240.0/20), and the lowest free address of a subnet. Addresses
 * are in host byte order. */
#ifndef BERTH_NETWORK_IPAM_H
#define BERTH_NETWORK_IPAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/error.h"

struct ipv4_prefix {
	uint32_t addr; /* the network address: host bits cleared */
	unsigned len;  /* 0..32 */
};

/* The longest text of an address ("255.255.255.255") and a prefix. */
#define IPV4_ADDR_TEXT 16
#define IPV4_PREFIX_TEXT 19

/* A dotted quad, strictly: four decimal parts 0-255, nothing else. */
bool ipv4_parse_addr(const char *text, uint32_t *out);

/* "a.b.c.d/n"; host bits are cleared ("10.1.2.3/16" is 10.1.0.0/16). */
bool ipv4_parse_prefix(const char *text, struct ipv4_prefix *out);

void ipv4_format_addr(uint32_t addr, char out[IPV4_ADDR_TEXT]);
void ipv4_format_prefix(const struct ipv4_prefix *p, char out[IPV4_PREFIX_TEXT]);

uint32_t ipv4_prefix_mask(unsigned len);
bool ipv4_prefix_contains(const struct ipv4_prefix *p, uint32_t addr);
bool ipv4_prefix_within(const struct ipv4_prefix *inner, const struct ipv4_prefix *outer);
bool ipv4_prefixes_overlap(const struct ipv4_prefix *a, const struct ipv4_prefix *b);

/* The first default pool that overlaps none of taken; BERR_CONFLICT
 * "could not find an available, non-overlapping IPv4 address pool among
 * the defaults to assign to the network" when all are. */
int ipam_pick_subnet(const struct ipv4_prefix *taken, size_t ntaken, struct ipv4_prefix *out,
		     berr *err);

/* A pool of daemon.json's default-address-pools: subnets of size bits
 * taken from base, in order. */
struct ipam_pool {
	struct ipv4_prefix base;
	unsigned size;
};

/* The first free subnet of the pools (Docker's defaults when npools is 0). */
int ipam_pick_subnet_from(const struct ipam_pool *pools, size_t npools,
			  const struct ipv4_prefix *taken, size_t ntaken, struct ipv4_prefix *out,
			  berr *err);

/* The lowest address of subnet (within range when range->len > 0) that is
 * neither the network's nor its broadcast address, nor in used. A /31 or
 * /32 has none to give. BERR_CONFLICT "no available IPv4 addresses on
 * this network's address pools" when all are taken. */
int ipam_pick_address(const struct ipv4_prefix *subnet, const struct ipv4_prefix *range,
		      const uint32_t *used, size_t nused, uint32_t *out, berr *err);

#endif
