/* The logs pane: a live tail of one container, or of several merged with a
 * coloured name before each line. Each container's log is a streaming
 * container.logs command whose batches the bridge brings over; a flood
 * waits in the engine rather than being dropped, and the view's bounded
 * buffer counts every line it evicts and says so. Follow, timestamps,
 * wrap, search with n/N, a filter with context lines, and a jump to a time
 * (the stream starts again from there). A follow that ended because its
 * container stopped starts again, after its last line, when it runs again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/clock.h"
#include "engine/core/units.h"
#include "tui/app.h"
#include "tui/format.h"

#define LOG_MAX_LINES 100000
#define LOG_MAX_BYTES (24u << 20)
#define LOG_TAIL 5000
#define MAX_SOURCES 16

struct log_source {
	struct logs_pane *pane;
	char id[65];
	char name[64];
	int source; /* the view's name prefix, -1 for a single container */
	struct request *req;
	bool ended;
	bool cut;          /* it ended on an error (the daemon lost), not with its container */
	int64_t last_time; /* ns of the newest line seen */
	char driver[24];   /* the container's log driver */
	long long dropped; /* lines its receiver missed */
};

struct logs_pane {
	struct pane base;
	struct statusbar *info;
	struct logview *view;
	struct log_source src[MAX_SOURCES];
	size_t nsrc;
	int64_t since;      /* the time jumped to, 0 for the last lines */
	uint64_t appended;  /* lines appended to this view */
	int context;
	char filter[256];
	char search[256];
	bool wrap, timestamps;
};

static const int contexts[] = {0, 1, 3, 5};

/* Updates the info row above the lines: the containers, each with its
 * driver when it is not json-file and the lines its receiver never got
 * (they are in this view: the receiver missed them), then what the view
 * holds. */
static void update_info(struct logs_pane *lp)
{
	char left[512] = "", right[256], lines[32], evicted[32], mem[16], cap[16];
	size_t len = 0;

	if (lp->nsrc == 0)
		snprintf(left, sizeof(left),
			 " no container: select one (or mark several) in the containers pane, press l");
	long long not_delivered = 0;
	for (size_t i = 0; i < lp->nsrc && len < sizeof(left); i++) {
		const struct log_source *s = &lp->src[i];
		char extra[64] = "";
		not_delivered += s->dropped > 0 ? s->dropped : 0;
		if (s->driver[0] && strcmp(s->driver, "json-file") != 0)
			snprintf(extra, sizeof(extra), " [%s]", s->driver);
		len += (size_t)snprintf(left + len, sizeof(left) - len, "%s%s%s%s", i ? ", " : " ",
					s->name, extra,
					s->ended ? (s->cut ? " (no answer)" : " (ended)") : "");
	}
	/* on the right, which is drawn first: the lines a receiver missed
	 * (they are in this view) matter more than what the view holds */
	char missed[64] = "", count[32];
	if (not_delivered) {
		fmt_count((uint64_t)not_delivered, count, sizeof(count));
		snprintf(missed, sizeof(missed), "%s not delivered · ", count);
	}
	fmt_count(logview_lines(lp->view), lines, sizeof(lines));
	fmt_count(logview_dropped(lp->view), evicted, sizeof(evicted));
	fmt_bytes((double)logview_text_bytes(lp->view), mem, sizeof(mem));
	fmt_bytes(LOG_MAX_BYTES, cap, sizeof(cap));
	if (logview_dropped(lp->view))
		snprintf(right, sizeof(right), "%s%s line%s, %s evicted, %s/%s ", missed, lines,
			 logview_lines(lp->view) == 1 ? "" : "s", evicted, mem, cap);
	else if (not_delivered)
		snprintf(right, sizeof(right), "%s%s line%s ", missed, lines,
			 logview_lines(lp->view) == 1 ? "" : "s");
	else
		snprintf(right, sizeof(right), "%s line%s, %s/%s ", lines,
			 logview_lines(lp->view) == 1 ? "" : "s", mem, cap);
	statusbar_set(lp->info, left, right);
}

