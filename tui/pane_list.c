/* What the table panes share: a table filling the pane, moving, marks,
 * sorting by column, the "/" filter, and rebuilding the rows from the
 * model only when the pane is shown (a hidden pane costs nothing). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"
#include "tui/app.h"

/* Sets up the common part; the caller fills rebuild. */
/* Redraws when one of the lists it shows changed. */
static void changed(struct pane *p, enum model_kind kind)
{
	struct list_pane *lp = (struct list_pane *)p;

	if (lp->spec->model_kinds & (1u << kind))
		list_pane_changed(p, kind);
}

static const struct pane_class list_pane_class = {
	.place = list_pane_place,
	.draw = list_pane_draw,
	.expose = list_pane_expose,
	.invalidate = list_pane_invalidate,
	.action = list_pane_action,
	.key = list_pane_key,
	.filter = list_pane_filter,
	.selected = list_pane_selected,
	.targets = list_pane_targets,
	.marks_hidden = list_pane_marks_hidden,
	.changed = changed,
	.shown = list_pane_shown,
	.status = list_pane_status,
	.click = list_pane_click,
	.destroy = list_pane_destroy,
};

struct pane *list_pane_new(struct app *app, const struct list_pane_spec *spec)
{
	struct list_pane *lp = xcalloc(1, sizeof(*lp));

	lp->cls = list_pane_class;
	lp->cls.name = spec->name;
	if (spec->action)
		lp->cls.action = spec->action;
	if (spec->status)
		lp->cls.status = spec->status;
	lp->base.cls = &lp->cls;
	lp->base.app = app;
	lp->base.id = spec->id;
	lp->spec = spec;
	lp->table = table_new(spec->cols, spec->ncols);
	lp->stale = true;
	table_set_empty_text(lp->table, spec->loading);
	return &lp->base;
}

/* The table fills the pane. */
void list_pane_place(struct pane *p)
{
	struct list_pane *lp = (struct list_pane *)p;

	widget_place(WIDGET(lp->table), p->y, p->x, p->rows, p->cols);
}

/* Rebuilds the rows if the model changed, then draws the table. */
void list_pane_draw(struct pane *p)
{
	struct list_pane *lp = (struct list_pane *)p;

	if (lp->stale) {
		lp->stale = false;
		lp->spec->rebuild(lp);
	}
	table_draw(lp->table);
}

/* Copies the table to the screen again. */
void list_pane_expose(struct pane *p)
{
	widget_expose(WIDGET(((struct list_pane *)p)->table));
}

/* Redraws the table (a new theme). */
void list_pane_invalidate(struct pane *p)
{
	widget_invalidate(WIDGET(((struct list_pane *)p)->table));
}

/* Moves the sort to the next or previous column, or turns it round. */
static void sort_step(struct list_pane *lp, int step)
{
	bool desc;
	int col = table_sort_column(lp->table, &desc);

	if (step == 0) {
		table_sort_by(lp->table, col < 0 ? 0 : col, col < 0 ? true : !desc);
		return;
	}
	col = col < 0 ? (step > 0 ? 0 : lp->spec->ncols - 1) : col + step;
	if (col >= lp->spec->ncols || col < 0)
		col = -1;
	/* Numbers read best largest first. */
	table_sort_by(lp->table, col, col >= 0 && lp->spec->cols[col].numeric);
}

/* Moving, marks and sorting. */
bool list_pane_action(struct pane *p, enum tui_action a)
{
	struct list_pane *lp = (struct list_pane *)p;
	struct table *t = lp->table;
	long page = p->rows > 3 ? p->rows - 2 : 1;

	switch (a) {
	case ACT_UP:
		table_move(t, -1);
		break;
	case ACT_DOWN:
		table_move(t, 1);
		break;
	case ACT_TOP:
		table_select(t, 0);
		break;
	case ACT_BOTTOM:
		table_select(t, table_shown_count(t) ? table_shown_count(t) - 1 : 0);
		break;
	case ACT_PAGE_UP:
		table_move(t, -page);
		break;
	case ACT_PAGE_DOWN:
		table_move(t, page);
		break;
	case ACT_HALF_UP:
		table_move(t, -page / 2);
		break;
	case ACT_HALF_DOWN:
		table_move(t, page / 2);
		break;
	case ACT_MARK:
		table_toggle_mark(t);
		table_move(t, 1);
		break;
	case ACT_MARK_ALL:
		table_mark_all(t, table_marked(t, NULL, 0) == 0);
		break;
	case ACT_SORT_NEXT:
		sort_step(lp, 1);
		break;
	case ACT_SORT_PREV:
		sort_step(lp, -1);
		break;
	case ACT_SORT_INVERT:
		sort_step(lp, 0);
		break;
	case ACT_ESCAPE:
		/* The message goes too: the console's own Esc runs after. */
		table_mark_all(t, false);
		list_pane_filter(p, "");
		return false;
	default:
		return false;
	}
	return true;
}

