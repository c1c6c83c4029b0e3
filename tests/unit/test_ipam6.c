/* IPv6 prefixes, ULA subnets and address leases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "engine/network/ipam6.h"

static struct ipv6_prefix prefix(const char *text)
{
	struct ipv6_prefix p = {0};

	assert_true(ipv6_parse_prefix(text, &p));
	return p;
}

static void text_of(const uint8_t a[16], char out[IPV6_ADDR_TEXT])
{
	ipv6_format_addr(a, out);
}

static void test_parse(void **state)
{
	static const char *const bad_addrs[] = {"", "1.2.3.4", "fd00::zz", "fd00:::1", "[::1]",
						"fd00::1/64", "fd00::1%eth0", NULL};
	static const char *const bad_prefixes[] = {"fd00::", "fd00::/", "fd00::/129", "fd00::/-1",
						   "fd00::/064", "10.0.0.0/8", "fd00::/64x", NULL};
	char text[IPV6_PREFIX_TEXT];
	uint8_t a[16];

	(void)state;
	for (int i = 0; bad_addrs[i]; i++)
		assert_false(ipv6_parse_addr(bad_addrs[i], a));
	for (int i = 0; bad_prefixes[i]; i++) {
		struct ipv6_prefix p;
		assert_false(ipv6_parse_prefix(bad_prefixes[i], &p));
	}
	assert_true(ipv6_parse_addr("FD00:0:0::0001", a));
	text_of(a, text);
	assert_string_equal(text, "fd00::1");
	/* host bits cleared, printed as inet_ntop prints */
	struct ipv6_prefix p = prefix("fd12:3456:789a:1:ffff::1/64");
	ipv6_format_prefix(&p, text);
	assert_string_equal(text, "fd12:3456:789a:1::/64");
	p = prefix("fd12:3456:789a:1:ffff::1/70");
	ipv6_format_prefix(&p, text);
	assert_string_equal(text, "fd12:3456:789a:1:fc00::/70");
}

static void test_contains_overlap(void **state)
{
	struct ipv6_prefix a = prefix("fd00:1::/64"), b = prefix("fd00:1::/48"),
			   c = prefix("fd00:2::/64"), all = prefix("::/0");
	uint8_t in[16], out[16];

	(void)state;
	assert_true(ipv6_parse_addr("fd00:1::abcd", in));
	assert_true(ipv6_parse_addr("fd00:1:0:1::1", out));
	assert_true(ipv6_prefix_contains(&a, in));
	assert_false(ipv6_prefix_contains(&a, out));
	assert_true(ipv6_prefix_contains(&b, out));
	assert_true(ipv6_prefixes_overlap(&a, &b));
	assert_true(ipv6_prefixes_overlap(&b, &a));
	assert_false(ipv6_prefixes_overlap(&a, &c));
	assert_true(ipv6_prefixes_overlap(&all, &c));
}

static void test_pick_subnet(void **state)
{
	struct ipv6_prefix first, again, other, taken[2];
	char text[IPV6_PREFIX_TEXT];
	berr err = {0};

	(void)state;
	assert_int_equal(ipam6_pick_subnet("host-a /var/lib/berth", NULL, 0, &first, &err), 0);
	ipv6_format_prefix(&first, text);
	/* a ULA /64: fd, a 40-bit global ID, subnet 0 */
	assert_int_equal(first.len, 64);
	assert_int_equal(first.addr[0], 0xfd);
	assert_int_equal(first.addr[6] | first.addr[7], 0);
	/* stable for a seed, different for another */
	assert_int_equal(ipam6_pick_subnet("host-a /var/lib/berth", NULL, 0, &again, &err), 0);
	assert_memory_equal(first.addr, again.addr, 16);
	assert_int_equal(ipam6_pick_subnet("host-b /var/lib/berth", NULL, 0, &other, &err), 0);
	assert_memory_not_equal(first.addr, other.addr, 6);
	/* the next subnet of the /48 when the first is taken */
	taken[0] = first;
	assert_int_equal(ipam6_pick_subnet("host-a /var/lib/berth", taken, 1, &again, &err), 0);
	assert_memory_equal(first.addr, again.addr, 6);
	assert_int_equal(again.addr[7], 1);
	/* a taken /48 covering all of them: none is left */
	taken[1] = first;
	taken[1].len = 48;
	assert_int_equal(ipam6_pick_subnet("host-a /var/lib/berth", taken, 2, &again, &err), -1);
	assert_int_equal(err.kind, BERR_CONFLICT);
}

static void test_pick_address(void **state)
{
	struct ipv6_prefix net = prefix("fd00:9::/64"), tiny = prefix("fd00:9::/127");
	uint8_t used[3][16], got[16];
	char text[IPV6_ADDR_TEXT];
	berr err = {0};

	(void)state;
	assert_int_equal(ipam6_pick_address(&net, NULL, 0, got, &err), 0);
	text_of(got, text);
	assert_string_equal(text, "fd00:9::1");
	assert_true(ipv6_parse_addr("fd00:9::1", used[0]));
	assert_true(ipv6_parse_addr("fd00:9::3", used[1]));
	assert_true(ipv6_parse_addr("fd00:9::2", used[2]));
	assert_int_equal(ipam6_pick_address(&net, (const uint8_t(*)[16])used, 3, got, &err), 0);
	text_of(got, text);
	assert_string_equal(text, "fd00:9::4");
	/* a /127 has one address after the subnet-router one */
	assert_int_equal(ipam6_pick_address(&tiny, (const uint8_t(*)[16])used, 1, got, &err), -1);
	assert_int_equal(err.kind, BERR_CONFLICT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_contains_overlap),
		cmocka_unit_test(test_pick_subnet),
		cmocka_unit_test(test_pick_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
