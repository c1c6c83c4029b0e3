/* The detail pane: one object in depth. A container has five views: its
 * inspect document as a foldable tree, its environment, its mounts, its
 * processes (container.top, read again every two seconds while that view
 * is shown) and its life (life.c: the log configuration and its events:
 * why it died, and when, one keypress away); a network has its containers (name, addresses, MAC)
 * and its inspect document; an image or a volume has its inspect
 * document. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/format.h"
#include "tui/life.h"

enum view { VIEW_INSPECT, VIEW_ENV, VIEW_MOUNTS, VIEW_TOP, VIEW_MEMBERS, VIEW_LIFE, VIEW_COUNT };

static const char *const view_names[VIEW_COUNT] = {"Inspect", "Env",	    "Mounts",
						   "Top",     "Containers", "Life"};

/* The views of each kind of object, the first shown first. */
static const enum view container_views[] = {VIEW_INSPECT, VIEW_ENV, VIEW_MOUNTS, VIEW_TOP,
					    VIEW_LIFE};
static const enum view network_views[] = {VIEW_MEMBERS, VIEW_INSPECT};
static const enum view other_views[] = {VIEW_INSPECT};

static const struct table_column member_cols[] = {
	{"CONTAINER", 9, 32, 0, false, false, false},
	{"IPV4 ADDRESS", 12, 18, 0, false, false, false},
	{"IPV6 ADDRESS", 12, 0, 0, false, false, true},
	{"MAC ADDRESS", 11, 17, 1, false, false, false},
};

static const struct table_column env_cols[] = {
	{"VARIABLE", 8, 40, 0, false, false, false},
	{"VALUE", 5, 0, 0, false, false, true},
};

static const struct table_column mount_cols[] = {
	{"TYPE", 4, 8, 0, false, false, false},	    {"SOURCE", 6, 0, 0, false, false, true},
	{"DESTINATION", 11, 40, 0, false, false, false}, {"MODE", 4, 8, 2, false, false, false},
	{"RW", 2, 5, 1, false, false, false},
};

struct detail_pane {
	struct pane base;
	struct statusbar *tabs;
	struct jsonview *json;
	struct table *env, *mounts, *top, *members;
	struct life *life;
	json_t *top_titles; /* keeps the top table's column titles alive */
	enum detail_kind kind;
	char id[300];
	char name[128];
	enum view view;
	struct request *inspect_req, *top_req;
	char error[256];
	unsigned top_tick;
};

/* The widget of the current view. */
static struct widget *current_widget(struct detail_pane *dp)
{
	switch (dp->view) {
	case VIEW_ENV:
		return WIDGET(dp->env);
	case VIEW_MOUNTS:
		return WIDGET(dp->mounts);
	case VIEW_TOP:
		return WIDGET(dp->top);
	case VIEW_MEMBERS:
		return WIDGET(dp->members);
	case VIEW_LIFE:
		return WIDGET(life_table(dp->life));
	default:
		return WIDGET(dp->json);
	}
}

/* The views an object has, in order; their count. */
static int views_of(const struct detail_pane *dp, const enum view **list)
{
	if (dp->kind == DETAIL_CONTAINER) {
		*list = container_views;
		return (int)(sizeof(container_views) / sizeof(container_views[0]));
	}
	if (dp->kind == DETAIL_NETWORK) {
		*list = network_views;
		return (int)(sizeof(network_views) / sizeof(network_views[0]));
	}
	*list = other_views;
	return 1;
}

/* Where the current view is in the object's list, -1 when it has none. */
static int view_index(const struct detail_pane *dp)
{
	const enum view *list;
	int n = views_of(dp, &list);

	for (int i = 0; i < n; i++)
		if (list[i] == dp->view)
			return i;
	return -1;
}

/* The row above the view: the object and the views, the current in brackets. */
static void update_tabs(struct detail_pane *dp)
{
	char left[512], right[160];
	size_t len;

	if (!dp->id[0]) {
		statusbar_set(dp->tabs, " nothing shown: Enter on a container, image or volume",
			      NULL);
		return;
	}
	len = (size_t)snprintf(left, sizeof(left), " %s", dp->name);
	const enum view *list;
	int nviews = views_of(dp, &list);
	for (int v = 0; v < nviews && len < sizeof(left); v++)
		len += (size_t)snprintf(left + len, sizeof(left) - len,
					list[v] == dp->view ? "  [%s]" : "   %s ", view_names[list[v]]);
	if (dp->error[0])
		snprintf(right, sizeof(right), "%s ", dp->error);
	else if (dp->view == VIEW_INSPECT)
		jsonview_path(dp->json, right, sizeof(right));
	else
		right[0] = '\0';
	statusbar_set(dp->tabs, left, right);
}

