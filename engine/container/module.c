/* The container subsystem as the engine sees it: its command tables, what
 * it does when an engine opens, and its figures for system.info. */
#include "engine/container/commit.h"
#include "engine/container/internal.h"
#include "engine/container/copy.h"
#include "engine/container/exec.h"
#include "engine/container/inspect_ops.h"
#include "engine/container/stats.h"
#include "engine/container/update.h"

/* Containers the host's reboot stopped come back first (their restart
 * policies), then every row is brought in line with the kernel, then
 * directories no row owns go. */
static int container_startup(struct engine *engine, berr *err)
{
	if (container_boot_restarts(engine, err) < 0 || container_reconcile_all(engine, err) < 0)
		return -1;
	return container_gc_orphans(engine, err);
}

static int container_info(struct engine *engine, json_t *info, berr *err)
{
	struct store *st = engine_store(engine, err);

	return st ? container_count_states(st, info, err) : -1;
}

const struct engine_module container_module = {
	.name = "container",
	.commands =
		(const struct engine_command *const[]){
			container_commands,
			container_update_commands,
			container_inspect_commands,
			container_commit_commands,
			container_copy_commands,
			container_exec_commands,
			container_stats_commands,
			NULL,
		},
	.startup = container_startup,
	.info = container_info,
	.reconcile = container_reconcile_all,
};
