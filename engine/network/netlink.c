/* rtnetlink through libnl-route-3: one socket per call, in the calling
 * thread's network namespace. */
#include "engine/network/netlink.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/cache.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

struct nl_sock *netlink_socket(berr *err)
{
	struct nl_sock *sk = nl_socket_alloc();
	int rc;

	if (!sk) {
		berr_set(err, BERR_SYSTEM, "netlink socket: out of memory");
		return NULL;
	}
	if ((rc = nl_connect(sk, NETLINK_ROUTE)) < 0) {
		berr_set(err, BERR_SYSTEM, "netlink socket: %s", nl_geterror(rc));
		nl_socket_free(sk);
		return NULL;
	}
	return sk;
}

int netlink_index(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *link = NULL;
	int index = 0;

	if (rtnl_link_get_kernel(sk, 0, name, &link) == 0) {
		index = rtnl_link_get_ifindex(link);
		rtnl_link_put(link);
	}
	return index;
}

static struct nl_addr *ipv4_nl_addr(uint32_t addr, unsigned len)
{
	uint32_t be = htonl(addr);
	struct nl_addr *a = nl_addr_build(AF_INET, &be, sizeof(be));

	if (a)
		nl_addr_set_prefixlen(a, (int)len);
	return a;
}

int netlink_address_add(struct nl_sock *sk, const char *name, int index, uint32_t gateway,
			unsigned len, berr *err)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = ipv4_nl_addr(gateway, len);
	struct nl_addr *bcast = ipv4_nl_addr(gateway | ~ipv4_prefix_mask(len), 32);
	int rc = -NLE_NOMEM;

	if (a && local && bcast) {
		rtnl_addr_set_ifindex(a, index);
		rtnl_addr_set_local(a, local);
		if (len < 31)
			rtnl_addr_set_broadcast(a, bcast);
		rc = rtnl_addr_add(sk, a, NLM_F_CREATE | NLM_F_EXCL);
	}
	nl_addr_put(local);
	nl_addr_put(bcast);
	rtnl_addr_put(a);
	if (rc < 0 && rc != -NLE_EXIST)
		return berr_set(err, BERR_SYSTEM, "address of %s: %s", name,
				nl_geterror(rc));
	return 0;
}

int netlink_address6_add(struct nl_sock *sk, const char *name, int index, const uint8_t addr[16],
			 unsigned len, berr *err)
{
	struct rtnl_addr *a = rtnl_addr_alloc();
	struct nl_addr *local = nl_addr_build(AF_INET6, addr, 16);
	int rc = -NLE_NOMEM;

	if (a && local) {
		nl_addr_set_prefixlen(local, (int)len);
		rtnl_addr_set_ifindex(a, index);
		rtnl_addr_set_local(a, local);
		rtnl_addr_set_flags(a, IFA_F_NODAD);
		rc = rtnl_addr_add(sk, a, NLM_F_CREATE | NLM_F_EXCL);
	}
	nl_addr_put(local);
	rtnl_addr_put(a);
	if (rc < 0 && rc != -NLE_EXIST)
		return berr_set(err, BERR_SYSTEM, "IPv6 address of %s: %s", name, nl_geterror(rc));
	return 0;
}

int netlink_set_up(struct nl_sock *sk, const char *name, berr *err)
{
	struct rtnl_link *link = NULL, *change = rtnl_link_alloc();
	int rc = rtnl_link_get_kernel(sk, 0, name, &link);

	if (rc == 0 && change) {
		rtnl_link_set_flags(change, IFF_UP);
		rc = rtnl_link_change(sk, link, change, 0);
	}
	rtnl_link_put(link);
	rtnl_link_put(change);
	if (rc < 0)
		return berr_set(err, BERR_SYSTEM, "set %s up: %s", name, nl_geterror(rc));
	return 0;
}

int netlink_bridge_ensure(const char *name, uint32_t gateway, unsigned len,
			  const uint8_t *gateway6, unsigned len6, unsigned mtu, bool *created,
			  berr *err)
{
	struct nl_sock *sk = netlink_socket(err);
	struct rtnl_link *link;
	int rc = -1, index;

	if (!sk)
		return -1;
	if (!(index = netlink_index(sk, name))) {
		link = rtnl_link_bridge_alloc();
		if (!link) {
			berr_set(err, BERR_SYSTEM, "create bridge %s: out of memory", name);
			goto out;
		}
		rtnl_link_set_name(link, name);
		if (mtu)
			rtnl_link_set_mtu(link, mtu);
		rc = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
		rtnl_link_put(link);
		if (rc == 0 && created)
			*created = true;
		/* another berth made it meanwhile: the same bridge */
		if (rc < 0 && rc != -NLE_EXIST) {
			berr_set(err, BERR_SYSTEM, "create bridge %s: %s", name, nl_geterror(rc));
			rc = -1;
			goto out;
		}
		if (!(index = netlink_index(sk, name))) {
			rc = berr_set(err, BERR_SYSTEM, "create bridge %s: it vanished", name);
			goto out;
		}
	}
	rc = netlink_address_add(sk, name, index, gateway, len, err) < 0 ||
			     (gateway6 && netlink_address6_add(sk, name, index, gateway6, len6, err) < 0) ||
			     netlink_set_up(sk, name, err) < 0
		     ? -1
		     : 0;
out:
	nl_socket_free(sk);
	return rc;
}

