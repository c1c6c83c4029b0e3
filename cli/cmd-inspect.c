/* inspect: containers and images as Docker's JSON, or through --format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/template.h"

static int cmd_inspect(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_inspect = {"inspect", cmd_inspect, "[OPTIONS] NAME|ID [NAME|ID...]",
					    "Return low-level information on Docker objects"};

/* Looks a name up as the requested type, or container then image. */
static json_t *inspect_object(struct cli *cli, const char *name, const char *type, berr *err)
{
	json_t *args = json_pack("{s:s, s:s}", "id", name, "name", name), *result = NULL;

	static const char *const kinds[] = {"container", "image", "volume"};

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char command[32];
		if (type && strcmp(type, kinds[i]) != 0)
			continue;
		snprintf(command, sizeof(command), "%s.inspect", kinds[i]);
		if (cli_call(cli, command, args, &result, err) == 0)
			goto out;
		/* a daemon that cannot be reached is no missing object */
		if (err->kind != BERR_NOT_FOUND && err->kind != BERR_INVALID) {
			result = NULL;
			goto out;
		}
	}
	if (!type)
		berr_set(err, BERR_NOT_FOUND, "No such object: %s", name);
	else if (err->kind == BERR_NOT_FOUND)
		berr_set(err, BERR_NOT_FOUND, "No such %s: %s", type, name);
	result = NULL;
out:
	json_decref(args);
	return result;
}

/* Prints objects as Docker does: a JSON array with four-space indentation. */
int cli_print_json_array(json_t *objects)
{
	char *text = json_dumps(objects, JSON_INDENT(4) | JSON_PRESERVE_ORDER);

	if (!text)
		return 1;
	printf("%s\n", json_array_size(objects) ? text : "[]");
	free(text);
	return 0;
}

int cli_print_each(struct cli *cli, json_t *objects, const char *format)
{
	struct tmpl *t;
	berr err = {0};
	json_t *o;
	size_t i;

	if (tmpl_parse(&t, tmpl_expand_keyword(format), &err) < 0)
		return cli_fail(cli, &err, 1);
	json_array_foreach(objects, i, o) {
		char *text;
		if (tmpl_render(t, o, &text, &err) < 0) {
			tmpl_free(t);
			return cli_fail(cli, &err, 1);
		}
		printf("%s\n", text);
		free(text);
	}
	tmpl_free(t);
	return 0;
}

static int cmd_inspect(struct cli *cli, int argc, char **argv)
{
	char *format = NULL, *type = NULL;
	bool size = false, done;
	struct flag_spec specs[] = {
		{"format", 'f', FLAG_STRING, &format, "string", "Format output using a custom template"},
		{"type", 0, FLAG_STRING, &type, "string", "Return JSON for specified type"},
		{"size", 's', FLAG_BOOL, &size, NULL, "Display total file sizes if the type is container"},
		{0},
	};
	json_t *objects = json_array();
	int first, status, failed = 0;

	if ((status = cli_parse(cli, specs, &cli_cmd_inspect, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_inspect, argc - first, 1, -1)))
		goto out;
	if (!type && strncmp(cli->name, "image", 5) == 0)
		type = strdup("image");
	else if (!type && strncmp(cli->name, "container", 9) == 0)
		type = strdup("container");
	if (type && strcmp(type, "container") != 0 && strcmp(type, "image") != 0 &&
	    strcmp(type, "volume") != 0) {
		status = cli_failf(cli, 1, "\"%s\" is not a valid value for --type", type);
		goto out;
	}
	for (int i = first; i < argc; i++) {
		berr err = {0};
		json_t *o = inspect_object(cli, argv[i], type, &err);
		if (!o) {
			if (!failed && !format)
				fflush(stdout);
			cli_fail(cli, &err, 1);
			failed = 1;
			continue;
		}
		json_array_append_new(objects, o);
	}
	if (format)
		status = cli_print_each(cli, objects, format);
	else
		status = cli_print_json_array(objects);
	if (failed)
		status = 1;
out:
	json_decref(objects);
	flags_free(specs);
	return status;
}
