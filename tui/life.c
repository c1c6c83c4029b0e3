/* A container's life, for the detail pane's Life view: its log
 * configuration on the first row, then every event the engine kept of it
 * (created, started, exited with its code, OOM-killed, restarted, health
 * changes, paused, lines its log receiver missed...), oldest first, and
 * new ones as they happen (a following system.events filtered on it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/app.h"
#include "tui/life.h"

#define LIFE_MAX 2000

static const struct table_column life_cols[] = {
	{"TIME", 8, 19, 0, false, false, false},
	{"EVENT", 5, 24, 0, false, false, false},
	{"DETAIL", 6, 0, 1, false, false, true},
};

struct life {
	struct app *app;
	struct table *table;
	struct request *req;
	char logging[512]; /* the first row's detail */
	char error[300];   /* State.Error: a start that failed, and why */
	char error_time[24];
	char (*rows)[3][160];
	size_t n, cap;
	unsigned long long seq;
};

struct life *life_new(struct app *app)
{
	struct life *l = calloc(1, sizeof(*l));
	if (!l)
		abort();
	l->app = app;
	l->table = table_new(life_cols, 3);
	table_set_empty_text(l->table, "no events kept for this container");
	return l;
}

struct table *life_table(struct life *l)
{
	return l->table;
}

/* The rows to the table: the logging row, then the events. */
static void show(struct life *l)
{
	size_t n = l->n + (l->logging[0] ? 1 : 0) + (l->error[0] ? 1 : 0), k = 0;
	struct table_cell *cells = calloc(n * 3 + 1, sizeof(*cells));
	struct table_row *rows = calloc(n + 1, sizeof(*rows));
	char (*ids)[24] = calloc(n + 1, sizeof(*ids));

	if (!cells || !rows || !ids)
		abort();
	if (l->logging[0]) {
		cells[0] = (struct table_cell){"", 0, THEME_DIM};
		cells[1] = (struct table_cell){"logging", 0, THEME_DIM};
		cells[2] = (struct table_cell){l->logging, 0, THEME_DIM};
		rows[k++] = (struct table_row){"logging", cells};
	}
	for (size_t i = 0; i < l->n; i++, k++) {
		struct table_cell *c = &cells[3 * k];
		const char *ev = l->rows[i][1];
		int role = strstr(ev, "OOM") || strstr(ev, "unhealthy") || strstr(ev, "dropped")
				   ? THEME_STATE_DEAD
			   : strncmp(ev, "exited", 6) == 0 ? THEME_STATE_EXITED
			   : strncmp(ev, "started", 7) == 0 || strstr(ev, "healthy")
				   ? THEME_STATE_RUNNING
			   : strncmp(ev, "paused", 6) == 0 ? THEME_STATE_PAUSED
							   : 0;
		c[0] = (struct table_cell){l->rows[i][0], 0, THEME_LOG_TIME};
		c[1] = (struct table_cell){ev, 0, role};
		c[2] = (struct table_cell){l->rows[i][2], 0, 0};
		snprintf(ids[k], sizeof(ids[k]), "%zu", i);
		rows[k] = (struct table_row){ids[k], c};
	}
	if (l->error[0]) {
		struct table_cell *c = &cells[3 * k];
		c[0] = (struct table_cell){l->error_time, 0, THEME_LOG_TIME};
		c[1] = (struct table_cell){"start failed", 0, THEME_STATE_DEAD};
		c[2] = (struct table_cell){l->error, 0, THEME_STATE_DEAD};
		rows[k++] = (struct table_row){"error", c};
	}
	table_set_rows(l->table, rows, n);
	free(ids);
	free(rows);
	free(cells);
}

/* The event in words: what happened, and its detail. */
static void describe(json_t *ev, char *what, size_t wn, char *detail, size_t dn)
{
	const char *action = json_string_value(json_object_get(ev, "Action")) ?: "";
	json_t *attrs = json_object_get(json_object_get(ev, "Actor"), "Attributes");
	const char *key;
	json_t *v;
	size_t len = 0;

	detail[0] = '\0';
	if (strcmp(action, "die") == 0) {
		const char *code = json_string_value(json_object_get(attrs, "exitCode")) ?: "?";
		snprintf(what, wn, "exited (%s)", code);
	} else if (strcmp(action, "oom") == 0) {
		snprintf(what, wn, "OOM-killed");
	} else if (strcmp(action, "start") == 0) {
		snprintf(what, wn, "started");
	} else if (strcmp(action, "create") == 0) {
		snprintf(what, wn, "created");
	} else if (strncmp(action, "health_status: ", 15) == 0) {
		snprintf(what, wn, "health: %s", action + 15);
	} else if (strcmp(action, "pause") == 0 || strcmp(action, "unpause") == 0) {
		snprintf(what, wn, "%sd", action);
	} else if (strcmp(action, "log-dropped") == 0) {
		snprintf(what, wn, "log lines dropped");
	} else {
		snprintf(what, wn, "%s", action);
	}
	json_object_foreach(attrs, key, v) {
		if (!strcmp(key, "image") || !strcmp(key, "name") || !strcmp(key, "exitCode") ||
		    len >= dn)
			continue;
		len += (size_t)snprintf(detail + len, dn - len, "%s%s=%s", len ? " " : "", key,
					json_string_value(v) ?: "");
	}
}

