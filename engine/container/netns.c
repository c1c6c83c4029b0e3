/* A running container's network namespace, by descriptor (see netns.h). */
#include "engine/container/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "engine/core/fsutil.h"

/* The namespace a live process (checked by its pid file's start time)
 * holds at path_fmt, or -1. */
static int open_of(const char *pidfile, const char *path_fmt)
{
	char path[64];
	pid_t pid;
	int fd;

	if (!proc_pidfile_alive(pidfile, &pid))
		return -1;
	snprintf(path, sizeof(path), path_fmt, (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	/* the same process still, once the descriptor is ours */
	if (fd >= 0 && (!proc_pidfile_alive(pidfile, &pid) ||
			ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int container_netns_open(struct engine *engine, const struct container *c, berr *err)
{
	char run_dir[PATH_MAX], pidfile[PATH_MAX + 16];
	int fd;

	if (strcmp(c->state, "running") != 0 && strcmp(c->state, "paused") != 0)
		return berr_set(err, BERR_CONFLICT, "container %s is not running", c->id);
	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	/* the monitor holds the namespace berth made on fd 5 */
	snprintf(pidfile, sizeof(pidfile), "%s/shim.pid", run_dir);
	if ((fd = open_of(pidfile, "/proc/%d/fd/5")) >= 0)
		return fd;
	/* a namespace of the init's own (--network none) */
	snprintf(pidfile, sizeof(pidfile), "%s/init.pid", run_dir);
	if ((fd = open_of(pidfile, "/proc/%d/ns/net")) >= 0)
		return fd;
	return berr_set(err, BERR_CONFLICT, "container %s is not running", c->id);
}
