/* The container's intents (engine/core/intent.c): what the next berth
 * process does with the records a berth killed midway left:
 *   start-<id>   the monitor may run while the row says it does not: the
 *                container is synced, which adopts such a monitor. A
 *                monitor writes its pid file within milliseconds of being
 *                spawned; until it has, or START_SETTLE_S have passed, the
 *                intent stays for the next berth to look again;
 *   commit-<id>  the container may be left frozen: it is thawed;
 *   pause-<id>   a pause or an unpause: the row may not say what the
 *                freezer does; the kernel is the truth and the row follows;
 *   update-<id>  new limits may be in the cgroups but not in the store:
 *                the stored ones are written again;
 *   netchange-<id> a network connect or disconnect of a running container:
 *                an endpoint whose link is not up in its namespace goes. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/container/internal.h"
#include "engine/network/network.h"
#include "engine/container/pause.h"
#include "engine/container/update.h"
#include "engine/core/fsutil.h"
#include "engine/core/intent.h"

#define START_SETTLE_S 2

/* Thaws a container a dead commit left frozen, and says it runs again. */
static void finish_commit(struct engine *engine, const char *id)
{
	struct container c;

	if (container_find(engine, id, &c, NULL) < 0)
		return;
	if (container_is_active(&c)) {
		snprintf(c.state, sizeof(c.state), "paused");
		container_unpause(engine, &c, NULL);
	}
	container_free(&c);
}

/* Has the monitor of a dead start written its pid file, or has it had
 * long enough to? */
static bool start_settled(struct engine *engine, const char *id, const char *intent)
{
	char run_dir[PATH_MAX], path[PATH_MAX + 16];
	struct stat st;

	container_run_dir(engine, id, run_dir, sizeof(run_dir));
	snprintf(path, sizeof(path), "%s/shim.pid", run_dir);
	if (access(path, F_OK) == 0)
		return true;
	return stat(intent, &st) < 0 || time(NULL) - st.st_mtime >= START_SETTLE_S;
}

/* A dead start: the row adopts a monitor it left (sync), and addresses
 * and ports it leased for a container that does not run go back. A live
 * start of the same container holds its lock, and gives back stale
 * leases itself. */
static void finish_start(struct engine *engine, const char *id)
{
	struct container c;
	int lock;

	if (container_find(engine, id, &c, NULL) < 0)
		return;
	if (!container_is_active(&c) &&
	    (lock = container_lock(engine, id, false, NULL)) >= 0) {
		struct container now;
		if (container_find(engine, id, &now, NULL) == 0) {
			if (!container_is_active(&now))
				network_container_stopped(engine, id);
			container_free(&now);
		}
		container_unlock(lock);
	}
	container_free(&c);
}

/* Writes the stored limits of a container a dead update may have changed. */
static void finish_update(struct engine *engine, const char *id)
{
	struct container c;

	if (container_find(engine, id, &c, NULL) < 0)
		return;
	if (container_is_active(&c))
		container_reapply_limits(&c, NULL);
	container_free(&c);
}

/* Makes the row of a container a dead pause or unpause left say what the
 * freezer says. */
static void finish_pause(struct engine *engine, const char *id)
{
	struct container c;
	bool frozen;

	if (container_find(engine, id, &c, NULL) < 0)
		return;
	frozen = container_frozen(id);
	if ((strcmp(c.state, "running") == 0 && frozen) ||
	    (strcmp(c.state, "paused") == 0 && !frozen))
		container_record_frozen(engine, &c, frozen, NULL);
	container_free(&c);
}

int container_finish_intents(struct engine *engine, berr *err)
{
	/* a start first, then a commit's thaw, then what a pause or unpause left */
	static const char *const kinds[] = {"start", "commit", "pause", "update", "netchange"};
	json_t *orphans, *o;
	size_t i;

	(void)err;
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		orphans = intent_orphans(engine, kinds[k]);
		json_array_foreach(orphans, i, o) {
			const char *id = json_string_value(json_array_get(o, 0));
			const char *path = json_string_value(json_array_get(o, 1));
			if (k == 0) {
				if (!start_settled(engine, id, path))
					continue;
				finish_start(engine, id);
			} else if (k == 1) {
				finish_commit(engine, id);
			} else if (k == 2) {
				finish_pause(engine, id);
			} else if (k == 3) {
				finish_update(engine, id);
			} else if (!container_finish_netchange(engine, id)) {
				continue; /* the next berth tries again */
			}
			intent_end(path);
		}
		json_decref(orphans);
	}
	return 0;
}
