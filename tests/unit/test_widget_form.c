/* The run-container form drawn into an off-screen window: field editing,
 * Tab order, checkboxes and choices, buttons, errors and the cursor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "widgets/form.h"
#include "widgets/offscreen.h"
#include "widgets/term.h"
#include "widgets/theme.h"

static struct offscreen screen;

enum { F_IMAGE, F_NAME, F_COMMAND, F_DETACH, F_RESTART, F_OK, F_CANCEL };

static const char *const policies[] = {"no", "always", "on-failure", "unless-stopped"};

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

/* The run form, placed at the size it asks for and drawn. */
static struct form *run_form(void)
{
	struct form *f = form_new("Run a container", "Run", NULL);
	int rows, cols;

	assert_int_equal(form_add_text(f, "Image", NULL, 256), F_IMAGE);
	assert_int_equal(form_add_text(f, "Name", "", 8), F_NAME);
	assert_int_equal(form_add_text(f, "Command", "sh", 0), F_COMMAND);
	assert_int_equal(form_add_check(f, "Detach", false), F_DETACH);
	assert_int_equal(form_add_choice(f, "Restart", policies, 4, 0), F_RESTART);
	form_size(f, &rows, &cols);
	assert_int_equal(rows, 10);
	assert_int_equal(cols, 43);
	widget_place(WIDGET(f), 0, 0, rows, cols);
	form_draw(f);
	return f;
}

