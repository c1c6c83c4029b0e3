/* The JSON view drawn into an off-screen window: the rows of a document,
 * folding and unfolding by key and by depth, paths, and scrolling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "widgets/jsonview.h"
#include "widgets/offscreen.h"
#include "widgets/term.h"
#include "widgets/theme.h"

static struct offscreen screen;

static const char *doc_text =
	"{\"Id\":\"abc\",\"State\":{\"Status\":\"running\",\"Pid\":42},"
	"\"Args\":[\"-c\",\"sleep 1\"],\"Empty\":{},\"Ok\":true,\"Nothing\":null,"
	"\"odd key\":1.5}";

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

/* A view of the test document in a rows x 40 window, drawn. */
static struct jsonview *view(int rows)
{
	struct jsonview *jv = jsonview_new();
	json_t *doc = json_loads(doc_text, 0, NULL);

	assert_non_null(doc);
	jsonview_set(jv, doc);
	json_decref(doc);
	widget_place(WIDGET(jv), 0, 0, rows, 40);
	jsonview_draw(jv);
	return jv;
}

/* Asserts window row y reads want, trailing blanks trimmed. */
static void expect_row(struct jsonview *jv, int y, const char *want)
{
	char buf[512];
	size_t n;

	jsonview_draw(jv);
	offscreen_row(WIDGET(jv)->win, y, buf, sizeof(buf));
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	assert_string_equal(buf, want);
}

static void test_rows(void **state)
{
	struct jsonview *jv = view(20);
	WINDOW *win = WIDGET(jv)->win;

	(void)state;
	assert_int_equal(jsonview_rows(jv), 15);
	expect_row(jv, 0, "\u25be {");
	expect_row(jv, 1, "    \"Id\": \"abc\",");
	expect_row(jv, 2, "\u25be   \"State\": {");
	expect_row(jv, 3, "      \"Status\": \"running\",");
	expect_row(jv, 4, "      \"Pid\": 42");
	expect_row(jv, 5, "    },");
	expect_row(jv, 6, "\u25be   \"Args\": [");
	expect_row(jv, 7, "      \"-c\",");
	expect_row(jv, 8, "      \"sleep 1\"");
	expect_row(jv, 9, "    ],");
	expect_row(jv, 10, "    \"Empty\": {},");
	expect_row(jv, 11, "    \"Ok\": true,");
	expect_row(jv, 12, "    \"Nothing\": null,");
	expect_row(jv, 13, "    \"odd key\": 1.5");
	expect_row(jv, 14, "  }");
	/* Colours by kind; the selected row (the first) in the selection's. */
	assert_int_equal(offscreen_attr(win, 1, 4), theme_attr(THEME_JSON_KEY));
	assert_int_equal(offscreen_attr(win, 1, 10), theme_attr(THEME_JSON_STRING));
	assert_int_equal(offscreen_attr(win, 4, 13), theme_attr(THEME_JSON_NUMBER));
	assert_int_equal(offscreen_attr(win, 11, 10), theme_attr(THEME_JSON_BOOL));
	assert_int_equal(offscreen_attr(win, 12, 15), theme_attr(THEME_JSON_NULL));
	assert_int_equal(offscreen_attr(win, 0, 2), theme_attr(THEME_SELECTED_INACTIVE));
	jsonview_free(jv);
}

