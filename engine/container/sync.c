/* Bringing one container's row up to date with what its monitor wrote:
 * the engine has no daemon, so whichever berth process looks next
 * reconciles. Nothing here removes a container (see fresh.c). */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine/container/cgroup.h"
#include "engine/container/internal.h"
#include "engine/container/health.h"
#include "engine/core/clock.h"
#include "engine/events/events.h"
#include "engine/core/fsutil.h"
#include "engine/network/network.h"

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

static void emit_die(struct engine *engine, const struct container *c)
{
	json_t *attrs = container_event_attributes(c, NULL);
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

/* Emits "log-dropped" (a berth event: Docker counts nothing) when the
 * monitor's count of log lines it could not deliver grew since the last
 * one announced ("log-dropped.seen": "<count> <ns>"): at most once a
 * minute while the container runs, and once more when it has stopped. */
static void sync_log_dropped_event(struct engine *engine, const struct container *c,
				   const char *run_dir, bool running)
{
	char path[PATH_MAX + 24], *text = NULL, line[64];
	long long dropped, seen = 0, seen_ns = 0;
	int64_t now = clock_now_nanos();

	dropped = container_log_dropped(engine, c);
	if (dropped <= 0)
		return;
	snprintf(path, sizeof(path), "%s/log-dropped.seen", run_dir);
	if (fs_read_file(path, &text, NULL, NULL) == 0 &&
	    sscanf(text, "%lld %lld", &seen, &seen_ns) < 1)
		seen = 0;
	free(text);
	if (dropped <= seen || (running && now - seen_ns < 60LL * 1000000000))
		return;
	int n = snprintf(line, sizeof(line), "%lld %lld", dropped, (long long)now);
	/* Written first: two processes racing announce it at most twice. */
	if (fs_write_atomic(path, line, (size_t)n, NULL) < 0)
		return;
	char count[32];
	snprintf(count, sizeof(count), "%lld", dropped);
	engine_emit(engine, "container", "log-dropped", c->id,
		    json_pack("{s:s, s:s, s:s}", "image", c->image_ref, "name", c->name, "dropped",
			      count));
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
	if (container_state_row(st, c->id, state, sizeof(state), &db_started, err) < 0) {
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

/* The time a start wrote into the run directory before spawning the
 * monitor ("started"), 0 when there is none. */
static int64_t run_started(const char *run_dir)
{
	char path[PATH_MAX + 16], *text = NULL;
	long long ns = 0;

	snprintf(path, sizeof(path), "%s/started", run_dir);
	if (fs_read_file(path, &text, NULL, NULL) < 0)
		return 0;
	if (sscanf(text, "%lld", &ns) != 1)
		ns = 0;
	free(text);
	return ns;
}

/* A start whose berth process died between spawning the monitor and
 * recording it: the run directory holds a monitor's pid file and a start
 * time the row does not know. The monitor is the truth: the row becomes
 * running with that start (and the usual sync below then notices when it
 * has ended). Done under the container's lock, never waiting for it: a
 * start in progress elsewhere holds it and records its own start. */
static int adopt_unrecorded_start(struct engine *engine, struct container *c,
				  const char *run_dir, berr *err)
{
	char path[PATH_MAX + 16], state[16];
	int64_t started = run_started(run_dir), db_started = 0;
	struct store *st;
	struct stat sb;
	pid_t pid = 0;
	int lock, rc = -1;

	snprintf(path, sizeof(path), "%s/shim.pid", run_dir);
	if (!started || started == c->started_at || stat(path, &sb) < 0)
		return 0;
	lock = container_lock(engine, c->id, false, NULL);
	if (lock < 0)
		return 0;
	st = engine_store(engine, err);
	if (!st || store_begin(st, err) < 0)
		goto out;
	if (container_state_row(st, c->id, state, sizeof(state), &db_started, err) < 0) {
		store_rollback(st);
		goto out;
	}
	snprintf(c->state, sizeof(c->state), "%s", state);
	if (!state[0] || container_is_active(c) || db_started == started) {
		store_rollback(st);
		rc = 0;
		goto out;
	}
	snprintf(c->state, sizeof(c->state), "running");
	c->started_at = started;
	c->finished_at = 0;
	c->exit_code = 0;
	c->oom_killed = false;
	c->shim_pid = proc_pidfile_alive(path, &pid) ? (int)pid : 0;
	snprintf(path, sizeof(path), "%s/init.pid", run_dir);
	c->pid = proc_pidfile_alive(path, &pid) ? (int)pid : 0;
	free(c->error);
	c->error = strdup("");
	if (container_save(st, c, err) < 0) {
		store_rollback(st);
		goto out;
	}
	container_emit(engine, c, "start", NULL);
	rc = store_commit(st, err);
out:
	container_unlock(lock);
	return rc;
}

/* A "stop" record (lifecycle.c) of a running container whose stopper is
 * dead: the stop never finished, and the restart policy must hold again.
 * (An empty record is an older berth's, and stays.) */
static void drop_stale_stop(const char *run_dir)
{
	char path[PATH_MAX + 16], *text = NULL;
	pid_t pid;

	snprintf(path, sizeof(path), "%s/stop", run_dir);
	if (fs_read_file(path, &text, NULL, NULL) < 0)
		return;
	if (text[0] && !proc_pidfile_alive(path, &pid))
		unlink(path);
	free(text);
}

int container_sync_state(struct engine *engine, struct container *c, bool *gone, berr *err)
{
	char run_dir[PATH_MAX], pidfile[PATH_MAX + 16], state[16];
	struct exit_record rec = {0};
	struct store *st;
	int64_t started = 0;
	pid_t shim_pid;

	*gone = false;
	/* a removal under way, or an --rm container whose removal an earlier
	 * sync had to leave: nothing runs, only its remover has work left */
	if (container_awaits_removal(c))
		return 0;
	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	if (!container_is_active(c) && adopt_unrecorded_start(engine, c, run_dir, err) < 0)
		return -1;
	if (!container_is_active(c))
		return 0;
	if (!read_exit_file(run_dir, &rec)) {
		snprintf(pidfile, sizeof(pidfile), "%s/shim.pid", run_dir);
		int alive = proc_pidfile_check(pidfile, &shim_pid);
		if (alive < 0)
			return berr_sys(err, "checking the monitor of container %s", c->id);
		if (alive) {
			drop_stale_stop(run_dir);
			sync_health_event(engine, c, run_dir);
			sync_log_dropped_event(engine, c, run_dir, true);
			return sync_restarts(engine, c, run_dir, err);
		}
		/* The shim writes "exit" before it goes: look once more. */
		if (!read_exit_file(run_dir, &rec)) {
			rec.code = EXIT_CODE_LOST;
			rec.finished = clock_now_nanos();
			rec.oom = false;
			/* killed before it could remove the container's cgroups */
			container_cgroup_remove(c->id);
		}
	}
	sync_log_dropped_event(engine, c, run_dir, false);
	st = engine_store(engine, err);
	if (!st || store_begin(st, err) < 0)
		return -1;
	if (container_state_row(st, c->id, state, sizeof(state), &started, err) < 0)
		goto fail;
	snprintf(c->state, sizeof(c->state), "%s", state);
	if (!container_is_active(c) || started != c->started_at) {
		/* Someone else got here first, or restarted it: their word
		 * stands, all of it (the exit code a `wait` reports too). A
		 * row already removed (rm -f) leaves the monitor's record. */
		struct container now;
		store_rollback(st);
		*gone = !state[0];
		if (!*gone && container_lookup(st, c->id, &now, NULL) == 0) {
			container_free(c);
			*c = now;
		} else if (*gone && rec.code != EXIT_CODE_LOST) {
			c->exit_code = rec.code;
			c->finished_at = rec.finished;
		} else if (*gone) {
			/* removed with its run directory before this process read
			 * the exit: the remover recorded it in its die event */
			int code;
			if (events_last_exit_code(st, c->id, &code))
				c->exit_code = code;
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
	/* its addresses and ports go back with the row's change: a start
	 * after this commit leases its own */
	unsigned changes = 0;
	if (container_save(st, c, err) < 0 ||
	    network_container_release(engine, st, c->id, &changes, err) < 0)
		goto fail;
	/* Docker reports the OOM kill as an event of its own, before the death. */
	if (c->oom_killed)
		container_emit(engine, c, "oom", NULL);
	emit_die(engine, c);
	if (store_commit(st, err) < 0)
		return -1;
	network_refresh(engine, changes);
	return 0;
fail:
	store_rollback(st);
	return -1;
}
