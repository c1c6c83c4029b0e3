/* Resource limits and security options: dockerd's checks and words, the
 * cgroup v1 and v2 files they become, and the CLI's parsers for them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/limits.h"
#include "engine/container/resources.h"
#include "engine/container/security.h"
#include "engine/runtime/caps.h"

/* A host as the checks see it: two CPUs, v1, swap accounting, CFQ weights. */
static struct cgroup_features host_v1(void)
{
	struct cgroup_features f = {
	    .v2 = false, .swap = true, .blkio_weight = "blkio.weight", .ncpu = 2};
	snprintf(f.cpus, sizeof(f.cpus), "0-1");
	snprintf(f.mems, sizeof(f.mems), "0");
	return f;
}

static struct cgroup_features host_v2(void)
{
	struct cgroup_features f = host_v1();
	f.v2 = true;
	f.blkio_weight = "io.weight";
	return f;
}

/* Checks hc (JSON text) for a create and expects the error message. */
static void expect_refused(const char *hc_text, const char *want)
{
	struct cgroup_features f = host_v1();
	json_t *hc = json_loads(hc_text, 0, NULL), *before = json_deep_copy(hc);
	berr err = {0};

	assert_non_null(hc);
	if (resources_check(hc, false, &f, NULL, &err) == 0)
		fail_msg("%s: accepted, expected \"%s\"", hc_text, want);
	assert_string_equal(err.msg, want);
	assert_int_equal(err.kind, BERR_INVALID);
	/* a refused HostConfig is left as it was */
	assert_true(json_equal(hc, before));
	json_decref(hc);
	json_decref(before);
}

static void test_check_errors(void **state)
{
	(void)state;
	expect_refused("{\"Memory\": 4194304}", "Minimum memory limit allowed is 6MB");
	expect_refused("{\"Memory\": 10485760, \"MemorySwap\": 5242880}",
	               "Minimum memoryswap limit should be larger than memory limit, see usage");
	expect_refused(
	    "{\"MemorySwap\": 10485760}",
	    "You should always set the Memory limit when using Memoryswap limit, see usage");
	expect_refused("{\"MemoryReservation\": 1048576}",
	               "Minimum memory reservation allowed is 6MB");
	expect_refused(
	    "{\"Memory\": 10485760, \"MemoryReservation\": 20971520}",
	    "Minimum memory limit can not be less than memory reservation limit, see usage");
	expect_refused("{\"NanoCpus\": 3000000000}",
	               "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available");
	expect_refused("{\"NanoCpus\": -1}",
	               "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available");
	expect_refused("{\"NanoCpus\": 1000000000, \"CpuPeriod\": 50000}",
	               "Conflicting options: Nano CPUs and CPU Period cannot both be set");
	expect_refused("{\"NanoCpus\": 1000000000, \"CpuQuota\": 50000}",
	               "Conflicting options: Nano CPUs and CPU Quota cannot both be set");
	expect_refused(
	    "{\"CpuPeriod\": 999}",
	    "CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)");
	expect_refused("{\"CpuQuota\": 999}", "CPU cfs quota can not be less than 1ms (i.e. 1000)");
	expect_refused("{\"CpusetCpus\": \"0-x\"}",
	               "Invalid value 0-x for cpuset cpus: invalid format: 0-x");
	expect_refused("{\"CpusetCpus\": \"1-0\"}",
	               "Invalid value 1-0 for cpuset cpus: invalid format: 1-0");
	expect_refused("{\"CpusetCpus\": \"0,,1\"}",
	               "Invalid value 0,,1 for cpuset cpus: invalid format: 0,,1");
	expect_refused("{\"CpusetCpus\": \"0-3\"}",
	               "Requested CPUs are not available - requested 0-3, available: 0-1");
	expect_refused("{\"CpusetCpus\": \"99999\"}",
	               "Requested CPUs are not available - requested 99999, available: 0-1");
	expect_refused("{\"CpusetMems\": \"1\"}",
	               "Requested memory nodes are not available - requested 1, available: 0");
	expect_refused("{\"BlkioWeight\": 5}", "Range of blkio weight is from 10 to 1000");
	expect_refused("{\"ShmSize\": -1}", "SHM size can not be less than 0");
	expect_refused("{\"Ulimits\": [{\"Name\": \"bogus\", \"Soft\": 1, \"Hard\": 1}]}",
	               "invalid ulimit type: bogus");
	expect_refused("{\"Ulimits\": [{\"Name\": \"nofile\", \"Soft\": 3, \"Hard\": 2}]}",
	               "ulimit soft limit must be less than or equal to hard limit: 3 > 2");
}