/* Shows one view: the others' windows go. */
static void place_views(struct detail_pane *dp)
{
	struct pane *p = &dp->base;
	struct widget *views[] = {WIDGET(dp->json), WIDGET(dp->env),	 WIDGET(dp->mounts),
				  WIDGET(dp->top),  WIDGET(dp->members), WIDGET(life_table(dp->life))};
	int rows = p->rows > 1 ? p->rows - 1 : 0;

	widget_place(WIDGET(dp->tabs), p->y, p->x, 1, p->cols);
	for (int v = 0; v < VIEW_COUNT; v++) {
		bool on = p->shown && v == (int)dp->view;
		widget_place(views[v], p->y + 1, p->x, on ? rows : 0, on ? p->cols : 0);
		widget_set_focus(views[v], on);
	}
}

/* Fills the env and mounts tables from an inspect document. */
static void fill_tables(struct detail_pane *dp, json_t *doc)
{
	json_t *env = json_object_get(json_object_get(doc, "Config"), "Env");
	json_t *mounts = json_object_get(doc, "Mounts"), *v;
	size_t n = json_array_size(env), m = json_array_size(mounts), i;
	struct table_cell *cells = calloc((n + m) * 5 + 1, sizeof(*cells));
	struct table_row *rows = calloc(n + m + 1, sizeof(*rows));
	char (*keys)[256] = calloc(n + 1, sizeof(*keys));

	if (!cells || !rows || !keys)
		abort();
	json_array_foreach(env, i, v) {
		const char *kv = json_string_value(v) ?: "", *eq = strchr(kv, '=');
		snprintf(keys[i], sizeof(keys[i]), "%.*s", eq ? (int)(eq - kv) : (int)strlen(kv), kv);
		cells[2 * i] = (struct table_cell){keys[i], 0, THEME_JSON_KEY};
		cells[2 * i + 1] = (struct table_cell){eq ? eq + 1 : "", 0, 0};
		rows[i] = (struct table_row){keys[i], &cells[2 * i]};
	}
	table_set_rows(dp->env, rows, n);
	json_array_foreach(mounts, i, v) {
		struct table_cell *c = &cells[2 * n + 5 * i];
		c[0] = (struct table_cell){json_string_value(json_object_get(v, "Type")), 0, 0};
		c[1] = (struct table_cell){json_string_value(json_object_get(v, "Source")) ?:
					   json_string_value(json_object_get(v, "Name")), 0, THEME_DIM};
		c[2] = (struct table_cell){json_string_value(json_object_get(v, "Destination")), 0, 0};
		c[3] = (struct table_cell){json_string_value(json_object_get(v, "Mode")), 0, 0};
		c[4] = (struct table_cell){json_is_false(json_object_get(v, "RW")) ? "ro" : "rw", 0, 0};
		rows[i] = (struct table_row){json_string_value(json_object_get(v, "Destination")) ?: "", c};
	}
	table_set_rows(dp->mounts, rows, m);
	free(keys);
	free(rows);
	free(cells);
}

/* A network's running containers from its inspect document, by name. */
static void fill_members(struct detail_pane *dp, json_t *doc)
{
	json_t *members = json_object_get(doc, "Containers"), *v;
	size_t n = json_object_size(members), i = 0;
	struct table_cell *cells = calloc(n * 4 + 1, sizeof(*cells));
	struct table_row *rows = calloc(n + 1, sizeof(*rows));
	const char *id;

	if (!cells || !rows)
		abort();
	json_object_foreach(members, id, v) {
		struct table_cell *c = &cells[4 * i];
		c[0] = (struct table_cell){json_string_value(json_object_get(v, "Name")) ?: id, 0, 0};
		c[1] = (struct table_cell){json_string_value(json_object_get(v, "IPv4Address")), 0, 0};
		c[2] = (struct table_cell){json_string_value(json_object_get(v, "IPv6Address")), 0, 0};
		c[3] = (struct table_cell){json_string_value(json_object_get(v, "MacAddress")), 0,
					   THEME_DIM};
		rows[i++] = (struct table_row){id, c};
	}
	table_set_rows(dp->members, rows, n);
	free(rows);
	free(cells);
}

