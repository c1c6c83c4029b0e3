/* The container resolver's messages: A and AAAA answers, PTR names of
 * both families (built from the shim's own source). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <string.h>

#include "engine/runtime/shim/dns_message.h"

/* A query for name of type, ID 0x1234, recursion desired. */
static size_t query(const char *name, uint16_t type, uint8_t *out)
{
	size_t off = 12;
	const char *p = name;

	memset(out, 0, 12);
	out[0] = 0x12;
	out[1] = 0x34;
	out[2] = 0x01;
	out[5] = 1;
	while (*p) {
		size_t n = strcspn(p, ".");
		out[off++] = (uint8_t)n;
		memcpy(out + off, p, n);
		off += n;
		p += n + (p[n] == '.');
	}
	out[off++] = 0;
	out[off++] = (uint8_t)(type >> 8);
	out[off++] = (uint8_t)type;
	out[off++] = 0;
	out[off++] = 1;
	return off;
}

static void test_aaaa_answer(void **state)
{
	uint8_t msg[512], out[512], addrs[2 * 16];
	struct dns_question q;
	size_t len = query("Web.Net", DNS_TYPE_AAAA, msg), n;

	(void)state;
	assert_true(dns_parse_query(msg, len, &q));
	assert_string_equal(q.name, "web.net");
	assert_int_equal(q.type, DNS_TYPE_AAAA);
	assert_int_equal(inet_pton(AF_INET6, "fd00::2", addrs), 1);
	assert_int_equal(inet_pton(AF_INET6, "fd00::3", addrs + 16), 1);
	n = dns_build_answer(msg, &q, DNS_RCODE_NOERROR, addrs, 16, 2, NULL, out, sizeof(out));
	/* the question, then two records of 12 + 16 bytes */
	assert_int_equal(n, len + 2 * (12 + 16));
	assert_int_equal(out[7], 2);
	assert_int_equal(out[len + 2] << 8 | out[len + 3], DNS_TYPE_AAAA);
	assert_int_equal(out[len + 10] << 8 | out[len + 11], 16);
	assert_memory_equal(out + len + 12, addrs, 16);
	assert_memory_equal(out + len + 28 + 12, addrs + 16, 16);
	/* an answer is no query */
	assert_false(dns_parse_query(out, n, &q));
}

static void test_a_answer(void **state)
{
	uint8_t msg[512], out[512], addr[4] = {172, 18, 0, 2};
	struct dns_question q;
	size_t len = query("web", DNS_TYPE_A, msg), n;

	(void)state;
	assert_true(dns_parse_query(msg, len, &q));
	n = dns_build_answer(msg, &q, DNS_RCODE_NOERROR, addr, 4, 1, NULL, out, sizeof(out));
	assert_int_equal(n, len + 12 + 4);
	assert_int_equal(out[len + 2] << 8 | out[len + 3], DNS_TYPE_A);
	assert_memory_equal(out + len + 12, addr, 4);
	/* an address length that is neither A's nor AAAA's builds nothing */
	assert_int_equal(dns_build_answer(msg, &q, 0, addr, 3, 1, NULL, out, sizeof(out)), 0);
	/* too small a buffer builds nothing */
	assert_int_equal(dns_build_answer(msg, &q, 0, addr, 4, 1, NULL, out, len + 8), 0);
}

static void test_reverse_names(void **state)
{
	uint8_t a6[16], want[16];
	uint32_t a4;
	const char *v6 = "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa";

	(void)state;
	assert_true(dns_reverse_name("2.0.18.172.in-addr.arpa", &a4));
	assert_memory_equal(&a4, ((uint8_t[]){172, 18, 0, 2}), 4);
	assert_true(dns_reverse_name6(v6, a6));
	assert_int_equal(inet_pton(AF_INET6, "fd00::2", want), 1);
	assert_memory_equal(a6, want, 16);
	assert_false(dns_reverse_name6("2.0.ip6.arpa", a6));
	assert_false(dns_reverse_name6(
		"g.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa", a6));
	assert_false(dns_reverse_name6(
		"2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.in6.arpa", a6));
	assert_false(dns_reverse_name6(
		"20.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.df.ip6.arpa", a6));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aaaa_answer),
		cmocka_unit_test(test_a_answer),
		cmocka_unit_test(test_reverse_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
