/* berth: with a command, the docker-compatible command line; with none on
 * a terminal, the console. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "tui/tui.h"

int main(int argc, char **argv)
{
	struct cli cli = {0};
	berr err = {0};
	int status;

	if (argc < 2 && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		/* The engine's threads inherit a mask without the signals a face
	 * handles, so those reach the main thread (and interrupt its waits). */
	sigset_t faced, saved;
	sigemptyset(&faced);
	sigaddset(&faced, SIGINT);
	sigaddset(&faced, SIGTERM);
	sigaddset(&faced, SIGHUP);
	sigaddset(&faced, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &faced, &saved);
	int opened = engine_open(&cli.engine, NULL, &err);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	if (opened < 0) {
			fprintf(stderr, "berth: %s\n", err.msg);
			return 1;
		}
		status = tui_main(cli.engine);
		engine_close(cli.engine);
		return status;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0 ||
	    strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)
		return cli_main(&cli, argc - 1, argv + 1);
	/* The engine's threads inherit a mask without the signals a face
	 * handles, so those reach the main thread (and interrupt its waits). */
	sigset_t faced, saved;
	sigemptyset(&faced);
	sigaddset(&faced, SIGINT);
	sigaddset(&faced, SIGTERM);
	sigaddset(&faced, SIGHUP);
	sigaddset(&faced, SIGWINCH);
	pthread_sigmask(SIG_BLOCK, &faced, &saved);
	int opened = engine_open(&cli.engine, NULL, &err);
	pthread_sigmask(SIG_SETMASK, &saved, NULL);
	/* no engine is like no daemon to the docker CLI: status 1 */
	if (opened < 0) {
		fprintf(stderr, "berth: %s\n", err.msg);
		return 1;
	}
	status = cli_main(&cli, argc - 1, argv + 1);
	fflush(stdout);
	engine_close(cli.engine);
	return status;
}
