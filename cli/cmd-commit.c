/* commit: a new image from a container's changes. */
#include <stdio.h>

#include "cli/cli.h"

static int cmd_commit(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_commit = {"commit", cmd_commit,
					   "[OPTIONS] CONTAINER [REPOSITORY[:TAG]]",
					   "Create a new image from a container's changes"};

static int cmd_commit(struct cli *cli, int argc, char **argv)
{
	char *author = NULL, *message = NULL;
	struct strlist changes = {0};
	bool pause = true, done;
	struct flag_spec specs[] = {
		{"author", 'a', FLAG_STRING, &author, "string", "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")"},
		{"change", 'c', FLAG_LIST, &changes, "list", "Apply Dockerfile instruction to the created image"},
		{"message", 'm', FLAG_STRING, &message, "string", "Commit message"},
		{"pause", 'p', FLAG_BOOL, &pause, NULL, "Pause container during commit"},
		{0},
	};
	json_t *args = NULL, *result = NULL, *list;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_commit, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_commit, argc - first, 1, 2)))
		goto out;
	list = json_array();
	for (size_t i = 0; i < changes.len; i++)
		json_array_append_new(list, json_string(changes.items[i]));
	args = json_pack("{s:s, s:o, s:b}", "id", argv[first], "changes", list, "pause", pause);
	if (argc - first == 2)
		json_object_set_new(args, "reference", json_string(argv[first + 1]));
	if (author)
		json_object_set_new(args, "author", json_string(author));
	if (message)
		json_object_set_new(args, "comment", json_string(message));
	if (cli_call(cli, "container.commit", args, &result, &err) < 0)
		status = cli_fail(cli, &err, 1);
	else
		printf("%s\n", json_string_value(json_object_get(result, "Id")));
out:
	json_decref(args);
	json_decref(result);
	flags_free(specs);
	return status;
}
