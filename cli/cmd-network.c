/* network create, ls, inspect, rm and prune. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/prune.h"
#include "cli/template.h"
#include "engine/core/filters.h"

static int cmd_create(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_network_create = {"network create", cmd_create,
						   "[OPTIONS] NETWORK", "Create a network"};

/* The IPAM config of --subnet's family (IPv4 or IPv6: one subnet of each
 * at most, which the engine checks). */
static json_t *config_of_family(json_t *configs, bool v6)
{
	size_t i;
	json_t *c;

	json_array_foreach(configs, i, c)
		if ((strchr(json_string_value(json_object_get(c, "Subnet")), ':') != NULL) == v6)
			return c;
	return NULL;
}

/* --gateway, --ip-range and --aux-address each go with the subnet of
 * their family, as Docker pairs them with the subnet holding them. */
static int pair_with_subnet(struct cli *cli, json_t *configs, const char *what, const char *key,
			    const char *value, const char *aux_name)
{
	json_t *c = config_of_family(configs, strchr(value, ':') != NULL);

	if (!c)
		return cli_failf(cli, 1, "no matching subnet for %s %s", what, value);
	if (aux_name) {
		json_t *aux = json_object_get(c, "AuxiliaryAddresses");
		if (!aux)
			json_object_set_new(c, "AuxiliaryAddresses", aux = json_object());
		json_object_set_new(aux, aux_name, json_string(value));
		return 0;
	}
	if (json_object_get(c, key))
		return cli_failf(cli, 1, "cannot configure multiple %ss (%s, %s) on the same subnet (%s)",
				 what, json_string_value(json_object_get(c, key)), value,
				 json_string_value(json_object_get(c, "Subnet")));
	json_object_set_new(c, key, json_string(value));
	return 0;
}

