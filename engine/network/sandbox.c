/* A container's network namespace and its links (see sandbox.h). */
#include "engine/network/sandbox.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/ipvlan.h>
#include <netlink/route/link/macvlan.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "engine/network/netlink.h"

struct sandbox_job {
	const struct sandbox_link *links;
	size_t n;
	bool dns;
	int netns_fd, dns_fd;
	berr err;
};

/* The resolver's socket: 127.0.0.11:53 on the namespace's loopback. */
static int dns_socket(berr *err)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(53),
				 .sin_addr.s_addr = htonl(0x7f00000b)};
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		berr_sys(err, "the container's resolver socket");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* A macvlan or ipvlan link on its parent, made straight into the
 * namespace as eth<i>. */
static int add_vlan(struct nl_sock *host, int netns_fd, const struct sandbox_link *l,
		    const char *ifname, berr *err)
{
	bool mac = l->kind == LINK_MACVLAN;
	struct rtnl_link *link = mac ? rtnl_link_macvlan_alloc() : rtnl_link_ipvlan_alloc();
	struct nl_addr *addr = nl_addr_build(AF_LLC, l->mac, sizeof(l->mac));
	int parent = netlink_index(host, l->bridge), rc = -NLE_NOMEM;

	if (!parent) {
		rtnl_link_put(link);
		nl_addr_put(addr);
		return berr_set(err, BERR_SYSTEM, "parent link %s is missing", l->bridge);
	}
	if (link && addr) {
		rtnl_link_set_name(link, ifname);
		rtnl_link_set_link(link, parent);
		rtnl_link_set_ns_fd(link, netns_fd);
		if (mac) {
			rtnl_link_set_addr(link, addr);
			rc = rtnl_link_macvlan_set_mode(
				link, (uint32_t)rtnl_link_macvlan_str2mode(l->mode[0] ? l->mode : "bridge"));
		} else {
			rc = rtnl_link_ipvlan_set_mode(
				link, (uint16_t)rtnl_link_ipvlan_str2mode(l->mode[0] ? l->mode : "l2"));
		}
		if (rc >= 0) {
			if (l->mtu)
				rtnl_link_set_mtu(link, l->mtu);
			rc = rtnl_link_add(host, link, NLM_F_CREATE | NLM_F_EXCL);
		}
	}
	rtnl_link_put(link);
	nl_addr_put(addr);
	if (rc == -NLE_OPNOTSUPP)
		return berr_set(err, BERR_UNSUPPORTED, "this kernel has no %s links (CONFIG_%s)",
				mac ? "macvlan" : "ipvlan", mac ? "MACVLAN" : "IPVLAN");
	if (rc < 0)
		return berr_set(err, BERR_SYSTEM, "create %s on %s: %s", mac ? "macvlan" : "ipvlan",
				l->bridge, nl_geterror(rc));
	return 0;
}

/* The veth pair of one link: the host end on its bridge, eth<i> inside. */
static int add_veth(struct nl_sock *host, struct nl_sock *inside, int netns_fd,
		    const struct sandbox_link *l, size_t i, berr *err)
{
	struct rtnl_link *link = rtnl_link_veth_alloc(), *peer;
	struct nl_addr *mac = nl_addr_build(AF_LLC, l->mac, sizeof(l->mac));
	char ifname[IF_NAMESIZE];
	int bridge = netlink_index(host, l->bridge), rc = -NLE_NOMEM, index;

	snprintf(ifname, sizeof(ifname), "eth%zu", i);
	if (l->kind != LINK_VETH) {
		rtnl_link_put(link);
		nl_addr_put(mac);
		if (add_vlan(host, netns_fd, l, ifname, err) < 0)
			return -1;
		goto inside_end;
	}
	if (!bridge) {
		rtnl_link_put(link);
		nl_addr_put(mac);
		return berr_set(err, BERR_SYSTEM, "bridge %s is missing", l->bridge);
	}
	if (link && mac) {
		peer = rtnl_link_veth_get_peer(link);
		rtnl_link_set_name(link, l->host_name);
		rtnl_link_set_master(link, bridge);
		rtnl_link_set_name(peer, ifname);
		rtnl_link_set_ns_fd(peer, netns_fd);
		rtnl_link_set_addr(peer, mac);
		if (l->mtu) {
			rtnl_link_set_mtu(link, l->mtu);
			rtnl_link_set_mtu(peer, l->mtu);
		}
		rtnl_link_put(peer);
		rc = rtnl_link_add(host, link, NLM_F_CREATE | NLM_F_EXCL);
	}
	rtnl_link_put(link);
	nl_addr_put(mac);
	if (rc < 0)
		return berr_set(err, BERR_SYSTEM, "create veth %s: %s", l->host_name,
				nl_geterror(rc));
	if (netlink_set_up(host, l->host_name, err) < 0)
		return -1;
inside_end:
	if (!(index = netlink_index(inside, ifname)))
		return berr_set(err, BERR_SYSTEM, "veth %s did not reach the container", l->host_name);
	if (netlink_address_add(inside, ifname, index, l->address, l->prefix_len, err) < 0 ||
	    (l->has6 &&
	     netlink_address6_add(inside, ifname, index, l->address6, l->prefix6_len, err) < 0) ||
	    netlink_set_up(inside, ifname, err) < 0)
		return -1;
	return 0;
}

