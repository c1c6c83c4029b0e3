/* container.update: new resource limits and restart policy for a container.
 *
 * Arguments: {"id", and the Docker Engine API's update body: "Memory",
 * "MemorySwap", "MemoryReservation", "NanoCpus", "CpuShares", "CpuPeriod",
 * "CpuQuota", "CpusetCpus", "CpusetMems", "PidsLimit", "BlkioWeight",
 * "RestartPolicy": {"Name", "MaximumRetryCount"}}; zero values (and a
 * missing PidsLimit) leave a field as it is, as in dockerd. The merged
 * HostConfig is saved; a running or paused container's cgroup files are
 * rewritten at once. Result: {"Warnings": [...]}. */
#ifndef BERTH_CONTAINER_UPDATE_H
#define BERTH_CONTAINER_UPDATE_H

#include <jansson.h>

#include "engine/core/error.h"
#include "engine/core/engine.h"

extern const struct engine_command container_update_commands[];

/* dockerd's check of a restart policy object ({"Name", "MaximumRetryCount"}):
 * "invalid restart policy: unknown policy 'x'; use one of 'no', 'always',
 * 'on-failure', or 'unless-stopped'". */
int container_restart_policy_check(json_t *policy, berr *err);

/* Writes a running container's stored limits into its cgroups again: after
 * an update cut short, the store is the truth. */
struct container;
int container_reapply_limits(const struct container *c, berr *err);

#endif
