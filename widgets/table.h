/* A table of rows: the containers, images, networks and volumes panes.
 *
 * Columns fit the window: each is as wide as its widest cell (within
 * min..max); when the window is too narrow the widest shrink first, then
 * columns with a hide rank disappear (highest rank first); spare columns go
 * to the grow columns. Cells too wide are cut with an ellipsis. Rows keep
 * their identity (an ID) across updates, so the selection and the marks
 * survive a refresh, a new sort order and the filter. The first column of
 * the window is a gutter that shows marks. */
#ifndef BERTH_WIDGETS_TABLE_H
#define BERTH_WIDGETS_TABLE_H

#include "widgets/widget.h"

#include <stdbool.h>
#include <stddef.h>

struct table_column {
	const char *title;
	int min;      /* narrowest while shown, in cells */
	int max;      /* widest; 0: as wide as the widest cell */
	int hide;     /* 0: always shown; else hidden when too narrow, highest first */
	bool right;   /* right-aligned (numbers) */
	bool numeric; /* sorted by the cells' key instead of their text */
	bool grow;    /* takes the columns left over */
};

struct table_cell {
	const char *text;
	double key; /* sort key for a numeric column (CPU %, bytes, seconds) */
	int role;   /* theme role for the text; 0 is the default */
};

struct table_row {
	const char *id;                 /* identity across updates */
	const struct table_cell *cells; /* one per column */
};

struct table;

/* A table with these columns (copied). */
struct table *table_new(const struct table_column *cols, int ncols);

/* Replaces the rows (copied), keeping the sort, the filter, the selection
 * and the marks of rows whose ID is still there. */
void table_set_rows(struct table *t, const struct table_row *rows, size_t n);

/* Sorts by a column (-1: the order rows were given in). Ties keep the
 * given order. */
void table_sort_by(struct table *t, int col, bool descending);

/* The sort column (-1 for none) and direction. */
int table_sort_column(const struct table *t, bool *descending);

/* Shows only rows where every word of text is found in some cell, ignoring
 * case; NULL or "" shows every row. */
void table_set_filter(struct table *t, const char *text);

/* What to show when there are no rows at all ("no containers"). */
void table_set_empty_text(struct table *t, const char *text);

/* Rows given, and rows shown after the filter. */
size_t table_row_count(const struct table *t);
size_t table_shown_count(const struct table *t);

/* The ID and a cell's text of the shown row at index i (in display order). */
const char *table_row_id(const struct table *t, size_t i);
const char *table_cell_text(const struct table *t, size_t i, int col);

/* Selects the shown row at index i (clamped). */
void table_select(struct table *t, size_t i);

/* Selects the row with this ID if it is shown; false if not. */
bool table_select_id(struct table *t, const char *id);

/* Moves the selection by delta rows (clamped). */
void table_move(struct table *t, long delta);

/* The selected shown row's index, and its ID (NULL when nothing is shown). */
size_t table_selected(const struct table *t);
const char *table_selected_id(const struct table *t);

/* The first shown row in the window (the scroll position). */
size_t table_top(const struct table *t);

/* Marks or unmarks the selected row. */
void table_toggle_mark(struct table *t);

/* Marks (or unmarks) every shown row. */
void table_mark_all(struct table *t, bool on);

/* The IDs of the marked rows the filter shows, in display order (a mark
 * on a row the filter hides is kept, but never acted on): fills up to max
 * of ids and returns how many. The strings live until the next
 * table_set_rows. */
size_t table_marked(const struct table *t, const char **ids, size_t max);

/* How many marked rows the filter hides. */
size_t table_marked_hidden(const struct table *t);

/* The columns shown and their widths at the last layout (for the console's
 * click and sort-key hints): returns the count, fills up to max. */
int table_layout(const struct table *t, int *cols, int *widths, int max);

/* Arrows, Page Up/Down, Home/End move; space marks and moves down. */
enum wkey_result table_key(struct table *t, wkey k);

/* Redraws if needed and queues the window (widget_draw). */
void table_draw(struct table *t);

void table_free(struct table *t);

#endif
