/* berth: with a command, the docker-compatible command line; with none on
 * a terminal, the console. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/modules.h"
#include "engine/remote/client_config.h"
#include "engine/remote/remote.h"
#include "engine/remote/target.h"
#include "tui/tui.h"

/* The daemon chosen by the global options, when it is not this host. */
static struct remote_target remote_target;
static struct remote_client *remote_client;

/* Opens the engine. Its threads inherit a mask without the signals a face
 * handles, so those reach the main thread (and interrupt its waits). No
 * engine is like no daemon to the docker CLI: status 1. */
static int open_engine(struct cli *cli)
{
	sigset_t faced, saved;
	struct engine_options opts = {.modules = engine_modules};
	berr err = {0};
	int opened;

	if (cli->remote) {
		/* a daemon elsewhere: an engine of its commands, keeping nothing here */
		if (remote_client_open(cli->remote, &remote_client, &err) < 0) {
			fprintf(stderr, "berth: %s\n", err.msg);
			return -1;
		}
		opts = (struct engine_options){.modules = remote_modules, .stateless = true,
					       .backend = remote_client};
	}
	sigemptyset(&faced);
	sigaddset(&faced, SIGINT);
	sigaddset(&faced, SIGTERM);
	sigaddset(&faced, SIGHUP);
	sigaddset(&faced, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &faced, &saved);
	opened = engine_open(&cli->engine, &opts, &err);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (opened < 0) {
		fprintf(stderr, "berth: %s\n", err.msg);
		remote_client_close(remote_client);
		remote_client = NULL;
		return -1;
	}
	/* once per version of daemon.json: what of it berth does not apply */
	json_t *v;
	size_t i;
	json_array_foreach(engine_notices(cli->engine), i, v)
		fprintf(stderr, "WARNING: %s: \"%s\" is ignored: %s\n", daemon_config_path(),
			json_string_value(json_object_get(v, "key")),
			json_string_value(json_object_get(v, "why")));
	return 0;
}

/* dockerd's --config-file, before the command: the daemon.json to use. */
static int take_config_file(int argc, char **argv)
{
	int at = 1;
	while (at < argc) {
		if (strcmp(argv[at], "--config-file") == 0 && at + 1 < argc) {
			setenv("BERTH_CONFIG", argv[at + 1], 1);
			memmove(argv + at, argv + at + 2, (size_t)(argc - at - 1) * sizeof(*argv));
			argc -= 2;
		} else if (strncmp(argv[at], "--config-file=", 14) == 0) {
			setenv("BERTH_CONFIG", argv[at] + 14, 1);
			memmove(argv + at, argv + at + 1, (size_t)(argc - at) * sizeof(*argv));
			argc -= 1;
		} else {
			break;
		}
	}
	return argc;
}

/* Does the command line ask only for help or the version? Then no engine
 * is opened (and no data root touched): `berth run --help` works for
 * anyone, and the man page and completions are made from it at build. */
static bool wants_help(int argc, char **argv)
{
	static const char *const groups[] = {"container", "image", "network", "volume", "system",
					     "builder", "manifest", "context"};
	int at = 2;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0 ||
	    strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)
		return true;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (strcmp(argv[1], groups[i]) == 0)
			at = 3;
	if (at == 3 && argc == 2)
		return true;
	for (int i = 2; i < argc && argv[i][0] == '-'; i++)
		if (strcmp(argv[i], "--help") == 0)
			return true;
	return at == 3 && argc > 3 && strcmp(argv[3], "--help") == 0;
}

/* Commands that open no engine: they keep the client's files (contexts)
 * or relay bytes to a daemon (dial-stdio). */
static bool needs_no_engine(int argc, char **argv)
{
	return argc >= 2 && (strcmp(argv[1], "context") == 0 ||
			     (strcmp(argv[1], "system") == 0 && argc >= 3 &&
			      strcmp(argv[2], "dial-stdio") == 0));
}

/* Which engine the command drives: this host's, or the daemon that -H,
 * --context, DOCKER_HOST or the current context name. 0, or the exit
 * status after printing why not. */
static int choose_engine(struct cli *cli, const struct remote_choice *choice)
{
	berr err = {0};
	int r = remote_target_resolve(choice, &remote_target, &err);

	if (r < 0) {
		fprintf(stderr, "berth: %s%s\n", err.kind == BERR_CONFLICT ? "" : "Failed to initialize: ",
			err.msg);
		return 1;
	}
	cli->remote = r == 1 ? &remote_target : NULL;
	return 0;
}

/* Asks the daemon its version: 0, or 1 after printing why it cannot. */
static int reach_daemon(struct cli *cli, char *why, size_t n)
{
	berr err = {0};
	json_t *version = NULL;

	if (engine_call(cli->engine, "system.version", NULL, &version, NULL, NULL, &err) == 0) {
		json_decref(version);
		return 0;
	}
	if (why)
		snprintf(why, n, "%s", err.msg);
	else
		fprintf(stderr, "berth: %s\n", err.msg);
	return 1;
}

/* Where the console was before a `:context use`, to go back to when the
 * chosen context's daemon does not answer. */
struct console_place {
	struct remote_choice choice;
	char context[256];               /* config.json's current context */
	char *docker_host, *docker_context; /* the environment's, or NULL */
};

