/* A container on its networks: endpoints recorded at create, addresses
 * and ports leased at start (with the bridges, the firewall and the
 * namespace), given back when it stops, gone when it is removed.
 *
 * Leases are rows, taken under the store's write lock, so that two berth
 * processes never give out one address or one port; the kernel's side
 * (veths) lives and dies with the container's namespace. A berth killed
 * between the lease and the monitor leaves rows only: the start intent it
 * leaves makes the next berth give them back (container/intent.c). */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/core/fsutil.h"
#include "engine/core/strbuf.h"
#include "engine/network/config.h"
#include "engine/network/dns_tables.h"
#include "engine/network/firewall.h"
#include "engine/network/internal.h"
#include "engine/network/netlink.h"
#include "engine/network/sandbox.h"

#define MAX_LINKS 16

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

bool network_mode_is_network(const char *mode)
{
	return mode && strcmp(mode, "host") != 0 && strcmp(mode, "none") != 0 &&
	       strncmp(mode, "container:", 10) != 0;
}

/* "aa:bb:cc:dd:ee:ff", any case. */
static bool parse_mac(const char *text, uint8_t out[6])
{
	unsigned v[6];
	char tail;

	if (strlen(text) != 17 ||
	    sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &tail) != 6)
		return false;
	for (int i = 0; i < 6; i++)
		out[i] = (uint8_t)v[i];
	return true;
}

/* Docker's MAC for an address: 02:42 and the four bytes of the address. */
static void mac_for(uint32_t addr, uint8_t out[6])
{
	out[0] = 0x02;
	out[1] = 0x42;
	for (int i = 0; i < 4; i++)
		out[2 + i] = (uint8_t)(addr >> (24 - 8 * i));
}

