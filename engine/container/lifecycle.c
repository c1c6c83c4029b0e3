/* Signals, stop, wait and removal. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/container/container.h"
#include "engine/container/pause.h"
#include "engine/core/clock.h"
#include "engine/events/events.h"
#include "engine/core/fsutil.h"
#include "engine/core/signals.h"
#include "engine/volume/volume.h"

/* How long a SIGKILLed container may take to be reported gone. */
#define KILL_WAIT_MS 30000

/* The directory part of a path, in a static buffer. */
static const char *dirname_of(const char *path)
{
	static __thread char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 0, path);
	return dir;
}

static int pidfd_open_checked(const char *pidfile, pid_t *pid)
{
	int fd;

	if (!proc_pidfile_alive(pidfile, pid))
		return -1;
	fd = (int)syscall(SYS_pidfd_open, *pid, 0);
	if (fd < 0)
		return -1;
	/* The pid could have been reused between the check and the open. */
	if (!proc_pidfile_alive(pidfile, pid)) {
		close(fd);
		return -1;
	}
	return fd;
}

int container_signal(struct engine *engine, struct container *c, int sig, berr *err)
{
	char run_dir[PATH_MAX], pidfile[PATH_MAX + 16];
	pid_t pid;
	int fd;

	if (!container_is_active(c))
		return berr_set(err, BERR_CONFLICT, "container %s is not running", c->id);
	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	snprintf(pidfile, sizeof(pidfile), "%s/init.pid", run_dir);
	fd = pidfd_open_checked(pidfile, &pid);
	if (fd < 0)
		return berr_set(err, BERR_CONFLICT, "container %s is not running", c->id);
	if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0 && errno != ESRCH) {
		berr_sys(err, "signalling container %s", c->id);
		close(fd);
		return -1;
	}
	close(fd);
	json_t *attrs = events_container_attributes(c->name, c->image_ref,
						    json_object_get(c->config, "Labels"), NULL);
	char signal_text[16];
	snprintf(signal_text, sizeof(signal_text), "%d", sig);
	json_object_set_new(attrs, "name", json_string(c->name));
	json_object_set_new(attrs, "signal", json_string(signal_text));
	engine_emit(engine, "container", "kill", c->id, attrs);
	return 0;
}

int container_wait_exit(struct engine *engine, struct container *c, int64_t timeout_ms,
			bool (*cancelled)(void *), void *user, berr *err)
{
	char run_dir[PATH_MAX], pidfile[PATH_MAX + 16];
	int64_t deadline = timeout_ms < 0 ? -1 : clock_mono_nanos() / 1000000 + timeout_ms;
	bool removed = false;
	pid_t pid;
	int fd;

	if (!container_is_active(c))
		return 0;
	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	snprintf(pidfile, sizeof(pidfile), "%s/shim.pid", run_dir);
	fd = pidfd_open_checked(pidfile, &pid);
	if (fd >= 0) {
		for (;;) {
			struct pollfd p = {.fd = fd, .events = POLLIN};
			int slice = 200;
			if (deadline >= 0) {
				int64_t left = deadline - clock_mono_nanos() / 1000000;
				if (left <= 0)
					break;
				if (left < slice)
					slice = (int)left;
			}
			int r = poll(&p, 1, slice);
			if (r > 0)
				break;
			if (r < 0 && errno != EINTR) {
				berr_sys(err, "waiting for container %s", c->id);
				close(fd);
				return -1;
			}
			if (cancelled && cancelled(user)) {
				close(fd);
				return berr_set(err, BERR_SYSTEM, "wait cancelled");
			}
		}
		close(fd);
	}
	if (container_sync(engine, c, &removed, err) < 0)
		return -1;
	if (container_is_active(c))
		return 1; /* still running: the time ran out */
	return 0;
}

/* Tells the monitor the user stopped the container (see the shim's restart). */
/* The run directory's "stop" record tells the monitor not to restart the
 * container when it ends, and names the process that stops it. A stop
 * that process never finished (it was killed) leaves a container that
 * still runs: the next sync drops the record, so the restart policy holds
 * again (container_sync). */
