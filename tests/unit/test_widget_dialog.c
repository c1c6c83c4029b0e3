/* Dialogs and the help overlay drawn into off-screen windows: the confirm
 * dialog that lists what a bulk action will do, its keys and scrolling, the
 * menu, and the key-binding table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "widgets/dialog.h"
#include "widgets/help.h"
#include "widgets/offscreen.h"
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
	term_force_utf8(true);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	offscreen_close(&screen);
	return 0;
}

/* left, n box-drawing horizontal lines, then right: a border row. */
static const char *rule(const char *left, int n, const char *right)
{
	static char buf[512];
	size_t len;

	snprintf(buf, sizeof(buf), "%s", left);
	while (n-- > 0) {
		len = strlen(buf);
		snprintf(buf + len, sizeof(buf) - len, "\u2500");
	}
	len = strlen(buf);
	snprintf(buf + len, sizeof(buf) - len, "%s", right);
	return buf;
}

/* Row y of a widget's window, drawn first. */
static const char *row(void *widget, int y)
{
	static char buf[512];

	widget_draw(WIDGET(widget));
	return offscreen_row(WIDGET(widget)->win, y, buf, sizeof(buf));
}

/* The bulk-remove confirmation of three containers, placed and drawn. */
static struct dialog *remove_dialog(void)
{
	struct dialog *d = dialog_new(DIALOG_CONFIRM, "Remove", "Remove 3 containers?");
	int rows, cols;

	dialog_add(d, "web (running: it will be killed)");
	dialog_add(d, "db");
	dialog_add(d, "cache");
	dialog_set_buttons(d, "Remove", "Cancel");
	dialog_size(d, 40, 120, &rows, &cols);
	assert_int_equal(rows, 8);
	assert_int_equal(cols, 36);
	widget_place(WIDGET(d), 0, 0, rows, cols);
	return d;
}

static void test_confirm_lists_and_asks(void **state)
{
	struct dialog *d = remove_dialog();
	WINDOW *win;

	(void)state;
	assert_string_equal(row(d, 0), rule("\u250c\u2500 Remove ", 25, "\u2510"));
	assert_string_equal(row(d, 1), "\u2502 Remove 3 containers?             \u2502");
	assert_string_equal(row(d, 2), "\u2502 web (running: it will be killed) \u2502");
	assert_string_equal(row(d, 3), "\u2502 db                               \u2502");
	assert_string_equal(row(d, 4), "\u2502 cache                            \u2502");
	assert_string_equal(row(d, 5), "\u2502                                  \u2502");
	assert_string_equal(row(d, 6), "\u2502      [ Remove ]  [ Cancel ]      \u2502");
	/* The safe button has the focus at first: Enter cancels. */
	win = WIDGET(d)->win;
	assert_int_equal(offscreen_attr(win, 6, 19), theme_attr(THEME_BUTTON_FOCUS));
	assert_int_equal(offscreen_attr(win, 6, 7), theme_attr(THEME_BUTTON));
	assert_int_equal(dialog_key(d, '\n'), WKEY_CANCEL);
	assert_int_equal(dialog_choice(d), 0);
	/* Tab to the action: Enter confirms. */
	assert_int_equal(dialog_key(d, '\t'), WKEY_HANDLED);
	row(d, 0);
	assert_int_equal(offscreen_attr(win, 6, 7), theme_attr(THEME_BUTTON_FOCUS));
	assert_int_equal(dialog_key(d, '\n'), WKEY_SUBMIT);
	assert_int_equal(dialog_choice(d), 1);
	/* y and n answer from anywhere; Esc cancels; other keys are not its. */
	assert_int_equal(dialog_key(d, WKEY_FN(KEY_LEFT)), WKEY_HANDLED);
	assert_int_equal(dialog_key(d, 'y'), WKEY_SUBMIT);
	assert_int_equal(dialog_key(d, 'n'), WKEY_CANCEL);
	assert_int_equal(dialog_choice(d), 0);
	assert_int_equal(dialog_key(d, WKEY_ESC), WKEY_CANCEL);
	assert_int_equal(dialog_key(d, 'x'), WKEY_IGNORED);
	dialog_free(d);
}

static void test_confirm_scrolls_long_lists(void **state)
{
	struct dialog *d = dialog_new(DIALOG_CONFIRM, "Stop", NULL);
	char line[32];
	int i;

	(void)state;
	for (i = 1; i <= 20; i++) {
		snprintf(line, sizeof(line), "container-%02d", i);
		dialog_add(d, line);
	}
	/* Box, blank row, buttons: five rows of the ten for the list. */
	widget_place(WIDGET(d), 0, 0, 9, 30);
	assert_string_equal(row(d, 1), "\u2502 container-01               \u2502");
	assert_string_equal(row(d, 8), rule("\u2514", 16, " 1-5 of 20 \u2500\u2518"));
	dialog_key(d, WKEY_FN(KEY_DOWN));
	assert_int_equal(dialog_top(d), 1);
	dialog_key(d, WKEY_FN(KEY_END));
	assert_int_equal(dialog_top(d), 15);
	assert_string_equal(row(d, 5), "\u2502 container-20               \u2502");
	dialog_key(d, WKEY_FN(KEY_PPAGE));
	assert_int_equal(dialog_top(d), 11);
	dialog_free(d);
}

