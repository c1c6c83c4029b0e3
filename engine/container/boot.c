/* After a reboot the first berth process brings back the containers whose
 * restart policy asks for it, as dockerd does when it starts: `always`
 * ones whatever their state, `unless-stopped` ones that were running when
 * the machine went down. A reboot shows as a new kernel boot id; the last
 * one seen is kept in the run root (a tmpfs, gone at reboot anyway). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/container/internal.h"
#include "engine/core/alloc.h"
#include "engine/core/fsutil.h"

struct boot_candidate {
	char id[CONTAINER_ID_LEN + 1];
	bool always;
	bool was_active;
};

/* True (and the new id recorded) when this is the first look since boot. */
static bool first_since_boot(struct engine *engine)
{
	char path[PATH_MAX], *now = NULL, *seen = NULL;
	bool first;

	if (fs_read_file("/proc/sys/kernel/random/boot_id", &now, NULL, NULL) < 0)
		return false;
	snprintf(path, sizeof(path), "%s/boot_id", engine_run_root(engine));
	first = fs_read_file(path, &seen, NULL, NULL) < 0 || strcmp(seen, now) != 0;
	if (first)
		fs_write_atomic(path, now, strlen(now), NULL);
	free(now);
	free(seen);
	return first;
}

int container_boot_restarts(struct engine *engine, berr *err)
{
	struct container_brief *rows = NULL;
	struct boot_candidate *list;
	size_t n = 0, count = 0;
	struct store *st;

	if (!first_since_boot(engine))
		return 0;
	st = engine_store(engine, err);
	if (!st || container_list_brief(st, &rows, &count, err) < 0)
		return -1;
	list = xcalloc(count ? count : 1, sizeof(*list));
	for (size_t i = 0; i < count; i++) {
		if (strcmp(rows[i].restart, "always") && strcmp(rows[i].restart, "unless-stopped"))
			continue;
		snprintf(list[n].id, sizeof(list[n].id), "%s", rows[i].id);
		list[n].always = strcmp(rows[i].restart, "always") == 0;
		list[n].was_active = strcmp(rows[i].state, "running") == 0 ||
				     strcmp(rows[i].state, "paused") == 0 ||
				     strcmp(rows[i].state, "restarting") == 0;
		n++;
	}
	free(rows);
	for (size_t i = 0; i < n; i++) {
		struct container c;
		/* container_find first records the old run as ended. */
		if (container_find(engine, list[i].id, &c, NULL) < 0)
			continue;
		if (!container_is_active(&c) && (list[i].always || list[i].was_active))
			container_start(engine, &c, -1, NULL);
		container_free(&c);
	}
	free(list);
	return 0;
}
