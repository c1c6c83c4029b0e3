/* The composition root: every subsystem's command table and start-up work,
 * gathered so the queue can find a handler by its type. */
#ifndef BERTH_CORE_REGISTRY_H
#define BERTH_CORE_REGISTRY_H

#include "engine/core/engine.h"

/* The handler for a command type, or NULL. */
const struct engine_command *registry_find(const char *type);

/* Work every engine does when it opens: clear staging left by a crash,
 * reconcile containers with their run directories. */
int registry_startup(struct engine *engine, berr *err);

#endif