/* Appends a batch of log entries ({"entries": [{"log","stream","time"}]}). */
static void on_entries(struct app *app, void *user, json_t *message)
{
	struct log_source *s = user;
	struct logs_pane *lp = s->pane;
	json_t *entries = json_object_get(message, "entries"), *e;
	json_t *logging = json_object_get(message, "logging");
	size_t i;

	if (logging) {
		snprintf(s->driver, sizeof(s->driver), "%s",
			 json_string_value(json_object_get(logging, "driver")) ?: "");
		s->dropped = (long long)json_integer_value(json_object_get(logging, "dropped"));
	}

	json_array_foreach(entries, i, e) {
		json_t *log = json_object_get(e, "log"), *time = json_object_get(e, "time");
		const char *stream = json_string_value(json_object_get(e, "stream"));
		const char *text = json_string_value(log);
		size_t len = json_string_length(log);
		struct log_meta meta = {.source = s->source,
					.time_ns = fmt_parse_log_time(json_string_value(time) ?: "",
								      json_string_length(time)),
					.err = stream && strcmp(stream, "stderr") == 0};
		if (!text)
			continue;
		/* An empty line is "\n"; a chunk of a long line has no newline. */
		logview_append(lp->view, len ? text : "\n", len ? len : 1, &meta);
		lp->appended++;
		if (meta.time_ns > s->last_time)
			s->last_time = meta.time_ns;
	}
	update_info(lp);
	if (lp->base.shown)
		app_frame_due(app);
}

/* The follow ended: the container stopped, or an error. */
static void on_end(struct app *app, void *user, int status, json_t *result, const berr *err)
{
	struct log_source *s = user;

	(void)result;
	s->req = NULL;
	s->ended = true;
	s->cut = status < 0;
	if (status < 0)
		app_error(app, err, "logs of %s", s->name);
	update_info(s->pane);
	app_update_bars(app);
}

/* Starts following a source: after its last line, from the jump time, or
 * its last lines. */
static void follow(struct logs_pane *lp, struct log_source *s)
{
	json_t *args = json_pack("{s:s, s:b}", "id", s->id, "follow", 1);

	if (s->last_time)
		json_object_set_new(args, "since", json_integer(s->last_time + 1));
	else if (lp->since)
		json_object_set_new(args, "since", json_integer(lp->since));
	else
		json_object_set_new(args, "tail", json_integer(LOG_TAIL));
	s->ended = false;
	s->req = tui_submit(lp->base.app, "container.logs", args, on_entries, on_end, s);
	json_decref(args);
}

/* Stops every source. */
static void stop_all(struct logs_pane *lp)
{
	for (size_t i = 0; i < lp->nsrc; i++) {
		tui_cancel(lp->base.app, lp->src[i].req);
		lp->src[i].req = NULL;
	}
}

/* A new, empty view with the pane's settings. */
static void new_view(struct logs_pane *lp)
{
	struct pane *p = &lp->base;

	if (lp->view)
		logview_free(lp->view);
	lp->view = logview_new(LOG_MAX_LINES, LOG_MAX_BYTES);
	lp->appended = 0;
	logview_set_wrap(lp->view, lp->wrap);
	logview_set_timestamps(lp->view, lp->timestamps);
	if (lp->filter[0])
		logview_set_filter(lp->view, lp->filter, contexts[lp->context]);
	if (lp->search[0])
		logview_search(lp->view, lp->search);
	widget_place(WIDGET(lp->view), p->y + 1, p->x, p->rows > 1 ? p->rows - 1 : 0, p->cols);
	widget_set_focus(WIDGET(lp->view), p->shown);
}

