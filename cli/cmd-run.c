/* run, create, start and attach. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/envfile.h"
#include "cli/limits.h"
#include "cli/net_flags.h"
#include "engine/core/reference.h"
#include "engine/core/units.h"

struct create_opts {
	bool detach, rm, interactive, tty, privileged, read_only, quiet;
	char *name, *workdir, *user, *hostname, *entrypoint, *detach_keys;
	char *stop_signal, *restart;
	char *pull, *platform;
	char *log_driver;
	struct strlist log_opts;
	long stop_timeout;
	char *health_cmd, *health_interval, *health_timeout, *health_start_period;
	long health_retries;
	bool no_healthcheck;
	struct strlist env, env_files, labels;
	struct strlist volumes, mounts, tmpfs, volumes_from;
	struct net_opts net;
	struct limit_opts limits;
};

/* cmd-volume.c: -v, --mount, --tmpfs and --volumes-from into the body. */
int cli_volume_flags(struct cli *cli, json_t *body, json_t *hc, const struct strlist *volumes,
		     const struct strlist *mounts, const struct strlist *tmpfs,
		     const struct strlist *volumes_from);

#define CREATE_FLAGS(o)                                                                          \
	{"name", 0, FLAG_STRING, &(o).name, "string", "Assign a name to the container"},          \
	{"pull", 0, FLAG_STRING, &(o).pull, "string", "Pull image before running (\"always\", \"missing\", \"never\") (default \"missing\")"}, \
	{"platform", 0, FLAG_STRING, &(o).platform, "string", "Set platform if server is multi-platform capable"}, \
	{"quiet", 'q', FLAG_BOOL, &(o).quiet, NULL, "Suppress the pull output"}, \
	{"env", 'e', FLAG_LIST, &(o).env, "list", "Set environment variables"},                   \
	{"env-file", 0, FLAG_LIST, &(o).env_files, "list", "Read in a file of environment variables"}, \
	{"workdir", 'w', FLAG_STRING, &(o).workdir, "string", "Working directory inside the container"}, \
	{"user", 'u', FLAG_STRING, &(o).user, "string", "Username or UID (format: <name|uid>[:<group|gid>])"}, \
	{"hostname", 'h', FLAG_STRING, &(o).hostname, "string", "Container host name"},           \
	{"entrypoint", 0, FLAG_STRING, &(o).entrypoint, "string", "Overwrite the default ENTRYPOINT of the image"}, \
	{"label", 'l', FLAG_LIST, &(o).labels, "list", "Set meta data on a container"},           \
	{"interactive", 'i', FLAG_BOOL, &(o).interactive, NULL, "Keep STDIN open even if not attached"}, \
	{"tty", 't', FLAG_BOOL, &(o).tty, NULL, "Allocate a pseudo-TTY"},                         \
	NET_CREATE_FLAGS((o).net),                                                               \
	{"rm", 0, FLAG_BOOL, &(o).rm, NULL, "Automatically remove the container when it exits"},  \
	{"privileged", 0, FLAG_BOOL, &(o).privileged, NULL, "Give extended privileges to this container"}, \
	{"read-only", 0, FLAG_BOOL, &(o).read_only, NULL, "Mount the container's root filesystem as read only"}, \
	{"stop-signal", 0, FLAG_STRING, &(o).stop_signal, "string", "Signal to stop the container"}, \
	{"stop-timeout", 0, FLAG_INT, &(o).stop_timeout, "int", "Timeout (in seconds) to stop a container"}, \
	{"restart", 0, FLAG_STRING, &(o).restart, "string", "Restart policy to apply when a container exits (default \"no\")"}, \
	{"log-driver", 0, FLAG_STRING, &(o).log_driver, "string", "Logging driver for the container"}, \
	{"log-opt", 0, FLAG_LIST, &(o).log_opts, "list", "Log driver options"}, \
	{"health-cmd", 0, FLAG_STRING, &(o).health_cmd, "string", "Command to run to check health"}, \
	{"health-interval", 0, FLAG_STRING, &(o).health_interval, "duration", "Time between running the check (ms|s|m|h) (default 0s)"}, \
	{"health-timeout", 0, FLAG_STRING, &(o).health_timeout, "duration", "Maximum time to allow one check to run (ms|s|m|h) (default 0s)"}, \
	{"health-start-period", 0, FLAG_STRING, &(o).health_start_period, "duration", "Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)"}, \
	{"health-retries", 0, FLAG_INT, &(o).health_retries, "int", "Consecutive failures needed to report unhealthy"}, \
	{"no-healthcheck", 0, FLAG_BOOL, &(o).no_healthcheck, NULL, "Disable any container-specified HEALTHCHECK"}, \
	{"volume", 'v', FLAG_LIST, &(o).volumes, "list", "Bind mount a volume"},                  \
	{"mount", 0, FLAG_LIST, &(o).mounts, "mount", "Attach a filesystem mount to the container"}, \
	{"tmpfs", 0, FLAG_LIST, &(o).tmpfs, "list", "Mount a tmpfs directory"},                   \
	{"volumes-from", 0, FLAG_LIST, &(o).volumes_from, "list", "Mount volumes from the specified container(s)"}, \
	LIMIT_CREATE_FLAGS((o).limits)

