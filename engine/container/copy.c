/* container.copy_from and container.copy_to: files between a container and
 * a tar stream. The work runs in a child process that sees the container's
 * own filesystem — the running container's mount namespace (setns), or,
 * for a stopped one, its overlay mounted in a private mount namespace and
 * made the root (chroot) — so every path, symlinks included, resolves
 * inside the container and nothing can lead out of it. No user or group
 * names are looked up (no NSS is ever loaded inside a container root). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/container/container.h"
#include "engine/container/copy.h"
#include "engine/core/archive_lazy.h"
#include "engine/core/fsutil.h"
#include "engine/core/tarstream.h"

/* Enters the container's filesystem view (in the child). */
static int enter_container_root(struct engine *engine, const struct container *c, bool writable,
				berr *err)
{
	char bundle[PATH_MAX], path[PATH_MAX + 64], opts[8192];
	pid_t pid;

	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	if (container_is_active(c)) {
		char run_dir[PATH_MAX];
		container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
		snprintf(path, sizeof(path), "%s/init.pid", run_dir);
		if (!proc_pidfile_alive(path, &pid))
			return berr_set(err, BERR_CONFLICT, "container %s is not running", c->id);
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
		int ns = open(path, O_RDONLY | O_CLOEXEC);
		if (ns < 0 || setns(ns, CLONE_NEWNS) < 0)
			return berr_sys(err, "entering the container's mount namespace");
		close(ns);
		return chdir("/") < 0 ? berr_sys(err, "chdir /") : 0;
	}
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return berr_sys(err, "entering a private mount namespace");
	snprintf(path, sizeof(path), "%s/layers", engine_root(engine));
	if (chdir(path) < 0 && json_array_size(c->layers))
		return berr_sys(err, "opening %s", path);
	/* Writable: the container's own upper layer. Read-only: the upper
	 * directory is simply the topmost lower layer. */
	size_t off = writable ? (size_t)snprintf(opts, sizeof(opts), "lowerdir=%s/init", bundle)
			      : (size_t)snprintf(opts, sizeof(opts), "lowerdir=%s/upper:%s/init",
						 bundle, bundle);
	for (size_t i = json_array_size(c->layers); i-- > 0 && off < sizeof(opts);) {
		const char *chain = json_string_value(json_array_get(c->layers, i));
		if (chain && strncmp(chain, "sha256:", 7) == 0)
			chain += 7;
		off += (size_t)snprintf(opts + off, sizeof(opts) - off, ":%s/diff", chain ? chain : "");
	}
	if (writable && off < sizeof(opts))
		off += (size_t)snprintf(opts + off, sizeof(opts) - off, ",upperdir=%s/upper,workdir=%s/work",
					bundle, bundle);
	if (off >= sizeof(opts))
		return berr_set(err, BERR_SYSTEM, "too many layers to mount");
	snprintf(path, sizeof(path), "%s/rootfs", bundle);
	if (mount("overlay", path, "overlay", writable ? 0 : MS_RDONLY, opts) < 0)
		return berr_sys(err, "mounting the container's filesystem");
	if (chroot(path) < 0 || chdir("/") < 0)
		return berr_sys(err, "entering the container's filesystem");
	return 0;
}

/* The stat of a path as the JSON Docker's copy API sends in its header. */
static void stat_line(const char *path, const struct stat *st, char *buf, size_t n)
{
	char target[PATH_MAX] = "";

	if (S_ISLNK(st->st_mode) && readlink(path, target, sizeof(target) - 1) < 0)
		target[0] = '\0';
	json_t *o = json_pack("{s:s, s:I, s:i, s:I, s:s, s:b}", "name", path, "size",
			      (json_int_t)st->st_size, "mode", (int)st->st_mode, "mtime",
			      (json_int_t)st->st_mtime, "linkTarget", target, "dir",
			      S_ISDIR(st->st_mode));
	char *text = json_dumps(o, JSON_COMPACT);
	snprintf(buf, n, "%s", text ? text : "{}");
	free(text);
	json_decref(o);
}

