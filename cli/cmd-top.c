/* top: the processes of a running container. */
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "cli/tabwriter.h"

static int cmd_top(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_top = {"top", cmd_top, "CONTAINER [ps OPTIONS]",
					"Display the running processes of a container"};

static int cmd_top(struct cli *cli, int argc, char **argv)
{
	struct flag_spec specs[] = {{0}};
	json_t *args, *result = NULL, *row, *v;
	struct tabwriter *tw;
	berr err = {0};
	bool done;
	int first, status;
	size_t i, j;

	/* Everything after the container belongs to ps. */
	if ((status = cli_parse(cli, specs, &cli_cmd_top, argc, argv, false, &first, &done)) || done)
		return status;
	if ((status = cli_require_args(cli, &cli_cmd_top, argc - first, 1, -1)))
		return status;
	json_t *ps_args = json_array();
	for (int k = first + 1; k < argc; k++)
		json_array_append_new(ps_args, json_string(argv[k]));
	args = json_pack("{s:s, s:o}", "id", argv[first], "ps_args", ps_args);
	if (cli_call(cli, "container.top", args, &result, &err) < 0) {
		json_decref(args);
		return cli_fail(cli, &err, 1);
	}
	tw = tabwriter_new(20, 3);
	json_array_foreach(json_object_get(result, "Titles"), i, v) {
		if (i)
			tabwriter_write(tw, "\t");
		tabwriter_write(tw, json_string_value(v));
	}
	tabwriter_write(tw, "\n");
	json_array_foreach(json_object_get(result, "Processes"), i, row) {
		json_array_foreach(row, j, v) {
			if (j)
				tabwriter_write(tw, "\t");
			tabwriter_write(tw, json_string_value(v));
		}
		tabwriter_write(tw, "\n");
	}
	char *text = tabwriter_flush(tw);
	fputs(text ? text : "", stdout);
	free(text);
	tabwriter_free(tw);
	json_decref(result);
	json_decref(args);
	return 0;
}
