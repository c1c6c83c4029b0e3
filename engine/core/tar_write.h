/* Directory trees written as tar streams, read by file descriptor. */
#ifndef BERTH_CORE_TAR_WRITE_H
#define BERTH_CORE_TAR_WRITE_H

#include <stdbool.h>

#include "engine/core/error.h"

/* Overlay whiteouts (0/0 character devices) become ".wh.<name>" entries and
 * an opaque directory gets a ".wh..wh..opq" entry, as Docker writes layers. */
#define TAR_WRITE_WHITEOUTS 0x1u

struct tar_writer;

/* Starts a PAX tar on out_fd. The tree it is given may be changed by a
 * hostile owner while it is read: every entry is opened relative to its
 * directory's fd without following symlinks, checked with fstat, and only a
 * regular file is ever read (a device or fifo is written as a header). */
int tar_writer_open(struct tar_writer **out, int out_fd, unsigned flags, berr *err);

/* Writes the entry `name` of the directory dirfd under the tar name `as`,
 * and for a directory everything below it, names sorted. An empty name is
 * dirfd itself (an O_PATH fd of any kind of file). */
int tar_writer_add(struct tar_writer *w, int dirfd, const char *name, const char *as, berr *err);

/* Writes everything below the directory dirfd (no entry for dirfd itself). */
int tar_writer_add_contents(struct tar_writer *w, int dirfd, berr *err);

/* Ends the archive and frees the writer. */
int tar_writer_close(struct tar_writer *w, berr *err);

/* Frees the writer without ending the archive (after a failure). */
void tar_writer_free(struct tar_writer *w);

#endif
