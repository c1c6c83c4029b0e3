/* A container's cgroups as the engine finds them. */
#ifndef BERTH_CONTAINER_CGROUP_H
#define BERTH_CONTAINER_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "engine/core/error.h"

/* The cgroup every container's sits under: $BERTH_CGROUP_PARENT or "berth". */
const char *container_cgroup_parent(void);

/* The mount point of the v1 hierarchy holding controller, or of the v2
 * tree when controller is NULL; 0 when found. */
int container_cgroup_mount(const char *controller, char *out, size_t n);

/* Whether the host gives containers this controller ("memory", "cpu",
 * "pids", "freezer"): a v1 hierarchy of it, or the v2 tree listing it
 * (v2's freezer is always there). */
bool container_cgroup_has(const char *controller);

/* <mount of controller>/<parent>/<id>; controller NULL means the v2 tree. */
int container_cgroup_dir(const char *controller, const char *id, char *out, size_t n);

/* The pids in the container's cgroup (malloc'd array). */
int container_cgroup_pids(const char *id, pid_t **out, size_t *count, berr *err);

/* Removes the container's cgroup from every hierarchy, once its
 * processes are gone (a monitor killed before it could clean up). */
void container_cgroup_remove(const char *id);

#endif
