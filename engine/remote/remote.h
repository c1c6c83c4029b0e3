/* Driving a daemon elsewhere: what a face needs to open a stateless
 * engine whose commands a daemon's Engine API serves (its backend is a
 * remote_client, client.h; the choice of daemon is target.h's). */
#ifndef BERTH_REMOTE_REMOTE_H
#define BERTH_REMOTE_REMOTE_H

#include "engine/core/engine.h"
#include "engine/remote/client.h"
#include "engine/remote/target.h"

/* The module list of a remote engine (engine_options' modules). */
extern const struct engine_module *const remote_modules[];

#endif
