/* Bringing the store up to date with what the monitors wrote: the engine
 * has no daemon, so whichever berth process looks next reconciles. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/container/container.h"
#include "engine/core/clock.h"
#include "engine/events/events.h"
#include "engine/core/fsutil.h"

/* Docker reports 255 for a container whose monitor vanished without an exit status. */
#define EXIT_CODE_LOST 255

struct exit_record {
	int code;
	int64_t finished;
	bool oom;
};

static bool read_exit_file(const char *run_dir, struct exit_record *rec)
{
	char path[PATH_MAX], *text = NULL;
	long long finished = 0;
	int oom = 0;

	snprintf(path, sizeof(path), "%s/exit", run_dir);
	if (fs_read_file(path, &text, NULL, NULL) < 0)
		return false;
	if (sscanf(text, "%d %lld %d", &rec->code, &finished, &oom) < 1) {
		free(text);
		return false;
	}
	rec->finished = finished;
	rec->oom = oom != 0;
	free(text);
	return true;
}

/* Reads the container's state column again inside the transaction. */
static int reread_state(struct store *st, const char *id, char *state, size_t n, int64_t *started,
			berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "SELECT state, started_at FROM containers WHERE id = ?", err) <
	    0)
		return -1;
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		snprintf(state, n, "%s", store_text(stmt, 0));
		*started = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		state[0] = '\0';
	return 0;
}

static void emit_die(struct engine *engine, const struct container *c)
{
	json_t *attrs = events_container_attributes(c->name, c->image_ref,
						    json_object_get(c->config, "Labels"), NULL);
	char code[16];

	snprintf(code, sizeof(code), "%d", c->exit_code);
	json_object_set_new(attrs, "exitCode", json_string(code));
	json_object_set_new(attrs, "image", json_string(c->image_ref));
	json_object_set_new(attrs, "name", json_string(c->name));
	engine_emit(engine, "container", "die", c->id, attrs);
}

/* The restart count the monitor recorded, or `known` when it recorded none. */
static int restarts_recorded(const char *run_dir, int known)
{
	char path[PATH_MAX + 16], *text = NULL;
	int count = known;

	snprintf(path, sizeof(path), "%s/restarts", run_dir);
	if (fs_read_file(path, &text, NULL, NULL) == 0) {
		if (sscanf(text, "%d", &count) != 1 || count < known)
			count = known;
		free(text);
	}
	return count;
}

/* Emits Docker's "health_status: <status>" event when the health the
 * monitor recorded differs from the last one announced ("health.seen"). */
static void sync_health_event(struct engine *engine, const struct container *c,
			      const char *run_dir)
{
	char status[32], path[PATH_MAX + 16], action[64], *seen = NULL;

	container_health_status(engine, c, status, sizeof(status));
	if (strcmp(status, "none") == 0 || strcmp(status, "starting") == 0)
		return;
	snprintf(path, sizeof(path), "%s/health.seen", run_dir);
	if (fs_read_file(path, &seen, NULL, NULL) == 0 && strcmp(seen, status) == 0) {
		free(seen);
		return;
	}
	free(seen);
	/* Written first: two processes racing announce it at most twice. */
	if (fs_write_atomic(path, status, strlen(status), NULL) < 0)
		return;
	snprintf(action, sizeof(action), "health_status: %s", status);
	engine_emit(engine, "container", action, c->id,
		    json_pack("{s:s, s:s}", "image", c->image_ref, "name", c->name));
}

/* A live monitor may have restarted the container under its restart
 * policy: it counts restarts in "restarts" ("<count> <started-ns>") and
 * marks the back-off with "restarting". Brings the row up to date. */
