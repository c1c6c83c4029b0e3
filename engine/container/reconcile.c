/* Every container at once: reconciling all rows that may have changed,
 * the list commands see, and the directories no row owns. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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

/* A small file of the run directory, its first number in *n; false when
 * it is not there. */
static bool run_number(const char *run_dir, const char *name, long long *n)
{
	char path[PATH_MAX + 32], *text = NULL;

	snprintf(path, sizeof(path), "%s/%s", run_dir, name);
	if (fs_read_file(path, &text, NULL, NULL) < 0)
		return false;
	*n = 0;
	sscanf(text, "%lld", n);
	free(text);
	return true;
}

/* Which of the monitor's records a run directory holds: one listing
 * instead of an open per record. */
enum {
	RUN_EXIT = 1 << 0,
	RUN_STOP = 1 << 1,
	RUN_RESTARTING = 1 << 2,
	RUN_RESTARTS = 1 << 3,
	RUN_LOG_DROPPED = 1 << 4,
	RUN_HEALTH = 1 << 5,
	RUN_SHIM_PID = 1 << 6,
};

static unsigned run_records(const char *run_dir)
{
	static const struct {
		const char *name;
		unsigned bit;
	} records[] = {
	    {"exit", RUN_EXIT},		  {"stop", RUN_STOP},		{"restarting", RUN_RESTARTING},
	    {"restarts", RUN_RESTARTS}, {"log-dropped", RUN_LOG_DROPPED}, {"health", RUN_HEALTH},
	    {"shim.pid", RUN_SHIM_PID},
	};
	DIR *d = opendir(run_dir);
	struct dirent *de;
	unsigned found = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); i++)
			if (strcmp(de->d_name, records[i].name) == 0)
				found |= records[i].bit;
	closedir(d);
	return found;
}

/* Would container_sync_state act on this running container? Read from its
 * run directory alone (what its monitor writes), without the row's JSON:
 * an exit recorded, the monitor gone, a stop whose stopper died, a health
 * status or a count of dropped log lines not yet announced, a restart
 * or back-off the row does not show. A yes only costs the full sync. */
static bool active_may_lag(struct engine *engine, const struct container_pulse *p)
{
	char run_dir[PATH_MAX], path[PATH_MAX + 32], *text = NULL, *seen = NULL;
	long long n, seen_n;
	pid_t pid;

	container_run_dir(engine, p->id, run_dir, sizeof(run_dir));
	unsigned has = run_records(run_dir);
	if ((has & RUN_EXIT) || !(has & RUN_SHIM_PID))
		return true;
	snprintf(path, sizeof(path), "%s/shim.pid", run_dir);
	if (proc_pidfile_check(path, &pid) != 1)
		return true;
	/* a stop whose stopper died (sync.c's drop_stale_stop) */
	snprintf(path, sizeof(path), "%s/stop", run_dir);
	if ((has & RUN_STOP) && fs_read_file(path, &text, NULL, NULL) == 0) {
		bool stale = text[0] && !proc_pidfile_alive(path, &pid);
		free(text);
		text = NULL;
		if (stale)
			return true;
	}
	if (p->restart[0] && strcmp(p->restart, "no") != 0) {
		const char *want = strcmp(p->state, "paused") == 0 ? "paused"
				   : (has & RUN_RESTARTING)	   ? "restarting"
								   : "running";
		if (strcmp(p->state, want) != 0 ||
		    ((has & RUN_RESTARTS) && run_number(run_dir, "restarts", &n) &&
		     n != p->restart_count))
			return true;
	}
	if ((has & RUN_LOG_DROPPED) && run_number(run_dir, "log-dropped", &n) && n > 0 &&
	    (!run_number(run_dir, "log-dropped.seen", &seen_n) || n > seen_n))
		return true;
	/* a health status the monitor wrote that was not announced yet */
	snprintf(path, sizeof(path), "%s/health", run_dir);
	if (!(has & RUN_HEALTH) || fs_read_file(path, &text, NULL, NULL) < 0)
		return false;
	json_t *h = json_loads(text, 0, NULL);
	const char *now = json_string_value(json_object_get(h, "Status"));
	bool lag = false;
	if (now && strcmp(now, "starting") != 0 && strcmp(now, "none") != 0) {
		snprintf(path, sizeof(path), "%s/health.seen", run_dir);
		lag = fs_read_file(path, &seen, NULL, NULL) < 0 || strcmp(seen, now) != 0;
	}
	json_decref(h);
	free(text);
	free(seen);
	return lag;
}

int container_reconcile_all(struct engine *engine, berr *err)
{
	struct store *st = engine_store(engine, err);
	struct container_pulse *rows = NULL;
	size_t n = 0;

	if (!st || container_finish_intents(engine, err) < 0 ||
	    container_list_unsettled(st, &rows, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct container c;
		bool active = strcmp(rows[i].state, "removing") != 0 &&
			      strcmp(rows[i].state, "exited") != 0;
		if (active && !active_may_lag(engine, &rows[i]))
			continue;
		/* container_find syncs; errors on one container must not hide the rest. */
		if (container_find(engine, rows[i].id, &c, NULL) == 0)
			container_free(&c);
	}
	free(rows);
	container_note_reconciled(engine);
	return 0;
}

bool container_may_lag(struct engine *engine, const struct container *c)
{
	struct container_pulse p = {.restart_count = c->restart_count};
	const char *policy = json_string_value(
		json_object_get(json_object_get(c->host_config, "RestartPolicy"), "Name"));

	if (container_awaits_removal(c))
		return true;
	if (!container_is_active(c))
		return false;
	snprintf(p.id, sizeof(p.id), "%s", c->id);
	snprintf(p.state, sizeof(p.state), "%s", c->state);
	snprintf(p.restart, sizeof(p.restart), "%s", policy ? policy : "");
	return active_may_lag(engine, &p);
}

int container_load_all(struct engine *engine, struct container **out, size_t *count, berr *err)
{
	struct store *st = engine_store(engine, err);
	struct container *list;
	size_t n, kept = 0;

	/* the rows read once, each that may have changed synced in place
	 * (as container_reconcile_all syncs them by id, without reading
	 * every row twice) */
	if (!st || container_finish_intents(engine, err) < 0 ||
	    container_list_rows(st, &list, &n, err) < 0)
		return -1;
	/* within moments of a full pass (a CLI's `ps` right after the
	 * engine's start-up reconcile) only what it could not settle */
	bool fresh = container_reconciled_just_now(engine);
	for (size_t i = 0; i < n; i++) {
		struct container *c = &list[i];
		bool removed = false;
		bool lag = container_awaits_removal(c) || (!fresh && container_may_lag(engine, c));
		/* errors on one container must not hide the rest */
		if (lag && container_sync(engine, c, &removed, NULL) == 0 && removed) {
			container_free(c);
			continue;
		}
		list[kept++] = *c;
	}
	*out = list;
	*count = kept;
	return 0;
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
