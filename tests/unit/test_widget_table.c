/* The table widget drawn into an off-screen window: column layout at several
 * widths, truncation, sort order, filter as you type, marks, selection and
 * scrolling, read back cell by cell. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "widgets/offscreen.h"
#include "widgets/table.h"
#include "widgets/term.h"
#include "widgets/theme.h"

enum { C_NAME, C_ID, C_IMAGE, C_STATE, C_CPU, C_COMMAND, NCOLS };

static const struct table_column columns[NCOLS] = {
	[C_NAME] = {.title = "NAME", .min = 4},
	[C_ID] = {.title = "ID", .min = 12, .max = 12},
	[C_IMAGE] = {.title = "IMAGE", .min = 5, .hide = 2},
	[C_STATE] = {.title = "STATE", .min = 7},
	[C_CPU] = {.title = "CPU%", .min = 5, .right = true, .numeric = true},
	[C_COMMAND] = {.title = "COMMAND", .min = 5, .hide = 1, .grow = true},
};

struct sample {
	const char *name, *id, *image, *state, *cpu, *command;
	double cpu_key;
	int role;
};

static const struct sample samples[] = {
	{"web", "3f2a1b4c5d6e", "nginx:latest", "running", "12.5%", "nginx -g daemon off;", 12.5,
	 THEME_STATE_RUNNING},
	{"db", "0a1b2c3d4e5f", "postgres:16", "exited", "0.0%", "docker-entrypoint.sh postgres",
	 0.0, THEME_STATE_EXITED},
	{"cache", "9e8d7c6b5a4f", "redis:7", "running", "3.2%", "redis-server", 3.2,
	 THEME_STATE_RUNNING},
};

static struct offscreen screen;

static int setup(void **state)
{
	struct theme theme;
	berr err = {0};

	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	if (offscreen_open(&screen, "xterm-256color", 50, 200, &err) != 0)
		fail_msg("%s", err.msg);
	theme_defaults(&theme);
	theme_apply(&theme);
	term_force_utf8(true);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	offscreen_close(&screen);
	return 0;
}

/* Gives the table n of the sample rows, from the first. */
static void set_samples(struct table *t, size_t n)
{
	struct table_cell cells[3][NCOLS];
	struct table_row rows[3];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct sample *s = &samples[i];

		cells[i][C_NAME] = (struct table_cell){s->name, 0, 0};
		cells[i][C_ID] = (struct table_cell){s->id, 0, 0};
		cells[i][C_IMAGE] = (struct table_cell){s->image, 0, 0};
		cells[i][C_STATE] = (struct table_cell){s->state, 0, s->role};
		cells[i][C_CPU] = (struct table_cell){s->cpu, s->cpu_key, 0};
		cells[i][C_COMMAND] = (struct table_cell){s->command, 0, 0};
		rows[i] = (struct table_row){s->id, cells[i]};
	}
	table_set_rows(t, rows, n);
}

/* A table of the samples in a window of the given size, drawn. */
static struct table *drawn_table(int rows, int cols)
{
	struct table *t = table_new(columns, NCOLS);

	set_samples(t, 3);
	widget_place(WIDGET(t), 0, 0, rows, cols);
	table_draw(t);
	return t;
}

/* Asserts window row y reads exactly want. */
static void expect_row(struct table *t, int y, const char *want)
{
	char buf[1024];

	assert_string_equal(offscreen_row(WIDGET(t)->win, y, buf, sizeof(buf)), want);
}

static void test_layout_80(void **state)
{
	struct table *t = drawn_table(6, 80);

	(void)state;
	/* Natural widths 5+12+12+7+5+29 and 5 gaps leave 4 spare cells (of 79
	 * after the gutter): they go to COMMAND, the grow column. */
	expect_row(t, 0, " NAME  ID           IMAGE        STATE    CPU% COMMAND"
			 "                          ");
	expect_row(t, 1, " web   3f2a1b4c5d6e nginx:latest running 12.5% nginx -g daemon off;"
			 "             ");
	expect_row(t, 2, " db    0a1b2c3d4e5f postgres:16  exited   0.0% docker-entrypoint.sh "
			 "postgres    ");
	expect_row(t, 3, " cache 9e8d7c6b5a4f redis:7      running  3.2% redis-server"
			 "                     ");
	expect_row(t, 4, "                                                                       "
			 "         ");
	table_free(t);
}