static void place_save(struct console_place *p, const struct remote_choice *choice)
{
	char dir[4096];
	const char *v;
	berr ignored = {0};

	p->choice = *choice;
	if (client_config_current_context(remote_config_dir(choice, dir, sizeof(dir)), p->context,
					  sizeof(p->context), &ignored) < 0)
		p->context[0] = '\0';
	free(p->docker_host);
	free(p->docker_context);
	p->docker_host = (v = getenv("DOCKER_HOST")) ? strdup(v) : NULL;
	p->docker_context = (v = getenv("DOCKER_CONTEXT")) ? strdup(v) : NULL;
}

static void place_restore(const struct console_place *p, struct remote_choice *choice)
{
	char dir[4096];
	berr ignored = {0};

	*choice = p->choice;
	client_config_set_current_context(remote_config_dir(choice, dir, sizeof(dir)), p->context,
					  &ignored);
	if (p->docker_host)
		setenv("DOCKER_HOST", p->docker_host, 1);
	if (p->docker_context)
		setenv("DOCKER_CONTEXT", p->docker_context, 1);
}

/* How the console's header names the daemon: its context, and its host. */
static const char *where(const struct remote_target *t)
{
	static char text[sizeof(t->context) + sizeof(t->host) + 4];

	if (t->context[0])
		snprintf(text, sizeof(text), "%s (%s)", t->context, t->host);
	else
		snprintf(text, sizeof(text), "%s", t->host);
	return text;
}

/* The global options that name the daemon, for a berth the console
 * starts (exec -it, attach): its context, or its host and TLS files;
 * this host's engine is named by the default context. */
static char *const *naming_options(const struct remote_target *t)
{
	static char *args[12];
	int n = 0;

	if (!t) {
		args[n++] = "--context";
		args[n++] = "default";
	} else if (t->context[0]) {
		args[n++] = "--context";
		args[n++] = (char *)t->context;
	} else {
		args[n++] = "-H";
		args[n++] = (char *)t->host;
		if (t->tls) {
			args[n++] = t->tls_verify ? "--tlsverify" : "--tls";
			if (t->ca[0]) {
				args[n++] = "--tlscacert";
				args[n++] = (char *)t->ca;
			}
			if (t->cert[0]) {
				args[n++] = "--tlscert";
				args[n++] = (char *)t->cert;
			}
			if (t->key[0]) {
				args[n++] = "--tlskey";
				args[n++] = (char *)t->key;
			}
		}
	}
	args[n] = NULL;
	return args;
}

static void close_engine(struct cli *cli)
{
	engine_close(cli->engine);
	cli->engine = NULL;
	remote_client_close(remote_client);
	remote_client = NULL;
}

int main(int argc, char **argv)
{
	struct cli cli = {0};
	struct remote_choice choice = {0};
	int status;

	argc = take_config_file(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "daemon") == 0)
		return cli_daemon_main(&cli, argc - 1, argv + 1, open_engine);
	if ((status = cli_global_flags(&argc, argv, &choice)))
		return status;
	/* the daemon's -H are its own: `berth daemon -H ...` */
	if (argc >= 2 && strcmp(argv[1], "daemon") == 0) {
		fprintf(stderr, "berth: the daemon takes its options after the word: berth daemon "
				"[-H ADDRESS]...\n");
		return 125;
	}
	/* the context commands read the store themselves: a broken current
	 * context is theirs to show and mend */
	if (!(argc >= 2 && strcmp(argv[1], "context") == 0) &&
	    (status = choose_engine(&cli, &choice)))
		return status;

	if (argc < 2 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		bool switch_context = false, went_back = false;
		struct console_place before = {0};
		char why[600] = "", notice[800] = "";
		status = 0;
		do {
			if (open_engine(&cli) < 0)
				return 1;
			/* a daemon that cannot be reached is said so, as `ps` says it,
			 * rather than a console that waits for it; one a `:context
			 * use` chose sends the console back where it was */
			if (cli.remote &&
			    (status = reach_daemon(&cli, switch_context && !went_back ? why : NULL,
						   sizeof(why)))) {
				close_engine(&cli);
				if (!switch_context || went_back) {
					if (went_back)
						fprintf(stderr, "berth: %s\n", why);
					break;
				}
				snprintf(notice, sizeof(notice), "the context was not switched: %s", why);
				place_restore(&before, &choice);
				went_back = true;
				if ((status = choose_engine(&cli, &choice)))
					break;
				continue;
			}
			place_save(&before, &choice);
			status = tui_main(cli.engine, cli.remote ? where(cli.remote) : NULL,
					  naming_options(cli.remote), notice[0] ? notice : NULL,
					  &switch_context);
			close_engine(&cli);
			notice[0] = '\0';
			went_back = false;
			/* `:context use`: the current context is config.json's now,
			 * whatever -H, --context or the environment named */
			choice.context = NULL;
			choice.host = NULL;
			if (switch_context) {
				unsetenv("DOCKER_HOST");
				unsetenv("DOCKER_CONTEXT");
				if ((status = choose_engine(&cli, &choice)))
					break;
			}
		} while (switch_context);
		free(before.docker_host);
		free(before.docker_context);
		return status;
	}
	if (wants_help(argc, argv) || needs_no_engine(argc, argv))
		return cli_main(&cli, argc - 1, argv + 1);
	if (open_engine(&cli) < 0)
		return 1;
	status = cli_main(&cli, argc - 1, argv + 1);
	fflush(stdout);
	close_engine(&cli);
	return status;
}