/* The child's work; writes "ok <stat json>" or "error <kind> <msg>" to msg_fd. */
static int copy_child(struct engine *engine, const struct container *c, json_t *args, bool to,
		      int msg_fd)
{
	const char *path = json_string_value(json_object_get(args, "path"));
	int fd = (int)json_integer_value(json_object_get(args, "fd"));
	char line[PATH_MAX + 1200], dir[PATH_MAX], base[PATH_MAX];
	berr err = {0};
	struct stat st;

	if (enter_container_root(engine, c, to, &err) < 0)
		goto fail;
	if (!to) {
		size_t len = strlen(path);
		char probe[PATH_MAX];
		snprintf(probe, sizeof(probe), "%.*s", len >= 2 && strcmp(path + len - 2, "/.") == 0 ? (int)(len - 1) : (int)len, path);
		if (lstat(probe, &st) < 0) {
			berr_set(&err, BERR_NOT_FOUND, "Could not find the file %s in container %s", path, c->name);
			goto fail;
		}
		stat_line(path, &st, line, sizeof(line));
		if (tarstream_write(path, fd, &err) < 0)
			goto fail;
	} else {
		/* An existing directory receives the entries as they are; a missing
		 * target takes the name of the source's top entry. */
		const char *from = json_string_value(json_object_get(args, "name"));
		const char *to_name = NULL;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(dir, sizeof(dir), "%s", path);
		} else {
			if (stat(path, &st) == 0 && json_is_true(json_object_get(args, "is_dir"))) {
				berr_set(&err, BERR_INVALID, "cannot copy a directory to a file: %s", path);
				goto fail;
			}
			char copy1[PATH_MAX], copy2[PATH_MAX];
			snprintf(copy1, sizeof(copy1), "%s", path);
			snprintf(copy2, sizeof(copy2), "%s", path);
			snprintf(dir, sizeof(dir), "%s", dirname(copy1));
			snprintf(base, sizeof(base), "%s", basename(copy2));
			if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
				berr_set(&err, BERR_NOT_FOUND, "Could not find the file %s in container %s", dir, c->name);
				goto fail;
			}
			to_name = base;
		}
		if (tarstream_extract(dir, from, to_name, fd, &err) < 0)
			goto fail;
		snprintf(line, sizeof(line), "{}");
	}
	dprintf(msg_fd, "ok %s", line);
	return 0;
fail:
	dprintf(msg_fd, "error %s %s", berr_kind_name(err.kind), err.msg);
	return 1;
}

static int run_copy(struct cmd_ctx *ctx, json_t *args, bool to, json_t **result, berr *err)
{
	const char *ref = json_string_value(json_object_get(args, "id"));
	const char *path = json_string_value(json_object_get(args, "path"));
	struct engine *engine = cmd_engine(ctx);
	char msg[PATH_MAX + 1300], kind[32];
	struct container c;
	int pipefd[2], status;
	ssize_t n = 0, got;
	pid_t pid;

	if (!ref || !path || path[0] != '/' || !json_is_integer(json_object_get(args, "fd")))
		return berr_set(err, BERR_INVALID, "copy needs a container, an absolute path and a stream");
	if (container_find(engine, ref, &c, err) < 0)
		return -1;
	/* libarchive is loaded here, never from inside the container's root. */
	if (archive_preload() < 0) {
		container_free(&c);
		return berr_set(err, BERR_SYSTEM, "cannot load libarchive");
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		container_free(&c);
		return berr_sys(err, "copying");
	}
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		_exit(copy_child(engine, &c, args, to, pipefd[1]));
	}
	close(pipefd[1]);
	while (pid > 0 && (got = read(pipefd[0], msg + n, sizeof(msg) - 1 - (size_t)n)) > 0)
		n += got;
	close(pipefd[0]);
	msg[n > 0 ? n : 0] = '\0';
	if (pid > 0)
		waitpid(pid, &status, 0);
	container_free(&c);
	if (pid < 0)
		return berr_sys(err, "copying");
	if (strncmp(msg, "ok ", 3) == 0) {
		*result = json_pack("{s:o}", "stat", json_loads(msg + 3, 0, NULL) ?: json_object());
		return 0;
	}
	if (sscanf(msg, "error %31s", kind) == 1)
		return berr_set(err, berr_kind_from_name(kind), "%s", msg + 7 + strlen(kind));
	return berr_set(err, BERR_SYSTEM, "copying: the copy process failed");
}

static int cmd_copy_from(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return run_copy(ctx, args, false, result, err);
}

static int cmd_copy_to(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	return run_copy(ctx, args, true, result, err);
}

const struct engine_command container_copy_commands[] = {
	{"container.copy_from", cmd_copy_from},
	{"container.copy_to", cmd_copy_to},
	{NULL, NULL},
};
