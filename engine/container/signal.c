/* Signals for a container and its monitor, and waiting for it to end. */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "engine/container/internal.h"
#include "engine/core/clock.h"
#include "engine/core/fsutil.h"
#include "engine/events/events.h"

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
	json_t *attrs = container_event_attributes(c, NULL);
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
	bool gone = false;
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
	if (container_sync_state(engine, c, &gone, err) < 0)
		return -1;
	if (container_is_active(c))
		return 1; /* still running: the time ran out */
	return 0;
}

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
int container_kill(struct engine *engine, struct container *c)
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
