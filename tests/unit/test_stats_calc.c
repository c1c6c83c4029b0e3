/* Docker's stats arithmetic, the Engine API stats object built from
 * samples, the figures docker/cli derives from it, and the history ring. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "engine/stats/stats.h"

#define assert_close(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-9)

static void test_cpu_percent(void **state)
{
	(void)state;
	/* docker/cli's own example: 100 of 1000 on 4 CPUs is 40% */
	assert_close(stats_cpu_percent(0, 0, 100, 1000, 4), 40.0);
	/* one CPU busy for a second on a 2-CPU host: 100% */
	assert_close(stats_cpu_percent(5000000000ULL, 100000000000ULL, 6000000000ULL,
				       102000000000ULL, 2),
		     100.0);
	/* no time passed, or the counter went back: 0, never negative or NaN */
	assert_close(stats_cpu_percent(10, 1000, 20, 1000, 2), 0.0);
	assert_close(stats_cpu_percent(20, 1000, 10, 2000, 2), 0.0);
	assert_close(stats_cpu_percent(0, 0, 0, 0, 0), 0.0);
}

static void test_memory(void **state)
{
	(void)state;
	assert_int_equal(stats_mem_no_cache(100, 30), 70);
	/* inactive file pages at or above usage: usage stands */
	assert_int_equal(stats_mem_no_cache(100, 100), 100);
	assert_int_equal(stats_mem_no_cache(100, 200), 100);
	assert_close(stats_mem_percent(50, 200), 25.0);
	assert_close(stats_mem_percent(50, 0), 0.0);
}

/* A stats object as the Engine API sends it from a cgroup v1 host. */
static const char v1_stats[] =
	"{\"read\":\"2024-05-01T10:00:01.5Z\",\"preread\":\"2024-05-01T10:00:00.5Z\","
	"\"pids_stats\":{\"current\":3},"
	"\"blkio_stats\":{\"io_service_bytes_recursive\":["
	"{\"major\":8,\"minor\":0,\"op\":\"Read\",\"value\":1000},"
	"{\"major\":8,\"minor\":0,\"op\":\"Write\",\"value\":2000},"
	"{\"major\":8,\"minor\":0,\"op\":\"Total\",\"value\":3000},"
	"{\"major\":8,\"minor\":16,\"op\":\"Read\",\"value\":500}]},"
	"\"cpu_stats\":{\"cpu_usage\":{\"total_usage\":3000000000,\"percpu_usage\":[1,2]},"
	"\"system_cpu_usage\":20000000000},"
	"\"precpu_stats\":{\"cpu_usage\":{\"total_usage\":2500000000},"
	"\"system_cpu_usage\":18000000000,\"online_cpus\":2},"
	"\"memory_stats\":{\"usage\":10485760,\"limit\":104857600,"
	"\"stats\":{\"total_inactive_file\":4194304,\"inactive_file\":1}},"
	"\"name\":\"/web\",\"id\":\"abc\","
	"\"networks\":{\"eth0\":{\"rx_bytes\":1200,\"tx_bytes\":34},\"eth1\":{\"rx_bytes\":800,\"tx_bytes\":66}}}";

static void test_entry_v1(void **state)
{
	json_t *stats = json_loads(v1_stats, 0, NULL);
	struct stats_entry e;

	(void)state;
	assert_non_null(stats);
	stats_entry_from_json(stats, &e);
	assert_true(e.has_data);
	/* online_cpus missing from cpu_stats: the length of percpu_usage (2) */
	assert_close(e.cpu_percent, 0.5e9 / 2e9 * 2 * 100);
	/* v1: usage minus total_inactive_file */
	assert_close(e.mem_usage, 10485760 - 4194304);
	assert_close(e.mem_limit, 104857600);
	assert_close(e.mem_percent, (10485760.0 - 4194304) / 104857600 * 100);
	assert_close(e.net_rx, 2000);
	assert_close(e.net_tx, 100);
	/* Read and Write count, Total does not */
	assert_close(e.blk_read, 1500);
	assert_close(e.blk_write, 2000);
	assert_int_equal(e.pids, 3);
	json_decref(stats);
}