static void test_check_adjusts(void **state)
{
	struct cgroup_features f = host_v1();
	json_t *warnings = json_array();
	berr err = {0};
	(void)state;

	json_t *hc = json_pack("{s:I, s:i, s:i}", "Memory", (json_int_t)8388608, "CpuShares", 1,
	                       "PidsLimit", -1);
	assert_int_equal(resources_check(hc, false, &f, warnings, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(hc, "MemorySwap")), 16777216);
	assert_int_equal(json_integer_value(json_object_get(hc, "CpuShares")), 2);
	assert_int_equal(json_integer_value(json_object_get(hc, "ShmSize")), 67108864);
	assert_int_equal(json_integer_value(json_object_get(hc, "PidsLimit")), 0);
	assert_int_equal(json_array_size(warnings), 0);
	json_decref(hc);

	/* no swap accounting: memory limited without swap, as dockerd warns */
	f.swap = false;
	f.blkio_weight = NULL;
	hc = json_pack("{s:I, s:i, s:i}", "Memory", (json_int_t)8388608, "CpuShares", 300000,
	               "BlkioWeight", 500);
	assert_int_equal(resources_check(hc, false, &f, warnings, &err), 0);
	assert_int_equal(json_integer_value(json_object_get(hc, "MemorySwap")), -1);
	assert_int_equal(json_integer_value(json_object_get(hc, "CpuShares")), 262144);
	assert_int_equal(json_integer_value(json_object_get(hc, "BlkioWeight")), 0);
	assert_int_equal(json_array_size(warnings), 2);
	assert_non_null(strstr(json_string_value(json_array_get(warnings, 0)), "swap limit"));
	json_decref(hc);

	/* an update may set swap alone and does not take create's defaults */
	f = host_v1();
	hc = json_pack("{s:I}", "MemorySwap", (json_int_t)104857600);
	assert_int_equal(resources_check(hc, true, &f, NULL, &err), 0);
	assert_null(json_object_get(hc, "ShmSize"));
	json_decref(hc);
	json_decref(warnings);
}

