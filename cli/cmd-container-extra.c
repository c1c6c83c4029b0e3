/* container prune and export. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/prune.h"
#include "engine/core/filters.h"
#include "engine/core/units.h"

static int cmd_container_prune(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_container_prune = {"container prune", cmd_container_prune,
						    "[OPTIONS]", "Remove all stopped containers"};

static int cmd_container_prune(struct cli *cli, int argc, char **argv)
{
	bool force = false, done;
	struct strlist filters = {0};
	struct flag_spec specs[] = {
		{"force", 'f', FLAG_BOOL, &force, NULL, "Do not prompt for confirmation"},
		{"filter", 0, FLAG_LIST, &filters, "filter", "Provide filter values (e.g. \"until=<timestamp>\")"},
		{0},
	};
	json_t *f = json_object(), *args = NULL;
	uint64_t reclaimed = 0;
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_container_prune, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_filters(cli, &filters, f)))
		goto out;
	if (!force && !cli_confirm("WARNING! This will remove all stopped containers."))
		goto out;
	args = json_pack("{s:O}", "filters", f);
	if ((status = cli_prune(cli, CLI_PRUNE_CONTAINERS, args, &reclaimed)) == 0)
		cli_prune_print_total(reclaimed);
out:
	json_decref(f);
	json_decref(args);
	flags_free(specs);
	return status;
}

static int cmd_export(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_export = {"export", cmd_export, "[OPTIONS] CONTAINER",
					   "Export a container's filesystem as a tar archive"};

static int cmd_export(struct cli *cli, int argc, char **argv)
{
	char *output = NULL;
	bool done;
	struct flag_spec specs[] = {
		{"output", 'o', FLAG_STRING, &output, "string", "Write to a file, instead of STDOUT"},
		{0},
	};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_export, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_export, argc - first, 1, 1)))
		goto out;
	json_t *args = json_pack("{s:s}", "id", argv[first]);
	status = cli_call_to_output(cli, "container.export", args, output,
				    "failed to export container");
	json_decref(args);
out:
	flags_free(specs);
	return status;
}
