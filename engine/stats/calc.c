/* Docker's arithmetic over stats samples, as docker/cli computes the
 * figures of its `stats` table. */
#include <string.h>

#include "engine/stats/stats.h"

double stats_cpu_percent(uint64_t pre_cpu, uint64_t pre_system, uint64_t cpu, uint64_t system,
			 uint32_t online_cpus)
{
	double cpu_delta = (double)cpu - (double)pre_cpu;
	double system_delta = (double)system - (double)pre_system;

	if (system_delta > 0.0 && cpu_delta > 0.0)
		return cpu_delta / system_delta * (double)online_cpus * 100.0;
	return 0.0;
}

uint64_t stats_mem_no_cache(uint64_t usage, uint64_t inactive_file)
{
	return inactive_file < usage ? usage - inactive_file : usage;
}

double stats_mem_percent(double used, double limit)
{
	return limit != 0.0 ? used / limit * 100.0 : 0.0;
}

/* An unsigned member of an object (0 when absent or negative). */
static uint64_t member_u64(json_t *obj, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(obj, key));

	return v > 0 ? (uint64_t)v : 0;
}

void stats_entry_from_json(json_t *stats, struct stats_entry *out)
{
	json_t *cpu = json_object_get(stats, "cpu_stats");
	json_t *pre = json_object_get(stats, "precpu_stats");
	json_t *mem = json_object_get(stats, "memory_stats");
	json_t *mem_stats = json_object_get(mem, "stats");
	json_t *v;
	const char *key, *read = json_string_value(json_object_get(stats, "read"));
	uint64_t online = member_u64(cpu, "online_cpus"), usage, used, inactive;
	size_t i;

	memset(out, 0, sizeof(*out));
	out->has_data = read && strncmp(read, "0001-01-01", 10) != 0;
	if (online == 0)
		online = json_array_size(
			json_object_get(json_object_get(cpu, "cpu_usage"), "percpu_usage"));
	out->cpu_percent = stats_cpu_percent(
		member_u64(json_object_get(pre, "cpu_usage"), "total_usage"),
		member_u64(pre, "system_cpu_usage"),
		member_u64(json_object_get(cpu, "cpu_usage"), "total_usage"),
		member_u64(cpu, "system_cpu_usage"), (uint32_t)online);

	/* v1 reports total_inactive_file, v2 inactive_file (docker/cli tries both). */
	usage = member_u64(mem, "usage");
	used = usage;
	if (json_object_get(mem_stats, "total_inactive_file") &&
	    (inactive = member_u64(mem_stats, "total_inactive_file")) < usage)
		used = usage - inactive;
	else
		used = stats_mem_no_cache(usage, member_u64(mem_stats, "inactive_file"));
	out->mem_usage = (double)used;
	out->mem_limit = (double)member_u64(mem, "limit");
	out->mem_percent = stats_mem_percent(out->mem_usage, out->mem_limit);

	json_object_foreach(json_object_get(stats, "networks"), key, v) {
		out->net_rx += (double)member_u64(v, "rx_bytes");
		out->net_tx += (double)member_u64(v, "tx_bytes");
	}
	json_array_foreach(json_object_get(json_object_get(stats, "blkio_stats"),
					   "io_service_bytes_recursive"),
			   i, v) {
		const char *op = json_string_value(json_object_get(v, "op"));
		if (!op)
			continue;
		if (op[0] == 'r' || op[0] == 'R')
			out->blk_read += (double)member_u64(v, "value");
		else if (op[0] == 'w' || op[0] == 'W')
			out->blk_write += (double)member_u64(v, "value");
	}
	out->pids = member_u64(json_object_get(stats, "pids_stats"), "current");
}
