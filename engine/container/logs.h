/* Reading a container's logs. */
#ifndef BERTH_CONTAINER_LOGS_H
#define BERTH_CONTAINER_LOGS_H

#include "engine/container/internal.h"

/* args: {"stdout","stderr","follow","tail","since","until"}; sends progress. */
int container_logs(struct cmd_ctx *ctx, const struct container *c, json_t *args, berr *err);

#endif
