/* The option parser against pflag's syntax, reordering and messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/flags.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The option set of a small "run"-like command. */
struct opts {
	bool detach, interactive, tty, rm;
	char *name;
	long time;
	struct strlist env;
	struct flag_spec specs[8];
};

static void opts_init(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->specs[0] = (struct flag_spec){"detach", 'd', FLAG_BOOL, &o->detach, NULL,
					 "Run container in background and print container ID"};
	o->specs[1] = (struct flag_spec){"interactive", 'i', FLAG_BOOL, &o->interactive, NULL,
					 "Keep STDIN open even if not attached"};
	o->specs[2] = (struct flag_spec){"tty", 't', FLAG_BOOL, &o->tty, NULL,
					 "Allocate a pseudo-TTY"};
	o->specs[3] = (struct flag_spec){"rm", 0, FLAG_BOOL, &o->rm, NULL,
					 "Automatically remove the container when it exits"};
	o->specs[4] = (struct flag_spec){"name", 0, FLAG_STRING, &o->name, NULL,
					 "Assign a name to the container"};
	o->specs[5] = (struct flag_spec){"time", 's', FLAG_INT, &o->time, NULL,
					 "Seconds to wait"};
	o->specs[6] = (struct flag_spec){"env", 'e', FLAG_LIST, &o->env, NULL,
					 "Set environment variables"};
}

static int parse(struct opts *o, int argc, char **argv, bool interspersed, int *first, berr *err)
{
	berr_clear(err);
	return flags_parse(o->specs, argc, argv, interspersed, first, err);
}

/* Parses argv expecting an error with exactly this message; argv must be
 * left in its original order. */