/* One --health-* duration into hc[key]; docker/cli refuses negative ones. */
static int health_duration(struct cli *cli, json_t *hc, const char *flag, const char *value,
			   const char *key)
{
	int64_t ns;
	berr err = {0};

	if (!value)
		return 0;
	if (units_parse_duration(value, &ns, &err) < 0)
		return cli_failf(cli, 125, "invalid argument \"%s\" for \"--%s\" flag: %s", value,
				 flag, err.msg);
	if (ns < 0)
		return cli_failf(cli, 125, "--%s cannot be negative", flag);
	if (ns)
		json_object_set_new(hc, key, json_integer(ns));
	return 0;
}

/* The --health-* flags as config.Healthcheck (docker/cli's rules); sets
 * nothing when none was given. Returns the exit status of a refusal. */
static int health_config(struct cli *cli, struct create_opts *o, json_t *body)
{
	bool any = o->health_cmd || o->health_interval || o->health_timeout ||
		   o->health_start_period || o->health_retries;
	json_t *hc;
	int status;

	if (o->no_healthcheck) {
		if (any)
			return cli_failf(cli, 125, "--no-healthcheck conflicts with --health-* options");
		json_object_set_new(body, "Healthcheck", json_pack("{s:[s]}", "Test", "NONE"));
		return 0;
	}
	if (!any)
		return 0;
	if (o->health_retries < 0)
		return cli_failf(cli, 125, "--health-retries cannot be negative");
	hc = json_object();
	if (o->health_cmd && *o->health_cmd)
		json_object_set_new(hc, "Test", json_pack("[s, s]", "CMD-SHELL", o->health_cmd));
	if ((status = health_duration(cli, hc, "health-interval", o->health_interval, "Interval")) ||
	    (status = health_duration(cli, hc, "health-timeout", o->health_timeout, "Timeout")) ||
	    (status = health_duration(cli, hc, "health-start-period", o->health_start_period,
				      "StartPeriod"))) {
		json_decref(hc);
		return status;
	}
	if (o->health_retries)
		json_object_set_new(hc, "Retries", json_integer(o->health_retries));
	json_object_set_new(body, "Healthcheck", hc);
	return 0;
}

