/* Container statistics: sampling a running container's cgroup files (v1 or
 * v2) and its network namespace's counters, Docker's arithmetic over two
 * samples, the Engine API's stats object, and a short history per container
 * for the console's sparklines.
 *
 * No daemon collects in the background: a sample is read when asked for.
 * CPU% needs two samples, so a caller reads the CPU counters of every
 * container (stats_read_cpu), waits, and reads again; the host's CPU time
 * comes from one /proc/stat read per pass (stats_read_host), taken just
 * before the containers' CPU counters so every container's interval matches
 * the host's. */
#ifndef BERTH_STATS_STATS_H
#define BERTH_STATS_STATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/core/engine.h"

/* --- Docker's arithmetic (docker/cli stats_helpers.go) ------------------- */

/* (cpu delta / system delta) * online CPUs * 100, or 0 when either delta is
 * not positive. */
double stats_cpu_percent(uint64_t pre_cpu, uint64_t pre_system, uint64_t cpu, uint64_t system,
			 uint32_t online_cpus);

/* Memory in use without the page cache that could be dropped: usage minus
 * inactive file pages when those are below usage, else usage. */
uint64_t stats_mem_no_cache(uint64_t usage, uint64_t inactive_file);

/* used / limit * 100, or 0 without a limit. */
double stats_mem_percent(double used, double limit);

/* --- parsers over the text of kernel files ------------------------------- */

/* A single number ("123\n"); "max" (v2's no limit) is UINT64_MAX. */
int stats_parse_u64(const char *text, uint64_t *out);

/* The value of one "key value" line of a flat keyed file (memory.stat,
 * cpu.stat, cpuacct.stat). False when the key is absent. */
bool stats_parse_key(const char *text, const char *key, uint64_t *out);

/* Every "key value" line as an object of integers (Docker's memory_stats.stats). */
json_t *stats_parse_keyed(const char *text);

/* /proc/stat: the host's CPU time in ns (user nice system idle iowait irq
 * softirq, at 100 ticks a second, as the Docker daemon counts it) and the
 * number of "cpuN" lines. */
int stats_parse_proc_stat(const char *text, uint64_t *system_ns, uint32_t *online_cpus);

/* /proc/meminfo's MemTotal in bytes. */
int stats_parse_meminfo_total(const char *text, uint64_t *bytes);

/* blkio.throttle.io_service_bytes_recursive ("8:0 Read 4096" lines): bytes
 * read and written; entries, when not NULL, gets Docker's
 * {"major","minor","op","value"} objects. */
void stats_parse_blkio_v1(const char *text, uint64_t *read, uint64_t *write, json_t *entries);

/* io.stat ("8:0 rbytes=1 wbytes=2 ..."): the same, with ops "read" and "write". */
void stats_parse_io_v2(const char *text, uint64_t *read, uint64_t *write, json_t *entries);

/* /proc/<pid>/net/dev: bytes received and sent over every interface but
 * lo; networks, when not NULL, gets Docker's per-interface objects. */
void stats_parse_netdev(const char *text, uint64_t *rx, uint64_t *tx, json_t *networks);

/* /proc/<pid>/cgroup: the path of the cgroup holding a v1 controller
 * ("memory"), or of the v2 tree when controller is NULL. */
int stats_parse_proc_cgroup(const char *text, const char *controller, char *path, size_t n);

/* cpuacct.usage_percpu: the numbers as a JSON array. */
json_t *stats_parse_percpu(const char *text);

/* --- sampling ------------------------------------------------------------ */

/* Host-wide readings taken once per pass. */
struct stats_host {
	uint64_t system_cpu; /* ns, /proc/stat */
	uint32_t online_cpus;
	uint64_t mem_total; /* bytes, /proc/meminfo */
	uint64_t netns_dev, netns_ino; /* this process's network namespace */
};

/* One reading of a container's counters. read == 0: there was nothing to
 * read (not running, or gone). The JSON members are owned (may be NULL). */
struct stats_sample {
	int64_t read; /* unix ns */
	int64_t mono; /* monotonic ns of the CPU counters */
	uint64_t cpu_total, cpu_user, cpu_kernel; /* ns */
	uint64_t throttle_periods, throttled_periods, throttled_time;
	uint64_t system_cpu; /* ns, the host's at this pass */
	uint32_t online_cpus;
	bool mem_v2;
	uint64_t mem_usage, mem_max_usage, mem_failcnt, mem_inactive_file, mem_limit;
	uint64_t net_rx, net_tx;
	uint64_t blk_read, blk_write;
	uint64_t pids, pids_limit;
	bool has_networks; /* its own network namespace (not the host's) */
	json_t *percpu;    /* v1 per-CPU usage */
	json_t *mem_stats; /* every memory.stat key */
	json_t *blkio;     /* io_service_bytes_recursive entries */
	json_t *networks;  /* per interface */
};

