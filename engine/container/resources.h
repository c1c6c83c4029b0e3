/* Resource limits: the HostConfig fields Docker keeps them in (Memory,
 * MemorySwap, NanoCpus, CpuShares, PidsLimit, Ulimits, ShmSize...),
 * checked with dockerd's words, and turned into cgroup settings (v1 or v2
 * file names) for the monitor's spec and for `update`. */
#ifndef BERTH_CONTAINER_RESOURCES_H
#define BERTH_CONTAINER_RESOURCES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/error.h"

/* dockerd's smallest memory limit and reservation (6 MiB). */
#define RESOURCES_MIN_MEMORY 6291456

/* Docker's default /dev/shm size (64 MiB). */
#define RESOURCES_DEFAULT_SHM 67108864

/* What the host's cgroups offer, as dockerd's sysinfo sees it. */
struct cgroup_features {
	bool v2;                   /* the controllers live in the unified tree */
	bool swap;                 /* memory.memsw.* (v1) or memory.swap.max (v2) */
	const char *blkio_weight;  /* the weight file to write, NULL: none */
	int ncpu;                  /* CPUs this process may run on */
	char cpus[256], mems[256]; /* cpuset.cpus / cpuset.mems available */
};

/* Looks at this host's cgroup mounts. */
void resources_probe(struct cgroup_features *f);

/* Groups of settings, for `update` to rewrite only what it changes. */
enum {
	RESOURCES_MEMORY = 1 << 0,
	RESOURCES_CPU = 1 << 1,
	RESOURCES_CPUSET = 1 << 2,
	RESOURCES_PIDS = 1 << 3,
	RESOURCES_BLKIO = 1 << 4,
	RESOURCES_ALL = (1 << 5) - 1,
};

/* dockerd's checks of the resource fields of hc, in its order and words
 * ("Minimum memory limit allowed is 6MB", "Range of CPUs is from 0.01 to
 * 2.00, as there are only 2 CPUs available", ...). For a create (update
 * false) it then adjusts hc as dockerd does: MemorySwap defaults to twice
 * Memory, CpuShares is clamped to 2..262144, ShmSize 0 becomes 64 MiB,
 * PidsLimit <= 0 means none. Limits the host cannot enforce are dropped
 * with dockerd's warning appended to warnings (may be NULL). Errors are
 * BERR_INVALID; hc is only changed on success. */
int resources_check(json_t *hc, bool update, const struct cgroup_features *f, json_t *warnings,
                    berr *err);

/* Appends to out (an array) the cgroup settings of hc as "<file> <value>"
 * strings, in the order they must be written, for the groups asked. With
 * reset, a limit hc does not set is written as "no limit" (an update that
 * lifts it); without, it is left alone (a fresh cgroup has none). */
void resources_cgroup_settings(json_t *hc, const struct cgroup_features *f, unsigned groups,
                               bool reset, json_t *out);

/* Appends the monitor's spec records for hc to records, as [key, value]
 * pairs: cgroup-set for every limit, rlimit for each ulimit, shm-size. */
void resources_spec_records(json_t *hc, const struct cgroup_features *f, json_t *records);

/* Docker's ulimit names ("nofile", "nproc"...): the RLIMIT_ number, -1 when unknown. */
int resources_ulimit_resource(const char *name);

/* go-units ParseUlimit: "nofile=100:200", "core=-1", "nproc=infinity";
 * fills *name (malloc'd), *soft and *hard (-1: unlimited). Errors are
 * go-units' words ("invalid ulimit type: foo"). */
int resources_parse_ulimit(const char *s, char **name, int64_t *soft, int64_t *hard, berr *err);

/* cgroup v2 cpu.weight for v1 cpu.shares, as runc converts (0: unset). */
uint64_t resources_shares_to_weight(uint64_t shares);

/* cgroup v2 io.weight for a blkio weight (10..1000), as runc converts. */
uint64_t resources_blkio_to_io_weight(uint64_t weight);

/* Writes settings ("<file> <value>" strings) into a running container's
 * cgroups, the hierarchy chosen by the file's prefix. A write the kernel
 * refuses because of the order (memory below memsw) is retried after the
 * others. */
int resources_write_cgroups(const char *id, json_t *settings, const struct cgroup_features *f,
                            berr *err);

#endif
