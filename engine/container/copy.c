/* container.copy_from and container.copy_to: files between a container and
 * a tar stream.
 *
 * The container's files are reached from the host by directory fd (see
 * rootfs.c): the running container's own root, or a stopped one's overlay
 * mounted detached. Every path is resolved from that fd with
 * openat2(RESOLVE_IN_ROOT), so a symlink the container made — even one it
 * swaps in while the copy runs — resolves inside the container, and this
 * process never enters the container's root or namespaces: nothing there
 * is ever loaded (gconv modules, NSS) or run (decompressors). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/container/internal.h"
#include "engine/container/copy.h"
#include "engine/container/rootfs.h"
#include "engine/core/fsutil.h"
#include "engine/core/tar_extract.h"
#include "engine/core/tar_write.h"

/* A container path taken apart: its parent directory and last component
 * ("." for the root), and whether it ends in "/" or "/." (which name the
 * directory itself, symlinks followed; "/." means its contents). */
struct container_path {
	char full[PATH_MAX]; /* cleaned */
	char parent[PATH_MAX];
	char base[NAME_MAX + 1];
	bool trailing;
	bool contents;
};

/* Go's path.Clean of an absolute path, as Docker cleans a cp path: no
 * empty or "." parts, each ".." taking the part before it away (never
 * climbing above "/"). */
static void clean_path(const char *in, char *out, size_t n)
{
	out[0] = '/';
	if (fs_path_clean(in, out + 1, n - 1, false) < 0)
		out[1] = '\0';
}

static int split_path(const char *path, struct container_path *p, berr *err)
{
	char clean[PATH_MAX];
	size_t len = strlen(path);
	char *slash;

	if (len >= sizeof(clean))
		return berr_set(err, BERR_INVALID, "path too long: %.64s...", path);
	p->contents = len >= 2 && strcmp(path + len - 2, "/.") == 0;
	p->trailing = !p->contents && len > 1 && path[len - 1] == '/';
	clean_path(path, clean, sizeof(clean));
	snprintf(p->full, sizeof(p->full), "%s", clean);
	slash = strrchr(clean, '/');
	if (slash[1] == '\0') {
		snprintf(p->parent, sizeof(p->parent), "/");
		snprintf(p->base, sizeof(p->base), ".");
		return 0;
	}
	if (strlen(slash + 1) > NAME_MAX)
		return berr_set(err, BERR_INVALID, "file name too long: %.64s...", slash + 1);
	snprintf(p->base, sizeof(p->base), "%s", slash + 1);
	*slash = '\0';
	snprintf(p->parent, sizeof(p->parent), "%s", clean[0] ? clean : "/");
	return 0;
}

/* The container's files for reading or writing: its live root when it
 * runs, else its overlay mounted detached. */
static int open_root(struct engine *engine, const struct container *c, bool writable, int *fd,
                     berr *err)
{
	if (container_is_active(c))
		return container_rootfs_live(engine, c, fd, err);
	if (writable && json_is_true(json_object_get(c->host_config, "ReadonlyRootfs")))
		return berr_set(err, BERR_CONFLICT, "container rootfs is marked read-only");
	return container_rootfs_mount(
	    engine, c, ROOTFS_INIT | ROOTFS_MOUNTS | (writable ? ROOTFS_WRITABLE : 0), fd, err);
}

/* The stat of a path as the JSON Docker's copy API sends in its header. */
static json_t *stat_json(const char *path, const struct stat *st, const char *link_target)
{
	return json_pack("{s:s, s:I, s:i, s:I, s:s, s:b}", "name", path, "size",
	                 (json_int_t)st->st_size, "mode", (int)st->st_mode, "mtime",
	                 (json_int_t)st->st_mtime, "linkTarget", link_target, "dir",
	                 S_ISDIR(st->st_mode));
}

static int not_found(const char *path, const struct container *c, berr *err)
{
	return berr_set(err, BERR_NOT_FOUND, "Could not find the file %s in container %s", path,
	                c->name);
}

/* Writes the tar of `path` inside the root to out_fd; *stat_out describes
 * it. The stat is also sent as progress ({"stat"}) before the first byte,
 * for the Engine API's header; with stat_only, nothing else is done. */
