/* Every container at once: reconciling all rows that may have changed,
 * the list commands see, and the directories no row owns. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine/container/cgroup.h"
#include "engine/container/internal.h"
#include "engine/core/fsutil.h"

int container_reconcile_all(struct engine *engine, berr *err)
{
	struct store *st = engine_store(engine, err);
	struct store_strings ids = {0};

	if (!st || container_finish_intents(engine, err) < 0 ||
	    container_ids_unsettled(st, &ids, err) < 0)
		return -1;
	for (size_t i = 0; i < ids.n; i++) {
		struct container c;
		/* container_find syncs; errors on one container must not hide the rest. */
		if (container_find(engine, ids.v[i], &c, NULL) == 0)
			container_free(&c);
	}
	store_strings_free(&ids);
	return 0;
}

int container_load_all(struct engine *engine, struct container **out, size_t *count, berr *err)
{
	struct store *st = engine_store(engine, err);

	if (!st || container_reconcile_all(engine, err) < 0)
		return -1;
	return container_list_rows(st, out, count, err);
}

/* The container ids that have a directory in dir but not among rows. */
static json_t *orphans_in(const struct store_strings *rows, const char *dir)
{
	json_t *found = json_array();
	struct dirent *de;
	DIR *d = opendir(dir);

	if (!d)
		return found;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len != CONTAINER_ID_LEN || strspn(de->d_name, "0123456789abcdef") != len)
			continue;
		if (!store_strings_has(rows, de->d_name))
			json_array_append_new(found, json_string(de->d_name));
	}
	closedir(d);
	return found;
}

/* Removes one orphan's run directory, first killing a monitor still
 * running there: a container no row knows would run untracked. */
static void remove_orphan_run_dir(const char *path)
{
	char pidfile[PATH_MAX + 16];
	pid_t pid;

	snprintf(pidfile, sizeof(pidfile), "%s/shim.pid", path);
	if (proc_pidfile_alive(pidfile, &pid)) {
		int fd = (int)syscall(SYS_pidfd_open, pid, 0);
		/* the pid checked once more after the open: never a reused one */
		if (fd >= 0 && proc_pidfile_alive(pidfile, &pid))
			syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
		if (fd >= 0)
			close(fd);
	}
	fs_remove_tree(path, NULL);
}

/* Bundle and run directories that no row owns are what a create or a
 * remove interrupted by a crash left. A create makes its directories
 * while it holds the store's write lock, so under that lock a directory
 * without a row belongs to no create in progress: it goes at once. */
int container_gc_orphans(struct engine *engine, berr *err)
{
	struct store *st = engine_store(engine, err);
	char bundles[PATH_MAX], runs[PATH_MAX], path[PATH_MAX + 80];
	struct store_strings rows;
	json_t *lists[2], *id;
	size_t i;

	if (!st)
		return -1;
	snprintf(bundles, sizeof(bundles), "%s/containers", engine_root(engine));
	snprintf(runs, sizeof(runs), "%s/containers", engine_run_root(engine));
	/* one query for every directory's check; a second look, under the
	 * write lock, only for what looks orphaned */
	if (container_ids_all(st, &rows, err) < 0)
		return -1;
	lists[0] = orphans_in(&rows, bundles);
	lists[1] = orphans_in(&rows, runs);
	store_strings_free(&rows);
	if ((json_array_size(lists[0]) || json_array_size(lists[1])) && store_begin(st, NULL) == 0) {
		for (int k = 0; k < 2; k++)
			json_array_foreach(lists[k], i, id) {
				const char *hex = json_string_value(id);
				if (container_row_exists(st, hex))
					continue;
				snprintf(path, sizeof(path), "%s/%s", k ? runs : bundles, hex);
				if (k) {
					remove_orphan_run_dir(path);
					container_cgroup_remove(hex);
				}
				else
					fs_remove_tree(path, NULL);
			}
		store_rollback(st);
	}
	json_decref(lists[0]);
	json_decref(lists[1]);
	return 0;
}
