/* system.info and system.version. */
#ifndef BERTH_SYSTEM_SYSTEM_H
#define BERTH_SYSTEM_SYSTEM_H

#include "engine/core/engine.h"

#define BERTH_VERSION "0.1.0"
#define BERTH_API_VERSION "1.44"

extern const struct engine_module system_module;
/* daemon.json as a whole (daemon_settings.c): listed first. */
extern const struct engine_module daemon_settings_module;

#endif