/* The inspect document came. */
static void on_inspect(struct app *app, void *user, int status, json_t *result, const berr *err)
{
	struct detail_pane *dp = user;

	dp->inspect_req = NULL;
	if (status < 0) {
		snprintf(dp->error, sizeof(dp->error), "%s", err ? err->msg : "inspect failed");
		jsonview_set(dp->json, json_null());
	} else {
		dp->error[0] = '\0';
		jsonview_set(dp->json, result);
		jsonview_fold_depth(dp->json, 2);
		if (dp->kind == DETAIL_CONTAINER) {
			fill_tables(dp, result);
			life_set_logging(dp->life, result);
		}
		else if (dp->kind == DETAIL_NETWORK)
			fill_members(dp, result);
	}
	update_tabs(dp);
	app_frame_due(app);
}

/* Reads the object again. */
static void reload(struct detail_pane *dp)
{
	static const char *const commands[] = {"container.inspect", "image.inspect",
					       "volume.inspect", "network.inspect"};
	json_t *args;

	if (!dp->id[0])
		return;
	tui_cancel(dp->base.app, dp->inspect_req);
	args = json_pack("{s:s}", dp->kind == DETAIL_CONTAINER ? "id" : "name", dp->id);
	dp->inspect_req = tui_submit(dp->base.app, commands[dp->kind], args, NULL, on_inspect, dp);
	json_decref(args);
}

/* A new top table for these titles (the columns ps gave). */
static void make_top_table(struct detail_pane *dp, json_t *titles)
{
	size_t n = json_array_size(titles);
	struct table_column *cols = calloc(n + 1, sizeof(*cols));
	json_t *t;
	size_t i;

	if (!cols)
		abort();
	json_array_foreach(titles, i, t) {
		const char *title = json_string_value(t) ?: "";
		bool cmd = strcmp(title, "CMD") == 0 || strcmp(title, "COMMAND") == 0;
		cols[i] = (struct table_column){title, (int)strlen(title), cmd ? 0 : 24, 0,
						strcmp(title, "PID") == 0, strcmp(title, "PID") == 0,
						cmd};
	}
	if (dp->top)
		table_free(dp->top);
	dp->top = table_new(cols, (int)n);
	table_set_empty_text(dp->top, "no processes");
	json_decref(dp->top_titles);
	dp->top_titles = json_incref(titles);
	free(cols);
	place_views(dp);
}

/* The container's processes came. */
static void on_top(struct app *app, void *user, int status, json_t *result, const berr *err)
{
	struct detail_pane *dp = user;
	json_t *titles = json_object_get(result, "Titles"), *procs, *proc;
	size_t n, cols, i, pid_col = 0;

	dp->top_req = NULL;
	if (status < 0) {
		snprintf(dp->error, sizeof(dp->error), "top: %s", err ? err->msg : "failed");
		update_tabs(dp);
		return;
	}
	if (!dp->top_titles || !json_equal(dp->top_titles, titles))
		make_top_table(dp, titles);
	procs = json_object_get(result, "Processes");
	n = json_array_size(procs);
	cols = json_array_size(titles);
	for (i = 0; i < cols; i++)
		if (strcmp(json_string_value(json_array_get(titles, i)) ?: "", "PID") == 0)
			pid_col = i;
	struct table_cell *cells = calloc(n * cols + 1, sizeof(*cells));
	struct table_row *rows = calloc(n + 1, sizeof(*rows));
	if (!cells || !rows)
		abort();
	json_array_foreach(procs, i, proc) {
		for (size_t c = 0; c < cols; c++) {
			const char *text = json_string_value(json_array_get(proc, c)) ?: "";
			cells[i * cols + c] = (struct table_cell){text, atof(text), 0};
		}
		rows[i] = (struct table_row){json_string_value(json_array_get(proc, pid_col)) ?: "",
					     &cells[i * cols]};
	}
	table_set_rows(dp->top, rows, n);
	free(rows);
	free(cells);
	dp->error[0] = '\0';
	update_tabs(dp);
	app_frame_due(app);
}

/* Reads the processes again (not while a read is in flight). */
static void reload_top(struct detail_pane *dp)
{
	json_t *args;

	if (dp->kind != DETAIL_CONTAINER || !dp->id[0] || dp->top_req)
		return;
	args = json_pack("{s:s, s:[s]}", "id", dp->id, "ps_args", "-ef");
	dp->top_req = tui_submit(dp->base.app, "container.top", args, NULL, on_top, dp);
	json_decref(args);
}

