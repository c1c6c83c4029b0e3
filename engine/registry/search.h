/* docker search: registry.search (search.c). */
#ifndef BERTH_REGISTRY_SEARCH_H
#define BERTH_REGISTRY_SEARCH_H

#include "engine/core/engine.h"

extern const struct engine_command registry_search_commands[];

#endif
