/* Tables: sorted, filtered, marked rows in columns that fit the window. */
#include "widgets/table.h"

#include "widgets/term.h"
#include "widgets/text.h"
#include "widgets/theme.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/core/alloc.h"

#define GUTTER 1

struct tcell {
	char *text;
	int width;
	double key;
	int role;
};

struct trow {
	char *id;
	struct tcell *cells;
	size_t order; /* position in the rows given, for stable sorting */
	bool marked;
};

struct table {
	struct widget base;
	struct table_column *cols;
	int ncols;
	struct trow *rows;
	size_t nrows;
	size_t *sorted; /* every row, in sort order */
	size_t *view;   /* the rows shown: sorted, then filtered */
	size_t nview;
	int sort_col;
	bool sort_desc;
	char *filter;
	char *empty_text;
	size_t sel, top;
	int *widths; /* last layout: width of each column, 0 when hidden */
};

static void table_draw_cb(struct widget *w);
static enum wkey_result table_key_cb(struct widget *w, wkey k);
static void table_destroy(struct widget *w);

static const struct widget_class table_class = {
	.name = "table",
	.draw = table_draw_cb,
	.key = table_key_cb,
	.destroy = table_destroy,
};

/* strdup that turns NULL into "". */
static char *dup_text(const char *s)
{
	char *d = strdup(s ? s : "");

	if (!d)
		abort();
	return d;
}

/* A table with these columns (copied). */
struct table *table_new(const struct table_column *cols, int ncols)
{
	struct table *t = xcalloc(1, sizeof(*t));
	int i;

	widget_init(&t->base, &table_class);
	t->cols = xcalloc((size_t)ncols, sizeof(*t->cols));
	t->widths = xcalloc((size_t)ncols, sizeof(*t->widths));
	for (i = 0; i < ncols; i++) {
		t->cols[i] = cols[i];
		t->cols[i].title = dup_text(cols[i].title);
	}
	t->ncols = ncols;
	t->sort_col = -1;
	return t;
}

/* Frees the rows (not the arrays that order them). */
static void free_rows(struct trow *rows, size_t n, int ncols)
{
	size_t i;
	int c;

	for (i = 0; i < n; i++) {
		for (c = 0; c < ncols; c++)
			free(rows[i].cells[c].text);
		free(rows[i].cells);
		free(rows[i].id);
	}
	free(rows);
}

/* Orders rows for the sort: by key or text, ties in the given order. */
static int compare_rows(const void *a, const void *b, void *ctx)
{
	const struct table *t = ctx;
	const struct trow *ra = &t->rows[*(const size_t *)a], *rb = &t->rows[*(const size_t *)b];
	int c = t->sort_col, r = 0;

	if (c >= 0) {
		const struct tcell *ca = &ra->cells[c], *cb = &rb->cells[c];

		if (t->cols[c].numeric)
			r = ca->key < cb->key ? -1 : ca->key > cb->key ? 1 : 0;
		else
			r = strcasecmp(ca->text, cb->text);
		if (t->sort_desc)
			r = -r;
	}
	if (r == 0)
		r = ra->order < rb->order ? -1 : ra->order > rb->order ? 1 : 0;
	return r;
}

/* True when every word of the filter is in some cell of the row. */
static bool row_matches(const struct table *t, const struct trow *r)
{
	const char *p = t->filter, *end;
	size_t len;
	bool found;
	int c;

	while (p && *p) {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, " ");
		len = (size_t)(end - p);
		if (len == 0)
			break;
		found = false;
		for (c = 0; c < t->ncols && !found; c++)
			found = text_find(r->cells[c].text, strlen(r->cells[c].text), 0, p, len,
					  true) >= 0;
		if (!found)
			return false;
		p = end;
	}
	return true;
}

/* Sorts, filters, and puts the selection back on the row it was on. */
static void rebuild(struct table *t, const char *keep_id)
{
	size_t i, old_sel = t->sel;

	for (i = 0; i < t->nrows; i++)
		t->sorted[i] = i;
	qsort_r(t->sorted, t->nrows, sizeof(size_t), compare_rows, t);
	t->nview = 0;
	for (i = 0; i < t->nrows; i++)
		if (row_matches(t, &t->rows[t->sorted[i]]))
			t->view[t->nview++] = t->sorted[i];
	t->sel = old_sel < t->nview ? old_sel : (t->nview ? t->nview - 1 : 0);
	if (keep_id)
		for (i = 0; i < t->nview; i++)
			if (strcmp(t->rows[t->view[i]].id, keep_id) == 0)
				t->sel = i;
	t->base.dirty = true;
}

/* Compares two row pointers by ID, for finding old marks. */
static int compare_ids(const void *a, const void *b)
{
	return strcmp((*(struct trow *const *)a)->id, (*(struct trow *const *)b)->id);
}

