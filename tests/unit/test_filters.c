/* Filter sets with docker's filters.Args semantics. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "engine/core/filters.h"

/* Builds a filter set from "key=value" arguments (NULL-terminated). */
static json_t *make(const char *first, ...)
{
	json_t *f = json_object();
	berr err = {0};
	va_list ap;

	assert_non_null(f);
	va_start(ap, first);
	for (const char *arg = first; arg; arg = va_arg(ap, const char *))
		assert_int_equal(filters_add(f, arg, &err), 0);
	va_end(ap);
	return f;
}

/* Compares a JSON value with the JSON text it should equal. */
static void assert_json(json_t *v, const char *text)
{
	json_error_t jerr;
	json_t *want = json_loads(text, 0, &jerr);

	assert_non_null(want);
	if (!json_equal(v, want)) {
		char *got = json_dumps(v, JSON_SORT_KEYS);

		fail_msg("got %s, want %s", got ? got : "(null)", text);
	}
	json_decref(want);
}

static json_t *parse_json(const char *text)
{
	json_error_t jerr;
	json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);

	assert_non_null(v);
	return v;
}

static void test_add(void **state)
{
	json_t *f;

	(void)state;
	f = make("name=web", "label=a=b", "label=c", "name=db", "name=web", " Status = running ",
		 "exited=", "=odd", "", NULL);
	assert_json(f, "{\"name\": [\"web\", \"db\"], \"label\": [\"a=b\", \"c\"],"
		       " \"status\": [\"running\"], \"exited\": [\"\"], \"\": [\"odd\"]}");
	json_decref(f);
}

