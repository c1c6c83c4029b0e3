/* The network flags of run and create: --network (repeated, and in its
 * long form name=...,alias=...,ip=...,ip6=...,mac-address=...),
 * --network-alias, --ip, --ip6, --mac-address, -p, -P, --expose, --add-host, --dns,
 * --dns-search and --dns-option, into Docker's create body. */
#ifndef BERTH_CLI_NET_FLAGS_H
#define BERTH_CLI_NET_FLAGS_H

#include <jansson.h>
#include <stdbool.h>

#include "cli/cli.h"

struct net_opts {
	struct strlist networks, aliases, publish, expose, add_hosts, links;
	struct strlist dns, dns_search, dns_options;
	char *ip, *ip6, *mac;
	bool publish_all;
};

#define NET_CREATE_FLAGS(o)                                                                      \
	{"network", 0, FLAG_LIST, &(o).networks, "network", "Connect a container to a network"},  \
	{"net", 0, FLAG_LIST, &(o).networks, "network", "Connect a container to a network"},      \
	{"network-alias", 0, FLAG_LIST, &(o).aliases, "list", "Add network-scoped alias for the container"}, \
	{"net-alias", 0, FLAG_LIST, &(o).aliases, "list", "Add network-scoped alias for the container"}, \
	{"ip", 0, FLAG_STRING, &(o).ip, "string", "IPv4 address (e.g., 172.30.100.104)"},         \
	{"ip6", 0, FLAG_STRING, &(o).ip6, "string", "IPv6 address (e.g., 2001:db8::33)"},          \
	{"mac-address", 0, FLAG_STRING, &(o).mac, "string", "Container MAC address (e.g., 92:d0:c6:0a:29:33)"}, \
	{"publish", 'p', FLAG_LIST, &(o).publish, "list", "Publish a container's port(s) to the host"}, \
	{"publish-all", 'P', FLAG_BOOL, &(o).publish_all, NULL, "Publish all exposed ports to random ports"}, \
	{"expose", 0, FLAG_LIST, &(o).expose, "list", "Expose a port or a range of ports"},       \
	{"add-host", 0, FLAG_LIST, &(o).add_hosts, "list", "Add a custom host-to-IP mapping (host:ip)"}, \
	{"link", 0, FLAG_LIST, &(o).links, "list", "Add link to another container"},              \
	{"dns", 0, FLAG_LIST, &(o).dns, "list", "Set custom DNS servers"},                        \
	{"dns-search", 0, FLAG_LIST, &(o).dns_search, "list", "Set custom DNS search domains"},   \
	{"dns-option", 0, FLAG_LIST, &(o).dns_options, "list", "Set DNS options"},                \
	{"dns-opt", 0, FLAG_LIST, &(o).dns_options, "list", "Set DNS options"}

/* Fills body (ExposedPorts, NetworkingConfig) and hc (NetworkMode,
 * PortBindings, PublishAllPorts, ExtraHosts, Dns...). 0, or the exit
 * status of a refusal (already reported). */
int cli_network_flags(struct cli *cli, const struct net_opts *o, json_t *body, json_t *hc);

#endif
