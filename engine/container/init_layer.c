/* The container's init layer: the mount points the runtime needs (the
 * /etc files it binds over, /proc, /sys, /dev), as an overlay lower layer
 * of their own above the image. The container's upper layer then holds only
 * what the container itself changed, so diff and commit see just that. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/container/internal.h"
#include "engine/container/init_layer.h"
#include "engine/core/fsutil.h"

int container_make_init_layer(const char *bundle, berr *err)
{
	static const char *const dirs[] = {"init", "init/etc", "init/proc", "init/sys", "init/dev"};
	static const char *const files[] = {"init/etc/hostname", "init/etc/hosts",
					    "init/etc/resolv.conf"};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", bundle, dirs[i]);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			return berr_sys(err, "creating %s", path);
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", bundle, files[i]);
		int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0)
			return berr_sys(err, "creating %s", path);
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/init/etc/mtab", bundle);
	if (symlink("/proc/mounts", path) < 0 && errno != EEXIST)
		return berr_sys(err, "creating %s", path);
	return 0;
}
