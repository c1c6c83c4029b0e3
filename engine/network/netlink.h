/* The kernel side of networks, through rtnetlink (libnl-route-3): bridges
 * with their gateway address, links by name, and the host's IPv4 routes a
 * new network's subnet must not overlap. Everything acts in the network
 * namespace of the calling thread. Errors are BERR_SYSTEM with libnl's
 * words ("create bridge berth0: Object exists"). */
#ifndef BERTH_NETWORK_NETLINK_H
#define BERTH_NETWORK_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/error.h"
#include "engine/network/ipam.h"

struct nl_sock;

/* A connected rtnetlink socket of the calling thread's namespace (it
 * stays in that namespace); nl_socket_free closes it. */
struct nl_sock *netlink_socket(berr *err);
/* The link's index, or 0 when there is none. */
int netlink_index(struct nl_sock *sk, const char *name);
/* Gives the link addr/len (an address already there is kept). */
int netlink_address_add(struct nl_sock *sk, const char *name, int index, uint32_t addr,
			unsigned len, berr *err);
/* Gives the link addr/len of IPv6, without duplicate address detection
 * (berth's leases are unique already; DAD would hold the address back
 * for a second). An address already there is kept. */
int netlink_address6_add(struct nl_sock *sk, const char *name, int index, const uint8_t addr[16],
			 unsigned len, berr *err);
int netlink_set_up(struct nl_sock *sk, const char *name, berr *err);

/* Makes the bridge (or keeps the one there; *created tells, when not
 * NULL), gives it gateway/len (and gateway6/len6 when not NULL) and sets
 * it up. mtu 0 leaves the kernel's default. */
int netlink_bridge_ensure(const char *name, uint32_t gateway, unsigned len,
			  const uint8_t *gateway6, unsigned len6, unsigned mtu, bool *created,
			  berr *err);

/* Makes the parent of a macvlan or ipvlan network given none (or keeps
 * the one there): a veth pair name (berth-<hex>) and berthp<hex>, both up
 * (a dummy link would do, but not every kernel has the module). */
int netlink_parent_ensure(const char *name, berr *err);

/* Deletes a link through sk; one already gone is not an error. */
int netlink_link_delete_in(struct nl_sock *sk, const char *name, berr *err);
/* Deletes a link; one already gone is not an error. */
int netlink_link_delete(const char *name, berr *err);

/* Whether a link of that name exists. */
int netlink_link_exists(const char *name, bool *exists, berr *err);

/* The names of the links starting with prefix (a malloc'd array of
 * malloc'd strings). */
int netlink_links_with_prefix(const char *prefix, char ***names, size_t *count, berr *err);
void netlink_names_free(char **names, size_t count);

/* Whether a subnet (family AF_INET or AF_INET6, addr in network order)
 * overlaps an address prefix of a link of the host but those named in
 * skip (berth's own bridges): a bridge there would take the host's own
 * network (its gateway, its LAN). 1 and the link's name in link, 0, or -1. */
int netlink_address_overlap(int family, const uint8_t *addr, unsigned len,
			    const char *const *skip, size_t nskip, char link[16], berr *err);

/* The destinations of the host's IPv4 routes in its main table (the
 * default route left out), skipping routes through the links named in
 * skip (berth's own bridges): what a picked subnet must not overlap. */
int netlink_host_routes(const char *const *skip, size_t nskip, struct ipv4_prefix **out,
			size_t *count, berr *err);

#endif
