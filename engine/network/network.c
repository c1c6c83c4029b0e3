/* The network commands' work: create a bridge network (its subnet picked
 * or checked, its bridge made inside the row's transaction under a
 * "network-link" intent, so that a crash leaves either both or a link the
 * next start removes), remove one, Docker's inspect object, and the
 * predefined networks.
 *
 * Links are host-wide while a store is not: the next start removes only
 * a link an interrupted create or remove of this store names in its
 * intent, never one by its name alone (another data root's, or a
 * user's), and the default bridge of any data root but /var/lib/berth has
 * a name of its own. */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/clock.h"
#include "engine/core/fsutil.h"
#include "engine/core/intent.h"
#include "engine/core/sha256.h"
#include "engine/core/units.h"
#include "engine/network/config.h"
#include "engine/network/firewall.h"
#include "engine/network/internal.h"
#include "engine/network/netlink.h"


static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static bool predefined(const char *name)
{
	return strcmp(name, "bridge") == 0 || strcmp(name, "host") == 0 ||
	       strcmp(name, "none") == 0;
}

/* A link name berth accepts: 1-15 of [A-Za-z0-9_.-] (the kernel takes
 * more, but the name also goes into nftables rules, where a quote or a
 * brace would be syntax). */
static bool link_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 15 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("_.-", name[i]))
			return false;
	return true;
}

/* The subnets of every network, and the host's routes but those through
 * berth's own bridges: what a new subnet must not overlap. */
static int taken_subnets(struct network *all, size_t n, bool with_host_routes,
			 struct ipv4_prefix **out, size_t *count, berr *err)
{
	const char **skip = calloc(n ? n : 1, sizeof(*skip));
	struct ipv4_prefix *routes = NULL, *list;
	size_t nroutes = 0, nskip = 0, k = 0;

