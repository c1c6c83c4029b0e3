/* A container's files, reached from the host by directory fd. */
#ifndef BERTH_CONTAINER_ROOTFS_H
#define BERTH_CONTAINER_ROOTFS_H

#include <stdbool.h>

#include "engine/container/internal.h"

/* The running container's root as its own processes see it, volumes and
 * tmpfs mounts included: /proc/<init>/root of the init its monitor
 * recorded, checked against the recorded start time after the open, so a
 * reused pid is never taken for the container. */
int container_rootfs_live(struct engine *engine, const struct container *c, int *fd_out,
			  berr *err);

/* What container_rootfs_mount puts together. */
#define ROOTFS_WRITABLE 0x1u /* the upper directory takes the changes */
#define ROOTFS_INIT 0x2u     /* with the init layer (the runtime's mount points) */
#define ROOTFS_MOUNTS 0x4u   /* with the volumes and binds mounted where they go */

/* The container's overlay — its upper directory, init layer and image
 * layers — mounted detached (fsmount): in no mount namespace, seen by no
 * process, gone when the fd is closed; nodev, nosuid, noexec. Without
 * ROOTFS_WRITABLE the upper directory is one more read-only layer. With
 * ROOTFS_MOUNTS the container's volumes and binds are attached at their
 * destinations (resolved inside the view), as the container sees them. */
int container_rootfs_mount(struct engine *engine, const struct container *c, unsigned flags,
			   int *fd_out, berr *err);

#endif
