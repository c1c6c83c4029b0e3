/* logs: a container's output from the log berth keeps (json-file, local, or
 * the cache beside a receiver). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/core/clock.h"
#include "engine/core/log_prefix.h"
#include "engine/core/units.h"

static int cmd_logs(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_logs = {"logs", cmd_logs, "[OPTIONS] CONTAINER",
					 "Fetch the logs of a container"};

struct logs_print {
	bool timestamps, details;
	FILE *last; /* the stream of the last line printed */
};

/* Runs on the engine's worker: prints each entry to the stream it came from. */
static void print_entries(void *user, json_t *message)
{
	struct logs_print *lp = user;
	json_t *entry;
	size_t i;

	json_array_foreach(json_object_get(message, "entries"), i, entry) {
		const char *stream = json_string_value(json_object_get(entry, "stream"));
		FILE *out = stream && strcmp(stream, "stderr") == 0 ? stderr : stdout;
		/* `logs 2>&1 | ...` keeps the lines' order: a buffered stdout
		 * goes out before a line of stderr, and the other way round */
		if (out != lp->last && lp->last)
			fflush(lp->last);
		lp->last = out;
		struct strbuf prefix = {0};
		if (lp->timestamps)
			log_prefix_time(&prefix, json_string_value(json_object_get(entry, "time")) ?: "");
		if (lp->details)
			log_prefix_details(&prefix, json_object_get(entry, "attrs"));
		if (prefix.len)
			fwrite(prefix.s, 1, prefix.len, out);
		strbuf_free(&prefix);
		json_t *log = json_object_get(entry, "log");
		fwrite(json_string_value(log), 1, json_string_length(log), out);
	}
	fflush(stdout);
	fflush(stderr);
}

static int cmd_logs(struct cli *cli, int argc, char **argv)
{
	bool follow = false, timestamps = false, details = false, done;
	char *tail = NULL, *since = NULL, *until = NULL;
	struct flag_spec specs[] = {
		{"follow", 'f', FLAG_BOOL, &follow, NULL, "Follow log output"},
		{"timestamps", 't', FLAG_BOOL, &timestamps, NULL, "Show timestamps"},
		{"tail", 'n', FLAG_STRING, &tail, "string", "Number of lines to show from the end of the logs (default \"all\")"},
		{"since", 0, FLAG_STRING, &since, "string", "Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)"},
		{"until", 0, FLAG_STRING, &until, "string", "Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)"},
		{"details", 0, FLAG_BOOL, &details, NULL, "Show extra details provided to logs"},
		{0},
	};
	struct logs_print lp;
	json_t *args = NULL;
	berr err = {0};
	int first, status;
	int64_t now = clock_now_nanos(), t;

	if ((status = cli_parse(cli, specs, &cli_cmd_logs, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_logs, argc - first, 1, 1)))
		goto out;
	args = json_pack("{s:s, s:b}", "id", argv[first], "follow", follow);
	if (tail && strcmp(tail, "all") != 0) {
		char *end;
		long n = strtol(tail, &end, 10);
		/* Docker treats an unparsable or negative tail as "all". */
		if (*end == '\0' && n >= 0)
			json_object_set_new(args, "tail", json_integer(n));
	}
	if (since) {
		if (units_parse_timestamp(since, now, &t, &err) < 0) {
			status = cli_fail(cli, &err, 1);
			goto out;
		}
		json_object_set_new(args, "since", json_integer(t));
	}
	if (until) {
		if (units_parse_timestamp(until, now, &t, &err) < 0) {
			status = cli_fail(cli, &err, 1);
			goto out;
		}
		json_object_set_new(args, "until", json_integer(t));
	}
	lp.timestamps = timestamps;
	lp.details = details;
	lp.last = NULL;
	if (engine_call(cli->engine, "container.logs", args, NULL, print_entries, &lp, &err) < 0)
		status = cli_fail(cli, &err, 1);
out:
	json_decref(args);
	flags_free(specs);
	return status;
}