	if (!skip)
		return berr_set(err, BERR_SYSTEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (all[i].bridge[0])
			skip[nskip++] = all[i].bridge;
	if (with_host_routes && netlink_host_routes(skip, nskip, &routes, &nroutes, err) < 0) {
		free(skip);
		return -1;
	}
	free(skip);
	list = calloc(n + nroutes + 1, sizeof(*list));
	if (!list) {
		free(routes);
		return berr_set(err, BERR_SYSTEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++)
		if (all[i].subnet[0] && ipv4_parse_prefix(all[i].subnet, &list[k]))
			k++;
	if (nroutes)
		memcpy(list + k, routes, nroutes * sizeof(*routes));
	free(routes);
	*out = list;
	*count = k + nroutes;
	return 0;
}

/* A subnet the user gave must not take an address prefix of the host's
 * own links (its LAN, its gateway): Docker's default pools skip them,
 * and a bridge on one would cut the host off. */
static int check_host_overlap(int family, const uint8_t *addr, unsigned len, const char *text,
			      const char *own, struct network *all, size_t nall, berr *err)
{
	const char **skip = calloc(nall + 1, sizeof(*skip));
	size_t nskip = 0;
	char link[16];
	int rc;

	if (!skip)
		return berr_set(err, BERR_SYSTEM, "out of memory");
	if (own[0])
		skip[nskip++] = own; /* the network's own bridge, when it is there already */
	for (size_t i = 0; i < nall; i++)
		if (all[i].bridge[0])
			skip[nskip++] = all[i].bridge;
	rc = netlink_address_overlap(family, addr, len, skip, nskip, link, err);
	free(skip);
	if (rc > 0)
		return berr_set(err, BERR_CONFLICT,
				"subnet %s overlaps an address of the host's link %s", text, link);
	return rc;
}

/* Whether an IPAM config is IPv6's: its subnet, else its gateway, says. */
static bool is_ipv6_config(json_t *c)
{
	const char *subnet = str(c, "Subnet");

	return strchr(*subnet ? subnet : str(c, "Gateway"), ':') != NULL;
}

/* The IPv6 part: with EnableIPv6, the subnet given (checked against the
 * other networks') or a ULA /64 of the data root's own /48, and its
 * gateway (the subnet's first address unless given). */
static int apply_ipam6(struct engine *engine, json_t *body, struct network *n,
		       struct network *all, size_t nall, berr *err)
{
	json_t *configs = json_object_get(json_object_get(body, "IPAM"), "Config"), *c = NULL, *v;
	bool enable = json_is_true(json_object_get(body, "EnableIPv6"));
	struct ipv6_prefix net, *taken;
	size_t ntaken = 0, i;
	const char *key;
	uint8_t gw[16];
	int rc = 0;

	json_array_foreach(configs, i, v) {
		if (!is_ipv6_config(v))
			continue;
		if (c)
			return berr_set(err, BERR_UNSUPPORTED,
					"more than one IPv6 subnet on a network is not supported");
		c = v;
	}
	if (!enable) {
		if (c)
			return berr_set(err, BERR_INVALID,
					"IPv6 subnet %s given, but IPv6 is not enabled (--ipv6)",
					str(c, "Subnet"));
		return 0;
	}
	if (c && *str(c, "Subnet") && !ipv6_parse_prefix(str(c, "Subnet"), &net))
		return berr_set(err, BERR_INVALID, "Invalid subnet %s : invalid CIDR address: %s",
				str(c, "Subnet"), str(c, "Subnet"));
	if (c && !*str(c, "Subnet"))
		return berr_set(err, BERR_INVALID, "no matching subnet for gateway %s",
				str(c, "Gateway"));
	if (c && *str(c, "IPRange"))
		return berr_set(err, BERR_UNSUPPORTED, "an IPv6 --ip-range is not supported");
	if (c && net.len > 126)
		return berr_set(err, BERR_INVALID, "IPv6 subnet %s is too small",
				str(c, "Subnet"));
	if (c) {
		/* link-local, multicast, loopback and mapped IPv4 are no
		 * network's to have */
		static const char *const reserved[] = {"fe80::/10", "ff00::/8", "::/127",
						       "::ffff:0:0/96"};
		char canonical[IPV6_PREFIX_TEXT];
		for (i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
			struct ipv6_prefix r;
			ipv6_parse_prefix(reserved[i], &r);
			if (ipv6_prefixes_overlap(&net, &r))
				return berr_set(err, BERR_INVALID,
						"invalid subnet %s : %s is reserved", str(c, "Subnet"),
						reserved[i]);
		}
		ipv6_format_prefix(&net, canonical);
		uint8_t raw[16];
		char given[IPV6_ADDR_TEXT + 4];
		snprintf(given, sizeof(given), "%.*s", (int)strcspn(str(c, "Subnet"), "/"),
			 str(c, "Subnet"));
		if (ipv6_parse_addr(given, raw) && memcmp(raw, net.addr, 16) != 0)
			return berr_set(err, BERR_INVALID, "invalid subnet %s : it should be %s",
					str(c, "Subnet"), canonical);
		if (check_host_overlap(AF_INET6, net.addr, net.len, str(c, "Subnet"), n->bridge, all,
				       nall, err) < 0)
			return -1;
		n->subnet_given |= NETWORK_GIVEN_V6;
	}
	if (!(taken = calloc(nall + 1, sizeof(*taken))))
		return berr_set(err, BERR_SYSTEM, "out of memory");
	for (i = 0; i < nall; i++)
		if (ipv6_parse_prefix(all[i].subnet6, &taken[ntaken]))
			ntaken++;
	if (c) {
		for (i = 0; i < ntaken && rc == 0; i++)
			if (ipv6_prefixes_overlap(&net, &taken[i]))
				rc = berr_set(err, BERR_CONFLICT,
					      "Pool overlaps with other one on this address space");
	} else {
		char seed[PATH_MAX + 64], *machine = NULL;

		fs_read_file("/etc/machine-id", &machine, NULL, NULL);
		snprintf(seed, sizeof(seed), "%s %s", machine ? machine : "", engine_root(engine));
		free(machine);
		rc = ipam6_pick_subnet(seed, taken, ntaken, &net, err);
	}
	free(taken);
	if (rc < 0)
		return -1;
	if (c && *str(c, "Gateway")) {
		if (!ipv6_parse_addr(str(c, "Gateway"), gw) || !ipv6_prefix_contains(&net, gw))
			return berr_set(err, BERR_INVALID, "no matching subnet for gateway %s",
					str(c, "Gateway"));
		if (memcmp(gw, net.addr, 16) == 0)
			return berr_set(err, BERR_INVALID,
					"invalid gateway %s: it is the subnet-router anycast address",
					str(c, "Gateway"));
	} else if (ipam6_pick_address(&net, NULL, 0, gw, err) < 0) {
		return -1;
	}
	json_object_foreach(json_object_get(c, "AuxiliaryAddresses"), key, v) {
		uint8_t a[16];

		if (!json_is_string(v) || !ipv6_parse_addr(json_string_value(v), a) ||
		    !ipv6_prefix_contains(&net, a))
			return berr_set(err, BERR_INVALID, "no matching subnet for aux-address %s",
					json_is_string(v) ? json_string_value(v) : key);
		json_object_set(n->aux, key, v);
	}
	ipv6_format_prefix(&net, n->subnet6);
	ipv6_format_addr(gw, n->gateway6);
	return 0;
}

/* The IPAM part of a create body, checked as Docker checks it, into n. */
static int apply_ipam(json_t *body, struct network *n, struct network *all, size_t nall,
		      const struct network_config *cfg, berr *err)
{
	json_t *configs = json_object_get(json_object_get(body, "IPAM"), "Config");
	json_t *c = NULL, *aux, *v;
	const char *subnet, *gateway, *range, *key;
	struct ipv4_prefix net, rng, *taken = NULL;
	size_t ntaken = 0, i;
	uint32_t gw;

	/* the IPv4 configuration: the one whose subnet is not IPv6 */
	json_array_foreach(configs, i, v) {
		if (is_ipv6_config(v))
			continue;
		if (c)
			return berr_set(err, BERR_UNSUPPORTED,
					"more than one IPv4 subnet on a network is not supported");
		c = v;
	}
	subnet = str(c, "Subnet");
	gateway = str(c, "Gateway");
	range = str(c, "IPRange");
	if (*subnet && !ipv4_parse_prefix(subnet, &net))
		return berr_set(err, BERR_INVALID, "Invalid subnet %s : invalid CIDR address: %s",
				subnet, subnet);
	if (!*subnet && (*gateway || *range || json_object_size(json_object_get(c, "AuxiliaryAddresses"))))
		return berr_set(err, BERR_INVALID,
				"no matching subnet for %s", *gateway ? "gateway" : *range ? "range"
											 : "aux-address");
	if (taken_subnets(all, nall, !*subnet, &taken, &ntaken, err) < 0)
		return -1;
	if (*subnet) {
		char canonical[IPV4_PREFIX_TEXT];
		uint32_t be = htonl(net.addr);

		ipv4_format_prefix(&net, canonical);
		if (strcmp(canonical, subnet) != 0) {
			free(taken);
			return berr_set(err, BERR_INVALID, "invalid subnet %s : it should be %s",
					subnet, canonical);
		}
		for (i = 0; i < ntaken; i++)
			if (ipv4_prefixes_overlap(&net, &taken[i])) {
				free(taken);
				return berr_set(err, BERR_CONFLICT,
						"Pool overlaps with other one on this address space");
			}
		if (check_host_overlap(AF_INET, (const uint8_t *)&be, net.len, subnet, n->bridge, all,
				       nall, err) < 0) {
			free(taken);
			return -1;
		}
		n->subnet_given |= NETWORK_GIVEN_V4;
	} else if (ipam_pick_subnet_from(cfg->pools, cfg->npools, taken, ntaken, &net, err) < 0) {
		free(taken);
		return -1;
	}
	free(taken);
	if (*gateway) {
		if (!ipv4_parse_addr(gateway, &gw) || !ipv4_prefix_contains(&net, gw))
			return berr_set(err, BERR_INVALID, "no matching subnet for gateway %s", gateway);
		if (net.len < 31 && (gw == net.addr || gw == (net.addr | ~ipv4_prefix_mask(net.len))))
			return berr_set(err, BERR_INVALID,
					"invalid gateway %s: it is the subnet's %s address", gateway,
					gw == net.addr ? "network" : "broadcast");
	} else {
		gw = net.addr + 1;
	}
	if (*range && (!ipv4_parse_prefix(range, &rng) || !ipv4_prefix_within(&rng, &net)))
		return berr_set(err, BERR_INVALID, "no matching subnet for range %s", range);
	aux = json_object_get(c, "AuxiliaryAddresses");
	json_decref(n->aux);
	n->aux = json_object();
	json_object_foreach(aux, key, v) {
		uint32_t a;

		if (!json_is_string(v) || !ipv4_parse_addr(json_string_value(v), &a) ||
		    !ipv4_prefix_contains(&net, a))
			return berr_set(err, BERR_INVALID, "no matching subnet for aux-address %s",
					json_is_string(v) ? json_string_value(v) : key);
		json_object_set(n->aux, key, v);
	}
	ipv4_format_prefix(&net, n->subnet);
	ipv4_format_addr(gw, n->gateway);
	if (*range)
		ipv4_format_prefix(&rng, n->ip_range);
	return 0;
}

/* A macvlan or ipvlan network's parent and mode, checked as Docker
 * checks them; without a parent, berth makes a parent link of its own
 * (berth-<9 hex>), as Docker does. */
static int apply_vlan_options(struct network *n, struct network *all, size_t nall, berr *err)
{
	bool mac = strcmp(n->driver, "macvlan") == 0;
	const char *parent = str(n->options, "parent");
	const char *mode = str(n->options, mac ? "macvlan_mode" : "ipvlan_mode");
	static const char *const mac_modes[] = {"bridge", "private", "vepa", "passthru", NULL};
	static const char *const ip_modes[] = {"l2", "l3", "l3s", NULL};
	const char *const *modes = mac ? mac_modes : ip_modes;
	bool known = !*mode;

	for (size_t i = 0; modes[i] && !known; i++)
		known = strcmp(mode, modes[i]) == 0;
	if (!known)
		return berr_set(err, BERR_INVALID,
				"requested %s mode '%s' is not valid, '%s' mode is the %s driver default",
				mac ? "macvlan" : "ipvlan", mode, modes[0], n->driver);
	if (!*parent) {
		snprintf(n->bridge, sizeof(n->bridge), "%s-%.9s", NETWORK_LINK_PREFIX, n->id);
		return 0;
	}
	bool exists = false;
	if (!link_name_valid(parent) || netlink_link_exists(parent, &exists, err) < 0 || !exists)
		return berr_set(err, BERR_NOT_FOUND,
				"-o parent interface was not found on the host: %s", parent);
	for (size_t i = 0; i < nall; i++)
		if (strcmp(all[i].driver, n->driver) == 0 &&
		    strcmp(str(all[i].options, "parent"), parent) == 0)
			return berr_set(err, BERR_CONFLICT,
					"network %s is already using parent interface %s",
					all[i].name, parent);
	return 0;
}

/* The bridge's name and MTU from the options, checked. */
static int apply_options(struct network *n, struct network *all, size_t nall, unsigned *mtu,
			 berr *err)
{
	const char *name = str(n->options, OPT_BRIDGE_NAME), *mtu_text = str(n->options, OPT_MTU);
	char *end;
	long value;

	*mtu = 0;
	if (*mtu_text) {
		value = strtol(mtu_text, &end, 10);
		if (*end || value < 68 || value > 65535)
			return berr_set(err, BERR_INVALID, "invalid MTU number: %s", mtu_text);
		*mtu = (unsigned)value;
	}
	if (strcmp(n->driver, "bridge") != 0)
		return apply_vlan_options(n, all, nall, err);
	if (*name) {
		if (!link_name_valid(name))
			return berr_set(err, BERR_INVALID, "invalid bridge name: %s", name);
		snprintf(n->bridge, sizeof(n->bridge), "%s", name);
	} else {
		snprintf(n->bridge, sizeof(n->bridge), "%s-%.9s", NETWORK_LINK_PREFIX, n->id);
	}
	for (size_t i = 0; i < nall; i++)
		if (strcmp(all[i].bridge, n->bridge) == 0)
			return berr_set(err, BERR_CONFLICT,
					"bridge %s is already used by network %s", n->bridge,
					all[i].name);
	/* berth makes and removes its bridges: never one of the host's,
	 * which `network rm` would delete */
	bool exists = false;
	if (*name && netlink_link_exists(name, &exists, err) < 0)
		return -1;
	if (exists)
		return berr_set(err, BERR_CONFLICT,
				"existing interface %s is not a bridge of berth's: a bridge network makes its own",
				name);
	return 0;
}

int network_create(struct engine *engine, json_t *body, struct network *out, berr *err)
{
	struct store *st = engine_store(engine, err);
	const char *name = str(body, "Name"), *driver = str(body, "Driver");
	struct network n = {0}, *all = NULL;
	struct network_config cfg = {0};
	char intent[PATH_MAX];
	size_t nall = 0;
	unsigned mtu;

	if (!st)
		return -1;
	if (!*name)
		return berr_set(err, BERR_INVALID, "network name is required");
	if (!*driver)
		driver = "bridge";
	if (strcmp(driver, "host") == 0 || strcmp(driver, "null") == 0)
		return berr_set(err, BERR_CONFLICT, "only one instance of \"%s\" network is allowed",
				driver);
	if (strcmp(driver, "overlay") == 0)
		return berr_set(err, BERR_UNSUPPORTED, "the %s driver is not supported yet", driver);
	if (strcmp(driver, "bridge") != 0 && strcmp(driver, "macvlan") != 0 &&
	    strcmp(driver, "ipvlan") != 0)
		return berr_set(err, BERR_NOT_FOUND, "plugin \"%s\" not found", driver);
	if (random_hex_id(n.id, err) < 0)
		return -1;
	snprintf(n.name, sizeof(n.name), "%s", name);
	snprintf(n.driver, sizeof(n.driver), "%s", driver);
	n.created = clock_now_nanos();
	n.internal = json_is_true(json_object_get(body, "Internal"));
	n.labels = json_is_object(json_object_get(body, "Labels"))
			   ? json_deep_copy(json_object_get(body, "Labels"))
			   : json_object();
	n.options = json_is_object(json_object_get(body, "Options"))
			    ? json_deep_copy(json_object_get(body, "Options"))
			    : json_object();
	/* daemon.json's default-network-opts, under the user's own */
	if (network_config_load(&cfg, err) < 0) {
		network_free(&n);
		return -1;
	}
	json_t *defaults = json_object_get(cfg.default_opts, driver);
	const char *okey;
	json_t *oval;
	json_object_foreach(defaults, okey, oval)
		if (json_is_string(oval) && !json_object_get(n.options, okey))
			json_object_set(n.options, okey, oval);
	/* the write lock first: two creates never pick the same subnet */
	if (store_begin(st, err) < 0)
		goto fail;
	if (network_load_all(st, &all, &nall, err) < 0)
		goto rollback;
	for (size_t i = 0; i < nall; i++)
		if (strcmp(all[i].name, name) == 0) {
			berr_set(err, BERR_CONFLICT, "network with name %s already exists", name);
			goto rollback;
		}
	if (apply_ipam(body, &n, all, nall, &cfg, err) < 0 ||
	    apply_ipam6(engine, body, &n, all, nall, err) < 0 ||
	    apply_options(&n, all, nall, &mtu, err) < 0 || network_insert(st, &n, err) < 0)
		goto rollback;
	/* a macvlan or ipvlan network on a parent of the host's owns no link */
	if (n.bridge[0]) {
		if (intent_begin(engine, "network-link", n.bridge, intent, sizeof(intent), err) < 0)
			goto rollback;
		if (network_link_ensure(&n, NULL, err) < 0)
			goto undo_link;
	}
	engine_emit(engine, "network", "create", n.id,
		    json_pack("{s:s, s:s}", "name", n.name, "type", n.driver));
	if (store_commit(st, err) < 0) {
		if (n.bridge[0])
			goto undo_link;
		goto fail;
	}
	if (n.bridge[0])
		intent_end(intent);
	network_free_all(all, nall);
	network_config_free(&cfg);
	/* after the commit: a rebuild reads the store as committed */
	if (firewall_apply(engine, err) < 0) {
		network_remove(engine, n.id, NULL);
		network_free(&n);
		return -1;
	}
	*out = n;
	return 0;
undo_link:
	store_rollback(st);
	netlink_link_delete(n.bridge, NULL);
	intent_end(intent);
	goto fail;
rollback:
	store_rollback(st);
fail:
	network_config_free(&cfg);
	network_free_all(all, nall);
	network_free(&n);
	return -1;
}

int network_remove(struct engine *engine, const char *ref, berr *err)
{
	struct store *st = engine_store(engine, err);
	char intent[PATH_MAX];
	struct network n;
	json_t *users;
	int rc;

	if (!st || store_begin(st, err) < 0)
		return -1;
	if (network_lookup(st, ref, &n, err) < 0) {
		store_rollback(st);
		return -1;
	}
	if (predefined(n.name)) {
		store_rollback(st);
		berr_set(err, BERR_CONFLICT, "%s is a pre-defined network and cannot be removed",
			 n.name);
		network_free(&n);
		return -1;
	}
	users = network_endpoint_containers(st, n.id, err);
	if (!users || json_array_size(users)) {
		if (users)
			berr_set(err, BERR_CONFLICT,
				 "error while removing network: network %s id %s has active endpoints",
				 n.name, n.id);
		json_decref(users);
		store_rollback(st);
		network_free(&n);
		return -1;
	}
	json_decref(users);
	/* the row, then the link, under an intent naming the link: a crash
	 * anywhere leaves a link the next start removes once no row has it */
	intent[0] = '\0';
	if (n.bridge[0] &&
	    intent_begin(engine, "network-link", n.bridge, intent, sizeof(intent), err) < 0) {
		store_rollback(st);
		network_free(&n);
		return -1;
	}
	/* stopped containers lose it: the next start of one whose network
	 * it was fails with "network <name> not found", as Docker's */
	if (endpoint_delete_network(st, n.id, err) < 0 || network_delete_row(st, n.id, err) < 0) {
		store_rollback(st);
		if (intent[0])
			intent_end(intent);
		network_free(&n);
		return -1;
	}
	engine_emit(engine, "network", "destroy", n.id,
		    json_pack("{s:s, s:s}", "name", n.name, "type", n.driver));
	rc = store_commit(st, err);
	if (rc == 0) {
		if (n.bridge[0])
			netlink_link_delete(n.bridge, NULL);
		firewall_apply(engine, NULL);
	}
	if (intent[0])
		intent_end(intent);
	network_free(&n);
	return rc;
}

/* The running containers on a network, as Docker's inspect shows them. */
static json_t *containers_json(struct engine *engine, const struct network *n)
{
	struct store *st = engine_store(engine, NULL);
	struct endpoint *eps = NULL;
	struct ipv4_prefix subnet = {0};
	struct ipv6_prefix subnet6 = {0};
	json_t *out = json_object();
	size_t count = 0;
	char cidr[40], cidr6[IPV6_PREFIX_TEXT];

	if (!st || endpoint_load_network(st, n->id, &eps, &count, NULL) < 0)
		return out;
	ipv4_parse_prefix(n->subnet, &subnet);
	ipv6_parse_prefix(n->subnet6, &subnet6);
	for (size_t i = 0; i < count; i++) {
		if (!eps[i].address[0])
			continue;
		snprintf(cidr, sizeof(cidr), "%s/%u", eps[i].address, subnet.len);
		cidr6[0] = '\0';
		if (eps[i].address6[0])
			snprintf(cidr6, sizeof(cidr6), "%s/%u", eps[i].address6, subnet6.len);
		json_object_set_new(out, eps[i].container_id,
				    json_pack("{s:s, s:s, s:s, s:s, s:s}", "Name",
					      json_string_value(json_object_get(eps[i].config,
										"Container")),
					      "EndpointID", eps[i].endpoint_id, "MacAddress",
					      eps[i].mac, "IPv4Address", cidr, "IPv6Address", cidr6));
	}
	endpoint_free_all(eps, count);
	return out;
}

json_t *network_inspect_json(struct engine *engine, const struct network *n)
{
	char created[64];
	json_t *config = json_array(), *options = json_deep_copy(n->options);

	units_rfc3339nano(n->created, created, sizeof(created));
	if (n->subnet[0]) {
		json_t *c = json_pack("{s:s, s:s}", "Subnet", n->subnet, "Gateway", n->gateway);

		if (n->ip_range[0])
			json_object_set_new(c, "IPRange", json_string(n->ip_range));
		if (json_object_size(n->aux))
			json_object_set(c, "AuxiliaryAddresses", n->aux);
		json_array_append_new(config, c);
	}
	if (n->subnet6[0])
		json_array_append_new(config, json_pack("{s:s, s:s}", "Subnet", n->subnet6, "Gateway",
							n->gateway6));
	if (strcmp(n->name, "bridge") == 0 && strcmp(n->driver, "bridge") == 0) {
		json_object_set_new(options, "com.docker.network.bridge.default_bridge",
				    json_string("true"));
		struct network_config cfg = {0};
		bool icc = network_config_load(&cfg, NULL) < 0 || cfg.icc;
		network_config_free(&cfg);
		json_object_set_new(options, "com.docker.network.bridge.enable_icc",
				    json_string(icc ? "true" : "false"));
		json_object_set_new(options, "com.docker.network.bridge.enable_ip_masquerade",
				    json_string("true"));
		json_object_set_new(options, "com.docker.network.bridge.host_binding_ipv4",
				    json_string("0.0.0.0"));
		json_object_set_new(options, OPT_BRIDGE_NAME, json_string(n->bridge));
		if (!json_object_get(options, OPT_MTU))
			json_object_set_new(options, OPT_MTU, json_string("1500"));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:{s:s, s:{}, s:o}, s:b, s:b, s:b,"
			 " s:{s:s}, s:b, s:o, s:o, s:O}",
			 "Name", n->name, "Id", n->id, "Created", created, "Scope", "local",
			 "Driver", n->driver, "EnableIPv6", n->subnet6[0] != '\0', "IPAM", "Driver", "default",
			 "Options", "Config", config, "Internal", n->internal, "Attachable", false,
			 "Ingress", false, "ConfigFrom", "Network", "", "ConfigOnly", false,
			 "Containers", containers_json(engine, n), "Options", options, "Labels",
			 n->labels);
}

int network_default_bridge_recheck(struct store *st, struct network *n, berr *err)
{
	struct network_config cfg = {0};
	struct network *all = NULL;
	struct ipv4_prefix net, *taken = NULL;
	size_t nall = 0, ntaken = 0;
	bool exists = true;
	char link[16];
	json_t *users;
	int rc = -1;

	if (strcmp(n->name, "bridge") != 0 || strcmp(n->driver, "bridge") != 0 ||
	    netlink_link_exists(n->bridge, &exists, err) < 0 || exists ||
	    !ipv4_parse_prefix(n->subnet, &net))
		return exists ? 0 : -1;
	uint32_t be = htonl(net.addr);
	int overlap = netlink_address_overlap(AF_INET, (const uint8_t *)&be, net.len, NULL, 0, link,
					      err);
	if (overlap <= 0)
		return overlap;
	if (n->subnet_given & NETWORK_GIVEN_V4)
		return berr_set(err, BERR_CONFLICT,
				"the default bridge's subnet %s (bip) overlaps an address of the host's link %s",
				n->subnet, link);
	users = network_endpoint_containers(st, n->id, err);
	if (!users || json_array_size(users)) {
		/* leases on a bridge that is not there: a start of another berth
		 * is making it right now, with this subnet */
		json_decref(users);
		return users ? 0 : -1;
	}
	json_decref(users);
	if (network_config_load(&cfg, err) < 0 || network_load_all(st, &all, &nall, err) < 0)
		goto out;
	for (size_t i = 0; i < nall; i++)
		if (strcmp(all[i].id, n->id) == 0)
			all[i].subnet[0] = '\0';
	if (taken_subnets(all, nall, true, &taken, &ntaken, err) < 0 ||
	    ipam_pick_subnet_from(cfg.pools, cfg.npools, taken, ntaken, &net, err) < 0)
		goto out;
	ipv4_format_prefix(&net, n->subnet);
	ipv4_format_addr(net.addr + 1, n->gateway);
	n->ip_range[0] = '\0';
	rc = network_update_ipam(st, n, err);
out:
	free(taken);
	network_free_all(all, nall);
	network_config_free(&cfg);
	return rc;
}

/* Adds a predefined network when the store lacks it. */
/* The default bridge's IPAM body and options as daemon.json asks. */
static json_t *default_bridge_body(const struct network_config *cfg, json_t *options)
{
	json_t *body = json_object();
	char subnet[IPV4_PREFIX_TEXT], gateway[IPV4_ADDR_TEXT], mtu[16];

	json_t *configs = json_array();

	if (cfg->has_bip) {
		ipv4_format_prefix(&cfg->bip_net, subnet);
		ipv4_format_addr(cfg->bip_gateway, gateway);
		json_array_append_new(configs, json_pack("{s:s, s:s}", "Subnet", subnet, "Gateway",
							 gateway));
	}
	if (cfg->ipv6) {
		json_object_set_new(body, "EnableIPv6", json_true());
		if (cfg->fixed_cidr_v6[0])
			json_array_append_new(configs, json_pack("{s:s}", "Subnet", cfg->fixed_cidr_v6));
	}
	json_object_set_new(body, "IPAM", json_pack("{s:o}", "Config", configs));
	if (cfg->mtu) {
		snprintf(mtu, sizeof(mtu), "%u", cfg->mtu);
		json_object_set_new(options, OPT_MTU, json_string(mtu));
	}
	return body;
}

static int ensure_predefined(struct engine *engine, struct store *st, const char *name,
			     const char *driver, struct network *all, size_t nall,
			     const struct network_config *cfg, berr *err)
{
	struct network n = {0};
	int rc;

	for (size_t i = 0; i < nall; i++)
		if (strcmp(all[i].name, name) == 0)
			return 0;
	if (random_hex_id(n.id, err) < 0)
		return -1;
	snprintf(n.name, sizeof(n.name), "%s", name);
	snprintf(n.driver, sizeof(n.driver), "%s", driver);
	n.created = clock_now_nanos();
	n.aux = json_object();
	n.labels = json_object();
	n.options = json_object();
	if (strcmp(driver, "bridge") == 0) {
		json_t *body = default_bridge_body(cfg, n.options);
		struct ipv4_prefix net;

		network_instance_name(engine, NETWORK_DEFAULT_BRIDGE, n.bridge);
		rc = apply_ipam(body, &n, all, nall, cfg, err);
		if (rc == 0)
			rc = apply_ipam6(engine, body, &n, all, nall, err);
		json_decref(body);
		if (rc < 0 || !ipv4_parse_prefix(n.subnet, &net)) {
			network_free(&n);
			return -1;
		}
	}
	rc = network_insert(st, &n, err);
	network_free(&n);
	return rc;
}

/* Links an interrupted create or remove of this store left: each intent
 * names one, removed when no network has it. Runs under the write lock, so
 * that no create of a running berth is between its bridge and its row. */
static int finish_link_intents(struct store *st, json_t *orphans, berr *err)
{
	struct network *all = NULL;
	json_t *o;
	size_t nall = 0, i;

	if (network_load_all(st, &all, &nall, err) < 0)
		return -1;
	json_array_foreach(orphans, i, o) {
		const char *name = json_string_value(json_array_get(o, 0));
		bool owned = false;

		for (size_t k = 0; k < nall && !owned; k++)
			owned = strcmp(all[k].bridge, name) == 0;
		if (!owned)
			netlink_link_delete(name, NULL);
		intent_end(json_string_value(json_array_get(o, 1)));
	}
	network_free_all(all, nall);
	return 0;
}

/* Whether the predefined networks are all there. */
static bool predefined_present(struct network *all, size_t nall)
{
	int n = 0;

	for (size_t i = 0; i < nall; i++)
		n += predefined(all[i].name);
	return n == 3;
}

/* Whether the default bridge's row says what daemon.json asks (bip, mtu). */
static bool default_bridge_as_configured(const struct network *all, size_t nall,
					 const struct network_config *cfg)
{
	for (size_t i = 0; i < nall; i++) {
		const struct network *n = &all[i];
		struct ipv4_prefix net;
		uint32_t gw;

		if (strcmp(n->name, "bridge") != 0)
			continue;
		if (cfg->has_bip &&
		    (!ipv4_parse_prefix(n->subnet, &net) || !ipv4_parse_addr(n->gateway, &gw) ||
		     net.addr != cfg->bip_net.addr || net.len != cfg->bip_net.len ||
		     gw != cfg->bip_gateway))
			return false;
		if (cfg->mtu && network_mtu(n) != cfg->mtu)
			return false;
		/* ipv6 turned on or off, or another fixed-cidr-v6 */
		if (cfg->ipv6 != (n->subnet6[0] != '\0') ||
		    (cfg->ipv6 && cfg->fixed_cidr_v6[0] && strcmp(cfg->fixed_cidr_v6, n->subnet6) != 0))
			return false;
	}
	return true;
}

/* daemon.json changed bip or mtu: the default bridge takes them once no
 * container runs on it (its link goes, and is made again at the next
 * start with the new address). */
static int reconfigure_default_bridge(struct engine *engine, struct store *st,
				      const struct network_config *cfg, berr *err)
{
	struct network n;
	json_t *users, *body;
	int rc;

	if (network_lookup(st, "bridge", &n, err) < 0)
		return -1;
	users = network_endpoint_containers(st, n.id, err);
	if (!users || json_array_size(users)) {
		json_decref(users);
		network_free(&n);
		return users ? 0 : -1;
	}
	json_decref(users);
	body = default_bridge_body(cfg, n.options);
	rc = 0;
	if (cfg->has_bip) {
		n.subnet[0] = n.gateway[0] = '\0';
		rc = apply_ipam(body, &n, NULL, 0, cfg, err);
	}
	n.subnet6[0] = n.gateway6[0] = '\0';
	if (rc == 0) {
		/* the other networks' IPv6 subnets (its own is cleared above) */
		struct network *all = NULL;
		size_t nall = 0;
		rc = network_load_all(st, &all, &nall, err);
		for (size_t i = 0; rc == 0 && i < nall; i++)
			if (strcmp(all[i].id, n.id) == 0)
				all[i].subnet6[0] = '\0';
		if (rc == 0)
			rc = apply_ipam6(engine, body, &n, all, nall, err);
		network_free_all(all, nall);
	}
	json_decref(body);
	if (rc == 0)
		rc = network_update_ipam(st, &n, err);
	if (rc == 0)
		netlink_link_delete(n.bridge, NULL);
	network_free(&n);
	return rc;
}

int network_startup(struct engine *engine, berr *err)
{
	struct store *st = engine_store(engine, err);
	json_t *orphans = intent_orphans(engine, "network-link");
	struct network *all = NULL;
	struct network_config cfg = {0};
	size_t nall = 0;
	int rc = -1;

	if (!st || network_config_load(&cfg, err) < 0)
		goto out;
	/* rules of ports a dead berth gave back before it could rebuild */
	firewall_finish_intents(engine);
	/* the common case reads only: nothing missing, nothing left over */
	if (network_load_all(st, &all, &nall, err) < 0)
		goto out;
	bool configured = default_bridge_as_configured(all, nall, &cfg);
	if (predefined_present(all, nall) && json_array_size(orphans) == 0 && configured) {
		rc = 0;
		goto out;
	}
	network_free_all(all, nall);
	all = NULL;
	if (store_begin(st, err) < 0)
		goto out;
	if (network_load_all(st, &all, &nall, err) < 0 ||
	    ensure_predefined(engine, st, "none", "null", all, nall, &cfg, err) < 0 ||
	    ensure_predefined(engine, st, "host", "host", all, nall, &cfg, err) < 0 ||
	    ensure_predefined(engine, st, "bridge", "bridge", all, nall, &cfg, err) < 0 ||
	    finish_link_intents(st, orphans, err) < 0 ||
	    (!configured && reconfigure_default_bridge(engine, st, &cfg, err) < 0)) {
		store_rollback(st);
		goto out;
	}
	rc = store_commit(st, err);
	if (rc == 0 && !configured)
		firewall_apply(engine, NULL);
out:
	network_config_free(&cfg);
	json_decref(orphans);
	network_free_all(all, nall);
	return rc;
}
