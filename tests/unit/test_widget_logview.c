/* The log view drawn into an off-screen window: the bounded ring and its
 * eviction count, follow, wrap, search highlights and n/N, the filter with
 * context lines, name prefixes and timestamps, and a throughput run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "widgets/logview.h"
#include "widgets/offscreen.h"
#include "widgets/term.h"
#include "widgets/theme.h"

static struct offscreen screen;

static int setup(void **state)
{
	struct theme theme;
	berr err = {0};

	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
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

/* Appends a string as one line. */
static void add(struct logview *lv, const char *text)
{
	logview_append(lv, text, strlen(text), NULL);
}

/* Appends "line N" for N in [from, to). */
static void add_numbered(struct logview *lv, int from, int to)
{
	char buf[32];
	int i;

	for (i = from; i < to; i++) {
		snprintf(buf, sizeof(buf), "line %d", i);
		add(lv, buf);
	}
}

/* Draws and asserts window row y, trailing blanks trimmed. */
static void expect_row(struct logview *lv, int y, const char *want)
{
	char buf[1024];
	size_t n;

	offscreen_row(WIDGET(lv)->win, y, buf, sizeof(buf));
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	assert_string_equal(buf, want);
}

static void test_ring_counts_evictions(void **state)
{
	struct logview *lv = logview_new(5, 1 << 20);

	(void)state;
	add_numbered(lv, 0, 12);
	assert_int_equal(logview_lines(lv), 5);
	assert_int_equal(logview_dropped(lv), 7);
	assert_null(logview_line_text(lv, 6));
	assert_string_equal(logview_line_text(lv, 7), "line 7");
	assert_string_equal(logview_line_text(lv, 11), "line 11");
	assert_null(logview_line_text(lv, 12));
	logview_clear(lv);
	assert_int_equal(logview_lines(lv), 0);
	assert_int_equal(logview_dropped(lv), 7);
	logview_free(lv);
}

static void test_ring_byte_cap(void **state)
{
	struct logview *lv = logview_new(1000, 50);
	char big[200];

	(void)state;
	/* "line N" is 6 bytes: eight fit in 50, the ninth evicts one. */
	assert_int_equal(logview_text_bytes(lv), 0);
	add_numbered(lv, 0, 8);
	assert_int_equal(logview_lines(lv), 8);
	assert_int_equal(logview_dropped(lv), 0);
	/* the figure the byte cap counts: the text, not the ring */
	assert_int_equal(logview_text_bytes(lv), 48);
	add_numbered(lv, 8, 9);
	assert_int_equal(logview_lines(lv), 8);
	assert_int_equal(logview_dropped(lv), 1);
	/* A line over the byte cap is cut to it and pushes out all others. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	add(lv, big);
	assert_int_equal(logview_lines(lv), 1);
	assert_int_equal(logview_dropped(lv), 9);
	assert_int_equal(strlen(logview_line_text(lv, 9)), 50);
	logview_free(lv);
}

static void test_lines_split_and_cleaned(void **state)
{
	struct logview *lv = logview_new(100, 1 << 20);
	const char *chunk = "one\n\x1b[31mred\x1b[0m two\r\n\ta\tb\n\x1b]0;title\x07last";

	(void)state;
	logview_append(lv, chunk, strlen(chunk), NULL);
	assert_int_equal(logview_lines(lv), 4);
	assert_string_equal(logview_line_text(lv, 0), "one");
	assert_string_equal(logview_line_text(lv, 1), "red two");
	assert_string_equal(logview_line_text(lv, 2), "        a       b");
	assert_string_equal(logview_line_text(lv, 3), "last");
	/* A trailing newline ends the line; it does not start an empty one. */
	add(lv, "x\n");
	assert_int_equal(logview_lines(lv), 5);
	logview_free(lv);
}

