/* events: the engine's events, past (--since/--until) and as they happen,
 * one line each in docker's layout or through --format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/template.h"
#include "engine/core/clock.h"
#include "engine/core/filters.h"
#include "engine/core/units.h"

static int cmd_events(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_events = {"events", cmd_events, "[OPTIONS]",
					   "Get real time events from the server"};

struct events_print {
	struct cli *cli;
	struct tmpl *tmpl; /* NULL: docker's own line */
	bool marshal;      /* the format is {{json .}} alone: Go's json.Marshal */
	int status;
};

/* Go's "2006-01-02T15:04:05.000000000Z07:00" in local time. */
static void fixed_time(int64_t nanos, char *buf, size_t n)
{
	time_t secs = (time_t)(nanos / 1000000000);
	long frac = (long)(nanos % 1000000000);
	struct tm tm;
	char date[32], zone[8];

	if (frac < 0) {
		frac += 1000000000;
		secs--;
	}
	localtime_r(&secs, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	if (tm.tm_gmtoff == 0) {
		snprintf(zone, sizeof(zone), "Z");
	} else {
		long off = tm.tm_gmtoff < 0 ? -tm.tm_gmtoff : tm.tm_gmtoff;
		snprintf(zone, sizeof(zone), "%c%02ld:%02ld", tm.tm_gmtoff < 0 ? '-' : '+',
			 off / 3600, off / 60 % 60);
	}
	snprintf(buf, n, "%s.%09ld%s", date, frac, zone);
}

/* docker's line: time, type, action, actor, and the attributes in key order. */
static void print_pretty(json_t *event)
{
	json_t *actor = json_object_get(event, "Actor");
	json_t *attrs = json_object_get(actor, "Attributes"), *v;
	const char *key;
	int64_t nanos = json_integer_value(json_object_get(event, "timeNano"));
	char when[64];
	bool first = true;

	if (!nanos)
		nanos = json_integer_value(json_object_get(event, "time")) * 1000000000;
	if (nanos) {
		fixed_time(nanos, when, sizeof(when));
		printf("%s ", when);
	}
	printf("%s %s %s", json_string_value(json_object_get(event, "Type")) ?: "",
	       json_string_value(json_object_get(event, "Action")) ?: "",
	       json_string_value(json_object_get(actor, "ID")) ?: "");
	/* The engine sends attributes already in key order. */
	json_object_foreach(attrs, key, v) {
		printf("%s%s=%s", first ? " (" : ", ", key, json_string_value(v) ? json_string_value(v) : "");
		first = false;
	}
	printf("%s\n", first ? "" : ")");
}

/* What Docker formats an event as: the API's message, whose Go fields
 * differ from its JSON names. */
static const char *const event_fields[] = {
	"Status", "status", "ID", "id", "From", "from", "Type", "Type", "Action", "Action",
	"Actor", "Actor", "Scope", "scope", "Time", "time", "TimeNano", "timeNano", NULL,
};
static const struct tmpl_type event_type = {
	.name = "*events.Message",
	.json_names = event_fields,
	.error_prefix = "Error parsing format",
};

/* Runs on the engine's worker for each event. */
static void on_event(void *user, json_t *event)
{
	struct events_print *p = user;
	berr err = {0};
	char *text = NULL;

	if (!p->tmpl) {
		print_pretty(event);
	} else if (p->marshal) {
		text = tmpl_json_marshal(event);
		printf("%s\n", text);
	} else if (tmpl_render_typed(p->tmpl, event, &event_type, NULL, &text, &err) < 0) {
		berr_prefix(&err, "%s", event_type.error_prefix);
		if (p->status == 0)
			p->status = cli_fail(p->cli, &err, 1);
	} else {
		printf("%s\n", text);
	}
	free(text);
	fflush(stdout);
}

/* Runs the template once on an empty event, so that a misspelt field is
 * reported at once rather than at the first event. */
static int check_format(struct cli *cli, struct tmpl *t)
{
	json_t *empty = json_pack("{s:s, s:s, s:s, s:s, s:s, s:{s:s, s:{}}, s:s, s:i, s:i}", "status",
				  "", "id", "", "from", "", "Type", "", "Action", "", "Actor", "ID",
				  "", "Attributes", "scope", "", "time", 0, "timeNano", 0);
	berr err = {0};
	char *text = NULL;
	int status = 0;

	if (tmpl_render_typed(t, empty, &event_type, NULL, &text, &err) < 0)
		status = cli_failf(cli, 64, "%s: %s", event_type.error_prefix, err.msg);
	free(text);
	json_decref(empty);
	return status;
}

/* A --since/--until value as unix ns in args (absent when empty). */
static int put_time(struct cli *cli, json_t *args, const char *key, const char *value, int64_t now)
{
	berr err = {0};
	int64_t t;

	if (!value || !*value)
		return 0;
	if (units_parse_timestamp(value, now, &t, &err) < 0)
		return cli_fail(cli, &err, 1);
	json_object_set_new(args, key, json_integer(t));
	return 0;
}

static int cmd_events(struct cli *cli, int argc, char **argv)
{
	char *since = NULL, *until = NULL, *format = NULL;
	struct strlist filters = {0};
	bool done;
	struct flag_spec specs[] = {
		{"since", 0, FLAG_STRING, &since, "string", "Show all events created since timestamp"},
		{"until", 0, FLAG_STRING, &until, "string", "Stream events until this timestamp"},
		{"filter", 'f', FLAG_LIST, &filters, "filter", "Filter output based on conditions provided"},
		{"format", 0, FLAG_STRING, &format, "string", "Format output using a custom template"},
		{0},
	};
	struct events_print p = {.cli = cli};
	json_t *args = json_object(), *f = json_object();
	berr err = {0};
	int first, status;
	int64_t now = clock_now_nanos();

	if ((status = cli_parse(cli, specs, &cli_cmd_events, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_events, argc - first, 0, 0)))
		goto out;
	if ((status = cli_filters(cli, &filters, f)))
		goto out;
	if (format && *format &&
	    tmpl_parse(&p.tmpl, strcmp(format, "json") == 0 ? "{{json .}}" : format, &err) < 0) {
		status = cli_failf(cli, 64, "Error parsing format: %s", err.msg);
		goto out;
	}
	if (p.tmpl && (status = check_format(cli, p.tmpl)))
		goto out;
	p.marshal = format && (strcmp(format, "json") == 0 || strcmp(format, "{{json .}}") == 0);
	if ((status = put_time(cli, args, "since", since, now)) ||
	    (status = put_time(cli, args, "until", until, now)))
		goto out;
	json_object_set(args, "filters", f);
	if (engine_call(cli->engine, "system.events", args, NULL, on_event, &p, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	status = p.status;
out:
	tmpl_free(p.tmpl);
	json_decref(args);
	json_decref(f);
	flags_free(specs);
	return status;
}
