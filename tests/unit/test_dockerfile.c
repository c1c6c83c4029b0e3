/* The Dockerfile parser against what BuildKit's parser makes of the same
 * texts: directives, comments, continuations, keywords, flags, exec and
 * shell forms, and its errors with their line numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/build/dockerfile.h"

static void parse_ok(const char *text, struct dockerfile *df)
{
	berr err = {0};

	if (dockerfile_parse(text, strlen(text), df, &err) < 0)
		fail_msg("parse failed: %s", err.msg);
}

static void parse_fails(const char *text, const char *message)
{
	struct dockerfile df;
	berr err = {0};

	assert_int_equal(dockerfile_parse(text, strlen(text), &df, &err), -1);
	assert_string_equal(err.msg, message);
	assert_int_equal(df.n, 0);
}

static void test_instructions(void **state)
{
	struct dockerfile df;

	(void)state;
	parse_ok("FROM busybox AS base\n"
		 "run echo hi\n"
		 "\n"
		 "# a comment\n"
		 "CMD [\"sh\", \"-c\", \"echo $HOME\"]\n"
		 "ENTRYPOINT [\"a\", 1]\n",
		 &df);
	assert_int_equal(df.n, 4);
	assert_string_equal(df.ins[0].keyword, "FROM");
	assert_string_equal(df.ins[0].args[0], "busybox AS base");
	assert_string_equal(df.ins[1].keyword, "RUN");
	assert_int_equal(df.ins[1].line, 2);
	assert_false(df.ins[1].exec_form);
	assert_string_equal(df.ins[1].args[0], "echo hi");
	assert_true(df.ins[2].exec_form);
	assert_int_equal(df.ins[2].nargs, 3);
	assert_string_equal(df.ins[2].args[2], "echo $HOME");
	assert_int_equal(df.ins[2].line, 5);
	/* not an array of strings: the shell form, as BuildKit falls back */
	assert_false(df.ins[3].exec_form);
	assert_string_equal(df.ins[3].args[0], "[\"a\", 1]");
	dockerfile_free(&df);
}

static void test_continuations(void **state)
{
	struct dockerfile df;

	(void)state;
	parse_ok("FROM scratch\n"
		 "RUN echo a \\\n"
		 "# dropped inside a continuation\n"
		 "\n"
		 "    && echo b \\   \n"
		 "  && echo c\r\n"
		 "LABEL a=b\n",
		 &df);
	assert_int_equal(df.n, 3);
	assert_string_equal(df.ins[1].args[0], "echo a     && echo b   && echo c");
	assert_int_equal(df.ins[1].line, 2);
	assert_int_equal(df.ins[1].end_line, 6);
	assert_int_equal(df.ins[2].line, 7);
	dockerfile_free(&df);
}

static void test_directives(void **state)
{
	struct dockerfile df;

	(void)state;
	parse_ok("# syntax=docker/dockerfile:1\n"
		 "# escape=`\n"
		 "FROM scratch\n"
		 "RUN dir c:\\ `\n"
		 "  && echo done\n"
		 "# escape=\\\n",
		 &df);
	assert_string_equal(df.syntax, "docker/dockerfile:1");
	assert_int_equal(df.escape, '`');
	assert_int_equal(df.n, 2);
	assert_string_equal(df.ins[1].args[0], "dir c:\\   && echo done");
	dockerfile_free(&df);
	/* a directive after a plain comment is a comment */
	parse_ok("# hello\n# escape=`\nFROM scratch\n", &df);
	assert_int_equal(df.escape, '\\');
	dockerfile_free(&df);
	parse_fails("# escape=x\nFROM scratch\n", "invalid escape token 'x' does not match ` or \\");
}

static void test_flags(void **state)
{
	struct dockerfile df;

	(void)state;
	parse_ok("COPY --from=build --chown=\"1:1\" --link /src /dst\n"
		 "RUN --mount=type=cache,target=/root/.cache -- --not-a-flag\n",
		 &df);
	assert_int_equal(df.ins[0].nflags, 3);
	assert_string_equal(df_flag_value(&df.ins[0], "from"), "build");
	assert_string_equal(df_flag_value(&df.ins[0], "chown"), "1:1");
	assert_string_equal(df_flag_value(&df.ins[0], "link"), "");
	assert_null(df_flag_value(&df.ins[0], "chmod"));
	assert_string_equal(df.ins[0].args[0], "/src /dst");
	assert_string_equal(df_flag_value(&df.ins[1], "mount"), "type=cache,target=/root/.cache");
	assert_string_equal(df.ins[1].args[0], "--not-a-flag");
	dockerfile_free(&df);
}