static void test_follow_and_notice(void **state)
{
	struct logview *lv = logview_new(10, 1 << 20);

	(void)state;
	widget_place(WIDGET(lv), 0, 0, 5, 30);
	add_numbered(lv, 0, 20);
	logview_draw(lv);
	/* Following: the newest line on the bottom row. */
	expect_row(lv, 0, "line 15");
	expect_row(lv, 4, "line 19");
	/* At the oldest line held, the first row says what went. */
	logview_home(lv);
	assert_false(logview_following(lv));
	logview_draw(lv);
	expect_row(lv, 0, "10 older lines dropped");
	expect_row(lv, 1, "line 10");
	assert_int_equal(offscreen_attr(WIDGET(lv)->win, 0, 0), theme_attr(THEME_LOG_NOTICE));
	/* Not following: new lines do not move the view... */
	logview_scroll(lv, 3);
	add_numbered(lv, 20, 22);
	logview_draw(lv);
	expect_row(lv, 0, "line 12");
	/* ...until the lines on screen are evicted: then the view starts at
	 * the notice again. */
	add_numbered(lv, 22, 30);
	logview_draw(lv);
	expect_row(lv, 0, "20 older lines dropped");
	expect_row(lv, 1, "line 20");
	/* End follows again; scrolling up stops it. */
	logview_key(lv, WKEY_FN(KEY_END));
	assert_true(logview_following(lv));
	logview_draw(lv);
	expect_row(lv, 4, "line 29");
	logview_key(lv, WKEY_FN(KEY_UP));
	assert_false(logview_following(lv));
	logview_draw(lv);
	expect_row(lv, 4, "line 28");
	/* Scrolling down stops at the last line. */
	logview_scroll(lv, 100);
	logview_draw(lv);
	expect_row(lv, 4, "line 29");
	assert_false(logview_following(lv));
	logview_free(lv);
}

static void test_wrap(void **state)
{
	struct logview *lv = logview_new(100, 1 << 20);
	int web;

	(void)state;
	widget_place(WIDGET(lv), 0, 0, 4, 20);
	web = logview_add_source(lv, "web");
	add(lv, "a");
	logview_append(lv, "0123456789abcdefghijklmnopqrstuvwxyz", 36,
		       &(struct log_meta){web, 0, false});
	add(lv, "short");
	logview_draw(lv);
	/* Fewer lines than rows: they start at the top. Without wrap a long
	 * line is cut with an ellipsis, after the prefix "web │ "; a line
	 * without a source has a blank prefix. */
	expect_row(lv, 0, "      a");
	expect_row(lv, 1, "web \u2502 0123456789abc\u2026");
	expect_row(lv, 2, "      short");
	assert_int_equal(offscreen_attr(WIDGET(lv)->win, 1, 0), theme_attr(THEME_LOG_NAME1));
	assert_int_equal(offscreen_attr(WIDGET(lv)->win, 1, 19), theme_attr(THEME_DIM));
	/* Sideways scrolling. */
	logview_hscroll(lv, 8);
	logview_draw(lv);
	expect_row(lv, 1, "web \u2502 89abcdefghijk\u2026");
	/* With wrap: 14 cells a row, continuation rows under the text; five
	 * rows in four, following, so the last four show. */
	logview_set_wrap(lv, true);
	logview_draw(lv);
	expect_row(lv, 0, "web \u2502 0123456789abcd");
	expect_row(lv, 1, "      efghijklmnopqr");
	expect_row(lv, 2, "      stuvwxyz");
	expect_row(lv, 3, "      short");
	/* Scrolling goes row by row, and not past the last row. */
	logview_scroll(lv, -1);
	logview_draw(lv);
	expect_row(lv, 0, "      a");
	expect_row(lv, 1, "web \u2502 0123456789abcd");
	logview_scroll(lv, 2);
	logview_draw(lv);
	expect_row(lv, 0, "web \u2502 0123456789abcd");
	expect_row(lv, 3, "      short");
	logview_free(lv);
}

