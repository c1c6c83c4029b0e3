/* The container subsystem as the engine sees it: its command tables, what
 * it does when an engine opens, and its figures for system.info and
 * system.df. */
#include "engine/container/cgroup.h"
#include "engine/container/commit.h"
#include "engine/container/internal.h"
#include "engine/container/copy.h"
#include "engine/container/exec.h"
#include "engine/container/inspect_ops.h"
#include "engine/container/stats.h"
#include "engine/container/update.h"
#include "engine/logging/log_options.h"

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

	if (!st || container_count_states(st, info, err) < 0)
		return -1;
	json_object_set_new(engine_info_member(info, "Plugins", false), "Log", log_driver_names());
	/* what the host's cgroups cannot do, in Docker's words (and berth's
	 * for the freezer, which pause and commit need) */
	static const struct {
		const char *controller, *warning;
	} needs[] = {
		{"memory", "No memory limit support"},
		{"cpu", "No cpu cfs quota support"},
		{"cpu", "No cpu cfs period support"},
		{"cpu", "No cpu shares support"},
		{"pids", "No pids limit support"},
		{"freezer", "No freezer support: pause and commit cannot freeze containers"},
	};
	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++)
		if (!container_cgroup_has(needs[i].controller))
			json_array_append_new(engine_info_member(info, "Warnings", true), json_string(needs[i].warning));
	return 0;
}

/* GET /system/df's Containers: every container's summary with its size. */
static int container_disk_usage(struct engine *engine, json_t *usage, berr *err)
{
	struct container_rows *rows;
	json_t *containers;

	if (container_rows_get(engine, &rows, err) < 0)
		return -1;
	containers = json_array();
	for (size_t i = 0; i < rows->count; i++) {
		json_t *base = container_rows_summary(engine, rows, i);
		json_array_append_new(containers,
				      container_summary_row(engine, &rows->list[i], base, true));
	}
	container_rows_put(engine, rows);
	json_object_set_new(usage, "Containers", containers);
	return 0;
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
			container_network_commands,
			NULL,
		},
	.startup = container_startup,
	.info = container_info,
	.disk_usage = container_disk_usage,
	.reconcile = container_reconcile_all,
	.new_state = container_memory_new,
	.free_state = container_memory_free,
};
