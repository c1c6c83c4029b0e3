/* A container's files, reached from the host by directory fd: everything
 * that reads or writes them (cp, export) resolves paths from that fd with
 * openat2(RESOLVE_IN_ROOT) and never enters the container's root or
 * namespaces, so nothing of the container is ever loaded or run. */
#include "engine/container/rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/fsutil.h"
#include "engine/core/strlist.h"
#include "engine/image/image.h"
#include "engine/volume/volume.h"

int container_rootfs_live(struct engine *engine, const struct container *c, int *fd_out, berr *err)
{
	char run_dir[PATH_MAX], pidfile[PATH_MAX + 16], proc[64];
	pid_t pid;
	int dir, fd;

	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	snprintf(pidfile, sizeof(pidfile), "%s/init.pid", run_dir);
	if (!proc_pidfile_alive(pidfile, &pid))
		return berr_set(err, BERR_CONFLICT, "container %s is not running", c->id);
	snprintf(proc, sizeof(proc), "/proc/%d", (int)pid);
	dir = open(proc, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return berr_set(err, BERR_CONFLICT, "container %s is not running", c->id);
	/* The directory fd stays with the process it was opened for: checked
	 * once more now, it cannot have been reused after. */
	if (!proc_pidfile_alive(pidfile, &pid)) {
		close(dir);
		return berr_set(err, BERR_CONFLICT, "container %s is not running", c->id);
	}
	fd = openat(dir, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(dir);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH
		           ? berr_set(err, BERR_CONFLICT, "container %s is not running", c->id)
		           : berr_sys(err, "opening the root of container %s", c->name);
	*fd_out = fd;
	return 0;
}

/* The lower directories, topmost first, into a NULL-terminated array of
 * malloc'd paths. */
static char **lower_dirs(struct engine *engine, const struct container *c, unsigned flags)
{
	size_t nlayers = json_array_size(c->layers), n = 0;
	char **dirs = calloc(nlayers + 3, sizeof(*dirs));
	char bundle[PATH_MAX], path[PATH_MAX + 16];
	struct stat st;

	if (!dirs)
		return NULL;
	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	if (!(flags & ROOTFS_WRITABLE)) {
		snprintf(path, sizeof(path), "%s/upper", bundle);
		dirs[n++] = strdup(path);
	}
	snprintf(path, sizeof(path), "%s/init", bundle);
	if ((flags & ROOTFS_INIT) && stat(path, &st) == 0)
		dirs[n++] = strdup(path);
	for (size_t i = nlayers; i-- > 0;) {
		const char *chain = json_string_value(json_array_get(c->layers, i));

		dirs[n++] = strdup(
		    image_layer_dir(engine_root(engine), chain ? chain : "", path, sizeof(path))
		        ? path
		        : "");
	}
	for (size_t i = 0; i < n; i++)
		if (!dirs[i]) {
			for (size_t j = 0; j < n; j++)
				free(dirs[j]);
			free(dirs);
			return NULL;
		}
	return dirs;
}

/* Gives the lower directories to an overlay context: one at a time where
 * the kernel takes "lowerdir+", else joined into one "lowerdir". */
static int configure_lower(int fs, char **dirs, berr *err)
{
	size_t len = 0;
	char *joined;
	int r;

	if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", dirs[0], 0) == 0) {
		for (size_t i = 1; dirs[i]; i++)
			if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", dirs[i], 0) < 0)
				return berr_sys(err, "overlay: lower layer %s", dirs[i]);
		return 0;
	}
	for (size_t i = 0; dirs[i]; i++)
		len += strlen(dirs[i]) + 1;
	joined = malloc(len + 1);
	if (!joined)
		return berr_errno(err, ENOMEM, "overlay");
	joined[0] = '\0';
	for (size_t i = 0; dirs[i]; i++) {
		if (i)
			strcat(joined, ":");
		strcat(joined, dirs[i]);
	}
	r = fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", joined, 0);
	free(joined);
	return r < 0 ? berr_sys(err, "overlay: lower layers") : 0;
}

/* A detached bind mount of one directory with the given attributes. */
static int detached_bind(const char *dir, unsigned attrs, berr *err)
{
	struct mount_attr attr = {.attr_set = attrs};
	int mnt = open_tree(AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (mnt < 0)
		return berr_sys(err, "bind %s", dir);
	if (mount_setattr(mnt, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0) {
		berr_sys(err, "bind %s", dir);
		close(mnt);
		return -1;
	}
	return mnt;
}


/* Attaches the container's volumes and binds to the detached view at
 * their destinations, parents first. A destination missing from the view
 * (never started) is left out; read-only unless both the mount and the
 * view are writable. */
static int attach_mounts(struct engine *engine, const struct container *c, int root, unsigned flags,
                         berr *err)
{
	json_t *records = volume_bind_records(engine, c->id, err), *r;
	size_t i;
	int rc = 0;

	if (!records)
		return berr_prefix(err, "mounting the volumes of %s", c->name);
	json_array_foreach(records, i, r)
	{
		const char *source = json_string_value(json_array_get(r, 1));
		const char *dest = json_string_value(json_array_get(r, 2));
		const char *opts = json_string_value(json_array_get(r, 3));
		bool ro = !(flags & ROOTFS_WRITABLE) || strlist_has(opts, "ro");
		bool recursive = strncmp(opts, "rbind", 5) == 0;
		struct mount_attr attr = {
		    .attr_set = MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC |
		                (ro ? MOUNT_ATTR_RDONLY : 0),
		};
		int target = fs_openat_in_root(root, dest, O_PATH, 0, 0);
		int tree;

		if (target < 0)
			continue;
		tree =
		    open_tree(AT_FDCWD, source,
		              OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
		if (tree < 0 ||
		    mount_setattr(tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr,
		                  sizeof(attr)) < 0 ||
		    move_mount(tree, "", target, "",
		               MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
			rc = errno == EINVAL
			         ? berr_set(err, BERR_SYSTEM,
			                    "mounting %s of %s: this kernel cannot attach "
			                    "mounts to a detached tree (Linux 6.15 can)",
			                    dest, c->name)
			         : berr_sys(err, "mounting %s of %s", dest, c->name);
		}
		if (tree >= 0)
			close(tree);
		close(target);
		if (rc < 0)
			break;
	}
	json_decref(records);
	return rc;
}

int container_rootfs_mount(struct engine *engine, const struct container *c, unsigned flags,
                           int *fd_out, berr *err)
{
	char bundle[PATH_MAX], upper[PATH_MAX + 16], work[PATH_MAX + 16];
	bool writable = flags & ROOTFS_WRITABLE;
	char **dirs = lower_dirs(engine, c, flags);
	unsigned attrs = MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
	int fs = -1, mnt = -1;

	if (!dirs)
		return berr_errno(err, ENOMEM, "mounting the files of %s", c->name);
	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	snprintf(upper, sizeof(upper), "%s/upper", bundle);
	snprintf(work, sizeof(work), "%s/work", bundle);
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0) {
		berr_sys(err, "overlay");
		goto out;
	}
	if (writable ? !dirs[0] : !dirs[1]) {
		/* nothing to stack: the one directory itself */
		mnt = detached_bind(writable ? upper : dirs[0],
		                    attrs | (writable ? 0 : MOUNT_ATTR_RDONLY), err);
		goto out;
	}
	if (configure_lower(fs, dirs, err) < 0)
		goto out;
	if (writable && (fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	                 fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0)) {
		berr_sys(err, "overlay: upper directory");
		goto out;
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		berr_sys(err, "overlay");
		goto out;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs | (writable ? 0 : MOUNT_ATTR_RDONLY));
	if (mnt < 0)
		berr_sys(err, "overlay");
out:
	if (mnt < 0)
		berr_prefix(err, "mounting the files of %s", c->name);
	if (fs >= 0)
		close(fs);
	for (size_t i = 0; dirs[i]; i++)
		free(dirs[i]);
	free(dirs);
	if (mnt < 0)
		return -1;
	if ((flags & ROOTFS_MOUNTS) && attach_mounts(engine, c, mnt, flags, err) < 0) {
		close(mnt);
		return -1;
	}
	*fd_out = mnt;
	return 0;
}

int container_rootfs_writable(struct engine *engine, const struct container *c, int *fd_out,
			      berr *err)
{
	return container_rootfs_mount(engine, c, ROOTFS_WRITABLE | ROOTFS_INIT, fd_out, err);
}

int container_rootfs_image(struct engine *engine, const struct container *c, int *fd_out,
			   berr *err)
{
	return container_rootfs_mount(engine, c, 0, fd_out, err);
}
