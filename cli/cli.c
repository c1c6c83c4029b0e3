/* Shared pieces of the command line: errors, option parsing, calls, output. */
#include "cli/cli.h"
#include "engine/core/fsutil.h"

#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/tabwriter.h"
#include "cli/template.h"
#include "engine/core/filters.h"

int cli_fail(struct cli *cli, const berr *err, int status)
{
	(void)cli;
	fflush(stdout);
	fprintf(stderr, "berth: %s\n", err->msg[0] ? err->msg : "failed");
	return status;
}

int cli_failf(struct cli *cli, int status, const char *fmt, ...)
{
	va_list ap;

	(void)cli;
	fflush(stdout);
	fputs("berth: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return status;
}

static void print_help(struct cli *cli, const struct flag_spec *specs, const struct cli_command *cmd)
{
	char *options = flags_usage(specs);

	printf("\nUsage:  berth %s %s\n\n%s\n", cli->name, cmd->usage, cmd->summary);
	if (options && *options)
		printf("\n%s", options);
	free(options);
}

int cli_parse(struct cli *cli, const struct flag_spec *specs, const struct cli_command *cmd,
	      int argc, char **argv, bool interspersed, int *first_arg, bool *done)
{
	berr err = {0};

	*done = false;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (!interspersed && argv[i][0] != '-')
			break;
		if (strcmp(argv[i], "--help") == 0) {
			print_help(cli, specs, cmd);
			*done = true;
			return 0;
		}
	}
	if (flags_parse(specs, argc, argv, interspersed, first_arg, &err) < 0)
		return cli_failf(cli, 125, "%s\nSee 'berth %s --help'.", err.msg, cli->name);
	return 0;
}

int cli_require_args(struct cli *cli, const struct cli_command *cmd, int count, int min, int max)
{
	char need[64];
	const char *verb = "Run";

	if (count >= min && (max < 0 || count <= max))
		return 0;
	/* the docker CLI's words (cli.RequiresMinArgs, RequiresMaxArgs,
	 * RequiresRangeArgs, ExactArgs, NoArgs) */
	if (min == max && min > 0)
		snprintf(need, sizeof(need), "requires %d argument%s", min, min == 1 ? "" : "s");
	else if (max == 0)
		snprintf(need, sizeof(need), "accepts no arguments");
	else if (max < 0)
		snprintf(need, sizeof(need), "requires at least %d argument%s", min,
			 min == 1 ? "" : "s");
	else if (min == 0)
		snprintf(need, sizeof(need), "requires at most %d argument%s", max,
			 max == 1 ? "" : "s");
	else
		snprintf(need, sizeof(need), "requires at least %d and at most %d arguments", min, max);
	if (min != max && count < min)
		verb = "See";
	return cli_failf(cli, 1,
			 "'berth %s' %s\n\nUsage:  berth %s %s\n\n%s 'berth %s --help' for more information",
			 cli->name, need, cli->name, cmd->usage, verb, cli->name);
}