/* Builds Docker's create body from the options and the positionals. */
static json_t *create_body(struct cli *cli, struct create_opts *o, int argc, char **argv,
			   int *status)
{
	json_t *body = json_object(), *env = json_array(), *labels = json_object(), *hc;
	struct strlist list = {0};
	berr err = {0};

	*status = 0;
	for (size_t i = 0; i < o->env_files.len; i++) {
		if (envfile_parse(o->env_files.items[i], &list, &err) < 0) {
			*status = cli_fail(cli, &err, 125);
			goto fail;
		}
	}
	for (size_t i = 0; i < o->env.len; i++)
		env_from_flag(o->env.items[i], &list);
	for (size_t i = 0; i < list.len; i++)
		json_array_append_new(env, json_string(list.items[i]));
	strlist_free(&list);
	for (size_t i = 0; i < o->labels.len; i++) {
		const char *l = o->labels.items[i];
		const char *eq = strchr(l, '=');
		char key[512];
		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - l) : (int)strlen(l), l);
		json_object_set_new(labels, key, json_string(eq ? eq + 1 : ""));
	}
	json_object_set_new(body, "Image", json_string(argv[0]));
	if (argc > 1) {
		json_t *cmd = json_array();
		for (int i = 1; i < argc; i++)
			json_array_append_new(cmd, json_string(argv[i]));
		json_object_set_new(body, "Cmd", cmd);
	}
	if (o->entrypoint)
		json_object_set_new(body, "Entrypoint", json_pack("[s]", o->entrypoint));
	if (o->name)
		json_object_set_new(body, "name", json_string(o->name));
	json_object_set_new(body, "Env", env);
	json_object_set_new(body, "Labels", labels);
	if (o->workdir)
		json_object_set_new(body, "WorkingDir", json_string(o->workdir));
	if (o->user)
		json_object_set_new(body, "User", json_string(o->user));
	if (o->hostname)
		json_object_set_new(body, "Hostname", json_string(o->hostname));
	if (o->stop_signal)
		json_object_set_new(body, "StopSignal", json_string(o->stop_signal));
	if (o->stop_timeout)
		json_object_set_new(body, "StopTimeout", json_integer(o->stop_timeout));
	if ((*status = health_config(cli, o, body))) {
		json_decref(body);
		return NULL;
	}
	json_object_set_new(body, "Tty", json_boolean(o->tty));
	json_object_set_new(body, "OpenStdin", json_boolean(o->interactive));
	json_object_set_new(body, "StdinOnce", json_boolean(o->interactive && !o->detach));
	json_object_set_new(body, "AttachStdin", json_boolean(o->interactive && !o->detach));
	json_object_set_new(body, "AttachStdout", json_boolean(!o->detach));
	json_object_set_new(body, "AttachStderr", json_boolean(!o->detach));
	hc = json_object();
	if ((*status = cli_network_flags(cli, &o->net, body, hc))) {
		json_decref(hc);
		json_decref(body);
		return NULL;
	}
	json_object_set_new(hc, "AutoRemove", json_boolean(o->rm));
	if (o->restart) {
		/* docker/cli's parse: "name[:max]". */
		char name[64] = "";
		const char *colon = strchr(o->restart, ':');
		long max = 0;
		snprintf(name, sizeof(name), "%.*s", colon ? (int)(colon - o->restart) : (int)strlen(o->restart),
			 o->restart);
		if (colon) {
			char *end;
			max = strtol(colon + 1, &end, 10);
			if (!colon[1] || *end) {
				*status = cli_failf(cli, 125, "invalid restart policy format: maximum retry count must be an integer");
				json_decref(hc);
				json_decref(body);
				return NULL;
			}
		}
		if (o->rm && strcmp(name, "no") != 0) {
			*status = cli_failf(cli, 125, "conflicting options: cannot specify both --restart and --rm");
			json_decref(hc);
			json_decref(body);
			return NULL;
		}
		json_object_set_new(hc, "RestartPolicy",
				    json_pack("{s:s, s:i}", "Name", name, "MaximumRetryCount", (int)max));
	}
	if (o->log_driver || o->log_opts.len) {
		/* docker/cli's parseLoggingOpts: "k=v", a bare "k" is "k=" */
		json_t *log_opts = json_object();
		for (size_t i = 0; i < o->log_opts.len; i++) {
			const char *kv = o->log_opts.items[i], *eq = strchr(kv, '=');
			char key[256];
			snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - kv) : (int)strlen(kv), kv);
			json_object_set_new(log_opts, key, json_string(eq ? eq + 1 : ""));
		}
		if (o->log_driver && strcmp(o->log_driver, "none") == 0 && o->log_opts.len) {
			json_decref(log_opts);
			*status = cli_failf(cli, 125, "invalid logging opts for driver none");
			json_decref(hc);
			json_decref(body);
			return NULL;
		}
		json_object_set_new(hc, "LogConfig",
				    json_pack("{s:s, s:o}", "Type", o->log_driver ? o->log_driver : "",
					      "Config", log_opts));
	}
	json_object_set_new(hc, "Privileged", json_boolean(o->privileged));
	json_object_set_new(hc, "ReadonlyRootfs", json_boolean(o->read_only));
	if (o->tty)
		cli_console_size(hc);
	*status = cli_limit_flags(cli, hc, &o->limits, false);
	if (*status) {
		json_decref(hc);
		json_decref(body);
		return NULL;
	}
	*status = cli_volume_flags(cli, body, hc, &o->volumes, &o->mounts, &o->tmpfs, &o->volumes_from);
	if (*status) {
		json_decref(hc);
		json_decref(body);
		return NULL;
	}
	json_object_set_new(body, "HostConfig", hc);
	return body;