static void test_errors(void **state)
{
	(void)state;
	parse_fails("FROM scratch\n\nFOO bar\n", "dockerfile parse error on line 3: unknown instruction: FOO");
	parse_fails("FROM scratch\nSHELL sh -c\n",
		    "dockerfile parse error on line 2: SHELL requires the arguments to be in JSON form");
	parse_fails("FROM scratch\nRUN   \n", "dockerfile parse error on line 2: RUN requires at least one argument");
	parse_fails("FROM scratch\nCOPY --chown=\"1 a b\n",
		    "dockerfile parse error on line 2: unterminated quote in flag --chown=1 a b");
}

/* BuildKit's heredocs: bodies after the line, <<- strips tabs, quoted
 * names are not expanded, several per instruction, only RUN/COPY/ADD. */
static void test_heredocs(void **state)
{
	struct dockerfile df;

	(void)state;
	parse_ok("FROM busybox\n"
		 "RUN <<EOF\n"
		 "echo one\n"
		 "  echo two\n"
		 "EOF\n"
		 "COPY <<-'A' <<\"B\" /dir/\n"
		 "\tfirst $X\n"
		 "\tA\n"
		 "second\n"
		 "B\n"
		 "RUN cat <<X >/f && echo <<<notadoc\n"
		 "x body\n"
		 "X\n"
		 "ENV A=<<B\n"
		 "CMD done\n",
		 &df);
	assert_int_equal(df.n, 6);
	assert_int_equal(df.ins[1].nheredocs, 1);
	assert_string_equal(df.ins[1].heredocs[0].name, "EOF");
	assert_string_equal(df.ins[1].heredocs[0].content, "echo one\n  echo two\n");
	assert_true(df.ins[1].heredocs[0].expand);
	assert_int_equal(df.ins[1].line, 2);
	assert_int_equal(df.ins[1].end_line, 5);
	assert_int_equal(df.ins[2].nheredocs, 2);
	assert_string_equal(df.ins[2].heredocs[0].name, "A");
	assert_string_equal(df.ins[2].heredocs[0].content, "first $X\n");
	assert_false(df.ins[2].heredocs[0].expand);
	assert_true(df.ins[2].heredocs[0].chomp);
	assert_string_equal(df.ins[2].heredocs[1].content, "second\n");
	assert_false(df.ins[2].heredocs[1].expand);
	assert_int_equal(df.ins[3].nheredocs, 1);
	assert_string_equal(df.ins[3].heredocs[0].content, "x body\n");
	assert_int_equal(df.ins[4].nheredocs, 0); /* ENV takes none */
	assert_string_equal(df.ins[5].keyword, "CMD");
	assert_int_equal(df.ins[5].line, 15);
	dockerfile_free(&df);
	parse_fails("FROM busybox\nRUN <<EOF\necho never ends\n",
		    "dockerfile parse error on line 2: unterminated heredoc EOF");
}

/* More of BuildKit's parsing: whitespace after a continuation, escaped
 * quotes in the exec form, an invalid JSON array taken as the shell form,
 * the backtick escape, comments inside a continuation. */
static void test_corpus(void **state)
{
	struct dockerfile df;

	(void)state;
	parse_ok("from busybox\n"
		 "RUN echo a \\   \n"
		 "    b\n"
		 "CMD [\"echo\", \"a\\\"b\"]\n"
		 "RUN [\"a\", ]\n"
		 "ENV A=1 \\\n"
		 "# a comment inside\n"
		 "\n"
		 "    B=2\n",
		 &df);
	assert_int_equal(df.n, 5);
	assert_string_equal(df.ins[0].keyword, "FROM");
	assert_string_equal(df.ins[1].args[0], "echo a     b");
	assert_true(df.ins[2].exec_form);
	assert_string_equal(df.ins[2].args[1], "a\"b");
	assert_false(df.ins[3].exec_form);
	assert_string_equal(df.ins[3].args[0], "[\"a\", ]");
	assert_string_equal(df.ins[4].args[0], "A=1     B=2");
	assert_int_equal(df.ins[4].end_line, 9);
	dockerfile_free(&df);
	parse_ok("# escape=`\nFROM busybox\nRUN dir c:\\ `\n  && echo done\n", &df);
	assert_int_equal(df.escape, '`');
	assert_string_equal(df.ins[1].args[0], "dir c:\\   && echo done");
	dockerfile_free(&df);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instructions), cmocka_unit_test(test_continuations),
		cmocka_unit_test(test_directives),   cmocka_unit_test(test_flags),
		cmocka_unit_test(test_errors),       cmocka_unit_test(test_heredocs),
		cmocka_unit_test(test_corpus),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
