/* container.stats: live statistics of containers (the sampling itself is
 * engine/stats). */
#ifndef BERTH_CONTAINER_STATS_H
#define BERTH_CONTAINER_STATS_H

#include "engine/core/engine.h"

extern const struct engine_command container_stats_commands[];

#endif