void container_mark_stopping(struct engine *engine, const struct container *c)
{
	char run_dir[PATH_MAX], path[PATH_MAX + 16];

	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	snprintf(path, sizeof(path), "%s/stop", run_dir);
	proc_pidfile_write(path, NULL);
}

/* Kills the container; when its init cannot be signalled (its pid not yet
 * recorded by a monitor whose start was adopted), the monitor itself is
 * killed, and the container with it. */
static int kill_container(struct engine *engine, struct container *c)
{
	if (container_signal(engine, c, SIGKILL, NULL) == 0)
		return 0;
	if (!container_is_active(c))
		return -1;
	container_signal_monitor(engine, c, SIGKILL);
	return 0;
}

/* Signals the monitor itself (verified by its start time). */
void container_signal_monitor(struct engine *engine, const struct container *c, int sig)
{
	char run_dir[PATH_MAX], pidfile[PATH_MAX + 16];
	pid_t pid;
	int fd;

	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	snprintf(pidfile, sizeof(pidfile), "%s/shim.pid", run_dir);
	fd = pidfd_open_checked(pidfile, &pid);
	if (fd < 0)
		return;
	syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
	close(fd);
}

int container_stop(struct engine *engine, struct container *c, int timeout_s, berr *err)
{
	const char *stop_signal = json_string_value(json_object_get(c->config, "StopSignal"));
	int sig = SIGTERM;
	int rc;

	if (!container_is_active(c))
		return 0;
	/* A stop by the user is never undone by the restart policy. */
	container_mark_stopping(engine, c);
	/* Between two runs there is no process to signal: the monitor ends. */
	if (strcmp(c->state, "restarting") == 0) {
		container_signal_monitor(engine, c, SIGTERM);
		rc = container_wait_exit(engine, c, KILL_WAIT_MS, NULL, NULL, err);
		if (rc < 0)
			return -1;
		goto stopped;
	}
	/* A frozen process cannot act on a signal: thaw it first. */
	if (strcmp(c->state, "paused") == 0 && container_unpause(engine, c, err) < 0)
		return -1;
	if (stop_signal && *stop_signal) {
		int parsed = signal_from_name(stop_signal);
		if (parsed > 0)
			sig = parsed;
	}
	if (timeout_s != 0 && container_signal(engine, c, sig, NULL) == 0) {
		rc = container_wait_exit(engine, c, timeout_s < 0 ? -1 : (int64_t)timeout_s * 1000,
					 NULL, NULL, err);
		if (rc <= 0)
			goto stopped;
	}
	if (kill_container(engine, c) == 0 || container_is_active(c)) {
		rc = container_wait_exit(engine, c, KILL_WAIT_MS, NULL, NULL, err);
		if (rc < 0)
			return -1;
	}
stopped:
	if (container_is_active(c))
		return berr_set(err, BERR_SYSTEM, "container %s did not stop", c->id);
	engine_emit(engine, "container", "stop", c->id,
		    events_container_attributes(c->name, c->image_ref,
						json_object_get(c->config, "Labels"), NULL));
	return 0;
}

/* The container's directories are renamed out of the way at once (so its
 * id and name are free and no reader sees half a tree) and deleted by a
 * detached process: deleting a few dozen files on ext4 takes milliseconds
 * that `run --rm` need not wait for. What is left behind by a crash lies
 * under tmp/ and goes with the next staging clean-up. */