int netlink_parent_ensure(const char *name, berr *err)
{
	struct nl_sock *sk = netlink_socket(err);
	char peer_name[16];
	struct rtnl_link *link, *peer;
	int rc = 0;

	if (!sk)
		return -1;
	/* berth-<hex>'s other end is berthp<hex> */
	snprintf(peer_name, sizeof(peer_name), "berthp%s", strncmp(name, "berth-", 6) == 0 ? name + 6 : name);
	if (!netlink_index(sk, name)) {
		link = rtnl_link_veth_alloc();
		rc = -NLE_NOMEM;
		if (link) {
			peer = rtnl_link_veth_get_peer(link);
			rtnl_link_set_name(link, name);
			rtnl_link_set_name(peer, peer_name);
			rtnl_link_put(peer);
			rc = rtnl_link_add(sk, link, NLM_F_CREATE | NLM_F_EXCL);
		}
		rtnl_link_put(link);
		if (rc < 0 && rc != -NLE_EXIST) {
			berr_set(err, BERR_SYSTEM, "create parent link %s: %s", name, nl_geterror(rc));
			nl_socket_free(sk);
			return -1;
		}
	}
	rc = netlink_set_up(sk, name, err) < 0 || netlink_set_up(sk, peer_name, err) < 0 ? -1 : 0;
	nl_socket_free(sk);
	return rc;
}

int netlink_link_delete_in(struct nl_sock *sk, const char *name, berr *err)
{
	struct rtnl_link *link = rtnl_link_alloc();
	int rc = -NLE_NOMEM;

	if (link) {
		rtnl_link_set_name(link, name);
		rc = rtnl_link_delete(sk, link);
	}
	rtnl_link_put(link);
	if (rc < 0 && rc != -NLE_NODEV && rc != -NLE_OBJ_NOTFOUND)
		return berr_set(err, BERR_SYSTEM, "delete link %s: %s", name, nl_geterror(rc));
	return 0;
}

int netlink_link_delete(const char *name, berr *err)
{
	struct nl_sock *sk = netlink_socket(err);
	struct rtnl_link *link = rtnl_link_alloc();
	int rc = -NLE_NOMEM;

	if (!sk) {
		rtnl_link_put(link);
		return -1;
	}
	if (link) {
		rtnl_link_set_name(link, name);
		rc = rtnl_link_delete(sk, link);
	}
	rtnl_link_put(link);
	nl_socket_free(sk);
	if (rc < 0 && rc != -NLE_NODEV && rc != -NLE_OBJ_NOTFOUND)
		return berr_set(err, BERR_SYSTEM, "delete link %s: %s", name, nl_geterror(rc));
	return 0;
}

int netlink_link_exists(const char *name, bool *exists, berr *err)
{
	struct nl_sock *sk = netlink_socket(err);

	if (!sk)
		return -1;
	*exists = netlink_index(sk, name) != 0;
	nl_socket_free(sk);
	return 0;
}

int netlink_links_with_prefix(const char *prefix, char ***names, size_t *count, berr *err)
{
	struct nl_sock *sk = netlink_socket(err);
	struct nl_cache *cache = NULL;
	size_t n = 0, cap = 0;
	char **out = NULL;
	int rc;

	*names = NULL;
	*count = 0;
	if (!sk)
		return -1;
	if ((rc = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache)) < 0) {
		nl_socket_free(sk);
		return berr_set(err, BERR_SYSTEM, "list links: %s", nl_geterror(rc));
	}
	for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
		const char *name = rtnl_link_get_name((struct rtnl_link *)o);

		if (!name || strncmp(name, prefix, strlen(prefix)) != 0)
			continue;
		if (n == cap) {
			char **grown = realloc(out, (cap = cap ? cap * 2 : 8) * sizeof(*out));
			if (!grown)
				break;
			out = grown;
		}
		if (!(out[n] = strdup(name)))
			break;
		n++;
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	*names = out;
	*count = n;
	return 0;
}

