/* exec: run a command in a running container, its stdio on this terminal
 * (or detached), exiting with the command's status as `docker exec` does. */
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/envfile.h"

struct exec_opts {
	bool interactive, tty, detach, privileged;
	char *user, *workdir, *detach_keys;
	struct strlist env, env_files;
};

static int cmd_exec(struct cli *cli, int argc, char **argv);

const struct cli_command cli_cmd_exec = {"exec", cmd_exec, "[OPTIONS] CONTAINER COMMAND [ARG...]",
					 "Execute a command in a running container"};

/* The engine's status for a failed exec: the command's 126/127, else 1. */
static int exec_failure_status(const berr *err)
{
	if (err->kind == BERR_CANNOT_EXEC || err->kind == BERR_CMD_NOT_FOUND)
		return berr_exit_status(err);
	return 1;
}

/* Builds container.exec's arguments; returns NULL after printing why not. */
static json_t *exec_args(struct cli *cli, const char *id, struct exec_opts *o, int argc,
			 char **argv, int *status)
{
	struct strlist list = {0};
	json_t *cmd = json_array(), *env = json_array();
	berr err = {0};

	for (size_t i = 0; i < o->env_files.len; i++)
		if (envfile_parse(o->env_files.items[i], &list, &err) < 0) {
			*status = cli_fail(cli, &err, 125);
			goto fail;
		}
	for (size_t i = 0; i < o->env.len; i++)
		if (env_from_flag(o->env.items[i], &list) < 0) {
			*status = cli_failf(cli, 125,
					    "invalid argument \"%s\" for \"-e, --env\" flag: invalid environment variable: %s\nSee 'berth %s --help'.",
					    o->env.items[i], o->env.items[i], cli->name);
			goto fail;
		}
	for (size_t i = 0; i < list.len; i++)
		json_array_append_new(env, json_string(list.items[i]));
	strlist_free(&list);
	for (int i = 0; i < argc; i++)
		json_array_append_new(cmd, json_string(argv[i]));
	return json_pack("{s:s, s:o, s:o, s:s, s:s, s:b, s:b, s:b, s:b}", "id", id, "Cmd", cmd,
			 "Env", env, "WorkingDir", o->workdir ? o->workdir : "", "User",
			 o->user ? o->user : "", "Tty", o->tty, "AttachStdin",
			 o->interactive && !o->detach, "Detach", o->detach, "Privileged",
			 o->privileged);
fail:
	strlist_free(&list);
	json_decref(cmd);
	json_decref(env);
	return NULL;
}

/* Streams an attached exec; returns the command's status. */
static int exec_attached(struct cli *cli, const char *id, const struct exec_opts *o,
			 json_t *started)
{
	const char *exec_id = json_string_value(json_object_get(started, "Id"));
	int fd = (int)json_integer_value(json_object_get(started, "attach_fd"));
	int code = cli_stream_attach(fd, o->interactive, o->tty, o->detach_keys);
	json_t *args, *waited = NULL;

	close(fd);
	if (code == -2) /* detached with the keys: the command goes on */
		return 0;
	/* records the end (exec_die); the status when the stream had none */
	args = json_pack("{s:s, s:s}", "id", id, "exec_id", exec_id ? exec_id : "");
	if (cli_call(cli, "container.exec_wait", args, &waited, NULL) == 0 && code < 0)
		code = (int)json_integer_value(json_object_get(waited, "ExitCode"));
	json_decref(waited);
	json_decref(args);
	return code < 0 ? 1 : code;
}

static int cmd_exec(struct cli *cli, int argc, char **argv)
{
	struct exec_opts o = {0};
	struct flag_spec specs[] = {
		{"detach", 'd', FLAG_BOOL, &o.detach, NULL, "Detached mode: run command in the background"},
		{"detach-keys", 0, FLAG_STRING, &o.detach_keys, "string", "Override the key sequence for detaching a container"},
		{"env", 'e', FLAG_LIST, &o.env, "list", "Set environment variables"},
		{"env-file", 0, FLAG_LIST, &o.env_files, "list", "Read in a file of environment variables"},
		{"interactive", 'i', FLAG_BOOL, &o.interactive, NULL, "Keep STDIN open even if not attached"},
		{"privileged", 0, FLAG_BOOL, &o.privileged, NULL, "Give extended privileges to the command"},
		{"tty", 't', FLAG_BOOL, &o.tty, NULL, "Allocate a pseudo-TTY"},
		{"user", 'u', FLAG_STRING, &o.user, "string", "Username or UID (format: \"<name|uid>[:<group|gid>]\")"},
		{"workdir", 'w', FLAG_STRING, &o.workdir, "string", "Working directory inside the container"},
		{0},
	};
	json_t *args = NULL, *info = NULL, *result = NULL;
	berr err = {0};
	int first, status;
	bool done;

	status = cli_parse(cli, specs, &cli_cmd_exec, argc, argv, false, &first, &done);
	if (status || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_exec, argc - first, 2, -1)))
		goto out;
	/* as the docker CLI: "no such container" first, then the terminal check */
	args = json_pack("{s:s}", "id", argv[first]);
	if (cli_call(cli, "container.inspect", args, &info, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	json_decref(args);
	args = NULL;
	if (!o.detach && o.interactive && o.tty && !isatty(STDIN_FILENO)) {
		status = cli_failf(cli, 1, "the input device is not a TTY");
		goto out;
	}
	/* the reference as written: Docker's refusals name the container that way */
	args = exec_args(cli, argv[first], &o, argc - first - 1, argv + first + 1, &status);
	if (!args)
		goto out;
	if (o.tty)
		cli_console_size(args);
	if (cli_call(cli, "container.exec", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, exec_failure_status(&err));
		goto out;
	}
	const char *id = json_string_value(json_object_get(info, "Id"));
	status = o.detach ? 0 : exec_attached(cli, id ? id : argv[first], &o, result);
out:
	json_decref(args);
	json_decref(info);
	json_decref(result);
	flags_free(specs);
	return status;
}