/* Replaces the rows, keeping sort, filter, selection and marks. */
void table_set_rows(struct table *t, const struct table_row *rows, size_t n)
{
	struct trow *old = t->rows, **by_id, key, *keyp = &key, **hit;
	size_t nold = t->nrows, i;
	char *keep = table_selected_id(t) ? dup_text(table_selected_id(t)) : NULL;
	int c;

	by_id = xcalloc(nold, sizeof(*by_id));
	for (i = 0; i < nold; i++)
		by_id[i] = &old[i];
	qsort(by_id, nold, sizeof(*by_id), compare_ids);
	t->rows = xcalloc(n, sizeof(*t->rows));
	for (i = 0; i < n; i++) {
		struct trow *r = &t->rows[i];

		r->id = dup_text(rows[i].id);
		r->order = i;
		r->cells = xcalloc((size_t)t->ncols, sizeof(*r->cells));
		for (c = 0; c < t->ncols; c++) {
			const struct table_cell *src = &rows[i].cells[c];

			r->cells[c].text = dup_text(src->text);
			r->cells[c].width = text_width(r->cells[c].text);
			r->cells[c].key = src->key;
			r->cells[c].role = src->role;
		}
		key.id = r->id;
		hit = nold ? bsearch(&keyp, by_id, nold, sizeof(*by_id), compare_ids) : NULL;
		r->marked = hit && (*hit)->marked;
	}
	free(by_id);
	free_rows(old, nold, t->ncols);
	t->nrows = n;
	free(t->sorted);
	free(t->view);
	t->sorted = xcalloc(n, sizeof(size_t));
	t->view = xcalloc(n, sizeof(size_t));
	rebuild(t, keep);
	free(keep);
}

/* Sorts by a column (-1: the order given), ties in the order given. */
void table_sort_by(struct table *t, int col, bool descending)
{
	const char *id = table_selected_id(t);
	char *keep = id ? dup_text(id) : NULL;

	t->sort_col = col >= 0 && col < t->ncols ? col : -1;
	t->sort_desc = descending;
	rebuild(t, keep);
	free(keep);
}

/* The sort column and direction. */
int table_sort_column(const struct table *t, bool *descending)
{
	if (descending)
		*descending = t->sort_desc;
	return t->sort_col;
}

/* Shows only rows where every word is in some cell. */
void table_set_filter(struct table *t, const char *text)
{
	const char *id = table_selected_id(t);
	char *keep = id ? dup_text(id) : NULL;

	free(t->filter);
	t->filter = text && text[0] ? dup_text(text) : NULL;
	rebuild(t, keep);
	free(keep);
}

/* What to show when there are no rows. */
void table_set_empty_text(struct table *t, const char *text)
{
	free(t->empty_text);
	t->empty_text = text ? dup_text(text) : NULL;
	t->base.dirty = true;
}

/* Rows given. */
size_t table_row_count(const struct table *t)
{
	return t->nrows;
}

/* Rows shown after the filter. */
size_t table_shown_count(const struct table *t)
{
	return t->nview;
}

/* The ID of a shown row. */
const char *table_row_id(const struct table *t, size_t i)
{
	return i < t->nview ? t->rows[t->view[i]].id : NULL;
}

/* A shown row's cell text. */
const char *table_cell_text(const struct table *t, size_t i, int col)
{
	if (i >= t->nview || col < 0 || col >= t->ncols)
		return NULL;
	return t->rows[t->view[i]].cells[col].text;
}

/* Rows of the window that show table rows (all but the header). */
static size_t body_rows(const struct table *t)
{
	return t->base.rows > 1 ? (size_t)t->base.rows - 1 : 0;
}

/* Scrolls so the selection is in the window, and no further than needed. */
static void keep_visible(struct table *t)
{
	size_t body = body_rows(t), top = t->top;

	if (body == 0)
		return;
	if (t->sel < top)
		top = t->sel;
	if (t->sel >= top + body)
		top = t->sel - body + 1;
	if (t->nview <= body)
		top = 0;
	else if (top > t->nview - body)
		top = t->nview - body;
	if (top != t->top) {
		t->top = top;
		t->base.dirty = true;
	}
}

/* Selects the shown row at index i (clamped). */
void table_select(struct table *t, size_t i)
{
	if (t->nview == 0)
		return;
	if (i >= t->nview)
		i = t->nview - 1;
	if (i != t->sel) {
		t->sel = i;
		t->base.dirty = true;
	}
	keep_visible(t);
}

/* Selects the row with this ID if it is shown; false if not. */
bool table_select_id(struct table *t, const char *id)
{
	size_t i;

	for (i = 0; i < t->nview; i++) {
		if (strcmp(t->rows[t->view[i]].id, id) == 0) {
			table_select(t, i);
			return true;
		}
	}
	return false;
}

