/* Copying files in and out of a container as tar streams. */
#ifndef BERTH_CONTAINER_COPY_H
#define BERTH_CONTAINER_COPY_H

#include "engine/core/engine.h"

/* container.copy_from {id, path, fd}: a tar of path written to fd -> {"stat"}.
 * container.copy_to {id, path, fd, name, is_dir}: the tar on fd extracted at
 * path (an existing directory, or a new name whose parent exists). */
extern const struct engine_command container_copy_commands[];

#endif
