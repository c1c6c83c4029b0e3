/* Env files and -e values, read with the docker CLI's rules from real files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/envfile.h"

static char dir[64];
static char path[128];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/berth-envfile-XXXXXX");
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/env", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return rmdir(dir);
}

static void write_file(const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* Writes the text to the env file, parses it and checks the result. */
static void expect_vars(const char *text, size_t len, const char *const *want)
{
	struct strlist out = {0};
	berr err = {0};
	size_t n = 0;

	write_file(text, len);
	assert_int_equal(envfile_parse(path, &out, &err), 0);
	while (want[n])
		n++;
	assert_int_equal(out.len, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(out.items[i], want[i]);
	strlist_free(&out);
}

/* Parses the text expecting an error; out must keep what it held. */
static void expect_error(const char *text, size_t len, const char *msg)
{
	struct strlist out = {0};
	berr err = {0};

	write_file(text, len);
	assert_int_equal(strlist_push(&out, "KEEP=1"), 0);
	assert_int_equal(envfile_parse(path, &out, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, msg);
	assert_int_equal(out.len, 1);
	assert_string_equal(out.items[0], "KEEP=1");
	assert_null(out.items[1]);
	strlist_free(&out);
}

#define TEXT(s) s, sizeof(s) - 1

static void test_basic_rules(void **state)
{
	static const char *const want[] = {
		"A=1",
		"B=\"quoted value\"",
		"C='single'",
		"D=",
		"E=x=y",
		"F=trailing  ",
		"G=# not a comment",
		"H=  spaced",
		NULL,
	};

	(void)state;
	expect_vars(TEXT("A=1\n"
			 "# a comment\n"
			 "\n"
			 "   \t\n"
			 "B=\"quoted value\"\n"
			 "  C='single'\n"
			 "\tD=\n"
			 "   # indented comment\n"
			 "E=x=y\n"
			 "F=trailing  \n"
			 "G=# not a comment\n"
			 "H=  spaced"),
		    want);
}

static void test_bare_names_from_environment(void **state)
{
	static const char *const want[] = {"BERTH_T_SET=from env", "BERTH_T_EMPTY=", "X=1",
					   NULL};

	(void)state;
	setenv("BERTH_T_SET", "from env", 1);
	setenv("BERTH_T_EMPTY", "", 1);
	unsetenv("BERTH_T_UNSET");
	expect_vars(TEXT("BERTH_T_SET\nBERTH_T_UNSET\n  BERTH_T_EMPTY\nX=1\n"), want);
	unsetenv("BERTH_T_SET");
	unsetenv("BERTH_T_EMPTY");
}

static void test_line_endings_and_bom(void **state)
{
	static const char *const want[] = {"A=1", "B=2", "C=3", NULL};
	static const char *const bom_later[] = {"A=1", "\xef\xbb\xbf" "B=2", NULL};

	(void)state;
	expect_vars(TEXT("\xef\xbb\xbf" "A=1\r\nB=2\r\n\r\nC=3\r"), want);
	/* Only a BOM at the very start is dropped; later it is part of the key. */
	expect_vars(TEXT("A=1\n\xef\xbb\xbf" "B=2\n"), bom_later);
}

static void test_unicode_leading_space(void **state)
{
	static const char *const want[] = {"A=1", "B=2", "C=\xc2\xa0x", NULL};

	(void)state;
	/* NO-BREAK SPACE, IDEOGRAPHIC SPACE and EM SPACE are whitespace to Go. */
	expect_vars(TEXT("\xc2\xa0" "A=1\n\xe3\x80\x80" "B=2\n\xe2\x80\x83" "C=\xc2\xa0x\n"),
		    want);
}

static void test_empty_file(void **state)
{
	static const char *const want[] = {NULL};

	(void)state;
	expect_vars(TEXT(""), want);
	expect_vars(TEXT("\n\n# only comments\n"), want);
}

static void test_long_line(void **state)
{
	size_t len = 200000;
	char *text = malloc(len + 1);
	struct strlist out = {0};
	berr err = {0};

	(void)state;
	assert_non_null(text);
	memset(text, 'v', len);
	memcpy(text, "LONG=", 5);
	write_file(text, len);
	assert_int_equal(envfile_parse(path, &out, &err), 0);
	assert_int_equal(out.len, 1);
	assert_int_equal(strlen(out.items[0]), len);
	strlist_free(&out);
	free(text);
}

static void test_appends_to_existing(void **state)
{
	struct strlist out = {0};
	berr err = {0};

	(void)state;
	write_file(TEXT("B=2\n"));
	assert_int_equal(strlist_push(&out, "A=1"), 0);
	assert_int_equal(envfile_parse(path, &out, &err), 0);
	assert_int_equal(out.len, 2);
	assert_string_equal(out.items[0], "A=1");
	assert_string_equal(out.items[1], "B=2");
	strlist_free(&out);
}

static void test_whitespace_in_key(void **state)
{
	char msg[256];

	(void)state;
	snprintf(msg, sizeof(msg), "%s: variable 'foo bar' contains whitespaces", path);
	expect_error(TEXT("A=1\nfoo bar=x\n"), msg);
	expect_error(TEXT("A=1\nfoo bar\n"), msg);
	snprintf(msg, sizeof(msg), "%s: variable 'KEY\t' contains whitespaces", path);
	expect_error(TEXT("KEY\t=x\n"), msg);
	snprintf(msg, sizeof(msg), "%s: variable 'KEY ' contains whitespaces", path);
	expect_error(TEXT("A=1\nKEY \n"), msg);
}

static void test_no_name(void **state)
{
	char msg[256];

	(void)state;
	snprintf(msg, sizeof(msg), "%s: no variable name on line '=value'", path);
	expect_error(TEXT("A=1\n  =value\n"), msg);
}

static void test_invalid_utf8(void **state)
{
	char msg[256];

	(void)state;
	snprintf(msg, sizeof(msg), "env file %s contains invalid utf8 bytes at line 2", path);
	expect_error(TEXT("A=1\nB=\xff\n"), msg);
	/* Overlong encodings, surrogates and truncated sequences are invalid too. */
	expect_error(TEXT("A=1\nB=\xc0\xaf\n"), msg);
	expect_error(TEXT("A=1\nB=\xed\xa0\x80\n"), msg);
	expect_error(TEXT("A=1\nB=\xe2\x82\n"), msg);
	expect_error(TEXT("A=1\nB=\xf4\x90\x80\x80\n"), msg);
}

static void test_invalid_utf8_in_comment_is_still_invalid(void **state)
{
	struct strlist out = {0};
	berr err = {0};
	char msg[256];

	(void)state;
	/* docker checks the bytes before looking at the line. */
	write_file(TEXT("A=1\n# \xfe comment\n"));
	assert_int_equal(envfile_parse(path, &out, &err), -1);
	snprintf(msg, sizeof(msg), "env file %s contains invalid utf8 bytes at line 2", path);
	assert_string_equal(err.msg, msg);
	assert_int_equal(out.len, 0);
	strlist_free(&out);
}

static void test_nul_byte(void **state)
{
	char msg[256];

	(void)state;
	snprintf(msg, sizeof(msg), "env file %s contains a NUL byte at line 1", path);
	expect_error("A=1\0B\n", 6, msg);
}

static void test_missing_file(void **state)
{
	struct strlist out = {0};
	berr err = {0};
	char missing[160], msg[256];

	(void)state;
	snprintf(missing, sizeof(missing), "%s/nope", dir);
	assert_int_equal(envfile_parse(missing, &out, &err), -1);
	assert_int_equal(err.kind, BERR_SYSTEM);
	assert_int_equal(err.sys_errno, ENOENT);
	snprintf(msg, sizeof(msg), "open %s: %s", missing, strerror(ENOENT));
	assert_string_equal(err.msg, msg);
	assert_int_equal(out.len, 0);
}

static void test_directory(void **state)
{
	struct strlist out = {0};
	berr err = {0};

	(void)state;
	assert_int_equal(envfile_parse(dir, &out, &err), -1);
	assert_int_equal(err.kind, BERR_SYSTEM);
	assert_int_equal(err.sys_errno, EISDIR);
	assert_int_equal(out.len, 0);
}

static void test_env_from_flag(void **state)
{
	struct strlist out = {0};

	(void)state;
	setenv("BERTH_T_FLAG", "v a l", 1);
	unsetenv("BERTH_T_NOPE");
	assert_int_equal(env_from_flag("A=1", &out), 0);
	assert_int_equal(env_from_flag("B=", &out), 0);
	assert_int_equal(env_from_flag("C=x=y", &out), 0);
	assert_int_equal(env_from_flag("BERTH_T_FLAG", &out), 0);
	assert_int_equal(env_from_flag("BERTH_T_NOPE", &out), 0);
	assert_int_equal(env_from_flag(" spaced ", &out), 0);
	assert_int_equal(out.len, 6);
	assert_string_equal(out.items[0], "A=1");
	assert_string_equal(out.items[1], "B=");
	assert_string_equal(out.items[2], "C=x=y");
	assert_string_equal(out.items[3], "BERTH_T_FLAG=v a l");
	/* Unset: kept bare, which the engine reads as "unset this variable". */
	assert_string_equal(out.items[4], "BERTH_T_NOPE");
	assert_string_equal(out.items[5], " spaced ");
	errno = 0;
	assert_int_equal(env_from_flag("", &out), -1);
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_int_equal(env_from_flag("=x", &out), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(out.len, 6);
	strlist_free(&out);
	unsetenv("BERTH_T_FLAG");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_rules),
		cmocka_unit_test(test_bare_names_from_environment),
		cmocka_unit_test(test_line_endings_and_bom),
		cmocka_unit_test(test_unicode_leading_space),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_appends_to_existing),
		cmocka_unit_test(test_whitespace_in_key),
		cmocka_unit_test(test_no_name),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_invalid_utf8_in_comment_is_still_invalid),
		cmocka_unit_test(test_nul_byte),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_env_from_flag),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