static void format_mac(const uint8_t mac[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
}

/* One endpoint's settings checked against its network, as Docker checks them. */
static int check_settings(const struct network *n, json_t *settings, berr *err)
{
	json_t *aliases = json_object_get(settings, "Aliases"), *v;
	const char *ip = str(json_object_get(settings, "IPAMConfig"), "IPv4Address");
	const char *ip6 = str(json_object_get(settings, "IPAMConfig"), "IPv6Address");
	const char *mac = str(settings, "MacAddress");
	struct ipv6_prefix subnet6;
	uint8_t addr6[16];
	bool user = strcmp(n->name, "bridge") != 0;
	struct ipv4_prefix subnet;
	uint8_t bytes[6];
	uint32_t addr;
	size_t i;

	if (strcmp(n->driver, "host") == 0 || strcmp(n->driver, "null") == 0)
		return berr_set(err, BERR_INVALID,
				"container cannot be connected to the %s network", n->name);
	if (json_array_size(aliases) && !user)
		return berr_set(err, BERR_INVALID,
				"network-scoped alias is supported only for containers in user defined networks");
	json_array_foreach(aliases, i, v) {
		/* a name of the network's table: letters, digits, _ . - */
		const char *a = json_string_value(v);
		size_t len = a ? strlen(a) : 0;
		bool ok = len > 0 && len <= 253 && isalnum((unsigned char)a[0]);
		for (size_t k = 0; ok && k < len; k++)
			ok = isalnum((unsigned char)a[k]) || strchr("_.-", a[k]);
		if (!ok)
			return berr_set(err, BERR_INVALID,
					"invalid network alias \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
					a ? a : "");
	}
	if (*ip) {
		if (!user)
			return berr_set(err, BERR_INVALID,
					"user specified IP address is supported on user defined networks only");
		if (!(n->subnet_given & NETWORK_GIVEN_V4))
			return berr_set(err, BERR_INVALID,
					"user specified IP address is supported only when connecting to networks with user configured subnets");
		if (!ipv4_parse_addr(ip, &addr))
			return berr_set(err, BERR_INVALID, "invalid IPv4 address: %s", ip);
		if (!ipv4_parse_prefix(n->subnet, &subnet) || !ipv4_prefix_contains(&subnet, addr))
			return berr_set(err, BERR_INVALID,
					"no configured subnet or ip-range contain the IP address %s",
					ip);
		if (subnet.len < 31 &&
		    (addr == subnet.addr || addr == (subnet.addr | ~ipv4_prefix_mask(subnet.len))))
			return berr_set(err, BERR_INVALID, "invalid address %s: it is the subnet's %s address",
					ip, addr == subnet.addr ? "network" : "broadcast");
	}
	if (*ip6) {
		if (!user)
			return berr_set(err, BERR_INVALID,
					"user specified IP address is supported on user defined networks only");
		if (!ipv6_parse_addr(ip6, addr6))
			return berr_set(err, BERR_INVALID, "invalid IPv6 address: %s", ip6);
		if (!ipv6_parse_prefix(n->subnet6, &subnet6) || !ipv6_prefix_contains(&subnet6, addr6))
			return berr_set(err, BERR_INVALID,
					"no configured subnet or ip-range contain the IP address %s",
					ip6);
		if (!(n->subnet_given & NETWORK_GIVEN_V6))
			return berr_set(err, BERR_INVALID,
					"user specified IP address is supported only when connecting to networks with user configured subnets");
		if (memcmp(addr6, subnet6.addr, 16) == 0)
			return berr_set(err, BERR_INVALID,
					"invalid address %s: it is the subnet-router anycast address",
					ip6);
	}
	if (*mac && !parse_mac(mac, bytes))
		return berr_set(err, BERR_INVALID, "invalid MAC address: %s", mac);
	return 0;
}

/* The settings the caller gave for a network, by its name or its id. */
static json_t *settings_for(json_t *endpoints, const struct network *n, const char *ref)
{
	json_t *s = json_object_get(endpoints, ref);

	if (!s)
		s = json_object_get(endpoints, n->name);
	if (!s)
		s = json_object_get(endpoints, n->id);
	if (!s && strcmp(n->name, "bridge") == 0)
		s = json_object_get(endpoints, "default");
	return s;
}

static int add_endpoint(struct store *st, const char *container_id, const char *container_name,
			const struct network *n, json_t *settings, int position, berr *err)
{
	json_t *aliases = json_object_get(settings, "Aliases");
	struct endpoint e = {0};
	int rc;

	if (check_settings(n, settings, err) < 0)
		return -1;
	snprintf(e.network_id, sizeof(e.network_id), "%s", n->id);
	snprintf(e.container_id, sizeof(e.container_id), "%s", container_id);
	e.position = position;
	e.aliases = json_is_array(aliases) ? json_deep_copy(aliases) : json_array();
	e.config = json_pack("{s:s, s:s, s:s, s:s, s:s}", "Network", n->name, "Container",
			     container_name, "IPv4Address",
			     str(json_object_get(settings, "IPAMConfig"), "IPv4Address"),
			     "IPv6Address",
			     str(json_object_get(settings, "IPAMConfig"), "IPv6Address"),
			     "MacAddress", str(settings, "MacAddress"));
	rc = endpoint_insert(st, &e, err);
	endpoint_free(&e);
	return rc;
}

int network_container_create(struct store *st, const char *container_id,
			     const char *container_name, json_t *host_config, json_t *endpoints,
			     berr *err)
{
	char mode[256];
	const char *key;
	struct network primary;
	json_t *settings;
	int position = 1;

	/* a copy: NetworkMode is rewritten below */
	snprintf(mode, sizeof(mode), "%s", str(host_config, "NetworkMode"));
	if (!*mode || strcmp(mode, "default") == 0)
		snprintf(mode, sizeof(mode), "bridge");
	if (!network_mode_is_network(mode)) {
		/* only empty settings, for the mode itself, may come along */
		json_object_foreach(endpoints, key, settings)
			if (json_object_size(settings) || network_mode_is_network(key))
				return berr_set(err, BERR_INVALID,
						"container sharing network namespace with another container or host cannot be connected to any other network");
		return 0;
	}
	if (network_lookup(st, mode, &primary, err) < 0)
		return -1;
	if (strcmp(primary.driver, "host") == 0 || strcmp(primary.driver, "null") == 0) {
		json_object_set_new(host_config, "NetworkMode",
				    json_string(strcmp(primary.driver, "host") == 0 ? "host" : "none"));
		network_free(&primary);
		return network_container_create(st, container_id, container_name, host_config,
						 endpoints, err);
	}
	json_object_set_new(host_config, "NetworkMode", json_string(primary.name));
	if (add_endpoint(st, container_id, container_name, &primary,
			 settings_for(endpoints, &primary, mode), 0, err) < 0) {
		network_free(&primary);
		return -1;
	}
	json_object_foreach(endpoints, key, settings) {
		struct network other;
		int rc;

		if (settings == settings_for(endpoints, &primary, mode))
			continue;
		if (network_lookup(st, key, &other, err) < 0)
			break;
		rc = strcmp(other.id, primary.id) == 0
			     ? 0
			     : add_endpoint(st, container_id, container_name, &other, settings,
					    position++, err);
		network_free(&other);
		if (rc < 0)
			break;
	}
	network_free(&primary);
	return key ? -1 : 0;
}

/* --- leases at start ------------------------------------------------------ */

/* The addresses a network may not give: leased ones, the gateway, aux. */
static int used_addresses(struct store *st, const struct network *n, uint32_t **out,
			  size_t *count, berr *err)
{
	struct endpoint *eps = NULL;
	size_t neps = 0, k = 0;
	uint32_t *list, a;
	const char *key;
	json_t *v;

	if (endpoint_load_network(st, n->id, &eps, &neps, err) < 0)
		return -1;
	list = calloc(neps + json_object_size(n->aux) + 1, sizeof(*list));
	if (!list) {
		endpoint_free_all(eps, neps);
		return berr_set(err, BERR_SYSTEM, "out of memory");
	}
	for (size_t i = 0; i < neps; i++)
		if (eps[i].address[0] && ipv4_parse_addr(eps[i].address, &a))
			list[k++] = a;
	if (ipv4_parse_addr(n->gateway, &a))
		list[k++] = a;
	json_object_foreach(n->aux, key, v)
		if (ipv4_parse_addr(json_string_value(v), &a))
			list[k++] = a;
	endpoint_free_all(eps, neps);
	*out = list;
	*count = k;
	return 0;
}

/* The IPv6 address of an endpoint on an IPv6 network: the one asked
 * for, or the lowest free (leased ones, the gateway and aux taken). */
static int lease_address6(struct store *st, const struct network *n, struct endpoint *e,
			  struct sandbox_link *link, berr *err)
{
	const char *asked = str(e->config, "IPv6Address"), *key;
	struct ipv6_prefix subnet;
	struct endpoint *eps = NULL;
	uint8_t (*used)[16], addr[16];
	size_t neps = 0, k = 0;
	json_t *v;
	int rc = 0;

	if (!ipv6_parse_prefix(n->subnet6, &subnet))
		return 0;
	if (endpoint_load_network(st, n->id, &eps, &neps, err) < 0)
		return -1;
	if (!(used = calloc(neps + json_object_size(n->aux) + 1, sizeof(*used)))) {
		endpoint_free_all(eps, neps);
		return berr_set(err, BERR_SYSTEM, "out of memory");
	}
	for (size_t i = 0; i < neps; i++)
		if (strcmp(eps[i].container_id, e->container_id) != 0 &&
		    ipv6_parse_addr(eps[i].address6, used[k]))
			k++;
	if (ipv6_parse_addr(n->gateway6, used[k]))
		k++;
	json_object_foreach(n->aux, key, v)
		if (ipv6_parse_addr(json_string_value(v), used[k]))
			k++;
	endpoint_free_all(eps, neps);
	if (*asked) {
		if (!ipv6_parse_addr(asked, addr) || !ipv6_prefix_contains(&subnet, addr))
			rc = -1;
		for (size_t i = 0; rc == 0 && i < k; i++)
			if (memcmp(used[i], addr, 16) == 0)
				rc = -1;
		if (rc < 0)
			berr_set(err, BERR_CONFLICT, "Address already in use");
	} else {
		rc = ipam6_pick_address(&subnet, (const uint8_t(*)[16])used, k, addr, err);
	}
	free(used);
	if (rc < 0)
		return -1;
	link->has6 = true;
	memcpy(link->address6, addr, 16);
	link->prefix6_len = subnet.len;
	if (!n->internal)
		ipv6_parse_addr(n->gateway6, link->gateway6);
	ipv6_format_addr(addr, e->address6);
	return 0;
}

/* The address of one endpoint: the one asked for, or the lowest free. */
static int lease_address(struct store *st, const struct network *n, struct endpoint *e,
			 struct sandbox_link *link, berr *err)
{
	const char *asked = str(e->config, "IPv4Address"), *mac = str(e->config, "MacAddress");
	struct ipv4_prefix subnet, range = {0};
	uint32_t *used = NULL, addr, gw = 0;
	size_t nused = 0;
	char hex[65];
	int rc;

	if (!ipv4_parse_prefix(n->subnet, &subnet))
		return berr_set(err, BERR_SYSTEM, "network %s has no subnet", n->name);
	if (n->ip_range[0])
		ipv4_parse_prefix(n->ip_range, &range);
	if (used_addresses(st, n, &used, &nused, err) < 0)
		return -1;
	if (*asked) {
		rc = ipv4_parse_addr(asked, &addr) && ipv4_prefix_contains(&subnet, addr) ? 0 : -1;
		for (size_t i = 0; rc == 0 && i < nused; i++)
			if (used[i] == addr)
				rc = -1;
		if (rc < 0)
			berr_set(err, BERR_CONFLICT, "Address already in use");
	} else {
		rc = ipam_pick_address(&subnet, &range, used, nused, &addr, err);
	}
	free(used);
	if (rc < 0 || random_hex_id(hex, err) < 0)
		return -1;
	ipv4_parse_addr(n->gateway, &gw);
	memset(link, 0, sizeof(*link));
	snprintf(link->host_name, sizeof(link->host_name), "%s%.9s", NETWORK_VETH_PREFIX, hex);
	if (strcmp(n->driver, "bridge") == 0) {
		link->kind = LINK_VETH;
		snprintf(link->bridge, sizeof(link->bridge), "%s", n->bridge);
	} else {
		bool macvlan = strcmp(n->driver, "macvlan") == 0;
		const char *parent = str(n->options, "parent");
		link->kind = macvlan ? LINK_MACVLAN : LINK_IPVLAN;
		snprintf(link->bridge, sizeof(link->bridge), "%s", *parent ? parent : n->bridge);
		snprintf(link->mode, sizeof(link->mode), "%s",
			 str(n->options, macvlan ? "macvlan_mode" : "ipvlan_mode"));
	}
	link->address = addr;
	link->prefix_len = subnet.len;
	link->gateway = n->internal ? 0 : gw;
	link->mtu = network_mtu(n);
	if (!*mac || !parse_mac(mac, link->mac))
		mac_for(addr, link->mac);
	ipv4_format_addr(addr, e->address);
	format_mac(link->mac, e->mac);
	if (random_hex_id(e->endpoint_id, err) < 0 || lease_address6(st, n, e, link, err) < 0)
		return -1;
	return endpoint_set_lease(st, e, err);
}

/* "80/tcp" into port and protocol. */
static bool parse_port_key(const char *key, int *port, char proto[8])
{
	char *end;
	long v = strtol(key, &end, 10);

	if (end == key || v < 1 || v > 65535)
		return false;
	*port = (int)v;
	if (!*end) {
		snprintf(proto, 8, "tcp");
		return true;
	}
	if (*end != '/' || (strcmp(end + 1, "tcp") != 0 && strcmp(end + 1, "udp") != 0 &&
			    strcmp(end + 1, "sctp") != 0))
		return false;
	snprintf(proto, 8, "%s", end + 1);
	return true;
}

/* Whether a process of the host holds ip:port (tcp or udp; IPv6 on its
 * own, as the rules are). */
static bool host_port_taken(const char *proto, const char *ip, int port, int *got, int *why)
{
	struct sockaddr_storage ss = {0};
	struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
	bool is6 = strchr(ip, ':') != NULL;
	socklen_t len = is6 ? sizeof(*v6) : sizeof(*v4);
	int type = strcmp(proto, "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM, one = 1, fd;
	bool taken;

	if (strcmp(proto, "sctp") == 0 && port)
		return false;
	fd = socket(is6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	if (is6) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		inet_pton(AF_INET6, ip, &v6->sin6_addr);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	} else {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		inet_pton(AF_INET, ip, &v4->sin_addr);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	taken = bind(fd, (struct sockaddr *)&ss, len) < 0;
	if (taken && why)
		*why = errno;
	if (!taken && got && getsockname(fd, (struct sockaddr *)&ss, &len) == 0)
		*got = ntohs(is6 ? v6->sin6_port : v4->sin_port);
	close(fd);
	return taken;
}

static bool wildcard(const char *ip)
{
	return strcmp(ip, "0.0.0.0") == 0 || strcmp(ip, "::") == 0;
}

/* Whether two host addresses of bindings overlap: equal, or one is the
 * wildcard of the other's family. */
static bool bindings_overlap(const char *a, const char *b)
{
	if ((strchr(a, ':') != NULL) != (strchr(b, ':') != NULL))
		return false;
	return strcmp(a, b) == 0 || wildcard(a) || wildcard(b);
}

/* One binding of a container port: a port of HostPort ("", "8080",
 * "8000-8010") that neither berth nor the host holds. */
static int lease_port(struct store *st, struct published_port *p, const char *host_port,
		      const char *container_name, berr *err)
{
	bool v6 = strchr(p->host_ip, ':') != NULL;
	long first = 0, last = 0;
	char *end;

	if (*host_port) {
		first = strtol(host_port, &end, 10);
		last = *end == '-' ? strtol(end + 1, &end, 10) : first;
		if (*end || first < 0 || last < first || last > 65535)
			return berr_set(err, BERR_INVALID, "invalid port specification: \"%s\"",
					host_port);
	}
	if (first == 0) {
		/* the kernel picks from its ephemeral range; berth's own leases
		 * are no sockets, so it is asked again when it picks one */
		for (int tries = 0; tries < 16; tries++) {
			int got = 0;
			berr taken;

			if (host_port_taken(p->proto, p->host_ip, 0, &got, NULL) || !got)
				break;
			p->host_port = got;
			if (port_insert(st, p, &taken) == 0)
				return 0;
		}
		return berr_set(err, BERR_CONFLICT, "no free host port for %d/%s", p->container_port,
				p->proto);
	}
	for (long port = first; port <= last; port++) {
		bool ours = false;
		int why = EADDRINUSE;

		p->host_port = (int)port;
		struct published_port *all = NULL;
		size_t n = 0;
		if (port_load_all(st, &all, &n, err) < 0)
			return -1;
		for (size_t i = 0; i < n && !ours; i++)
			ours = all[i].host_port == port && strcmp(all[i].proto, p->proto) == 0 &&
			       bindings_overlap(all[i].host_ip, p->host_ip);
		free(all);
		if (ours || host_port_taken(p->proto, p->host_ip, (int)port, NULL, &why)) {
			if (port < last)
				continue;
			if (ours)
				return berr_set(err, BERR_CONFLICT,
						"driver failed programming external connectivity on endpoint %s: Bind for %s%s%s:%ld failed: port is already allocated",
						container_name, v6 ? "[" : "", p->host_ip,
						v6 ? "]" : "", port);
			/* Go's words for the errno: "address already in use",
			 * "cannot assign requested address" (not the host's) */
			return berr_set(err, BERR_CONFLICT,
					"driver failed programming external connectivity on endpoint %s: Error starting userland proxy: listen %s%c %s%s%s:%ld: bind: %s",
					container_name, p->proto, v6 ? '6' : '4', v6 ? "[" : "",
					p->host_ip, v6 ? "]" : "", port,
					why == EADDRNOTAVAIL ? "cannot assign requested address"
							     : "address already in use");
		}
		return port_insert(st, p, err);
	}
	return 0;
}

/* The addresses of the container a binding leads to. */
struct port_target {
	const char *address;  /* IPv4 */
	const char *address6; /* "": the container has no IPv6 address */
	const char *container_name;
	const char *default_ip; /* daemon.json's "ip", or "" */
};

/* One binding of the user's (HostIp may be "", then both families of
 * the host as Docker binds them: 0.0.0.0, and :: when the container has
 * an IPv6 address; the IPv6 one gets the IPv4 one's port). */
static int lease_binding(struct store *st, struct published_port *p, const char *ip,
			 const char *host_port, const struct port_target *t, berr *err)
{
	uint32_t a4;
	uint8_t a6[16];
	char port_text[16];

	if (*ip && strchr(ip, ':')) {
		if (!ipv6_parse_addr(ip, a6))
			return berr_set(err, BERR_INVALID, "invalid IP address: %s", ip);
		if (memcmp(a6, (const uint8_t[16]){[15] = 1}, 16) == 0) {
			/* the kernel cannot forward IPv6 loopback traffic: the
			 * monitor relays it, to either of the container's addresses */
			if (strcmp(p->proto, "tcp") != 0)
				return berr_set(err, BERR_INVALID,
						"cannot publish %s on [::1]: only tcp is relayed there",
						p->proto);
			snprintf(p->host_ip, sizeof(p->host_ip), "::1");
			snprintf(p->address, sizeof(p->address), "%s",
				 *t->address6 ? t->address6 : t->address);
			return lease_port(st, p, host_port, t->container_name, err);
		}
		if (!*t->address6)
			return berr_set(err, BERR_INVALID,
					"cannot publish on [%s]: the container has no IPv6 address (its network has no --ipv6; without a proxy, IPv6 clients cannot reach an IPv4 container)",
					ip);
		ipv6_format_addr(a6, p->host_ip);
		snprintf(p->address, sizeof(p->address), "%s", t->address6);
		return lease_port(st, p, host_port, t->container_name, err);
	}
	if (*ip && !ipv4_parse_addr(ip, &a4))
		return berr_set(err, BERR_INVALID, "invalid IP address: %s", ip);
	snprintf(p->host_ip, sizeof(p->host_ip), "%s",
		 *ip ? ip : *t->default_ip ? t->default_ip : "0.0.0.0");
	snprintf(p->address, sizeof(p->address), "%s", t->address);
	if (lease_port(st, p, host_port, t->container_name, err) < 0)
		return -1;
	if (*ip || *t->default_ip || !*t->address6)
		return 0;
	snprintf(port_text, sizeof(port_text), "%d", p->host_port);
	snprintf(p->host_ip, sizeof(p->host_ip), "::");
	snprintf(p->address, sizeof(p->address), "%s", t->address6);
	return lease_port(st, p, port_text, t->container_name, err);
}

/* The published ports: PortBindings, and with PublishAllPorts every
 * exposed port without one, each to a free port of the kernel's range. */
static int lease_ports(struct store *st, const char *container_id, json_t *config, json_t *hc,
		       const struct endpoint *e, berr *err)
{
	/* -p without an address binds daemon.json's "ip", else every address */
	struct network_config cfg;
	if (network_config_load(&cfg, err) < 0)
		return -1;
	struct port_target t = {.address = e->address, .address6 = e->address6,
				.container_name = str(e->config, "Container"),
				.default_ip = cfg.ip};
	json_t *bindings = json_object_get(hc, "PortBindings"), *list, *b;
	json_t *exposed = json_object_get(config, "ExposedPorts"), *v;
	bool all = json_is_true(json_object_get(hc, "PublishAllPorts"));
	const char *key;
	int rc = -1;
	size_t i;

	json_object_foreach(bindings, key, list) {
		struct published_port p = {0};

		if (!parse_port_key(key, &p.container_port, p.proto)) {
			berr_set(err, BERR_INVALID, "invalid port specification: \"%s\"", key);
			goto out;
		}
		snprintf(p.container_id, sizeof(p.container_id), "%s", container_id);
		json_array_foreach(list, i, b)
			if (lease_binding(st, &p, str(b, "HostIp"), str(b, "HostPort"), &t, err) < 0)
				goto out;
		if (json_array_size(list) == 0 && all && lease_binding(st, &p, "", "", &t, err) < 0)
			goto out;
	}
	if (all) {
		json_object_foreach(exposed, key, v) {
			struct published_port p = {0};

			if (json_object_get(bindings, key))
				continue;
			if (!parse_port_key(key, &p.container_port, p.proto)) {
				berr_set(err, BERR_INVALID, "invalid port specification: \"%s\"", key);
				goto out;
			}
			snprintf(p.container_id, sizeof(p.container_id), "%s", container_id);
			if (lease_binding(st, &p, "", "", &t, err) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	network_config_free(&cfg);
	return rc;
}

/* Every lease of a start, in one transaction; the links to make into
 * links[], the bridges' networks into nets[]. */
static int lease_all(struct store *st, const char *id, json_t *config, json_t *hc,
		     struct sandbox_link *links, struct network *nets, size_t *n, bool *ports,
		     struct strbuf *hosts, berr *err)
{
	const char *hostname = str(config, "Hostname");
	struct endpoint *eps = NULL;
	size_t neps = 0;
	int rc = -1;

	*n = 0;
	*ports = false;
	if (endpoint_clear_leases(st, id, err) < 0 ||
	    endpoint_load_container(st, id, &eps, &neps, err) < 0)
		return -1;
	if (neps == 0) {
		/* its network was removed while it was stopped */
		berr_set(err, BERR_NOT_FOUND, "network %s not found", str(hc, "NetworkMode"));
		goto out;
	}
	if (neps > MAX_LINKS) {
		berr_set(err, BERR_INVALID, "a container has at most %d networks", MAX_LINKS);
		goto out;
	}
	for (size_t i = 0; i < neps; i++) {
		struct network *net = &nets[*n];

		if (network_by_id(st, eps[i].network_id, net, NULL) < 0) {
			berr_set(err, BERR_NOT_FOUND, "network %s not found",
				 str(eps[i].config, "Network"));
			goto out;
		}
		(*n)++;
		if (network_default_bridge_recheck(st, net, err) < 0 ||
		    lease_address(st, net, &eps[i], &links[i], err) < 0)
			goto out;
		links[i].index = (unsigned)eps[i].position;
		strbuf_addf(hosts, "%s\t%s\n", eps[i].address, hostname);
		if (eps[i].address6[0])
			strbuf_addf(hosts, "%s\t%s\n", eps[i].address6, hostname);
		if (i == 0 && !net->internal) {
			if (lease_ports(st, id, config, hc, &eps[i], err) < 0)
				goto out;
			struct published_port *mine = NULL;
			size_t nmine = 0;
			if (port_load_container(st, id, &mine, &nmine, err) < 0)
				goto out;
			*ports = nmine > 0;
			free(mine);
		}
	}
	rc = 0;
out:
	endpoint_free_all(eps, neps);
	return rc;
}

/* The host's side: forwarding (containers reach beyond the host; IPv6's
 * only for an IPv6 network), and route_localnet on a bridge (ports
 * published on 127.0.0.1). */
/* A sysctl set in place (a /proc/sys file takes no rename); read first,
 * so that a start writes nothing when it is set already. */
static void sysctl_set(const char *path, char value)
{
	char now = value;
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return;
	if (read(fd, &now, 1) == 1 && now != value)
		(void)!pwrite(fd, &value, 1, 0);
	close(fd);
}

static void sysctl_on(const char *path)
{
	sysctl_set(path, '1');
}

/* Checked at every start on a bridge network: a reboot, or someone,
 * may have put them back. */
static void host_sysctls(const struct network *nets, size_t n)
{
	char path[96];

	for (size_t i = 0; i < n; i++) {
		if (strcmp(nets[i].driver, "bridge") != 0)
			continue;
		if (!nets[i].internal)
			sysctl_on("/proc/sys/net/ipv4/ip_forward");
		if (!nets[i].internal && nets[i].subnet6[0])
			sysctl_on("/proc/sys/net/ipv6/conf/all/forwarding");
		snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/route_localnet",
			 nets[i].bridge);
		sysctl_on(path);
		/* the host takes no router advertisement from a container */
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_ra", nets[i].bridge);
		sysctl_set(path, '0');
	}
}

/* Where names the networks do not know go: --dns, else the host's
 * resolvers (a loopback one too: the resolver lives in the host's
 * namespace). IPv4 only. */
static json_t *upstreams(json_t *hc)
{
	json_t *out = json_array(), *dns = json_object_get(hc, "Dns"), *v;
	char *text = NULL, *line, *save = NULL;
	uint32_t a;
	size_t i;

	json_array_foreach(dns, i, v)
		if (json_is_string(v) && ipv4_parse_addr(json_string_value(v), &a))
			json_array_append(out, v);
	if (json_array_size(dns) || fs_read_file("/etc/resolv.conf", &text, NULL, NULL) < 0)
		return out;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char addr[64];

		if (sscanf(line, "nameserver %63s", addr) == 1 && ipv4_parse_addr(addr, &a))
			json_array_append_new(out, json_string(addr));
	}
	free(text);
	return out;
}

/* The listeners of the container's ports on [::1], for its monitor's
 * relay (shim/proxy.c): the kernel cannot forward them. */
static int open_relays(struct store *st, const char *id, struct network_sandbox *out, berr *err)
{
	struct published_port *ports = NULL;
	size_t n = 0;
	int rc = 0, one = 1;

	if (port_load_container(st, id, &ports, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct sockaddr_in6 sa = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT,
					  .sin6_port = htons((uint16_t)ports[i].host_port)};
		int fd;

		if (strcmp(ports[i].host_ip, "::1") != 0)
			continue;
		if (out->nproxy == sizeof(out->proxy_fds) / sizeof(out->proxy_fds[0])) {
			rc = berr_set(err, BERR_INVALID, "at most %zu ports on [::1]", out->nproxy);
			break;
		}
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0 || setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
		    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
		    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 128) < 0) {
			rc = berr_sys(err, "listening on [::1]:%d", ports[i].host_port);
			if (fd >= 0)
				close(fd);
			break;
		}
		out->proxy_fds[out->nproxy] = fd;
		snprintf(out->proxy_targets[out->nproxy], sizeof(out->proxy_targets[0]), "%s %d",
			 ports[i].address, ports[i].container_port);
		out->nproxy++;
	}
	free(ports);
	return rc;
}

void network_sandbox_close(struct network_sandbox *s)
{
	for (size_t i = 0; i < s->nproxy; i++)
		close(s->proxy_fds[i]);
	s->nproxy = 0;
	if (s->netns_fd >= 0)
		close(s->netns_fd);
	if (s->dns_fd >= 0)
		close(s->dns_fd);
	s->netns_fd = s->dns_fd = -1;
	json_decref(s->dns_tables);
	json_decref(s->dns_upstreams);
	s->dns_tables = s->dns_upstreams = NULL;
	free(s->hosts);
	s->hosts = NULL;
}

int network_container_start(struct engine *engine, const char *id, json_t *config, json_t *hc,
			    struct network_sandbox *out, berr *err)
{
	struct store *st = engine_store(engine, err);
	struct sandbox_link links[MAX_LINKS];
	struct network nets[MAX_LINKS];
	struct strbuf lines = {0};
	bool ports = false, changed = false;
	size_t n = 0;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	out->netns_fd = out->dns_fd = -1;
	if (!st || store_begin(st, err) < 0)
		return -1;
	if (lease_all(st, id, config, hc, links, nets, &n, &ports, &lines, err) < 0) {
		store_rollback(st);
		goto out;
	}
	if (store_commit(st, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		bool created = false;

		if (network_link_ensure(&nets[i], &created, err) < 0)
			goto release;
		changed |= created;
	}
	host_sysctls(nets, n);
	if ((changed || ports || !firewall_present(engine)) && firewall_apply(engine, err) < 0)
		goto release;
	/* names first: the container's first query sees its own */
	out->dns_tables = json_array();
	for (size_t i = 0; i < n; i++)
		if (dns_network_resolves(&nets[i]))
			json_array_append_new(out->dns_tables, json_string(nets[i].id));
	if (json_array_size(out->dns_tables)) {
		if (dns_tables_write(engine, err) < 0)
			goto release;
		dns_tables_dir(engine, out->dns_dir, sizeof(out->dns_dir));
		/* names go out only from a container with a way out: an
		 * internal network's must not leak through its resolver */
		bool way_out = false;
		for (size_t i = 0; i < n; i++)
			way_out |= !nets[i].internal;
		out->dns_upstreams = way_out ? upstreams(hc) : json_array();
	}
	if (n && sandbox_create(links, n, json_array_size(out->dns_tables) > 0, &out->netns_fd,
				&out->dns_fd, err) < 0)
		goto release;
	if (ports && open_relays(st, id, out, err) < 0)
		goto release;
	out->hosts = strbuf_steal(&lines);
	if (n && !nets[0].internal)
		snprintf(out->gateway, sizeof(out->gateway), "%s", nets[0].gateway);
	rc = 0;
	goto out;
release:
	network_sandbox_close(out);
	network_container_stopped(engine, id);
out:
	strbuf_free(&lines);
	for (size_t i = 0; i < n; i++)
		network_free(&nets[i]);
	return rc;
}

int network_container_release(struct engine *engine, struct store *st, const char *id,
			      unsigned *changes, berr *err)
{
	struct published_port *mine = NULL;
	size_t n = 0;

	*changes = 0;
	if (!endpoint_container_has_leases(st, id))
		return 0;
	if (port_load_container(st, id, &mine, &n, err) < 0)
		return -1;
	free(mine);
	*changes = NETWORK_CHANGED_LEASES | (n ? NETWORK_CHANGED_PORTS : 0);
	/* the ports' rules outlive their rows until the rebuild: a berth
	 * killed in between leaves this intent, and the next one rebuilds */
	if (n && firewall_intent_begin(engine, err) < 0)
		return -1;
	return endpoint_clear_leases(st, id, err);
}

void network_refresh(struct engine *engine, unsigned changes)
{
	if (changes & NETWORK_CHANGED_LEASES)
		dns_tables_write(engine, NULL);
	if ((changes & NETWORK_CHANGED_PORTS) && firewall_apply(engine, NULL) == 0)
		firewall_intent_end(engine);
}

void network_container_stopped(struct engine *engine, const char *id)
{
	struct store *st = engine_store(engine, NULL);
	unsigned changes = 0;

	if (!st || !endpoint_container_has_leases(st, id) || store_begin(st, NULL) < 0)
		return;
	if (network_container_release(engine, st, id, &changes, NULL) < 0 || store_commit(st, NULL) < 0) {
		store_rollback(st);
		return;
	}
	network_refresh(engine, changes);
}

int network_container_removed(struct engine *engine, struct store *st, const char *id,
			      unsigned *changes, berr *err)
{
	if (network_container_release(engine, st, id, changes, err) < 0)
		return -1;
	return endpoint_delete_container(st, id, err);
}


/* --- connect and disconnect ------------------------------------------------ */

/* The next free position (eth<n>) among the container's endpoints. */
static int next_position(struct store *st, const char *id, berr *err)
{
	struct endpoint *eps = NULL;
	size_t n = 0;
	int next = 0;

	if (endpoint_load_container(st, id, &eps, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (eps[i].position >= next)
			next = eps[i].position + 1;
	endpoint_free_all(eps, n);
	return next;
}

/* The endpoint row of the container on the network (found: 1). */
static int find_endpoint(struct store *st, const char *id, const char *network_id,
			 struct endpoint *out, berr *err)
{
	struct endpoint *eps = NULL;
	size_t n = 0;
	int found = 0;

	if (endpoint_load_container(st, id, &eps, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!found && strcmp(eps[i].network_id, network_id) == 0) {
			*out = eps[i];
			eps[i].aliases = eps[i].config = NULL;
			found = 1;
		}
	endpoint_free_all(eps, n);
	return found;
}

int network_container_connect(struct engine *engine, const char *id, const char *name,
			      const char *mode, const char *ref, json_t *settings, int netns_fd,
			      char net_id[65], char net_name[256], berr *err)
{
	struct store *st = engine_store(engine, err);
	struct sandbox_link link;
	struct network n = {0};
	struct endpoint e = {0};
	int position, rc = -1;
	bool created = false;

	if (!st)
		return -1;
	/* Docker's refusals: a container of host or none mode, one sharing
	 * another's namespace, and the host and none networks */
	if (strcmp(mode, "host") == 0)
		return berr_set(err, BERR_INVALID,
				"container cannot be disconnected from host network or connected to host network");
	if (strcmp(mode, "none") == 0)
		return berr_set(err, BERR_INVALID,
				"container cannot be connected to multiple networks with one of the networks in private (none) mode");
	if (!network_mode_is_network(mode))
		return berr_set(err, BERR_INVALID,
				"container sharing network namespace with another container or host cannot be connected to any other network");
	if (store_begin(st, err) < 0)
		return -1;
	if (network_lookup(st, ref, &n, err) < 0)
		goto rollback;
	if (strcmp(n.driver, "host") == 0 || strcmp(n.driver, "null") == 0) {
		berr_set(err, BERR_INVALID, "%s",
			 strcmp(n.driver, "host") == 0
				 ? "container cannot be disconnected from host network or connected to host network"
				 : "container cannot be connected to multiple networks with one of the networks in private (none) mode");
		goto rollback;
	}
	snprintf(net_id, 65, "%s", n.id);
	snprintf(net_name, 256, "%s", n.name);
	if ((position = next_position(st, id, err)) < 0 ||
	    add_endpoint(st, id, name, &n, settings, position, err) < 0)
		goto rollback;
	if (netns_fd >= 0) {
		if (find_endpoint(st, id, n.id, &e, err) != 1 ||
		    lease_address(st, &n, &e, &link, err) < 0)
			goto rollback;
		link.gateway = 0; /* the default route stays the first network's */
	}
	if (store_commit(st, err) < 0)
		goto out;
	rc = 0;
	if (netns_fd >= 0) {
		rc = network_link_ensure(&n, &created, err);
		host_sysctls(&n, 1);
		if (rc == 0 && created)
			rc = firewall_apply(engine, err);
		if (rc == 0)
			rc = sandbox_add_link(netns_fd, &link, (size_t)position, err);
		if (rc < 0 && store_begin(st, NULL) == 0) {
			/* nothing half-made: the row goes again */
			if (endpoint_delete(st, n.id, id, NULL) < 0 || store_commit(st, NULL) < 0)
				store_rollback(st);
		}
	}
	if (rc == 0)
		dns_tables_write(engine, NULL);
	goto out;
rollback:
	store_rollback(st);
out:
	endpoint_free(&e);
	network_free(&n);
	return rc;
}

int network_container_disconnect(struct engine *engine, const char *id, const char *ref,
				 int netns_fd, char net_id[65], char net_name[256], berr *err)
{
	struct store *st = engine_store(engine, err);
	struct network n = {0};
	struct endpoint e = {0};
	bool ports = false;
	int found, rc = -1;

	if (!st || store_begin(st, err) < 0)
		return -1;
	if (network_lookup(st, ref, &n, err) < 0)
		goto rollback;
	snprintf(net_id, 65, "%s", n.id);
	snprintf(net_name, 256, "%s", n.name);
	if ((found = find_endpoint(st, id, n.id, &e, err)) < 0)
		goto rollback;
	if (!found) {
		berr_set(err, BERR_INVALID, "container %s is not connected to network %s", id,
			 n.name);
		goto rollback;
	}
	/* published ports lead to the first network's address */
	if (e.position == 0 && e.address[0]) {
		struct published_port *mine = NULL;
		size_t count = 0;
		bool relayed = false;
		if (port_load_container(st, id, &mine, &count, err) < 0)
			goto rollback;
		for (size_t i = 0; i < count; i++)
			relayed |= strcmp(mine[i].host_ip, "::1") == 0;
		free(mine);
		/* the monitor's relay of [::1] keeps that address until the
		 * container stops: it must not go to another container */
		if (relayed) {
			berr_set(err, BERR_CONFLICT,
				 "container %s publishes ports on [::1] through network %s: stop it before disconnecting it",
				 id, n.name);
			goto rollback;
		}
		ports = count > 0;
		if (ports && (firewall_intent_begin(engine, err) < 0 ||
			      endpoint_delete_ports(st, id, err) < 0))
			goto rollback;
	}
	/* the link first, under the write lock: a link that cannot go leaves
	 * its address leased, never given to another container */
	if (netns_fd >= 0 && e.address[0] &&
	    sandbox_remove_link(netns_fd, (size_t)e.position, err) < 0)
		goto rollback;
	if (endpoint_delete(st, n.id, id, err) < 0 || store_commit(st, err) < 0)
		goto rollback;
	rc = 0;
	network_refresh(engine, NETWORK_CHANGED_LEASES | (ports ? NETWORK_CHANGED_PORTS : 0));
	goto out;
rollback:
	if (store_in_transaction(st))
		store_rollback(st);
out:
	endpoint_free(&e);
	network_free(&n);
	return rc;
}

int network_container_reconcile(struct engine *engine, const char *id, int netns_fd,
				bool *changed)
{
	struct store *st = engine_store(engine, NULL);
	struct endpoint *eps = NULL;
	size_t n = 0, nbroken = 0, broken[MAX_LINKS * 4];
	bool ports = false;

	*changed = false;
	if (!st || store_begin(st, NULL) < 0)
		return -1;
	if (endpoint_load_container(st, id, &eps, &n, NULL) < 0)
		goto fail;
	for (size_t i = 0; i < n && nbroken < sizeof(broken) / sizeof(broken[0]); i++) {
		bool present = true;

		if (!eps[i].address[0])
			continue;
		if (sandbox_link_present(netns_fd, (size_t)eps[i].position, &present, NULL) < 0)
			goto fail;
		if (present)
			continue;
		/* half made or half gone: gone, as a disconnect leaves it; the
		 * rows first, the links once they are committed */
		if (eps[i].position == 0) {
			ports = true;
			if (firewall_intent_begin(engine, NULL) < 0 ||
			    endpoint_delete_ports(st, id, NULL) < 0)
				goto fail;
		}
		if (endpoint_delete(st, eps[i].network_id, id, NULL) < 0)
			goto fail;
		broken[nbroken++] = (size_t)eps[i].position;
	}
	if (!nbroken) {
		store_rollback(st);
		endpoint_free_all(eps, n);
		return 0;
	}
	if (store_commit(st, NULL) < 0)
		goto fail;
	for (size_t i = 0; i < nbroken; i++)
		sandbox_remove_link(netns_fd, broken[i], NULL);
	endpoint_free_all(eps, n);
	network_refresh(engine, NETWORK_CHANGED_LEASES | (ports ? NETWORK_CHANGED_PORTS : 0));
	*changed = true;
	return 0;
fail:
	if (store_in_transaction(st))
		store_rollback(st);
	endpoint_free_all(eps, n);
	return -1;
}

char *network_container_hosts(struct engine *engine, const char *id, const char *hostname,
			      char gateway[16])
{
	struct store *st = engine_store(engine, NULL);
	struct endpoint *eps = NULL;
	struct strbuf b = {0};
	size_t n = 0;

	gateway[0] = '\0';
	if (st && endpoint_load_container(st, id, &eps, &n, NULL) == 0) {
		for (size_t i = 0; i < n; i++) {
			struct network net;

			if (!eps[i].address[0])
				continue;
			strbuf_addf(&b, "%s\t%s\n", eps[i].address, hostname);
			if (eps[i].address6[0])
				strbuf_addf(&b, "%s\t%s\n", eps[i].address6, hostname);
			if (!gateway[0] && network_by_id(st, eps[i].network_id, &net, NULL) == 0) {
				if (!net.internal)
					snprintf(gateway, 16, "%s", net.gateway);
				network_free(&net);
			}
		}
	}
	endpoint_free_all(eps, n);
	return b.s ? strbuf_steal(&b) : strdup("");
}

int network_container_renamed(struct store *st, const char *id, const char *name, berr *err)
{
	return endpoint_rename(st, id, name, err);
}