/* Starts again from the sources' beginning (a jump, a new set). */
static void restart(struct logs_pane *lp)
{
	stop_all(lp);
	new_view(lp);
	for (size_t i = 0; i < lp->nsrc; i++) {
		struct log_source *s = &lp->src[i];
		s->last_time = 0;
		if (lp->nsrc > 1)
			s->source = logview_add_source(lp->view, s->name);
		follow(lp, s);
	}
	update_info(lp);
}

/* Follows these containers. */
void pane_logs_open(struct pane *p, const char *const *ids, size_t n)
{
	struct logs_pane *lp = (struct logs_pane *)p;

	stop_all(lp);
	if (n > MAX_SOURCES) {
		app_message(p->app, THEME_WARNING, "following the first %d of %zu containers",
			    MAX_SOURCES, n);
		n = MAX_SOURCES;
	}
	lp->nsrc = n;
	lp->since = 0;
	for (size_t i = 0; i < n; i++) {
		struct log_source *s = &lp->src[i];
		memset(s, 0, sizeof(*s));
		s->pane = lp;
		s->source = -1;
		snprintf(s->id, sizeof(s->id), "%s", ids[i]);
		model_container_name(p->app, ids[i], s->name);
	}
	restart(lp);
}

/* True while no container is followed. */
bool pane_logs_empty(struct pane *p)
{
	return ((struct logs_pane *)p)->nsrc == 0;
}

/* The info row, and the lines under it. */
static void place(struct pane *p)
{
	struct logs_pane *lp = (struct logs_pane *)p;

	widget_place(WIDGET(lp->info), p->y, p->x, 1, p->cols);
	widget_place(WIDGET(lp->view), p->y + 1, p->x, p->rows > 1 ? p->rows - 1 : 0, p->cols);
}

/* Draws the info row and the lines. */
static void draw(struct pane *p)
{
	struct logs_pane *lp = (struct logs_pane *)p;

	statusbar_draw(lp->info);
	logview_draw(lp->view);
}

/* Copies the pane to the screen again. */
static void expose(struct pane *p)
{
	struct logs_pane *lp = (struct logs_pane *)p;

	widget_expose(WIDGET(lp->info));
	widget_expose(WIDGET(lp->view));
}

/* Redraws the pane (a new theme). */
static void invalidate(struct pane *p)
{
	struct logs_pane *lp = (struct logs_pane *)p;

	widget_invalidate(WIDGET(lp->info));
	widget_invalidate(WIDGET(lp->view));
}

/* Says how a search went. */
static void report_search(struct app *app, enum logview_found found, const char *pattern)
{
	if (found == LOGVIEW_NOT_FOUND)
		app_message(app, THEME_WARNING, "no match for '%s'", pattern);
	else if (found == LOGVIEW_WRAPPED)
		app_message(app, THEME_STATUS, "search went round the end");
}

/* "/": searches as the text is typed. */
static void search_change(struct app *app, void *user, const char *text)
{
	struct logs_pane *lp = user;

	(void)app;
	snprintf(lp->search, sizeof(lp->search), "%s", text);
	logview_search(lp->view, text[0] ? text : NULL);
}

/* Enter in the search: says whether it found anything. */
static void search_submit(struct app *app, void *user, const char *text)
{
	struct logs_pane *lp = user;

	search_change(app, user, text);
	if (text[0])
		report_search(app, logview_match(lp->view, NULL, NULL) ? LOGVIEW_FOUND
								       : LOGVIEW_NOT_FOUND,
			      text);
}

/* Esc in the search: no search. */
static void search_cancel(struct app *app, void *user)
{
	search_change(app, user, "");
}

/* "&": keeps only matching lines, with the context in force. */
static void filter_change(struct app *app, void *user, const char *text)
{
	struct logs_pane *lp = user;

	snprintf(lp->filter, sizeof(lp->filter), "%s", text);
	logview_set_filter(lp->view, text[0] ? text : NULL, contexts[lp->context]);
	update_info(lp);
	app_update_bars(app);
}

/* Esc in the filter: every line again. */
static void filter_cancel(struct app *app, void *user)
{
	filter_change(app, user, "");
}

