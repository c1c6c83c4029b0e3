/* The top of the screen: the host's totals (containers by state, images,
 * what the containers use of the host's CPUs and memory) and the tabs of
 * the panes, the current one highlighted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/format.h"

struct header {
	struct widget base;
	struct app *app;
	int tab_x[PANE_COUNT + 1]; /* where each tab starts on the tab row */
};

/* Draws a piece of text at the cursor; returns the cells used. */
static int put(WINDOW *win, int *room, const char *text, int role)
{
	int used;

	if (*room <= 0)
		return 0;
	used = text_add(win, *room, text, theme_attr(role));
	*room -= used;
	return used;
}

/* Row 0: "berth @ host  3 running  1 paused  5 stopped  4 images ... CPU
 * Mem", said in fewer words when the row is narrow: the right side's short
 * form, then the counts', then no right side, then the daemon's address
 * cut in its middle; "berth" and the counts stay. */
static void draw_totals(struct header *h)
{
	struct app *app = h->app;
	struct model *m = &app->model;
	WINDOW *win = h->base.win;
	char left[512], counts[160], right[160], cpu[32], mem[32], total[32], where[280];
	int cols = h->base.cols, room, rw;
	size_t images = m->loaded[MODEL_IMAGES] ? json_array_size(m->images) : 0;

	fmt_percent(m->cpu_sum, cpu, sizeof(cpu));
	fmt_bytes(m->mem_sum, mem, sizeof(mem));
	fmt_bytes(m->mem_total, total, sizeof(total));
	snprintf(where, sizeof(where), "%s", app->where);
	/* while the engine does not answer, the counts are its last */
	const char *stale = m->lost ? "  (no answer)" : "";
	if (m->loaded[MODEL_CONTAINERS])
		snprintf(counts, sizeof(counts), "%s  %d running  %d paused  %d stopped  %zu images",
			 stale, m->running, m->paused, m->stopped, images);
	else
		snprintf(counts, sizeof(counts), "  reading the engine");
	snprintf(right, sizeof(right), "containers: CPU %s of %d CPUs  Mem %s of %s ", cpu,
		 m->ncpu, mem, total);
	rw = m->ncpu > 0 ? text_width(right) : 0;
	/* a daemon elsewhere is named first: what the keys act on */
	int fixed = text_width(" berth") + (where[0] ? text_width(" @ ") : 0);
	if (fixed + text_width(where) + text_width(counts) + rw + 2 > cols && rw) {
		snprintf(right, sizeof(right), "CPU %s  Mem %s/%s ", cpu, mem, total);
		rw = text_width(right);
	}
	if (fixed + text_width(where) + text_width(counts) + rw + 2 > cols &&
	    m->loaded[MODEL_CONTAINERS])
		snprintf(counts, sizeof(counts), "%s %d running %d paused %d stopped %zu images",
			 stale, m->running, m->paused, m->stopped, images);
	if (rw > cols / 2)
		rw = 0;
	/* the daemon's whole address matters more than the figures */
	if (rw && fixed + text_width(where) + text_width(counts) + rw + 2 > cols)
		rw = 0;
	if (where[0]) {
		char shown[280];
		room = cols - fixed - text_width(counts);
		text_shorten_middle(app->where, room < 8 ? 8 : room, shown, sizeof(shown));
		snprintf(where, sizeof(where), "%s", shown);
	}
	snprintf(left, sizeof(left), " berth%s%s%s", where[0] ? " @ " : "", where, counts);
	wmove(win, 0, 0);
	text_fill(win, cols, theme_attr(THEME_HEADER));
	room = cols - (rw ? rw + 1 : 0);
	wmove(win, 0, 0);
	put(win, &room, left, THEME_HEADER);
	if (rw)
		text_draw(win, 0, cols - rw, rw, right, theme_attr(THEME_HEADER), TEXT_RIGHT);
}

/* Row 1: the tabs, "1 Containers  2 Images ..."; names shrink to their
 * first letters when the row is narrow. */
static void draw_tabs(struct header *h)
{
	struct app *app = h->app;
	WINDOW *win = h->base.win;
	int room = h->base.cols, full = 0;
	char tab[64];

	for (int i = 0; i < PANE_COUNT; i++)
		full += text_width(keys_pane_name((enum pane_id)i)) + 4;
	wmove(win, 1, 0);
	text_fill(win, h->base.cols, theme_attr(THEME_DEFAULT));
	wmove(win, 1, 0);
	for (int i = 0; i < PANE_COUNT; i++) {
		const char *name = keys_pane_name((enum pane_id)i);
		bool current = (int)app->current == i;
		if (full > h->base.cols)
			snprintf(tab, sizeof(tab), " %d %.4s ", i + 1, name);
		else
			snprintf(tab, sizeof(tab), " %d %s ", i + 1, name);
		h->tab_x[i] = h->base.cols - room;
		put(win, &room, tab, current ? THEME_SELECTED : THEME_TITLE);
		put(win, &room, " ", THEME_DEFAULT);
	}
	h->tab_x[PANE_COUNT] = h->base.cols - room;
}

/* Draws both rows. */
static void header_draw_cb(struct widget *w)
{
	struct header *h = (struct header *)w;

	widget_erase(w, THEME_DEFAULT);
	draw_totals(h);
	if (w->rows > 1)
		draw_tabs(h);
}

/* Frees the header. */
static void header_destroy(struct widget *w)
{
	free(w);
}

static const struct widget_class header_class = {
	.name = "header",
	.draw = header_draw_cb,
	.destroy = header_destroy,
};

/* The header of the console. */
struct header *header_new(struct app *app)
{
	struct header *h = calloc(1, sizeof(*h));

	if (!h)
		abort();
	widget_init(&h->base, &header_class);
	h->app = app;
	return h;
}

/* The header as a widget, to place and draw. */
struct widget *header_widget(struct header *h)
{
	return &h->base;
}

/* Frees the header and its window. */
void header_free(struct header *h)
{
	widget_free(&h->base);
}

/* The pane whose tab covers column x. */
int header_tab_at(struct header *h, int x)
{
	for (int i = 0; i < PANE_COUNT; i++)
		if (x >= h->tab_x[i] && x < h->tab_x[i + 1])
			return i;
	return -1;
}