static void test_menu(void **state)
{
	static const char *const items[] = {"no", "always", "on-failure", "unless-stopped"};
	struct dialog *d = dialog_new(DIALOG_MENU, "Restart policy", NULL);
	int rows, cols, i;
	WINDOW *win;

	(void)state;
	for (i = 0; i < 4; i++)
		dialog_add(d, items[i]);
	dialog_size(d, 40, 120, &rows, &cols);
	assert_int_equal(rows, 6);
	widget_place(WIDGET(d), 0, 0, rows, cols);
	win = WIDGET(d)->win;
	assert_string_equal(row(d, 1), "\u2502 no                         \u2502");
	assert_int_equal(offscreen_attr(win, 1, 2), theme_attr(THEME_SELECTED));
	assert_int_equal(offscreen_attr(win, 2, 2), theme_attr(THEME_DIALOG));
	dialog_key(d, WKEY_FN(KEY_DOWN));
	row(d, 0);
	assert_int_equal(offscreen_attr(win, 2, 2), theme_attr(THEME_SELECTED));
	assert_int_equal(dialog_key(d, '\n'), WKEY_SUBMIT);
	assert_int_equal(dialog_choice(d), 1);
	assert_int_equal(dialog_key(d, '3'), WKEY_SUBMIT);
	assert_int_equal(dialog_choice(d), 2);
	assert_int_equal(dialog_key(d, '9'), WKEY_IGNORED);
	assert_int_equal(dialog_key(d, WKEY_ESC), WKEY_CANCEL);
	assert_int_equal(dialog_choice(d), -1);
	dialog_free(d);
}

/* The console's help, in part. */
static struct help *key_help(void)
{
	struct help *h = help_new("Keys");

	help_add_section(h, "Containers");
	help_add(h, "s", "stop");
	help_add(h, "Space", "mark for a bulk action");
	help_add_section(h, "Logs");
	help_add(h, "/", "search");
	help_add(h, "n, N", "next, previous match");
	return h;
}

static void test_help(void **state)
{
	struct help *h = key_help();
	int rows, cols;
	WINDOW *win;

	(void)state;
	help_size(h, 40, 120, &rows, &cols);
	assert_int_equal(rows, 9);
	assert_int_equal(cols, 33);
	widget_place(WIDGET(h), 0, 0, rows, cols);
	win = WIDGET(h)->win;
	assert_string_equal(row(h, 1), "\u2502 Containers                    \u2502");
	assert_string_equal(row(h, 2), "\u2502 s      stop                   \u2502");
	assert_string_equal(row(h, 3), "\u2502 Space  mark for a bulk action \u2502");
	assert_string_equal(row(h, 4), "\u2502                               \u2502");
	assert_string_equal(row(h, 7), "\u2502 n, N   next, previous match   \u2502");
	assert_int_equal(offscreen_attr(win, 2, 2), theme_attr(THEME_KEY));
	assert_int_equal(offscreen_attr(win, 2, 9), theme_attr(THEME_DIALOG));
	assert_int_equal(offscreen_attr(win, 1, 2), theme_attr(THEME_TITLE));
	/* In a smaller box it scrolls and says where it is. */
	widget_place(WIDGET(h), 0, 0, 5, 33);
	assert_string_equal(row(h, 4), rule("\u2514", 20, " 1-3 of 7 \u2500\u2518"));
	assert_int_equal(help_key(h, WKEY_FN(KEY_NPAGE)), WKEY_HANDLED);
	assert_int_equal(help_top(h), 2);
	help_key(h, WKEY_FN(KEY_END));
	assert_int_equal(help_top(h), 4);
	assert_string_equal(row(h, 3), "\u2502 n, N   next, previous match   \u2502");
	help_key(h, WKEY_FN(KEY_HOME));
	assert_int_equal(help_top(h), 0);
	/* The keys that close it. */
	assert_int_equal(help_key(h, 'q'), WKEY_CANCEL);
	assert_int_equal(help_key(h, '?'), WKEY_CANCEL);
	assert_int_equal(help_key(h, WKEY_ESC), WKEY_CANCEL);
	assert_int_equal(help_key(h, WKEY_FN(KEY_F(1))), WKEY_CANCEL);
	assert_int_equal(help_key(h, 'x'), WKEY_IGNORED);
	help_free(h);
}

static void test_ascii_box(void **state)
{
	struct help *h = key_help();

	(void)state;
	term_force_utf8(false);
	widget_place(WIDGET(h), 0, 0, 9, 33);
	assert_string_equal(row(h, 0), "+- Keys ------------------------+");
	assert_string_equal(row(h, 2), "| s      stop                   |");
	assert_string_equal(row(h, 8), "+-------------------------------+");
	term_force_utf8(true);
	help_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_confirm_lists_and_asks),
		cmocka_unit_test(test_confirm_scrolls_long_lists),
		cmocka_unit_test(test_menu),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_ascii_box),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