/* Shows an object. */
void pane_detail_open(struct pane *p, enum detail_kind kind, const char *id)
{
	struct detail_pane *dp = (struct detail_pane *)p;
	char short_id[13];

	tui_cancel(p->app, dp->top_req);
	dp->top_req = NULL;
	dp->kind = kind;
	snprintf(dp->id, sizeof(dp->id), "%s", id);
	if (kind == DETAIL_CONTAINER) {
		model_container_name(p->app, id, dp->name);
	} else if (kind == DETAIL_IMAGE && strncmp(id, "sha256:", 7) == 0) {
		fmt_short_id(id, short_id);
		snprintf(dp->name, sizeof(dp->name), "image %s", short_id);
	} else if (kind == DETAIL_NETWORK) {
		char name[64];
		snprintf(dp->name, sizeof(dp->name), "network %s", model_network_name(p->app, id, name));
	} else {
		snprintf(dp->name, sizeof(dp->name), "%s %s", kind == DETAIL_IMAGE ? "image" : "volume",
			 id);
	}
	if (view_index(dp) < 0) {
		const enum view *list;
		views_of(dp, &list);
		dp->view = list[0];
	}
	table_set_rows(dp->env, NULL, 0);
	table_set_rows(dp->mounts, NULL, 0);
	table_set_rows(dp->members, NULL, 0);
	if (dp->top)
		table_set_rows(dp->top, NULL, 0);
	dp->error[0] = '\0';
	jsonview_set(dp->json, json_null());
	reload(dp);
	if (kind == DETAIL_CONTAINER)
		life_open(dp->life, id);
	else
		life_close(dp->life);
	if (dp->view == VIEW_TOP)
		reload_top(dp);
	place_views(dp);
	update_tabs(dp);
}

/* The container shown, or NULL for an image, a volume or nothing. */
const char *pane_detail_container(struct pane *p)
{
	struct detail_pane *dp = (struct detail_pane *)p;

	return dp->kind == DETAIL_CONTAINER && dp->id[0] ? dp->id : NULL;
}

/* The tab row and the current view in the pane's place. */
static void place(struct pane *p)
{
	place_views((struct detail_pane *)p);
}

/* Draws the tab row and the current view. */
static void draw(struct pane *p)
{
	struct detail_pane *dp = (struct detail_pane *)p;

	statusbar_draw(dp->tabs);
	widget_draw(current_widget(dp));
}

/* Copies the tab row and the view to the screen again. */
static void expose(struct pane *p)
{
	struct detail_pane *dp = (struct detail_pane *)p;

	widget_expose(WIDGET(dp->tabs));
	widget_expose(current_widget(dp));
}

/* Redraws every view (a new theme). */
static void invalidate(struct pane *p)
{
	struct detail_pane *dp = (struct detail_pane *)p;

	widget_invalidate(WIDGET(dp->tabs));
	widget_invalidate(WIDGET(dp->json));
	widget_invalidate(WIDGET(dp->env));
	widget_invalidate(WIDGET(dp->mounts));
	widget_invalidate(WIDGET(dp->top));
	widget_invalidate(WIDGET(dp->members));
	widget_invalidate(WIDGET(life_table(dp->life)));
}

/* Moves to another view. */
static void switch_view(struct detail_pane *dp, int step)
{
	const enum view *list;
	int n = views_of(dp, &list), at = view_index(dp);

	dp->view = list[((at < 0 ? 0 : at) + step + n) % n];
	/* an error belongs to the view that met it */
	dp->error[0] = '\0';
	if (dp->view == VIEW_TOP)
		reload_top(dp);
	place_views(dp);
	update_tabs(dp);
}

/* Sends a curses key to the current view. */
static void view_key(struct detail_pane *dp, int key, int times)
{
	for (int i = 0; i < times; i++)
		widget_key(current_widget(dp), WKEY_FN(key));
}