static void test_layout_60_shrinks_widest(void **state)
{
	struct table *t = drawn_table(6, 60);

	(void)state;
	/* 16 cells too wide: all taken from COMMAND (29 -> 13), the widest. */
	expect_row(t, 0, " NAME  ID           IMAGE        STATE    CPU% COMMAND      ");
	expect_row(t, 2, " db    0a1b2c3d4e5f postgres:16  exited   0.0% docker-entry\u2026");
	expect_row(t, 1, " web   3f2a1b4c5d6e nginx:latest running 12.5% nginx -g dae\u2026");
	table_free(t);
}

static void test_layout_40_hides_and_truncates(void **state)
{
	struct table *t = drawn_table(6, 40);
	int cols[NCOLS], widths[NCOLS];

	(void)state;
	/* The minimums (4+12+5+7+5+5 and 5 gaps) need 43 of 39 cells: IMAGE,
	 * hide rank 2, goes. The other widths (5+12+7+5+29 and 4 gaps) are 23
	 * too many: COMMAND, the widest that can shrink, gives them all. */
	assert_int_equal(table_layout(t, cols, widths, NCOLS), 5);
	assert_int_equal(cols[2], C_STATE);
	assert_int_equal(widths[4], 6);
	expect_row(t, 0, " NAME  ID           STATE    CPU% COMMA\u2026");
	expect_row(t, 1, " web   3f2a1b4c5d6e running 12.5% nginx\u2026");
	expect_row(t, 3, " cache 9e8d7c6b5a4f running  3.2% redis\u2026");
	table_free(t);
}

static void test_layout_30_hides_two(void **state)
{
	struct table *t = drawn_table(6, 30);

	(void)state;
	/* Both hideable columns go; the rest sits at its minimums, which still
	 * need 31 cells: the last column is cut at the window's edge. */
	expect_row(t, 0, " NAME ID           STATE   CP\u2026");
	expect_row(t, 3, " cac\u2026 9e8d7c6b5a4f running 3.\u2026");
	table_free(t);
}

static void test_ascii_truncation(void **state)
{
	struct table *t;

	(void)state;
	term_force_utf8(false);
	t = drawn_table(6, 60);
	expect_row(t, 2, " db    0a1b2c3d4e5f postgres:16  exited   0.0% docker-entry~");
	table_free(t);
	term_force_utf8(true);
}

static void test_wide_characters(void **state)
{
	static const struct table_column cols[] = {{.title = "NAME", .min = 4, .max = 6},
						   {.title = "X", .min = 1}};
	struct table_cell cells[2] = {{"\u65e5\u672c\u8a9e\u30c6\u30b9\u30c8", 0, 0}, {"x", 0, 0}};
	struct table_row row = {"a", cells};
	struct table *t = table_new(cols, 2);
	char buf[256];

	(void)state;
	table_set_rows(t, &row, 1);
	widget_place(WIDGET(t), 0, 0, 3, 10);
	table_draw(t);
	/* Six cells hold two wide characters and the ellipsis; the third wide
	 * character would not fit, so a blank pads the column. */
	assert_string_equal(offscreen_row(WIDGET(t)->win, 1, buf, sizeof(buf)),
			    " \u65e5\u672c\u2026  x ");
	table_free(t);
}

static void test_sort_order(void **state)
{
	struct table *t = drawn_table(6, 80);
	bool desc;

	(void)state;
	table_sort_by(t, C_CPU, true);
	assert_string_equal(table_row_id(t, 0), "3f2a1b4c5d6e");
	assert_string_equal(table_row_id(t, 1), "9e8d7c6b5a4f");
	assert_string_equal(table_row_id(t, 2), "0a1b2c3d4e5f");
	table_draw(t);
	/* The arrow takes the last cell of the sort column's header. */
	expect_row(t, 0, " NAME  ID           IMAGE        STATE   CPU%\u25bc COMMAND"
			 "                          ");
	table_sort_by(t, C_NAME, false);
	assert_string_equal(table_cell_text(t, 0, C_NAME), "cache");
	assert_string_equal(table_cell_text(t, 1, C_NAME), "db");
	assert_string_equal(table_cell_text(t, 2, C_NAME), "web");
	assert_int_equal(table_sort_column(t, &desc), C_NAME);
	assert_false(desc);
	/* Equal keys keep the order the rows came in. */
	table_sort_by(t, C_STATE, false);
	assert_string_equal(table_cell_text(t, 0, C_NAME), "db");
	assert_string_equal(table_cell_text(t, 1, C_NAME), "web");
	assert_string_equal(table_cell_text(t, 2, C_NAME), "cache");
	table_sort_by(t, -1, false);
	assert_string_equal(table_cell_text(t, 0, C_NAME), "web");
	table_free(t);
}

