/* Writing a layer directory as a tar: the inverse of layer_apply. Overlay
 * whiteouts become ".wh." entries, as Docker writes them; the walk itself
 * (by fd, names sorted, nothing but regular files read) is
 * engine/core/tar_write.c. */
#include "engine/core/tar_write.h"
#include "engine/image/internal.h"

int image_layer_tar_write(int dirfd, int out_fd, berr *err)
{
	struct tar_writer *w;

	if (tar_writer_open(&w, out_fd, TAR_WRITE_WHITEOUTS, err) < 0)
		return -1;
	if (tar_writer_add_contents(w, dirfd, err) < 0) {
		tar_writer_free(w);
		return -1;
	}
	return tar_writer_close(w, err);
}
