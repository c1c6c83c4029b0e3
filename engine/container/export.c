/* container.export: the container's filesystem as one flat tar. The view is
 * mounted read-only in a private mount namespace of a child process, so no
 * mount is ever visible on the host or left behind. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/container/container.h"
#include "engine/container/export.h"
#include "engine/core/archive_lazy.h"
#include "engine/core/fsutil.h"
#include "engine/image/image.h"

/* Runs in the child: mount, tar, report any error on msg_fd. */
static int export_child(struct engine *engine, const struct container *c, int out_fd, int msg_fd)
{
	char bundle[PATH_MAX], layers[PATH_MAX], opts[8192], target[PATH_MAX + 16];
	size_t off;
	berr err = {0};
	int dirfd;

	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	snprintf(layers, sizeof(layers), "%s/layers", engine_root(engine));
	snprintf(target, sizeof(target), "%s/rootfs", bundle);
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		berr_sys(&err, "entering a private mount namespace");
		goto fail;
	}
	if (chdir(layers) < 0 && json_array_size(c->layers) > 0) {
		berr_sys(&err, "opening %s", layers);
		goto fail;
	}
	off = (size_t)snprintf(opts, sizeof(opts), "lowerdir=%s/upper", bundle);
	for (size_t i = json_array_size(c->layers); i-- > 0 && off < sizeof(opts);) {
		const char *chain = json_string_value(json_array_get(c->layers, i));
		if (chain && strncmp(chain, "sha256:", 7) == 0)
			chain += 7;
		off += (size_t)snprintf(opts + off, sizeof(opts) - off, ":%s/diff", chain ? chain : "");
	}
	if (off >= sizeof(opts)) {
		berr_set(&err, BERR_SYSTEM, "too many layers to mount");
		goto fail;
	}
	if (json_array_size(c->layers) == 0) {
		char upper[PATH_MAX + 8];
		snprintf(upper, sizeof(upper), "%s/upper", bundle);
		if (mount(upper, target, NULL, MS_BIND | MS_RDONLY, NULL) < 0) {
			berr_sys(&err, "mounting the container's filesystem");
			goto fail;
		}
	} else if (mount("overlay", target, "overlay", MS_RDONLY, opts) < 0) {
		berr_sys(&err, "mounting the container's filesystem");
		goto fail;
	}
	dirfd = open(target, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0) {
		berr_sys(&err, "opening the container's filesystem");
		goto fail;
	}
	if (layer_tar_write_dir(dirfd, out_fd, &err) < 0)
		goto fail;
	return 0;
fail:
	if (write(msg_fd, err.msg, strlen(err.msg)) < 0)
		return 1;
	return 1;
}

int container_export(struct engine *engine, const struct container *c, int out_fd, berr *err)
{
	char msg[1024];
	int pipefd[2], status;
	ssize_t n;
	pid_t pid;

	/* libarchive is loaded here, never from inside the container's root. */
	if (archive_preload() < 0)
		return berr_set(err, BERR_SYSTEM, "cannot load libarchive");
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return berr_sys(err, "exporting %s", c->name);
	pid = fork();
	if (pid < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return berr_sys(err, "exporting %s", c->name);
	}
	if (pid == 0) {
		close(pipefd[0]);
		_exit(export_child(engine, c, out_fd, pipefd[1]));
	}
	close(pipefd[1]);
	n = read(pipefd[0], msg, sizeof(msg) - 1);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (n > 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		msg[n > 0 ? n : 0] = '\0';
		return berr_set(err, BERR_SYSTEM, "exporting %s: %s", c->name,
				n > 0 ? msg : "the export process failed");
	}
	return 0;
}