static void test_entry_v2_and_empty(void **state)
{
	json_t *v2 = json_loads(
		"{\"read\":\"2024-05-01T10:00:01Z\",\"memory_stats\":{\"usage\":5000,\"limit\":10000,"
		"\"stats\":{\"inactive_file\":1000}},\"blkio_stats\":{\"io_service_bytes_recursive\":["
		"{\"op\":\"read\",\"value\":7},{\"op\":\"write\",\"value\":9}]}}",
		0, NULL);
	json_t *stopped = json_loads(
		"{\"read\":\"0001-01-01T00:00:00Z\",\"preread\":\"0001-01-01T00:00:00Z\","
		"\"pids_stats\":{},\"memory_stats\":{},\"name\":\"/db\",\"id\":\"def\"}",
		0, NULL);
	struct stats_entry e;

	(void)state;
	stats_entry_from_json(v2, &e);
	assert_close(e.mem_usage, 4000);
	assert_close(e.mem_percent, 40.0);
	assert_close(e.blk_read, 7);
	assert_close(e.blk_write, 9);
	assert_close(e.cpu_percent, 0);
	stats_entry_from_json(stopped, &e);
	assert_false(e.has_data);
	assert_close(e.mem_usage, 0);
	assert_close(e.mem_limit, 0);
	assert_close(e.mem_percent, 0);
	assert_int_equal(e.pids, 0);
	json_decref(v2);
	json_decref(stopped);
}

/* Fills a target with two v1 readings one second apart. */
static void two_readings(struct stats_target *t)
{
	stats_target_init(t, "0123456789abcdef", "web", 42, "berth");
	t->pre.read = 1714557600LL * 1000000000;
	t->pre.cpu_total = 1000000000;
	t->pre.system_cpu = 100000000000ULL;
	t->pre.online_cpus = 2;
	t->pre.net_rx = 1000;
	t->pre.blk_write = 0;
	t->cur = t->pre;
	t->cur.read += 1000000000;
	t->cur.cpu_total += 500000000; /* half a CPU */
	t->cur.system_cpu += 2000000000;
	t->cur.mem_usage = 8 << 20;
	t->cur.mem_inactive_file = 2 << 20;
	t->cur.mem_limit = 1 << 30;
	t->cur.net_rx = 3000;
	t->cur.net_tx = 500;
	t->cur.blk_write = 4096;
	t->cur.pids = 2;
	t->cur.has_networks = true;
	t->cur.networks = json_pack("{s:{s:i, s:i}}", "eth0", "rx_bytes", 3000, "tx_bytes", 500);
	t->cur.mem_stats = json_pack("{s:i}", "total_inactive_file", 2 << 20);
	t->cur.blkio = json_pack("[{s:i, s:i, s:s, s:i}]", "major", 8, "minor", 0, "op", "Write",
				 "value", 4096);
}

