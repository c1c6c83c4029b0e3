/* The stats pane: a live dashboard of every running container, one row
 * each: CPU % with a sparkline of its history since the console started,
 * memory against its limit as a gauge with its own sparkline, PIDs, and
 * network and block I/O. Figures come from the stats stream once a second;
 * the pane redraws only while it is shown. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/app.h"
#include "tui/format.h"
#include "widgets/text.h"

#define NAME_W 16
#define CPU_W 8
#define PIDS_W 6
#define IO_W 17

/* The widgets of one visible row. */
struct slot {
	struct sparkline *cpu, *mem_spark;
	struct gauge *mem;
};

struct stats_pane {
	struct pane base;
	struct widget view; /* text columns and the header row */
	struct slot *slots;
	size_t nslots;
	char (*ids)[65]; /* the running containers, by name */
	size_t n, cap;
	size_t sel, top;
	bool stale;
	char filter[128]; /* words every shown container's name or ID has */
	int sort;         /* a sort_keys index */
	bool sort_desc;
	/* the layout: column positions and widths (0: not shown) */
	int x_cpu, x_spark, w_spark, x_gauge, w_gauge, x_mspark, w_mspark, x_pids, x_net, x_blk;
};

#define STATS(w) ((struct stats_pane *)((char *)(w) - offsetof(struct stats_pane, view)))

/* Rows available for containers (the first row is the header). */
static size_t body_rows(const struct stats_pane *sp)
{
	return sp->base.rows > 1 ? (size_t)sp->base.rows - 1 : 0;
}

/* Columns for the pane's width; the I/O columns and the memory sparkline
 * go first when it is narrow. */
static void layout(struct stats_pane *sp)
{
	int cols = sp->base.cols, x = 1 + NAME_W + 1, rest;
	bool io = cols >= 110, pids = cols >= 70;

	sp->x_cpu = x;
	x += CPU_W + 1;
	rest = cols - x - (pids ? PIDS_W + 1 : 0) - (io ? 2 * (IO_W + 1) : 0);
	if (rest < 12)
		rest = 12;
	sp->w_mspark = rest >= 36 ? rest / 4 : 0;
	sp->w_spark = (rest - sp->w_mspark) * 2 / 5;
	sp->w_gauge = rest - sp->w_mspark - sp->w_spark - (sp->w_mspark ? 3 : 2);
	sp->x_spark = x;
	sp->x_gauge = sp->x_spark + sp->w_spark + 1;
	sp->x_mspark = sp->x_gauge + sp->w_gauge + 1;
	x = sp->x_gauge + sp->w_gauge + 1 + (sp->w_mspark ? sp->w_mspark + 1 : 0);
	sp->x_pids = pids ? x : 0;
	x += pids ? PIDS_W + 1 : 0;
	sp->x_net = io ? x : 0;
	sp->x_blk = io ? x + IO_W + 1 : 0;
}

/* What the rows can be sorted by, as the header names the columns. */
static const char *const sort_keys[] = {"NAME", "CPU %", "MEM USAGE", "PIDS", "NET I/O",
					 "BLOCK I/O"};
#define SORT_KEYS ((int)(sizeof(sort_keys) / sizeof(sort_keys[0])))

/* A row's figure for a sort key (the sum of both ways for I/O). */
static double sort_value(const struct ctr_stats *st, int key)
{
	switch (key) {
	case 1:
		return st->entry.cpu_percent;
	case 2:
		return st->entry.mem_usage;
	case 3:
		return (double)st->entry.pids;
	case 4:
		return st->entry.net_rx + st->entry.net_tx;
	default:
		return st->entry.blk_read + st->entry.blk_write;
	}
}

/* The running containers in the chosen order; names break ties (web2
 * before web10). */
static int by_key(const void *a, const void *b, void *ctx)
{
	struct stats_pane *sp = ctx;
	const struct ctr_stats *sa = model_stats(sp->base.app, a);
	const struct ctr_stats *sb = model_stats(sp->base.app, b);
	int r = 0;

	if (sa && sb && sp->sort > 0) {
		double va = sort_value(sa, sp->sort), vb = sort_value(sb, sp->sort);
		r = va < vb ? -1 : va > vb ? 1 : 0;
	}
	if (r == 0)
		r = strverscmp(sa ? sa->name : "", sb ? sb->name : "");
	return sp->sort_desc ? -r : r;
}

