/* Every subsystem, for engine_options.modules: what a face opens an
 * engine with. */
#ifndef BERTH_ENGINE_MODULES_H
#define BERTH_ENGINE_MODULES_H

#include "engine/core/engine.h"

extern const struct engine_module *const engine_modules[];

/* daemon.json checked as an engine would check it when it opens, without
 * opening one (`berth daemon --validate`); *ignored receives the Docker
 * settings berth does not apply ({"key", "why"}). */
int engine_config_validate(json_t **ignored, berr *err);

#endif