/* The default route of a family through the link's gateway. */
static int add_default_route(struct nl_sock *inside, const struct sandbox_link *l, size_t i,
			     int family, berr *err)
{
	char ifname[IF_NAMESIZE];
	struct rtnl_route *route = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	uint32_t be_gw = htonl(l->gateway);
	uint8_t any[16] = {0};
	bool v6 = family == AF_INET6;
	struct nl_addr *gw = v6 ? nl_addr_build(AF_INET6, l->gateway6, 16)
				: nl_addr_build(AF_INET, &be_gw, sizeof(be_gw));
	struct nl_addr *dst = nl_addr_build(family, any, v6 ? 16 : 4);
	int rc = -NLE_NOMEM;

	snprintf(ifname, sizeof(ifname), "eth%zu", i);
	if (route && nh && gw && dst) {
		nl_addr_set_prefixlen(dst, 0);
		rtnl_route_set_family(route, (uint8_t)family);
		rtnl_route_set_table(route, RT_TABLE_MAIN);
		rtnl_route_set_dst(route, dst);
		rtnl_route_nh_set_ifindex(nh, netlink_index(inside, ifname));
		rtnl_route_nh_set_gateway(nh, gw);
		rtnl_route_add_nexthop(route, nh);
		nh = NULL; /* the route owns it */
		rc = rtnl_route_add(inside, route, NLM_F_CREATE | NLM_F_EXCL);
	}
	if (nh)
		rtnl_route_nh_free(nh);
	rtnl_route_put(route);
	nl_addr_put(gw);
	nl_addr_put(dst);
	if (rc < 0)
		return berr_set(err, BERR_SYSTEM, "%sdefault route of the container: %s",
				v6 ? "IPv6 " : "", nl_geterror(rc));
	return 0;
}

static bool zero16(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) == 0;
}

/* accept_ra and autoconf off for every link of the namespace the calling
 * thread is in (/proc/sys/net follows the thread's namespace). A kernel
 * without IPv6 has no such files: nothing to turn off. */
