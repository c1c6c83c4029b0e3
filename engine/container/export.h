/* Exporting a container's filesystem as a tar. */
#ifndef BERTH_CONTAINER_EXPORT_H
#define BERTH_CONTAINER_EXPORT_H

#include "engine/container/internal.h"

int container_export(struct engine *engine, const struct container *c, int out_fd, berr *err);

#endif