static void on_event(struct app *app, void *user, json_t *ev)
{
	struct life *l = user;
	json_int_t ns = json_integer_value(json_object_get(ev, "timeNano"));
	time_t secs = (time_t)(ns / 1000000000);
	struct tm tm;

	if (l->n == l->cap) {
		if (l->cap >= LIFE_MAX) {
			memmove(l->rows, l->rows + 1, (l->n - 1) * sizeof(*l->rows));
			l->n--;
		} else {
			size_t cap = l->cap ? l->cap * 2 : 64;
			void *grown = realloc(l->rows, cap * sizeof(*l->rows));
			if (!grown)
				return;
			l->rows = grown;
			l->cap = cap;
		}
	}
	localtime_r(&secs, &tm);
	strftime(l->rows[l->n][0], sizeof(l->rows[l->n][0]), "%Y-%m-%d %H:%M:%S", &tm);
	describe(ev, l->rows[l->n][1], sizeof(l->rows[l->n][1]), l->rows[l->n][2],
		 sizeof(l->rows[l->n][2]));
	l->n++;
	show(l);
	app_frame_due(app);
}

static void on_end(struct app *app, void *user, int status, json_t *result, const berr *err)
{
	struct life *l = user;
	(void)result;
	l->req = NULL;
	if (status < 0)
		app_error(app, err, "the container's events");
}

void life_open(struct life *l, const char *id)
{
	life_close(l);
	l->n = 0;
	l->logging[0] = '\0';
	l->error[0] = '\0';
	show(l);
	json_t *args = json_pack("{s:I, s:{s:[s]}}", "since", (json_int_t)1, "filters", "container",
				 id);
	l->req = tui_submit(l->app, "system.events", args, on_event, on_end, l);
	json_decref(args);
}

void life_set_logging(struct life *l, json_t *inspect)
{
	json_t *lc = json_object_get(json_object_get(inspect, "HostConfig"), "LogConfig");
	json_t *dropped = json_object_get(json_object_get(inspect, "State"), "LogDropped");
	const char *key;
	json_t *v;
	size_t len;

	json_t *opts = json_object_get(lc, "Config");
	const char *mode = json_string_value(json_object_get(opts, "mode"));
	len = (size_t)snprintf(l->logging, sizeof(l->logging), "%s %s",
			       json_string_value(json_object_get(lc, "Type")) ?: "json-file",
			       mode && *mode ? mode : "blocking");
	if (json_integer_value(dropped) > 0)
		len += (size_t)snprintf(l->logging + len, sizeof(l->logging) - len,
					", %lld lines not delivered",
					(long long)json_integer_value(dropped));
	json_object_foreach(opts, key, v)
		if (len < sizeof(l->logging) && strcmp(key, "mode") != 0)
			len += (size_t)snprintf(l->logging + len, sizeof(l->logging) - len, "  %s=%s",
						key, json_string_value(v) ?: "");
	/* a start that failed leaves no event: its error is in the state */
	json_t *st = json_object_get(inspect, "State");
	const char *error = json_string_value(json_object_get(st, "Error"));
	snprintf(l->error, sizeof(l->error), "%s", error ? error : "");
	const char *finished = json_string_value(json_object_get(st, "FinishedAt")) ?: "";
	snprintf(l->error_time, sizeof(l->error_time), "%.10s %.8s", finished,
		 strlen(finished) > 11 ? finished + 11 : "");
	show(l);
}

void life_close(struct life *l)
{
	tui_cancel(l->app, l->req);
	l->req = NULL;
}

void life_free(struct life *l)
{
	if (!l)
		return;
	life_close(l);
	table_free(l->table);
	free(l->rows);
	free(l);
}
