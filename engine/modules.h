/* Every subsystem, for engine_options.modules: what a face opens an
 * engine with. */
#ifndef BERTH_ENGINE_MODULES_H
#define BERTH_ENGINE_MODULES_H

#include "engine/core/engine.h"

extern const struct engine_module *const engine_modules[];

#endif
