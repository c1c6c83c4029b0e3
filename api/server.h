/* The daemon's shared state, as route handlers reach it. */
#ifndef BERTH_API_SERVER_H
#define BERTH_API_SERVER_H

#include "api/attach_wait.h"
#include "api/exec_table.h"
#include "engine/core/engine.h"

struct api_server {
	struct engine *engine;
	struct api_exec_table execs;
	struct attach_waits attach;
	bool debug;
};

#endif