/* Does every word of the filter appear in the name or the ID? */
static bool matches(const struct stats_pane *sp, const struct ctr_stats *st)
{
	const char *p = sp->filter;

	while (*p) {
		size_t len;
		while (*p == ' ')
			p++;
		len = strcspn(p, " ");
		if (len == 0)
			break;
		if (text_find(st->name, strlen(st->name), 0, p, len, true) < 0 &&
		    text_find(st->id, strlen(st->id), 0, p, len, true) < 0)
			return false;
		p += len;
	}
	return true;
}

/* Collects the containers with a live reading. */
static void collect(struct stats_pane *sp)
{
	struct model *m = &sp->base.app->model;
	char keep[65] = "";

	if (sp->sel < sp->n)
		snprintf(keep, sizeof(keep), "%s", sp->ids[sp->sel]);
	sp->n = 0;
	for (size_t i = 0; i < m->nstats; i++) {
		if (!m->stats[i].live || !matches(sp, &m->stats[i]))
			continue;
		if (sp->n == sp->cap) {
			sp->cap = sp->cap ? sp->cap * 2 : 32;
			sp->ids = realloc(sp->ids, sp->cap * sizeof(*sp->ids));
			if (!sp->ids)
				abort();
		}
		snprintf(sp->ids[sp->n++], sizeof(sp->ids[0]), "%s", m->stats[i].id);
	}
	qsort_r(sp->ids, sp->n, sizeof(*sp->ids), by_key, sp);
	sp->sel = 0;
	for (size_t i = 0; i < sp->n; i++)
		if (strcmp(sp->ids[i], keep) == 0)
			sp->sel = i;
}

/* Keeps the selection in the window. */
static void keep_visible(struct stats_pane *sp)
{
	size_t body = body_rows(sp);

	if (sp->sel >= sp->n)
		sp->sel = sp->n ? sp->n - 1 : 0;
	if (sp->sel < sp->top)
		sp->top = sp->sel;
	if (body && sp->sel >= sp->top + body)
		sp->top = sp->sel - body + 1;
	if (sp->top + body > sp->n)
		sp->top = sp->n > body ? sp->n - body : 0;
}

/* Places a slot's widgets on a screen row (width 0 hides). */
static void place_slot(struct stats_pane *sp, struct slot *s, int y, bool shown)
{
	int x = sp->base.x;

	widget_place(WIDGET(s->cpu), y, x + sp->x_spark, 1, shown ? sp->w_spark : 0);
	widget_place(WIDGET(s->mem), y, x + sp->x_gauge, 1, shown ? sp->w_gauge : 0);
	widget_place(WIDGET(s->mem_spark), y, x + sp->x_mspark, 1, shown ? sp->w_mspark : 0);
}

/* Gives a slot the history and figures of a container. */
static void fill_slot(struct stats_pane *sp, struct slot *s, const struct ctr_stats *st)
{
	double cells[HISTORY_SLOTS], peak = 10;
	size_t n;
	char used[16], limit[16], text[40];
	bool limited;

	/* CPU on a scale from 0 to its peak (10% at least, so that noise
	 * stays low); memory from 0 to its limit when it has one, else to a
	 * little over its own peak, so that growth shows. */
	n = history_cells(&st->cpu, cells, (size_t)sp->w_spark);
	sparkline_clear(s->cpu);
	for (size_t i = 0; i < n; i++) {
		sparkline_push(s->cpu, cells[i]);
		peak = fmax(peak, cells[i]);
	}
	sparkline_set_range(s->cpu, 0, peak);
	n = history_cells(&st->mem, cells, (size_t)sp->w_mspark);
	sparkline_clear(s->mem_spark);
	peak = 0;
	for (size_t i = 0; i < n; i++) {
		sparkline_push(s->mem_spark, cells[i]);
		peak = fmax(peak, cells[i]);
	}
	limited = st->entry.mem_limit > 0 && st->entry.mem_limit < sp->base.app->model.mem_total;
	sparkline_set_range(s->mem_spark, 0, limited ? st->entry.mem_limit : peak * 1.25);
	fmt_bytes(st->entry.mem_usage, used, sizeof(used));
	fmt_bytes(st->entry.mem_limit, limit, sizeof(limit));
	snprintf(text, sizeof(text), "%s / %s", used, limit);
	gauge_set(s->mem, st->entry.mem_usage, st->entry.mem_limit, text);
}