static int copy_out(struct cmd_ctx *ctx, int root, const struct container *c, const char *path,
                    bool follow, bool stat_only, int out_fd, json_t **stat_out, berr *err)
{
	struct container_path p;
	struct tar_writer *w = NULL;
	char target[PATH_MAX] = "";
	struct stat st;
	int dir = -1, ret = -1;
	const char *name, *as;

	if (split_path(path, &p, err) < 0)
		return -1;
	/* "dir/", "dir/." and -L name what a final symlink points to; else the
	 * last component is taken as it is, a symlink copied as a link. */
	if (p.trailing || p.contents || follow || strcmp(p.base, ".") == 0) {
		dir = fs_openat_in_root(root, p.full, O_PATH, 0, 0);
		name = "";
	} else {
		dir = fs_openat_in_root(root, p.parent, O_PATH | O_DIRECTORY, 0, 0);
		name = p.base;
	}
	if (dir < 0)
		return errno == ENOENT || errno == ENOTDIR ? not_found(path, c, err)
		                                           : berr_sys(err, "resolving %s", path);
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) < 0) {
		ret = errno == ENOENT ? not_found(path, c, err) : berr_sys(err, "stat %s", path);
		goto out;
	}
	if ((p.trailing || p.contents) && !S_ISDIR(st.st_mode)) {
		ret = berr_set(err, BERR_INVALID, "not a directory: %s", path);
		goto out;
	}
	if (S_ISLNK(st.st_mode) && readlinkat(dir, name, target, sizeof(target) - 1) < 0)
		target[0] = '\0';
	as = p.contents ? "." : p.base;
	cmd_progress(ctx, json_pack("{s:o}", "stat", stat_json(path, &st, target)));
	if (stat_only) {
		*stat_out = stat_json(path, &st, target);
		ret = 0;
		goto out;
	}
	if (tar_writer_open(&w, out_fd, 0, err) < 0)
		goto out;
	if (tar_writer_add(w, dir, name, as, err) < 0)
		goto out;
	ret = tar_writer_close(w, err);
	w = NULL;
	if (ret == 0)
		*stat_out = stat_json(path, &st, target);
out:
	tar_writer_free(w);
	close(dir);
	return ret;
}

/* The path with the symlinks of its last component followed inside the
 * root, as Docker resolves a cp destination: a file copied onto a link
 * replaces what the link names. */
static int follow_final_symlinks(int root, const char *path, char *out, size_t n, berr *err)
{
	char cur[PATH_MAX], target[PATH_MAX];
	struct container_path p;

	snprintf(cur, sizeof(cur), "%s", path);
	for (int hops = 0; hops < 40; hops++) {
		ssize_t len;
		int dir;

		if (split_path(cur, &p, err) < 0)
			return -1;
		if (p.trailing || p.contents || strcmp(p.base, ".") == 0)
			break;
		dir = fs_openat_in_root(root, p.parent, O_PATH | O_DIRECTORY, 0, 0);
		if (dir < 0)
			break;
		len = readlinkat(dir, p.base, target, sizeof(target) - 1);
		close(dir);
		if (len <= 0)
			break; /* not a symlink, or nothing there */
		target[len] = '\0';
		if (target[0] == '/')
			snprintf(cur, sizeof(cur), "%s", target);
		else if ((size_t)snprintf(cur, sizeof(cur), "%s/%s",
		                          strcmp(p.parent, "/") == 0 ? "" : p.parent,
		                          target) >= sizeof(cur))
			return berr_set(err, BERR_INVALID, "path too long: %s", path);
		if (hops == 39)
			return berr_errno(err, ELOOP, "resolving %s", path);
	}
	snprintf(out, n, "%s", cur);
	return 0;
}

/* Extracts the tar on in_fd at `path` inside the root. With `name` (the
 * stream's top entry, from a local cp), an existing directory receives it
 * as it is and any other path names it anew (its parent must exist); a
 * bare stream (cp -) must go into an existing directory. */