static int sync_restarts(struct engine *engine, struct container *c, const char *run_dir,
			 berr *err)
{
	const char *policy = json_string_value(
		json_object_get(json_object_get(c->host_config, "RestartPolicy"), "Name"));
	char path[PATH_MAX + 16], *text = NULL, state[16];
	long long started = 0;
	int count = 0;
	struct store *st;
	pid_t pid = 0;
	int64_t db_started = 0;

	if (!policy || !*policy || strcmp(policy, "no") == 0)
		return 0;
	snprintf(path, sizeof(path), "%s/restarts", run_dir);
	if (fs_read_file(path, &text, NULL, NULL) == 0) {
		sscanf(text, "%d %lld", &count, &started);
		free(text);
	}
	snprintf(path, sizeof(path), "%s/restarting", run_dir);
	/* The marker holds the exit code of the run that ended. */
	int last_code = -1;
	if (fs_read_file(path, &text, NULL, NULL) == 0) {
		if (sscanf(text, "%d", &last_code) != 1)
			last_code = 0;
		free(text);
		text = NULL;
	}
	const char *want = last_code >= 0 ? "restarting" : "running";
	if (strcmp(c->state, "paused") == 0)
		want = "paused";
	if (count == c->restart_count && strcmp(c->state, want) == 0)
		return 0;
	st = engine_store(engine, err);
	if (!st || store_begin(st, err) < 0)
		return -1;
	if (reread_state(st, c->id, state, sizeof(state), &db_started, err) < 0) {
		store_rollback(st);
		return -1;
	}
	if (!container_is_active(c) || db_started != c->started_at) {
		store_rollback(st);
		return 0;
	}
	bool restarted = count > c->restart_count;
	if (restarted) {
		c->restart_count = count;
		c->started_at = started;
		snprintf(path, sizeof(path), "%s/init.pid", run_dir);
		if (proc_pidfile_alive(path, &pid))
			c->pid = (int)pid;
	}
	if (last_code >= 0 && strcmp(c->state, "restarting") != 0) {
		c->exit_code = last_code;
		c->finished_at = clock_now_nanos();
	}
	snprintf(c->state, sizeof(c->state), "%s", want);
	if (container_save(st, c, err) < 0) {
		store_rollback(st);
		return -1;
	}
	if (restarted)
		engine_emit(engine, "container", "start", c->id,
			    json_pack("{s:s, s:s}", "image", c->image_ref, "name", c->name));
	return store_commit(st, err);
}

int container_sync(struct engine *engine, struct container *c, bool *removed, berr *err)
{
	char run_dir[PATH_MAX], pidfile[PATH_MAX + 16], state[16];
	struct exit_record rec = {0};
	struct store *st;
	int64_t started = 0;
	pid_t shim_pid;

	*removed = false;
	if (strcmp(c->state, "removing") == 0)
		goto finish_removal;
	if (!container_is_active(c))
		return 0;
	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	if (!read_exit_file(run_dir, &rec)) {
		snprintf(pidfile, sizeof(pidfile), "%s/shim.pid", run_dir);
		if (proc_pidfile_alive(pidfile, &shim_pid)) {
			sync_health_event(engine, c, run_dir);
			return sync_restarts(engine, c, run_dir, err);
		}
		/* The shim writes "exit" before it goes: look once more. */
		if (!read_exit_file(run_dir, &rec)) {
			rec.code = EXIT_CODE_LOST;
			rec.finished = clock_now_nanos();
			rec.oom = false;
		}
	}
	st = engine_store(engine, err);
	if (!st || store_begin(st, err) < 0)
		return -1;
	if (reread_state(st, c->id, state, sizeof(state), &started, err) < 0)
		goto fail;
	snprintf(c->state, sizeof(c->state), "%s", state);
	if (!container_is_active(c) || started != c->started_at) {
		/* Someone else got here first, or restarted it: their word stands. */
		store_rollback(st);
		if (!state[0]) {
			*removed = true;
			return 0;
		}
		return 0;
	}
	snprintf(c->state, sizeof(c->state), "exited");
	c->restart_count = restarts_recorded(run_dir, c->restart_count);
	c->exit_code = rec.code;
	c->finished_at = rec.finished;
	c->oom_killed = rec.oom;
	c->pid = 0;
	c->shim_pid = 0;
	if (rec.code == EXIT_CODE_LOST && !c->error[0]) {
		free(c->error);
		c->error = strdup("container monitor exited unexpectedly");
	}
	if (container_save(st, c, err) < 0)
		goto fail;
	/* Docker reports the OOM kill as an event of its own, before the death. */
	if (c->oom_killed)
		engine_emit(engine, "container", "oom", c->id,
			    events_container_attributes(c->name, c->image_ref,
							json_object_get(c->config, "Labels"), NULL));
	emit_die(engine, c);
	if (store_commit(st, err) < 0)
		return -1;
	if (!json_is_true(json_object_get(c->host_config, "AutoRemove")))
		return 0;
finish_removal:
	if (container_remove(engine, c, true, err) < 0)
		return -1;
	*removed = true;
	return 0;
fail:
	store_rollback(st);
	return -1;
}

