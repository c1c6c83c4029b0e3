/* berth: with a command, the docker-compatible command line; with none on
 * a terminal, the console. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

int main(int argc, char **argv)
{
	struct cli cli = {0};
	berr err = {0};
	int status;

	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0 ||
	    strcmp(argv[1], "-v") == 0 || strcmp(argv[1], "--version") == 0)
		return cli_main(&cli, argc - 1, argv + 1);
	if (engine_open(&cli.engine, NULL, &err) < 0) {
		fprintf(stderr, "berth: %s\n", err.msg);
		return 125;
	}
	status = cli_main(&cli, argc - 1, argv + 1);
	fflush(stdout);
	engine_close(cli.engine);
	return status;
}
