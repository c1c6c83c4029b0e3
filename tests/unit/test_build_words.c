/* Instruction words as BuildKit's shell lexer expands them, and
 * .dockerignore patterns as moby's patternmatcher matches them (the
 * expected values are what those give for the same inputs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "engine/core/dockerignore.h"
#include "engine/build/shell_words.h"

static json_t *vars;

static void word_is(const char *in, const char *expected)
{
	struct shell_env env = {vars, '\\', NULL};
	char *out = NULL;
	berr err = {0};

	if (shell_word(&env, in, &out, &err) < 0)
		fail_msg("%s: %s", in, err.msg);
	if (strcmp(out, expected) != 0)
		fail_msg("%s: got [%s], want [%s]", in, out, expected);
	free(out);
}

static void word_fails(const char *in, const char *message)
{
	struct shell_env env = {vars, '\\', NULL};
	char *out = NULL;
	berr err = {0};

	assert_int_equal(shell_word(&env, in, &out, &err), -1);
	assert_non_null(strstr(err.msg, message));
}

static void test_expansion(void **state)
{
	(void)state;
	vars = json_pack("{s:s, s:s, s:s}", "A", "one", "EMPTY", "", "SP", "x  y");
	word_is("$A", "one");
	word_is("${A}", "one");
	word_is("${A}x$A", "onexone");
	word_is("$UNSET", "");
	word_is("${UNSET:-def}", "def");
	word_is("${EMPTY:-def}", "def");
	word_is("${EMPTY-def}", "");
	word_is("${UNSET-def}", "def");
	word_is("${A:+alt}", "alt");
	word_is("${EMPTY:+alt}", "");
	word_is("${EMPTY+alt}", "alt");
	word_is("${UNSET:-$A}", "one");
	word_is("${UNSET:-${A}-x}", "one-x");
	word_is("'$A'", "$A");
	word_is("\"$A\"", "one");
	word_is("\"'$A'\"", "'one'");
	word_is("\\$A", "$A");
	word_is("a\\ b", "a b");
	word_is("\"a\\\"b\"", "a\"b");
	word_is("\"a\\nb\"", "a\\nb");
	word_is("$", "$");
	word_is("a$", "a$");
	word_is("$1x", "x");
	word_is("${A:?gone}", "one");
	word_is("${SP}", "x  y");
	word_fails("${UNSET:?must be set}", "UNSET: must be set");
	word_fails("${A", "missing '}'");
	word_fails("${A%b}", "unsupported modifier");
	word_fails("'open", "matching single-quote");
	/* nesting has a bound: each level is a recursion */
	{
		char deep[2400] = "";
		for (int i = 0; i < 100; i++)
			strcat(deep, "${UNSET:-");
		strcat(deep, "x");
		for (int i = 0; i < 100; i++)
			strcat(deep, "}");
		word_fails(deep, "nested deeper than 64");
	}
	word_fails("\"open", "matching double-quote");
	json_decref(vars);
}

