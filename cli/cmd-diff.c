/* diff: what a container changed in its filesystem. */
#include <stdio.h>

#include "cli/cli.h"

static int cmd_diff(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_diff = {"diff", cmd_diff, "CONTAINER",
					 "Inspect changes to files or directories on a container's filesystem"};

static int cmd_diff(struct cli *cli, int argc, char **argv)
{
	static const char kinds[] = {'C', 'A', 'D'};
	struct flag_spec specs[] = {{0}};
	json_t *args, *result = NULL, *change;
	berr err = {0};
	bool done;
	int first, status;
	size_t i;

	if ((status = cli_parse(cli, specs, &cli_cmd_diff, argc, argv, true, &first, &done)) || done)
		return status;
	if ((status = cli_require_args(cli, &cli_cmd_diff, argc - first, 1, 1)))
		return status;
	args = json_pack("{s:s}", "id", argv[first]);
	if (cli_call(cli, "container.diff", args, &result, &err) < 0) {
		json_decref(args);
		return cli_fail(cli, &err, 1);
	}
	json_array_foreach(result, i, change) {
		json_int_t kind = json_integer_value(json_object_get(change, "Kind"));
		printf("%c %s\n", kind >= 0 && kind <= 2 ? kinds[kind] : '?',
		       json_string_value(json_object_get(change, "Path")));
	}
	json_decref(result);
	json_decref(args);
	return 0;
}
