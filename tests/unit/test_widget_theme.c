/* Themes: the file format (good and bad files), the shipped themes, the
 * search path, colours mapped down from 256 to 16 and 8, NO_COLOR and
 * terminals without colour, and the UTF-8 decision from the locale. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "widgets/offscreen.h"
#include "widgets/term.h"
#include "widgets/theme.h"

static char themes_dir[PATH_MAX];

static const char *const shipped[] = {"dark", "light", "high-contrast", "monochrome"};

/* The themes/ folder of the source tree this test was built from. */
static void find_themes_dir(void)
{
	char *slash;

	snprintf(themes_dir, sizeof(themes_dir), "%s", __FILE__);
	slash = strstr(themes_dir, "tests/unit/");
	assert_non_null(slash);
	snprintf(slash, sizeof(themes_dir) - (size_t)(slash - themes_dir), "themes");
}

static int setup(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C.UTF-8");
	unsetenv("NO_COLOR");
	find_themes_dir();
	theme_set_builtin_dir(themes_dir);
	return 0;
}

/* Parses text into a theme that starts from the defaults. */
static int parse(struct theme *t, const char *text, berr *err)
{
	theme_defaults(t);
	return theme_parse(t, text, "test.theme", err);
}

/* Asserts the text is refused with exactly this message. */
static void expect_error(const char *text, const char *msg)
{
	struct theme t;
	berr err = {0};

	assert_int_equal(parse(&t, text, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, msg);
}

static void test_parse_good(void **state)
{
	struct theme t;
	berr err = {0};

	(void)state;
	assert_int_equal(parse(&t,
			       "# a comment\n"
			       "\n"
			       "   header = red blue bold underline\r\n"
			       "table.selected=bright-cyan 236\n"
			       "log.match = #ff8700 - reverse\n"
			       "dim = 244 dim\n"
			       "\t# indented comment\n"
			       "status = default",
			       &err),
			 0);
	assert_int_equal(t.style[THEME_HEADER].fg, COLOR_RED);
	assert_int_equal(t.style[THEME_HEADER].bg, COLOR_BLUE);
	assert_int_equal(t.style[THEME_HEADER].attrs, A_BOLD | A_UNDERLINE);
	assert_int_equal(t.style[THEME_SELECTED].fg, 14);
	assert_int_equal(t.style[THEME_SELECTED].bg, 236);
	assert_int_equal(t.style[THEME_SELECTED].attrs, A_NORMAL);
	/* #ff8700 is palette entry 208; "-" is the default colour. */
	assert_int_equal(t.style[THEME_LOG_MATCH].fg, 208);
	assert_int_equal(t.style[THEME_LOG_MATCH].bg, -1);
	assert_int_equal(t.style[THEME_LOG_MATCH].attrs, A_REVERSE);
	/* An attribute where the background goes: the background is default. */
	assert_int_equal(t.style[THEME_DIM].fg, 244);
	assert_int_equal(t.style[THEME_DIM].bg, -1);
	assert_int_equal(t.style[THEME_DIM].attrs, A_DIM);
	assert_int_equal(t.style[THEME_STATUS].fg, -1);
	assert_int_equal(t.style[THEME_STATUS].bg, -1);
	/* Roles the text leaves out keep the built-in style. */
	assert_int_equal(t.style[THEME_STATE_RUNNING].fg, COLOR_GREEN);
}

static void test_parse_errors(void **state)
{
	(void)state;
	expect_error("header = red\nfooter = red\n", "test.theme:2: unknown key 'footer'");
	expect_error("\n\nheader = reed\n", "test.theme:3: unknown colour 'reed'");
	expect_error("header = red 256\n", "test.theme:1: unknown colour '256'");
	expect_error("header = red blue blod\n", "test.theme:1: unknown attribute 'blod'");
	expect_error("header red blue\n", "test.theme:1: expected 'key = fg [bg] [attributes]'");
	expect_error("header =\n", "test.theme:1: missing colour for 'header'");
	expect_error(" = red\n", "test.theme:1: missing key before '='");
	expect_error("header = #12345\n", "test.theme:1: unknown colour '#12345'");
	expect_error("header = bright-default\n", "test.theme:1: unknown colour 'bright-default'");
}

static void test_shipped_themes_complete(void **state)
{
	char path[PATH_MAX + 32];
	struct theme t, dark;
	berr err = {0};
	size_t i;
	int r;

	(void)state;
	for (i = 0; i < sizeof(shipped) / sizeof(shipped[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s.theme", themes_dir, shipped[i]);
		if (theme_load_file(&t, path, &err) != 0)
			fail_msg("%s", err.msg);
		assert_string_equal(t.name, shipped[i]);
		/* Every role is set by the file itself: start from nonsense. */
		memset(&t, 0x7f, sizeof(t));
		{
			FILE *f = fopen(path, "re");
			char text[16384];
			size_t n;

			assert_non_null(f);
			n = fread(text, 1, sizeof(text) - 1, f);
			fclose(f);
			text[n] = '\0';
			assert_int_equal(theme_parse(&t, text, shipped[i], &err), 0);
		}
		for (r = 0; r < THEME_ROLE_COUNT; r++)
			if (t.style[r].fg == 0x7f7f)
				fail_msg("%s does not set %s", shipped[i], theme_role_name(r));
	}
	/* The built-in colours are dark.theme's. */
	theme_defaults(&t);
	snprintf(path, sizeof(path), "%s/dark.theme", themes_dir);
	assert_int_equal(theme_load_file(&dark, path, &err), 0);
	for (r = 0; r < THEME_ROLE_COUNT; r++) {
		if (memcmp(&t.style[r], &dark.style[r], sizeof(t.style[r])) != 0)
			fail_msg("dark.theme differs from the built-in %s", theme_role_name(r));
	}
}

static void test_load_search_path(void **state)
{
	char dir[] = "/tmp/berth-theme-XXXXXX", sub[PATH_MAX], path[PATH_MAX + 32];
	struct theme t;
	berr err = {0};
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	setenv("XDG_CONFIG_HOME", dir, 1);
	/* From the built-in folder. */
	assert_int_equal(theme_load(&t, "light", &err), 0);
	assert_string_equal(t.name, "light");
	assert_int_equal(t.style[THEME_TABLE_HEADER].bg, 151);
	/* The user's folder comes first. */
	snprintf(sub, sizeof(sub), "%s/berth", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(sub, sizeof(sub), "%s/berth/themes", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(path, sizeof(path), "%s/light.theme", sub);
	f = fopen(path, "we");
	assert_non_null(f);
	fputs("table.header = magenta\n", f);
	fclose(f);
	assert_int_equal(theme_load(&t, "light", &err), 0);
	assert_int_equal(t.style[THEME_TABLE_HEADER].fg, COLOR_MAGENTA);
	/* A bad user file says where it is wrong. */
	f = fopen(path, "we");
	fputs("# mine\ntable.header = magneta\n", f);
	fclose(f);
	assert_int_equal(theme_load(&t, "light", &err), -1);
	assert_string_equal(err.msg, "light.theme:2: unknown colour 'magneta'");
	unlink(path);
	rmdir(sub);
	snprintf(sub, sizeof(sub), "%s/berth", dir);
	rmdir(sub);
	/* Unknown names and bad names. */
	assert_int_equal(theme_load(&t, "solarized", &err), -1);
	assert_int_equal(err.kind, BERR_NOT_FOUND);
	assert_non_null(strstr(err.msg, "no theme named 'solarized'"));
	assert_int_equal(theme_load(&t, ".hidden", &err), -1);
	assert_string_equal(err.msg, "invalid theme name '.hidden'");
	/* A name with a slash is a path. */
	snprintf(path, sizeof(path), "%s/monochrome.theme", themes_dir);
	assert_int_equal(theme_load(&t, path, &err), 0);
	assert_int_equal(t.style[THEME_SELECTED].attrs, A_REVERSE);
	assert_int_equal(theme_load(&t, "/nonexistent/x.theme", &err), -1);
	assert_int_equal(err.kind, BERR_SYSTEM);
	/* With no theme file anywhere (an installed binary, another build
	 * directory), every shipped theme is still there: compiled in. */
	setenv("BERTH_THEMES_DIR", dir, 1);
	for (const char *const *n = (const char *const[]){"dark", "light", "high-contrast",
							   "monochrome", NULL};
	     *n; n++) {
		assert_int_equal(theme_load(&t, *n, &err), 0);
		assert_string_equal(t.name, *n);
	}
	assert_int_equal(t.style[THEME_SELECTED].attrs, A_REVERSE);
	unsetenv("BERTH_THEMES_DIR");
	rmdir(dir);
	unsetenv("XDG_CONFIG_HOME");
}

static void test_degrade(void **state)
{
	attr_t extra;

	(void)state;
	assert_int_equal(theme_color_degrade(208, 256, NULL), 208);
	assert_int_equal(theme_color_degrade(5, 256, NULL), 5);
	assert_int_equal(theme_color_degrade(-1, 256, NULL), -1);
	assert_int_equal(theme_color_degrade(100, 0, NULL), -1);
	/* To 16: the nearest of the sixteen by RGB. */
	assert_int_equal(theme_color_degrade(208, 16, NULL), COLOR_YELLOW); /* orange */
	assert_int_equal(theme_color_degrade(21, 16, NULL), COLOR_BLUE);
	assert_int_equal(theme_color_degrade(231, 16, NULL), 15);
	assert_int_equal(theme_color_degrade(244, 16, NULL), 8);
	assert_int_equal(theme_color_degrade(236, 16, NULL), COLOR_BLACK);
	assert_int_equal(theme_color_degrade(12, 16, NULL), 12);
	/* To 8: bright colours become bold base colours, grey dim white. */
	extra = 0;
	assert_int_equal(theme_color_degrade(9, 8, &extra), COLOR_RED);
	assert_int_equal(extra, A_BOLD);
	extra = 0;
	assert_int_equal(theme_color_degrade(244, 8, &extra), COLOR_WHITE);
	assert_int_equal(extra, A_DIM);
	extra = 0;
	assert_int_equal(theme_color_degrade(208, 8, &extra), COLOR_YELLOW);
	assert_int_equal(extra, A_NORMAL);
}

/* The foreground and background of a role's colour pair. */
static void role_colors(int role, short *fg, short *bg)
{
	short pair = (short)PAIR_NUMBER(theme_attr(role));

	assert_int_equal(pair_content(pair, fg, bg), OK);
}

static void test_apply_256_and_8(void **state)
{
	struct offscreen o;
	struct theme t;
	berr err = {0};
	short fg, bg;
	int r;

	(void)state;
	assert_int_equal(offscreen_open(&o, "xterm-256color", 24, 80, &err), 0);
	assert_int_equal(term_colors(), 256);
	theme_defaults(&t);
	theme_apply(&t);
	role_colors(THEME_LOG_STDERR, &fg, &bg);
	assert_int_equal(fg, 214);
	assert_int_equal(bg, -1); /* the terminal's background is kept */
	role_colors(THEME_STATUS, &fg, &bg);
	assert_int_equal(fg, 252);
	assert_int_equal(bg, 236);
	assert_int_equal(PAIR_NUMBER(theme_attr(THEME_DEFAULT)), 0);
	/* Asking for fewer colours maps them down. */
	term_force_colors(8);
	theme_apply(&t);
	role_colors(THEME_LOG_STDERR, &fg, &bg);
	assert_int_equal(fg, COLOR_YELLOW);
	offscreen_close(&o);

	/* A real 8-colour terminal. */
	assert_int_equal(offscreen_open(&o, "xterm", 24, 80, &err), 0);
	assert_int_equal(term_colors(), 8);
	theme_apply(&t);
	for (r = 0; r < THEME_ROLE_COUNT; r++) {
		role_colors(r, &fg, &bg);
		assert_true(fg >= -1 && fg < 8);
		assert_true(bg >= -1 && bg < 8);
	}
	role_colors(THEME_STATUS_ERROR, &fg, &bg);
	assert_int_equal(fg, COLOR_RED);
	assert_int_equal(bg, COLOR_BLACK);
	assert_true(theme_attr(THEME_STATUS_ERROR) & A_BOLD);
	role_colors(THEME_STATUS, &fg, &bg);
	assert_int_equal(fg, COLOR_WHITE);
	assert_int_equal(bg, COLOR_BLACK);
	/* Dark grey on darker grey would both become black: the text is made
	 * readable instead. */
	t.style[THEME_STATUS] = (struct theme_style){236, 235, A_NORMAL};
	theme_apply(&t);
	role_colors(THEME_STATUS, &fg, &bg);
	assert_int_equal(fg, COLOR_WHITE);
	assert_int_equal(bg, COLOR_BLACK);
	role_colors(THEME_DIM, &fg, &bg);
	assert_int_equal(fg, COLOR_WHITE);
	assert_true(theme_attr(THEME_DIM) & A_DIM);
	offscreen_close(&o);
}

static void test_no_color(void **state)
{
	struct offscreen o;
	struct theme t;
	berr err = {0};
	int r;

	(void)state;
	setenv("NO_COLOR", "1", 1);
	assert_int_equal(offscreen_open(&o, "xterm-256color", 24, 80, &err), 0);
	assert_true(term_no_color());
	assert_int_equal(term_colors(), 0);
	term_force_colors(256);
	assert_int_equal(term_colors(), 0);
	theme_defaults(&t);
	theme_apply(&t);
	/* Colour was never started, and no role has a colour pair... */
	assert_int_equal(COLORS, 0);
	for (r = 0; r < THEME_ROLE_COUNT; r++)
		assert_int_equal(PAIR_NUMBER(theme_attr(r)), 0);
	/* ...but the roles that carry meaning keep it in attributes. */
	assert_true(theme_attr(THEME_SELECTED) & A_REVERSE);
	assert_true(theme_attr(THEME_LOG_MATCH) & A_REVERSE);
	assert_true(theme_attr(THEME_MARKED) & A_BOLD);
	assert_true(theme_attr(THEME_TABLE_HEADER) & A_UNDERLINE);
	assert_int_not_equal(theme_attr(THEME_SELECTED), theme_attr(THEME_SELECTED_INACTIVE));
	offscreen_close(&o);
	/* An empty NO_COLOR does not count. */
	setenv("NO_COLOR", "", 1);
	assert_int_equal(offscreen_open(&o, "xterm-256color", 24, 80, &err), 0);
	assert_false(term_no_color());
	assert_int_equal(term_colors(), 256);
	offscreen_close(&o);
	unsetenv("NO_COLOR");
}

static void test_monochrome_terminal(void **state)
{
	struct offscreen o;
	struct theme t;
	berr err = {0};

	(void)state;
	assert_int_equal(offscreen_open(&o, "xterm-mono", 24, 80, &err), 0);
	assert_int_equal(term_colors(), 0);
	assert_false(term_no_color());
	theme_defaults(&t);
	theme_apply(&t);
	assert_int_equal(PAIR_NUMBER(theme_attr(THEME_HEADER)), 0);
	assert_true(theme_attr(THEME_HEADER) & A_REVERSE);
	offscreen_close(&o);
}

static void test_utf8_from_locale(void **state)
{
	struct offscreen o;
	berr err = {0};

	(void)state;
	assert_int_equal(offscreen_open(&o, "xterm-256color", 24, 80, &err), 0);
	assert_true(term_utf8());
	assert_int_equal(term_glyphs()->spark[0], L'\u2581');
	assert_int_equal(term_glyphs()->ellipsis, L'\u2026');
	offscreen_close(&o);
	setlocale(LC_ALL, "C");
	assert_int_equal(offscreen_open(&o, "xterm-256color", 24, 80, &err), 0);
	assert_false(term_utf8());
	assert_int_equal(term_glyphs()->spark[0], L' ');
	assert_int_equal(term_glyphs()->spark[7], L'#');
	assert_int_equal(term_glyphs()->ellipsis, L'~');
	assert_int_equal(term_glyphs()->ul, L'+');
	offscreen_close(&o);
	setlocale(LC_ALL, "C.UTF-8");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_shipped_themes_complete),
		cmocka_unit_test(test_load_search_path),
		cmocka_unit_test(test_degrade),
		cmocka_unit_test(test_apply_256_and_8),
		cmocka_unit_test(test_no_color),
		cmocka_unit_test(test_monochrome_terminal),
		cmocka_unit_test(test_utf8_from_locale),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
