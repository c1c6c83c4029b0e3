/* The prompt (the ":" command line) drawn into an off-screen window:
 * editing keys, history with the draft kept, and completion through a
 * callback: unique, common prefix, cycling both ways. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "widgets/offscreen.h"
#include "widgets/prompt.h"
#include "widgets/term.h"
#include "widgets/theme.h"

static struct offscreen screen;

static const char *const names[] = {"web", "web2", "webapp", "worker", "db"};
static const char *const commands[] = {"stop", "start", "logs", "ps"};

/* What the completion callback saw last. */
static size_t seen_start;
static char seen_word[64];

/* Completes container names after a command, commands first. */
static size_t complete(void *ctx, const char *line, size_t word_start, const char *word,
		       const char **out, size_t max)
{
	const char *const *list = word_start == 0 ? commands : names;
	size_t n = word_start == 0 ? 4 : 5, i, found = 0;

	(void)ctx;
	(void)line;
	seen_start = word_start;
	snprintf(seen_word, sizeof(seen_word), "%s", word);
	for (i = 0; i < n; i++)
		if (strncmp(list[i], word, strlen(word)) == 0 && found < max)
			out[found++] = list[i];
	return found;
}

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

/* A prompt in a 1 x 40 window, with completion. */
static struct prompt *new_prompt(void)
{
	struct prompt *p = prompt_new(":");

	prompt_set_completion(p, complete, NULL);
	widget_place(WIDGET(p), 39, 0, 1, 40);
	return p;
}

/* Types a string. */
static void type(struct prompt *p, const char *s)
{
	while (*s)
		assert_int_equal(prompt_key(p, (unsigned char)*s++), WKEY_CHANGED);
}

/* The row, trailing blanks trimmed. */
static const char *row(struct prompt *p)
{
	static char buf[256];
	size_t n;

	prompt_draw(p);
	offscreen_row(WIDGET(p)->win, 0, buf, sizeof(buf));
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return buf;
}

static void test_editing(void **state)
{
	struct prompt *p = new_prompt();
	WINDOW *win = WIDGET(p)->win;

	(void)state;
	type(p, "stop web");
	assert_string_equal(row(p), ":stop web");
	assert_true(WIDGET(p)->cursor);
	assert_int_equal(getcurx(win), 9);
	assert_int_equal(prompt_key(p, WKEY_FN(KEY_LEFT)), WKEY_HANDLED);
	prompt_draw(p);
	assert_int_equal(getcurx(win), 8);
	assert_int_equal(prompt_key(p, WKEY_CTRL('w')), WKEY_CHANGED);
	assert_string_equal(prompt_text(p), "stop b");
	prompt_key(p, WKEY_CTRL('a'));
	assert_int_equal(prompt_key(p, WKEY_FN(KEY_DC)), WKEY_CHANGED);
	assert_string_equal(prompt_text(p), "top b");
	prompt_key(p, WKEY_CTRL('e'));
	assert_int_equal(prompt_key(p, 127), WKEY_CHANGED);
	assert_string_equal(prompt_text(p), "top ");
	/* Keys it does not edit with are left to the console. */
	assert_int_equal(prompt_key(p, WKEY_FN(KEY_F(5))), WKEY_IGNORED);
	assert_int_equal(prompt_key(p, WKEY_ESC), WKEY_CANCEL);
	prompt_set_label(p, "/");
	prompt_set_text(p, "err");
	assert_string_equal(row(p), "/err");
	assert_int_equal(offscreen_attr(win, 0, 0), theme_attr(THEME_PROMPT));
	prompt_free(p);
}

