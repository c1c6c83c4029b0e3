/* info and version. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "cli/cli.h"
#include "engine/core/host_arch.h"
#include "engine/system/system.h"
#include "engine/core/units.h"

/* The context a command runs in, as the docker CLI names it. */
static const char *context_name(struct cli *cli)
{
	return cli->remote && cli->remote->context[0] ? cli->remote->context : "default";
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static long long num(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static int cmd_info(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_info = {"info", cmd_info, "[OPTIONS]",
					 "Display system-wide information"};

static int cmd_info(struct cli *cli, int argc, char **argv)
{
	char *format = NULL, mem[32];
	bool done;
	struct flag_spec specs[] = {
		{"format", 'f', FLAG_STRING, &format, "string", "Format output using a custom template"},
		{0},
	};
	json_t *info = NULL;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_info, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_info, argc - first, 0, 0)))
		goto out;
	if (cli_call(cli, "system.info", NULL, &info, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	if (format) {
		json_t *list = json_pack("[O]", info);
		status = cli_print_each(cli, list, format);
		json_decref(list);
		goto out;
	}
	units_bytes_size((double)num(info, "MemTotal"), mem, sizeof(mem));
	printf("Client:\n Version:    %s\n Context:    %s\n\n", BERTH_VERSION, context_name(cli));
	printf("Server:\n Containers: %lld\n  Running: %lld\n  Paused: %lld\n  Stopped: %lld\n",
	       num(info, "Containers"), num(info, "ContainersRunning"), num(info, "ContainersPaused"),
	       num(info, "ContainersStopped"));
	printf(" Images: %lld\n Server Version: %s\n Storage Driver: %s\n Logging Driver: %s\n",
	       num(info, "Images"), str(info, "ServerVersion"), str(info, "Driver"),
	       str(info, "LoggingDriver"));
	printf(" Cgroup Driver: %s\n Cgroup Version: %s\n", str(info, "CgroupDriver"),
	       str(info, "CgroupVersion"));
	{
		/* docker info's plugin lines, in its order */
		static const char *const kinds[] = {"Volume", "Network", "Authorization", "Log"};
		json_t *plugins = json_object_get(info, "Plugins"), *v;
		size_t i;

		printf(" Plugins:\n");
		for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
			json_t *names = json_object_get(plugins, kinds[k]);
			if (!json_array_size(names))
				continue;
			printf("  %s:", kinds[k]);
			json_array_foreach(names, i, v)
				printf(" %s", json_string_value(v));
			printf("\n");
		}
	}
	const char *swarm = str(json_object_get(info, "Swarm"), "LocalNodeState");
	printf(" Swarm: %s\n Runtimes:", *swarm ? swarm : "inactive");
	const char *runtime;
	json_t *ignored;
	json_object_foreach(json_object_get(info, "Runtimes"), runtime, ignored)
		printf(" %s", runtime);
	printf("\n Default Runtime: %s\n", str(info, "DefaultRuntime"));
	printf(" Security Options:\n  seccomp\n   Profile: builtin\n");
	printf(" Kernel Version: %s\n Operating System: %s\n OSType: %s\n Architecture: %s\n",
	       str(info, "KernelVersion"), str(info, "OperatingSystem"), str(info, "OSType"),
	       str(info, "Architecture"));
	printf(" CPUs: %lld\n Total Memory: %s\n Name: %s\n Docker Root Dir: %s\n", num(info, "NCPU"),
	       mem, str(info, "Name"), str(info, "DockerRootDir"));
	{
		json_t *reg = json_object_get(info, "RegistryConfig"), *v;
		const char *name;
		size_t i;

		/* docker info's registry lines: the insecure ones (names, then
		 * CIDRs), the mirrors */
		printf(" Insecure Registries:\n");
		json_object_foreach(json_object_get(reg, "IndexConfigs"), name, v)
			if (json_is_false(json_object_get(v, "Secure")))
				printf("  %s\n", name);
		json_array_foreach(json_object_get(reg, "InsecureRegistryCIDRs"), i, v)
			printf("  %s\n", json_string_value(v));
		if (json_array_size(json_object_get(reg, "Mirrors"))) {
			printf(" Registry Mirrors:\n");
			json_array_foreach(json_object_get(reg, "Mirrors"), i, v)
				printf("  %s/\n", json_string_value(v));
		}
		printf(" Debug Mode: %s\n",
		       json_is_true(json_object_get(info, "Debug")) ? "true" : "false");
		if (json_array_size(json_object_get(info, "Labels"))) {
			printf(" Labels:\n");
			json_array_foreach(json_object_get(info, "Labels"), i, v)
				printf("  %s\n", json_string_value(v));
		}
		printf(" Live Restore Enabled: %s\n",
		       json_is_true(json_object_get(info, "LiveRestoreEnabled")) ? "true" : "false");
		printf(" Daemon Config File: %s\n", str(info, "DaemonConfigFile"));
		fflush(stdout);
		json_array_foreach(json_object_get(info, "Warnings"), i, v)
			fprintf(stderr, "WARNING: %s\n", json_string_value(v));
	}
out:
	json_decref(info);
	flags_free(specs);
	return status;
}

static int cmd_version(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_version = {"version", cmd_version, "[OPTIONS]",
					    "Show the berth version information"};


static int cmd_version(struct cli *cli, int argc, char **argv)
{
	char *format = NULL;
	bool done;
	struct flag_spec specs[] = {
		{"format", 'f', FLAG_STRING, &format, "string", "Format output using a custom template"},
		{0},
	};
	json_t *server = NULL;
	struct utsname uts;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_version, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_version, argc - first, 0, 0)))
		goto out;
	if (cli_call(cli, "system.version", NULL, &server, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	uname(&uts);
	if (format) {
		json_t *all = json_pack("[{s:{s:s, s:s, s:s, s:s}, s:O}]", "Client", "Version",
					BERTH_VERSION, "ApiVersion", BERTH_API_VERSION, "Os", "linux",
					"Arch", host_go_arch(), "Server", server);
		status = cli_print_each(cli, all, format);
		json_decref(all);
		goto out;
	}
	printf("Client:\n Version:           %s\n API version:       %s\n OS/Arch:           linux/%s\n"
	       " Context:           %s\n\n",
	       BERTH_VERSION, BERTH_API_VERSION, host_go_arch(), context_name(cli));
	/* the server's own name and platform: a daemon elsewhere may be Docker's */
	const char *platform = json_string_value(
		json_object_get(json_object_get(server, "Platform"), "Name"));
	printf("Server:%s%s\n Engine:\n  Version:          %s\n  API version:      %s (minimum version %s)\n"
	       "  OS/Arch:          %s/%s\n  Kernel:           %s\n",
	       platform && *platform ? " " : "", platform ? platform : "", str(server, "Version"),
	       str(server, "ApiVersion"), str(server, "MinAPIVersion"), str(server, "Os"),
	       str(server, "Arch"), str(server, "KernelVersion"));
out:
	json_decref(server);
	flags_free(specs);
	return status;
}
