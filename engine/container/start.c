/* Starting a container: write its spec, spawn its monitor, wait for the
 * monitor's word that the command runs, record it. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/container/internal.h"
#include "engine/container/exec.h"
#include "engine/container/spec.h"
#include "engine/core/clock.h"
#include "engine/events/events.h"
#include "engine/core/fsutil.h"
#include "engine/core/intent.h"
#include "engine/runtime/shim_path.h"
#include "engine/runtime/shim_protocol.h"

extern char **environ;


/* Reads the shim's one start line (until EOF). */
static int read_start_line(int fd, char *buf, size_t n, berr *err)
{
	size_t len = 0;

	for (;;) {
		ssize_t r = read(fd, buf + len, n - len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return berr_sys(err, "reading from the container monitor");
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == n - 1)
			break;
	}
	buf[len] = '\0';
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	return 0;
}

static int spawn_shim(struct engine *engine, const struct container *c, int attach_fd,
		      int start_pipe_write, berr *err)
{
	char shim[PATH_MAX], bundle[PATH_MAX], run_dir[PATH_MAX];
	posix_spawn_file_actions_t actions;
	char *argv[4];
	pid_t pid;
	int status, rc;

	if (rt_shim_path(shim, sizeof(shim), err) < 0)
		return -1;
	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	argv[0] = shim;
	argv[1] = bundle;
	argv[2] = run_dir;
	argv[3] = NULL;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDWR, 0);
	posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_RDWR, 0);
	posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_RDWR, 0);
	posix_spawn_file_actions_adddup2(&actions, start_pipe_write, SHIM_START_FD);
	if (attach_fd >= 0)
		posix_spawn_file_actions_adddup2(&actions, attach_fd, SHIM_ATTACH_FD);
	posix_spawn_file_actions_addclosefrom_np(&actions, attach_fd >= 0 ? SHIM_ATTACH_FD + 1
									  : SHIM_START_FD + 1);
	/* The monitor, and so the container, start with every signal at its
	 * default and none blocked, whatever the caller ignored or blocked. */
	posix_spawnattr_t attr;
	sigset_t all, none;
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawn(&pid, shim, &actions, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&actions);
	if (rc != 0)
		return berr_errno(err, rc, "starting %s", shim);
	/* The shim's first process exits as soon as the monitor is detached. */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return 0;
}

static void record_start_failure(struct engine *engine, struct container *c, const berr *failure)
{
	struct store *st = engine_store(engine, NULL);
	char run_dir[PATH_MAX], path[PATH_MAX + 16];

	/* nothing runs: nothing for a later sync to adopt */
	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	snprintf(path, sizeof(path), "%s/started", run_dir);
	unlink(path);

	if (failure->kind == BERR_CMD_NOT_FOUND)
		c->exit_code = 127;
	else if (failure->kind == BERR_CANNOT_EXEC)
		c->exit_code = 126;
	else
		c->exit_code = 128;
	free(c->error);
	c->error = strdup(failure->msg);
	if (st)
		container_save(st, c, NULL);
}

/* Spawns the monitor, waits for its word and records the start. */
static int spawn_and_record(struct engine *engine, struct container *c, int attach_fd,
			    int64_t started, berr *err)
{
	char bundle[PATH_MAX], log_path[PATH_MAX + 80], line[1024], kind[32];
	long init_pid = 0, shim_pid = 0;
	int pipefd[2];
	struct store *st;

	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	snprintf(log_path, sizeof(log_path), "%s/%s-json.log", bundle, c->id);
	if (spec_write(engine, c, log_path, attach_fd >= 0, err) < 0 ||
	    container_health_spec_write(engine, c, err) < 0)
		return -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return berr_sys(err, "creating the start pipe");
	if (spawn_shim(engine, c, attach_fd, pipefd[1], err) < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	close(pipefd[1]);
	int rc = read_start_line(pipefd[0], line, sizeof(line), err);
	close(pipefd[0]);
	if (rc < 0)
		return -1;
	if (sscanf(line, "ok %ld %ld", &init_pid, &shim_pid) != 2) {
		berr failure;
		const char *msg = "";
		if (sscanf(line, "error %31s", kind) == 1) {
			msg = line + 6 + strlen(kind);
			while (*msg == ' ')
				msg++;
			berr_set(&failure, berr_kind_from_name(kind), "%s", msg);
		} else {
			berr_set(&failure, BERR_SYSTEM, "container monitor failed to start%s%s",
				 line[0] ? ": " : "", line);
		}
		record_start_failure(engine, c, &failure);
		if (err)
			*err = failure;
		return -1;
	}
	st = engine_store(engine, err);
	if (!st)
		return -1;
	snprintf(c->state, sizeof(c->state), "running");
	c->pid = (int)init_pid;
	c->shim_pid = (int)shim_pid;
	c->exit_code = 0;
	c->started_at = started;
	c->finished_at = 0;
	c->oom_killed = false;
	free(c->error);
	c->error = strdup("");
	if (store_begin(st, err) < 0)
		return -1;
	if (container_save(st, c, err) < 0) {
		store_rollback(st);
		return -1;
	}
	json_t *attrs = container_event_attributes(c, NULL);
	engine_emit(engine, "container", "start", c->id, attrs);
	return store_commit(st, err);
}

/* The start itself, under the container's lock. Intent first: the run
 * directory gets "started" (this start's time) and the run root an intent
 * record naming this process, before the monitor is spawned. If this
 * process dies before it records the start, the next berth finds the
 * intent of a dead process, and a monitor whose start the row does not
 * know, and adopts it (sync.c). */
static int start_locked(struct engine *engine, struct container *c, int attach_fd, berr *err)
{
	char run_dir[PATH_MAX], path[PATH_MAX + 16], intent[PATH_MAX], stamp[32];
	int64_t started = clock_now_nanos();
	int rc;

	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	if (fs_remove_tree(run_dir, err) < 0 || fs_mkdir_p(run_dir, 0700, err) < 0)
		return berr_prefix(err, "preparing the run directory");
	snprintf(path, sizeof(path), "%s/started", run_dir);
	snprintf(stamp, sizeof(stamp), "%lld", (long long)started);
	if (fs_write_atomic(path, stamp, strlen(stamp), err) < 0)
		return berr_prefix(err, "preparing the run directory");
	if (intent_begin(engine, "start", c->id, intent, sizeof(intent), err) < 0)
		return berr_prefix(err, "preparing the start");
	rc = spawn_and_record(engine, c, attach_fd, started, err);
	intent_end(intent);
	return rc;
}

int container_start(struct engine *engine, struct container *c, int attach_fd, berr *err)
{
	struct container now;
	int lock, rc = 0;

	if (container_is_active(c))
		return 0;
	lock = container_lock(engine, c->id, true, err);
	if (lock < 0)
		return -1;
	/* Another process may have started it meanwhile, or died starting it
	 * and left its monitor running: what the row and the run directory
	 * say now, under the lock, decides. */
	if (container_find(engine, c->id, &now, err) < 0) {
		container_unlock(lock);
		return -1;
	}
	container_free(c);
	*c = now;
	if (!container_is_active(c))
		rc = start_locked(engine, c, attach_fd, err);
	container_unlock(lock);
	return rc;
}