fail:
	strlist_free(&list);
	json_decref(env);
	json_decref(labels);
	json_decref(body);
	return NULL;
}

struct proxy_target {
	struct cli *cli;
	const char *id;
};

/* Forwards a signal berth received to the container (docker's sig-proxy). */
static void proxy_signal(int sig, void *user)
{
	struct proxy_target *t = user;
	char name[16];

	snprintf(name, sizeof(name), "%d", sig);
	json_t *args = json_pack("{s:s, s:s}", "id", t->id, "signal", name);
	cli_call(t->cli, "container.kill", args, NULL, NULL);
	json_decref(args);
}

/* Whether the image the body names is here (a create refused as "not
 * found" may be missing something else: a --volumes-from container). */
static bool image_exists(struct cli *cli, json_t *body)
{
	json_t *args = json_pack("{s:O}", "name", json_object_get(body, "Image"));
	bool found = cli_call(cli, "image.inspect", args, NULL, NULL) == 0;

	json_decref(args);
	return found;
}

/* Pulls the body's image, progress on stderr as Docker shows it under
 * run and create. */
static int pull_image(struct cli *cli, json_t *body, const struct create_opts *o, berr *err)
{
	return cli_pull(cli, json_string_value(json_object_get(body, "Image")), o->platform,
			o->quiet ? NULL : stderr, err);
}

/* Creates the container, pulling its image as --pull says: "always"
 * first, "missing" (the default) when the store lacks it, "never" not.
 * A refusal exits 125 under `run` and 1 under `create`, as Docker's do. */
static int create_container(struct cli *cli, json_t *body, const struct create_opts *o, bool run,
			    char id[65], int *status)
{
	const char *policy = o->pull ? o->pull : "missing";
	json_t *result = NULL;
	berr err = {0};

	if (strcmp(policy, "always") != 0 && strcmp(policy, "missing") != 0 &&
	    strcmp(policy, "never") != 0) {
		*status = cli_failf(cli, 125,
				    "invalid pull option: '%s': must be one of \"always\", \"missing\" or \"never\"",
				    policy);
		return -1;
	}
	if (strcmp(policy, "always") == 0 && pull_image(cli, body, o, &err) < 0) {
		*status = cli_fail(cli, &err, run ? 125 : 1);
		return -1;
	}
	while (cli_call(cli, "container.create", body, &result, &err) < 0) {
		bool missing = err.kind == BERR_NOT_FOUND && !image_exists(cli, body);

		if (missing && strcmp(policy, "missing") == 0) {
			struct image_ref ref;
			char familiar[REF_STRING_SIZE];
			const char *image = json_string_value(json_object_get(body, "Image"));
			berr pull_err = {0};

			if (!o->quiet && ref_parse_normalized(image, &ref, NULL) == 0) {
				ref_familiar(&ref, familiar, sizeof(familiar));
				fprintf(stderr, "Unable to find image '%s' locally\n", familiar);
			}
			policy = "pulled"; /* once */
			if (pull_image(cli, body, o, &pull_err) == 0) {
				berr_clear(&err);
				continue;
			}
			err = pull_err;
		}
		*status = cli_fail(cli, &err, run ? berr_exit_status(&err) : 1);
		return -1;
	}
	snprintf(id, 65, "%s", json_string_value(json_object_get(result, "Id")));
	json_t *warning;
	size_t i;
	json_array_foreach(json_object_get(result, "Warnings"), i, warning)
		fprintf(stderr, "WARNING: %s\n", json_string_value(warning));
	json_decref(result);
	return 0;
}