/* "S": jumps to a time, as --since reads it. */
static void since_submit(struct app *app, void *user, const char *text)
{
	struct logs_pane *lp = user;
	int64_t ns = 0;
	berr err = {0};

	if (text[0] && units_parse_timestamp(text, clock_now_nanos(), &ns, &err) < 0) {
		app_error(app, &err, "since");
		return;
	}
	lp->since = ns;
	restart(lp);
	if (ns)
		app_message(app, THEME_STATUS, "logs since %s", text);
}

/* Copies the current match's line, else the newest. */
static void copy_line(struct logs_pane *lp)
{
	uint64_t seq;
	const char *text = NULL;

	if (logview_match(lp->view, &seq, NULL))
		text = logview_line_text(lp->view, seq);
	else if (lp->appended)
		text = logview_line_text(lp->view, lp->appended - 1);
	if (text)
		app_copy(lp->base.app, "the log line", text);
	else
		app_message(lp->base.app, THEME_WARNING, "no line to copy");
}

/* Scrolling, follow, wrap, timestamps, search, filter, since, copy. */
static bool action(struct pane *p, enum tui_action a)
{
	static const struct modal_hooks search_hooks = {
		.change = search_change, .submit = search_submit, .cancel = search_cancel};
	static const struct modal_hooks filter_hooks = {.change = filter_change,
							.cancel = filter_cancel};
	static const struct modal_hooks since_hooks = {.submit = since_submit};
	struct logs_pane *lp = (struct logs_pane *)p;
	struct logview *lv = lp->view;
	long page = p->rows > 3 ? p->rows - 2 : 1;

	switch (a) {
	case ACT_UP:
		logview_scroll(lv, -1);
		break;
	case ACT_DOWN:
		logview_scroll(lv, 1);
		break;
	case ACT_PAGE_UP:
		logview_scroll(lv, -page);
		break;
	case ACT_PAGE_DOWN:
		logview_scroll(lv, page);
		break;
	case ACT_HALF_UP:
		logview_scroll(lv, -page / 2);
		break;
	case ACT_HALF_DOWN:
		logview_scroll(lv, page / 2);
		break;
	case ACT_TOP:
		logview_home(lv);
		break;
	case ACT_BOTTOM:
		logview_end(lv);
		break;
	case ACT_LEFT:
		logview_hscroll(lv, -8);
		break;
	case ACT_RIGHT:
		logview_hscroll(lv, 8);
		break;
	case ACT_FOLLOW:
		logview_set_follow(lv, !logview_following(lv));
		break;
	case ACT_WRAP:
		lp->wrap = !logview_wrapping(lv);
		logview_set_wrap(lv, lp->wrap);
		break;
	case ACT_TIMESTAMPS:
		lp->timestamps = !logview_timestamps(lv);
		logview_set_timestamps(lv, lp->timestamps);
		break;
	case ACT_FILTER:
		modal_prompt(p->app, NULL, "/", lp->search, &search_hooks, lp);
		break;
	case ACT_SEARCH_NEXT:
	case ACT_SEARCH_PREV:
		if (!lp->search[0]) {
			app_message(p->app, THEME_WARNING, "nothing to find: / searches");
			break;
		}
		report_search(p->app, logview_search_next(lv, a == ACT_SEARCH_PREV), lp->search);
		break;
	case ACT_LOG_FILTER:
		modal_prompt(p->app, NULL, "keep lines with: ", lp->filter, &filter_hooks, lp);
		break;
	case ACT_CONTEXT:
		lp->context = (lp->context + 1) % (int)(sizeof(contexts) / sizeof(contexts[0]));
		if (lp->filter[0])
			logview_set_filter(lv, lp->filter, contexts[lp->context]);
		app_message(p->app, THEME_STATUS, "%d context line%s around filter matches",
			    contexts[lp->context], contexts[lp->context] == 1 ? "" : "s");
		break;
	case ACT_SINCE:
		modal_prompt(p->app, NULL, "logs since (10m, 1h, 2024-05-01T10:00; empty: the last lines): ",
			     "", &since_hooks, lp);
		break;
	case ACT_CLEAR:
		logview_clear(lv);
		break;
	case ACT_COPY:
		copy_line(lp);
		break;
	case ACT_ESCAPE:
		if (lp->search[0])
			search_change(p->app, lp, "");
		return false;
	default:
		return false;
	}
	update_info(lp);
	return true;
}