static void test_selection_follows_row_across_sort(void **state)
{
	struct table *t = drawn_table(6, 80);

	(void)state;
	table_select(t, 2);
	assert_string_equal(table_selected_id(t), "9e8d7c6b5a4f");
	table_sort_by(t, C_NAME, false);
	assert_int_equal(table_selected(t), 0);
	assert_string_equal(table_selected_id(t), "9e8d7c6b5a4f");
	/* A refresh with new data keeps it too. */
	set_samples(t, 3);
	assert_string_equal(table_selected_id(t), "9e8d7c6b5a4f");
	table_free(t);
}

static void test_filter_as_you_type(void **state)
{
	struct table *t = drawn_table(6, 80);
	char buf[256];

	(void)state;
	table_set_filter(t, "r");
	assert_int_equal(table_shown_count(t), 3);
	table_set_filter(t, "re");
	/* nginx:latest has no "re"; its command... "daemon off;" neither. */
	assert_int_equal(table_shown_count(t), 2);
	table_set_filter(t, "red");
	assert_int_equal(table_shown_count(t), 1);
	assert_string_equal(table_cell_text(t, 0, C_NAME), "cache");
	table_draw(t);
	expect_row(t, 1, " cache 9e8d7c6b5a4f redis:7      running  3.2% redis-server"
			 "                     ");
	expect_row(t, 2, "                                                                       "
			 "         ");
	/* Case does not matter; every word must match somewhere. */
	table_set_filter(t, "RUNNING Nginx");
	assert_int_equal(table_shown_count(t), 1);
	assert_string_equal(table_row_id(t, 0), "3f2a1b4c5d6e");
	table_set_filter(t, "nothing-like-this");
	assert_int_equal(table_shown_count(t), 0);
	assert_null(table_selected_id(t));
	table_draw(t);
	assert_string_equal(offscreen_row(WIDGET(t)->win, 1, buf, sizeof(buf)),
			    " no rows match 'nothing-like-this'                               "
			    "               ");
	table_set_filter(t, "");
	assert_int_equal(table_shown_count(t), 3);
	/* No rows at all: the table says what it would list. */
	table_set_rows(t, NULL, 0);
	table_set_empty_text(t, "no containers");
	table_draw(t);
	expect_row(t, 1, " no containers                                                   "
			 "               ");
	assert_int_equal(offscreen_attr(WIDGET(t)->win, 1, 1), theme_attr(THEME_DIM));
	table_free(t);
}

static void test_marks(void **state)
{
	struct table *t = drawn_table(6, 80);
	const char *ids[4];

	(void)state;
	assert_int_equal(table_key(t, ' '), WKEY_HANDLED);
	assert_int_equal(table_selected(t), 1);
	table_move(t, 1);
	table_toggle_mark(t);
	assert_int_equal(table_marked(t, ids, 4), 2);
	assert_string_equal(ids[0], "3f2a1b4c5d6e");
	assert_string_equal(ids[1], "9e8d7c6b5a4f");
	table_draw(t);
	/* The gutter shows the mark; marked rows use the marked colours,
	 * except the selected one which keeps the selection's. */
	assert_int_equal(offscreen_char(WIDGET(t)->win, 1, 0), L'\u25cf');
	assert_int_equal(offscreen_char(WIDGET(t)->win, 2, 0), L' ');
	assert_int_equal(offscreen_char(WIDGET(t)->win, 3, 0), L'\u25cf');
	assert_int_equal(offscreen_attr(WIDGET(t)->win, 1, 3), theme_attr(THEME_MARKED));
	assert_int_equal(offscreen_attr(WIDGET(t)->win, 3, 3), theme_attr(THEME_SELECTED_INACTIVE));
	/* A filter that hides a marked row keeps its mark but leaves it out
	 * of what actions act on; the mark is there again with the row. */
	table_set_filter(t, "db");
	set_samples(t, 3);
	assert_int_equal(table_marked(t, ids, 4), 0);
	table_set_filter(t, NULL);
	assert_int_equal(table_marked(t, ids, 4), 2);
	/* A refresh without the row drops its mark. */
	set_samples(t, 2);
	assert_int_equal(table_marked(t, ids, 4), 1);
	table_mark_all(t, true);
	assert_int_equal(table_marked(t, NULL, 0), 2);
	table_mark_all(t, false);
	assert_int_equal(table_marked(t, NULL, 0), 0);
	table_free(t);
}