int container_reconcile_all(struct engine *engine, berr *err)
{
	struct store *st = engine_store(engine, err);
	sqlite3_stmt *stmt;
	char (*ids)[CONTAINER_ID_LEN + 1] = NULL;
	size_t n = 0, cap = 0;
	int rc;

	if (!st)
		return -1;
	if (store_prepare(st, &stmt,
			  "SELECT id FROM containers WHERE state IN"
			  " ('running', 'paused', 'restarting', 'removing')",
			  err) < 0)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			void *grown = realloc(ids, cap * sizeof(*ids));
			if (!grown) {
				sqlite3_reset(stmt);
				free(ids);
				return berr_errno(err, ENOMEM, "reconciling containers");
			}
			ids = grown;
		}
		snprintf(ids[n++], CONTAINER_ID_LEN + 1, "%s", store_text(stmt, 0));
	}
	sqlite3_reset(stmt);
	for (size_t i = 0; i < n; i++) {
		struct container c;
		/* container_find syncs; errors on one container must not hide the rest. */
		if (container_find(engine, ids[i], &c, NULL) == 0)
			container_free(&c);
	}
	free(ids);
	return 0;
}

/* Is there a row for this id? */
static bool container_row_exists(struct store *st, const char *id)
{
	sqlite3_stmt *stmt;
	bool found;

	if (store_prepare(st, &stmt, "SELECT 1 FROM containers WHERE id = ?", NULL) < 0)
		return true; /* when in doubt, keep the files */
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_STATIC);
	found = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	return found;
}

/* Removes bundle and run directories that no row owns: what a create or a
 * remove interrupted by a crash left. A directory younger than a minute may
 * belong to a create still running in another process, so it stays. */
static void gc_orphans_in(struct store *st, const char *dir, bool run_dir)
{
	char path[PATH_MAX], pidfile[PATH_MAX + 16];
	struct dirent *de;
	struct stat sb;
	time_t now = time(NULL);
	DIR *d = opendir(dir);
	pid_t pid;

	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len != CONTAINER_ID_LEN || strspn(de->d_name, "0123456789abcdef") != len)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &sb) < 0 || !S_ISDIR(sb.st_mode) || now - sb.st_mtime < 60)
			continue;
		if (container_row_exists(st, de->d_name))
			continue;
		snprintf(pidfile, sizeof(pidfile), "%s/shim.pid", path);
		if (run_dir && proc_pidfile_alive(pidfile, &pid))
			continue;
		fs_remove_tree(path, NULL);
	}
	closedir(d);
}

int container_gc_orphans(struct engine *engine, berr *err)
{
	struct store *st = engine_store(engine, err);
	char dir[PATH_MAX];

	if (!st)
		return -1;
	snprintf(dir, sizeof(dir), "%s/containers", engine_root(engine));
	gc_orphans_in(st, dir, false);
	snprintf(dir, sizeof(dir), "%s/containers", engine_run_root(engine));
	gc_orphans_in(st, dir, true);
	return 0;
}
