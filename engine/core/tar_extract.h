/* Tar streams unpacked under a directory fd that nothing can lead out of. */
#ifndef BERTH_CORE_TAR_EXTRACT_H
#define BERTH_CORE_TAR_EXTRACT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/core/error.h"

struct archive;

/* ".wh.<name>" entries become overlay whiteouts (0/0 character devices),
 * ".wh..wh..opq" marks its directory opaque: Docker's layer format. */
#define TAR_EXTRACT_WHITEOUTS 0x1u
/* Never cross a mount point below the root. */
#define TAR_EXTRACT_NO_XDEV 0x2u
/* A ".." that would climb above the tar's own top is an error (without
 * it, such a ".." stops at the top, as layer tars are read). */
#define TAR_EXTRACT_NO_ESCAPE 0x4u
/* Every entry gets owner uid:gid instead of the one in the tar. */
#define TAR_EXTRACT_CHOWN 0x8u
/* An entry naming the destination directory itself changes nothing there. */
#define TAR_EXTRACT_KEEP_DEST 0x10u
/* A directory is never replaced by another kind of file, nor the other way
 * round: an error, as `docker cp` has it. */
#define TAR_EXTRACT_KEEP_KIND 0x20u
/* Plain files only: no device nodes, no set-user-ID or set-group-ID bits
 * (what a container sends to the host, unless the user asks for all). */
#define TAR_EXTRACT_PLAIN 0x40u

struct tar_extract_opts {
	const char *dest;        /* directory under the root receiving the entries ("" or NULL: the root) */
	const char *rename_from; /* with rename_to: a leading name component renamed; "" or "." renames the top */
	const char *rename_to;
	unsigned flags;
	uid_t uid; /* with TAR_EXTRACT_CHOWN */
	gid_t gid;
	uint64_t max_bytes;   /* of file data; 0: no limit */
	uint64_t max_entries; /* 0: no limit */
	const char *shown_root; /* how messages name the root ("" or NULL: "/") */
};

struct tar_extract_result {
	uint64_t size;    /* bytes of regular file data */
	uint64_t entries; /* tar entries read */
};

/* A reader of tar streams (ustar, pax, GNU) with the decompressors linked
 * into libarchive itself (gzip, bzip2, xz, zstd, lz4). Formats and filters
 * that libarchive would run as an external program (lzop, lrzip, grzip,
 * uuencode...) are never enabled. With `raw`, the reader yields the
 * decompressed bytes as one entry instead of reading tar headers. */
int tar_reader_new(struct archive **out, bool raw, berr *err);

/* Unpacks every entry of in (positioned before its first header) under
 * root_fd. Every path is resolved with openat2(RESOLVE_IN_ROOT): a symlink
 * or ".." in the tree or in the stream resolves inside root_fd, and the
 * last component of each entry is created with *at() calls that never
 * follow a symlink. Hard links must point inside the root too. */
int tar_extract(struct archive *in, int root_fd, const struct tar_extract_opts *opts,
		struct tar_extract_result *result, berr *err);

/* tar_extract of the (possibly compressed) tar read from in_fd. */
int tar_extract_fd(int in_fd, int root_fd, const struct tar_extract_opts *opts,
		   struct tar_extract_result *result, berr *err);

#endif
