/* build -o: the built image's files, out of the store. type=tar writes
 * them as a tar (to a file, or to the fd the face gave: stdout);
 * type=local unpacks them into a directory of the host, as plain files
 * (no device node, no set-user-ID or set-group-ID bit: an image is
 * hostile, and its files land on the host), every path resolved inside
 * the destination. The files are read from a detached read-only mount of
 * the image, by fd. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/build/internal.h"
#include "engine/container/container.h"
#include "engine/core/fsutil.h"
#include "engine/core/tar_extract.h"
#include "engine/core/tar_write.h"

/* The image's files as a tar on out_fd. */
static int image_tar(struct build *b, const char *image_id, int out_fd, berr *err)
{
	json_t *body = json_pack("{s:[s]}", "Cmd", "/nonexistent");
	struct tar_writer *w = NULL;
	struct container c;
	char id[65];
	int root = -1, rc = -1;

	if (build_container_create(b, image_id, body, id, err) < 0) {
		json_decref(body);
		return -1;
	}
	json_decref(body);
	if (container_find(b->engine, id, &c, err) < 0)
		goto out;
	rc = container_rootfs_image(b->engine, &c, &root, err);
	container_free(&c);
	if (rc < 0)
		goto out;
	rc = -1;
	if (tar_writer_open(&w, out_fd, 0, err) < 0)
		goto out;
	if (tar_writer_add_contents(w, root, err) < 0) {
		tar_writer_free(w);
		goto out;
	}
	rc = tar_writer_close(w, err);
out:
	if (root >= 0)
		close(root);
	build_container_remove(b, id);
	return rc;
}

int build_export(struct build *b, const char *image_id, json_t *output, berr *err)
{
	const char *type = json_string_value(json_object_get(output, "type"));
	const char *dest = json_string_value(json_object_get(output, "dest"));
	json_t *fd_arg = json_object_get(output, "fd");
	int fd, rc;

	if (!type || (strcmp(type, "local") != 0 && strcmp(type, "tar") != 0))
		return berr_set(err, BERR_INVALID, "output type %s is not supported (local, tar)",
				type ? type : "(none)");
	if (strcmp(type, "tar") == 0) {
		if (json_is_integer(fd_arg))
			return image_tar(b, image_id, (int)json_integer_value(fd_arg), err);
		if (!dest || !*dest)
			return berr_set(err, BERR_INVALID, "dest is required for tar output");
		fd = open(dest, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0)
			return berr_sys(err, "output %s", dest);
		rc = image_tar(b, image_id, fd, err);
		close(fd);
		return rc;
	}
	if (!dest || !*dest)
		return berr_set(err, BERR_INVALID, "dest is required for local output");
	if (fs_mkdir_p(dest, 0755, err) < 0)
		return -1;
	int dir = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return berr_sys(err, "output %s", dest);
	fd = open(engine_root(b->engine), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0) {
		close(dir);
		return berr_sys(err, "output %s", dest);
	}
	rc = image_tar(b, image_id, fd, err);
	if (rc == 0) {
		struct tar_extract_opts xo = {.flags = TAR_EXTRACT_NO_ESCAPE | TAR_EXTRACT_PLAIN |
							 TAR_EXTRACT_NO_XDEV,
					      .shown_root = dest};
		lseek(fd, 0, SEEK_SET);
		rc = tar_extract_fd(fd, dir, &xo, NULL, err);
		if (rc < 0)
			berr_prefix(err, "output %s", dest);
	}
	close(fd);
	close(dir);
	return rc;
}