static void expect_error(bool interspersed, int argc, char **argv, const char *msg)
{
	struct opts o;
	char *copy[16];
	berr err;
	int first = -1;

	assert_true(argc <= 16);
	memcpy(copy, argv, (size_t)argc * sizeof(*argv));
	opts_init(&o);
	assert_int_equal(parse(&o, argc, argv, interspersed, &first, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, msg);
	assert_memory_equal(copy, argv, (size_t)argc * sizeof(*argv));
	flags_free(o.specs);
}

static void test_strlist(void **state)
{
	struct strlist l = {0};
	char *owned = strdup("owned");

	(void)state;
	assert_int_equal(strlist_push(&l, "a"), 0);
	for (int i = 0; i < 40; i++)
		assert_int_equal(strlist_push(&l, "x"), 0);
	assert_int_equal(strlist_push_owned(&l, owned), 0);
	assert_int_equal(l.len, 42);
	assert_string_equal(l.items[0], "a");
	assert_ptr_equal(l.items[41], owned);
	assert_null(l.items[42]);
	strlist_free(&l);
	assert_null(l.items);
	assert_int_equal(l.len, 0);
	assert_int_equal(l.cap, 0);
	/* A freed list can be used again. */
	assert_int_equal(strlist_push(&l, "again"), 0);
	assert_string_equal(l.items[0], "again");
	strlist_free(&l);
}

static void test_long_forms(void **state)
{
	char *argv[] = {"run", "--name", "web", "--detach", "--time=30", "--env", "A=1",
			"--env=B=2", "--rm=false"};
	struct opts o;
	berr err;
	int first;

	(void)state;
	opts_init(&o);
	o.rm = true;
	assert_int_equal(parse(&o, ARGC(argv), argv, false, &first, &err), 0);
	assert_int_equal(first, ARGC(argv));
	assert_string_equal(o.name, "web");
	assert_true(o.detach);
	assert_int_equal(o.time, 30);
	assert_int_equal(o.env.len, 2);
	assert_string_equal(o.env.items[0], "A=1");
	assert_string_equal(o.env.items[1], "B=2");
	assert_false(o.rm);
	flags_free(o.specs);
	assert_null(o.name);
	assert_int_equal(o.env.len, 0);
}

static void test_long_empty_and_dash_values(void **state)
{
	char *argv[] = {"run", "--name=", "--env", "-x", "--time", "-5"};
	struct opts o;
	berr err;
	int first;

	(void)state;
	opts_init(&o);
	assert_int_equal(parse(&o, ARGC(argv), argv, true, &first, &err), 0);
	/* "--name=" sets an empty string; a separate value is taken even when it
	 * starts with '-'. */
	assert_non_null(o.name);
	assert_string_equal(o.name, "");
	assert_string_equal(o.env.items[0], "-x");
	assert_int_equal(o.time, -5);
	assert_int_equal(first, ARGC(argv));
	flags_free(o.specs);
}

static void test_bool_values(void **state)
{
	static const struct {
		const char *arg;
		bool want;
	} cases[] = {
		{"--rm", true},	   {"--rm=true", true},	  {"--rm=false", false}, {"--rm=1", true},
		{"--rm=0", false}, {"--rm=t", true},	  {"--rm=F", false},	 {"--rm=TRUE", true},
		{"--rm=False", false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[] = {"run", (char *)cases[i].arg};
		struct opts o;
		berr err;
		int first;

		opts_init(&o);
		o.rm = !cases[i].want;
		assert_int_equal(parse(&o, 2, argv, false, &first, &err), 0);
		assert_int_equal(o.rm, cases[i].want);
		flags_free(o.specs);
	}
}

static void test_bool_never_takes_next_arg(void **state)
{
	char *argv[] = {"run", "--rm", "false"};
	struct opts o;
	berr err;
	int first;

	(void)state;
	opts_init(&o);
	assert_int_equal(parse(&o, ARGC(argv), argv, false, &first, &err), 0);
	assert_true(o.rm);
	assert_int_equal(first, 2);
	assert_string_equal(argv[2], "false");
	flags_free(o.specs);
}

static void test_short_forms(void **state)
{
	char *argv[] = {"run", "-s", "7", "-eA=1", "-e", "B=2", "-e=C=3", "-d"};
	struct opts o;
	berr err;
	int first;

	(void)state;
	opts_init(&o);
	assert_int_equal(parse(&o, ARGC(argv), argv, false, &first, &err), 0);
	assert_int_equal(o.time, 7);
	assert_int_equal(o.env.len, 3);
	assert_string_equal(o.env.items[0], "A=1");
	assert_string_equal(o.env.items[1], "B=2");
	assert_string_equal(o.env.items[2], "C=3");
	assert_true(o.detach);
	assert_false(o.tty);
	flags_free(o.specs);
}

static void test_short_attached_value(void **state)
{
	char *argv[] = {"run", "-s12", "-ePATH=/bin:/usr/bin", "-e="};
	struct opts o;
	berr err;
	int first;

	(void)state;
	opts_init(&o);
	assert_int_equal(parse(&o, ARGC(argv), argv, false, &first, &err), 0);
	assert_int_equal(o.time, 12);
	assert_string_equal(o.env.items[0], "PATH=/bin:/usr/bin");
	/* pflag: "-e=" is "-e" with the rest of the group, "=", as its value. */
	assert_string_equal(o.env.items[1], "=");
	flags_free(o.specs);
}

static void test_combined_booleans(void **state)
{
	static const char *const groups[] = {"-it", "-dit", "-itd", "-tid", "-d=true"};

	(void)state;
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		char *argv[] = {"run", (char *)groups[i], "busybox"};
		bool all = strchr(groups[i], 'i') != NULL;
		struct opts o;
		berr err;
		int first;

		opts_init(&o);
		assert_int_equal(parse(&o, ARGC(argv), argv, false, &first, &err), 0);
		assert_int_equal(first, 2);
		assert_int_equal(o.interactive, all);
		assert_int_equal(o.tty, all);
		assert_int_equal(o.detach, strchr(groups[i], 'd') != NULL);
		flags_free(o.specs);
	}
}

static void test_group_ending_with_value_flag(void **state)
{
	char *argv[] = {"run", "-ite", "A=1", "-dieB=2", "busybox"};
	struct opts o;
	berr err;
	int first;

	(void)state;
	opts_init(&o);
	assert_int_equal(parse(&o, ARGC(argv), argv, false, &first, &err), 0);
	assert_true(o.interactive);
	assert_true(o.tty);
	assert_true(o.detach);
	assert_int_equal(o.env.len, 2);
	assert_string_equal(o.env.items[0], "A=1");
	assert_string_equal(o.env.items[1], "B=2");
	assert_int_equal(first, 4);
	assert_string_equal(argv[4], "busybox");
	flags_free(o.specs);
}

static void test_bool_false_in_group(void **state)
{
	char *argv[] = {"run", "-d=false", "x"};
	struct opts o;
	berr err;
	int first;

	(void)state;
	opts_init(&o);
	o.detach = true;
	assert_int_equal(parse(&o, ARGC(argv), argv, false, &first, &err), 0);
	assert_false(o.detach);
	flags_free(o.specs);
}

static void test_stop_at_first_positional(void **state)
{
	char *argv[] = {"run", "-d", "--name", "web", "busybox", "ls", "-l", "--unknown", "-z"};
	char *orig[ARGC(argv)];
	struct opts o;
	berr err;
	int first;

	(void)state;
	memcpy(orig, argv, sizeof(argv));
	opts_init(&o);
	assert_int_equal(parse(&o, ARGC(argv), argv, false, &first, &err), 0);
	assert_int_equal(first, 4);
	assert_string_equal(argv[first], "busybox");
	/* Without interspersed options the order never changes. */
	assert_memory_equal(orig, argv, sizeof(argv));
	assert_true(o.detach);
	assert_string_equal(o.name, "web");
	flags_free(o.specs);
}

static void test_interspersed_reorders(void **state)
{
	char *argv[] = {"rm", "web", "-d", "db", "--name", "x", "cache", "-s5"};
	struct opts o;
	berr err;
	int first;

	(void)state;
	opts_init(&o);
	assert_int_equal(parse(&o, ARGC(argv), argv, true, &first, &err), 0);
	assert_int_equal(first, 5);
	assert_string_equal(argv[0], "rm");
	assert_string_equal(argv[1], "-d");
	assert_string_equal(argv[2], "--name");
	assert_string_equal(argv[3], "x");
	assert_string_equal(argv[4], "-s5");
	assert_string_equal(argv[5], "web");
	assert_string_equal(argv[6], "db");
	assert_string_equal(argv[7], "cache");
	assert_true(o.detach);
	assert_int_equal(o.time, 5);
	assert_string_equal(o.name, "x");
	flags_free(o.specs);
}

static void test_double_dash(void **state)
{
	char *argv[] = {"rm", "-d", "--", "-web", "--rm", "x"};
	struct opts o;
	berr err;
	int first;

	(void)state;
	opts_init(&o);
	assert_int_equal(parse(&o, ARGC(argv), argv, true, &first, &err), 0);
	assert_int_equal(first, 3);
	assert_string_equal(argv[1], "-d");
	assert_string_equal(argv[2], "--");
	assert_string_equal(argv[3], "-web");
	assert_string_equal(argv[4], "--rm");
	assert_string_equal(argv[5], "x");
	assert_false(o.rm);
	flags_free(o.specs);
}

static void test_double_dash_after_positional(void **state)
{
	char *argv[] = {"rm", "a", "--", "b"};
	char *argv2[] = {"run", "busybox", "--", "ls"};
	struct opts o;
	berr err;
	int first;

	(void)state;
	opts_init(&o);
	assert_int_equal(parse(&o, ARGC(argv), argv, true, &first, &err), 0);
	assert_int_equal(first, 2);
	assert_string_equal(argv[1], "--");
	assert_string_equal(argv[2], "a");
	assert_string_equal(argv[3], "b");
	/* Stopped at "busybox": the "--" belongs to the container's command. */
	assert_int_equal(parse(&o, ARGC(argv2), argv2, false, &first, &err), 0);
	assert_int_equal(first, 1);
	assert_string_equal(argv2[2], "--");
	flags_free(o.specs);
}

static void test_lone_dash_and_empty_are_positionals(void **state)
{
	char *argv[] = {"cp", "-", "-d", "", "dest"};
	struct opts o;
	berr err;
	int first;

	(void)state;
	opts_init(&o);
	assert_int_equal(parse(&o, ARGC(argv), argv, true, &first, &err), 0);
	assert_int_equal(first, 2);
	assert_string_equal(argv[1], "-d");
	assert_string_equal(argv[2], "-");
	assert_string_equal(argv[3], "");
	assert_string_equal(argv[4], "dest");
	assert_true(o.detach);
	flags_free(o.specs);
}

static void test_no_arguments(void **state)
{
	char *argv[] = {"ps"};
	struct opts o;
	berr err;
	int first = -1;

	(void)state;
	opts_init(&o);
	assert_int_equal(parse(&o, 1, argv, true, &first, &err), 0);
	assert_int_equal(first, 1);
	assert_int_equal(parse(&o, 0, argv, true, &first, &err), 0);
	assert_int_equal(first, 0);
}

static void test_repeated_string_replaces(void **state)
{
	char *argv[] = {"run", "--name", "a", "--name=b", "--name", "c"};
	struct opts o;
	berr err;
	int first;

	(void)state;
	opts_init(&o);
	o.name = strdup("default");
	assert_int_equal(parse(&o, ARGC(argv), argv, false, &first, &err), 0);
	/* Earlier values are freed; the sanitizer build would report a leak. */
	assert_string_equal(o.name, "c");
	flags_free(o.specs);
}

static void test_int_values(void **state)
{
	static const struct {
		const char *text;
		long want;
	} cases[] = {
		{"0", 0},
		{"42", 42},
		{"-42", -42},
		{"+42", 42},
		{"0x1f", 31},
		{"0X1F", 31},
		{"0o17", 15},
		{"017", 15},
		{"0b101", 5},
		{"1_000", 1000},
		{"0x_ff", 255},
		{"9223372036854775807", INT64_MAX},
		{"-9223372036854775808", INT64_MIN},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[] = {"stop", "--time", (char *)cases[i].text};
		struct opts o;
		berr err;
		int first;

		opts_init(&o);
		assert_int_equal(parse(&o, ARGC(argv), argv, true, &first, &err), 0);
		assert_int_equal(o.time, cases[i].want);
	}
}

static void test_int_errors(void **state)
{
	static const struct {
		const char *text;
		const char *cause;
	} cases[] = {
		{"x", "invalid syntax"},
		{"", "invalid syntax"},
		{"1.5", "invalid syntax"},
		{"0x", "invalid syntax"},
		{"08", "invalid syntax"},
		{"1__0", "invalid syntax"},
		{"_1", "invalid syntax"},
		{"1_", "invalid syntax"},
		{"--1", "invalid syntax"},
		{"10s", "invalid syntax"},
		{"9223372036854775808", "value out of range"},
		{"-9223372036854775809", "value out of range"},
		{"99999999999999999999999", "value out of range"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[] = {"stop", "-s", (char *)cases[i].text};
		char msg[256];

		snprintf(msg, sizeof(msg),
			 "invalid argument \"%s\" for \"-s, --time\" flag: strconv.ParseInt: "
			 "parsing \"%s\": %s",
			 cases[i].text, cases[i].text, cases[i].cause);
		expect_error(true, ARGC(argv), argv, msg);
	}
}

static void test_bool_error(void **state)
{
	char *a1[] = {"run", "--rm=maybe"};
	char *a2[] = {"run", "--detach=yes"};

	(void)state;
	expect_error(false, ARGC(a1), a1,
		     "invalid argument \"maybe\" for \"--rm\" flag: strconv.ParseBool: parsing "
		     "\"maybe\": invalid syntax");
	expect_error(false, ARGC(a2), a2,
		     "invalid argument \"yes\" for \"-d, --detach\" flag: strconv.ParseBool: "
		     "parsing \"yes\": invalid syntax");
}

static void test_unknown_flags(void **state)
{
	char *a1[] = {"run", "-d", "--foo"};
	char *a2[] = {"run", "--foo=bar"};
	char *a3[] = {"run", "-z"};
	char *a4[] = {"run", "-dz"};
	char *a5[] = {"run", "-zd"};
	char *a6[] = {"rm", "web", "--force"};
	char *a7[] = {"run", "-'"};
	char *a8[] = {"run", "-d="};

	(void)state;
	expect_error(false, ARGC(a1), a1, "unknown flag: --foo");
	expect_error(false, ARGC(a2), a2, "unknown flag: --foo");
	expect_error(false, ARGC(a3), a3, "unknown shorthand flag: 'z' in -z");
	expect_error(false, ARGC(a4), a4, "unknown shorthand flag: 'z' in -z");
	expect_error(false, ARGC(a5), a5, "unknown shorthand flag: 'z' in -zd");
	expect_error(true, ARGC(a6), a6, "unknown flag: --force");
	expect_error(false, ARGC(a7), a7, "unknown shorthand flag: '\\'' in -'");
	expect_error(false, ARGC(a8), a8, "unknown shorthand flag: '=' in -=");
}

static void test_missing_arguments(void **state)
{
	char *a1[] = {"run", "--name"};
	char *a2[] = {"run", "-e"};
	char *a3[] = {"run", "-de"};
	char *a4[] = {"run", "-d", "--time"};

	(void)state;
	expect_error(false, ARGC(a1), a1, "flag needs an argument: --name");
	expect_error(false, ARGC(a2), a2, "flag needs an argument: 'e' in -e");
	expect_error(false, ARGC(a3), a3, "flag needs an argument: 'e' in -e");
	expect_error(true, ARGC(a4), a4, "flag needs an argument: --time");
}

static void test_bad_syntax(void **state)
{
	char *a1[] = {"run", "---name"};
	char *a2[] = {"run", "--=x"};

	(void)state;
	expect_error(false, ARGC(a1), a1, "bad flag syntax: ---name");
	expect_error(false, ARGC(a2), a2, "bad flag syntax: --=x");
}

static void test_usage(void **state)
{
	struct opts o;
	char *text;

	(void)state;
	opts_init(&o);
	o.time = 10;
	o.specs[4].value_name = "NAME";
	text = flags_usage(o.specs);
	assert_non_null(text);
	assert_string_equal(text,
			    "Options:\n"
			    "  -d, --detach        Run container in background and print container ID\n"
			    "  -e, --env list      Set environment variables\n"
			    "  -i, --interactive   Keep STDIN open even if not attached\n"
			    "      --name NAME     Assign a name to the container\n"
			    "      --rm            Automatically remove the container when it exits\n"
			    "  -s, --time int      Seconds to wait (default 10)\n"
			    "  -t, --tty           Allocate a pseudo-TTY\n");
	free(text);
}

static void test_usage_defaults(void **state)
{
	bool yes = true;
	char *fmt = strdup("table");
	long zero = 0;
	struct flag_spec specs[] = {
		{"all", 'a', FLAG_BOOL, &yes, NULL, "Show all"},
		{"format", 0, FLAG_STRING, &fmt, NULL, "Format output"},
		{"last", 'n', FLAG_INT, &zero, NULL, "Show n last"},
		{0},
	};
	char *text;

	(void)state;
	text = flags_usage(specs);
	assert_non_null(text);
	assert_string_equal(text, "Options:\n"
				  "  -a, --all             Show all (default true)\n"
				  "      --format string   Format output (default \"table\")\n"
				  "  -n, --last int        Show n last\n");
	free(text);
	free(fmt);
}

static void test_usage_empty_table(void **state)
{
	struct flag_spec specs[] = {{0}};
	char *text;

	(void)state;
	/* no flags, no heading (as `docker logout --help`) */
	text = flags_usage(specs);
	assert_non_null(text);
	assert_string_equal(text, "");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strlist),
		cmocka_unit_test(test_long_forms),
		cmocka_unit_test(test_long_empty_and_dash_values),
		cmocka_unit_test(test_bool_values),
		cmocka_unit_test(test_bool_never_takes_next_arg),
		cmocka_unit_test(test_short_forms),
		cmocka_unit_test(test_short_attached_value),
		cmocka_unit_test(test_combined_booleans),
		cmocka_unit_test(test_group_ending_with_value_flag),
		cmocka_unit_test(test_bool_false_in_group),
		cmocka_unit_test(test_stop_at_first_positional),
		cmocka_unit_test(test_interspersed_reorders),
		cmocka_unit_test(test_double_dash),
		cmocka_unit_test(test_double_dash_after_positional),
		cmocka_unit_test(test_lone_dash_and_empty_are_positionals),
		cmocka_unit_test(test_no_arguments),
		cmocka_unit_test(test_repeated_string_replaces),
		cmocka_unit_test(test_int_values),
		cmocka_unit_test(test_int_errors),
		cmocka_unit_test(test_bool_error),
		cmocka_unit_test(test_unknown_flags),
		cmocka_unit_test(test_missing_arguments),
		cmocka_unit_test(test_bad_syntax),
		cmocka_unit_test(test_usage),
		cmocka_unit_test(test_usage_defaults),
		cmocka_unit_test(test_usage_empty_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