static void test_history(void **state)
{
	struct prompt *p = new_prompt();

	(void)state;
	type(p, "stop web");
	assert_int_equal(prompt_key(p, '\n'), WKEY_SUBMIT);
	prompt_set_text(p, "");
	type(p, "ps");
	assert_int_equal(prompt_key(p, '\r'), WKEY_SUBMIT);
	prompt_set_text(p, "");
	/* The same line twice in a row is kept once; empty lines not at all. */
	type(p, "ps");
	prompt_key(p, '\n');
	prompt_set_text(p, "");
	prompt_key(p, '\n');
	assert_int_equal(prompt_history_count(p), 2);
	/* Up goes back, the line being typed comes back after the newest. */
	type(p, "lo");
	assert_int_equal(prompt_key(p, WKEY_FN(KEY_UP)), WKEY_CHANGED);
	assert_string_equal(prompt_text(p), "ps");
	prompt_key(p, WKEY_FN(KEY_UP));
	assert_string_equal(prompt_text(p), "stop web");
	assert_int_equal(prompt_key(p, WKEY_FN(KEY_UP)), WKEY_HANDLED);
	assert_string_equal(prompt_text(p), "stop web");
	prompt_key(p, WKEY_FN(KEY_DOWN));
	assert_string_equal(prompt_text(p), "ps");
	prompt_key(p, WKEY_FN(KEY_DOWN));
	assert_string_equal(prompt_text(p), "lo");
	assert_int_equal(prompt_key(p, WKEY_FN(KEY_DOWN)), WKEY_HANDLED);
	/* An entry taken from the history and edited is a new line. */
	prompt_key(p, WKEY_FN(KEY_UP));
	type(p, " -a");
	prompt_key(p, '\n');
	assert_int_equal(prompt_history_count(p), 3);
	assert_string_equal(prompt_history_get(p, 2), "ps -a");
	assert_string_equal(prompt_history_get(p, 0), "stop web");
	/* The oldest go past the limit. */
	prompt_set_history_limit(p, 2);
	assert_int_equal(prompt_history_count(p), 2);
	assert_string_equal(prompt_history_get(p, 0), "ps");
	prompt_history_add(p, "logs db");
	assert_string_equal(prompt_history_get(p, 0), "ps -a");
	assert_null(prompt_history_get(p, 2));
	prompt_free(p);
}

static void test_completion(void **state)
{
	struct prompt *p = new_prompt();
	const char *const *cands;

	(void)state;
	/* A unique candidate is taken whole, with a space after it. */
	type(p, "stop d");
	assert_int_equal(prompt_key(p, '\t'), WKEY_CHANGED);
	assert_string_equal(prompt_text(p), "stop db ");
	assert_int_equal(seen_start, 5);
	assert_string_equal(seen_word, "d");
	/* The first word completes against commands. */
	prompt_set_text(p, "lo");
	prompt_key(p, '\t');
	assert_string_equal(prompt_text(p), "logs ");
	assert_int_equal(seen_start, 0);
	/* Several: first the common prefix, then Tab cycles. */
	prompt_set_text(p, "stop we");
	prompt_key(p, '\t');
	assert_string_equal(prompt_text(p), "stop web");
	assert_int_equal(prompt_candidates(p, &cands), 3);
	assert_string_equal(cands[2], "webapp");
	/* The candidates show dim at the right. */
	assert_string_equal(row(p), ":stop web              web  web2  webapp");
	prompt_key(p, '\t');
	assert_string_equal(prompt_text(p), "stop web");
	prompt_key(p, '\t');
	assert_string_equal(prompt_text(p), "stop web2");
	prompt_key(p, '\t');
	assert_string_equal(prompt_text(p), "stop webapp");
	prompt_key(p, '\t');
	assert_string_equal(prompt_text(p), "stop web");
	prompt_key(p, WKEY_FN(KEY_BTAB));
	assert_string_equal(prompt_text(p), "stop webapp");
	/* Any other key ends the cycle and keeps what it chose. */
	type(p, " ");
	assert_int_equal(prompt_candidates(p, NULL), 0);
	assert_string_equal(prompt_text(p), "stop webapp ");
	/* No progress from the prefix: cycling starts at once. */
	prompt_set_text(p, "stop w");
	prompt_key(p, '\t');
	assert_string_equal(prompt_text(p), "stop web");
	prompt_key(p, '\t');
	assert_string_equal(prompt_text(p), "stop web2");
	/* Nothing to offer: nothing changes. */
	prompt_set_text(p, "stop zz");
	assert_int_equal(prompt_key(p, '\t'), WKEY_HANDLED);
	assert_string_equal(prompt_text(p), "stop zz");
	/* Completion works on the word before the cursor, mid-line too. */
	prompt_set_text(p, "stop d web");
	prompt_key(p, WKEY_FN(KEY_LEFT));
	prompt_key(p, WKEY_FN(KEY_LEFT));
	prompt_key(p, WKEY_FN(KEY_LEFT));
	prompt_key(p, WKEY_FN(KEY_LEFT));
	prompt_key(p, '\t');
	assert_string_equal(prompt_text(p), "stop db  web");
	/* Without a callback Tab is not the prompt's. */
	prompt_set_completion(p, NULL, NULL);
	assert_int_equal(prompt_key(p, '\t'), WKEY_IGNORED);
	prompt_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_editing),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_completion),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
