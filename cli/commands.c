/* The command table and the dispatcher, with Docker's management-command
 * aliases ("container ls", "image rm", ...). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/run.h"

extern const struct cli_command cli_cmd_run, cli_cmd_create, cli_cmd_start, cli_cmd_attach,
	cli_cmd_ps, cli_cmd_stop, cli_cmd_restart, cli_cmd_kill, cli_cmd_rm, cli_cmd_rename,
	cli_cmd_wait, cli_cmd_logs, cli_cmd_inspect, cli_cmd_info, cli_cmd_version,
	cli_cmd_container_prune, cli_cmd_export, cli_cmd_images, cli_cmd_tag, cli_cmd_rmi,
	cli_cmd_history, cli_cmd_image_prune, cli_cmd_import, cli_cmd_save, cli_cmd_load;
extern const struct cli_command cli_cmd_stats, cli_cmd_events;
extern const struct cli_command cli_cmd_pull, cli_cmd_push, cli_cmd_login, cli_cmd_logout,
	cli_cmd_manifest_inspect, cli_cmd_search;
extern const struct cli_command cli_cmd_pause, cli_cmd_unpause, cli_cmd_top, cli_cmd_diff,
	cli_cmd_commit, cli_cmd_cp;
extern const struct cli_command cli_cmd_update, cli_cmd_build, cli_cmd_builder_prune;
extern const struct cli_command cli_cmd_exec, cli_cmd_port;
extern const struct cli_command cli_cmd_system_df, cli_cmd_system_prune,
	cli_cmd_system_dial_stdio;
extern const struct cli_command cli_cmd_network_create, cli_cmd_network_ls,
	cli_cmd_network_inspect, cli_cmd_network_rm, cli_cmd_network_prune,
	cli_cmd_network_connect, cli_cmd_network_disconnect;
extern const struct cli_command cli_cmd_volume_create, cli_cmd_volume_ls, cli_cmd_volume_inspect,
	cli_cmd_volume_rm, cli_cmd_volume_prune;
extern const struct cli_command cli_cmd_context_create, cli_cmd_context_inspect, cli_cmd_context_ls,
	cli_cmd_context_rm, cli_cmd_context_show, cli_cmd_context_update, cli_cmd_context_use;

static const struct cli_command *const top_level[] = {
	&cli_cmd_run,	  &cli_cmd_create, &cli_cmd_start,   &cli_cmd_attach, &cli_cmd_ps,
	&cli_cmd_stop,	  &cli_cmd_restart, &cli_cmd_kill,   &cli_cmd_rm,     &cli_cmd_rename,
	&cli_cmd_wait,	  &cli_cmd_logs,   &cli_cmd_inspect, &cli_cmd_export, &cli_cmd_images,
	&cli_cmd_tag,	  &cli_cmd_rmi,	   &cli_cmd_history, &cli_cmd_import, &cli_cmd_save,
	&cli_cmd_load,	  &cli_cmd_info,   &cli_cmd_version,
	&cli_cmd_pull,	  &cli_cmd_push,   &cli_cmd_login,  &cli_cmd_logout, &cli_cmd_search,
	&cli_cmd_stats,	  &cli_cmd_events,
	&cli_cmd_pause,	  &cli_cmd_unpause, &cli_cmd_top,    &cli_cmd_diff,   &cli_cmd_commit, &cli_cmd_cp,
	&cli_cmd_update,  &cli_cmd_build,
	&cli_cmd_exec,	  &cli_cmd_port,
};

struct alias {
	const char *group, *name;
	const struct cli_command *cmd;
};

static const struct alias aliases[] = {
	{"container", "run", &cli_cmd_run},	   {"container", "create", &cli_cmd_create},
	{"container", "start", &cli_cmd_start},	   {"container", "attach", &cli_cmd_attach},
	{"container", "ls", &cli_cmd_ps},	   {"container", "ps", &cli_cmd_ps},
	{"container", "list", &cli_cmd_ps},	   {"container", "stop", &cli_cmd_stop},
	{"container", "restart", &cli_cmd_restart}, {"container", "kill", &cli_cmd_kill},
	{"container", "rm", &cli_cmd_rm},	   {"container", "remove", &cli_cmd_rm},
	{"container", "rename", &cli_cmd_rename},  {"container", "wait", &cli_cmd_wait},
	{"container", "logs", &cli_cmd_logs},	   {"container", "inspect", &cli_cmd_inspect},
	{"container", "export", &cli_cmd_export},  {"container", "prune", &cli_cmd_container_prune},
	{"image", "ls", &cli_cmd_images},	   {"image", "list", &cli_cmd_images},
	{"image", "tag", &cli_cmd_tag},		   {"image", "rm", &cli_cmd_rmi},
	{"image", "remove", &cli_cmd_rmi},	   {"image", "history", &cli_cmd_history},
	{"image", "prune", &cli_cmd_image_prune},  {"image", "import", &cli_cmd_import},
	{"image", "save", &cli_cmd_save},	   {"image", "load", &cli_cmd_load},
	{"image", "inspect", &cli_cmd_inspect},	   {"image", "pull", &cli_cmd_pull},
	{"image", "push", &cli_cmd_push},	   {"system", "info", &cli_cmd_info},
	{"container", "stats", &cli_cmd_stats},	   {"system", "events", &cli_cmd_events},
	{"container", "pause", &cli_cmd_pause},	   {"container", "unpause", &cli_cmd_unpause},
	{"container", "top", &cli_cmd_top},	   {"container", "diff", &cli_cmd_diff},
	{"container", "commit", &cli_cmd_commit},  {"container", "cp", &cli_cmd_cp},
	{"container", "update", &cli_cmd_update},
	{"container", "exec", &cli_cmd_exec},	   {"container", "port", &cli_cmd_port},
	{"volume", "create", &cli_cmd_volume_create}, {"volume", "ls", &cli_cmd_volume_ls},
	{"volume", "list", &cli_cmd_volume_ls},	   {"volume", "inspect", &cli_cmd_volume_inspect},
	{"volume", "rm", &cli_cmd_volume_rm},	   {"volume", "remove", &cli_cmd_volume_rm},
	{"volume", "prune", &cli_cmd_volume_prune},
	{"system", "df", &cli_cmd_system_df},	   {"system", "dial-stdio", &cli_cmd_system_dial_stdio},	   {"system", "prune", &cli_cmd_system_prune},
	{"network", "create", &cli_cmd_network_create}, {"network", "ls", &cli_cmd_network_ls},
	{"network", "connect", &cli_cmd_network_connect}, {"network", "disconnect", &cli_cmd_network_disconnect},
	{"network", "list", &cli_cmd_network_ls},  {"network", "inspect", &cli_cmd_network_inspect},
	{"network", "rm", &cli_cmd_network_rm},	   {"network", "remove", &cli_cmd_network_rm},
	{"network", "prune", &cli_cmd_network_prune},
	{"manifest", "inspect", &cli_cmd_manifest_inspect},
	{"image", "build", &cli_cmd_build},	   {"builder", "build", &cli_cmd_build},
	{"builder", "prune", &cli_cmd_builder_prune},
	{"context", "create", &cli_cmd_context_create}, {"context", "inspect", &cli_cmd_context_inspect},
	{"context", "ls", &cli_cmd_context_ls},	   {"context", "list", &cli_cmd_context_ls},
	{"context", "rm", &cli_cmd_context_rm},	   {"context", "remove", &cli_cmd_context_rm},
	{"context", "show", &cli_cmd_context_show}, {"context", "update", &cli_cmd_context_update},
	{"context", "use", &cli_cmd_context_use},
};

static void print_usage(void)
{
	printf("\nUsage:  berth [OPTIONS] COMMAND\n\nA container engine and console in one program.\n"
	       "With no command on a terminal, berth opens its console.\n\n"
	       "Options:\n"
	       "      --config string      Location of client config files (default \"~/.docker\")\n"
	       "      --config-file string daemon.json to use (default \"/etc/berth/daemon.json\")\n"
	       "  -c, --context string     Name of the context to use to connect to the daemon\n"
	       "                           (overrides DOCKER_HOST env var and default context set\n"
	       "                           with \"berth context use\")\n"
	       "  -D, --debug              Accepted for docker CLI compatibility\n"
	       "  -H, --host string        Daemon socket to connect to (unix://, tcp://, ssh://);\n"
	       "                           without one, berth drives this host's engine itself\n"
	       "  -l, --log-level string   Accepted for docker CLI compatibility\n"
	       "      --tls                Use TLS; implied by --tlsverify\n"
	       "      --tlscacert string   Trust certs signed only by this CA (default\n"
	       "                           \"~/.docker/ca.pem\")\n"
	       "      --tlscert string     Path to TLS certificate file (default\n"
	       "                           \"~/.docker/cert.pem\")\n"
	       "      --tlskey string      Path to TLS key file (default \"~/.docker/key.pem\")\n"
	       "      --tlsverify          Use TLS and verify the remote\n"
	       "  -v, --version            Print version information and quit\n"
	       "\nCommands:\n");
	for (size_t i = 0; i < sizeof(top_level) / sizeof(top_level[0]); i++)
		printf("  %-10s %s\n", top_level[i]->name, top_level[i]->summary);
	printf("  %-10s %s\n", "daemon", "Serve the Docker Engine API (--validate: check daemon.json)");
	printf("\nManagement Commands:\n  container  Manage containers\n  image      Manage images\n"
	       "  builder    Manage builds\n"
	       "  context    Manage contexts\n"
	       "  manifest   Manage Docker image manifests and manifest lists\n"
	       "  network    Manage networks\n  volume     Manage volumes\n  system     Manage berth\n"
	       "\nRun 'berth COMMAND --help' for more information on a command.\n");
}

/* `berth volume`, `berth image --help`...: the group's commands, each
 * once under its first name, as the docker CLI lists them. */
