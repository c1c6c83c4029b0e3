/* pause and unpause. */
#include <stdio.h>

#include "cli/cli.h"

static int pause_or_unpause(struct cli *cli, const struct cli_command *cmd, const char *type,
			    int argc, char **argv)
{
	struct flag_spec specs[] = {{0}};
	bool done;
	int first, status;

	if ((status = cli_parse(cli, specs, cmd, argc, argv, true, &first, &done)) || done)
		return status;
	if ((status = cli_require_args(cli, cmd, argc - first, 1, -1)))
		return status;
	for (int i = first; i < argc; i++) {
		json_t *args = json_pack("{s:s}", "id", argv[i]);
		berr err = {0};
		if (cli_call(cli, type, args, NULL, &err) < 0)
			status = cli_fail(cli, &err, 1);
		else
			printf("%s\n", argv[i]);
		json_decref(args);
	}
	return status;
}

static int cmd_pause(struct cli *cli, int argc, char **argv);
static int cmd_unpause(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_pause = {"pause", cmd_pause, "CONTAINER [CONTAINER...]",
					  "Pause all processes within one or more containers"};
const struct cli_command cli_cmd_unpause = {"unpause", cmd_unpause, "CONTAINER [CONTAINER...]",
					    "Unpause all processes within one or more containers"};

static int cmd_pause(struct cli *cli, int argc, char **argv)
{
	return pause_or_unpause(cli, &cli_cmd_pause, "container.pause", argc, argv);
}

static int cmd_unpause(struct cli *cli, int argc, char **argv)
{
	return pause_or_unpause(cli, &cli_cmd_unpause, "container.unpause", argc, argv);
}