static void test_search_highlight_and_n(void **state)
{
	struct logview *lv = logview_new(100, 1 << 20);
	WINDOW *win;
	uint64_t seq;
	size_t off;

	(void)state;
	widget_place(WIDGET(lv), 0, 0, 4, 40);
	win = WIDGET(lv)->win;
	add(lv, "ok");
	add(lv, "Error one, error two");
	add(lv, "fine");
	add(lv, "an ERROR");
	assert_int_equal(logview_search(lv, "error"), LOGVIEW_FOUND);
	assert_true(logview_match(lv, &seq, &off));
	assert_int_equal(seq, 1);
	assert_int_equal(off, 0);
	logview_draw(lv);
	/* Every occurrence is highlighted, the current one differently. */
	assert_int_equal(offscreen_attr(win, 1, 0), theme_attr(THEME_LOG_MATCH_CURRENT));
	assert_int_equal(offscreen_attr(win, 1, 4), theme_attr(THEME_LOG_MATCH_CURRENT));
	assert_int_equal(offscreen_attr(win, 1, 5), theme_attr(THEME_DEFAULT));
	assert_int_equal(offscreen_attr(win, 1, 10), theme_attr(THEME_DEFAULT));
	assert_int_equal(offscreen_attr(win, 1, 11), theme_attr(THEME_LOG_MATCH));
	assert_int_equal(offscreen_attr(win, 1, 15), theme_attr(THEME_LOG_MATCH));
	assert_int_equal(offscreen_attr(win, 1, 16), theme_attr(THEME_DEFAULT));
	assert_int_equal(offscreen_attr(win, 3, 3), theme_attr(THEME_LOG_MATCH));
	assert_int_equal(offscreen_attr(win, 3, 2), theme_attr(THEME_DEFAULT));
	/* n: the next occurrence, in the same line, then the next line. */
	assert_int_equal(logview_key(lv, 'n'), WKEY_HANDLED);
	assert_true(logview_match(lv, &seq, &off));
	assert_int_equal(seq, 1);
	assert_int_equal(off, 11);
	logview_draw(lv);
	assert_int_equal(offscreen_attr(win, 1, 0), theme_attr(THEME_LOG_MATCH));
	assert_int_equal(offscreen_attr(win, 1, 11), theme_attr(THEME_LOG_MATCH_CURRENT));
	assert_int_equal(logview_search_next(lv, false), LOGVIEW_FOUND);
	logview_match(lv, &seq, &off);
	assert_int_equal(seq, 3);
	assert_int_equal(off, 3);
	/* Past the last one it goes round to the first. */
	assert_int_equal(logview_search_next(lv, false), LOGVIEW_WRAPPED);
	logview_match(lv, &seq, &off);
	assert_int_equal(seq, 1);
	assert_int_equal(off, 0);
	/* N goes back, round the start to the last. */
	assert_int_equal(logview_search_next(lv, true), LOGVIEW_WRAPPED);
	logview_match(lv, &seq, &off);
	assert_int_equal(seq, 3);
	logview_key(lv, 'N');
	logview_match(lv, &seq, &off);
	assert_int_equal(seq, 1);
	assert_int_equal(off, 11);
	/* A capital letter makes the search exact. */
	assert_int_equal(logview_search(lv, "ERROR"), LOGVIEW_FOUND);
	logview_match(lv, &seq, &off);
	assert_int_equal(seq, 3);
	assert_int_equal(logview_search_next(lv, false), LOGVIEW_WRAPPED);
	assert_int_equal(logview_search(lv, "nothing"), LOGVIEW_NOT_FOUND);
	assert_false(logview_match(lv, NULL, NULL));
	logview_search(lv, NULL);
	assert_int_equal(logview_key(lv, 'n'), WKEY_IGNORED);
	logview_free(lv);
}

