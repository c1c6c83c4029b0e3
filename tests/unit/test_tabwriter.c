/* Table alignment: every expected output below is what the docker CLI (its
 * tabwriter with minwidth 10 and padding 3) printed for the same input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/tabwriter.h"

static void check(const char *input, const char *want)
{
	struct tabwriter *tw = tabwriter_new(10, 3);
	char *got;

	tabwriter_write(tw, input);
	got = tabwriter_flush(tw);
	assert_string_equal(got, want);
	free(got);
	tabwriter_free(tw);
}

static void test_ps_table(void **state)
{
	(void)state;
	check("CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES\n"
	      "3f2a1b4c5d6e\tbusybox\t\"sh -c 'sleep 1000'\"\t2 minutes ago\tUp 2 minutes\t\tweb\n"
	      "0a1b2c3d4e5f\tnginx:latest\t\"/docker-entrypoint.…\"\t3 hours ago\t"
	      "Exited (0) 2 hours ago\t0.0.0.0:8080->80/tcp\tproxy\n",
	      "CONTAINER ID   IMAGE          COMMAND                  CREATED         "
	      "STATUS                   PORTS                  NAMES\n"
	      "3f2a1b4c5d6e   busybox        \"sh -c 'sleep 1000'\"     2 minutes ago   "
	      "Up 2 minutes                                    web\n"
	      "0a1b2c3d4e5f   nginx:latest   \"/docker-entrypoint.…\"   3 hours ago     "
	      "Exited (0) 2 hours ago   0.0.0.0:8080->80/tcp   proxy\n");
}

static void test_min_width_and_padding(void **state)
{
	(void)state;
	/* short cells are padded to the minimum width of 10 */
	check("a\tb\tc\n", "a         b         c\n");
	/* a wide cell sets its column's width: widest + 3 */
	check("a\tbbbbbbbbbbbbbbbbb\tc\nxx\tyy\tzz\n\tq\n",
	      "a         bbbbbbbbbbbbbbbbb   c\n"
	      "xx        yy                  zz\n"
	      "          q\n");
	check("abcdefghijklmnopqrstu\tb\nc\tdefghijklmnopqrstuvwxyz\te\n",
	      "abcdefghijklmnopqrstu   b\n"
	      "c                       defghijklmnopqrstuvwxyz   e\n");
}

static void test_last_cell_not_padded(void **state)
{
	(void)state;
	/* text after the last tab is not part of a column */
	check("NAME\tDESCRIPTION\nalongername\td\n",
	      "NAME          DESCRIPTION\n"
	      "alongername   d\n");
	/* but a trailing tab ends a cell, which is padded */
	check("a\tb\t\nc\td\t\n", "a         b         \nc         d         \n");
	check("\t\t\n\t\t\n", "                    \n                    \n");
}

static void test_column_blocks(void **state)
{
	(void)state;
	/* a line without a cell in a column ends that column's block */
	check("a\tb\nlonglonglonglong\tc\nx\ny\tz\n",
	      "a                  b\n"
	      "longlonglonglong   c\n"
	      "x\n"
	      "y         z\n");
	check("one\ntwo\tthree\nfour\tfive\tsix\nseven\teight\tnine\tten\n",
	      "one\n"
	      "two       three\n"
	      "four      five      six\n"
	      "seven     eight     nine      ten\n");
	check("a\tb\tc\n\nd\te\tf\n", "a         b         c\n\nd         e         f\n");
	check("x\t\ty\n\t\tz\n", "x                   y\n                    z\n");
}

static void test_vertical_tab_and_formfeed(void **state)
{
	(void)state;
	/* \v ends a cell like \t */
	check("a\vb\tc\nxxxxxxxxxxxx\tyy\vz\n",
	      "a              b         c\n"
	      "xxxxxxxxxxxx   yy        z\n");
	/* \f ends the line and every column block */
	check("a\tb\fccccccccccccc\td\ne\tf\n",
	      "a         b\n"
	      "ccccccccccccc   d\n"
	      "e               f\n");
}

static void test_display_width(void **state)
{
	(void)state;
	/* East Asian wide characters take two columns */
	check("日本語\tx\nab\ty\n", "日本語    x\nab        y\n");
	check("ｆｕｌｌ\tx\nab\ty\n", "ｆｕｌｌ   x\nab         y\n");
	check("😀\tx\nab\ty\n", "😀        x\nab        y\n");
	/* accented letters one, combining marks and zero-width spaces none */
	check("héllo wörld\tb\nc\td\n", "héllo wörld   b\nc             d\n");
	check("e\xcc\x81\tx\nab\ty\n", "e\xcc\x81         x\nab        y\n");
	check("\xe2\x80\x8bz\tx\nab\ty\n", "\xe2\x80\x8bz         x\nab        y\n");
}

static void test_pieces_and_partial_lines(void **state)
{
	struct tabwriter *tw = tabwriter_new(10, 3);
	char *got;

	(void)state;
	/* a cell may arrive in several writes; a last line without newline stays */
	tabwriter_write(tw, "NA");
	tabwriter_write(tw, "ME\tIMA");
	tabwriter_write(tw, "GE\nweb\tbusybox\n");
	tabwriter_write(tw, "tail");
	got = tabwriter_flush(tw);
	assert_string_equal(got, "NAME      IMAGE\nweb       busybox\ntail");
	free(got);
	/* flushing starts over: the next table is laid out on its own */
	tabwriter_write(tw, "x\ty\n");
	got = tabwriter_flush(tw);
	assert_string_equal(got, "x         y\n");
	free(got);
	got = tabwriter_flush(tw);
	assert_string_equal(got, "");
	free(got);
	tabwriter_free(tw);
}

/* A line of a million cells (a label full of tabs, say) is laid out
 * without a million nested calls. */
static void test_many_columns(void **state)
{
	size_t n = 1000000;
	char *input = malloc(2 * n + 3), *got;
	struct tabwriter *tw = tabwriter_new(1, 1);

	(void)state;
	assert_non_null(input);
	for (size_t i = 0; i < n; i++) {
		input[2 * i] = 'x';
		input[2 * i + 1] = '\t';
	}
	memcpy(input + 2 * n, "y\n", 3);
	tabwriter_write(tw, input);
	tabwriter_write(tw, "z\tz\n");
	got = tabwriter_flush(tw);
	assert_int_equal(strlen(got), 2 * n + 2 + 4);
	assert_memory_equal(got, "x x x ", 6);
	assert_string_equal(got + 2 * n + 2, "z z\n");
	free(got);
	free(input);
	tabwriter_free(tw);
}

static void test_other_settings(void **state)
{
	struct tabwriter *tw = tabwriter_new(0, 1);
	char *got;

	(void)state;
	tabwriter_write(tw, "a\tbb\tc\naaa\tb\tc\n");
	got = tabwriter_flush(tw);
	assert_string_equal(got, "a   bb c\naaa b  c\n");
	free(got);
	tabwriter_free(tw);
	tabwriter_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ps_table),
		cmocka_unit_test(test_min_width_and_padding),
		cmocka_unit_test(test_last_cell_not_padded),
		cmocka_unit_test(test_column_blocks),
		cmocka_unit_test(test_vertical_tab_and_formfeed),
		cmocka_unit_test(test_display_width),
		cmocka_unit_test(test_pieces_and_partial_lines),
		cmocka_unit_test(test_many_columns),
		cmocka_unit_test(test_other_settings),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
