/* container prune and export. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/core/filters.h"
#include "engine/core/units.h"

/* Asks "Are you sure you want to continue? [y/N]" as Docker does. */
bool cli_confirm(const char *warning)
{
	char answer[16] = "";

	printf("%s\nAre you sure you want to continue? [y/N] ", warning);
	fflush(stdout);
	if (!fgets(answer, sizeof(answer), stdin))
		return false;
	return answer[0] == 'y' || answer[0] == 'Y';
}

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
	json_t *f = json_object(), *args = NULL, *result = NULL, *v;
	berr err = {0};
	int first, status;
	size_t i;
	char space[32];

	if ((status = cli_parse(cli, specs, &cli_cmd_container_prune, argc, argv, true, &first, &done)) || done)
		goto out;
	for (i = 0; i < filters.len; i++)
		if (filters_add(f, filters.items[i], &err) < 0) {
			status = cli_fail(cli, &err, 125);
			goto out;
		}
	if (!force && !cli_confirm("WARNING! This will remove all stopped containers."))
		goto out;
	args = json_pack("{s:O}", "filters", f);
	if (cli_call(cli, "container.prune", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	if (json_array_size(json_object_get(result, "ContainersDeleted"))) {
		printf("Deleted Containers:\n");
		json_array_foreach(json_object_get(result, "ContainersDeleted"), i, v)
			printf("%s\n", json_string_value(v));
		printf("\n");
	}
	units_human_size((double)json_integer_value(json_object_get(result, "SpaceReclaimed")), space, sizeof(space));
	printf("Total reclaimed space: %s\n", space);
out:
	json_decref(f);
	json_decref(args);
	json_decref(result);
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