void netlink_names_free(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

/* Whether a route leaves through one of the named links. */
static bool through_skipped(struct rtnl_route *r, struct nl_cache *links, const char *const *skip,
			    size_t nskip)
{
	struct rtnl_nexthop *nh = rtnl_route_nexthop_n(r, 0);
	char name[IF_NAMESIZE] = "";

	if (!nh || !rtnl_link_i2name(links, rtnl_route_nh_get_ifindex(nh), name, sizeof(name)))
		return false;
	for (size_t i = 0; i < nskip; i++)
		if (strcmp(name, skip[i]) == 0)
			return true;
	return false;
}

int netlink_host_routes(const char *const *skip, size_t nskip, struct ipv4_prefix **out,
			size_t *count, berr *err)
{
	struct nl_sock *sk = netlink_socket(err);
	struct nl_cache *routes = NULL, *links = NULL;
	struct ipv4_prefix *list = NULL;
	size_t n = 0, cap = 0;
	int rc;

	*out = NULL;
	*count = 0;
	if (!sk)
		return -1;
	if ((rc = rtnl_route_alloc_cache(sk, AF_INET, 0, &routes)) < 0 ||
	    (rc = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links)) < 0) {
		nl_cache_free(routes);
		nl_socket_free(sk);
		return berr_set(err, BERR_SYSTEM, "list routes: %s", nl_geterror(rc));
	}
	for (struct nl_object *o = nl_cache_get_first(routes); o; o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;
		struct nl_addr *dst = rtnl_route_get_dst(r);
		uint32_t be;

		if (rtnl_route_get_table(r) != RT_TABLE_MAIN || !dst ||
		    nl_addr_get_prefixlen(dst) == 0 || nl_addr_get_len(dst) != sizeof(be) ||
		    through_skipped(r, links, skip, nskip))
			continue;
		if (n == cap) {
			struct ipv4_prefix *grown =
				realloc(list, (cap = cap ? cap * 2 : 16) * sizeof(*list));
			if (!grown)
				break;
			list = grown;
		}
		memcpy(&be, nl_addr_get_binary_addr(dst), sizeof(be));
		list[n].len = (unsigned)nl_addr_get_prefixlen(dst);
		list[n].addr = ntohl(be) & ipv4_prefix_mask(list[n].len);
		n++;
	}
	nl_cache_free(routes);
	nl_cache_free(links);
	nl_socket_free(sk);
	*out = list;
	*count = n;
	return 0;
}

/* Whether a and b (bytes bytes each) agree in their first len bits. */
static bool same_prefix(const uint8_t *a, const uint8_t *b, unsigned len)
{
	unsigned full = len / 8, rest = len % 8;

	if (memcmp(a, b, full) != 0)
		return false;
	return rest == 0 || ((a[full] ^ b[full]) & (uint8_t)(0xff00u >> rest)) == 0;
}

int netlink_address_overlap(int family, const uint8_t *addr, unsigned len,
			    const char *const *skip, size_t nskip, char link[16], berr *err)
{
	struct nl_sock *sk = netlink_socket(err);
	struct nl_cache *addrs = NULL, *links = NULL;
	size_t bytes = family == AF_INET6 ? 16 : 4;
	int rc, found = 0;

	if (!sk)
		return -1;
	if ((rc = rtnl_addr_alloc_cache(sk, &addrs)) < 0 ||
	    (rc = rtnl_link_alloc_cache(sk, AF_UNSPEC, &links)) < 0) {
		nl_cache_free(addrs);
		nl_socket_free(sk);
		return berr_set(err, BERR_SYSTEM, "list addresses: %s", nl_geterror(rc));
	}
	for (struct nl_object *o = nl_cache_get_first(addrs); o && !found; o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		struct nl_addr *local = rtnl_addr_get_local(a);
		char name[IF_NAMESIZE] = "";
		bool skipped = false;

		if (rtnl_addr_get_family(a) != family || !local ||
		    nl_addr_get_len(local) != bytes)
			continue;
		/* the shorter of the two prefixes decides */
		unsigned plen = (unsigned)rtnl_addr_get_prefixlen(a);
		if (!same_prefix(nl_addr_get_binary_addr(local), addr, plen < len ? plen : len))
			continue;
		rtnl_link_i2name(links, rtnl_addr_get_ifindex(a), name, sizeof(name));
		for (size_t i = 0; i < nskip && !skipped; i++)
			skipped = strcmp(skip[i], name) == 0;
		if (skipped)
			continue;
		snprintf(link, 16, "%s", name);
		found = 1;
	}
	nl_cache_free(addrs);
	nl_cache_free(links);
	nl_socket_free(sk);
	return found;
}
