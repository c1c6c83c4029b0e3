/* The resource and security flags of run, create and update, read the way
 * the docker CLI reads them (go-units sizes, rational --cpus, ulimits,
 * sysctls, devices, security options) into HostConfig fields. */
#ifndef BERTH_CLI_LIMITS_H
#define BERTH_CLI_LIMITS_H

#include <jansson.h>
#include <stdbool.h>

#include "cli/cli.h"

struct limit_opts {
	/* resources, also taken by update */
	char *memory, *memory_swap, *memory_reservation, *cpus, *cpuset_cpus, *cpuset_mems;
	char *pids_limit, *blkio_weight;
	long cpu_shares, cpu_period, cpu_quota;
	/* run and create only */
	char *shm_size;
	bool oom_kill_disable;
	struct strlist ulimits, cap_add, cap_drop, security_opt, group_add, devices, sysctls;
};

/* The flags update shares with run and create. */
#define LIMIT_RESOURCE_FLAGS(o)                                                                   \
	{"memory", 'm', FLAG_STRING, &(o).memory, "bytes", "Memory limit"},                      \
	{"memory-swap", 0, FLAG_STRING, &(o).memory_swap, "bytes",                                \
	 "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"},                  \
	{"memory-reservation", 0, FLAG_STRING, &(o).memory_reservation, "bytes",                  \
	 "Memory soft limit"},                                                                     \
	{"cpus", 0, FLAG_STRING, &(o).cpus, "decimal", "Number of CPUs"},                         \
	{"cpu-shares", 'c', FLAG_INT, &(o).cpu_shares, "int", "CPU shares (relative weight)"},    \
	{"cpu-period", 0, FLAG_INT, &(o).cpu_period, "int",                                       \
	 "Limit CPU CFS (Completely Fair Scheduler) period"},                                      \
	{"cpu-quota", 0, FLAG_INT, &(o).cpu_quota, "int",                                         \
	 "Limit CPU CFS (Completely Fair Scheduler) quota"},                                       \
	{"cpuset-cpus", 0, FLAG_STRING, &(o).cpuset_cpus, "string",                               \
	 "CPUs in which to allow execution (0-3, 0,1)"},                                           \
	{"cpuset-mems", 0, FLAG_STRING, &(o).cpuset_mems, "string",                               \
	 "MEMs in which to allow execution (0-3, 0,1)"},                                           \
	{"pids-limit", 0, FLAG_STRING, &(o).pids_limit, "int",                                    \
	 "Tune container pids limit (set -1 for unlimited)"},                                      \
	{"blkio-weight", 0, FLAG_STRING, &(o).blkio_weight, "uint16",                             \
	 "Block IO (relative weight), between 10 and 1000, or 0 to disable (default 0)"}

/* The resource and security flags of run and create. */
#define LIMIT_CREATE_FLAGS(o)                                                                     \
	LIMIT_RESOURCE_FLAGS(o),                                                                   \
	{"shm-size", 0, FLAG_STRING, &(o).shm_size, "bytes", "Size of /dev/shm"},                 \
	{"oom-kill-disable", 0, FLAG_BOOL, &(o).oom_kill_disable, NULL, "Disable OOM Killer"},    \
	{"ulimit", 0, FLAG_LIST, &(o).ulimits, "ulimit", "Ulimit options"},                       \
	{"cap-add", 0, FLAG_LIST, &(o).cap_add, "list", "Add Linux capabilities"},                \
	{"cap-drop", 0, FLAG_LIST, &(o).cap_drop, "list", "Drop Linux capabilities"},             \
	{"security-opt", 0, FLAG_LIST, &(o).security_opt, "list", "Security Options"},            \
	{"group-add", 0, FLAG_LIST, &(o).group_add, "list", "Add additional groups to join"},     \
	{"device", 0, FLAG_LIST, &(o).devices, "list", "Add a host device to the container"},     \
	{"sysctl", 0, FLAG_LIST, &(o).sysctls, "map", "Sysctl options"}

/* Puts the flags' values into hc (a HostConfig for run and create, the
 * update body for update: then only what was given). On a bad value
 * prints the docker CLI's words ("invalid argument \"x\" for \"-m,
 * --memory\" flag: invalid size: 'x'") and returns 125; 0 on success. */
int cli_limit_flags(struct cli *cli, json_t *hc, const struct limit_opts *o, bool update);

/* docker's opts.ParseCPUs: "1.5", "0.25", "3/2" as nano CPUs; errors
 * "failed to parse x as a rational number", "value is too precise". */
int cli_parse_cpus(const char *s, long long *nano, berr *err);

#endif
