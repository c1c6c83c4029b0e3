/* What every widget shares, drawn into off-screen windows: the dirty flag
 * and redraw discipline, placing and hiding, keys through the class; the
 * text helpers (widths, truncation, control characters, ASCII mode); the
 * header and status bars and the key-hint bar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "widgets/keybar.h"
#include "widgets/offscreen.h"
#include "widgets/statusbar.h"
#include "widgets/term.h"
#include "widgets/text.h"
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
	term_force_utf8(true);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	offscreen_close(&screen);
	return 0;
}

/* A widget that counts its draws and keys. */
struct counter {
	struct widget base;
	int draws, keys;
};

static void counter_draw(struct widget *w)
{
	((struct counter *)w)->draws++;
	widget_erase(w, THEME_DEFAULT);
}

static enum wkey_result counter_key(struct widget *w, wkey k)
{
	((struct counter *)w)->keys++;
	return k == 'a' ? WKEY_HANDLED : WKEY_IGNORED;
}

static const struct widget_class counter_class = {
	.name = "counter",
	.draw = counter_draw,
	.key = counter_key,
};

static void test_redraw_discipline(void **state)
{
	struct counter c;

	(void)state;
	widget_init(&c.base, &counter_class);
	c.draws = c.keys = 0;
	/* Nowhere to draw yet. */
	widget_draw(&c.base);
	assert_int_equal(c.draws, 0);
	assert_int_equal(widget_place(&c.base, 2, 3, 5, 10), 0);
	assert_non_null(c.base.win);
	assert_int_equal(getbegy(c.base.win), 2);
	assert_int_equal(getmaxx(c.base.win), 10);
	widget_draw(&c.base);
	assert_int_equal(c.draws, 1);
	assert_false(c.base.dirty);
	/* Nothing changed: nothing redrawn. */
	widget_draw(&c.base);
	assert_int_equal(c.draws, 1);
	/* The same place again changes nothing; a new one redraws. */
	widget_place(&c.base, 2, 3, 5, 10);
	widget_draw(&c.base);
	assert_int_equal(c.draws, 1);
	widget_place(&c.base, 0, 0, 6, 10);
	widget_draw(&c.base);
	assert_int_equal(c.draws, 2);
	widget_invalidate(&c.base);
	widget_draw(&c.base);
	assert_int_equal(c.draws, 3);
	/* Exposing copies the window again without redrawing it. */
	widget_expose(&c.base);
	assert_true(is_wintouched(c.base.win));
	widget_draw(&c.base);
	assert_int_equal(c.draws, 3);
	assert_false(is_wintouched(c.base.win));
	/* Focus changes redraw; hidden widgets neither draw nor take keys. */
	widget_set_focus(&c.base, true);
	widget_set_focus(&c.base, true);
	widget_draw(&c.base);
	assert_int_equal(c.draws, 4);
	assert_int_equal(widget_key(&c.base, 'a'), WKEY_HANDLED);
	assert_int_equal(widget_key(&c.base, 'b'), WKEY_IGNORED);
	widget_set_hidden(&c.base, true);
	widget_draw(&c.base);
	assert_int_equal(c.draws, 4);
	assert_int_equal(widget_key(&c.base, 'a'), WKEY_IGNORED);
	assert_int_equal(c.keys, 2);
	widget_set_hidden(&c.base, false);
	/* Centring uses the screen's size (40 x 120). */
	widget_center(&c.base, 10, 40);
	assert_int_equal(c.base.y, 15);
	assert_int_equal(c.base.x, 40);
	/* No size, no window. */
	widget_place(&c.base, 0, 0, 0, 10);
	assert_null(c.base.win);
	widget_draw(&c.base);
	assert_int_equal(c.draws, 4);
}

