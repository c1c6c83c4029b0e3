/* The parsers of engine/stats over the text of the kernel files they read,
 * as cgroups v1, cgroups v2 and /proc write them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "engine/stats/stats.h"

/* /proc/stat of a two-CPU host (more fields than Docker sums). */
static const char proc_stat[] =
	"cpu  89763 5 156480 280922 906 7 318 708 0 0\n"
	"cpu0 45248 0 89372 129304 179 0 123 358 0 0\n"
	"cpu1 44514 5 67108 151617 726 7 195 350 0 0\n"
	"intr 7469214 0 9 0 0 0 0 0 0 0 0\n"
	"ctxt 15290126\n"
	"btime 1714550000\n"
	"cpu9 1 1 1 1 1 1 1 1 1 1\n"; /* after the cpu block: not counted */

static void test_proc_stat(void **state)
{
	uint64_t ns = 0;
	uint32_t cpus = 0;

	(void)state;
	assert_int_equal(stats_parse_proc_stat(proc_stat, &ns, &cpus), 0);
	/* user nice system idle iowait irq softirq (not steal), 10 ms a tick */
	assert_int_equal(ns, (89763ULL + 5 + 156480 + 280922 + 906 + 7 + 318) * 10000000ULL);
	assert_int_equal(cpus, 2);
	assert_int_equal(stats_parse_proc_stat("intr 1 2\n", &ns, &cpus), -1);
	assert_int_equal(stats_parse_proc_stat("cpu  1 2 3\n", &ns, &cpus), -1);
}

static void test_meminfo(void **state)
{
	uint64_t bytes = 0;

	(void)state;
	assert_int_equal(stats_parse_meminfo_total("MemTotal:       24683656 kB\n"
						   "MemFree:        23826500 kB\n",
						   &bytes),
			 0);
	assert_int_equal(bytes, 24683656ULL * 1024);
	assert_int_equal(stats_parse_meminfo_total("MemFree: 1 kB\n", &bytes), -1);
}