static void remove_files_later(struct engine *engine, const char *id, const char *run_dir,
			       const char *bundle)
{
	char trash[PATH_MAX];
	pid_t pid;

	snprintf(trash, sizeof(trash), "%s/tmp/removed-%s", engine_root(engine), id);
	if (fs_mkdir_p(dirname_of(trash), 0700, NULL) < 0 || rename(bundle, trash) < 0) {
		fs_remove_tree(run_dir, NULL);
		fs_remove_tree(bundle, NULL);
		return;
	}
	/* The run directory may be on another filesystem: remove it here. */
	fs_remove_tree(run_dir, NULL);
	pid = fork();
	if (pid == 0) {
		if (fork() == 0) {
			fs_remove_tree(trash, NULL);
			_exit(0);
		}
		_exit(0);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	else
		fs_remove_tree(trash, NULL);
}

/* Removes a container: its row, then its files (see below for crashes). */
static int remove_locked(struct engine *engine, struct container *c, bool force, berr *err)
{
	char bundle[PATH_MAX], run_dir[PATH_MAX];
	struct store *st = engine_store(engine, err);

	if (!st)
		return -1;
	if (container_is_active(c)) {
		if (force)
			container_mark_stopping(engine, c);
		if (force && strcmp(c->state, "paused") == 0)
			container_unpause(engine, c, NULL);
		if (force && strcmp(c->state, "restarting") == 0)
			container_signal_monitor(engine, c, SIGTERM);
		if (!force)
			return berr_set(err, BERR_CONFLICT,
					"cannot remove container \"/%s\": container is running: stop the "
					"container before removing or force remove",
					c->name);
		if (kill_container(engine, c) == 0 || container_is_active(c))
			if (container_wait_exit(engine, c, KILL_WAIT_MS, NULL, NULL, err) < 0)
				return -1;
		if (container_is_active(c))
			return berr_set(err, BERR_SYSTEM, "could not kill container %s", c->id);
		/* container_wait_exit's sync may have removed an --rm container already. */
		struct container again;
		if (container_find(engine, c->id, &again, NULL) < 0)
			return 0;
		container_free(&again);
	}
	/* The row goes first, in one transaction with its event; the files
	 * follow. A crash in between leaves directories no row owns, which the
	 * next engine removes (container_gc_orphans). */
	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	/* --rm containers take their anonymous volumes with them, as Docker's do */
	json_t *mounts = json_is_true(json_object_get(c->host_config, "AutoRemove"))
				 ? vol_mounts_load(st, c->id, NULL)
				 : NULL;
	if (store_begin(st, err) < 0) {
		json_decref(mounts);
		return -1;
	}
	if (vol_mounts_delete(st, c->id, err) < 0 || container_delete_row(st, c->id, err) < 0) {
		store_rollback(st);
		json_decref(mounts);
		return -1;
	}
	engine_emit(engine, "container", "destroy", c->id,
		    events_container_attributes(c->name, c->image_ref,
						json_object_get(c->config, "Labels"), NULL));
	if (store_commit(st, err) < 0) {
		json_decref(mounts);
		return -1;
	}
	remove_files_later(engine, c->id, run_dir, bundle);
	vol_remove_anonymous(engine, mounts);
	json_decref(mounts);
	return 0;
}

int container_remove(struct engine *engine, struct container *c, bool force, berr *err)
{
	struct store *st = engine_store(engine, err);
	struct container now;
	berr lock_err = {0}, find_err = {0};
	bool removed = false;
	int lock, rc;

	if (!st)
		return -1;
	/* Under the container's lock no start can slip in between the check
	 * of its state and the removal of its row. A container without its
	 * directory (a crash) is removed all the same. */
	lock = container_lock(engine, c->id, true, &lock_err);
	if (lock < 0 && lock_err.kind != BERR_NOT_FOUND) {
		if (err)
			*err = lock_err;
		return -1;
	}
	if (container_lookup(st, c->id, &now, &find_err) < 0) {
		/* gone meanwhile (an --rm container that has just exited) */
		container_unlock(lock);
		if (find_err.kind == BERR_NOT_FOUND)
			return 0;
		if (err)
			*err = find_err;
		return -1;
	}
	if (strcmp(now.state, "removing") != 0 &&
	    (container_sync_ex(engine, &now, &removed, false, err) < 0 || removed)) {
		container_free(&now);
		container_unlock(lock);
		return removed ? 0 : -1;
	}
	container_free(c);
	*c = now;
	rc = remove_locked(engine, c, force, err);
	container_unlock(lock);
	return rc;
}
