/* Directory trees written as tar streams, read by file descriptor. */
#ifndef BERTH_CORE_TAR_WRITE_H
#define BERTH_CORE_TAR_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/error.h"

/* Overlay whiteouts (0/0 character devices) become ".wh.<name>" entries and
 * an opaque directory gets a ".wh..wh..opq" entry, as Docker writes layers. */
#define TAR_WRITE_WHITEOUTS 0x1u

/* Every entry owned by root (uid and gid 0), as the docker CLI sends a
 * build context. */
#define TAR_WRITE_ROOT_OWNED 0x2u

struct tar_writer;

/* What a writer's filter decides for an entry. */
enum tar_choice {
	TAR_TAKE,       /* written (a directory: with what is below it) */
	TAR_LEAVE_OUT,  /* not written, nor anything below it */
	TAR_ONLY_BELOW, /* a directory: its own entry left out, what is below it asked about */
};

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

/* Asks choose about every entry below what is added from now on, by its
 * tar name (no trailing '/'), before it is read. */
void tar_writer_set_filter(struct tar_writer *w,
			   enum tar_choice (*choose)(void *user, const char *name, bool is_dir),
			   void *user);

/* A regular file of the given bytes (mode 0644, owned by root, dated now). */
int tar_writer_add_bytes(struct tar_writer *w, const char *name, const void *data, size_t len,
			 berr *err);

/* Ends the archive and frees the writer. */
int tar_writer_close(struct tar_writer *w, berr *err);

/* Frees the writer without ending the archive (after a failure). */
void tar_writer_free(struct tar_writer *w);

#endif
