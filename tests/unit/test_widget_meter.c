/* Sparklines and gauges drawn into off-screen windows: the exact glyphs for
 * known series, UTF-8 and ASCII, taller sparklines, gauge fill in eighths
 * and in whole cells, threshold colours and the text in the bar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "widgets/gauge.h"
#include "widgets/offscreen.h"
#include "widgets/sparkline.h"
#include "widgets/term.h"
#include "widgets/theme.h"

static struct offscreen screen;

static int setup(void **state)
{
	struct theme theme;
	berr err = {0};

	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	if (offscreen_open(&screen, "xterm-256color", 40, 120, &err) != 0)
		fail_msg("%s", err.msg);
	theme_defaults(&theme);
	theme_apply(&theme);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	offscreen_close(&screen);
	return 0;
}

/* Row y of a widget's window. */
static const char *row(void *widget, int y)
{
	static char buf[1024];

	return offscreen_row(WIDGET(widget)->win, y, buf, sizeof(buf));
}

/* A sparkline of the given series, scale 0-100, in a rows x cols window. */
static struct sparkline *spark(const double *v, size_t n, int rows, int cols)
{
	struct sparkline *s = sparkline_new(64, THEME_SPARK_CPU);
	size_t i;

	sparkline_set_range(s, 0, 100);
	for (i = 0; i < n; i++)
		sparkline_push(s, v[i]);
	widget_place(WIDGET(s), 0, 0, rows, cols);
	sparkline_draw(s);
	return s;
}

static const double ramp[] = {0, 12.5, 25, 37.5, 50, 62.5, 75, 87.5, 100};

static void test_sparkline_utf8(void **state)
{
	struct sparkline *s;

	(void)state;
	term_force_utf8(true);
	s = spark(ramp, 9, 1, 12);
	/* Each eighth of the scale is one more block; the lowest level still
	 * shows; the newest sample is at the right edge. */
	assert_string_equal(row(s, 0), "   \u2581\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588");
	assert_int_equal(offscreen_attr(WIDGET(s)->win, 0, 11), theme_attr(THEME_SPARK_CPU));
	/* In between levels round up: 51% is more than half. */
	sparkline_push(s, 51);
	sparkline_push(s, 300); /* past the scale: full */
	sparkline_push(s, -5);  /* below it: lowest */
	sparkline_draw(s);
	assert_string_equal(row(s, 0), "\u2581\u2581\u2582\u2583\u2584\u2585\u2586\u2587\u2588"
				       "\u2585\u2588\u2581");
	sparkline_free(s);
}

static void test_sparkline_ascii(void **state)
{
	struct sparkline *s;

	(void)state;
	term_force_utf8(false);
	s = spark(ramp, 9, 1, 9);
	assert_string_equal(row(s, 0), "  .:-=+*#");
	sparkline_free(s);
	term_force_utf8(true);
}

static void test_sparkline_tall_and_scaled(void **state)
{
	static const double v[] = {50, 75, 100, 6.25, NAN, 0};
	struct sparkline *s;

	(void)state;
	term_force_utf8(true);
	s = spark(v, 6, 2, 6);
	/* Two rows: sixteen levels. 50% fills the bottom row, 75% half the top,
	 * 6.25% is one sixteenth; NaN leaves a gap. */
	assert_string_equal(row(s, 0), " \u2584\u2588   ");
	assert_string_equal(row(s, 1), "\u2588\u2588\u2588\u2581 \u2581");
	sparkline_free(s);
	/* Without a fixed scale the largest sample shown is the top. */
	s = sparkline_new(8, THEME_SPARK_MEM);
	sparkline_push(s, 10);
	sparkline_push(s, 20);
	sparkline_push(s, 40);
	widget_place(WIDGET(s), 0, 0, 1, 3);
	sparkline_draw(s);
	assert_string_equal(row(s, 0), "\u2582\u2584\u2588");
	assert_int_equal(sparkline_count(s), 3);
	assert_true(sparkline_last(s) == 40);
	/* The history is a ring of the capacity given. */
	for (int i = 0; i < 20; i++)
		sparkline_push(s, i);
	assert_int_equal(sparkline_count(s), 8);
	assert_true(sparkline_last(s) == 19);
	sparkline_clear(s);
	assert_int_equal(sparkline_count(s), 0);
	assert_true(isnan(sparkline_last(s)));
	sparkline_free(s);
}