/* Makes sure there is a slot per visible row, each sized for the layout. */
static void ensure_slots(struct stats_pane *sp)
{
	size_t want = body_rows(sp);

	if (want > sp->nslots) {
		sp->slots = realloc(sp->slots, want * sizeof(*sp->slots));
		if (!sp->slots)
			abort();
		for (size_t i = sp->nslots; i < want; i++) {
			sp->slots[i].cpu = sparkline_new(512, THEME_SPARK_CPU);
			sp->slots[i].mem_spark = sparkline_new(512, THEME_SPARK_MEM);
			sp->slots[i].mem = gauge_new(NULL);
		}
		sp->nslots = want;
	}
}

/* Binds the visible rows to containers. */
static void refill(struct stats_pane *sp)
{
	size_t body = body_rows(sp);

	ensure_slots(sp);
	keep_visible(sp);
	for (size_t k = 0; k < sp->nslots; k++) {
		size_t i = sp->top + k;
		const struct ctr_stats *st =
			i < sp->n ? model_stats(sp->base.app, sp->ids[i]) : NULL;
		bool shown = sp->base.shown && k < body && st;
		place_slot(sp, &sp->slots[k], sp->base.y + 1 + (int)k, shown);
		if (shown)
			fill_slot(sp, &sp->slots[k], st);
	}
	sp->view.dirty = true;
}

/* Draws one container's text columns. */
static void draw_row(struct stats_pane *sp, int y, const struct ctr_stats *st, bool selected)
{
	WINDOW *win = sp->view.win;
	attr_t sel = theme_attr(sp->view.focused ? THEME_SELECTED : THEME_SELECTED_INACTIVE);
	char cpu[16], pids[16], a[16], b[16], io[48];

	attr_t text = selected ? sel : 0;
	json_t *row = model_container(sp->base.app, st->id);
	const char *state = json_string_value(json_object_get(row, "State")) ?: "running";

	/* The selected row is highlighted across; the sparklines and the
	 * gauge are drawn over it in their own windows. */
	wmove(win, y, 0);
	text_fill(win, sp->view.cols, text);
	text_draw(win, y, 1, NAME_W, st->name, selected ? sel : theme_attr(fmt_state_role(state)),
		  TEXT_LEFT);
	fmt_percent(st->entry.cpu_percent, cpu, sizeof(cpu));
	text_draw(win, y, sp->x_cpu, CPU_W, cpu, text, TEXT_RIGHT);
	if (sp->x_pids) {
		snprintf(pids, sizeof(pids), "%llu", (unsigned long long)st->entry.pids);
		text_draw(win, y, sp->x_pids, PIDS_W, pids, text, TEXT_RIGHT);
	}
	if (sp->x_net) {
		fmt_size(st->entry.net_rx, a, sizeof(a));
		fmt_size(st->entry.net_tx, b, sizeof(b));
		snprintf(io, sizeof(io), "%s / %s", a, b);
		text_draw(win, y, sp->x_net, IO_W, io, text, TEXT_RIGHT);
		fmt_size(st->entry.blk_read, a, sizeof(a));
		fmt_size(st->entry.blk_write, b, sizeof(b));
		snprintf(io, sizeof(io), "%s / %s", a, b);
		text_draw(win, y, sp->x_blk, IO_W, io, text, TEXT_RIGHT);
	}
}

