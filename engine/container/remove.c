/* Removing a container: its row first, then its files. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/network/network.h"
#include "engine/container/internal.h"
#include "engine/container/pause.h"
#include "engine/core/fsutil.h"
#include "engine/events/events.h"
#include "engine/volume/volume.h"

/* The directory part of a path, in a static buffer. */
static const char *dirname_of(const char *path)
{
	static __thread char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 0, path);
	return dir;
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
		/* a child of a threaded process: system calls alone (another
		 * thread may have held the allocator's lock at the fork, and a
		 * malloc here would wait for it forever) */
		if (fork() == 0) {
			fs_remove_tree_raw(trash);
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
		if (!force && strcmp(c->state, "paused") == 0)
			return berr_set(err, BERR_CONFLICT,
					"cannot remove container \"/%s\": container is paused and must "
					"be unpaused first",
					c->name);
		if (!force)
			return berr_set(err, BERR_CONFLICT,
					"cannot remove container \"/%s\": container is %s: stop the "
					"container before removing or force remove",
					c->name, c->state);
		if (container_kill(engine, c) == 0 || container_is_active(c))
			if (container_wait_exit(engine, c, CONTAINER_KILL_WAIT_MS, NULL, NULL, err) < 0)
				return -1;
		if (container_is_active(c))
			return berr_set(err, BERR_SYSTEM, "could not kill container %s", c->id);
		/* another process may have removed it meanwhile */
		struct container again;
		if (container_lookup(st, c->id, &again, NULL) < 0)
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
				 ? volume_mounts_load(st, c->id, NULL)
				 : NULL;
	if (store_begin(st, err) < 0) {
		json_decref(mounts);
		return -1;
	}
	unsigned changes = 0;
	if (volume_mounts_delete(st, c->id, err) < 0 ||
	    network_container_removed(engine, st, c->id, &changes, err) < 0 ||
	    container_delete_row(st, c->id, err) < 0) {
		store_rollback(st);
		json_decref(mounts);
		return -1;
	}
	container_emit(engine, c, "destroy", NULL);
	if (store_commit(st, err) < 0) {
		json_decref(mounts);
		return -1;
	}
	network_refresh(engine, changes);
	remove_files_later(engine, c->id, run_dir, bundle);
	volume_remove_anonymous(engine, mounts);
	json_decref(mounts);
	return 0;
}

int container_remove(struct engine *engine, struct container *c, bool force, berr *err)
{
	struct store *st = engine_store(engine, err);
	struct container now;
	berr lock_err = {0}, find_err = {0};
	bool gone = false;
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
	    (container_sync_state(engine, &now, &gone, err) < 0 || gone)) {
		container_free(&now);
		container_unlock(lock);
		return gone ? 0 : -1;
	}
	container_free(c);
	*c = now;
	rc = remove_locked(engine, c, force, err);
	container_unlock(lock);
	return rc;
}
