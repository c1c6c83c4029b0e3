/* stats: Docker's resource usage table, once (--no-stream) or redrawn as
 * readings arrive, with docker/cli's arithmetic and number formatting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/template.h"
#include "engine/core/units.h"
#include "engine/stats/stats.h"

static int cmd_stats(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_stats = {"stats", cmd_stats, "[OPTIONS] [CONTAINER...]",
					  "Display a live stream of container(s) resource usage statistics"};

#define STATS_DEFAULT_FORMAT                                                                        \
	"table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}"

struct stats_view {
	struct cli *cli;
	json_t *names;    /* as the user gave them, or NULL: every container */
	bool no_trunc;
	bool streaming;   /* a reading without data shows "--", as Docker's timed-out one */
	bool clear;       /* redraw in place (stdout is a terminal) */
	const char *format;
	json_t *headers;
	int status;
};

/* "1.23%" as Go's FormatFloat(v, 'f', 2). */
static json_t *percent_json(double v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.2f%%", v);
	return json_string(buf);
}

/* "<a> / <b>" with go-units HumanSizeWithPrecision(3). */
static json_t *human_pair(double a, double b)
{
	char x[32], y[32], buf[80];

	units_human_size(a, x, sizeof(x));
	units_human_size(b, y, sizeof(y));
	snprintf(buf, sizeof(buf), "%s / %s", x, y);
	return json_string(buf);
}

/* The fields --format sees for one container (docker/cli's statsContext;
 * keys in the order its JSON gives them). */
static json_t *stats_row(const struct stats_view *v, json_t *stats, const char *container)
{
	const char *name = json_string_value(json_object_get(stats, "name"));
	const char *id = json_string_value(json_object_get(stats, "id"));
	struct stats_entry e;
	bool invalid;
	char short_id[13], used[32], limit[32], buf[96];
	json_t *row = json_object();

	stats_entry_from_json(stats, &e);
	invalid = v->streaming && !e.has_data;
	if (!id)
		id = "";
	cli_short_id(id, short_id);
	if (invalid) {
		json_object_set_new(row, "BlockIO", json_string("--"));
		json_object_set_new(row, "CPUPerc", json_string("--"));
	} else {
		json_object_set_new(row, "BlockIO", human_pair(e.blk_read, e.blk_write));
		json_object_set_new(row, "CPUPerc", percent_json(e.cpu_percent));
	}
	json_object_set_new(row, "Container", json_string(container ? container : short_id));
	json_object_set_new(row, "ID", json_string(v->no_trunc ? id : short_id));
	json_object_set_new(row, "MemPerc", invalid ? json_string("--") : percent_json(e.mem_percent));
	if (invalid) {
		json_object_set_new(row, "MemUsage", json_string("-- / --"));
	} else {
		units_bytes_size(e.mem_usage, used, sizeof(used));
		units_bytes_size(e.mem_limit, limit, sizeof(limit));
		snprintf(buf, sizeof(buf), "%s / %s", used, limit);
		json_object_set_new(row, "MemUsage", json_string(buf));
	}
	json_object_set_new(row, "Name", json_string(name && strlen(name) > 1 ? name + 1 : "--"));
	json_object_set_new(row, "NetIO", invalid ? json_string("--") : human_pair(e.net_rx, e.net_tx));
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)e.pids);
	json_object_set_new(row, "PIDs", json_string(invalid ? "--" : buf));
	return row;
}

/* What Docker's stats formats. */
static const struct tmpl_type stats_row_type = {
	.name = "*container.statsContext",
	.error_prefix = "template parsing error",
};

static struct cli_list stats_list(const struct stats_view *v, json_t *rows)
{
	return (struct cli_list){
		.type = &stats_row_type,
		.rows = rows,
		.headers = v->headers,
		.default_format = STATS_DEFAULT_FORMAT,
	};
}

/* Prints one table of readings (an array, as container.stats sends them). */
static void print_readings(struct stats_view *v, json_t *readings)
{
	json_t *rows = json_array(), *s;
	size_t i;

	json_array_foreach(readings, i, s)
		json_array_append_new(rows, stats_row(v, s, json_string_value(json_array_get(v->names, i))));
	if (v->clear)
		fputs("\033[2J\033[H", stdout);
	struct cli_list list = stats_list(v, rows);

	if (cli_print_list(v->cli, &list, v->format) != 0)
		v->status = 1;
	fflush(stdout);
	json_decref(rows);
}

/* Runs on the engine's worker for each streamed reading. */
static void on_reading(void *user, json_t *message)
{
	print_readings(user, message);
}

static int cmd_stats(struct cli *cli, int argc, char **argv)
{
	bool all = false, no_stream = false, no_trunc = false, done;
	char *format = NULL;
	struct flag_spec specs[] = {
		{"all", 'a', FLAG_BOOL, &all, NULL, "Show all containers (default shows just running)"},
		{"no-stream", 0, FLAG_BOOL, &no_stream, NULL, "Disable streaming stats and only pull the first result"},
		{"no-trunc", 0, FLAG_BOOL, &no_trunc, NULL, "Do not truncate output"},
		{"format", 0, FLAG_STRING, &format, "string", "Format output using a custom template"},
		{0},
	};
	struct stats_view v = {.cli = cli};
	json_t *args = NULL, *result = NULL;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_stats, argc, argv, true, &first, &done)) || done)
		goto out;
	if (first < argc) {
		v.names = json_array();
		for (int i = first; i < argc; i++)
			json_array_append_new(v.names, json_string(argv[i]));
	}
	/* The table needs only the summary figures: cheaper with hundreds of containers. */
	args = json_pack("{s:b, s:b, s:b}", "all", all, "stream", !no_stream, "summary", true);
	if (v.names)
		json_object_set(args, "ids", v.names);
	v.no_trunc = no_trunc;
	v.streaming = !no_stream;
	v.clear = !no_stream && isatty(STDOUT_FILENO);
	v.format = format;
	v.headers = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "Container", "CONTAINER",
			      "Name", "NAME", "ID", "CONTAINER ID", "CPUPerc", "CPU %", "MemUsage",
			      "MEM USAGE / LIMIT", "MemPerc", "MEM %", "NetIO", "NET I/O", "BlockIO",
			      "BLOCK I/O", "PIDs", "PIDS");
	struct cli_list empty = stats_list(&v, NULL);
	if ((status = cli_check_list_format(cli, &empty, format)))
		goto out;
	if (no_stream) {
		if (cli_call(cli, "container.stats", args, &result, &err) < 0) {
			status = cli_fail(cli, &err, 1);
			goto out;
		}
		print_readings(&v, result);
	} else if (engine_call(cli->engine, "container.stats", args, NULL, on_reading, &v, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	status = v.status;
out:
	json_decref(args);
	json_decref(result);
	json_decref(v.names);
	json_decref(v.headers);
	flags_free(specs);
	return status;
}