/* Moves the selection by delta rows (clamped). */
void table_move(struct table *t, long delta)
{
	long to = (long)t->sel + delta;

	if (t->nview == 0)
		return;
	if (to < 0)
		to = 0;
	table_select(t, (size_t)to);
}

/* The selected row's index among those shown. */
size_t table_selected(const struct table *t)
{
	return t->sel;
}

/* The selected row's ID (NULL when nothing is shown). */
const char *table_selected_id(const struct table *t)
{
	return t->sel < t->nview ? t->rows[t->view[t->sel]].id : NULL;
}

/* The first shown row in the window. */
size_t table_top(const struct table *t)
{
	return t->top;
}

/* Marks or unmarks the selected row. */
void table_toggle_mark(struct table *t)
{
	if (t->sel >= t->nview)
		return;
	t->rows[t->view[t->sel]].marked = !t->rows[t->view[t->sel]].marked;
	t->base.dirty = true;
}

/* Marks (or unmarks) every shown row. */
void table_mark_all(struct table *t, bool on)
{
	size_t i;

	for (i = 0; i < t->nview; i++)
		t->rows[t->view[i]].marked = on;
	t->base.dirty = true;
}

/* The marked rows' IDs in display order; returns how many. */
size_t table_marked(const struct table *t, const char **ids, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < t->nview; i++) {
		const struct trow *r = &t->rows[t->view[i]];

		if (!r->marked)
			continue;
		if (n < max)
			ids[n] = r->id;
		n++;
	}
	return n;
}

size_t table_marked_hidden(const struct table *t)
{
	size_t all = 0;

	for (size_t i = 0; i < t->nrows; i++)
		all += t->rows[i].marked;
	return all - table_marked(t, NULL, 0);
}

/* A column's narrowest width (never 0: that means hidden). */
static int col_min(const struct table *t, int c)
{
	return t->cols[c].min > 1 ? t->cols[c].min : 1;
}

/* Hides columns (highest hide rank first) until their minimums fit. */
static void hide_columns(struct table *t, int avail)
{
	int c, need, shown, pick;

	for (;;) {
		need = 0;
		shown = 0;
		pick = -1;
		for (c = 0; c < t->ncols; c++) {
			if (!t->widths[c])
				continue;
			need += col_min(t, c);
			shown++;
			if (t->cols[c].hide > 0 &&
			    (pick < 0 || t->cols[c].hide >= t->cols[pick].hide))
				pick = c;
		}
		if (need + shown - 1 <= avail || pick < 0)
			return;
		t->widths[pick] = 0;
	}
}

/* Works out each column's width for a window of `width` cells. */
static void layout(struct table *t, int width)
{
	int avail = width - GUTTER, total = 0, shown = 0, grow = 0, c, widest, spare;
	size_t i;

	for (c = 0; c < t->ncols; c++) {
		const struct table_column *col = &t->cols[c];
		int w = text_width(col->title);

		for (i = 0; i < t->nrows; i++)
			if (t->rows[i].cells[c].width > w)
				w = t->rows[i].cells[c].width;
		if (col->max > 0 && w > col->max)
			w = col->max;
		if (w < col->min)
			w = col->min;
		t->widths[c] = w > 0 ? w : 1;
	}
	hide_columns(t, avail);
	for (c = 0; c < t->ncols; c++) {
		if (t->widths[c]) {
			total += t->widths[c];
			shown++;
			grow += t->cols[c].grow;
		}
	}
	total += shown > 0 ? shown - 1 : 0;
	/* Too wide: take one cell at a time from the widest column that is
	 * still above its minimum. */
	while (total > avail) {
		widest = -1;
		for (c = 0; c < t->ncols; c++)
			if (t->widths[c] > col_min(t, c) &&
			    (widest < 0 || t->widths[c] > t->widths[widest]))
				widest = c;
		if (widest < 0)
			break;
		t->widths[widest]--;
		total--;
	}
	spare = avail - total;
	for (c = 0; c < t->ncols && spare > 0 && grow > 0; c++) {
		if (t->widths[c] && t->cols[c].grow) {
			int add = spare / grow;

			t->widths[c] += add;
			spare -= add;
			grow--;
		}
	}
}

/* The columns shown and their widths at the last layout. */
int table_layout(const struct table *t, int *cols, int *widths, int max)
{
	int c, n = 0;

	for (c = 0; c < t->ncols; c++) {
		if (!t->widths[c])
			continue;
		if (n < max) {
			cols[n] = c;
			widths[n] = t->widths[c];
		}
		n++;
	}
	return n;
}