static int ipv6_no_autoconf(berr *err)
{
	static const char *const paths[] = {
		"/proc/sys/net/ipv6/conf/all/accept_ra",   "/proc/sys/net/ipv6/conf/default/accept_ra",
		"/proc/sys/net/ipv6/conf/all/autoconf",    "/proc/sys/net/ipv6/conf/default/autoconf",
	};

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		int fd = open(paths[i], O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				return 0;
			return berr_sys(err, "opening %s", paths[i]);
		}
		if (write(fd, "0", 1) != 1) {
			berr_sys(err, "writing %s", paths[i]);
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

/* The thread: only it ever leaves the host's namespace, and it ends. */
static void *build(void *arg)
{
	struct sandbox_job *job = arg;
	struct nl_sock *host = NULL, *inside = NULL;
	bool routed = false, routed6 = false;
	int netns = -1;

	job->netns_fd = job->dns_fd = -1;
	if (!(host = netlink_socket(&job->err)))
		goto out;
	if (unshare(CLONE_NEWNET) < 0) {
		berr_sys(&job->err, "creating the container's network namespace");
		goto out;
	}
	netns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (netns < 0) {
		berr_sys(&job->err, "opening the container's network namespace");
		goto out;
	}
	/* before any link: no router advertisement a container sends (or
	 * forges) may give another its routes or addresses; links made
	 * later inherit "default" */
	if (!(inside = netlink_socket(&job->err)) || ipv6_no_autoconf(&job->err) < 0 ||
	    netlink_set_up(inside, "lo", &job->err) < 0)
		goto out;
	if (job->dns && (job->dns_fd = dns_socket(&job->err)) < 0)
		goto out;
	for (size_t i = 0; i < job->n; i++) {
		const struct sandbox_link *l = &job->links[i];

		if (add_veth(host, inside, netns, l, l->index, &job->err) < 0)
			goto out;
		if (!routed && l->gateway) {
			if (add_default_route(inside, l, l->index, AF_INET, &job->err) < 0)
				goto out;
			routed = true;
		}
		if (!routed6 && l->has6 && !zero16(l->gateway6)) {
			if (add_default_route(inside, l, l->index, AF_INET6, &job->err) < 0)
				goto out;
			routed6 = true;
		}
	}
	job->netns_fd = netns;
	netns = -1;
out:
	if (job->netns_fd < 0 && job->dns_fd >= 0) {
		close(job->dns_fd);
		job->dns_fd = -1;
	}
	if (netns >= 0)
		close(netns);
	if (inside)
		nl_socket_free(inside);
	if (host)
		nl_socket_free(host);
	return NULL;
}

int sandbox_create(const struct sandbox_link *links, size_t n, bool dns, int *netns_fd,
		   int *dns_fd, berr *err)
{
	struct sandbox_job job = {.links = links, .n = n, .dns = dns, .netns_fd = -1, .dns_fd = -1};
	pthread_t thread;
	int rc;

	*netns_fd = *dns_fd = -1;
	if ((rc = pthread_create(&thread, NULL, build, &job)) != 0)
		return berr_errno(err, rc, "starting the network namespace's thread");
	pthread_join(thread, NULL);
	if (job.netns_fd < 0) {
		if (err)
			*err = job.err;
		return -1;
	}
	*netns_fd = job.netns_fd;
	*dns_fd = job.dns_fd;
	return 0;
}

/* --- links of a running container ------------------------------------------ */

struct link_job {
	int netns_fd;
	const struct sandbox_link *link; /* NULL: remove, or check with present */
	size_t index;
	bool *present;                   /* not NULL: only look */
	int rc;
	berr err;
};

/* The thread joins the container's namespace (setns moves only it) and
 * ends; the host's socket is opened before. */
static void *change_link(void *arg)
{
	struct link_job *job = arg;
	struct nl_sock *host = NULL, *inside = NULL;

	job->rc = -1;
	if (!(host = netlink_socket(&job->err)))
		goto out;
	if (setns(job->netns_fd, CLONE_NEWNET) < 0) {
		berr_sys(&job->err, "joining the container's network namespace");
		goto out;
	}
	if (!(inside = netlink_socket(&job->err)))
		goto out;
	if (job->present) {
		char ifname[IF_NAMESIZE];
		struct rtnl_link *l = NULL;
		snprintf(ifname, sizeof(ifname), "eth%zu", job->index);
		*job->present = rtnl_link_get_kernel(inside, 0, ifname, &l) == 0 &&
				(rtnl_link_get_flags(l) & IFF_UP);
		rtnl_link_put(l);
		job->rc = 0;
	} else if (job->link) {
		job->rc = add_veth(host, inside, job->netns_fd, job->link, job->index, &job->err);
	} else {
		char ifname[IF_NAMESIZE];
		snprintf(ifname, sizeof(ifname), "eth%zu", job->index);
		job->rc = netlink_link_delete_in(inside, ifname, &job->err);
	}
out:
	if (inside)
		nl_socket_free(inside);
	if (host)
		nl_socket_free(host);
	return NULL;
}

static int run_link_job(struct link_job *job, berr *err)
{
	pthread_t thread;
	int rc;

	if ((rc = pthread_create(&thread, NULL, change_link, job)) != 0)
		return berr_errno(err, rc, "starting the network namespace's thread");
	pthread_join(thread, NULL);
	if (job->rc < 0 && err)
		*err = job->err;
	return job->rc;
}

int sandbox_add_link(int netns_fd, const struct sandbox_link *link, size_t index, berr *err)
{
	struct link_job job = {.netns_fd = netns_fd, .link = link, .index = index};

	return run_link_job(&job, err);
}

int sandbox_remove_link(int netns_fd, size_t index, berr *err)
{
	struct link_job job = {.netns_fd = netns_fd, .index = index};

	return run_link_job(&job, err);
}

int sandbox_link_present(int netns_fd, size_t index, bool *present, berr *err)
{
	struct link_job job = {.netns_fd = netns_fd, .index = index, .present = present};

	*present = false;
	return run_link_job(&job, err);
}
