/* container.export: the container's filesystem (its changes over the image,
 * without the init layer or volumes, as Docker exports it) as one flat
 * tar. The view is the overlay mounted detached and read-only (rootfs.c),
 * walked by fd: no mount is ever visible anywhere, none can be left behind,
 * and whatever the container swaps in meanwhile is never followed or read
 * unless it is a regular file. */
#include "engine/container/export.h"
#include "engine/container/rootfs.h"
#include "engine/core/tar_write.h"

#include <unistd.h>

int container_export(struct engine *engine, const struct container *c, int out_fd, berr *err)
{
	struct tar_writer *w = NULL;
	int root, lock, ret = -1;

	/* no start or removal while the files are read */
	lock = container_lock(engine, c->id, true, err);
	if (lock < 0)
		return -1;
	if (container_rootfs_mount(engine, c, 0, &root, err) < 0) {
		container_unlock(lock);
		return berr_prefix(err, "exporting %s", c->name);
	}
	if (tar_writer_open(&w, out_fd, 0, err) < 0 || tar_writer_add_contents(w, root, err) < 0) {
		berr_prefix(err, "exporting %s", c->name);
		goto out;
	}
	ret = tar_writer_close(w, err);
	w = NULL;
out:
	tar_writer_free(w);
	close(root);
	container_unlock(lock);
	return ret;
}