static void test_search_scrolls_to_match(void **state)
{
	struct logview *lv = logview_new(1000, 1 << 20);
	uint64_t seq;

	(void)state;
	widget_place(WIDGET(lv), 0, 0, 9, 40);
	add_numbered(lv, 0, 100);
	add(lv, "needle");
	add_numbered(lv, 101, 200);
	logview_draw(lv);
	/* The window shows 191-199; the match is put a third of the way
	 * down, and following stops. */
	assert_int_equal(logview_search(lv, "needle"), LOGVIEW_WRAPPED);
	assert_false(logview_following(lv));
	logview_match(lv, &seq, NULL);
	assert_int_equal(seq, 100);
	logview_draw(lv);
	expect_row(lv, 0, "line 97");
	expect_row(lv, 3, "needle");
	/* A match already in the window does not scroll it. */
	logview_scroll(lv, -2);
	logview_search_next(lv, false);
	logview_draw(lv);
	expect_row(lv, 5, "needle");
	logview_free(lv);
}

static void test_filter_with_context(void **state)
{
	struct logview *lv = logview_new(1000, 1 << 20);
	WINDOW *win;

	(void)state;
	widget_place(WIDGET(lv), 0, 0, 10, 30);
	win = WIDGET(lv)->win;
	add_numbered(lv, 0, 20);
	logview_set_filter(lv, "line 1", 0);
	/* "line 1" and "line 10".."line 19". */
	assert_int_equal(logview_shown(lv), 11);
	logview_set_filter(lv, "line 5", 1);
	assert_int_equal(logview_shown(lv), 3);
	logview_draw(lv);
	expect_row(lv, 0, "line 4");
	expect_row(lv, 1, "line 5");
	expect_row(lv, 2, "line 6");
	expect_row(lv, 3, "");
	/* Context lines are dim, matching lines are not. */
	assert_int_equal(offscreen_attr(win, 0, 0), theme_attr(THEME_DIM));
	assert_int_equal(offscreen_attr(win, 1, 0), theme_attr(THEME_DEFAULT));
	/* Overlapping context is kept once; later lines are filtered as they
	 * arrive, with the context before and after them. */
	logview_set_filter(lv, "x", 2);
	add(lv, "x1");   /* 20 */
	add(lv, "mid");  /* 21 */
	add(lv, "x2");   /* 22 */
	add(lv, "a");    /* 23 */
	add(lv, "b");    /* 24 */
	add(lv, "c");    /* 25 */
	add(lv, "d");    /* 26 */
	add(lv, "e");    /* 27 */
	add(lv, "x3");   /* 28 */
	assert_int_equal(logview_shown(lv), 10);
	logview_draw(lv);
	expect_row(lv, 0, "line 18");
	expect_row(lv, 1, "line 19");
	expect_row(lv, 2, "x1");
	expect_row(lv, 3, "mid");
	expect_row(lv, 4, "x2");
	expect_row(lv, 5, "a");
	expect_row(lv, 6, "b");
	expect_row(lv, 7, "d");
	expect_row(lv, 8, "e");
	expect_row(lv, 9, "x3");
	/* Search moves only through the lines the filter keeps. */
	assert_int_equal(logview_search(lv, "line"), LOGVIEW_FOUND);
	assert_int_equal(logview_search_next(lv, false), LOGVIEW_FOUND);
	assert_int_equal(logview_search_next(lv, false), LOGVIEW_WRAPPED);
	logview_set_filter(lv, NULL, 0);
	assert_int_equal(logview_shown(lv), 29);
	logview_free(lv);
}

static void test_filter_follows_eviction(void **state)
{
	struct logview *lv = logview_new(10, 1 << 20);
	int i;

	(void)state;
	logview_set_filter(lv, "keep", 0);
	for (i = 0; i < 100; i++)
		add(lv, i % 2 ? "keep" : "drop");
	assert_int_equal(logview_lines(lv), 10);
	assert_int_equal(logview_shown(lv), 5);
	assert_int_equal(logview_dropped(lv), 90);
	logview_free(lv);
}