static void create_opts_free(struct flag_spec *specs)
{
	flags_free(specs);
}

static int run_or_create(struct cli *cli, const struct cli_command *cmd, int argc, char **argv,
			 bool run)
{
	struct create_opts o = {0};
	struct flag_spec run_specs[] = {
		CREATE_FLAGS(o),
		{"detach", 'd', FLAG_BOOL, &o.detach, NULL, "Run container in background and print container ID"},
		{"detach-keys", 0, FLAG_STRING, &o.detach_keys, "string", "Override the key sequence for detaching a container"},
		{0},
	};
	struct flag_spec *specs = run_specs;
	int first, status = 0;
	bool done;
	char id[65];
	json_t *body, *result = NULL;
	berr err = {0};

	if (!run) /* create has no --detach and no --detach-keys */
		specs[sizeof(run_specs) / sizeof(run_specs[0]) - 3] = (struct flag_spec){0};
	if ((status = cli_parse(cli, specs, cmd, argc, argv, false, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, cmd, argc - first, 1, -1)))
		goto out;
	/* Docker checks the terminal only when it attaches: `run -dit` is fine */
	if (run && !o.detach && o.tty && o.interactive && !isatty(STDIN_FILENO)) {
		status = cli_failf(cli, 1, "the input device is not a TTY");
		goto out;
	}
	body = create_body(cli, &o, argc - first, argv + first, &status);
	if (!body)
		goto out;
	if (create_container(cli, body, &o, run, id, &status) < 0) {
		json_decref(body);
		goto out;
	}
	json_decref(body);
	if (!run) {
		printf("%s\n", id);
		goto out;
	}
	json_t *args = json_pack("{s:s, s:b}", "id", id, "attach", !o.detach);
	if (cli_call(cli, "container.start", args, &result, &err) < 0) {
		json_decref(args);
		/* with --rm, the engine removed what could not start */
		status = cli_fail(cli, &err, berr_exit_status(&err));
		goto out;
	}
	json_decref(args);
	if (o.detach) {
		printf("%s\n", id);
		goto out;
	}
	int fd = (int)json_integer_value(json_object_get(result, "attach_fd"));
	struct proxy_target target = {cli, id};
	cli_stream_set_signal_proxy(proxy_signal, &target);
	int code = cli_stream_attach(fd, o.interactive, o.tty, o.detach_keys);
	cli_stream_set_signal_proxy(NULL, NULL);
	close(fd);
	if (code == -2)
		goto out;
	if (code == -1) {
		args = json_pack("{s:s}", "id", id);
		json_t *waited = NULL;
		if (cli_call(cli, "container.wait", args, &waited, &err) == 0)
			code = (int)json_integer_value(json_object_get(waited, "StatusCode"));
		else
			fprintf(stderr, "berth: error waiting for container: %s\n", err.msg);
		json_decref(waited);
		json_decref(args);
	}
	if (o.rm) {
		args = json_pack("{s:s, s:b}", "id", id, "force", 1);
		cli_call(cli, "container.remove", args, NULL, NULL);
		json_decref(args);
	}
	status = code < 0 ? 125 : code;
out:
	json_decref(result);
	create_opts_free(specs);
	return status;
}

static int cmd_run(struct cli *cli, int argc, char **argv);
static int cmd_create(struct cli *cli, int argc, char **argv);

const struct cli_command cli_cmd_run = {"run", cmd_run, "[OPTIONS] IMAGE [COMMAND] [ARG...]",
					"Create and run a new container from an image"};
const struct cli_command cli_cmd_create = {"create", cmd_create,
					   "[OPTIONS] IMAGE [COMMAND] [ARG...]",
					   "Create a new container"};

static int cmd_run(struct cli *cli, int argc, char **argv)
{
	return run_or_create(cli, &cli_cmd_run, argc, argv, true);
}

static int cmd_create(struct cli *cli, int argc, char **argv)
{
	return run_or_create(cli, &cli_cmd_create, argc, argv, false);
}