static void test_docker_json(void **state)
{
	struct stats_target t;
	struct stats_entry e;
	json_t *j;

	(void)state;
	two_readings(&t);
	j = stats_docker_json(&t);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "/web");
	assert_string_equal(json_string_value(json_object_get(j, "id")), "0123456789abcdef");
	assert_string_equal(json_string_value(json_object_get(j, "read")), "2024-05-01T10:00:01Z");
	assert_string_equal(json_string_value(json_object_get(j, "preread")), "2024-05-01T10:00:00Z");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "cpu_stats"), "online_cpus")), 2);
	/* the round trip through docker/cli's arithmetic */
	stats_entry_from_json(j, &e);
	assert_close(e.cpu_percent, 50.0);
	assert_close(e.mem_usage, 6 << 20);
	assert_close(e.mem_limit, 1 << 30);
	assert_close(e.net_rx, 3000);
	assert_close(e.net_tx, 500);
	assert_close(e.blk_write, 4096);
	assert_int_equal(e.pids, 2);
	/* Go's field order, so the API face can pass it through */
	const char *keys[] = {"read",	      "preread",      "pids_stats",   "blkio_stats",
			      "num_procs",    "storage_stats", "cpu_stats",	"precpu_stats",
			      "memory_stats", "name",	      "id",	      "networks"};
	void *iter = json_object_iter(j);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++, iter = json_object_iter_next(j, iter)) {
		assert_non_null(iter);
		assert_string_equal(json_object_iter_key(iter), keys[i]);
	}
	json_decref(j);

	/* not running: Docker's empty object, every figure zero */
	stats_target_free(&t);
	stats_target_init(&t, "fedcba", "/db", 0, "berth");
	j = stats_docker_json(&t);
	assert_string_equal(json_string_value(json_object_get(j, "name")), "/db");
	assert_string_equal(json_string_value(json_object_get(j, "read")), "0001-01-01T00:00:00Z");
	assert_int_equal(json_object_size(json_object_get(j, "memory_stats")), 0);
	assert_null(json_object_get(j, "networks"));
	assert_true(json_is_null(json_object_get(json_object_get(j, "blkio_stats"),
						 "io_service_bytes_recursive")));
	stats_entry_from_json(j, &e);
	assert_false(e.has_data);
	json_decref(j);
	stats_target_free(&t);
}

static void test_point_and_ring(void **state)
{
	struct stats_target t;
	struct stats_point p, out[STATS_HISTORY_LEN + 5];
	struct stats_ring ring;

	(void)state;
	two_readings(&t);
	assert_true(stats_point_from_target(&t, &p));
	assert_close(p.cpu_percent, 50.0);
	assert_close(p.mem_usage, 6 << 20);
	assert_close(p.net_rx_rate, 2000.0);
	assert_close(p.blk_write_rate, 4096.0);
	t.pre.read = 0;
	assert_false(stats_point_from_target(&t, &p));
	stats_target_free(&t);

	memset(&ring, 0, sizeof(ring));
	assert_int_equal(stats_ring_copy(&ring, out, 10), 0);
	for (int i = 0; i < STATS_HISTORY_LEN + 3; i++) {
		memset(&p, 0, sizeof(p));
		p.time = i;
		stats_ring_push(&ring, &p);
	}
	/* full: the oldest three dropped, oldest first */
	assert_int_equal(stats_ring_copy(&ring, out, STATS_HISTORY_LEN + 5), STATS_HISTORY_LEN);
	assert_int_equal(out[0].time, 3);
	assert_int_equal(out[STATS_HISTORY_LEN - 1].time, STATS_HISTORY_LEN + 2);
	/* fewer asked: the newest ones */
	assert_int_equal(stats_ring_copy(&ring, out, 2), 2);
	assert_int_equal(out[0].time, STATS_HISTORY_LEN + 1);
	assert_int_equal(out[1].time, STATS_HISTORY_LEN + 2);
}

static void test_history(void **state)
{
	struct stats_point p = {0}, out[4];

	(void)state;
	assert_int_equal(stats_history_get("c1", out, 4), 0);
	for (int i = 1; i <= 5; i++) {
		p.cpu_percent = i;
		stats_history_record("c1", &p);
	}
	p.cpu_percent = 99;
	stats_history_record("c2", &p);
	assert_int_equal(stats_history_get("c1", out, 4), 4);
	assert_close(out[0].cpu_percent, 2);
	assert_close(out[3].cpu_percent, 5);
	assert_int_equal(stats_history_get("c2", out, 4), 1);
	assert_close(out[0].cpu_percent, 99);
	stats_history_forget("c1");
	assert_int_equal(stats_history_get("c1", out, 4), 0);
	assert_int_equal(stats_history_get("c2", out, 4), 1);
	stats_history_forget("c2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_percent),	   cmocka_unit_test(test_memory),
		cmocka_unit_test(test_entry_v1),	   cmocka_unit_test(test_entry_v2_and_empty),
		cmocka_unit_test(test_docker_json),	   cmocka_unit_test(test_point_and_ring),
		cmocka_unit_test(test_history),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