static void test_key_reading(void **state)
{
	(void)state;
	/* Nothing to read from /dev/null. */
	nodelay(stdscr, TRUE);
	assert_int_equal(widget_read_key(stdscr), WKEY_NONE);
	assert_true(wkey_is_enter('\r'));
	assert_true(wkey_is_enter(WKEY_FN(KEY_ENTER)));
	assert_false(wkey_is_enter(KEY_ENTER)); /* U+0157, a letter */
	assert_true(wkey_is_backspace(WKEY_FN(KEY_BACKSPACE)));
	assert_int_not_equal(WKEY_FN(KEY_DOWN), 0x102);
}

static void test_text_helpers(void **state)
{
	WINDOW *win = newwin(1, 12, 0, 0);
	char buf[128];
	wchar_t c;

	(void)state;
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("\u65e5\u672c"), 4);
	assert_int_equal(text_width("e\u0301"), 1); /* combining accent */
	assert_int_equal(text_width(NULL), 0);
	assert_int_equal(text_decode("\xc3\xa9", 2, &c), 2);
	assert_int_equal(c, 0xe9);
	/* Malformed UTF-8 is one replacement per bad byte. */
	assert_int_equal(text_decode("\xc3(", 2, &c), 1);
	assert_int_equal(c, 0xfffd);
	assert_int_equal(text_decode("\xe0\x80\x80", 3, &c), 1); /* overlong */
	assert_int_equal(text_decode("\xed\xa0\x80", 3, &c), 1); /* surrogate */
	/* Alignment, padding, truncation. */
	text_draw(win, 0, 0, 12, "right", 0, TEXT_RIGHT);
	assert_string_equal(offscreen_row(win, 0, buf, sizeof(buf)), "       right");
	text_draw(win, 0, 0, 12, "mid", 0, TEXT_CENTER);
	assert_string_equal(offscreen_row(win, 0, buf, sizeof(buf)), "    mid     ");
	text_draw(win, 0, 0, 12, "a rather long name", 0, TEXT_LEFT);
	assert_string_equal(offscreen_row(win, 0, buf, sizeof(buf)), "a rather lo\u2026");
	/* Control characters never reach the terminal. */
	text_draw(win, 0, 0, 12, "a\x1b[31mb\tc", 0, TEXT_LEFT);
	assert_string_equal(offscreen_row(win, 0, buf, sizeof(buf)), "a?[31mb c   ");
	/* ASCII mode: one '?' for anything outside ASCII. */
	term_force_utf8(false);
	assert_int_equal(text_width("\u65e5\u672c"), 2);
	text_draw(win, 0, 0, 12, "caf\u00e9 \u65e5\u672c x", 0, TEXT_LEFT);
	assert_string_equal(offscreen_row(win, 0, buf, sizeof(buf)), "caf? ?? x   ");
	text_draw(win, 0, 0, 12, "a rather long name", 0, TEXT_LEFT);
	assert_string_equal(offscreen_row(win, 0, buf, sizeof(buf)), "a rather lo~");
	text_shorten_middle("unix:///var/tmp/x/berth.sock", 12, buf, sizeof(buf));
	assert_string_equal(buf, "uni~rth.sock");
	term_force_utf8(true);
	/* An address cut in its middle: a third of its start, the rest its end. */
	text_shorten_middle("unix:///var/tmp/x/berth.sock", 12, buf, sizeof(buf));
	assert_string_equal(buf, "uni\u2026rth.sock");
	assert_int_equal(text_width(buf), 12);
	text_shorten_middle("ssh://me@host", 20, buf, sizeof(buf));
	assert_string_equal(buf, "ssh://me@host");
	text_shorten_middle("\u65e5\u672c\u8a9e\u306e\u30db\u30b9\u30c8", 7, buf, sizeof(buf));
	assert_true(text_width(buf) <= 7);
	text_shorten_middle("anything", 2, buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* Search used by filters and the log view. */
	assert_int_equal(text_find("Hello World", 11, 0, "world", 5, true), 6);
	assert_int_equal(text_find("Hello World", 11, 0, "world", 5, false), -1);
	assert_int_equal(text_find("aaa", 3, 1, "a", 1, false), 1);
	assert_int_equal(text_find("aaa", 3, 3, "a", 1, true), -1);
	delwin(win);
}