static void test_prefixes_and_timestamps(void **state)
{
	struct logview *lv = logview_new(100, 1 << 20);
	int web, db;
	/* 2024-05-01T10:00:00.123Z */
	int64_t t = INT64_C(1714557600123000000);

	(void)state;
	widget_place(WIDGET(lv), 0, 0, 3, 50);
	web = logview_add_source(lv, "web");
	db = logview_add_source(lv, "db-main");
	logview_append(lv, "GET /", 5, &(struct log_meta){web, t, false});
	logview_append(lv, "ready", 5, &(struct log_meta){db, t + 1000000000, true});
	logview_set_timestamps(lv, true);
	logview_draw(lv);
	expect_row(lv, 0, "10:00:00.123 web     \u2502 GET /");
	expect_row(lv, 1, "10:00:01.123 db-main \u2502 ready");
	assert_int_equal(offscreen_attr(WIDGET(lv)->win, 0, 0), theme_attr(THEME_LOG_TIME));
	assert_int_equal(offscreen_attr(WIDGET(lv)->win, 0, 13), theme_attr(THEME_LOG_NAME1));
	assert_int_equal(offscreen_attr(WIDGET(lv)->win, 1, 13), theme_attr(THEME_LOG_NAME2));
	/* stderr lines have their own colour. */
	assert_int_equal(offscreen_attr(WIDGET(lv)->win, 1, 23), theme_attr(THEME_LOG_STDERR));
	assert_int_equal(offscreen_attr(WIDGET(lv)->win, 0, 23), theme_attr(THEME_DEFAULT));
	logview_set_timestamps(lv, false);
	logview_draw(lv);
	expect_row(lv, 1, "db-main \u2502 ready");
	logview_free(lv);
}

/* Seconds of CPU time used by this process so far. */
static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_throughput_and_bound(void **state)
{
	struct logview *lv = logview_new(10000, 8 << 20);
	size_t expect_bytes = 0, bound = 10000 * 32 + 10000 * 65 + 10000 * 8 * 4;
	char line[128];
	double start, spent;
	int i, n;

	(void)state;
	widget_place(WIDGET(lv), 0, 0, 40, 120);
	logview_set_wrap(lv, true);
	logview_set_filter(lv, "7", 1);
	logview_search(lv, "99");
	start = cpu_seconds();
	for (i = 0; i < 200000; i++) {
		n = snprintf(line, sizeof(line), "%06d GET /api/v1/containers/json?all=1 200 %d", i,
			     i * 7);
		logview_append(lv, line, (size_t)n, NULL);
		if (i >= 190000)
			expect_bytes += (size_t)n;
		/* The console redraws a few times a second, not per line. */
		if (i % 5000 == 0)
			logview_draw(lv);
		if (i % 50000 == 0)
			assert_true(logview_memory(lv) <= bound);
	}
	logview_draw(lv);
	spent = cpu_seconds() - start;
	assert_int_equal(logview_lines(lv), 10000);
	assert_int_equal(logview_dropped(lv), 190000);
	assert_string_equal(logview_line_text(lv, 190000),
			    "190000 GET /api/v1/containers/json?all=1 200 1330000");
	/* Memory: the ring, the text and the filter list, no more, at every
	 * point of the run (lines are under 64 bytes). */
	assert_true(logview_memory(lv) <= 10000 * 32 + expect_bytes + 10000 + 10000 * 8 * 4);
	/* 50,000 lines a second is the floor; allow for sanitizer builds. */
	if (spent > 4.0)
		fail_msg("200000 lines took %.2f s of CPU", spent);
	logview_free(lv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring_counts_evictions),
		cmocka_unit_test(test_ring_byte_cap),
		cmocka_unit_test(test_lines_split_and_cleaned),
		cmocka_unit_test(test_follow_and_notice),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_search_highlight_and_n),
		cmocka_unit_test(test_search_scrolls_to_match),
		cmocka_unit_test(test_filter_with_context),
		cmocka_unit_test(test_filter_follows_eviction),
		cmocka_unit_test(test_prefixes_and_timestamps),
		cmocka_unit_test(test_throughput_and_bound),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
