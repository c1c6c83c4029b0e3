/* SHA-256 against the FIPS 180-4 / NIST vectors, streamed in odd pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "engine/core/sha256.h"

static void expect_digest(const char *input, size_t len, const char *hex)
{
	char out[SHA256_HEX_SIZE];

	sha256_data_hex(input, len, out);
	assert_string_equal(out, hex);
}

static void test_empty(void **state)
{
	(void)state;
	expect_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_abc(void **state)
{
	(void)state;
	expect_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_two_blocks(void **state)
{
	const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	(void)state;
	expect_digest(msg, strlen(msg),
		      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_896_bits(void **state)
{
	const char *msg = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
			  "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

	(void)state;
	expect_digest(msg, strlen(msg),
		      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

/* One million 'a's fed in uneven chunks exercises the block buffering. */
static void test_million_a_streamed(void **state)
{
	struct sha256_ctx ctx;
	char chunk[997];
	char out[SHA256_HEX_SIZE];
	size_t left = 1000000;
	size_t step = 1;

	(void)state;
	memset(chunk, 'a', sizeof(chunk));
	sha256_init(&ctx);
	while (left > 0) {
		size_t n = step < left ? step : left;

		sha256_update(&ctx, chunk, n);
		left -= n;
		step = step % sizeof(chunk) + 63;
		if (step > sizeof(chunk))
			step = 1;
	}
	sha256_final_hex(&ctx, out);
	assert_string_equal(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Lengths around the 55/56/64-byte padding boundaries match one-shot hashing
 * of the same bytes split at every position. */
static void test_padding_boundaries(void **state)
{
	uint8_t data[130];
	char whole[SHA256_HEX_SIZE];
	char split[SHA256_HEX_SIZE];

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	for (size_t len = 50; len <= sizeof(data); len++) {
		sha256_data_hex(data, len, whole);
		for (size_t cut = 0; cut <= len; cut += 13) {
			struct sha256_ctx ctx;

			sha256_init(&ctx);
			sha256_update(&ctx, data, cut);
			sha256_update(&ctx, data + cut, len - cut);
			sha256_final_hex(&ctx, split);
			assert_string_equal(whole, split);
		}
	}
	sha256_data_hex(data, 55, whole);
	assert_string_equal(whole, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b");
}

/* The processor's SHA extensions (where there are) and the portable code
 * agree on every length around block boundaries and on a long input. */
static void test_both_ways(void **state)
{
	size_t big = 1 << 20;
	unsigned char *data = malloc(big);
	char fast[SHA256_HEX_SIZE], portable[SHA256_HEX_SIZE];
	uint32_t x = 12345;

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < big; i++) {
		x = x * 1103515245 + 12345;
		data[i] = (unsigned char)(x >> 16);
	}
	for (size_t len = 0; len <= 300; len++) {
		sha256_data_hex(data, len, fast);
		sha256_force_portable(true);
		sha256_data_hex(data, len, portable);
		sha256_force_portable(false);
		assert_string_equal(fast, portable);
	}
	sha256_data_hex(data, big, fast);
	sha256_force_portable(true);
	sha256_data_hex(data, big, portable);
	expect_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha256_force_portable(false);
	assert_string_equal(fast, portable);
	free(data);
}

static void test_is_hex(void **state)
{
	(void)state;
	assert_true(sha256_is_hex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	assert_false(sha256_is_hex("E3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	assert_false(sha256_is_hex("e3b0c442"));
	assert_false(sha256_is_hex(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_abc),
		cmocka_unit_test(test_two_blocks),
		cmocka_unit_test(test_896_bits),
		cmocka_unit_test(test_million_a_streamed),
		cmocka_unit_test(test_padding_boundaries),
		cmocka_unit_test(test_both_ways),
		cmocka_unit_test(test_is_hex),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
