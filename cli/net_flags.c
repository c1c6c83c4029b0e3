/* The network flags of run and create (see net_flags.h). */
#include "cli/net_flags.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cli/ports.h"

/* The long form of --network: "name=n,alias=a,ip=x,mac-address=m,..." into
 * the endpoint's settings; *name the network. */
static int network_long_form(struct cli *cli, const char *spec, char *name, size_t n,
			     json_t *settings)
{
	char copy[1024], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", spec);
	*name = '\0';
	for (char *kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq)
			return cli_failf(cli, 125, "invalid argument \"%s\" for \"--network\" flag: "
						   "invalid field '%s' must be a key=value pair",
					 spec, kv);
		*eq = '\0';
		const char *v = eq + 1;
		if (strcmp(kv, "name") == 0) {
			snprintf(name, n, "%s", v);
		} else if (strcmp(kv, "alias") == 0) {
			json_t *a = json_object_get(settings, "Aliases");
			if (!a)
				json_object_set_new(settings, "Aliases", a = json_array());
			json_array_append_new(a, json_string(v));
		} else if (strcmp(kv, "ip") == 0 || strcmp(kv, "ip6") == 0) {
			json_t *ipam = json_object_get(settings, "IPAMConfig");
			if (!ipam)
				json_object_set_new(settings, "IPAMConfig", ipam = json_object());
			json_object_set_new(ipam, kv[2] ? "IPv6Address" : "IPv4Address", json_string(v));
		} else if (strcmp(kv, "mac-address") == 0) {
			json_object_set_new(settings, "MacAddress", json_string(v));
		} else if (strcmp(kv, "driver-opt") == 0) {
			json_t *d = json_object_get(settings, "DriverOpts");
			char *deq = strchr(v, '=');
			if (!d)
				json_object_set_new(settings, "DriverOpts", d = json_object());
			if (deq) {
				*deq = '\0';
				json_object_set_new(d, v, json_string(deq + 1));
			}
		} else {
			return cli_failf(cli, 125, "invalid argument \"%s\" for \"--network\" flag: "
						   "invalid field key %s",
					 spec, kv);
		}
	}
	if (!*name)
		return cli_failf(cli, 125, "invalid argument \"%s\" for \"--network\" flag: "
					   "network name/id is not specified",
				 spec);
	return 0;
}

static json_t *string_array(const struct strlist *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->len; i++)
		json_array_append_new(a, json_string(l->items[i]));
	return a;
}

static int endpoints(struct cli *cli, const struct net_opts *o, json_t *body, json_t *hc)
{
	json_t *eps = json_object();
	char primary[256] = "";
	int status;

	for (size_t i = 0; i < o->networks.len; i++) {
		const char *spec = o->networks.items[i];
		json_t *settings = json_object();
		char name[256];

		if (strchr(spec, '=')) {
			if ((status = network_long_form(cli, spec, name, sizeof(name), settings))) {
				json_decref(settings);
				json_decref(eps);
				return status;
			}
		} else {
			snprintf(name, sizeof(name), "%s", spec);
		}
		if (i == 0)
			snprintf(primary, sizeof(primary), "%s", name);
		else if (strcmp(primary, "host") == 0 || strcmp(primary, "none") == 0 ||
			 strncmp(primary, "container:", 10) == 0 || strcmp(name, "host") == 0 ||
			 strcmp(name, "none") == 0 || strncmp(name, "container:", 10) == 0) {
			json_decref(settings);
			json_decref(eps);
			return cli_failf(cli, 125, "conflicting options: cannot attach both user-defined and non-user-defined network-modes");
		}
		if (json_object_get(eps, name)) {
			json_decref(settings);
			json_decref(eps);
			return cli_failf(cli, 125, "network \"%s\" is specified multiple times", name);
		}
		json_object_set_new(eps, name, settings);
	}
	if (!*primary)
		snprintf(primary, sizeof(primary), "default");
	json_object_set_new(hc, "NetworkMode", json_string(primary));
	/* --ip, --mac-address and --network-alias go with the first network */
	if (o->ip || o->ip6 || o->mac || o->aliases.len) {
		json_t *settings = json_object_get(eps, primary);
		if (!settings)
			json_object_set_new(eps, primary, settings = json_object());
		if (o->ip || o->ip6) {
			json_t *ipam = json_object_get(settings, "IPAMConfig");
			if (!ipam)
				json_object_set_new(settings, "IPAMConfig", ipam = json_object());
			if (o->ip)
				json_object_set_new(ipam, "IPv4Address", json_string(o->ip));
			if (o->ip6)
				json_object_set_new(ipam, "IPv6Address", json_string(o->ip6));
		}
		if (o->mac)
			json_object_set_new(settings, "MacAddress", json_string(o->mac));
		if (o->aliases.len) {
			json_t *a = json_object_get(settings, "Aliases");
			if (!a)
				json_object_set_new(settings, "Aliases", a = json_array());
			for (size_t i = 0; i < o->aliases.len; i++)
				json_array_append_new(a, json_string(o->aliases.items[i]));
		}
	}
	if (json_object_size(eps))
		json_object_set_new(body, "NetworkingConfig", json_pack("{s:o}", "EndpointsConfig", eps));
	else
		json_decref(eps);
	return 0;
}

int cli_network_flags(struct cli *cli, const struct net_opts *o, json_t *body, json_t *hc)
{
	json_t *exposed = json_object(), *bindings = json_object();
	unsigned char addr[16];
	char msg[256];
	int status;

	if (o->ip && inet_pton(AF_INET, o->ip, addr) != 1) {
		status = cli_failf(cli, 125, "invalid argument \"%s\" for \"--ip\" flag: invalid string being converted to IP address: %s",
				   o->ip, o->ip);
		goto fail;
	}
	if (o->ip6 && (inet_pton(AF_INET6, o->ip6, addr) != 1)) {
		status = cli_failf(cli, 125, "invalid argument \"%s\" for \"--ip6\" flag: invalid string being converted to IP address: %s",
				   o->ip6, o->ip6);
		goto fail;
	}
	for (size_t i = 0; i < o->expose.len; i++)
		if (ports_parse_expose(o->expose.items[i], exposed, msg, sizeof(msg)) < 0) {
			status = cli_failf(cli, 125, "%s", msg);
			goto fail;
		}
	for (size_t i = 0; i < o->publish.len; i++)
		if (ports_parse_publish(o->publish.items[i], exposed, bindings, msg, sizeof(msg)) < 0) {
			status = cli_failf(cli, 125, "%s", msg);
			goto fail;
		}
	if ((status = endpoints(cli, o, body, hc)))
		goto fail;
	if (json_object_size(exposed))
		json_object_set_new(body, "ExposedPorts", exposed);
	else
		json_decref(exposed);
	json_object_set_new(hc, "PortBindings", bindings);
	json_object_set_new(hc, "PublishAllPorts", json_boolean(o->publish_all));
	if (o->add_hosts.len)
		json_object_set_new(hc, "ExtraHosts", string_array(&o->add_hosts));
	if (o->links.len)
		json_object_set_new(hc, "Links", string_array(&o->links));
	if (o->dns.len)
		json_object_set_new(hc, "Dns", string_array(&o->dns));
	if (o->dns_search.len)
		json_object_set_new(hc, "DnsSearch", string_array(&o->dns_search));
	if (o->dns_options.len)
		json_object_set_new(hc, "DnsOptions", string_array(&o->dns_options));
	return 0;
fail:
	json_decref(exposed);
	json_decref(bindings);
	return status;
}