static int copy_in(int root, const struct container *c, json_t *args, int in_fd, berr *err)
{
	const char *asked = json_string_value(json_object_get(args, "path"));
	char path[PATH_MAX];
	const char *ref = json_string_value(json_object_get(args, "id"));
	const char *name = json_string_value(json_object_get(args, "name"));
	bool is_dir = json_is_true(json_object_get(args, "is_dir"));
	struct tar_extract_opts opts = {
	    .flags = TAR_EXTRACT_NO_ESCAPE | TAR_EXTRACT_KEEP_DEST | TAR_EXTRACT_KEEP_KIND,
	};
	struct container_path p;
	struct stat st;
	int fd, ret = -1;

	if (follow_final_symlinks(root, asked, path, sizeof(path), err) < 0 ||
	    split_path(path, &p, err) < 0)
		return -1;
	fd = fs_openat_in_root(root, p.full, O_PATH, 0, 0);
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		opts.dest = p.full;
	} else if (!name) {
		ret = berr_set(err, BERR_INVALID, "destination \"%s:%s\" must be a directory", ref,
		               asked);
		goto out;
	} else if (fd >= 0 && is_dir) {
		ret = berr_set(err, BERR_INVALID, "cannot copy a directory to a file: %s", path);
		goto out;
	} else if (p.trailing) {
		ret = not_found(path, c, err);
		goto out;
	} else {
		int parent = fs_openat_in_root(root, p.parent, O_PATH | O_DIRECTORY, 0, 0);

		if (parent < 0) {
			ret = not_found(p.parent, c, err);
			goto out;
		}
		close(parent);
		opts.dest = p.parent;
		opts.rename_from = name;
		opts.rename_to = p.base;
	}
	/* The owners in the stream are kept, as Docker's daemon keeps them. */
	ret = tar_extract_fd(in_fd, root, &opts, NULL, err);
out:
	if (fd >= 0)
		close(fd);
	return ret;
}

static int run_copy(struct cmd_ctx *ctx, json_t *args, bool to, json_t **result, berr *err)
{
	const char *ref = json_string_value(json_object_get(args, "id"));
	const char *path = json_string_value(json_object_get(args, "path"));
	struct engine *engine = cmd_engine(ctx);
	json_t *stat = NULL;
	struct container c;
	int root, ret;

	if (!ref || !path ||
	    (!json_is_integer(json_object_get(args, "fd")) && !json_is_true(json_object_get(args, "stat_only"))))
		return berr_set(err, BERR_INVALID, "copy needs a container, a path and a stream");
	/* a relative path is relative to the container's root, as Docker has it */
	if (path[0] != '/') {
		char *abs = NULL;
		if (asprintf(&abs, "/%s", path) < 0)
			return berr_errno(err, ENOMEM, "copying");
		json_object_set_new(args, "path", json_string(abs));
		free(abs);
		path = json_string_value(json_object_get(args, "path"));
	}
	int fd = json_is_integer(json_object_get(args, "fd")) ? (int)json_integer_value(json_object_get(args, "fd")) : -1;
	if (container_find(engine, ref, &c, err) < 0)
		return -1;
	/* Under the container's lock it neither starts nor goes while its
	 * files are copied: a stopped one's overlay, mounted here, is never
	 * mounted by a start at the same time. The state is read again under
	 * the lock. */
	int lock = container_lock(engine, c.id, true, err);
	if (lock < 0) {
		container_free(&c);
		return -1;
	}
	char id[CONTAINER_ID_LEN + 1];
	snprintf(id, sizeof(id), "%s", c.id);
	container_free(&c);
	if (container_find(engine, id, &c, err) < 0) {
		container_unlock(lock);
		return -1;
	}
	if (open_root(engine, &c, to, &root, err) < 0) {
		container_free(&c);
		container_unlock(lock);
		return -1;
	}
	if (to)
		ret = copy_in(root, &c, args, fd, err);
	else
		ret = copy_out(ctx, root, &c, path, json_is_true(json_object_get(args, "follow")),
		               json_is_true(json_object_get(args, "stat_only")), fd,
		               &stat, err);
	close(root);
	container_free(&c);
	container_unlock(lock);
	if (ret < 0)
		return -1;
	*result = json_pack("{s:o}", "stat", stat ? stat : json_object());
	return 0;
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