/* The settings of hc on a host, joined with "|". */
static char *settings_of(const char *hc_text, struct cgroup_features f, unsigned groups, bool reset)
{
	json_t *hc = json_loads(hc_text, 0, NULL), *out = json_array(), *v;
	static char buf[2048];
	size_t i, n = 0;

	resources_cgroup_settings(hc, &f, groups, reset, out);
	buf[0] = '\0';
	json_array_foreach(out, i, v) n +=
	    (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", i ? "|" : "", json_string_value(v));
	json_decref(out);
	json_decref(hc);
	return buf;
}

static void test_settings_v1(void **state)
{
	(void)state;
	assert_string_equal(settings_of("{}", host_v1(), RESOURCES_ALL, false), "");
	assert_string_equal(
	    settings_of(
	        "{\"Memory\": 8388608, \"MemorySwap\": 16777216, \"MemoryReservation\": "
	        "7340032, \"OomKillDisable\": true, \"CpuShares\": 512, \"NanoCpus\": "
	        "500000000, \"CpusetCpus\": \"1\", \"CpusetMems\": \"0\", \"PidsLimit\": 10, "
	        "\"BlkioWeight\": 300}",
	        host_v1(), RESOURCES_ALL, false),
	    "memory.limit_in_bytes 8388608|memory.memsw.limit_in_bytes 16777216|"
	    "memory.soft_limit_in_bytes 7340032|memory.oom_control 1|cpu.shares 512|"
	    "cpu.cfs_period_us 100000|cpu.cfs_quota_us 50000|cpuset.cpus 1|cpuset.mems 0|"
	    "pids.max 10|blkio.weight 300");
	assert_string_equal(settings_of("{\"CpuPeriod\": 50000, \"CpuQuota\": 25000}", host_v1(),
	                                RESOURCES_ALL, false),
	                    "cpu.cfs_period_us 50000|cpu.cfs_quota_us 25000");
	/* without swap accounting memsw is never written */
	struct cgroup_features noswap = host_v1();
	noswap.swap = false;
	assert_string_equal(
	    settings_of("{\"Memory\": 8388608, \"MemorySwap\": -1}", noswap, RESOURCES_ALL, false),
	    "memory.limit_in_bytes 8388608");
	/* BFQ hosts have the weight under another name */
	struct cgroup_features bfq = host_v1();
	bfq.blkio_weight = "blkio.bfq.weight";
	assert_string_equal(settings_of("{\"BlkioWeight\": 300}", bfq, RESOURCES_ALL, false),
	                    "blkio.bfq.weight 300");
	/* an update that lifts limits writes "none" for what is no longer set */
	assert_string_equal(settings_of("{\"Memory\": 0, \"MemorySwap\": 0, \"PidsLimit\": 0}",
	                                host_v1(), RESOURCES_MEMORY | RESOURCES_PIDS, true),
	                    "memory.limit_in_bytes -1|memory.memsw.limit_in_bytes -1|"
	                    "memory.soft_limit_in_bytes -1|pids.max max");
	assert_string_equal(settings_of("{\"NanoCpus\": 1500000000, \"PidsLimit\": 5}", host_v1(),
	                                RESOURCES_CPU, true),
	                    "cpu.cfs_period_us 100000|cpu.cfs_quota_us 150000");
}

static void test_settings_v2(void **state)
{
	(void)state;
	assert_string_equal(
	    settings_of(
	        "{\"Memory\": 8388608, \"MemorySwap\": 16777216, \"MemoryReservation\": "
	        "7340032, \"OomKillDisable\": true, \"CpuShares\": 1024, \"NanoCpus\": "
	        "500000000, \"CpusetCpus\": \"0-1\", \"PidsLimit\": 10, \"BlkioWeight\": 500}",
	        host_v2(), RESOURCES_ALL, false),
	    "memory.max 8388608|memory.swap.max 8388608|memory.low 7340032|cpu.weight 39|"
	    "cpu.max 50000 100000|cpuset.cpus 0-1|pids.max 10|io.weight default 4950");
	assert_string_equal(settings_of("{\"Memory\": 8388608, \"MemorySwap\": -1}", host_v2(),
	                                RESOURCES_ALL, false),
	                    "memory.max 8388608|memory.swap.max max");
	assert_string_equal(settings_of("{\"CpuPeriod\": 20000}", host_v2(), RESOURCES_ALL, false),
	                    "cpu.max max 20000");
	assert_string_equal(settings_of("{}", host_v2(), RESOURCES_MEMORY | RESOURCES_CPU, true),
	                    "memory.max max|memory.swap.max max|memory.low 0|cpu.max max 100000");
}

static void test_runc_conversions(void **state)
{
	(void)state;
	assert_int_equal(resources_shares_to_weight(0), 0);
	assert_int_equal(resources_shares_to_weight(2), 1);
	assert_int_equal(resources_shares_to_weight(1024), 39);
	assert_int_equal(resources_shares_to_weight(262144), 10000);
	assert_int_equal(resources_blkio_to_io_weight(10), 1);
	assert_int_equal(resources_blkio_to_io_weight(500), 4950);
	assert_int_equal(resources_blkio_to_io_weight(1000), 10000);
}

static void test_spec_records(void **state)
{
	struct cgroup_features f = host_v1();
	json_t *hc = json_loads("{\"Memory\": 8388608, \"ShmSize\": 1048576, \"Ulimits\": "
	                        "[{\"Name\": \"nofile\", \"Soft\": 100, \"Hard\": 200}, "
	                        "{\"Name\": \"core\", \"Soft\": -1, \"Hard\": -1}]}",
	                        0, NULL);
	json_t *records = json_array();
	char *text;
	(void)state;

	resources_spec_records(hc, &f, records);
	text = json_dumps(records, JSON_COMPACT);
	assert_string_equal(text, "[[\"cgroup-set\",\"memory.limit_in_bytes 8388608\"],"
	                          "[\"rlimit\",\"nofile 100 200\"],"
	                          "[\"rlimit\",\"core unlimited unlimited\"],"
	                          "[\"shm-size\",\"1048576\"]]");
	free(text);
	json_decref(records);
	json_decref(hc);
}

static void expect_ulimit(const char *s, const char *name, int64_t soft, int64_t hard)
{
	char *got = NULL;
	int64_t gs = 0, gh = 0;
	berr err = {0};

	if (resources_parse_ulimit(s, &got, &gs, &gh, &err) < 0)
		fail_msg("%s: %s", s, err.msg);
	assert_string_equal(got, name);
	assert_int_equal(gs, soft);
	assert_int_equal(gh, hard);
	free(got);
}

static void expect_ulimit_error(const char *s, const char *want)
{
	char *got = NULL;
	int64_t gs, gh;
	berr err = {0};

	assert_int_equal(resources_parse_ulimit(s, &got, &gs, &gh, &err), -1);
	assert_string_equal(err.msg, want);
	assert_null(got);
}

static void test_ulimits(void **state)
{
	(void)state;
	expect_ulimit("nofile=100:200", "nofile", 100, 200);
	expect_ulimit("nproc=50", "nproc", 50, 50);
	expect_ulimit("core=-1", "core", -1, -1);
	expect_ulimit("memlock=infinity:infinity", "memlock", -1, -1);
	expect_ulimit("nofile=10:infinity", "nofile", 10, -1);
	expect_ulimit_error("nofile", "invalid ulimit argument: nofile");
	expect_ulimit_error("x=1", "invalid ulimit type: x");
	expect_ulimit_error("as=1", "invalid ulimit type: as");
	expect_ulimit_error(
	    "nofile=1:2:3",
	    "too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`");
	expect_ulimit_error("nofile=a", "strconv.ParseInt: parsing \"a\": invalid syntax");
	expect_ulimit_error("nofile=2:1",
	                    "ulimit soft limit must be less than or equal to hard limit: 2 > 1");
	expect_ulimit_error("nofile=-1:5", "ulimit soft limit must be less than or equal to hard "
	                                   "limit: soft: -1 (unlimited), hard: 5");
}

static void expect_cpus(const char *s, long long want)
{
	long long got = -7;
	berr err = {0};

	if (cli_parse_cpus(s, &got, &err) < 0)
		fail_msg("%s: %s", s, err.msg);
	assert_int_equal(got, want);
}

static void expect_cpus_error(const char *s, const char *want)
{
	long long got;
	berr err = {0};

	assert_int_equal(cli_parse_cpus(s, &got, &err), -1);
	assert_string_equal(err.msg, want);
}

static void test_parse_cpus(void **state)
{
	(void)state;
	expect_cpus("1", 1000000000);
	expect_cpus("1.5", 1500000000);
	expect_cpus("0.01", 10000000);
	expect_cpus(".5", 500000000);
	expect_cpus("3/2", 1500000000);
	expect_cpus("1e-3", 1000000);
	expect_cpus("2.5E0", 2500000000);
	expect_cpus("-1", -1000000000);
	expect_cpus("0.000000001", 1);
	expect_cpus_error("abc", "failed to parse abc as a rational number");
	expect_cpus_error("", "failed to parse  as a rational number");
	expect_cpus_error("1.5x", "failed to parse 1.5x as a rational number");
	expect_cpus_error("1/0", "failed to parse 1/0 as a rational number");
	expect_cpus_error("0.0000000001", "value is too precise");
	expect_cpus_error("1/3", "value is too precise");
}

static void test_security_opts(void **state)
{
	struct security_opts o;
	berr err = {0};
	json_t *hc;
	(void)state;

	hc = json_pack("{s:[s, s]}", "SecurityOpt", "no-new-privileges", "seccomp=unconfined");
	assert_int_equal(security_parse_opts(hc, &o, &err), 0);
	assert_true(o.no_new_privileges);
	assert_int_equal(o.seccomp, SECURITY_SECCOMP_UNCONFINED);
	json_decref(hc);
	hc = json_pack("{s:[s, s]}", "SecurityOpt", "no-new-privileges=true",
	               "no-new-privileges:false");
	assert_int_equal(security_parse_opts(hc, &o, &err), 0);
	assert_false(o.no_new_privileges);
	json_decref(hc);
	hc = json_pack("{s:[s]}", "SecurityOpt", "seccomp={\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
	assert_int_equal(security_parse_opts(hc, &o, &err), 0);
	assert_int_equal(o.seccomp, SECURITY_SECCOMP_PROFILE);
	assert_string_equal(o.profile, "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
	json_decref(hc);
	hc = json_pack("{s:[s]}", "SecurityOpt", "bogus");
	assert_int_equal(security_parse_opts(hc, &o, &err), -1);
	assert_string_equal(err.msg, "invalid --security-opt 1: \"bogus\"");
	json_decref(hc);
	hc = json_pack("{s:[s]}", "SecurityOpt", "no-new-privileges=maybe");
	assert_int_equal(security_parse_opts(hc, &o, &err), -1);
	assert_string_equal(err.msg, "invalid --security-opt 2: \"no-new-privileges=maybe\"");
	json_decref(hc);
}

static void test_caps(void **state)
{
	uint64_t caps = 0;
	berr err = {0};
	json_t *hc;
	(void)state;

	hc = json_pack("{s:[s], s:[s]}", "CapAdd", "NET_ADMIN", "CapDrop", "cap_chown");
	assert_int_equal(security_caps(hc, &caps, &err), 0);
	assert_int_equal(caps, (caps_docker_default() & ~CAPS_BIT(0)) | CAPS_BIT(12));
	json_decref(hc);
	hc = json_pack("{s:[s], s:[s]}", "CapAdd", "CAP_KILL", "CapDrop", "ALL");
	assert_int_equal(security_caps(hc, &caps, &err), 0);
	assert_int_equal(caps, CAPS_BIT(5));
	json_decref(hc);
	hc = json_pack("{s:[s]}", "CapAdd", "CAP_FOO");
	assert_int_equal(security_caps(hc, &caps, &err), -1);
	assert_string_equal(err.msg, "invalid CapAdd: unknown capability: \"CAP_FOO\"");
	json_decref(hc);
	hc = json_pack("{s:[s], s:b}", "CapDrop", "bar", "Privileged", 1);
	assert_int_equal(security_caps(hc, &caps, &err), -1);
	assert_string_equal(err.msg, "invalid CapDrop: unknown capability: \"CAP_BAR\"");
	json_decref(hc);
}

static void test_sysctls_and_devices(void **state)
{
	(void)state;
	assert_true(security_sysctl_allowed("net.ipv4.ip_forward"));
	assert_true(security_sysctl_allowed("kernel.shmmax"));
	assert_true(security_sysctl_allowed("kernel.sem"));
	assert_true(security_sysctl_allowed("kernel.msgmnb"));
	assert_true(security_sysctl_allowed("fs.mqueue.msg_max"));
	assert_false(security_sysctl_allowed("kernel.panic"));
	assert_false(security_sysctl_allowed("vm.swappiness"));
	assert_false(security_sysctl_allowed("net."));
	assert_false(security_sysctl_allowed("fs.file-max"));
	assert_true(security_device_mode_valid("rwm"));
	assert_true(security_device_mode_valid("r"));
	assert_true(security_device_mode_valid("mw"));
	assert_false(security_device_mode_valid(""));
	assert_false(security_device_mode_valid("rr"));
	assert_false(security_device_mode_valid("rwx"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_check_errors),
	    cmocka_unit_test(test_check_adjusts),
	    cmocka_unit_test(test_settings_v1),
	    cmocka_unit_test(test_settings_v2),
	    cmocka_unit_test(test_runc_conversions),
	    cmocka_unit_test(test_spec_records),
	    cmocka_unit_test(test_ulimits),
	    cmocka_unit_test(test_parse_cpus),
	    cmocka_unit_test(test_security_opts),
	    cmocka_unit_test(test_caps),
	    cmocka_unit_test(test_sysctls_and_devices),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
