/* Resource limits: dockerd's checks and the cgroup files they become. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>

#include "engine/container/cgroup.h"
#include "engine/container/resources.h"
#include "engine/container/spec.h"

/* dockerd's bounds on cpu.shares. */
#define MIN_CPU_SHARES 2
#define MAX_CPU_SHARES 262144

/* The CFS period dockerd uses for --cpus, in microseconds. */
#define NANO_CPU_PERIOD 100000

/* Past this, a cpuset entry cannot name a CPU or node of this host. */
#define CPUSET_BITS 4096

static int64_t hc_int(json_t *hc, const char *key)
{
	return json_integer_value(json_object_get(hc, key));
}

static const char *hc_str(json_t *hc, const char *key)
{
	const char *s = json_string_value(json_object_get(hc, key));
	return s ? s : "";
}

/* Reads a small file into buf, trailing newline dropped; "" when unreadable. */
static void read_line(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r = fd >= 0 ? read(fd, buf, n - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[r > 0 ? r : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* Whether dir/file exists. */
static bool has_file(const char *dir, const char *file)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

static void resources_probe_uncached(struct cgroup_features *f);

/* The host's cgroup features do not change under a running process:
 * probed once (create and start both ask). */
void resources_probe(struct cgroup_features *f)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static struct cgroup_features cached;
	static bool probed;

	pthread_mutex_lock(&lock);
	if (!probed) {
		resources_probe_uncached(&cached);
		probed = true;
	}
	*f = cached;
	pthread_mutex_unlock(&lock);
}

static void resources_probe_uncached(struct cgroup_features *f)
{
	struct statfs sfs;
	cpu_set_t set;
	char dir[PATH_MAX], buf[512];

	memset(f, 0, sizeof(*f));
	f->ncpu = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
	f->v2 = statfs("/sys/fs/cgroup", &sfs) == 0 && sfs.f_type == CGROUP2_SUPER_MAGIC;
	if (f->v2) {
		read_line("/sys/fs/cgroup/cgroup.controllers", buf, sizeof(buf));
		/* the root has no memory.swap.max: look where containers go */
		snprintf(dir, sizeof(dir), "/sys/fs/cgroup/%s", container_cgroup_parent());
		f->swap = access(dir, F_OK) != 0 || has_file(dir, "memory.swap.max");
		for (char *save, *c = strtok_r(buf, " ", &save); c; c = strtok_r(NULL, " ", &save))
			if (strcmp(c, "io") == 0)
				f->blkio_weight = "io.weight";
		read_line("/sys/fs/cgroup/cpuset.cpus.effective", f->cpus, sizeof(f->cpus));
		read_line("/sys/fs/cgroup/cpuset.mems.effective", f->mems, sizeof(f->mems));
		return;
	}
	if (container_cgroup_mount("memory", dir, sizeof(dir)) == 0)
		f->swap = has_file(dir, "memory.memsw.limit_in_bytes");
	if (container_cgroup_mount("blkio", dir, sizeof(dir)) == 0) {
		/* with BFQ the weight is per cgroup only, never at the root */
		if (has_file(dir, "blkio.weight"))
			f->blkio_weight = "blkio.weight";
		else if (has_file(dir, "blkio.bfq.io_service_bytes"))
			f->blkio_weight = "blkio.bfq.weight";
	}
	if (container_cgroup_mount("cpuset", dir, sizeof(dir)) == 0) {
		snprintf(buf, sizeof(buf), "%.400s/cpuset.cpus", dir);
		read_line(buf, f->cpus, sizeof(f->cpus));
		snprintf(buf, sizeof(buf), "%.400s/cpuset.mems", dir);
		read_line(buf, f->mems, sizeof(f->mems));
	}
}

/* Docker's parsers.ParseUintList: "0-3,5" into a bit set; -1 on a bad list. */
static int parse_uint_list(const char *val, unsigned char set[CPUSET_BITS / 8])
{
	char copy[512], *save = NULL;

	memset(set, 0, CPUSET_BITS / 8);
	if (!*val)
		return 0;
	if (strlen(val) >= sizeof(copy))
		return -1;
	snprintf(copy, sizeof(copy), "%s", val);
	/* strtok would skip empty entries, which Docker refuses */
	if (val[0] == ',' || val[strlen(val) - 1] == ',' || strstr(val, ",,"))
		return -1;
	for (char *r = strtok_r(copy, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
		char *dash = strchr(r, '-'), *end;
		long lo, hi;
		errno = 0;
		lo = strtol(r, &end, 10);
		if (end == r || errno || lo < 0 || (dash ? end != dash : *end != '\0'))
			return -1;
		hi = lo;
		if (dash) {
			hi = strtol(dash + 1, &end, 10);
			if (end == dash + 1 || errno || *end || hi < lo)
				return -1;
		}
		for (long i = lo; i <= hi && i < CPUSET_BITS; i++)
			set[i / 8] |= (unsigned char)(1u << (i % 8));
	}
	return 0;
}

/* Whether every entry of want is in have (both already valid lists). */
static bool cpuset_available(const char *want, const char *have)
{
	unsigned char w[CPUSET_BITS / 8], h[CPUSET_BITS / 8];
	char copy[512], *save = NULL;

	if (parse_uint_list(want, w) < 0 || parse_uint_list(have, h) < 0)
		return false;
	for (size_t i = 0; i < sizeof(w); i++)
		if (w[i] & ~h[i])
			return false;
	/* entries past the bit set are on no host */
	snprintf(copy, sizeof(copy), "%s", want);
	for (char *r = strtok_r(copy, ",-", &save); r; r = strtok_r(NULL, ",-", &save))
		if (strtol(r, NULL, 10) >= CPUSET_BITS)
			return false;
	return true;
}

/* Checks one cpuset field (what: "cpus" or "mems"). */
static int check_cpuset(const char *val, const char *have, const char *what, berr *err)
{
	unsigned char set[CPUSET_BITS / 8];

	if (!*val)
		return 0;
	if (parse_uint_list(val, set) < 0)
		return berr_set(err, BERR_INVALID,
		                "Invalid value %s for cpuset %s: invalid format: %s", val, what,
		                val);
	if (*have && !cpuset_available(val, have))
		return berr_set(err, BERR_INVALID,
		                "Requested %s are not available - requested %s, available: %s",
		                strcmp(what, "cpus") == 0 ? "CPUs" : "memory nodes", val, have);
	return 0;
}

static void warn(json_t *warnings, const char *text)
{
	if (warnings)
		json_array_append_new(warnings, json_string(text));
}

/* The memory checks of dockerd's verifyPlatformContainerResources. */
static int check_memory(json_t *hc, bool update, const struct cgroup_features *f, json_t *warnings,
                        berr *err)
{
	int64_t memory = hc_int(hc, "Memory"), swap = hc_int(hc, "MemorySwap");
	int64_t reservation = hc_int(hc, "MemoryReservation");

	if (memory != 0 && memory < RESOURCES_MIN_MEMORY)
		return berr_set(err, BERR_INVALID, "Minimum memory limit allowed is 6MB");
	if (memory > 0 && swap != -1 && !f->swap) {
		warn(warnings,
		     "Your kernel does not support swap limit capabilities or the cgroup is "
		     "not mounted. Memory limited without swap.");
		json_object_set_new(hc, "MemorySwap", json_integer(-1));
		swap = -1;
	}
	if (memory > 0 && swap > 0 && swap < memory)
		return berr_set(
		    err, BERR_INVALID,
		    "Minimum memoryswap limit should be larger than memory limit, see usage");
	if (memory == 0 && swap > 0 && !update)
		return berr_set(err, BERR_INVALID,
		                "You should always set the Memory limit when using Memoryswap "
		                "limit, see usage");
	if (reservation > 0 && reservation < RESOURCES_MIN_MEMORY)
		return berr_set(err, BERR_INVALID, "Minimum memory reservation allowed is 6MB");
	if (memory > 0 && reservation > 0 && memory < reservation)
		return berr_set(err, BERR_INVALID,
		                "Minimum memory limit can not be less than memory reservation "
		                "limit, see usage");
	if (json_is_true(json_object_get(hc, "OomKillDisable"))) {
		if (f->v2) {
			warn(warnings, "Your kernel does not support OomKillDisable. "
			               "OomKillDisable discarded.");
			json_object_set_new(hc, "OomKillDisable", json_false());
		} else if (memory == 0) {
			warn(warnings,
			     "OOM killer is disabled for the container, but no memory limit is "
			     "set, this can result in the system running out of resources.");
		}
	}
	return 0;
}

/* The CPU, cpuset and blkio checks of verifyPlatformContainerResources. */
static int check_cpu(json_t *hc, const struct cgroup_features *f, json_t *warnings, berr *err)
{
	int64_t nano = hc_int(hc, "NanoCpus"), period = hc_int(hc, "CpuPeriod");
	int64_t quota = hc_int(hc, "CpuQuota"), weight = hc_int(hc, "BlkioWeight");

	if (nano > 0 && period > 0)
		return berr_set(err, BERR_INVALID,
		                "Conflicting options: Nano CPUs and CPU Period cannot both be set");
	if (nano > 0 && quota > 0)
		return berr_set(err, BERR_INVALID,
		                "Conflicting options: Nano CPUs and CPU Quota cannot both be set");
	if (nano < 0 || nano > (int64_t)f->ncpu * 1000000000)
		return berr_set(
		    err, BERR_INVALID,
		    "Range of CPUs is from 0.01 to %d.00, as there are only %d CPUs available",
		    f->ncpu, f->ncpu);
	if (period != 0 && (period < 1000 || period > 1000000))
		return berr_set(err, BERR_INVALID,
		                "CPU cfs period can not be less than 1ms (i.e. 1000) or larger "
		                "than 1s (i.e. 1000000)");
	if (quota > 0 && quota < 1000)
		return berr_set(err, BERR_INVALID,
		                "CPU cfs quota can not be less than 1ms (i.e. 1000)");
	if (check_cpuset(hc_str(hc, "CpusetCpus"), f->cpus, "cpus", err) < 0 ||
	    check_cpuset(hc_str(hc, "CpusetMems"), f->mems, "mems", err) < 0)
		return -1;
	if (weight > 0 && !f->blkio_weight) {
		warn(warnings, "Your kernel does not support Block I/O weight or the cgroup is not "
		               "mounted. Weight discarded.");
		json_object_set_new(hc, "BlkioWeight", json_integer(0));
	} else if (weight > 0 && (weight < 10 || weight > 1000)) {
		return berr_set(err, BERR_INVALID, "Range of blkio weight is from 10 to 1000");
	}
	return 0;
}

/* The Ulimits list: known names, soft not above hard. */
static int check_ulimits(json_t *hc, berr *err)
{
	json_t *u;
	size_t i;

	json_array_foreach(json_object_get(hc, "Ulimits"), i, u)
	{
		const char *name = json_string_value(json_object_get(u, "Name"));
		int64_t soft = hc_int(u, "Soft"), hard = hc_int(u, "Hard");
		if (!name || resources_ulimit_resource(name) < 0)
			return berr_set(err, BERR_INVALID, "invalid ulimit type: %s",
			                name ? name : "");
		if (hard != -1 && soft == -1)
			return berr_set(err, BERR_INVALID,
			                "ulimit soft limit must be less than or equal to hard "
			                "limit: soft: -1 (unlimited), hard: %lld",
			                (long long)hard);
		if (hard != -1 && soft > hard)
			return berr_set(err, BERR_INVALID,
			                "ulimit soft limit must be less than or equal to hard "
			                "limit: %lld > %lld",
			                (long long)soft, (long long)hard);
	}
	return 0;
}

/* dockerd's adaptContainerSettings for the resource fields. */
static void adapt_for_create(json_t *hc)
{
	int64_t shares = hc_int(hc, "CpuShares"), memory = hc_int(hc, "Memory");

	if (shares > 0 && shares < MIN_CPU_SHARES)
		json_object_set_new(hc, "CpuShares", json_integer(MIN_CPU_SHARES));
	else if (shares > MAX_CPU_SHARES)
		json_object_set_new(hc, "CpuShares", json_integer(MAX_CPU_SHARES));
	if (memory > 0 && hc_int(hc, "MemorySwap") == 0)
		json_object_set_new(hc, "MemorySwap", json_integer(memory * 2));
	if (hc_int(hc, "ShmSize") == 0)
		json_object_set_new(hc, "ShmSize", json_integer(RESOURCES_DEFAULT_SHM));
	if (hc_int(hc, "PidsLimit") < 0)
		json_object_set_new(hc, "PidsLimit", json_integer(0));
}

int resources_check(json_t *hc, bool update, const struct cgroup_features *f, json_t *warnings,
                    berr *err)
{
	json_t *copy = json_deep_copy(hc), *key_value;
	const char *key;

	if (!copy)
		return berr_errno(err, ENOMEM, "checking resources");
	if (check_memory(copy, update, f, warnings, err) < 0 ||
	    check_cpu(copy, f, warnings, err) < 0)
		goto fail;
	if (!update && hc_int(copy, "ShmSize") < 0) {
		berr_set(err, BERR_INVALID, "SHM size can not be less than 0");
		goto fail;
	}
	if (!update && check_ulimits(copy, err) < 0)
		goto fail;
	if (!update)
		adapt_for_create(copy);
	json_object_foreach(copy, key, key_value) json_object_set(hc, key, key_value);
	json_decref(copy);
	return 0;
fail:
	json_decref(copy);
	return -1;
}

uint64_t resources_shares_to_weight(uint64_t shares)
{
	if (shares == 0)
		return 0;
	if (shares < MIN_CPU_SHARES)
		shares = MIN_CPU_SHARES;
	return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t resources_blkio_to_io_weight(uint64_t weight)
{
	if (weight == 0)
		return 0;
	if (weight < 10)
		weight = 10;
	return 1 + (weight - 10) * 9999 / 990;
}

static void setting(json_t *out, const char *file, const char *fmt, long long value)
{
	char text[160];
	int n = snprintf(text, sizeof(text), "%s ", file);

	snprintf(text + n, sizeof(text) - (size_t)n, fmt, value);
	json_array_append_new(out, json_string(text));
}

static void setting_str(json_t *out, const char *file, const char *value)
{
	char text[600];

	snprintf(text, sizeof(text), "%s %s", file, value);
	json_array_append_new(out, json_string(text));
}

/* memory.limit_in_bytes, memsw, soft limit and the OOM killer (v1). */
static void memory_v1(json_t *hc, const struct cgroup_features *f, bool reset, json_t *out)
{
	int64_t memory = hc_int(hc, "Memory"), swap = hc_int(hc, "MemorySwap");
	int64_t reservation = hc_int(hc, "MemoryReservation");

	if (memory > 0 || reset)
		setting(out, "memory.limit_in_bytes", "%lld", memory > 0 ? memory : -1);
	if (f->swap && (swap > 0 || reset))
		setting(out, "memory.memsw.limit_in_bytes", "%lld", swap > 0 ? swap : -1);
	if (reservation > 0 || reset)
		setting(out, "memory.soft_limit_in_bytes", "%lld",
		        reservation > 0 ? reservation : -1);
	if (!reset && json_is_true(json_object_get(hc, "OomKillDisable")))
		setting(out, "memory.oom_control", "%lld", 1);
}

/* memory.max, memory.swap.max (swap alone, not memory plus swap) and memory.low (v2). */
static void memory_v2(json_t *hc, const struct cgroup_features *f, bool reset, json_t *out)
{
	int64_t memory = hc_int(hc, "Memory"), swap = hc_int(hc, "MemorySwap");
	int64_t reservation = hc_int(hc, "MemoryReservation");

	if (memory > 0)
		setting(out, "memory.max", "%lld", memory);
	else if (reset)
		setting_str(out, "memory.max", "max");
	if (f->swap && memory > 0 && swap > 0 && swap >= memory)
		setting(out, "memory.swap.max", "%lld", swap - memory);
	else if (f->swap && (swap == -1 || reset))
		setting_str(out, "memory.swap.max", "max");
	if (reservation > 0 || reset)
		setting(out, "memory.low", "%lld", reservation > 0 ? reservation : 0);
}

/* cpu.shares/cpu.weight and the CFS bandwidth. */
static void cpu_settings(json_t *hc, const struct cgroup_features *f, bool reset, json_t *out)
{
	int64_t shares = hc_int(hc, "CpuShares"), nano = hc_int(hc, "NanoCpus");
	int64_t period = hc_int(hc, "CpuPeriod"), quota = hc_int(hc, "CpuQuota");

	if (nano > 0) {
		period = NANO_CPU_PERIOD;
		quota = nano * NANO_CPU_PERIOD / 1000000000;
	}
	if (f->v2) {
		if (shares > 0)
			setting(out, "cpu.weight", "%lld",
			        (long long)resources_shares_to_weight((uint64_t)shares));
		if (quota > 0 || period > 0 || reset) {
			char value[64];
			if (quota > 0)
				snprintf(value, sizeof(value), "%lld %lld", (long long)quota,
				         (long long)(period > 0 ? period : NANO_CPU_PERIOD));
			else
				snprintf(value, sizeof(value), "max %lld",
				         (long long)(period > 0 ? period : NANO_CPU_PERIOD));
			setting_str(out, "cpu.max", value);
		}
		return;
	}
	if (shares > 0)
		setting(out, "cpu.shares", "%lld", shares);
	if (period > 0)
		setting(out, "cpu.cfs_period_us", "%lld", period);
	if (quota != 0 || reset)
		setting(out, "cpu.cfs_quota_us", "%lld", quota > 0 ? quota : -1);
}

void resources_cgroup_settings(json_t *hc, const struct cgroup_features *f, unsigned groups,
                               bool reset, json_t *out)
{
	int64_t pids = hc_int(hc, "PidsLimit"), weight = hc_int(hc, "BlkioWeight");
	const char *cpus = hc_str(hc, "CpusetCpus"), *mems = hc_str(hc, "CpusetMems");

	if (groups & RESOURCES_MEMORY) {
		if (f->v2)
			memory_v2(hc, f, reset, out);
		else
			memory_v1(hc, f, reset, out);
	}
	if (groups & RESOURCES_CPU)
		cpu_settings(hc, f, reset, out);
	if ((groups & RESOURCES_CPUSET) && *cpus)
		setting_str(out, "cpuset.cpus", cpus);
	if ((groups & RESOURCES_CPUSET) && *mems)
		setting_str(out, "cpuset.mems", mems);
	if ((groups & RESOURCES_PIDS) && pids > 0)
		setting(out, "pids.max", "%lld", pids);
	else if ((groups & RESOURCES_PIDS) && reset)
		setting_str(out, "pids.max", "max");
	if ((groups & RESOURCES_BLKIO) && weight > 0 && f->blkio_weight) {
		if (strcmp(f->blkio_weight, "io.weight") == 0)
			setting(out, "io.weight", "default %lld",
			        (long long)resources_blkio_to_io_weight((uint64_t)weight));
		else
			setting(out, f->blkio_weight, "%lld", weight);
	}
}

static const struct {
	const char *name;
	int resource;
} ulimit_names[] = {
    {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},         {"fsize", RLIMIT_FSIZE},
    {"locks", RLIMIT_LOCKS},       {"memlock", RLIMIT_MEMLOCK},
    {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},     {"nproc", RLIMIT_NPROC},
    {"rss", RLIMIT_RSS},           {"rtprio", RLIMIT_RTPRIO},
    {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};

int resources_ulimit_resource(const char *name)
{
	for (size_t i = 0; i < sizeof(ulimit_names) / sizeof(ulimit_names[0]); i++)
		if (strcmp(ulimit_names[i].name, name) == 0)
			return ulimit_names[i].resource;
	return -1;
}

/* go-units' parseUlimitValue: "infinity" or a decimal int64, Go's error words. */
static int parse_ulimit_value(const char *s, int64_t *out, berr *err)
{
	char *end;

	if (strcmp(s, "infinity") == 0) {
		*out = -1;
		return 0;
	}
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (!*s || *end || s[0] == ' ' || (s[0] == '+' && s[1] == '\0'))
		return berr_set(err, BERR_INVALID,
		                "strconv.ParseInt: parsing \"%s\": invalid syntax", s);
	if (errno == ERANGE)
		return berr_set(err, BERR_INVALID,
		                "strconv.ParseInt: parsing \"%s\": value out of range", s);
	*out = v;
	return 0;
}

int resources_parse_ulimit(const char *s, char **name, int64_t *soft, int64_t *hard, berr *err)
{
	const char *eq = strchr(s, '=');
	char type[64], values[256], *colon;

	if (!eq)
		return berr_set(err, BERR_INVALID, "invalid ulimit argument: %s", s);
	snprintf(type, sizeof(type), "%.*s", (int)(eq - s), s);
	if ((size_t)(eq - s) >= sizeof(type) || resources_ulimit_resource(type) < 0)
		return berr_set(err, BERR_INVALID, "invalid ulimit type: %.*s", (int)(eq - s), s);
	snprintf(values, sizeof(values), "%s", eq + 1);
	colon = strchr(values, ':');
	if (colon && strchr(colon + 1, ':'))
		return berr_set(
		    err, BERR_INVALID,
		    "too many limit value arguments - %s, can only have up to two, `soft[:hard]`",
		    eq + 1);
	if (colon) {
		*colon = '\0';
		if (parse_ulimit_value(colon + 1, hard, err) < 0)
			return -1;
	}
	if (parse_ulimit_value(values, soft, err) < 0)
		return -1;
	if (!colon)
		*hard = *soft;
	if (*hard != -1 && *soft == -1)
		return berr_set(err, BERR_INVALID,
		                "ulimit soft limit must be less than or equal to hard limit: soft: "
		                "-1 (unlimited), hard: %lld",
		                (long long)*hard);
	if (*hard != -1 && *soft > *hard)
		return berr_set(
		    err, BERR_INVALID,
		    "ulimit soft limit must be less than or equal to hard limit: %lld > %lld",
		    (long long)*soft, (long long)*hard);
	*name = strdup(type);
	return *name ? 0 : berr_errno(err, ENOMEM, "--ulimit");
}

static void record(json_t *records, const char *key, const char *value)
{
	json_array_append_new(records, json_pack("[s, s]", key, value));
}

void resources_spec_records(json_t *hc, const struct cgroup_features *f, json_t *records)
{
	json_t *settings = json_array(), *v;
	char text[160];
	size_t i;

	resources_cgroup_settings(hc, f, RESOURCES_ALL, false, settings);
	json_array_foreach(settings, i, v) record(records, "cgroup-set", json_string_value(v));
	json_decref(settings);
	json_array_foreach(json_object_get(hc, "Ulimits"), i, v)
	{
		int64_t soft = hc_int(v, "Soft"), hard = hc_int(v, "Hard");
		char s[24], h[24];
		snprintf(s, sizeof(s), soft < 0 ? "unlimited" : "%lld", (long long)soft);
		snprintf(h, sizeof(h), hard < 0 ? "unlimited" : "%lld", (long long)hard);
		snprintf(text, sizeof(text), "%s %s %s", hc_str(v, "Name"), s, h);
		record(records, "rlimit", text);
	}
	int64_t shm = hc_int(hc, "ShmSize");
	snprintf(text, sizeof(text), "%lld", (long long)(shm > 0 ? shm : RESOURCES_DEFAULT_SHM));
	record(records, "shm-size", text);
}

/* The directory of the container's cgroup that holds file. */
static int cgroup_dir_for(const char *id, const char *file, const struct cgroup_features *f,
                          char *dir, size_t n)
{
	char controller[32];
	size_t len = strcspn(file, ".");

	if (f->v2)
		return container_cgroup_dir(NULL, id, dir, n);
	snprintf(controller, sizeof(controller), "%.*s", (int)len, file);
	return container_cgroup_dir(controller, id, dir, n);
}

/* Writes one "<file> <value>" setting; -1 with errno set. */
static int write_setting(const char *id, const char *text, const struct cgroup_features *f)
{
	char file[128], dir[PATH_MAX], path[PATH_MAX + 160];
	const char *sp = strchr(text, ' ');
	int fd;

	if (!sp || (size_t)(sp - text) >= sizeof(file) || memchr(text, '/', (size_t)(sp - text))) {
		errno = EINVAL;
		return -1;
	}
	snprintf(file, sizeof(file), "%.*s", (int)(sp - text), text);
	if (cgroup_dir_for(id, file, f, dir, sizeof(dir)) < 0) {
		errno = ENOENT;
		return -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, sp + 1, strlen(sp + 1));
	int saved = errno;
	close(fd);
	errno = saved;
	return w < 0 ? -1 : 0;
}

int resources_write_cgroups(const char *id, json_t *settings, const struct cgroup_features *f,
                            berr *err)
{
	size_t n = json_array_size(settings), i;
	bool *failed = calloc(n ? n : 1, sizeof(*failed));
	json_t *v;
	int rc = 0;

	if (!failed)
		return berr_errno(err, ENOMEM, "updating cgroups");
	/* First pass; EINVAL and EBUSY can mean "not in this order" (a memory
	 * limit above memsw, a cpuset a sibling holds): those go again after. */
	json_array_foreach(settings, i, v)
	{
		if (write_setting(id, json_string_value(v), f) == 0)
			continue;
		if (errno != EINVAL && errno != EBUSY) {
			rc = berr_sys(err, "writing %s", json_string_value(v));
			goto out;
		}
		failed[i] = true;
	}
	json_array_foreach(settings, i,
	                   v) if (failed[i] && write_setting(id, json_string_value(v), f) < 0)
	{
		rc = berr_sys(err, "writing %s", json_string_value(v));
		goto out;
	}
out:
	free(failed);
	return rc;
}