/* A gauge of value against max in a 1 x cols window. */
static struct gauge *gauge(double value, double max, const char *text, int cols)
{
	struct gauge *g = gauge_new("Mem");

	gauge_set(g, value, max, text);
	widget_place(WIDGET(g), 0, 0, 1, cols);
	gauge_draw(g);
	return g;
}

static void test_gauge_fill(void **state)
{
	struct gauge *g;
	WINDOW *win;

	(void)state;
	term_force_utf8(true);
	/* 25 cells: "Mem", brackets, a bar of 20. Half is ten full cells. */
	g = gauge(256, 512, "256M/512M", 25);
	win = WIDGET(g)->win;
	assert_string_equal(row(g, 0), "Mem[\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588"
				       "\u2588 256M/512M]");
	/* The bar is in the fill colour, the empty part in its own, the text
	 * over the empty part plain, the brackets dim. */
	assert_int_equal(offscreen_attr(win, 0, 4), theme_attr(THEME_GAUGE_FILL));
	assert_int_equal(offscreen_attr(win, 0, 14), theme_attr(THEME_GAUGE_EMPTY));
	assert_int_equal(offscreen_attr(win, 0, 15), theme_attr(THEME_DEFAULT));
	assert_int_equal(offscreen_attr(win, 0, 3), theme_attr(THEME_DIM));
	gauge_free(g);
	/* 53% of 20 cells is 84.8 eighths: ten cells and a half. */
	g = gauge(53, 100, "", 25);
	assert_int_equal(gauge_eighths(g, 20), 84);
	assert_string_equal(row(g, 0), "Mem[\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588"
				       "\u2588\u258c         ]");
	gauge_free(g);
	/* Text long enough to reach into the fill. */
	g = gauge(90, 100, "90.0%", 12);
	win = WIDGET(g)->win;
	/* A bar of 7 cells, 6.3 of them full: warning colour past 80%; the
	 * text over the filled part is drawn reversed in the fill colour. */
	assert_string_equal(row(g, 0), "Mem[\u2588\u258890.0%]");
	assert_int_equal(offscreen_attr(win, 0, 4), theme_attr(THEME_GAUGE_WARN));
	assert_int_equal(offscreen_attr(win, 0, 6), theme_attr(THEME_GAUGE_WARN) | A_REVERSE);
	gauge_free(g);
}

static void test_gauge_ascii_and_limits(void **state)
{
	struct gauge *g;

	(void)state;
	term_force_utf8(false);
	g = gauge(53, 100, "53%", 25);
	/* Whole cells only: 10.6 cells show as ten bars. */
	assert_int_equal(gauge_eighths(g, 20), 80);
	assert_string_equal(row(g, 0), "Mem[||||||||||       53%]");
	gauge_free(g);
	/* Past the limit: full, critical colour. */
	g = gauge(700, 512, "700M/512M", 25);
	assert_string_equal(row(g, 0), "Mem[|||||||||||700M/512M]");
	assert_int_equal(offscreen_attr(WIDGET(g)->win, 0, 5), theme_attr(THEME_GAUGE_CRIT));
	gauge_free(g);
	/* No limit: no bar, only the text. */
	g = gauge(700, 0, "700M", 25);
	assert_string_equal(row(g, 0), "Mem[                700M]");
	gauge_free(g);
	/* Thresholds can move. */
	g = gauge(50, 100, "", 14);
	gauge_set_thresholds(g, 0.3, 0.6);
	gauge_draw(g);
	assert_int_equal(offscreen_attr(WIDGET(g)->win, 0, 4), theme_attr(THEME_GAUGE_WARN));
	gauge_free(g);
	term_force_utf8(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sparkline_utf8),
		cmocka_unit_test(test_sparkline_ascii),
		cmocka_unit_test(test_sparkline_tall_and_scaled),
		cmocka_unit_test(test_gauge_fill),
		cmocka_unit_test(test_gauge_ascii_and_limits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