static void test_statusbar(void **state)
{
	struct statusbar *s = statusbar_new(THEME_STATUS);
	WINDOW *win;
	char buf[256];

	(void)state;
	widget_place(WIDGET(s), 0, 0, 1, 50);
	win = WIDGET(s)->win;
	statusbar_set(s, "12 containers (3 running)", "CPU 12% MEM 1.2G");
	statusbar_draw(s);
	assert_string_equal(offscreen_row(win, 0, buf, sizeof(buf)),
			    "12 containers (3 running)         CPU 12% MEM 1.2G");
	assert_int_equal(offscreen_attr(win, 0, 30), theme_attr(THEME_STATUS));
	/* The same texts again: nothing to redraw. */
	statusbar_set(s, "12 containers (3 running)", "CPU 12% MEM 1.2G");
	assert_false(WIDGET(s)->dirty);
	/* Narrow: the left text is cut first. */
	widget_place(WIDGET(s), 0, 0, 1, 36);
	statusbar_draw(s);
	assert_string_equal(offscreen_row(WIDGET(s)->win, 0, buf, sizeof(buf)),
			    "12 containers (3 r\u2026 CPU 12% MEM 1.2G");
	/* A message takes the left part, in its own colour, until cleared. */
	statusbar_message(s, THEME_STATUS_ERROR, "no such container: web");
	statusbar_draw(s);
	win = WIDGET(s)->win;
	assert_string_equal(offscreen_row(win, 0, buf, sizeof(buf)),
			    "no such container:\u2026 CPU 12% MEM 1.2G");
	assert_int_equal(offscreen_attr(win, 0, 0), theme_attr(THEME_STATUS_ERROR));
	statusbar_message(s, 0, NULL);
	statusbar_draw(s);
	assert_string_equal(offscreen_row(win, 0, buf, sizeof(buf)),
			    "12 containers (3 r\u2026 CPU 12% MEM 1.2G");
	statusbar_free(s);
}

static void test_keybar(void **state)
{
	static const struct keyhint hints[] = {
		{"F1", "Help"}, {"F2", "Setup"}, {"/", "Filter"}, {"F9", "Kill"}, {"q", "Quit"},
	};
	struct keybar *kb = keybar_new();
	WINDOW *win;
	char buf[256];

	(void)state;
	keybar_set(kb, hints, 5);
	widget_place(WIDGET(kb), 0, 0, 1, 40);
	keybar_draw(kb);
	win = WIDGET(kb)->win;
	assert_int_equal(keybar_shown(kb), 5);
	assert_string_equal(offscreen_row(win, 0, buf, sizeof(buf)),
			    "F1Help F2Setup /Filter F9Kill qQuit     ");
	assert_int_equal(offscreen_attr(win, 0, 0), theme_attr(THEME_KEY));
	assert_int_equal(offscreen_attr(win, 0, 2), theme_attr(THEME_KEY_LABEL));
	assert_int_equal(offscreen_attr(win, 0, 39), theme_attr(THEME_KEY_LABEL));
	/* Hints that do not fit go whole. */
	widget_place(WIDGET(kb), 0, 0, 1, 20);
	keybar_draw(kb);
	assert_int_equal(keybar_shown(kb), 2);
	assert_string_equal(offscreen_row(WIDGET(kb)->win, 0, buf, sizeof(buf)),
			    "F1Help F2Setup      ");
	keybar_free(kb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redraw_discipline),
		cmocka_unit_test(test_key_reading),
		cmocka_unit_test(test_text_helpers),
		cmocka_unit_test(test_statusbar),
		cmocka_unit_test(test_keybar),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