static void test_single_values(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(stats_parse_u64("204800\n", &v), 0);
	assert_int_equal(v, 204800);
	assert_int_equal(stats_parse_u64("9223372036854771712\n", &v), 0);
	assert_int_equal(v, 9223372036854771712ULL);
	assert_int_equal(stats_parse_u64("max\n", &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(stats_parse_u64("", &v), -1);
	assert_int_equal(stats_parse_u64("12 34\n", &v), -1);
	assert_int_equal(stats_parse_u64("maxi\n", &v), -1);
}

/* The start of a v1 memory.stat: the container's own and hierarchical keys. */
static const char memory_stat_v1[] = "cache 4096\n"
				     "rss 61440\n"
				     "inactive_anon 57344\n"
				     "active_anon 4096\n"
				     "inactive_file 8192\n"
				     "active_file 0\n"
				     "hierarchical_memory_limit 9223372036854771712\n"
				     "total_cache 4096\n"
				     "total_rss 61440\n"
				     "total_inactive_file 12288\n"
				     "total_active_file 0\n";

static void test_memory_stat_keys(void **state)
{
	uint64_t v = 0;
	json_t *all;

	(void)state;
	/* a key must match whole: inactive_file is not total_inactive_file */
	assert_true(stats_parse_key(memory_stat_v1, "inactive_file", &v));
	assert_int_equal(v, 8192);
	assert_true(stats_parse_key(memory_stat_v1, "total_inactive_file", &v));
	assert_int_equal(v, 12288);
	assert_true(stats_parse_key(memory_stat_v1, "cache", &v));
	assert_int_equal(v, 4096);
	assert_false(stats_parse_key(memory_stat_v1, "swap", &v));
	assert_false(stats_parse_key(memory_stat_v1, "total_inactive", &v));

	all = stats_parse_keyed(memory_stat_v1);
	assert_int_equal(json_object_size(all), 11);
	assert_int_equal(json_integer_value(json_object_get(all, "rss")), 61440);
	/* above int64: kept at the largest integer JSON can carry here */
	assert_int_equal(json_integer_value(json_object_get(all, "hierarchical_memory_limit")),
			 9223372036854771712LL);
	json_decref(all);
}

static void test_cpu_stat_v2(void **state)
{
	static const char cpu_stat[] = "usage_usec 1613472\n"
				       "user_usec 1609411\n"
				       "system_usec 4060\n"
				       "nice_usec 0\n"
				       "nr_periods 10\n"
				       "nr_throttled 2\n"
				       "throttled_usec 3000\n";
	uint64_t v = 0;

	(void)state;
	assert_true(stats_parse_key(cpu_stat, "usage_usec", &v));
	assert_int_equal(v, 1613472);
	assert_true(stats_parse_key(cpu_stat, "throttled_usec", &v));
	assert_int_equal(v, 3000);
	assert_true(stats_parse_key(cpu_stat, "nr_throttled", &v));
	assert_int_equal(v, 2);
}

static void test_blkio_v1(void **state)
{
	static const char text[] = "8:0 Read 4096\n"
				   "8:0 Write 12288\n"
				   "8:0 Sync 16384\n"
				   "8:0 Async 0\n"
				   "8:0 Discard 0\n"
				   "8:0 Total 16384\n"
				   "8:16 Read 100\n"
				   "8:16 Write 1\n"
				   "Total 16485\n";
	uint64_t r = 1, w = 1;
	json_t *entries = json_array(), *first;

	(void)state;
	stats_parse_blkio_v1(text, &r, &w, entries);
	assert_int_equal(r, 4196);
	assert_int_equal(w, 12289);
	/* every device line is an entry; the bare "Total" line is not */
	assert_int_equal(json_array_size(entries), 8);
	first = json_array_get(entries, 0);
	assert_int_equal(json_integer_value(json_object_get(first, "major")), 8);
	assert_int_equal(json_integer_value(json_object_get(first, "minor")), 0);
	assert_string_equal(json_string_value(json_object_get(first, "op")), "Read");
	assert_int_equal(json_integer_value(json_object_get(first, "value")), 4096);
	json_decref(entries);

	stats_parse_blkio_v1("Total 0\n", &r, &w, NULL);
	assert_int_equal(r, 0);
	assert_int_equal(w, 0);
}

static void test_io_stat_v2(void **state)
{
	static const char text[] =
		"8:0 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n"
		"253:1 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n";
	uint64_t r = 0, w = 0;
	json_t *entries = json_array(), *e;

	(void)state;
	stats_parse_io_v2(text, &r, &w, entries);
	assert_int_equal(r, 1459200 + 4096);
	assert_int_equal(w, 314773504);
	/* Docker's v2 shape: a "read" and a "write" entry per device */
	assert_int_equal(json_array_size(entries), 4);
	e = json_array_get(entries, 2);
	assert_int_equal(json_integer_value(json_object_get(e, "major")), 253);
	assert_int_equal(json_integer_value(json_object_get(e, "minor")), 1);
	assert_string_equal(json_string_value(json_object_get(e, "op")), "read");
	assert_int_equal(json_integer_value(json_object_get(e, "value")), 4096);
	assert_string_equal(json_string_value(json_object_get(json_array_get(entries, 1), "op")),
			    "write");
	json_decref(entries);
}

static void test_netdev(void **state)
{
	static const char text[] =
		"Inter-|   Receive                                                |  Transmit\n"
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"
		"    lo:    3267      29    0    0    0     0          0         0     3267      29    0    0    0     0       0          0\n"
		"  eth0: 96597614    2710    1    2    0     0          0         0   132971    1884    3    4    0     0       0          0\n"
		"  eth1:1000 10 0 0 0 0 0 0 20 2 0 0 0 0 0 0\n";
	uint64_t rx = 0, tx = 0;
	json_t *nets = json_object(), *eth0;

	(void)state;
	stats_parse_netdev(text, &rx, &tx, nets);
	/* loopback is not the container's network traffic */
	assert_int_equal(rx, 96597614 + 1000);
	assert_int_equal(tx, 132971 + 20);
	assert_null(json_object_get(nets, "lo"));
	assert_int_equal(json_object_size(nets), 2);
	eth0 = json_object_get(nets, "eth0");
	assert_int_equal(json_integer_value(json_object_get(eth0, "rx_packets")), 2710);
	assert_int_equal(json_integer_value(json_object_get(eth0, "rx_errors")), 1);
	assert_int_equal(json_integer_value(json_object_get(eth0, "rx_dropped")), 2);
	assert_int_equal(json_integer_value(json_object_get(eth0, "tx_packets")), 1884);
	assert_int_equal(json_integer_value(json_object_get(eth0, "tx_errors")), 3);
	assert_int_equal(json_integer_value(json_object_get(eth0, "tx_dropped")), 4);
	json_decref(nets);

	/* --network none: only lo, so nothing */
	stats_parse_netdev("    lo:  5 1 0 0 0 0 0 0  5 1 0 0 0 0 0 0\n", &rx, &tx, NULL);
	assert_int_equal(rx, 0);
	assert_int_equal(tx, 0);
}

static void test_proc_cgroup(void **state)
{
	static const char hybrid[] = "9:name=systemd:/berth/abc\n"
				     "8:pids:/berth/abc\n"
				     "7:blkio:/berth/abc\n"
				     "4:memory:/berth/abc\n"
				     "3:cpuset:/berth/abc\n"
				     "2:cpu,cpuacct:/parent/abc\n"
				     "0::/unified/abc\n";
	char path[256];

	(void)state;
	assert_int_equal(stats_parse_proc_cgroup(hybrid, "memory", path, sizeof(path)), 0);
	assert_string_equal(path, "/berth/abc");
	/* co-mounted controllers share a line */
	assert_int_equal(stats_parse_proc_cgroup(hybrid, "cpuacct", path, sizeof(path)), 0);
	assert_string_equal(path, "/parent/abc");
	assert_int_equal(stats_parse_proc_cgroup(hybrid, "cpu", path, sizeof(path)), 0);
	assert_string_equal(path, "/parent/abc");
	/* a word must match whole */
	assert_int_equal(stats_parse_proc_cgroup(hybrid, "cpus", path, sizeof(path)), -1);
	assert_int_equal(stats_parse_proc_cgroup(hybrid, NULL, path, sizeof(path)), 0);
	assert_string_equal(path, "/unified/abc");
	assert_int_equal(stats_parse_proc_cgroup("0::/x\n", "memory", path, sizeof(path)), -1);
	assert_int_equal(stats_parse_proc_cgroup("4:memory:/too-long\n", "memory", path, 5), -1);
}

static void test_percpu(void **state)
{
	json_t *a = stats_parse_percpu("1896230420605 1666994561833 \n");

	(void)state;
	assert_int_equal(json_array_size(a), 2);
	assert_int_equal(json_integer_value(json_array_get(a, 1)), 1666994561833LL);
	json_decref(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_stat),	  cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_single_values),	  cmocka_unit_test(test_memory_stat_keys),
		cmocka_unit_test(test_cpu_stat_v2),	  cmocka_unit_test(test_blkio_v1),
		cmocka_unit_test(test_io_stat_v2),	  cmocka_unit_test(test_netdev),
		cmocka_unit_test(test_proc_cgroup),	  cmocka_unit_test(test_percpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
