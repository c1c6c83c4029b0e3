/* port: a container's published ports, as `docker port` prints them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static int cmd_port(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_port = {"port", cmd_port, "CONTAINER [PRIVATE_PORT[/PROTO]]",
					 "List port mappings or a specific mapping for the container"};

static int compare_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmd_port(struct cli *cli, int argc, char **argv)
{
	struct flag_spec specs[] = {{0}};
	json_t *args, *info = NULL, *ports, *list, *b;
	const char *key, *want = NULL;
	char wanted[32] = "", *lines[512];
	size_t nlines = 0, i;
	berr err = {0};
	bool done;
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_port, argc, argv, true, &first, &done)) || done)
		return status;
	if ((status = cli_require_args(cli, &cli_cmd_port, argc - first, 1, 2)))
		return status;
	if (argc - first == 2) {
		want = argv[first + 1];
		const char *slash = strchr(want, '/');
		char *end;
		long port = strtol(want, &end, 10);
		if (end == want || (*end && *end != '/') || port < 1 || port > 65535 ||
		    (slash && strcmp(slash, "/tcp") && strcmp(slash, "/udp") && strcmp(slash, "/sctp")))
			return cli_failf(cli, 1, "Error: invalid port (%s)", want);
		snprintf(wanted, sizeof(wanted), "%ld%s", port, slash ? slash : "/tcp");
	}
	args = json_pack("{s:s}", "id", argv[first]);
	if (cli_call(cli, "container.inspect", args, &info, &err) < 0) {
		json_decref(args);
		return cli_fail(cli, &err, 1);
	}
	json_decref(args);
	ports = json_object_get(json_object_get(info, "NetworkSettings"), "Ports");
	json_object_foreach(ports, key, list) {
		if (*wanted && strcmp(key, wanted) != 0)
			continue;
		json_array_foreach(list, i, b) {
			const char *ip = json_string_value(json_object_get(b, "HostIp"));
			const char *hp = json_string_value(json_object_get(b, "HostPort"));
			char line[128];

			/* an IPv6 address in brackets, as Docker prints it */
			bool v6 = ip && strchr(ip, ':');
			if (*wanted)
				snprintf(line, sizeof(line), "%s%s%s:%s", v6 ? "[" : "", ip ? ip : "",
					 v6 ? "]" : "", hp ? hp : "");
			else
				snprintf(line, sizeof(line), "%s -> %s%s%s:%s", key, v6 ? "[" : "",
					 ip ? ip : "", v6 ? "]" : "", hp ? hp : "");
			if (nlines < sizeof(lines) / sizeof(lines[0]))
				lines[nlines++] = strdup(line);
		}
	}
	if (*wanted && nlines == 0) {
		const char *name = json_string_value(json_object_get(info, "Name"));
		status = cli_failf(cli, 1, "Error: No public port '%s' published for %s", wanted,
				   name && *name == '/' ? name + 1 : argv[first]);
		json_decref(info);
		return status;
	}
	qsort(lines, nlines, sizeof(lines[0]), compare_lines);
	for (i = 0; i < nlines; i++) {
		if (lines[i])
			puts(lines[i]);
		free(lines[i]);
	}
	json_decref(info);
	return 0;
}