static void test_fold_by_key(void **state)
{
	struct jsonview *jv = view(20);
	char path[128];

	(void)state;
	jsonview_move(jv, 2);
	jsonview_path(jv, path, sizeof(path));
	assert_string_equal(path, ".State");
	assert_int_equal(jsonview_key(jv, '\n'), WKEY_HANDLED);
	assert_int_equal(jsonview_rows(jv), 12);
	expect_row(jv, 2, "\u25b8   \"State\": {\u2026},  2 keys");
	expect_row(jv, 3, "\u25be   \"Args\": [");
	/* Right unfolds; Right again goes in; Left on a member goes out to
	 * its container; Left there folds it. */
	jsonview_key(jv, WKEY_FN(KEY_RIGHT));
	assert_int_equal(jsonview_rows(jv), 15);
	jsonview_key(jv, WKEY_FN(KEY_RIGHT));
	assert_int_equal(jsonview_selected(jv), 3);
	jsonview_key(jv, WKEY_FN(KEY_DOWN));
	jsonview_path(jv, path, sizeof(path));
	assert_string_equal(path, ".State.Pid");
	jsonview_key(jv, WKEY_FN(KEY_LEFT));
	assert_int_equal(jsonview_selected(jv), 2);
	jsonview_key(jv, WKEY_FN(KEY_LEFT));
	assert_int_equal(jsonview_rows(jv), 12);
	/* Folding from the closing row folds its container and selects it. */
	jsonview_key(jv, WKEY_FN(KEY_RIGHT));
	jsonview_move(jv, 3);
	assert_int_equal(jsonview_selected(jv), 5);
	assert_true(jsonview_toggle(jv));
	assert_int_equal(jsonview_selected(jv), 2);
	/* An array folds to its item count; scalars do not fold. */
	jsonview_move(jv, 1);
	jsonview_path(jv, path, sizeof(path));
	assert_string_equal(path, ".Args");
	jsonview_key(jv, ' ');
	expect_row(jv, 3, "\u25b8   \"Args\": [\u2026],  2 items");
	jsonview_move(jv, 1);
	assert_false(jsonview_toggle(jv));
	jsonview_move(jv, 3);
	jsonview_path(jv, path, sizeof(path));
	assert_string_equal(path, ".\"odd key\"");
	jsonview_free(jv);
}

static void test_fold_by_depth(void **state)
{
	struct jsonview *jv = view(20);
	char path[128];

	(void)state;
	jsonview_fold_depth(jv, 0);
	assert_int_equal(jsonview_rows(jv), 1);
	expect_row(jv, 0, "\u25b8 {\u2026}  7 keys");
	jsonview_fold_depth(jv, 1);
	assert_int_equal(jsonview_rows(jv), 9);
	expect_row(jv, 3, "\u25b8   \"Args\": [\u2026],  2 items");
	/* Selecting inside and folding above it moves the selection up to the
	 * folded container. */
	jsonview_unfold_all(jv);
	jsonview_move(jv, 8);
	jsonview_path(jv, path, sizeof(path));
	assert_string_equal(path, ".Args[1]");
	jsonview_fold_depth(jv, 1);
	assert_int_equal(jsonview_selected(jv), 3);
	jsonview_path(jv, path, sizeof(path));
	assert_string_equal(path, ".Args");
	jsonview_key(jv, WKEY_FN(KEY_HOME));
	jsonview_path(jv, path, sizeof(path));
	assert_string_equal(path, ".");
	jsonview_free(jv);
}

static void test_scrolling_and_ascii(void **state)
{
	struct jsonview *jv = view(5);

	(void)state;
	jsonview_key(jv, WKEY_FN(KEY_END));
	assert_int_equal(jsonview_selected(jv), 14);
	assert_int_equal(jsonview_top(jv), 10);
	expect_row(jv, 4, "  }");
	jsonview_key(jv, WKEY_FN(KEY_PPAGE));
	assert_int_equal(jsonview_selected(jv), 10);
	assert_int_equal(jsonview_top(jv), 10);
	jsonview_key(jv, WKEY_FN(KEY_UP));
	assert_int_equal(jsonview_top(jv), 9);
	assert_int_equal(jsonview_key(jv, 'x'), WKEY_IGNORED);
	term_force_utf8(false);
	jsonview_fold_depth(jv, 0);
	expect_row(jv, 0, "+ {...}  7 keys");
	term_force_utf8(true);
	/* An empty view draws nothing and takes keys quietly. */
	jsonview_set(jv, NULL);
	assert_int_equal(jsonview_rows(jv), 0);
	jsonview_key(jv, WKEY_FN(KEY_DOWN));
	expect_row(jv, 0, "");
	jsonview_free(jv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_fold_by_key),
		cmocka_unit_test(test_fold_by_depth),
		cmocka_unit_test(test_scrolling_and_ascii),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
