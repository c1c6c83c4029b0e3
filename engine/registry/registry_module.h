/* The registry subsystem as the engine sees it: its commands. */
#ifndef BERTH_REGISTRY_MODULE_H
#define BERTH_REGISTRY_MODULE_H

#include <stddef.h>

#include "engine/core/engine.h"

extern const struct engine_module registry_module;

/* The registry a server address means (docker login's argument):
 * "https://localhost:5000/v2/" -> "localhost:5000"; "" and Docker Hub's
 * names -> "docker.io". */
void registry_server_domain(const char *server, char *out, size_t size);

#endif
