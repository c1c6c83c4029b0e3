/* import, save, load: images in and out as tar archives. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/jsonmessage.h"

static void show_import_progress(void *user, json_t *message)
{
	jsonmessage_show(user, message);
}

static int cmd_import(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_import = {"import", cmd_import, "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]",
					   "Import the contents from a tarball to create a filesystem image"};

static int cmd_import(struct cli *cli, int argc, char **argv)
{
	struct strlist changes = {0};
	char *message = NULL, *platform = NULL;
	bool done;
	struct flag_spec specs[] = {
		{"change", 'c', FLAG_LIST, &changes, "list", "Apply Dockerfile instruction to the created image"},
		{"message", 'm', FLAG_STRING, &message, "string", "Set commit message for imported image"},
		{"platform", 0, FLAG_STRING, &platform, "string", "Set platform if server is multi-platform capable"},
		{0},
	};
	json_t *args = NULL, *result = NULL, *list;
	berr err = {0};
	int first, status, fd = -1;

	if ((status = cli_parse(cli, specs, &cli_cmd_import, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_import, argc - first, 1, 2)))
		goto out;
	const char *source = argv[first];
	/* a URL is the engine's to download (the daemon's, with -H) */
	bool url = strncmp(source, "http://", 7) == 0 || strncmp(source, "https://", 8) == 0;
	if (strcmp(source, "-") == 0) {
		fd = STDIN_FILENO;
	} else if (url) {
		fd = -1;
	} else if ((fd = open(source, O_RDONLY | O_CLOEXEC)) < 0) {
		status = cli_failf(cli, 1, "open %s: %m", source);
		goto out;
	}
	list = json_array();
	for (size_t i = 0; i < changes.len; i++)
		json_array_append_new(list, json_string(changes.items[i]));
	args = json_pack("{s:o}", "changes", list);
	json_object_set_new(args, url ? "url" : "fd", url ? json_string(source) : json_integer(fd));
	if (argc - first == 2)
		json_object_set_new(args, "reference", json_string(argv[first + 1]));
	if (message)
		json_object_set_new(args, "message", json_string(message));
	/* a download's lines ("Downloading from ...") before the ID, as the
	 * docker CLI prints the daemon's */
	struct jsonmessage_view view;
	jsonmessage_view_init(&view, stdout);
	int rc = engine_call(cli->engine, "image.import", args, &result, show_import_progress, &view,
			     &err);
	jsonmessage_view_free(&view);
	if (rc < 0)
		status = cli_fail(cli, &err, 1);
	else
		printf("%s\n", json_string_value(json_object_get(result, "id")));
out:
	if (fd > STDIN_FILENO)
		close(fd);
	json_decref(args);
	json_decref(result);
	flags_free(specs);
	return status;
}

static int cmd_save(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_save = {"save", cmd_save, "[OPTIONS] IMAGE [IMAGE...]",
					 "Save one or more images to a tar archive (streamed to STDOUT by default)"};

static int cmd_save(struct cli *cli, int argc, char **argv)
{
	char *output = NULL;
	bool done;
	struct flag_spec specs[] = {
		{"output", 'o', FLAG_STRING, &output, "string", "Write to a file, instead of STDOUT"},
		{0},
	};
	json_t *args = NULL, *names;
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_save, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_save, argc - first, 1, -1)))
		goto out;
	names = json_array();
	for (int i = first; i < argc; i++)
		json_array_append_new(names, json_string(argv[i]));
	args = json_pack("{s:o}", "names", names);
	status = cli_call_to_output(cli, "image.save", args, output, "failed to save image");
out:
	json_decref(args);
	flags_free(specs);
	return status;
}

/* Layer progress shows on a terminal unless -q; the result lines always. */
static void print_load_progress(void *user, json_t *message)
{
	bool quiet = *(bool *)user;
	const char *text = json_string_value(json_object_get(message, "stream"));

	if (!text)
		return;
	if (strncmp(text, "Loaded image", 12) != 0 && (quiet || !isatty(STDOUT_FILENO)))
		return;
	fputs(text, stdout);
}

static int cmd_load(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_load = {"load", cmd_load, "[OPTIONS]",
					 "Load an image from a tar archive or STDIN"};

static int cmd_load(struct cli *cli, int argc, char **argv)
{
	char *input = NULL;
	bool quiet = false, done;
	struct flag_spec specs[] = {
		{"input", 'i', FLAG_STRING, &input, "string", "Read from tar archive file, instead of STDIN"},
		{"quiet", 'q', FLAG_BOOL, &quiet, NULL, "Suppress the load output"},
		{0},
	};
	json_t *args = NULL;
	berr err = {0};
	int first, status, fd = STDIN_FILENO;

	if ((status = cli_parse(cli, specs, &cli_cmd_load, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_load, argc - first, 0, 0)))
		goto out;
	if (input && (fd = open(input, O_RDONLY | O_CLOEXEC)) < 0) {
		status = cli_failf(cli, 1, "open %s: %m", input);
		goto out;
	}
	if (!input && isatty(STDIN_FILENO)) {
		status = cli_failf(cli, 1, "requested load from stdin, but stdin is empty");
		goto out;
	}
	args = json_pack("{s:i}", "fd", fd);
	if (engine_call(cli->engine, "image.load", args, NULL, print_load_progress, &quiet, &err) < 0)
		status = cli_fail(cli, &err, 1);
	if (input)
		close(fd);
out:
	json_decref(args);
	flags_free(specs);
	return status;
}