static int cmd_create(struct cli *cli, int argc, char **argv)
{
	char *driver = NULL;
	struct strlist labels = {0}, opts = {0}, aux = {0}, subnets = {0}, gateways = {0},
		       ranges = {0};
	bool internal = false, ipv6 = false, attachable = false, done;
	struct flag_spec specs[] = {
		{"attachable", 0, FLAG_BOOL, &attachable, NULL, "Enable manual container attachment"},
		{"aux-address", 0, FLAG_LIST, &aux, "map", "Auxiliary IPv4 or IPv6 addresses used by Network driver"},
		{"driver", 'd', FLAG_STRING, &driver, "string", "Driver to manage the Network (default \"bridge\")"},
		{"gateway", 0, FLAG_LIST, &gateways, "strings", "IPv4 or IPv6 Gateway for the master subnet"},
		{"internal", 0, FLAG_BOOL, &internal, NULL, "Restrict external access to the network"},
		{"ip-range", 0, FLAG_LIST, &ranges, "strings", "Allocate container ip from a sub-range"},
		{"ipv6", 0, FLAG_BOOL, &ipv6, NULL, "Enable or disable IPv6 networking"},
		{"label", 0, FLAG_LIST, &labels, "list", "Set metadata on a network"},
		{"opt", 'o', FLAG_LIST, &opts, "map", "Set driver specific options"},
		{"subnet", 0, FLAG_LIST, &subnets, "strings", "Subnet in CIDR format that represents a network segment"},
		{0},
	};
	json_t *args = NULL, *result = NULL, *config = NULL;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_network_create, argc, argv, true, &first, &done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_network_create, argc - first, 1, 1)))
		goto out;
	if ((gateways.len || ranges.len) && !subnets.len) {
		status = cli_failf(cli, 1, "every ip-range or gateway must have a corresponding subnet");
		goto out;
	}
	config = json_array();
	for (size_t i = 0; i < subnets.len; i++)
		json_array_append_new(config, json_pack("{s:s}", "Subnet", subnets.items[i]));
	for (size_t i = 0; i < gateways.len && !status; i++)
		status = pair_with_subnet(cli, config, "gateway", "Gateway", gateways.items[i], NULL);
	for (size_t i = 0; i < ranges.len && !status; i++)
		status = pair_with_subnet(cli, config, "ip-range", "IPRange", ranges.items[i], NULL);
	for (size_t i = 0; i < aux.len && !status; i++) {
		char *eq = strchr(aux.items[i], '=');
		if (!eq) {
			status = cli_failf(cli, 1, "invalid aux-address %s: expected name=address",
					   aux.items[i]);
			break;
		}
		*eq = '\0';
		if (!subnets.len) {
			status = cli_failf(cli, 1, "no matching subnet for aux-address %s", eq + 1);
			break;
		}
		status = pair_with_subnet(cli, config, "aux-address", NULL, eq + 1, aux.items[i]);
	}
	if (status)
		goto out;
	args = json_pack("{s:s, s:s, s:b, s:b, s:b, s:o, s:o, s:{s:s, s:O}}", "Name", argv[first],
			 "Driver", driver ? driver : "bridge", "Internal", internal, "EnableIPv6",
			 ipv6, "Attachable", attachable, "Labels", cli_key_values(&labels),
			 "Options", cli_key_values(&opts), "IPAM", "Driver", "default", "Config",
			 config);
	if (cli_call(cli, "network.create", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	printf("%s\n", json_string_value(json_object_get(result, "Id")));
out:
	json_decref(config);
	json_decref(args);
	json_decref(result);
	flags_free(specs);
	return status;
}

/* What Docker's network ls formats: its network context, with a Label method. */
static const struct tmpl_type network_row_type = {
	.name = "*network.networkContext",
	.has_label_method = true,
	.error_prefix = "template parsing error",
};

/* "2026-12-06 14:41:29.008176241 +0000 UTC": Go's time.Time as ls prints it. */
static json_t *created_text(const char *rfc3339)
{
	struct tm tm = {0};
	char head[32], out[96];
	const char *frac = strchr(rfc3339, '.');
	size_t digits = frac ? strspn(frac + 1, "0123456789") : 0;

	if (!strptime(rfc3339, "%Y-%m-%dT%H:%M:%S", &tm))
		return json_string(rfc3339);
	strftime(head, sizeof(head), "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(out, sizeof(out), "%s%s%.*s +0000 UTC", head, digits ? "." : "", (int)digits,
		 frac ? frac + 1 : "");
	return json_string(out);
}

static json_t *network_row(json_t *n, bool no_trunc)
{
	char id[13];
	const char *full = json_string_value(json_object_get(n, "Id"));

	cli_short_id(full ? full : "", id);
	return json_pack("{s:o, s:O, s:s, s:s, s:s, s:s, s:o, s:O, s:O}", "CreatedAt",
			 created_text(json_string_value(json_object_get(n, "Created")) ?: ""),
			 "Driver", json_object_get(n, "Driver"), "ID", no_trunc ? full : id,
			 "IPv4", "true", "IPv6",
			 json_is_true(json_object_get(n, "EnableIPv6")) ? "true" : "false",
			 "Internal", json_is_true(json_object_get(n, "Internal")) ? "true" : "false",
			 "Labels", cli_labels_text(json_object_get(n, "Labels")), "Name",
			 json_object_get(n, "Name"), "Scope", json_object_get(n, "Scope"));
}

static int cmd_ls(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_network_ls = {"network ls", cmd_ls, "[OPTIONS]", "List networks"};

static int cmd_ls(struct cli *cli, int argc, char **argv)
{
	bool quiet = false, no_trunc = false, done;
	char *format = NULL;
	struct strlist filters = {0};
	struct flag_spec specs[] = {
		{"filter", 'f', FLAG_LIST, &filters, "filter", "Provide filter values (e.g. \"driver=bridge\")"},
		{"format", 0, FLAG_STRING, &format, "string", "Format output using a custom template"},
		{"no-trunc", 0, FLAG_BOOL, &no_trunc, NULL, "Do not truncate the output"},
		{"quiet", 'q', FLAG_BOOL, &quiet, NULL, "Only display network IDs"},
		{0},
	};
	json_t *f = json_object(), *args = NULL, *result = NULL, *rows = json_array();
	json_t *labels = json_array(), *headers = NULL, *n;
	berr err = {0};
	int first, status;
	size_t i;

	if ((status = cli_parse(cli, specs, &cli_cmd_network_ls, argc, argv, true, &first, &done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_network_ls, argc - first, 0, 0)))
		goto out;
	if ((status = cli_filters(cli, &filters, f)))
		goto out;
	args = json_pack("{s:O}", "filters", f);
	if (cli_call(cli, "network.list", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	json_array_foreach(result, i, n) {
		json_array_append_new(rows, network_row(n, no_trunc));
		json_array_append(labels, json_object_get(n, "Labels"));
	}
	if (quiet && !format) {
		json_array_foreach(rows, i, n)
			printf("%s\n", json_string_value(json_object_get(n, "ID")));
		goto out;
	}
	headers = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "ID", "NETWORK ID",
			    "Name", "NAME", "Driver", "DRIVER", "Scope", "SCOPE", "IPv4", "IPV4",
			    "IPv6", "IPV6", "Internal", "INTERNAL", "Labels", "LABELS", "CreatedAt",
			    "CREATED");
	struct cli_list list = {
		.type = &network_row_type,
		.rows = rows,
		.labels = labels,
		.headers = headers,
		.default_format = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}",
	};
	status = cli_print_list(cli, &list, format);
out:
	json_decref(f);
	json_decref(args);
	json_decref(result);
	json_decref(rows);
	json_decref(labels);
	json_decref(headers);
	flags_free(specs);
	return status;
}

static int cmd_inspect(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_network_inspect = {"network inspect", cmd_inspect,
						    "[OPTIONS] NETWORK [NETWORK...]",
						    "Display detailed information on one or more networks"};

static int cmd_inspect(struct cli *cli, int argc, char **argv)
{
	char *format = NULL;
	bool verbose = false, done;
	struct flag_spec specs[] = {
		{"format", 'f', FLAG_STRING, &format, "string", "Format output using a custom template"},
		{"verbose", 'v', FLAG_BOOL, &verbose, NULL, "Verbose output for diagnostics"},
		{0},
	};
	json_t *objects = json_array();
	int first, status, failed = 0;

	if ((status = cli_parse(cli, specs, &cli_cmd_network_inspect, argc, argv, true, &first,
				&done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_network_inspect, argc - first, 1, -1)))
		goto out;
	for (int i = first; i < argc; i++) {
		json_t *args = json_pack("{s:s}", "name", argv[i]), *result = NULL;
		berr err = {0};

		if (cli_call(cli, "network.inspect", args, &result, &err) == 0) {
			json_array_append_new(objects, result);
		} else {
			if (err.kind == BERR_NOT_FOUND)
				berr_set(&err, BERR_NOT_FOUND, "No such network: %s", argv[i]);
			cli_fail(cli, &err, 1);
			failed = 1;
		}
		json_decref(args);
	}
	status = format ? cli_print_each(cli, objects, format) : cli_print_json_array(objects);
	if (failed)
		status = 1;
out:
	json_decref(objects);
	flags_free(specs);
	return status;
}

static int cmd_rm(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_network_rm = {"network rm", cmd_rm, "NETWORK [NETWORK...]",
					       "Remove one or more networks"};

static int cmd_rm(struct cli *cli, int argc, char **argv)
{
	bool force = false, done;
	struct flag_spec specs[] = {
		{"force", 'f', FLAG_BOOL, &force, NULL, "Do not error if the network does not exist"},
		{0},
	};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_network_rm, argc, argv, true, &first, &done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_network_rm, argc - first, 1, -1)))
		goto out;
	for (int i = first; i < argc; i++) {
		json_t *args = json_pack("{s:s}", "name", argv[i]), *result = NULL;
		berr err = {0};

		if (cli_call(cli, "network.remove", args, &result, &err) == 0)
			printf("%s\n", argv[i]);
		else if (!(force && err.kind == BERR_NOT_FOUND))
			status = cli_fail(cli, &err, 1);
		json_decref(args);
		json_decref(result);
	}
out:
	flags_free(specs);
	return status;
}

static int cmd_prune(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_network_prune = {"network prune", cmd_prune, "[OPTIONS]",
						  "Remove all unused networks"};

static int cmd_prune(struct cli *cli, int argc, char **argv)
{
	bool force = false, done;
	struct strlist filters = {0};
	struct flag_spec specs[] = {
		{"filter", 0, FLAG_LIST, &filters, "filter", "Provide filter values (e.g. \"until=<timestamp>\")"},
		{"force", 'f', FLAG_BOOL, &force, NULL, "Do not prompt for confirmation"},
		{0},
	};
	json_t *f = json_object(), *args = NULL;
	uint64_t reclaimed = 0;
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_network_prune, argc, argv, true, &first, &done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_network_prune, argc - first, 0, 0)))
		goto out;
	if ((status = cli_filters(cli, &filters, f)))
		goto out;
	if (!force && !cli_confirm("WARNING! This will remove all custom networks not used by at least one container."))
		goto out;
	args = json_pack("{s:O}", "filters", f);
	status = cli_prune(cli, CLI_PRUNE_NETWORKS, args, &reclaimed);
