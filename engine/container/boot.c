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
	struct store *st;
	sqlite3_stmt *stmt;
	struct boot_candidate *list = NULL;
	size_t n = 0, cap = 0;

	if (!first_since_boot(engine))
		return 0;
	st = engine_store(engine, err);
	if (!st || store_prepare(st, &stmt,
				 "SELECT id, state, json_extract(host_config, '$.RestartPolicy.Name')"
				 " FROM containers WHERE json_extract(host_config, '$.RestartPolicy.Name')"
				 " IN ('always', 'unless-stopped')",
				 err) < 0)
		return -1;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			struct boot_candidate *grown = realloc(list, cap * sizeof(*list));
			if (!grown)
				break;
			list = grown;
		}
		const char *state = store_text(stmt, 1);
		snprintf(list[n].id, sizeof(list[n].id), "%s", store_text(stmt, 0));
		list[n].always = strcmp(store_text(stmt, 2), "always") == 0;
		list[n].was_active = strcmp(state, "running") == 0 || strcmp(state, "paused") == 0 ||
				     strcmp(state, "restarting") == 0;
		n++;
	}
	sqlite3_reset(stmt);
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
