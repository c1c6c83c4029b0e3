/* Random container names and docker's container name rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/names.h"

#define DRAWS 3000

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Number of distinct strings among n (sorts the array). */
static size_t count_distinct(char **s, size_t n)
{
	size_t distinct = 0;

	qsort(s, n, sizeof(*s), compare_strings);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(s[i], s[i - 1]) != 0)
			distinct++;
	return distinct;
}

static void test_generate_shape_and_variety(void **state)
{
	char **names = calloc(DRAWS, sizeof(*names));
	char **adjectives = calloc(DRAWS, sizeof(*adjectives));
	char **surnames = calloc(DRAWS, sizeof(*surnames));
	regex_t re;

	(void)state;
	assert_non_null(names);
	assert_non_null(adjectives);
	assert_non_null(surnames);
	assert_int_equal(regcomp(&re, "^[a-z]+_[a-z]+$", REG_EXTENDED | REG_NOSUB), 0);
	for (size_t i = 0; i < DRAWS; i++) {
		char buf[64];
		char *sep;

		names_generate(buf, sizeof(buf), 0);
		if (regexec(&re, buf, 0, NULL, 0) != 0)
			fail_msg("bad name %s", buf);
		assert_true(names_valid(buf));
		names[i] = strdup(buf);
		sep = strchr(buf, '_');
		surnames[i] = strdup(sep + 1);
		*sep = '\0';
		adjectives[i] = strdup(buf);
	}
	regfree(&re);
	/* About 100 adjectives and 150+ surnames: 3000 draws see nearly all. */
	assert_true(count_distinct(adjectives, DRAWS) >= 95);
	assert_true(count_distinct(surnames, DRAWS) >= 140);
	assert_true(count_distinct(names, DRAWS) >= 2500);
	for (size_t i = 0; i < DRAWS; i++) {
		free(names[i]);
		free(adjectives[i]);
		free(surnames[i]);
	}
	free(names);
	free(adjectives);
	free(surnames);
}

static void test_generate_retry_appends_digit(void **state)
{
	bool seen[10] = {false};
	regex_t re;

	(void)state;
	assert_int_equal(regcomp(&re, "^[a-z]+_[a-z]+[0-9]$", REG_EXTENDED | REG_NOSUB), 0);
	for (unsigned i = 0; i < 1000; i++) {
		char buf[64];
		size_t len;

		names_generate(buf, sizeof(buf), 1 + i % 5);
		if (regexec(&re, buf, 0, NULL, 0) != 0)
			fail_msg("bad retry name %s", buf);
		assert_true(names_valid(buf));
		len = strlen(buf);
		seen[buf[len - 1] - '0'] = true;
	}
	regfree(&re);
	for (int d = 0; d < 10; d++)
		assert_true(seen[d]);
}

static void test_generate_small_buffers(void **state)
{
	char buf[8];

	(void)state;
	memset(buf, 'z', sizeof(buf));
	names_generate(buf, 5, 0);
	assert_int_equal(strlen(buf), 4);
	assert_int_equal(buf[5], 'z');
	memset(buf, 'z', sizeof(buf));
	names_generate(buf, 1, 3);
	assert_string_equal(buf, "");
	memset(buf, 'z', sizeof(buf));
	names_generate(buf, 0, 0);
	assert_int_equal(buf[0], 'z');
}

static void test_valid_names(void **state)
{
	static const char *const good[] = {
		"ab", "web", "/web", "a1", "1a", "00", "Web_1.2-x", "a-", "a_", "a.", "a..",
		"my-app_db.1", "UPPER", "/x-",
	};
	static const char *const bad[] = {
		"", "/", "a", "/a", "_web", "-web", ".web", "web app", "web/app", "//web",
		"w\303\251b", "web!", "a\n", "a:b", "a+b", " web", "web ",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!names_valid(good[i]))
			fail_msg("rejected '%s'", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (names_valid(bad[i]))
			fail_msg("accepted '%s'", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_shape_and_variety),
		cmocka_unit_test(test_generate_retry_appends_digit),
		cmocka_unit_test(test_generate_small_buffers),
		cmocka_unit_test(test_valid_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
