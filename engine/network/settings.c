/* What a container shows of its networks: Docker's NetworkSettings for
 * inspect, the Ports of a ps row. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/network/internal.h"

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The names the endpoint answers to at 127.0.0.11, as Docker lists them:
 * its name, its aliases, its short id (none on the default bridge). */
static json_t *dns_names(const struct endpoint *e, const struct network *n)
{
	json_t *names = json_pack("[s]", str(e->config, "Container")), *a;
	char short_id[13];
	size_t i;

	if (!n || strcmp(n->name, "bridge") == 0)
		return names;
	json_array_foreach(e->aliases, i, a)
		if (json_is_string(a))
			json_array_append(names, a);
	snprintf(short_id, sizeof(short_id), "%.12s", e->container_id);
	json_array_append_new(names, json_string(short_id));
	return names;
}

static json_t *endpoint_json(const struct endpoint *e, const struct network *n, bool running)
{
	const char *asked = str(e->config, "IPv4Address"), *asked6 = str(e->config, "IPv6Address");
	struct ipv4_prefix subnet = {0};
	struct ipv6_prefix subnet6 = {0};
	bool live = running && e->address[0], live6 = live && e->address6[0];
	json_t *ipam = json_null();

	ipv4_parse_prefix(n ? n->subnet : "", &subnet);
	ipv6_parse_prefix(n ? n->subnet6 : "", &subnet6);
	if (*asked || *asked6) {
		ipam = json_object();
		if (*asked)
			json_object_set_new(ipam, "IPv4Address", json_string(asked));
		if (*asked6)
			json_object_set_new(ipam, "IPv6Address", json_string(asked6));
	}
	return json_pack("{s:o, s:n, s:O, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:n, s:o}",
			 "IPAMConfig", ipam, "Links",
			 "Aliases", e->aliases, "MacAddress", live ? e->mac : "", "NetworkID",
			 e->network_id, "EndpointID", live ? e->endpoint_id : "", "Gateway",
			 live && n && !n->internal ? n->gateway : "", "IPAddress",
			 live ? e->address : "", "IPPrefixLen", live ? (int)subnet.len : 0,
			 "IPv6Gateway", live6 && n && !n->internal ? n->gateway6 : "", "GlobalIPv6Address",
			 live6 ? e->address6 : "", "GlobalIPv6PrefixLen", live6 ? (int)subnet6.len : 0,
			 "DriverOpts", "DNSNames", live ? dns_names(e, n) : json_null());
}

/* Docker's Ports object: "80/tcp" -> [{HostIp, HostPort}] or null. */
static json_t *ports_object(const struct published_port *ports, size_t n, json_t *config,
			    bool running)
{
	json_t *out = json_object(), *exposed = json_object_get(config, "ExposedPorts"), *v;
	const char *key;
	char name[32], port[8];

	if (!running)
		return out;
	json_object_foreach(exposed, key, v)
		json_object_set_new(out, key, json_null());
	for (size_t i = 0; i < n; i++) {
		json_t *list;

		snprintf(name, sizeof(name), "%d/%s", ports[i].container_port, ports[i].proto);
		snprintf(port, sizeof(port), "%d", ports[i].host_port);
		list = json_object_get(out, name);
		if (!json_is_array(list)) {
			list = json_array();
			json_object_set_new(out, name, list);
		}
		json_array_append_new(list, json_pack("{s:s, s:s}", "HostIp", ports[i].host_ip,
						      "HostPort", port));
	}
	return out;
}