/* Draws the header row and every visible row's text. */
static void view_draw(struct widget *w)
{
	struct stats_pane *sp = STATS(w);
	attr_t head = theme_attr(THEME_TABLE_HEADER);
	struct model *m = &sp->base.app->model;
	char since[32] = "", title[64];
	struct tm tm;
	time_t t = (time_t)m->stats_since;

	widget_erase(w, THEME_DEFAULT);
	wmove(w->win, 0, 0);
	text_fill(w->win, w->cols, head);
	if (m->stats_since && localtime_r(&t, &tm))
		strftime(since, sizeof(since), " since %H:%M", &tm);
	text_draw(w->win, 0, 1, NAME_W, "NAME", head, TEXT_LEFT);
	text_draw(w->win, 0, sp->x_cpu, CPU_W, "CPU %", head, TEXT_RIGHT);
	/* "since 14:33" only where it fits whole: a cut time says nothing */
	snprintf(title, sizeof(title), "CPU%s", since);
	if (text_width(title) > sp->w_spark)
		snprintf(title, sizeof(title), "CPU");
	text_draw(w->win, 0, sp->x_spark, sp->w_spark, title, head, TEXT_LEFT);
	text_draw(w->win, 0, sp->x_gauge, sp->w_gauge, "MEM USAGE / LIMIT", head, TEXT_LEFT);
	if (sp->w_mspark) {
		snprintf(title, sizeof(title), "MEM%s", since);
		if (text_width(title) > sp->w_mspark)
			snprintf(title, sizeof(title), "MEM");
		text_draw(w->win, 0, sp->x_mspark, sp->w_mspark, title, head, TEXT_LEFT);
	}
	if (sp->x_pids)
		text_draw(w->win, 0, sp->x_pids, PIDS_W, "PIDS", head, TEXT_RIGHT);
	if (sp->x_net) {
		text_draw(w->win, 0, sp->x_net, IO_W, "NET I/O", head, TEXT_RIGHT);
		text_draw(w->win, 0, sp->x_blk, IO_W, "BLOCK I/O", head, TEXT_RIGHT);
	}
	if (sp->n == 0 && w->rows > 1)
		text_draw(w->win, 1, 1, w->cols - 1,
			  m->ticks ? "no running containers" : "waiting for the first reading",
			  theme_attr(THEME_DIM), TEXT_LEFT);
	for (size_t k = 0; k + 1 < (size_t)w->rows && sp->top + k < sp->n; k++) {
		const struct ctr_stats *st = model_stats(sp->base.app, sp->ids[sp->top + k]);
		if (st)
			draw_row(sp, (int)k + 1, st, sp->top + k == sp->sel);
	}
}

static const struct widget_class view_class = {.name = "stats", .draw = view_draw};

/* The text window fills the pane; the columns follow its width. */
static void place(struct pane *p)
{
	struct stats_pane *sp = (struct stats_pane *)p;

	widget_place(&sp->view, p->y, p->x, p->rows, p->cols);
	layout(sp);
	refill(sp);
}

/* The text first, then the sparklines and gauges over it. */
static void draw(struct pane *p)
{
	struct stats_pane *sp = (struct stats_pane *)p;
	bool redrawn = sp->view.dirty;

	if (sp->stale) {
		sp->stale = false;
		collect(sp);
		refill(sp);
		redrawn = true;
	}
	widget_draw(&sp->view);
	for (size_t k = 0; k < sp->nslots; k++) {
		struct slot *s = &sp->slots[k];
		if (redrawn) {
			widget_expose(WIDGET(s->cpu));
			widget_expose(WIDGET(s->mem));
			widget_expose(WIDGET(s->mem_spark));
		}
		sparkline_draw(s->cpu);
		gauge_draw(s->mem);
		sparkline_draw(s->mem_spark);
	}
}

/* Draws everything again (an overlay went away). */
static void expose(struct pane *p)
{
	struct stats_pane *sp = (struct stats_pane *)p;

	sp->view.dirty = true;
}

/* Redraws the text and every sparkline and gauge (a new theme). */
static void invalidate(struct pane *p)
{
	struct stats_pane *sp = (struct stats_pane *)p;

	sp->view.dirty = true;
	for (size_t k = 0; k < sp->nslots; k++) {
		widget_invalidate(WIDGET(sp->slots[k].cpu));
		widget_invalidate(WIDGET(sp->slots[k].mem));
		widget_invalidate(WIDGET(sp->slots[k].mem_spark));
	}
}

/* Moves the selection. */
static bool action(struct pane *p, enum tui_action a)
{
	struct stats_pane *sp = (struct stats_pane *)p;
	long page = (long)body_rows(sp), to = (long)sp->sel;

	switch (a) {
	case ACT_UP:
		to--;
		break;
	case ACT_DOWN:
		to++;
		break;
	case ACT_TOP:
		to = 0;
		break;
	case ACT_BOTTOM:
		to = (long)sp->n - 1;
		break;
	case ACT_PAGE_UP:
		to -= page;
		break;
	case ACT_PAGE_DOWN:
		to += page;
		break;
	case ACT_HALF_UP:
		to -= page / 2;
		break;
	case ACT_HALF_DOWN:
		to += page / 2;
		break;
	case ACT_SORT_NEXT:
	case ACT_SORT_PREV:
		sp->sort = (sp->sort + (a == ACT_SORT_NEXT ? 1 : SORT_KEYS - 1)) % SORT_KEYS;
		/* figures read best largest first, names from a */
		sp->sort_desc = sp->sort > 0;
		sp->stale = true;
		return true;
	case ACT_SORT_INVERT:
		sp->sort_desc = !sp->sort_desc;
		sp->stale = true;
		return true;
	case ACT_ESCAPE:
		/* the filter goes; the console's own Esc runs after */
		sp->filter[0] = '\0';
		sp->stale = true;
		return false;
	default:
		return false;
	}
	sp->sel = to < 0 ? 0 : (size_t)to;
	refill(sp);
	return true;
}