/* Keys the table itself knows (none beyond the key table's, today). */
enum wkey_result list_pane_key(struct pane *p, wkey k)
{
	(void)p;
	(void)k;
	return WKEY_IGNORED;
}

/* The "/" filter as it is typed. */
void list_pane_filter(struct pane *p, const char *text)
{
	struct list_pane *lp = (struct list_pane *)p;

	snprintf(lp->filter, sizeof(lp->filter), "%s", text ? text : "");
	table_set_filter(lp->table, text);
}

/* The selected row's ID. */
const char *list_pane_selected(struct pane *p)
{
	return table_selected_id(((struct list_pane *)p)->table);
}

/* The marked rows, else the selected one. */
size_t list_pane_targets(struct pane *p, const char **ids, size_t max)
{
	struct table *t = ((struct list_pane *)p)->table;
	size_t n = table_marked(t, ids, max);
	const char *sel;

	if (n > 0)
		return n < max ? n : max;
	sel = table_selected_id(t);
	if (!sel || max == 0)
		return 0;
	ids[0] = sel;
	return 1;
}

/* Marked rows the filter hides. */
size_t list_pane_marks_hidden(struct pane *p)
{
	return table_marked_hidden(((struct list_pane *)p)->table);
}

/* The model changed: rebuild now if shown, else when next shown. */
void list_pane_changed(struct pane *p, enum model_kind kind)
{
	struct list_pane *lp = (struct list_pane *)p;

	(void)kind;
	lp->stale = true;
	if (p->shown) {
		lp->stale = false;
		lp->spec->rebuild(lp);
	}
}

/* The table has the focus while shown, with rows brought up to date. */
void list_pane_shown(struct pane *p, bool shown)
{
	struct list_pane *lp = (struct list_pane *)p;

	widget_set_focus(WIDGET(lp->table), shown);
	if (shown && lp->stale) {
		lp->stale = false;
		lp->spec->rebuild(lp);
	}
}

/* "12 of 40 rows · 2 marked · sort: NAME". */
void list_pane_status(struct pane *p, char *buf, size_t n)
{
	struct list_pane *lp = (struct list_pane *)p;
	struct table *t = lp->table;
	size_t marked = table_marked(t, NULL, 0), shown = table_shown_count(t),
	       all = table_row_count(t);

	bool desc;
	int col = table_sort_column(t, &desc);
	char sort[64] = "";

	if (col >= 0)
		snprintf(sort, sizeof(sort), "  sort: %s %s", lp->spec->cols[col].title,
			 desc ? "down" : "up");
	if (lp->filter[0])
		snprintf(buf, n, "filter '%s': %zu of %zu", lp->filter, shown, all);
	else
		snprintf(buf, n, "%zu %s", all, all == 1 ? "row" : "rows");
	if (marked) {
		size_t len = strlen(buf);
		snprintf(buf + len, n - len, "  %zu marked", marked);
	}
	if (sort[0]) {
		size_t len = strlen(buf);
		snprintf(buf + len, n - len, "%s", sort);
	}
}

/* A click selects the row under it (twice: opens it). */
void list_pane_click(struct pane *p, int y, int x, bool twice)
{
	struct list_pane *lp = (struct list_pane *)p;
	size_t row;

	(void)x;
	if (y <= p->y)
		return;
	row = table_top(lp->table) + (size_t)(y - p->y - 1);
	if (row < table_shown_count(lp->table))
		table_select(lp->table, row);
	if (twice)
		actions_run(p->app, ACT_OPEN);
}

/* Frees the table and the pane. */
void list_pane_destroy(struct pane *p)
{
	struct list_pane *lp = (struct list_pane *)p;

	table_free(lp->table);
	free(lp);
}

/* Sets the rows unless the table holds the same ones already. */
void list_pane_set_rows(struct list_pane *lp, const struct table_row *rows, size_t n)
{
	struct table *t = lp->table;
	bool same = table_row_count(t) == n && table_shown_count(t) == n;

	/* Shown rows are in display order; compare as a set by ID and text. */
	for (size_t i = 0; same && i < n; i++) {
		bool found = false;
		for (size_t k = 0; k < n && !found; k++) {
			if (strcmp(table_row_id(t, k), rows[i].id) != 0)
				continue;
			found = true;
			for (int c = 0; c < lp->spec->ncols && same; c++)
				same = strcmp(table_cell_text(t, k, c), rows[i].cells[c].text ?: "") == 0;
		}
		same &= found;
	}
	if (!same)
		table_set_rows(t, rows, n);
}
