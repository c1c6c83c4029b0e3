/* Paths inside a container's root, opened by fd from the host side of
 * pivot_root: resolution never leaves the root (RESOLVE_IN_ROOT), whatever
 * its symlinks say, and no magic link is followed. */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

int root_path_resolve(int rootfd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	return (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* Creates the last element of path (the parent exists) inside root. */
static int create_last(int rootfd, char *path, int is_file)
{
	char *slash = strrchr(path, '/');
	int pfd;
	if (slash) {
		*slash = '\0';
		pfd = root_path_resolve(rootfd, path, O_PATH | O_DIRECTORY);
		*slash = '/';
	} else {
		pfd = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	}
	if (pfd < 0)
		return -1;
	const char *name = slash ? slash + 1 : path;
	int r;
	if (is_file) {
		r = openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (r >= 0)
			close(r);
	} else {
		r = mkdirat(pfd, name, 0755);
	}
	int saved = errno;
	close(pfd);
	errno = saved;
	return r < 0 && errno != EEXIST ? -1 : 0;
}

int root_path_open(int rootfd, const char *path, int create, int is_file, struct shim_err *err)
{
	char buf[4096];
	while (*path == '/')
		path++;
	if (!*path)
		return fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	int fd = root_path_resolve(rootfd, path, O_PATH);
	if (fd >= 0 || errno != ENOENT || !create) {
		if (fd < 0)
			shim_sys(err, "open /%s in the rootfs", path);
		return fd;
	}
	if (strlen(path) >= sizeof(buf))
		return shim_fail(err, "system", "path too long: /%s", path);
	strcpy(buf, path);
	/* walk down, making each missing element (resolution stays in the root) */
	for (char *p = buf;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		int last = *p == '\0';
		*p = '\0';
		fd = root_path_resolve(rootfd, buf, O_PATH);
		if (fd < 0 && errno == ENOENT && create_last(rootfd, buf, last && is_file) == 0)
			fd = root_path_resolve(rootfd, buf, O_PATH);
		if (fd < 0)
			return shim_sys(err, "create /%s in the rootfs", buf);
		if (last)
			return fd;
		close(fd);
		*p = '/';
	}
}