static void test_add_bad_format(void **state)
{
	json_t *f = json_object();
	berr err = {0};

	(void)state;
	assert_int_equal(filters_add(f, "novalue", &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, "bad format of filter (expected name=value)");
	assert_int_equal(json_object_size(f), 0);
	json_decref(f);
}

static void test_validate(void **state)
{
	static const char *const allowed[] = {"name", "label", "status", NULL};
	json_t *f = make("name=web", "label=a", NULL);
	json_t *empty = json_object();
	berr err = {0};

	(void)state;
	assert_int_equal(filters_validate(f, allowed, &err), 0);
	assert_int_equal(filters_validate(empty, allowed, &err), 0);
	assert_int_equal(filters_validate(empty, NULL, &err), 0);
	assert_int_equal(filters_add(f, "foo=bar", &err), 0);
	assert_int_equal(filters_validate(f, allowed, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, "invalid filter 'foo'");
	berr_clear(&err);
	assert_int_equal(filters_validate(f, NULL, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	json_decref(f);
	json_decref(empty);
}

static void test_from_api(void **state)
{
	json_t *in, *out;

	(void)state;
	out = filters_from_api(NULL);
	assert_json(out, "{}");
	json_decref(out);

	in = parse_json("{\"label\": {\"a=b\": true, \"c\": false, \"d\": true},"
			" \"dangling\": {\"true\": true}}");
	out = filters_from_api(in);
	assert_non_null(out);
	assert_ptr_not_equal(out, in);
	assert_json(out, "{\"label\": [\"a=b\", \"d\"], \"dangling\": [\"true\"]}");
	json_decref(in);
	json_decref(out);

	in = parse_json("{\"label\": [\"a=b\", \"a=b\", \"c\"], \"name\": [], \"id\": null}");
	out = filters_from_api(in);
	assert_json(out, "{\"label\": [\"a=b\", \"c\"], \"name\": [], \"id\": []}");
	json_decref(in);
	json_decref(out);
}

static void test_from_api_rejects(void **state)
{
	static const char *const bad[] = {
		"[\"label\"]",
		"{\"label\": \"a=b\"}",
		"{\"label\": [1]}",
		"{\"label\": [\"a\", null]}",
		"{\"label\": {\"a\": \"yes\"}}",
		"{\"label\": {\"a\": 1}}",
		"\"label=a\"",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *in = parse_json(bad[i]);

		if (filters_from_api(in) != NULL)
			fail_msg("accepted %s", bad[i]);
		json_decref(in);
	}
}

static void test_has(void **state)
{
	json_t *f = make("name=web", NULL);
	json_t *in = parse_json("{\"label\": []}");
	json_t *g = filters_from_api(in);

	(void)state;
	assert_true(filters_has(f, "name"));
	assert_false(filters_has(f, "label"));
	assert_false(filters_has(NULL, "name"));
	assert_true(filters_has(g, "label"));
	json_decref(f);
	json_decref(in);
	json_decref(g);
}

/* Runs the label filters of args against labels given as JSON text. */
static bool label_match(const char *labels_json, const char *first, ...)
{
	json_t *f = json_object();
	json_t *labels = labels_json ? parse_json(labels_json) : NULL;
	berr err = {0};
	va_list ap;
	bool match;

	va_start(ap, first);
	for (const char *arg = first; arg; arg = va_arg(ap, const char *))
		assert_int_equal(filters_add(f, arg, &err), 0);
	va_end(ap);
	match = filters_match_label(f, labels);
	json_decref(f);
	json_decref(labels);
	return match;
}

static void test_match_label(void **state)
{
	const char *labels = "{\"a\": \"b\", \"c\": \"\", \"com.example.x\": \"1=2\"}";

	(void)state;
	assert_true(label_match(labels, NULL));
	assert_true(label_match(NULL, NULL));
	assert_true(label_match(labels, "label=a", NULL));
	assert_true(label_match(labels, "label=a=b", NULL));
	assert_true(label_match(labels, "label=c", NULL));
	assert_true(label_match(labels, "label=c=", NULL));
	assert_true(label_match(labels, "label=com.example.x=1=2", NULL));
	assert_false(label_match(labels, "label=a=x", NULL));
	assert_false(label_match(labels, "label=a=", NULL));
	assert_false(label_match(labels, "label=z", NULL));
	assert_false(label_match(labels, "label=b", NULL));
	/* Every label filter must hold. */
	assert_true(label_match(labels, "label=a=b", "label=c", NULL));
	assert_false(label_match(labels, "label=a=b", "label=z", NULL));
	/* Nothing labelled matches no label filter. */
	assert_false(label_match(NULL, "label=a", NULL));
	assert_false(label_match("{}", "label=a", NULL));
	/* Other keys do not concern labels. */
	assert_true(label_match(labels, "name=zzz", NULL));
}

static void test_match_label_negated(void **state)
{
	const char *labels = "{\"a\": \"b\", \"c\": \"d\"}";

	(void)state;
	/* "--filter label!=a=b" arrives as key "label!" with value "a=b". */
	assert_false(label_match(labels, "label!=a=b", NULL));
	assert_false(label_match(labels, "label!=a", NULL));
	assert_true(label_match(labels, "label!=a=x", NULL));
	assert_true(label_match(labels, "label!=z", NULL));
	/* Excluded only when all of the label! values match. */
	assert_false(label_match(labels, "label!=a", "label!=c=d", NULL));
	assert_true(label_match(labels, "label!=a", "label!=z", NULL));
	assert_true(label_match(NULL, "label!=a", NULL));
	assert_false(label_match(labels, "label=a", "label!=c", NULL));
	assert_true(label_match(labels, "label=a", "label!=c=x", NULL));
}

static void test_match_exact(void **state)
{
	json_t *f = make("status=running", "status=paused", NULL);
	json_t *in = parse_json("{\"status\": []}");
	json_t *empty = filters_from_api(in);

	(void)state;
	assert_true(filters_match_exact(f, "status", "running"));
	assert_true(filters_match_exact(f, "status", "paused"));
	assert_false(filters_match_exact(f, "status", "exited"));
	assert_false(filters_match_exact(f, "status", "Running"));
	assert_false(filters_match_exact(f, "status", "run"));
	assert_true(filters_match_exact(f, "name", "anything"));
	assert_true(filters_match_exact(NULL, "status", "exited"));
	/* A key with no values filters nothing. */
	assert_true(filters_match_exact(empty, "status", "exited"));
	json_decref(f);
	json_decref(in);
	json_decref(empty);
}

static void test_match_prefix(void **state)
{
	json_t *f = make("id=abc", "id=0f", NULL);

	(void)state;
	assert_true(filters_match_prefix(f, "id", "abcdef0123"));
	assert_true(filters_match_prefix(f, "id", "abc"));
	assert_true(filters_match_prefix(f, "id", "0f00"));
	assert_false(filters_match_prefix(f, "id", "ab"));
	assert_false(filters_match_prefix(f, "id", "xabc"));
	assert_true(filters_match_prefix(f, "name", "x"));
	json_decref(f);
}

static void test_match_regex(void **state)
{
	json_t *f = make("name=web", NULL);
	json_t *anchored = make("name=^web$", NULL);
	json_t *alt = make("name=^(api|db)[0-9]+$", NULL);
	json_t *broken = make("name=a(b", NULL);

	(void)state;
	assert_true(filters_match_regex(f, "name", "web"));
	assert_true(filters_match_regex(f, "name", "myweb1"));
	assert_false(filters_match_regex(f, "name", "db"));
	assert_true(filters_match_regex(anchored, "name", "web"));
	assert_false(filters_match_regex(anchored, "name", "webx"));
	assert_true(filters_match_regex(alt, "name", "api12"));
	assert_true(filters_match_regex(alt, "name", "db1"));
	assert_false(filters_match_regex(alt, "name", "db"));
	assert_false(filters_match_regex(alt, "name", "cache1"));
	/* A value that is not a valid expression still matches exactly. */
	assert_true(filters_match_regex(broken, "name", "a(b"));
	assert_false(filters_match_regex(broken, "name", "ab"));
	assert_true(filters_match_regex(f, "label", "x"));
	json_decref(f);
	json_decref(anchored);
	json_decref(alt);
	json_decref(broken);
}

/* Patterns Go's regexp refuses, or that glibc would expand past reason,
 * are skipped like any pattern that does not compile. */
static void test_match_regex_refused(void **state)
{
	char nested[200] = "name=";
	json_t *f = make("name=(w)\\1", "name=we**", "name=(a{1000}){1000}", "name=x{1001}",
			 "name=(((((w^)+)+)+)+)+", "name=(^((((w+)+)+)+)x)", "name=w()+", NULL);
	json_t *ok = make("name=^w(e)+?b{1,3}$", "name=[[:alpha:]]?x", "name=^x((y+)*z)+$", NULL);
	json_t *deep;

	(void)state;
	for (int i = 0; i < 30; i++)
		strcat(nested, "(");
	strcat(nested, "a+");
	for (int i = 0; i < 30; i++)
		strcat(nested, ")+");
	deep = make(nested, NULL);
	assert_false(filters_match_regex(f, "name", "ww"));
	assert_false(filters_match_regex(f, "name", "weee"));
	assert_false(filters_match_regex(deep, "name", "aaa"));
	assert_true(filters_match_regex(ok, "name", "webb"));
	assert_true(filters_match_regex(ok, "name", "x"));
	assert_true(filters_match_regex(ok, "name", "xyyzz"));
	json_decref(f);
	json_decref(ok);
	json_decref(deep);
}

/* Bytes that are not UTF-8 become U+FFFD, as the docker CLI's JSON has them. */
static void test_add_invalid_utf8(void **state)
{
	json_t *f = make("na\xffme=w\xc3" "b", NULL);

	(void)state;
	assert_json(f, "{\"na\\ufffdme\": [\"w\\ufffdb\"]}");
	json_decref(f);
}

static void test_match_glob(void **state)
{
	json_t *f = make("reference=busybox*", NULL);
	json_t *g = make("reference=*/app", "reference=bu?ybox", NULL);
	json_t *star = make("reference=*", NULL);

	(void)state;
	assert_true(filters_match_glob(f, "reference", "busybox"));
	assert_true(filters_match_glob(f, "reference", "busybox:latest"));
	assert_false(filters_match_glob(f, "reference", "alpine:latest"));
	assert_false(filters_match_glob(f, "reference", "library/busybox"));
	assert_true(filters_match_glob(g, "reference", "user/app"));
	assert_false(filters_match_glob(g, "reference", "a/b/app"));
	assert_true(filters_match_glob(g, "reference", "busybox"));
	/* '*' stops at '/', as Go's path.Match. */
	assert_true(filters_match_glob(star, "reference", "busybox:1"));
	assert_false(filters_match_glob(star, "reference", "user/app"));
	assert_true(filters_match_glob(f, "before", "x"));
	json_decref(f);
	json_decref(g);
	json_decref(star);
}

static void expect_bool(const char *json, int want)
{
	json_t *in = parse_json(json);
	json_t *f = filters_from_api(in);
	berr err = {0};
	int out = 7;

	assert_non_null(f);
	assert_int_equal(filters_bool(f, "dangling", &out, &err), 0);
	assert_int_equal(out, want);
	json_decref(in);
	json_decref(f);
}

static void expect_bool_error(const char *json, const char *msg)
{
	json_t *in = parse_json(json);
	json_t *f = filters_from_api(in);
	berr err = {0};
	int out = 7;

	assert_non_null(f);
	assert_int_equal(filters_bool(f, "dangling", &out, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, msg);
	json_decref(in);
	json_decref(f);
}

static void test_bool(void **state)
{
	int out = 7;
	berr err = {0};

	(void)state;
	expect_bool("{}", -1);
	expect_bool("{\"name\": [\"x\"]}", -1);
	expect_bool("{\"dangling\": [\"true\"]}", 1);
	expect_bool("{\"dangling\": [\"1\"]}", 1);
	expect_bool("{\"dangling\": [\"true\", \"1\"]}", 1);
	expect_bool("{\"dangling\": {\"true\": true}}", 1);
	expect_bool("{\"dangling\": [\"false\"]}", 0);
	expect_bool("{\"dangling\": [\"0\"]}", 0);
	expect_bool_error("{\"dangling\": [\"true\", \"false\"]}",
			  "invalid filter 'dangling=true,false'");
	expect_bool_error("{\"dangling\": [\"1\", \"0\"]}", "invalid filter 'dangling=1,0'");
	expect_bool_error("{\"dangling\": [\"maybe\"]}", "invalid filter 'dangling=maybe'");
	expect_bool_error("{\"dangling\": [\"TRUE\"]}", "invalid filter 'dangling=TRUE'");
	expect_bool_error("{\"dangling\": []}", "invalid filter 'dangling'");
	assert_int_equal(filters_bool(NULL, "dangling", &out, &err), 0);
	assert_int_equal(out, -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_add_bad_format),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_from_api),
		cmocka_unit_test(test_from_api_rejects),
		cmocka_unit_test(test_has),
		cmocka_unit_test(test_match_label),
		cmocka_unit_test(test_match_label_negated),
		cmocka_unit_test(test_match_exact),
		cmocka_unit_test(test_match_prefix),
		cmocka_unit_test(test_match_regex),
		cmocka_unit_test(test_match_regex_refused),
		cmocka_unit_test(test_add_invalid_utf8),
		cmocka_unit_test(test_match_glob),
		cmocka_unit_test(test_bool),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