int cli_call_to_output(struct cli *cli, const char *type, json_t *args, const char *output,
		       const char *failed)
{
	char tmp[PATH_MAX + 32];
	berr err = {0};
	int fd = STDOUT_FILENO, status = 0;

	if (!output && isatty(STDOUT_FILENO))
		return cli_failf(cli, 1,
				 "cowardly refusing to save to a terminal. Use the -o flag or redirect");
	if (output) {
		/* a name no one else can have made first, never a link followed */
		char suffix[65];
		berr ignored = {0};
		if (random_hex_id(suffix, &ignored) < 0)
			snprintf(suffix, sizeof(suffix), "%d", (int)getpid());
		snprintf(tmp, sizeof(tmp), "%s.tmp-%.16s", output, suffix);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return cli_failf(cli, 1, "%s: %s: %m", failed, output);
	}
	json_object_set_new(args, "fd", json_integer(fd));
	if (cli_call(cli, type, args, NULL, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		if (output)
			unlink(tmp);
	} else if (output && rename(tmp, output) < 0) {
		status = cli_failf(cli, 1, "%s: %s: %m", failed, output);
		unlink(tmp);
	}
	if (output)
		close(fd);
	return status;
}

int cli_call(struct cli *cli, const char *type, json_t *args, json_t **result, berr *err)
{
	return engine_call(cli->engine, type, args, result, NULL, NULL, err);
}

void cli_short_id(const char *id, char out[13])
{
	if (!id)
		id = ""; /* a daemon's answer may lack it */
	if (strncmp(id, "sha256:", 7) == 0)
		id += 7;
	snprintf(out, 13, "%s", id);
}

static int by_key(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A copy of a value with every object's keys in order: Docker's rows are
 * Go structs marshalled through a map, so {{json .}} lists fields sorted. */
static json_t *object_sorted(json_t *value)
{
	size_t n = json_object_size(value), i = 0;
	const char **keys;
	json_t *copy, *v;
	const char *key;

	if (json_is_array(value)) {
		copy = json_array();
		json_array_foreach(value, i, v)
			json_array_append_new(copy, object_sorted(v));
		return copy;
	}
	if (!json_is_object(value) || !(keys = calloc(n ? n : 1, sizeof(*keys))))
		return json_incref(value);
	copy = json_object();
	json_object_foreach(value, key, v)
		keys[i++] = key;
	qsort(keys, n, sizeof(*keys), by_key);
	for (i = 0; i < n; i++)
		json_object_set_new(copy, keys[i], object_sorted(json_object_get(value, keys[i])));
	free(keys);
	return copy;
}

/* Renders one row; an error gets the prefix Docker's CLI gives it. A
 * format of {{json .}} alone is the row marshalled, as Docker prints it. */
static int render_row(const struct cli_list *list, struct tmpl *t, size_t i, json_t *row,
		      char **text, berr *err)
{
	/* key order shows only in JSON: other templates read fields by name */
	json_t *sorted = list->sorted ? object_sorted(row) : json_incref(row);
	int rc;

	if (list->marshal) {
		*text = tmpl_json_marshal(sorted);
		json_decref(sorted);
		return 0;
	}
	rc = tmpl_render_typed(t, sorted, list->type, json_array_get(list->labels, i), text, err);

	json_decref(sorted);
	if (rc < 0)
		return berr_prefix(err, "%s", list->type->error_prefix);
	return 0;
}

/* Parses a list's --format (or its default); *table says whether it asks
 * for a table, *marshal whether it is {{json .}} alone. */
static int parse_list_format(const struct cli_list *list, const char *format, struct tmpl **t,
			     bool *table, bool *marshal, bool *sorted, berr *err)
{
	const char *fmt = format && *format ? format : list->default_format;
	char *text_fmt;
	int rc;

	if (strcmp(fmt, "table") == 0)
		fmt = list->default_format;
	*table = tmpl_is_table(fmt);
	text_fmt = tmpl_docker_format(fmt);
	*marshal = text_fmt && strcmp(text_fmt, "{{json .}}") == 0;
	*sorted = text_fmt && strstr(text_fmt, "json");
	rc = text_fmt ? tmpl_parse(t, text_fmt, err) : berr_set(err, BERR_SYSTEM, "out of memory");
	free(text_fmt);
	return rc;
}

/* Runs the template once against the column titles, so that a misspelt
 * field is reported before any row is there. */
static int check_list_format(const struct cli_list *list, struct tmpl *t, berr *err)
{
	char *text;

	if (render_row(list, t, SIZE_MAX, list->headers, &text, err) < 0)
		return -1;
	free(text);
	return 0;
}

int cli_check_list_format(struct cli *cli, const struct cli_list *list, const char *format)
{
	struct tmpl *t = NULL;
	berr err = {0};
	bool table, marshal, sorted;
	int rc = parse_list_format(list, format, &t, &table, &marshal, &sorted, &err);

	if (rc == 0)
		rc = check_list_format(list, t, &err);
	tmpl_free(t);
	return rc < 0 ? cli_fail(cli, &err, 1) : 0;
}

int cli_print_list(struct cli *cli, const struct cli_list *list, const char *format)
{
	struct tmpl *t = NULL;
	struct tabwriter *tw = NULL;
	bool table;
	berr err = {0};
	json_t *row;
	size_t i;
	char *text;
	int rc = 0;

	struct cli_list shown = *list;

	if (parse_list_format(list, format, &t, &table, &shown.marshal, &shown.sorted, &err) < 0)
		return cli_fail(cli, &err, 1);
	list = &shown;
	if (json_array_size(list->rows) == 0 && check_list_format(list, t, &err) < 0)
		goto fail;
	if (table) {
		tw = tabwriter_new(10, 3);
		if (tmpl_render_header_typed(t, list->headers, list->type, &text, &err) < 0)
			goto fail;
		tabwriter_write(tw, text);
		tabwriter_write(tw, "\n");
		free(text);
	}
	json_array_foreach(list->rows, i, row) {
		if (render_row(list, t, i, row, &text, &err) < 0)
			goto fail;
		if (tw) {
			tabwriter_write(tw, text);
			tabwriter_write(tw, "\n");
		} else {
			fputs(text, stdout);
			fputc('\n', stdout);
		}
		free(text);
	}
	if (tw) {
		text = tabwriter_flush(tw);
		fputs(text ? text : "", stdout);
		free(text);
	}
	goto out;
fail:
	if (tw) {
		text = tabwriter_flush(tw);
		free(text);
	}
	rc = cli_fail(cli, &err, 1);
out:
	if (tw)
		tabwriter_free(tw);
	tmpl_free(t);
	return rc;
}

json_t *cli_key_values(const struct strlist *list)
{
	json_t *out = json_object();

	for (size_t i = 0; i < list->len; i++) {
		const char *kv = list->items[i], *eq = strchr(kv, '=');
		char key[512];

		snprintf(key, sizeof(key), "%.*s", eq ? (int)(eq - kv) : (int)strlen(kv), kv);
		json_object_set_new(out, key, json_string(eq ? eq + 1 : ""));
	}
	return out;
}

int cli_filters(struct cli *cli, const struct strlist *list, json_t *filters)
{
	berr err = {0};

	for (size_t i = 0; i < list->len; i++)
		if (filters_add(filters, list->items[i], &err) < 0)
			return cli_fail(cli, &err, 125);
	return 0;
}

json_t *cli_labels_text(json_t *labels)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	const char *key;
	json_t *v, *out;
	bool first = true;

	json_object_foreach(labels, key, v) {
		fprintf(mem, "%s%s=%s", first ? "" : ",", key, json_string_value(v) ?: "");
		first = false;
	}
	fclose(mem);
	out = json_string(text ? text : "");
	free(text);
	return out;
}