out:
	json_decref(f);
	json_decref(args);
	flags_free(specs);
	return status;
}

static int cmd_connect(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_network_connect = {"network connect", cmd_connect,
						    "[OPTIONS] NETWORK CONTAINER",
						    "Connect a container to a network"};

static int cmd_connect(struct cli *cli, int argc, char **argv)
{
	struct strlist aliases = {0};
	char *ip = NULL, *ip6 = NULL;
	bool done;
	struct flag_spec specs[] = {
		{"alias", 0, FLAG_LIST, &aliases, "strings", "Add network-scoped alias for the container"},
		{"ip", 0, FLAG_STRING, &ip, "string", "IPv4 address (e.g., \"172.30.100.104\")"},
		{"ip6", 0, FLAG_STRING, &ip6, "string", "IPv6 address (e.g., \"2001:db8::33\")"},
		{0},
	};
	json_t *settings = json_object(), *args = NULL, *result = NULL;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_network_connect, argc, argv, true, &first,
				&done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_network_connect, argc - first, 2, 2)))
		goto out;
	if (aliases.len) {
		json_t *a = json_array();
		for (size_t i = 0; i < aliases.len; i++)
			json_array_append_new(a, json_string(aliases.items[i]));
		json_object_set_new(settings, "Aliases", a);
	}
	if (ip || ip6) {
		json_t *ipam = json_object();
		if (ip)
			json_object_set_new(ipam, "IPv4Address", json_string(ip));
		if (ip6)
			json_object_set_new(ipam, "IPv6Address", json_string(ip6));
		json_object_set_new(settings, "IPAMConfig", ipam);
	}
	args = json_pack("{s:s, s:s, s:O}", "network", argv[first], "Container", argv[first + 1],
			 "EndpointConfig", settings);
	if (cli_call(cli, "network.connect", args, &result, &err) < 0)
		status = cli_fail(cli, &err, 1);
out:
	json_decref(settings);
	json_decref(args);
	json_decref(result);
	flags_free(specs);
	return status;
}

static int cmd_disconnect(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_network_disconnect = {"network disconnect", cmd_disconnect,
						       "[OPTIONS] NETWORK CONTAINER",
						       "Disconnect a container from a network"};

static int cmd_disconnect(struct cli *cli, int argc, char **argv)
{
	bool force = false, done;
	struct flag_spec specs[] = {
		{"force", 'f', FLAG_BOOL, &force, NULL, "Force the container to disconnect from a network"},
		{0},
	};
	json_t *args = NULL, *result = NULL;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_network_disconnect, argc, argv, true, &first,
				&done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_network_disconnect, argc - first, 2, 2)))
		goto out;
	args = json_pack("{s:s, s:s, s:b}", "network", argv[first], "Container", argv[first + 1],
			 "Force", force);
	if (cli_call(cli, "network.disconnect", args, &result, &err) < 0)
		status = cli_fail(cli, &err, 1);
out:
	json_decref(args);
	json_decref(result);
	flags_free(specs);
	return status;
}
