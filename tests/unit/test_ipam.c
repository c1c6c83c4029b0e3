/* IPv4 prefixes, Docker's default pools and address leases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "engine/network/ipam.h"

static uint32_t addr(const char *text)
{
	uint32_t a = 0;

	assert_true(ipv4_parse_addr(text, &a));
	return a;
}

static struct ipv4_prefix prefix(const char *text)
{
	struct ipv4_prefix p = {0};

	assert_true(ipv4_parse_prefix(text, &p));
	return p;
}

static void test_parse_addr(void **state)
{
	static const char *const bad[] = {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4 ",
					  "01.2.3.4", "1..3.4", "a.b.c.d", "1.2.3.-4", "1.2.3.4/8",
					  "1234.1.1.1", NULL};
	char text[IPV4_ADDR_TEXT];
	uint32_t a;

	(void)state;
	assert_int_equal(addr("10.0.0.1"), 0x0a000001);
	assert_int_equal(addr("255.255.255.255"), 0xffffffffu);
	assert_int_equal(addr("0.0.0.0"), 0);
	for (int i = 0; bad[i]; i++)
		assert_false(ipv4_parse_addr(bad[i], &a));
	ipv4_format_addr(0xac110002, text);
	assert_string_equal(text, "172.17.0.2");
}

static void test_parse_prefix(void **state)
{
	static const char *const bad[] = {"10.0.0/24", "10.4.0.0/33", "10.0.0.0", "10.0.0.0/",
					  "10.0.0.0/-1", "10.0.0.0/+8", "10.0.0.0/08", "/24",
					  "10.0.0.0/24x", NULL};
	struct ipv4_prefix p;
	char text[IPV4_PREFIX_TEXT];

	(void)state;
	p = prefix("10.1.2.3/16");
	assert_int_equal(p.addr, 0x0a010000);
	assert_int_equal(p.len, 16);
	ipv4_format_prefix(&p, text);
	assert_string_equal(text, "10.1.0.0/16");
	p = prefix("0.0.0.0/0");
	assert_int_equal(p.len, 0);
	p = prefix("10.9.9.9/32");
	assert_int_equal(p.addr, 0x0a090909);
	for (int i = 0; bad[i]; i++)
		assert_false(ipv4_parse_prefix(bad[i], &p));
}

static void test_overlap(void **state)
{
	struct ipv4_prefix a = prefix("10.9.0.0/16"), b = prefix("10.9.1.0/24"),
			   c = prefix("10.10.0.0/16"), all = prefix("0.0.0.0/0");

	(void)state;
	assert_true(ipv4_prefixes_overlap(&a, &b));
	assert_true(ipv4_prefixes_overlap(&b, &a));
	assert_false(ipv4_prefixes_overlap(&a, &c));
	assert_true(ipv4_prefixes_overlap(&all, &c));
	assert_true(ipv4_prefix_within(&b, &a));
	assert_false(ipv4_prefix_within(&a, &b));
	assert_true(ipv4_prefix_contains(&a, addr("10.9.255.255")));
	assert_false(ipv4_prefix_contains(&a, addr("10.8.255.255")));
}

static void test_pick_subnet(void **state)
{
	struct ipv4_prefix taken[40], got;
	char text[IPV4_PREFIX_TEXT];
	berr err = {0};

	(void)state;
	assert_int_equal(ipam_pick_subnet(NULL, 0, &got, &err), 0);
	ipv4_format_prefix(&got, text);
	assert_string_equal(text, "172.17.0.0/16");
	/* Docker's docker0 holds 172.17: the next pool */
	taken[0] = prefix("172.17.0.0/16");
	assert_int_equal(ipam_pick_subnet(taken, 1, &got, &err), 0);
	ipv4_format_prefix(&got, text);
	assert_string_equal(text, "172.18.0.0/16");
	/* a smaller route inside a pool takes the whole pool */
	taken[1] = prefix("172.18.5.0/24");
	assert_int_equal(ipam_pick_subnet(taken, 2, &got, &err), 0);
	ipv4_format_prefix(&got, text);
	assert_string_equal(text, "172.19.0.0/16");
	/* all of 172.16/12 taken: 192.168.0.0/20 next, then /20 steps */
	taken[0] = prefix("172.16.0.0/12");
	taken[1] = prefix("192.168.0.0/20");
	assert_int_equal(ipam_pick_subnet(taken, 2, &got, &err), 0);
	ipv4_format_prefix(&got, text);
	assert_string_equal(text, "192.168.16.0/20");
	/* everything taken: Docker's words */
	taken[1] = prefix("192.168.0.0/16");
	assert_int_equal(ipam_pick_subnet(taken, 2, &got, &err), -1);
	assert_int_equal(err.kind, BERR_CONFLICT);
	assert_non_null(strstr(err.msg, "non-overlapping IPv4 address pool"));
}

static void test_pick_address(void **state)
{
	struct ipv4_prefix net = prefix("10.0.0.0/29"), range = prefix("10.0.0.4/30");
	struct ipv4_prefix none = {0, 0}, tiny = prefix("10.0.0.0/31");
	uint32_t used[8], got;
	berr err = {0};

	(void)state;
	/* the gateway is a used address like any other */
	used[0] = addr("10.0.0.1");
	assert_int_equal(ipam_pick_address(&net, &none, used, 1, &got, &err), 0);
	assert_int_equal(got, addr("10.0.0.2"));
	used[1] = addr("10.0.0.3");
	used[2] = addr("10.0.0.2");
	assert_int_equal(ipam_pick_address(&net, &none, used, 3, &got, &err), 0);
	assert_int_equal(got, addr("10.0.0.4"));
	/* within --ip-range, never the broadcast address */
	used[3] = addr("10.0.0.4");
	used[4] = addr("10.0.0.5");
	used[5] = addr("10.0.0.6");
	assert_int_equal(ipam_pick_address(&net, &range, used, 6, &got, &err), -1);
	assert_int_equal(err.kind, BERR_CONFLICT);
	assert_int_equal(ipam_pick_address(&net, &range, used, 5, &got, &err), 0);
	assert_int_equal(got, addr("10.0.0.6"));
	/* a /31 has no host addresses to lease */
	assert_int_equal(ipam_pick_address(&tiny, &none, NULL, 0, &got, &err), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_addr),  cmocka_unit_test(test_parse_prefix),
		cmocka_unit_test(test_overlap),     cmocka_unit_test(test_pick_subnet),
		cmocka_unit_test(test_pick_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