/* Types a string, one key per character. */
static void type(struct form *f, const char *s)
{
	while (*s)
		assert_int_equal(form_key(f, (unsigned char)*s++), WKEY_CHANGED);
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

/* A row inside the box: the borders around 41 cells of ASCII text. */
static const char *boxed(const char *inner)
{
	static char buf[256];

	snprintf(buf, sizeof(buf), "\u2502%-41s\u2502", inner);
	return buf;
}

/* Row y of the form, drawn first. */
static const char *row(struct form *f, int y)
{
	static char buf[512];

	form_draw(f);
	return offscreen_row(WIDGET(f)->win, y, buf, sizeof(buf));
}

static void test_layout(void **state)
{
	struct form *f = run_form();
	WINDOW *win = WIDGET(f)->win;

	(void)state;
	assert_string_equal(row(f, 0), rule("\u250c\u2500 Run a container ", 23, "\u2510"));
	assert_string_equal(row(f, 2), boxed(" Image"));
	assert_string_equal(row(f, 4), boxed(" Command  sh"));
	assert_string_equal(row(f, 5), boxed(" Detach   [ ]"));
	assert_string_equal(row(f, 6), boxed(" Restart  < no >"));
	assert_string_equal(row(f, 8), boxed("           [ Run ]  [ Cancel ]"));
	/* The focused field stands out; the cursor is where typing goes. */
	assert_int_equal(offscreen_attr(win, 2, 11), theme_attr(THEME_FORM_FIELD_FOCUS));
	assert_int_equal(offscreen_attr(win, 3, 11), theme_attr(THEME_FORM_FIELD));
	assert_int_equal(offscreen_attr(win, 2, 2), theme_attr(THEME_FORM_LABEL));
	assert_true(WIDGET(f)->cursor);
	assert_int_equal(getcury(win), 2);
	assert_int_equal(getcurx(win), 11);
	form_free(f);
}

static void test_editing_and_tab_order(void **state)
{
	struct form *f = run_form();
	WINDOW *win = WIDGET(f)->win;

	(void)state;
	type(f, "busybox");
	assert_string_equal(form_text(f, F_IMAGE), "busybox");
	form_draw(f);
	assert_int_equal(getcurx(win), 18);
	/* Tab to Name, type, Shift-Tab back, edit in the middle. */
	assert_int_equal(form_key(f, '\t'), WKEY_HANDLED);
	assert_int_equal(form_focus(f), F_NAME);
	type(f, "web");
	assert_int_equal(form_key(f, WKEY_FN(KEY_BTAB)), WKEY_HANDLED);
	assert_int_equal(form_focus(f), F_IMAGE);
	form_key(f, WKEY_FN(KEY_LEFT));
	form_key(f, WKEY_FN(KEY_LEFT));
	form_key(f, WKEY_FN(KEY_LEFT));
	assert_int_equal(form_key(f, WKEY_FN(KEY_BACKSPACE)), WKEY_CHANGED);
	assert_string_equal(form_text(f, F_IMAGE), "busbox");
	type(f, "y-");
	assert_string_equal(form_text(f, F_IMAGE), "busy-box");
	assert_int_equal(form_key(f, WKEY_CTRL('k')), WKEY_CHANGED);
	assert_string_equal(form_text(f, F_IMAGE), "busy-");
	assert_int_equal(form_key(f, WKEY_CTRL('u')), WKEY_CHANGED);
	type(f, "alpine:3");
	assert_string_equal(row(f, 2), boxed(" Image    alpine:3"));
	assert_string_equal(row(f, 3), boxed(" Name     web"));
	/* The name field holds 8 bytes: the ninth is refused. */
	form_set_focus(f, F_NAME);
	type(f, "-1234");
	assert_int_equal(form_key(f, '5'), WKEY_HANDLED);
	assert_string_equal(form_text(f, F_NAME), "web-1234");
	/* Down and Up move like Tab and Shift-Tab, round the buttons. */
	form_key(f, WKEY_FN(KEY_DOWN));
	assert_int_equal(form_focus(f), F_COMMAND);
	form_key(f, '\t');
	form_key(f, '\t');
	form_key(f, '\t');
	assert_int_equal(form_focus(f), F_OK);
	form_key(f, '\t');
	assert_int_equal(form_focus(f), F_CANCEL);
	form_key(f, '\t');
	assert_int_equal(form_focus(f), F_IMAGE);
	form_key(f, WKEY_FN(KEY_UP));
	assert_int_equal(form_focus(f), F_CANCEL);
	/* Left/Right on the buttons switch between them. */
	form_key(f, WKEY_FN(KEY_LEFT));
	assert_int_equal(form_focus(f), F_OK);
	form_draw(f);
	assert_int_equal(offscreen_attr(win, 8, 12), theme_attr(THEME_BUTTON_FOCUS));
	assert_int_equal(offscreen_attr(win, 8, 21), theme_attr(THEME_BUTTON));
	assert_false(WIDGET(f)->cursor);
	form_free(f);
}

static void test_check_choice_and_submit(void **state)
{
	struct form *f = run_form();

	(void)state;
	form_set_focus(f, F_DETACH);
	assert_int_equal(form_key(f, ' '), WKEY_CHANGED);
	assert_true(form_checked(f, F_DETACH));
	assert_string_equal(row(f, 5), boxed(" Detach   [x]"));
	assert_int_equal(form_key(f, 'x'), WKEY_IGNORED);
	form_key(f, '\t');
	assert_int_equal(form_key(f, WKEY_FN(KEY_RIGHT)), WKEY_CHANGED);
	assert_int_equal(form_choice(f, F_RESTART), 1);
	form_key(f, WKEY_FN(KEY_LEFT));
	form_key(f, WKEY_FN(KEY_LEFT));
	assert_int_equal(form_choice(f, F_RESTART), 3);
	assert_string_equal(row(f, 6), boxed(" Restart  < unless-stopped >"));
	/* Enter submits from a field or the first button... */
	assert_int_equal(form_key(f, '\n'), WKEY_SUBMIT);
	form_set_focus(f, F_OK);
	assert_int_equal(form_key(f, WKEY_FN(KEY_ENTER)), WKEY_SUBMIT);
	/* ...and cancels from the second; Esc cancels anywhere. */
	form_set_focus(f, F_CANCEL);
	assert_int_equal(form_key(f, '\r'), WKEY_CANCEL);
	form_set_focus(f, F_IMAGE);
	assert_int_equal(form_key(f, WKEY_ESC), WKEY_CANCEL);
	/* Wrong kinds of field give nothing. */
	assert_null(form_text(f, F_DETACH));
	assert_false(form_checked(f, F_IMAGE));
	form_free(f);
}

static void test_error_and_scrolling_text(void **state)
{
	struct form *f = run_form();
	WINDOW *win = WIDGET(f)->win;

	(void)state;
	form_set_error(f, "image is required");
	assert_string_equal(row(f, 7), boxed(" image is required"));
	assert_int_equal(offscreen_attr(win, 7, 2), theme_attr(THEME_ERROR));
	/* The next edit clears it. */
	type(f, "b");
	assert_string_equal(row(f, 7), boxed(""));
	/* A long command scrolls sideways to keep the cursor in view. */
	form_set_focus(f, F_COMMAND);
	type(f, " -c 'while true; do date; sleep 1; done'");
	assert_string_equal(row(f, 4), boxed(" Command  true; do date; sleep 1; done'"));
	assert_int_equal(getcurx(win), 40);
	form_key(f, WKEY_FN(KEY_HOME));
	assert_string_equal(row(f, 4), boxed(" Command  sh -c 'while true; do date; sl"));
	assert_int_equal(getcurx(win), 11);
	/* Non-ASCII typing is kept as UTF-8. */
	form_set_text(f, F_NAME, "");
	form_set_focus(f, F_NAME);
	assert_int_equal(form_key(f, 0xe9), WKEY_CHANGED);
	assert_string_equal(form_text(f, F_NAME), "\xc3\xa9");
	form_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_editing_and_tab_order),
		cmocka_unit_test(test_check_choice_and_submit),
		cmocka_unit_test(test_error_and_scrolling_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