json_t *network_container_settings(struct engine *engine, const char *id, json_t *config,
				   json_t *host_config, int pid, bool running)
{
	struct store *st = engine_store(engine, NULL);
	const char *mode = str(host_config, "NetworkMode");
	struct endpoint *eps = NULL;
	struct published_port *ports = NULL;
	size_t neps = 0, nports = 0;
	json_t *networks = json_object(), *bridge = NULL, *out;
	char key[64] = "";

	if (st && network_mode_is_network(mode)) {
		endpoint_load_container(st, id, &eps, &neps, NULL);
		if (running)
			port_load_container(st, id, &ports, &nports, NULL);
	} else if (*mode && strncmp(mode, "container:", 10) != 0) {
		/* host and none show their predefined network */
		struct network n;

		if (st && network_lookup(st, mode, &n, NULL) == 0) {
			json_object_set_new(networks, n.name,
					    json_pack("{s:n, s:n, s:n, s:s, s:s, s:s, s:s, s:s, s:i,"
						      " s:s, s:s, s:i, s:n, s:n}",
						      "IPAMConfig", "Links", "Aliases", "MacAddress",
						      "", "NetworkID", n.id, "EndpointID", "",
						      "Gateway", "", "IPAddress", "", "IPPrefixLen",
						      0, "IPv6Gateway", "", "GlobalIPv6Address", "",
						      "GlobalIPv6PrefixLen", 0, "DriverOpts",
						      "DNSNames"));
			network_free(&n);
		}
	}
	for (size_t i = 0; i < neps; i++) {
		struct network n;
		bool found = network_by_id(st, eps[i].network_id, &n, NULL) == 0;
		const char *name = found ? n.name : str(eps[i].config, "Network");
		json_t *ep = endpoint_json(&eps[i], found ? &n : NULL, running);

		if (strcmp(name, "bridge") == 0)
			bridge = ep;
		json_object_set_new(networks, name, ep);
		if (found)
			network_free(&n);
	}
	if (running && pid > 0)
		snprintf(key, sizeof(key), "/proc/%d/ns/net", pid);
	out = json_pack("{s:s, s:s, s:s, s:o, s:b, s:s, s:i, s:n, s:n}", "Bridge", "", "SandboxID",
			running && neps ? id : "", "SandboxKey", key, "Ports",
			ports_object(ports, nports, config, running), "HairpinMode", 0,
			"LinkLocalIPv6Address", "", "LinkLocalIPv6PrefixLen", 0,
			"SecondaryIPAddresses", "SecondaryIPv6Addresses");
	static const char *const legacy[] = {"EndpointID", "Gateway",     "GlobalIPv6Address",
					     "GlobalIPv6PrefixLen", "IPAddress", "IPPrefixLen",
					     "IPv6Gateway", "MacAddress"};
	for (size_t i = 0; i < sizeof(legacy) / sizeof(legacy[0]); i++) {
		json_t *v = bridge ? json_object_get(bridge, legacy[i]) : NULL;

		json_object_set_new(out, legacy[i],
				    v ? json_incref(v)
				      : strstr(legacy[i], "PrefixLen") ? json_integer(0)
								       : json_string(""));
	}
	json_object_set_new(out, "Networks", networks);
	endpoint_free_all(eps, neps);
	free(ports);
	return out;
}

json_t *network_container_ports(struct engine *engine, const char *id, json_t *config,
				bool running)
{
	struct store *st = engine_store(engine, NULL);
	json_t *out = json_array(), *exposed = json_object_get(config, "ExposedPorts"), *v;
	struct published_port *ports = NULL;
	size_t n = 0;
	const char *key;

	if (!running || !st)
		return out;
	port_load_container(st, id, &ports, &n, NULL);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, json_pack("{s:s, s:i, s:i, s:s}", "IP", ports[i].host_ip,
						     "PrivatePort", ports[i].container_port,
						     "PublicPort", ports[i].host_port, "Type",
						     ports[i].proto));
	json_object_foreach(exposed, key, v) {
		int port = atoi(key);
		const char *slash = strchr(key, '/');
		bool bound = false;

		for (size_t i = 0; i < n && !bound; i++)
			bound = ports[i].container_port == port &&
				strcmp(ports[i].proto, slash ? slash + 1 : "tcp") == 0;
		if (!bound && port > 0)
			json_array_append_new(out, json_pack("{s:i, s:s}", "PrivatePort", port, "Type",
							     slash ? slash + 1 : "tcp"));
	}
	free(ports);
	return out;
}