/* The hierarchies read: CPU time (cpuacct on v1), memory, block I/O, PIDs,
 * and v1's cpu controller for CFS throttling. */
enum stats_ctrl { STATS_CPU, STATS_MEMORY, STATS_IO, STATS_PIDS, STATS_CPU_CFS, STATS_CTRL_COUNT };

/* A container being sampled: where its files are and its last two samples. */
struct stats_target {
	char id[65];
	char name[258]; /* Docker's form, with a leading slash */
	const char *cgroup_parent; /* where the container's cgroups sit (borrowed) */
	int pid;        /* init pid; 0: not running */
	bool summary;   /* only what docker/cli's table needs (see stats_read_rest) */
	bool resolved;  /* dir[] looked up */
	char *dir[STATS_CTRL_COUNT];
	bool v2[STATS_CTRL_COUNT];
	struct stats_sample pre, cur;
};

/* Reads /proc/stat and /proc/meminfo. */
int stats_read_host(struct stats_host *out, berr *err);

/* Sets a target up; pid 0 for a container that is not running. Its
 * cgroups are looked for under <controller>/<cgroup_parent>/<id>. */
void stats_target_init(struct stats_target *t, const char *id, const char *name, int pid,
		       const char *cgroup_parent);
void stats_target_free(struct stats_target *t);

/* Moves cur to pre (freeing the old pre) and starts a new cur with the
 * container's CPU counters and the host's reading. */
void stats_read_cpu(struct stats_target *t, const struct stats_host *host);

/* Takes a newer CPU reading into cur, keeping the rest of it, and makes the
 * older one pre: a first reading reads everything else while it waits.
 * Over such a short wait /proc/stat's 10 ms ticks would make CPU% jump by
 * a fifth, so the host's CPU time advances by the container's own interval
 * (monotonic clock) on every online CPU instead: the same arithmetic, a
 * steadier figure. */
void stats_advance_cpu(struct stats_target *t, const struct stats_host *host);

/* Completes cur with memory, block I/O, PIDs and network counters. In
 * summary mode it leaves out what the table does not show (per-CPU usage,
 * the user/kernel split, throttling, peak memory, the PIDs limit, and every
 * memory.stat key but the inactive file pages). */
void stats_read_rest(struct stats_target *t, const struct stats_host *host);

/* Frees a sample's JSON members and zeroes it. */
void stats_sample_clear(struct stats_sample *s);

/* The Engine API's stats object for a target's pre and cur samples
 * ({"read", "preread", "pids_stats", "blkio_stats", "cpu_stats",
 * "precpu_stats", "memory_stats", "name", "id", "networks"...}); all zeros
 * and "0001-01-01T00:00:00Z" times when cur has no reading. */
json_t *stats_docker_json(const struct stats_target *t);

/* What docker/cli derives from a stats object: the figures of its table. */
struct stats_entry {
	double cpu_percent;
	double mem_usage, mem_limit, mem_percent;
	double net_rx, net_tx;
	double blk_read, blk_write;
	uint64_t pids;
	bool has_data; /* "read" was a real time */
};

/* Computes the entry from an Engine API stats object. */
void stats_entry_from_json(json_t *stats, struct stats_entry *out);

/* --- history for sparklines ---------------------------------------------- */

#define STATS_HISTORY_LEN 120

/* One point of a container's history: what a console plots. Rates are per
 * second over the interval since the previous point. */
struct stats_point {
	int64_t time; /* unix ns */
	double cpu_percent;
	double mem_usage, mem_limit;
	double net_rx_rate, net_tx_rate;
	double blk_read_rate, blk_write_rate;
	uint64_t pids;
};

/* A fixed ring of the latest points, oldest dropped first. */
struct stats_ring {
	struct stats_point points[STATS_HISTORY_LEN];
	size_t start, count;
};

void stats_ring_push(struct stats_ring *ring, const struct stats_point *p);

/* Copies up to max points, oldest first; returns how many. */
size_t stats_ring_copy(const struct stats_ring *ring, struct stats_point *out, size_t max);

/* The point between a target's pre and cur samples (false without both). */
bool stats_point_from_target(const struct stats_target *t, struct stats_point *out);

/* The process-wide history, filled by every streaming container.stats
 * command: appends a point for a container. */
void stats_history_record(const char *id, const struct stats_point *p);

/* Copies a container's history, oldest first; returns how many points. */
size_t stats_history_get(const char *id, struct stats_point *out, size_t max);

/* Drops a container's history. */
void stats_history_forget(const char *id);

#endif
