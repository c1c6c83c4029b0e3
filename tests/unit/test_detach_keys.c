/* Detach keys: Docker's syntax, and input with a partial sequence held
 * back across reads, the rest passed on in one piece. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/core/detach_keys.h"

static void test_parse(void **state)
{
	unsigned char keys[16];

	(void)state;
	assert_int_equal(detach_keys_parse("ctrl-p,ctrl-q", keys, sizeof(keys)), 2);
	assert_int_equal(keys[0], 0x10);
	assert_int_equal(keys[1], 0x11);
	assert_int_equal(detach_keys_parse("a,ctrl-@", keys, sizeof(keys)), 2);
	assert_int_equal(keys[0], 'a');
	assert_int_equal(keys[1], 0);
}

static void test_filter_passes_and_detaches(void **state)
{
	const unsigned char keys[] = {0x10, 0x11};
	unsigned char out[64];
	size_t matched = 0, len;
	bool detached;

	(void)state;
	/* plain input goes through whole */
	len = detach_keys_filter(keys, 2, &matched, (const unsigned char *)"hello", 5, out, &detached);
	assert_int_equal(len, 5);
	assert_memory_equal(out, "hello", 5);
	assert_false(detached);
	/* what comes before the sequence goes; the sequence does not */
	len = detach_keys_filter(keys, 2, &matched, (const unsigned char *)"ab\x10\x11zz", 6, out,
				 &detached);
	assert_true(detached);
	assert_int_equal(len, 2);
	assert_memory_equal(out, "ab", 2);
}

static void test_filter_holds_across_reads(void **state)
{
	const unsigned char keys[] = {0x10, 0x11};
	unsigned char out[64];
	size_t matched = 0, len;
	bool detached;

	(void)state;
	/* a partial sequence is held back... */
	len = detach_keys_filter(keys, 2, &matched, (const unsigned char *)"x\x10", 2, out, &detached);
	assert_int_equal(len, 1);
	assert_int_equal(matched, 1);
	/* ...and given back when it breaks off */
	len = detach_keys_filter(keys, 2, &matched, (const unsigned char *)"y", 1, out, &detached);
	assert_false(detached);
	assert_int_equal(len, 2);
	assert_memory_equal(out, "\x10y", 2);
	assert_int_equal(matched, 0);
	/* or completed by the next read */
	detach_keys_filter(keys, 2, &matched, (const unsigned char *)"\x10", 1, out, &detached);
	len = detach_keys_filter(keys, 2, &matched, (const unsigned char *)"\x11", 1, out, &detached);
	assert_true(detached);
	assert_int_equal(len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse),
	    cmocka_unit_test(test_filter_passes_and_detaches),
	    cmocka_unit_test(test_filter_holds_across_reads),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