static void test_state_colour_and_selection(void **state)
{
	struct table *t = drawn_table(6, 80);
	WINDOW *win = WIDGET(t)->win;

	(void)state;
	/* STATE starts at column 1+5+1+12+1+12+1 = 33. */
	assert_int_equal(offscreen_attr(win, 2, 33), theme_attr(THEME_STATE_EXITED));
	assert_int_equal(offscreen_attr(win, 3, 33), theme_attr(THEME_STATE_RUNNING));
	assert_int_equal(offscreen_attr(win, 0, 10), theme_attr(THEME_TABLE_HEADER));
	/* The selected row is drawn whole in the selection colours, the
	 * focused ones when the table has the keyboard. */
	assert_int_equal(offscreen_attr(win, 1, 33), theme_attr(THEME_SELECTED_INACTIVE));
	assert_int_equal(offscreen_attr(win, 1, 79), theme_attr(THEME_SELECTED_INACTIVE));
	widget_set_focus(WIDGET(t), true);
	table_draw(t);
	assert_int_equal(offscreen_attr(win, 1, 33), theme_attr(THEME_SELECTED));
	assert_int_equal(offscreen_attr(win, 2, 33), theme_attr(THEME_STATE_EXITED));
	assert_int_not_equal(theme_attr(THEME_SELECTED), theme_attr(THEME_DEFAULT));
	table_free(t);
}

static void test_scrolling(void **state)
{
	static const struct table_column cols[] = {{.title = "N", .min = 3}};
	struct table_cell cells[50];
	struct table_row rows[50];
	char text[50][8];
	struct table *t = table_new(cols, 1);
	char buf[64];
	int i;

	(void)state;
	for (i = 0; i < 50; i++) {
		snprintf(text[i], sizeof(text[i]), "r%02d", i);
		cells[i] = (struct table_cell){text[i], 0, 0};
		rows[i] = (struct table_row){text[i], &cells[i]};
	}
	table_set_rows(t, rows, 50);
	widget_place(WIDGET(t), 0, 0, 11, 10); /* a header and 10 rows */
	table_draw(t);
	assert_false(WIDGET(t)->dirty);
	table_move(t, 9);
	assert_int_equal(table_top(t), 0);
	table_move(t, 1);
	assert_int_equal(table_top(t), 1);
	table_draw(t);
	assert_string_equal(offscreen_row(WIDGET(t)->win, 1, buf, sizeof(buf)), " r01      ");
	assert_string_equal(offscreen_row(WIDGET(t)->win, 10, buf, sizeof(buf)), " r10      ");
	/* Page Down moves a page less one row; End shows the last page. */
	table_key(t, WKEY_FN(KEY_NPAGE));
	assert_int_equal(table_selected(t), 19);
	assert_int_equal(table_top(t), 10);
	table_key(t, WKEY_FN(KEY_END));
	assert_int_equal(table_selected(t), 49);
	assert_int_equal(table_top(t), 40);
	table_key(t, WKEY_FN(KEY_PPAGE));
	assert_int_equal(table_selected(t), 40);
	assert_int_equal(table_top(t), 40);
	table_key(t, WKEY_FN(KEY_UP));
	assert_int_equal(table_top(t), 39);
	table_key(t, WKEY_FN(KEY_HOME));
	assert_int_equal(table_selected(t), 0);
	assert_int_equal(table_top(t), 0);
	assert_int_equal(table_key(t, 'x'), WKEY_IGNORED);
	/* A filter that leaves fewer rows than the window scrolls back. */
	table_key(t, WKEY_FN(KEY_END));
	table_set_filter(t, "r4");
	table_draw(t);
	assert_int_equal(table_top(t), 0);
	assert_string_equal(table_selected_id(t), "r49");
	/* A draw with nothing changed leaves the dirty flag clear; a move that
	 * does nothing does not set it. */
	table_draw(t);
	table_key(t, WKEY_FN(KEY_END));
	assert_false(WIDGET(t)->dirty);
	table_key(t, WKEY_FN(KEY_UP));
	assert_true(WIDGET(t)->dirty);
	table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_80),
		cmocka_unit_test(test_layout_60_shrinks_widest),
		cmocka_unit_test(test_layout_40_hides_and_truncates),
		cmocka_unit_test(test_layout_30_hides_two),
		cmocka_unit_test(test_ascii_truncation),
		cmocka_unit_test(test_wide_characters),
		cmocka_unit_test(test_sort_order),
		cmocka_unit_test(test_selection_follows_row_across_sort),
		cmocka_unit_test(test_filter_as_you_type),
		cmocka_unit_test(test_marks),
		cmocka_unit_test(test_state_colour_and_selection),
		cmocka_unit_test(test_scrolling),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
