/* A network's link as its row says: a bridge network's bridge with its
 * gateways (IPv4, and IPv6 when it has it), a macvlan or ipvlan
 * network's parent when berth made it. Called wherever a network is
 * about to carry traffic: after a reboot, or someone's `ip link del`,
 * the next start puts it back. */
#include <string.h>

#include "engine/network/internal.h"
#include "engine/network/netlink.h"

int network_link_ensure(const struct network *n, bool *created, berr *err)
{
	struct ipv4_prefix subnet = {0};
	struct ipv6_prefix subnet6 = {0};
	uint8_t gw6[16];
	uint32_t gw = 0;
	bool v6;

	if (created)
		*created = false;
	if (strcmp(n->driver, "bridge") != 0)
		return n->bridge[0] ? netlink_parent_ensure(n->bridge, err) : 0;
	ipv4_parse_prefix(n->subnet, &subnet);
	ipv4_parse_addr(n->gateway, &gw);
	v6 = ipv6_parse_prefix(n->subnet6, &subnet6) && ipv6_parse_addr(n->gateway6, gw6);
	return netlink_bridge_ensure(n->bridge, gw, subnet.len, v6 ? gw6 : NULL, subnet6.len,
				     network_mtu(n), created, err);
}