/* Keys of the view itself. */
static enum wkey_result key(struct pane *p, wkey k)
{
	return logview_key(((struct logs_pane *)p)->view, k);
}

/* The selected container's ID when one container is followed. */
static const char *selected(struct pane *p)
{
	struct logs_pane *lp = (struct logs_pane *)p;

	return lp->nsrc == 1 ? lp->src[0].id : NULL;
}

/* The containers followed. */
static size_t targets(struct pane *p, const char **ids, size_t max)
{
	struct logs_pane *lp = (struct logs_pane *)p;
	size_t n = 0;

	for (size_t i = 0; i < lp->nsrc && n < max; i++)
		ids[n++] = lp->src[i].id;
	return n;
}

/* A followed container that runs again is followed again. */
static void changed(struct pane *p, enum model_kind kind)
{
	struct logs_pane *lp = (struct logs_pane *)p;

	if (kind != MODEL_CONTAINERS)
		return;
	for (size_t i = 0; i < lp->nsrc; i++) {
		struct log_source *s = &lp->src[i];
		json_t *row = model_container(p->app, s->id);
		const char *state = json_string_value(json_object_get(row, "State")) ?: "";
		if (s->ended && !s->req && strcmp(state, "running") == 0)
			follow(lp, s);
	}
	update_info(lp);
}

/* Shown with nothing followed: the containers pane's selection. */
static void shown(struct pane *p, bool on)
{
	struct logs_pane *lp = (struct logs_pane *)p;
	struct pane *cp = app_pane(p->app, PANE_CONTAINERS);
	const char *ids[MAX_SOURCES];
	size_t n;

	widget_set_focus(WIDGET(lp->view), on);
	if (on && lp->nsrc == 0 && (n = cp->cls->targets(cp, ids, MAX_SOURCES)) > 0)
		pane_logs_open(p, ids, n);
}

/* Follow, wrap, timestamps and filter, for the status line. */
static void status(struct pane *p, char *buf, size_t n)
{
	struct logs_pane *lp = (struct logs_pane *)p;

	snprintf(buf, n, "%s  wrap %s  time %s%s%s%s", logview_following(lp->view) ? "FOLLOW" : "paused",
		 lp->wrap ? "on" : "off", lp->timestamps ? "on" : "off",
		 lp->filter[0] ? "  filter: " : "", lp->filter, lp->filter[0] && lp->context ? " +ctx" : "");
}

/* Stops the follows and frees the pane. */
static void destroy(struct pane *p)
{
	struct logs_pane *lp = (struct logs_pane *)p;

	stop_all(lp);
	logview_free(lp->view);
	statusbar_free(lp->info);
	free(lp);
}

static const struct pane_class logs_class = {
	.name = "logs",
	.place = place,
	.draw = draw,
	.expose = expose,
	.invalidate = invalidate,
	.action = action,
	.key = key,
	.selected = selected,
	.targets = targets,
	.changed = changed,
	.shown = shown,
	.status = status,
	.destroy = destroy,
};

/* The logs pane, following nothing yet. */
struct pane *pane_logs_new(struct app *app)
{
	struct logs_pane *lp = calloc(1, sizeof(*lp));

	if (!lp)
		abort();
	lp->base.cls = &logs_class;
	lp->base.app = app;
	lp->base.id = PANE_LOGS;
	lp->info = statusbar_new(THEME_TABLE_HEADER);
	new_view(lp);
	update_info(lp);
	return &lp->base;
}