/* Starts one container and, with attach, streams it until it exits. */
static int start_one(struct cli *cli, const char *ref, bool attach, bool interactive,
		     const char *detach_keys)
{
	json_t *args, *result = NULL, *info = NULL;
	berr err = {0};
	bool tty = false;
	int code;

	args = json_pack("{s:s}", "id", ref);
	if (attach && cli_call(cli, "container.inspect", args, &info, &err) == 0)
		tty = json_is_true(json_object_get(json_object_get(info, "Config"), "Tty"));
	json_decref(info);
	json_object_set_new(args, "attach", json_boolean(attach));
	if (cli_call(cli, "container.start", args, &result, &err) < 0) {
		json_decref(args);
		cli_fail(cli, &err, 1);
		return -1;
	}
	json_decref(args);
	if (!attach) {
		json_decref(result);
		printf("%s\n", ref);
		return 0;
	}
	int fd = (int)json_integer_value(json_object_get(result, "attach_fd"));
	json_decref(result);
	struct proxy_target target = {cli, ref};
	cli_stream_set_signal_proxy(proxy_signal, &target);
	code = cli_stream_attach(fd, interactive, tty, detach_keys);
	cli_stream_set_signal_proxy(NULL, NULL);
	close(fd);
	if (code == -1) {
		args = json_pack("{s:s}", "id", ref);
		if (cli_call(cli, "container.wait", args, &result, NULL) == 0) {
			code = (int)json_integer_value(json_object_get(result, "StatusCode"));
			json_decref(result);
		}
		json_decref(args);
	}
	return code < 0 ? 0 : code;
}

static int cmd_start(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_start = {"start", cmd_start,
					  "[OPTIONS] CONTAINER [CONTAINER...]",
					  "Start one or more stopped containers"};

static int cmd_start(struct cli *cli, int argc, char **argv)
{
	bool attach = false, interactive = false, done;
	char *detach_keys = NULL;
	struct flag_spec specs[] = {
		{"attach", 'a', FLAG_BOOL, &attach, NULL, "Attach STDOUT/STDERR and forward signals"},
		{"interactive", 'i', FLAG_BOOL, &interactive, NULL, "Attach container's STDIN"},
		{"detach-keys", 0, FLAG_STRING, &detach_keys, "string", "Override the key sequence for detaching a container"},
		{0},
	};
	int first, status, failed = 0;

	if ((status = cli_parse(cli, specs, &cli_cmd_start, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_start, argc - first, 1, -1)))
		goto out;
	if ((attach || interactive) && argc - first > 1) {
		status = cli_failf(cli, 1, "you cannot start and attach multiple containers at once");
		goto out;
	}
	for (int i = first; i < argc; i++) {
		int rc = start_one(cli, argv[i], attach || interactive, interactive, detach_keys);
		if (rc < 0)
			failed = 1;
		else if (attach || interactive)
			status = rc;
	}
	if (failed)
		status = 1;
out:
	flags_free(specs);
	return status;
}

static int cmd_attach(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_attach = {"attach", cmd_attach, "[OPTIONS] CONTAINER",
					   "Attach local standard input, output, and error streams to a running container"};

static int cmd_attach(struct cli *cli, int argc, char **argv)
{
	bool no_stdin = false, done;
	char *detach_keys = NULL;
	struct flag_spec specs[] = {
		{"no-stdin", 0, FLAG_BOOL, &no_stdin, NULL, "Do not attach STDIN"},
		{"detach-keys", 0, FLAG_STRING, &detach_keys, "string", "Override the key sequence for detaching a container"},
		{0},
	};
	json_t *args = NULL, *info = NULL, *result = NULL;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_attach, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_attach, argc - first, 1, 1)))
		goto out;
	args = json_pack("{s:s}", "id", argv[first]);
	if (cli_call(cli, "container.inspect", args, &info, &err) < 0 ||
	    cli_call(cli, "container.attach", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	json_t *config = json_object_get(info, "Config");
	int fd = (int)json_integer_value(json_object_get(result, "fd"));
	int code = cli_stream_attach(fd, !no_stdin && json_is_true(json_object_get(config, "OpenStdin")),
				     json_is_true(json_object_get(config, "Tty")), detach_keys);
	close(fd);
	status = code < 0 ? 0 : code;
out:
	json_decref(args);
	json_decref(info);
	json_decref(result);
	flags_free(specs);
	return status;
}