/* The as-you-type filter of the / prompt. */
static void set_filter(struct pane *p, const char *text)
{
	struct stats_pane *sp = (struct stats_pane *)p;

	snprintf(sp->filter, sizeof(sp->filter), "%s", text ? text : "");
	sp->stale = true;
	app_frame_due(p->app);
}

/* The selected container's ID. */
static const char *selected(struct pane *p)
{
	struct stats_pane *sp = (struct stats_pane *)p;

	return sp->sel < sp->n ? sp->ids[sp->sel] : NULL;
}

/* The selected container, for the container actions. */
static size_t targets(struct pane *p, const char **ids, size_t max)
{
	const char *id = selected(p);

	if (!id || max == 0)
		return 0;
	ids[0] = id;
	return 1;
}

/* A new reading: redrawn if shown, else when next shown. */
static void changed(struct pane *p, enum model_kind kind)
{
	struct stats_pane *sp = (struct stats_pane *)p;

	if (kind == MODEL_STATS || kind == MODEL_CONTAINERS)
		sp->stale = true;
	if (sp->stale && p->shown)
		app_frame_due(p->app);
}

/* Brought up to date when shown; its windows go when hidden. */
static void shown(struct pane *p, bool on)
{
	struct stats_pane *sp = (struct stats_pane *)p;

	widget_set_focus(&sp->view, on);
	sp->stale = true;
	if (!on)
		refill(sp);
}

/* How many containers and readings, the filter and the order. */
static void status(struct pane *p, char *buf, size_t n)
{
	struct stats_pane *sp = (struct stats_pane *)p;
	char shown[160];

	if (sp->filter[0])
		snprintf(shown, sizeof(shown), "filter '%s': %zu shown", sp->filter, sp->n);
	else
		snprintf(shown, sizeof(shown), "%zu running", sp->n);
	snprintf(buf, n, "%s  %u readings  sort %s %s", shown, p->app->model.ticks,
		 sort_keys[sp->sort], sp->sort_desc ? "down" : "up");
}

/* A click selects a row. */
static void click(struct pane *p, int y, int x, bool twice)
{
	struct stats_pane *sp = (struct stats_pane *)p;
	size_t row;

	(void)x;
	if (y <= p->y)
		return;
	row = sp->top + (size_t)(y - p->y - 1);
	if (row < sp->n)
		sp->sel = row;
	refill(sp);
	if (twice)
		actions_run(p->app, ACT_OPEN);
}

/* Frees the widgets and the pane. */
static void destroy(struct pane *p)
{
	struct stats_pane *sp = (struct stats_pane *)p;

	for (size_t k = 0; k < sp->nslots; k++) {
		sparkline_free(sp->slots[k].cpu);
		sparkline_free(sp->slots[k].mem_spark);
		gauge_free(sp->slots[k].mem);
	}
	free(sp->slots);
	free(sp->ids);
	if (sp->view.win)
		delwin(sp->view.win);
	free(sp);
}

static const struct pane_class stats_class = {
	.name = "stats",
	.place = place,
	.draw = draw,
	.expose = expose,
	.invalidate = invalidate,
	.action = action,
	.filter = set_filter,
	.selected = selected,
	.targets = targets,
	.changed = changed,
	.shown = shown,
	.status = status,
	.click = click,
	.destroy = destroy,
};

/* The stats pane. */
struct pane *pane_stats_new(struct app *app)
{
	struct stats_pane *sp = calloc(1, sizeof(*sp));

	if (!sp)
		abort();
	sp->base.cls = &stats_class;
	sp->base.app = app;
	sp->base.id = PANE_STATS;
	widget_init(&sp->view, &view_class);
	sp->stale = true;
	return &sp->base;
}