static void test_words_split(void **state)
{
	struct shell_env env = {NULL, '\\', NULL};
	char **w;
	size_t n;
	berr err = {0};

	(void)state;
	vars = json_pack("{s:s}", "SP", "x  y");
	env.vars = vars;
	assert_int_equal(shell_words(&env, "a \"b c\"  $SP \"$SP\" ''", &w, &n, &err), 0);
	assert_int_equal(n, 5);
	assert_string_equal(w[0], "a");
	assert_string_equal(w[1], "b c");
	assert_string_equal(w[2], "x");
	assert_string_equal(w[3], "y");
	assert_string_equal(w[4], "x  y");
	shell_words_free(w, n);
	json_decref(vars);
	/* the used names are recorded for cache keys */
	env.vars = NULL;
	env.used = json_object();
	assert_int_equal(shell_words(&env, "$X ${Y:-z}", &w, &n, &err), 0);
	assert_non_null(json_object_get(env.used, "X"));
	assert_non_null(json_object_get(env.used, "Y"));
	shell_words_free(w, n);
	json_decref(env.used);
	/* a backtick escape */
	env.escape = '`';
	env.used = NULL;
	assert_int_equal(shell_words(&env, "C:\\dir a` b", &w, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(w[0], "C:\\dir");
	assert_string_equal(w[1], "a b");
	shell_words_free(w, n);
}

static void test_split_raw(void **state)
{
	char **w;
	size_t n;
	berr err = {0};

	(void)state;
	assert_int_equal(shell_split_raw("A=1 B=\"two words\" C='x y' D=a\\ b", '\\', &w, &n, &err), 0);
	assert_int_equal(n, 4);
	assert_string_equal(w[1], "B=\"two words\"");
	assert_string_equal(w[2], "C='x y'");
	assert_string_equal(w[3], "D=a\\ b");
	shell_words_free(w, n);
	assert_int_equal(shell_split_raw("A=\"open", '\\', &w, &n, &err), -1);
}

static struct dockerignore ignore_of(const char *text)
{
	struct dockerignore di;
	berr err = {0};

	assert_int_equal(dockerignore_parse(text, strlen(text), &di, &err), 0);
	return di;
}

static void test_dockerignore(void **state)
{
	struct dockerignore di;

	(void)state;
	di = ignore_of("# comment\n"
		       "  *.log  \n"
		       "/build\n"
		       "**/*.tmp\n"
		       "docs/**\n"
		       "!docs/keep.md\n"
		       "./a/../secret\n"
		       "\n");
	assert_int_equal(di.n, 6);
	assert_true(dockerignore_excludes(&di, "x.log"));
	assert_false(dockerignore_excludes(&di, "sub/x.log")); /* * never crosses / */
	assert_true(dockerignore_excludes(&di, "build"));
	assert_true(dockerignore_excludes(&di, "build/out/a.o")); /* a parent matched */
	assert_false(dockerignore_excludes(&di, "rebuild"));
	assert_true(dockerignore_excludes(&di, "a.tmp"));
	assert_true(dockerignore_excludes(&di, "x/y/z/a.tmp"));
	assert_true(dockerignore_excludes(&di, "docs/a.md"));
	assert_false(dockerignore_excludes(&di, "docs/keep.md"));
	assert_true(dockerignore_excludes(&di, "secret"));
	assert_false(dockerignore_excludes(&di, "main.c"));
	assert_true(dockerignore_may_include_below(&di, "docs"));
	assert_false(dockerignore_may_include_below(&di, "build"));
	dockerignore_free(&di);

	/* everything but one directory */
	di = ignore_of("*\n!src\n");
	assert_true(dockerignore_excludes(&di, "Makefile"));
	assert_false(dockerignore_excludes(&di, "src"));
	assert_false(dockerignore_excludes(&di, "src/main.c"));
	dockerignore_free(&di);

	/* the last match wins */
	di = ignore_of("!a.txt\n*.txt\n");
	assert_true(dockerignore_excludes(&di, "a.txt"));
	dockerignore_free(&di);

	di = ignore_of("");
	assert_false(dockerignore_excludes(&di, "anything"));
	dockerignore_free(&di);
}

static void test_glob(void **state)
{
	(void)state;
	assert_true(glob_match("*.go", "main.go"));
	assert_false(glob_match("*.go", "cmd/main.go"));
	assert_true(glob_match("**/*.go", "main.go"));
	assert_true(glob_match("**/*.go", "cmd/x/main.go"));
	assert_true(glob_match("a/**/b", "a/b"));
	assert_true(glob_match("a/**/b", "a/x/y/b"));
	assert_false(glob_match("a/**/b", "a/x/y/c"));
	assert_true(glob_match("**", "any/thing"));
	assert_true(glob_match("file?.txt", "file1.txt"));
	assert_true(glob_match("[a-c]*", "beta"));
	assert_false(glob_match("[a-c]*", "delta"));
	assert_true(glob_match("\\*", "*"));
	assert_false(glob_match("\\*", "x"));
	assert_true(glob_match("**.txt", "a/b.txt"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expansion),   cmocka_unit_test(test_words_split),
		cmocka_unit_test(test_split_raw),   cmocka_unit_test(test_dockerignore),
		cmocka_unit_test(test_glob),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
