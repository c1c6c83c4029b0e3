/* stop, kill, restart, rm, rename, wait: commands that act on containers
 * named on the command line, one after another, like Docker's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* Runs a command type for each named container; prints the name on success. */
/* Calls type for each container named; a missing one is no error when
 * missing_ok (`rm -f`, as the docker CLI has it since 23.0). */
static int for_each_container(struct cli *cli, const char *type, json_t *extra, int argc,
			      char **argv, bool print, bool missing_ok)
{
	int status = 0;

	for (int i = 0; i < argc; i++) {
		json_t *args = extra ? json_deep_copy(extra) : json_object();
		berr err = {0};
		json_object_set_new(args, "id", json_string(argv[i]));
		if (cli_call(cli, type, args, NULL, &err) < 0) {
			if (!missing_ok || err.kind != BERR_NOT_FOUND)
				status = cli_fail(cli, &err, 1);
		} else if (print)
			printf("%s\n", argv[i]);
		json_decref(args);
	}
	return status;
}

static int cmd_stop(struct cli *cli, int argc, char **argv);
static int cmd_restart(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_stop = {"stop", cmd_stop, "[OPTIONS] CONTAINER [CONTAINER...]",
					 "Stop one or more running containers"};
const struct cli_command cli_cmd_restart = {"restart", cmd_restart,
					    "[OPTIONS] CONTAINER [CONTAINER...]",
					    "Restart one or more containers"};

static int stop_or_restart(struct cli *cli, const struct cli_command *cmd, const char *type,
			   int argc, char **argv)
{
	long timeout = -1;
	char *signal_name = NULL;
	bool done;
	struct flag_spec specs[] = {
		{"time", 't', FLAG_INT, &timeout, "int", "Seconds to wait before killing the container"},
		{"timeout", 0, FLAG_INT, &timeout, "int", "Seconds to wait before killing the container"},
		{"signal", 's', FLAG_STRING, &signal_name, "string", "Signal to send to the container"},
		{0},
	};
	int first, status;

	if ((status = cli_parse(cli, specs, cmd, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, cmd, argc - first, 1, -1)))
		goto out;
	json_t *extra = json_object();
	if (timeout >= 0)
		json_object_set_new(extra, "timeout", json_integer(timeout));
	if (signal_name)
		json_object_set_new(extra, "signal", json_string(signal_name));
	status = for_each_container(cli, type, extra, argc - first, argv + first, true, false);
	json_decref(extra);
out:
	flags_free(specs);
	return status;
}

static int cmd_stop(struct cli *cli, int argc, char **argv)
{
	return stop_or_restart(cli, &cli_cmd_stop, "container.stop", argc, argv);
}

static int cmd_restart(struct cli *cli, int argc, char **argv)
{
	return stop_or_restart(cli, &cli_cmd_restart, "container.restart", argc, argv);
}

static int cmd_kill(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_kill = {"kill", cmd_kill, "[OPTIONS] CONTAINER [CONTAINER...]",
					 "Kill one or more running containers"};

static int cmd_kill(struct cli *cli, int argc, char **argv)
{
	char *signal_name = NULL;
	bool done;
	struct flag_spec specs[] = {
		{"signal", 's', FLAG_STRING, &signal_name, "string", "Signal to send to the container"},
		{0},
	};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_kill, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_kill, argc - first, 1, -1)))
		goto out;
	json_t *extra = json_pack("{s:s}", "signal", signal_name ? signal_name : "KILL");
	status = for_each_container(cli, "container.kill", extra, argc - first, argv + first, true, false);
	json_decref(extra);
out:
	flags_free(specs);
	return status;
}

static int cmd_rm(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_rm = {"rm", cmd_rm, "[OPTIONS] CONTAINER [CONTAINER...]",
				       "Remove one or more containers"};

static int cmd_rm(struct cli *cli, int argc, char **argv)
{
	bool force = false, volumes = false, link = false, done;
	struct flag_spec specs[] = {
		{"force", 'f', FLAG_BOOL, &force, NULL, "Force the removal of a running container (uses SIGKILL)"},
		{"volumes", 'v', FLAG_BOOL, &volumes, NULL, "Remove anonymous volumes associated with the container"},
		{"link", 'l', FLAG_BOOL, &link, NULL, "Remove the specified link"},
		{0},
	};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_rm, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_rm, argc - first, 1, -1)))
		goto out;
	json_t *extra = json_pack("{s:b, s:b}", "force", force, "volumes", volumes);
	status = for_each_container(cli, "container.remove", extra, argc - first, argv + first, true,
				    force);
	json_decref(extra);
out:
	flags_free(specs);
	return status;
}

static int cmd_rename(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_rename = {"rename", cmd_rename, "CONTAINER NEW_NAME",
					   "Rename a container"};

static int cmd_rename(struct cli *cli, int argc, char **argv)
{
	struct flag_spec specs[] = {{0}};
	bool done;
	int first, status;
	berr err = {0};

	if ((status = cli_parse(cli, specs, &cli_cmd_rename, argc, argv, true, &first, &done)) || done)
		return status;
	if ((status = cli_require_args(cli, &cli_cmd_rename, argc - first, 2, 2)))
		return status;
	json_t *args = json_pack("{s:s, s:s}", "id", argv[first], "name", argv[first + 1]);
	if (cli_call(cli, "container.rename", args, NULL, &err) < 0)
		status = cli_fail(cli, &err, 1);
	json_decref(args);
	return status;
}

static int cmd_wait(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_wait = {"wait", cmd_wait, "CONTAINER [CONTAINER...]",
					 "Block until one or more containers stop, then print their exit codes"};

static int cmd_wait(struct cli *cli, int argc, char **argv)
{
	struct flag_spec specs[] = {{0}};
	bool done;
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_wait, argc, argv, true, &first, &done)) || done)
		return status;
	if ((status = cli_require_args(cli, &cli_cmd_wait, argc - first, 1, -1)))
		return status;
	for (int i = first; i < argc; i++) {
		json_t *args = json_pack("{s:s}", "id", argv[i]), *result = NULL;
		berr err = {0};
		if (cli_call(cli, "container.wait", args, &result, &err) < 0)
			status = cli_fail(cli, &err, 1);
		else
			printf("%lld\n", (long long)json_integer_value(json_object_get(result, "StatusCode")));
		json_decref(result);
		json_decref(args);
	}
	return status;
}