/* Moving in the view, switching views, folding, reloading. */
static bool action(struct pane *p, enum tui_action a)
{
	struct detail_pane *dp = (struct detail_pane *)p;
	int half = p->rows > 4 ? (p->rows - 2) / 2 : 1;

	switch (a) {
	case ACT_UP:
		view_key(dp, KEY_UP, 1);
		break;
	case ACT_DOWN:
		view_key(dp, KEY_DOWN, 1);
		break;
	case ACT_TOP:
		view_key(dp, KEY_HOME, 1);
		break;
	case ACT_BOTTOM:
		view_key(dp, KEY_END, 1);
		break;
	case ACT_PAGE_UP:
		view_key(dp, KEY_PPAGE, 1);
		break;
	case ACT_PAGE_DOWN:
		view_key(dp, KEY_NPAGE, 1);
		break;
	case ACT_HALF_UP:
		view_key(dp, KEY_UP, half);
		break;
	case ACT_HALF_DOWN:
		view_key(dp, KEY_DOWN, half);
		break;
	case ACT_VIEW_NEXT:
		switch_view(dp, 1);
		break;
	case ACT_VIEW_PREV:
		switch_view(dp, -1);
		break;
	case ACT_FOLD_ALL:
		jsonview_fold_depth(dp->json, 1);
		break;
	case ACT_UNFOLD_ALL:
		jsonview_unfold_all(dp->json);
		break;
	case ACT_REFRESH:
		reload(dp);
		if (dp->view == VIEW_TOP)
			reload_top(dp);
		break;
	default:
		return false;
	}
	update_tabs(dp);
	return true;
}

/* The view's own keys: Enter and space fold, Left and Right. */
static enum wkey_result key(struct pane *p, wkey k)
{
	struct detail_pane *dp = (struct detail_pane *)p;
	enum wkey_result r = widget_key(current_widget(dp), k);

	update_tabs(dp);
	return r;
}

/* The object shown (y copies it). */
static const char *selected(struct pane *p)
{
	struct detail_pane *dp = (struct detail_pane *)p;

	return dp->id[0] ? dp->id : NULL;
}

/* The container shown, for l and e. */
static size_t targets(struct pane *p, const char **ids, size_t max)
{
	const char *id = pane_detail_container(p);

	if (!id || max == 0)
		return 0;
	ids[0] = id;
	return 1;
}

/* Processes are read again every other stats reading while shown. */
static void changed(struct pane *p, enum model_kind kind)
{
	struct detail_pane *dp = (struct detail_pane *)p;

	if (kind == MODEL_STATS && p->shown && dp->view == VIEW_TOP && ++dp->top_tick % 2 == 0)
		reload_top(dp);
}

/* Shown with nothing chosen: the containers pane's selection. */
static void shown(struct pane *p, bool on)
{
	struct detail_pane *dp = (struct detail_pane *)p;
	struct pane *cp = app_pane(p->app, PANE_CONTAINERS);
	const char *id;

	if (on && !dp->id[0] && (id = cp->cls->selected(cp)))
		pane_detail_open(p, DETAIL_CONTAINER, id);
	else if (on && dp->view == VIEW_TOP)
		reload_top(dp);
	place_views(dp);
	update_tabs(dp);
}

/* The rows of the view. */
static void status(struct pane *p, char *buf, size_t n)
{
	struct detail_pane *dp = (struct detail_pane *)p;

	size_t rows = dp->view == VIEW_INSPECT
			      ? jsonview_rows(dp->json)
			      : table_row_count((struct table *)current_widget(dp));

	snprintf(buf, n, "%zu %s%s", rows, rows == 1 ? "row" : "rows",
		 dp->view == VIEW_INSPECT ? "  Enter folds" : "");
}

/* Cancels the reads in flight and frees the pane. */
static void destroy(struct pane *p)
{
	struct detail_pane *dp = (struct detail_pane *)p;

	tui_cancel(p->app, dp->inspect_req);
	tui_cancel(p->app, dp->top_req);
	statusbar_free(dp->tabs);
	jsonview_free(dp->json);
	table_free(dp->env);
	table_free(dp->mounts);
	table_free(dp->top);
	table_free(dp->members);
	life_free(dp->life);
	json_decref(dp->top_titles);
	free(dp);
}

static const struct pane_class detail_class = {
	.name = "detail",
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

/* The detail pane, showing nothing yet. */
struct pane *pane_detail_new(struct app *app)
{
	struct detail_pane *dp = calloc(1, sizeof(*dp));

	if (!dp)
		abort();
	dp->base.cls = &detail_class;
	dp->base.app = app;
	dp->base.id = PANE_DETAIL;
	dp->tabs = statusbar_new(THEME_TABLE_HEADER);
	dp->json = jsonview_new();
	dp->env = table_new(env_cols, 2);
	dp->mounts = table_new(mount_cols, 5);
	dp->top = table_new(env_cols, 0);
	dp->members = table_new(member_cols, 4);
	dp->life = life_new(app);
	table_set_empty_text(dp->members, "no running container on this network");
	table_set_empty_text(dp->env, "no environment variables");
	table_set_empty_text(dp->mounts, "no mounts");
	table_set_empty_text(dp->top, "reading the processes");
	update_tabs(dp);
	return &dp->base;
}
