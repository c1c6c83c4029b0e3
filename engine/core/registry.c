/* Gathers every subsystem's commands for the queue. */
#include "engine/core/registry.h"

#include <string.h>

#include "engine/container/commit.h"
#include "engine/container/container.h"
#include "engine/container/copy.h"
#include "engine/container/exec.h"
#include "engine/container/inspect_ops.h"
#include "engine/container/pause.h"
#include "engine/container/update.h"
#include "engine/core/system.h"
#include "engine/events/events.h"
#include "engine/image/image.h"
#include "engine/stats/stats.h"
#include "engine/volume/volume.h"

static const struct engine_command *const tables[] = {
	container_commands,
	container_pause_commands,
	container_update_commands,
	container_inspect_commands,
	container_commit_commands,
	container_copy_commands,
	container_exec_commands,
	image_commands,
	system_commands,
	stats_commands,
	events_commands,
	volume_commands,
};

const struct engine_command *registry_find(const char *type)
{
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct engine_command *c = tables[t]; c->type; c++)
			if (strcmp(c->type, type) == 0)
				return c;
	return NULL;
}

int registry_startup(struct engine *engine, berr *err)
{
	if (image_gc_staging(engine_root(engine), err) < 0)
		return -1;
	if (container_boot_restarts(engine, err) < 0 || container_reconcile_all(engine, err) < 0 ||
	    vol_startup(engine, err) < 0)
		return -1;
	if (events_trim(engine, err) < 0)
		return -1;
	return container_gc_orphans(engine, err);
}