/* Draws the header row, with the sort arrow after the sort column's title. */
static void draw_header(struct table *t)
{
	const struct term_glyphs *g = term_glyphs();
	attr_t attr = theme_attr(THEME_TABLE_HEADER);
	WINDOW *win = t->base.win;
	int x = GUTTER, c, w;

	wmove(win, 0, 0);
	text_fill(win, t->base.cols, attr);
	for (c = 0; c < t->ncols && x < t->base.cols; c++) {
		if (!(w = t->widths[c]))
			continue;
		if (w > t->base.cols - x)
			w = t->base.cols - x;
		if (c == t->sort_col && w >= 2) {
			text_draw(win, 0, x, w - 1, t->cols[c].title, attr,
				  t->cols[c].right ? TEXT_RIGHT : TEXT_LEFT);
			text_put(win, t->sort_desc ? g->sort_down : g->sort_up, attr);
		} else {
			text_draw(win, 0, x, w, t->cols[c].title, attr,
				  t->cols[c].right ? TEXT_RIGHT : TEXT_LEFT);
		}
		x += w + 1;
	}
}

/* Draws the shown row i on window row y. */
static void draw_row(struct table *t, size_t i, int y)
{
	const struct trow *r = &t->rows[t->view[i]];
	WINDOW *win = t->base.win;
	bool selected = i == t->sel;
	attr_t base = 0, attr;
	int x = GUTTER, c, w;

	if (selected)
		base = theme_attr(t->base.focused ? THEME_SELECTED : THEME_SELECTED_INACTIVE);
	wmove(win, y, 0);
	text_fill(win, t->base.cols, base);
	wmove(win, y, 0);
	text_put(win, r->marked ? term_glyphs()->mark : L' ',
		 selected ? base : theme_attr(THEME_MARKED));
	for (c = 0; c < t->ncols && x < t->base.cols; c++) {
		if (!(w = t->widths[c]))
			continue;
		if (w > t->base.cols - x)
			w = t->base.cols - x;
		attr = selected ? base : r->marked ? theme_attr(THEME_MARKED)
						   : theme_attr(r->cells[c].role);
		text_draw(win, y, x, w, r->cells[c].text, attr,
			  t->cols[c].right ? TEXT_RIGHT : TEXT_LEFT);
		x += w + 1;
	}
}

/* Draws the whole table into its window. */
static void table_draw_cb(struct widget *w)
{
	struct table *t = (struct table *)w;
	size_t i, body = body_rows(t);
	const char *msg;
	char buf[160];
	int y;

	widget_erase(w, THEME_DEFAULT);
	layout(t, w->cols);
	keep_visible(t);
	draw_header(t);
	if (t->nview == 0) {
		msg = t->empty_text;
		if (t->nrows > 0 && t->filter) {
			snprintf(buf, sizeof(buf), "no rows match '%s'", t->filter);
			msg = buf;
		}
		if (msg && w->rows > 1)
			text_draw(w->win, 1, GUTTER, w->cols - GUTTER, msg, theme_attr(THEME_DIM),
				  TEXT_LEFT);
		return;
	}
	for (i = t->top, y = 1; i < t->nview && (size_t)y <= body; i++, y++)
		draw_row(t, i, y);
}

/* Redraws if needed and queues the window (widget_draw). */
void table_draw(struct table *t)
{
	widget_draw(&t->base);
}

/* Moves the selection; space marks and moves down. */
enum wkey_result table_key(struct table *t, wkey k)
{
	long page = body_rows(t) > 1 ? (long)body_rows(t) - 1 : 1;

	switch (k) {
	case WKEY_FN(KEY_UP):
		table_move(t, -1);
		break;
	case WKEY_FN(KEY_DOWN):
		table_move(t, 1);
		break;
	case WKEY_FN(KEY_PPAGE):
		table_move(t, -page);
		break;
	case WKEY_FN(KEY_NPAGE):
		table_move(t, page);
		break;
	case WKEY_FN(KEY_HOME):
		table_select(t, 0);
		break;
	case WKEY_FN(KEY_END):
		table_select(t, t->nview ? t->nview - 1 : 0);
		break;
	case ' ':
		table_toggle_mark(t);
		table_move(t, 1);
		break;
	default:
		return WKEY_IGNORED;
	}
	return WKEY_HANDLED;
}

/* The class's key entry. */
static enum wkey_result table_key_cb(struct widget *w, wkey k)
{
	return table_key((struct table *)w, k);
}

/* Frees what the table holds. */
static void table_destroy(struct widget *w)
{
	struct table *t = (struct table *)w;
	int c;

	free_rows(t->rows, t->nrows, t->ncols);
	for (c = 0; c < t->ncols; c++)
		free((char *)t->cols[c].title);
	free(t->cols);
	free(t->widths);
	free(t->sorted);
	free(t->view);
	free(t->filter);
	free(t->empty_text);
	free(t);
}

/* Frees the table and its window. */
void table_free(struct table *t)
{
	widget_free(t ? &t->base : NULL);
}