static int print_group_usage(const char *group)
{
	static const struct {
		const char *group, *summary;
	} groups[] = {
		{"container", "Manage containers"},
		{"image", "Manage images"},
		{"network", "Manage networks"},
		{"volume", "Manage volumes"},
		{"system", "Manage berth"},
		{"manifest", "Manage Docker image manifests and manifest lists"},
		{"builder", "Manage builds"},
		{"context", "Manage contexts"},
	};
	const char *summary = NULL;

	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (strcmp(groups[i].group, group) == 0)
			summary = groups[i].summary;
	if (!summary)
		return -1;
	printf("\nUsage:  berth %s COMMAND\n\n%s\n\nCommands:\n", group, summary);
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		bool seen = false;
		if (strcmp(aliases[i].group, group) != 0)
			continue;
		for (size_t j = 0; j < i; j++)
			if (aliases[j].cmd == aliases[i].cmd && strcmp(aliases[j].group, group) == 0)
				seen = true;
		if (!seen)
			printf("  %-10s %s\n", aliases[i].name, aliases[i].cmd->summary);
	}
	printf("\nRun 'berth %s COMMAND --help' for more information on a command.\n", group);
	return 0;
}

int cli_main(struct cli *cli, int argc, char **argv)
{
	char name[64];

	if (argc >= 2 && strcmp(argv[0], "help") == 0) {
		/* `berth help run` is `berth run --help` */
		char *words[] = {argv[1], "--help", NULL};
		if (strcmp(argv[1], "daemon") == 0)
			return cli_daemon_main(cli, 2, words, NULL);
		return cli_main(cli, 2, words);
	}
	if (argc < 1 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "help") == 0) {
		print_usage();
		return 0;
	}
	if (strcmp(argv[0], "-v") == 0 || strcmp(argv[0], "--version") == 0) {
		printf("berth version 0.1.0\n");
		return 0;
	}
	if (argv[0][0] == '-' && argv[0][1] == '-')
		return cli_failf(cli, 125,
				 "unknown flag: %s\n\nUsage:  berth [OPTIONS] COMMAND [ARG...]\n\nRun 'berth --help' for more information",
				 argv[0]);
	if (argv[0][0] == '-' && argv[0][1])
		return cli_failf(cli, 125,
				 "unknown shorthand flag: '%c' in %s\n\nUsage:  berth [OPTIONS] COMMAND [ARG...]\n\nRun 'berth --help' for more information",
				 argv[0][1], argv[0]);
	for (size_t i = 0; i < sizeof(top_level) / sizeof(top_level[0]); i++) {
		if (strcmp(top_level[i]->name, argv[0]) == 0) {
			cli->name = top_level[i]->name;
			return top_level[i]->run(cli, argc, argv);
		}
	}
	if ((argc == 1 || strcmp(argv[1], "--help") == 0) && print_group_usage(argv[0]) == 0)
		return 0;
	if (argc >= 2) {
		for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
			if (strcmp(aliases[i].group, argv[0]) == 0 && strcmp(aliases[i].name, argv[1]) == 0) {
				snprintf(name, sizeof(name), "%s %s", argv[0], argv[1]);
				cli->name = name;
				return aliases[i].cmd->run(cli, argc - 1, argv + 1);
			}
		}
	}
	if (strcmp(argv[0], "container") == 0 || strcmp(argv[0], "image") == 0 ||
	    strcmp(argv[0], "network") == 0 || strcmp(argv[0], "system") == 0 ||
	    strcmp(argv[0], "volume") == 0 || strcmp(argv[0], "context") == 0)
		return cli_failf(cli, 1,
				 "unknown command: berth %s%s%s\n\nUsage:  berth %s\n\nRun 'berth %s --help' for more information",
				 argv[0], argc >= 2 ? " " : "", argc >= 2 ? argv[1] : "", argv[0], argv[0]);
	return cli_failf(cli, 1, "unknown command: berth %s\n\nRun 'berth --help' for more information",
			 argv[0]);
}

int cli_run(struct engine *engine, int argc, char **argv)
{
	struct cli cli = {.engine = engine};

	return cli_main(&cli, argc, argv);
}
