/* The Engine API's stats object (moby's StatsResponse), members in the
 * order and with the omissions Go's encoding/json gives it. */
#include <string.h>

#include "engine/core/units.h"
#include "engine/stats/stats.h"

static json_t *u64_json(uint64_t v)
{
	return json_integer((json_int_t)(v > INT64_MAX ? INT64_MAX : v));
}

/* Sets key to v unless v is 0 (Go's omitempty). */
static void set_nonzero(json_t *obj, const char *key, uint64_t v)
{
	if (v)
		json_object_set_new(obj, key, u64_json(v));
}

static json_t *time_json(int64_t nanos)
{
	char buf[64];

	if (nanos <= 0)
		return json_string("0001-01-01T00:00:00Z");
	units_rfc3339nano(nanos, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *cpu_json(const struct stats_sample *s)
{
	json_t *usage = json_object(), *cpu = json_object();

	json_object_set_new(usage, "total_usage", u64_json(s->cpu_total));
	if (s->percpu && json_array_size(s->percpu))
		json_object_set(usage, "percpu_usage", s->percpu);
	json_object_set_new(usage, "usage_in_kernelmode", u64_json(s->cpu_kernel));
	json_object_set_new(usage, "usage_in_usermode", u64_json(s->cpu_user));
	json_object_set_new(cpu, "cpu_usage", usage);
	set_nonzero(cpu, "system_cpu_usage", s->system_cpu);
	set_nonzero(cpu, "online_cpus", s->online_cpus);
	json_object_set_new(cpu, "throttling_data",
			    json_pack("{s:o, s:o, s:o}", "periods", u64_json(s->throttle_periods),
				      "throttled_periods", u64_json(s->throttled_periods),
				      "throttled_time", u64_json(s->throttled_time)));
	return cpu;
}

static json_t *memory_json(const struct stats_sample *s)
{
	json_t *mem = json_object();

	set_nonzero(mem, "usage", s->mem_usage);
	set_nonzero(mem, "max_usage", s->mem_max_usage);
	if (s->mem_stats && json_object_size(s->mem_stats))
		json_object_set(mem, "stats", s->mem_stats);
	set_nonzero(mem, "failcnt", s->mem_failcnt);
	set_nonzero(mem, "limit", s->mem_limit);
	return mem;
}

static json_t *blkio_json(const struct stats_sample *s)
{
	static const char *const others[] = {
		"io_serviced_recursive",     "io_queue_recursive",	"io_service_time_recursive",
		"io_wait_time_recursive",    "io_merged_recursive",	"io_time_recursive",
		"sectors_recursive",
	};
	json_t *blkio = json_object();

	bool some = s->blkio && json_array_size(s->blkio);

	json_object_set_new(blkio, "io_service_bytes_recursive",
			    some ? json_incref(s->blkio) : json_null());
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		json_object_set_new(blkio, others[i], json_null());
	return blkio;
}

json_t *stats_docker_json(const struct stats_target *t)
{
	const struct stats_sample *cur = &t->cur, *pre = &t->pre;
	json_t *out = json_object(), *pids = json_object();

	json_object_set_new(out, "read", time_json(cur->read));
	json_object_set_new(out, "preread", time_json(cur->read ? pre->read : 0));
	set_nonzero(pids, "current", cur->pids);
	set_nonzero(pids, "limit", cur->pids_limit);
	json_object_set_new(out, "pids_stats", pids);
	json_object_set_new(out, "blkio_stats", blkio_json(cur));
	json_object_set_new(out, "num_procs", json_integer(0));
	json_object_set_new(out, "storage_stats", json_object());
	json_object_set_new(out, "cpu_stats", cpu_json(cur));
	/* Without a reading now, the previous one means nothing. */
	if (cur->read && pre->read) {
		json_object_set_new(out, "precpu_stats", cpu_json(pre));
	} else {
		struct stats_sample empty;
		memset(&empty, 0, sizeof(empty));
		json_object_set_new(out, "precpu_stats", cpu_json(&empty));
	}
	json_object_set_new(out, "memory_stats", memory_json(cur));
	json_object_set_new(out, "name", json_string(t->name));
	json_object_set_new(out, "id", json_string(t->id));
	if (cur->has_networks && cur->networks && json_object_size(cur->networks))
		json_object_set(out, "networks", cur->networks);
	return out;
}
