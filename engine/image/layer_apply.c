/* Unpacking a layer tar into a layer directory, safely.
 *
 * The input may be compressed (gzip, xz, zstd, bzip2...). An outer reader
 * with berth's built-in decompressors and the "raw" format yields the
 * decompressed bytes; they are hashed (the diff id), copied to the blob
 * file and fed to an inner tar reader through callbacks, whose entries
 * engine/core/tar_extract.c creates under the layer's root fd (nothing can
 * lead outside it; Docker whiteouts become overlay whiteouts). */
#include <archive.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/sha256.h"
#include "engine/core/tar_extract.h"
#include "engine/image/internal.h"

#define CHUNK_SIZE 65536

const struct layer_limits layer_default_limits = {
	.max_bytes = 64ULL << 30,
	.max_entries = 4000000,
};

/* The decompressed byte stream between the outer and the inner reader. */
struct stream {
	struct archive *outer;
	struct sha256_ctx hash;
	int blob_fd;
	uint64_t total;
	uint64_t max;
	bool failed;
	berr cause;
	char *chunk;
};

/* Hashes, counts and copies one piece of the uncompressed tar. */
static int stream_account(struct stream *s, const void *buf, size_t len)
{
	s->total += len;
	if (s->total > s->max) {
		s->failed = true;
		return berr_set(&s->cause, BERR_INVALID,
				"invalid tar: uncompressed layer larger than %llu bytes",
				(unsigned long long)s->max);
	}
	sha256_update(&s->hash, buf, len);
	if (s->blob_fd >= 0 && image_write_all(s->blob_fd, buf, len, &s->cause) < 0) {
		s->failed = true;
		return berr_prefix(&s->cause, "write layer blob");
	}
	return 0;
}

/* Pulls the next decompressed chunk from the outer reader. */
static la_ssize_t stream_next(struct stream *s)
{
	la_ssize_t n;

	if (s->failed)
		return -1;
	n = archive_read_data(s->outer, s->chunk, CHUNK_SIZE);
	if (n < 0) {
		s->failed = true;
		berr_set(&s->cause, BERR_INVALID, "invalid tar: %s",
			 archive_error_string(s->outer) ? archive_error_string(s->outer)
							: "cannot decompress");
		return -1;
	}
	if (n > 0 && stream_account(s, s->chunk, (size_t)n) < 0)
		return -1;
	return n;
}

/* libarchive read callback of the inner (tar) reader. */
static la_ssize_t stream_read(struct archive *inner, void *user, const void **buf)
{
	struct stream *s = user;
	la_ssize_t n = stream_next(s);

	if (n < 0) {
		archive_set_error(inner, EINVAL, "%s", s->cause.msg);
		return -1;
	}
	*buf = s->chunk;
	return n;
}

/* Reads what follows the tar's end marker so it counts in the digest. */
static int drain(struct stream *s, berr *err)
{
	la_ssize_t n;

	while ((n = stream_next(s)) > 0)
		;
	if (n < 0) {
		*err = s->cause;
		return -1;
	}
	return 0;
}

/* Unpacks a layer tar into root_fd and computes its diff id. */
int layer_apply(int in_fd, int root_fd, int blob_fd, const struct layer_limits *limits,
		struct layer_apply_result *out, berr *err)
{
	struct stream s = {.blob_fd = blob_fd};
	struct tar_extract_result res = {0};
	struct tar_extract_opts opts = {.flags = TAR_EXTRACT_WHITEOUTS | TAR_EXTRACT_NO_XDEV};
	struct archive *inner = NULL;
	struct archive_entry *raw;
	char hex[SHA256_HEX_SIZE];
	int ret = -1, r;

	if (!limits)
		limits = &layer_default_limits;
	opts.max_bytes = limits->max_bytes;
	opts.max_entries = limits->max_entries;
	s.max = limits->max_bytes;
	sha256_init(&s.hash);
	s.chunk = malloc(CHUNK_SIZE);
	inner = archive_read_new();
	if (!s.chunk || !inner) {
		berr_errno(err, ENOMEM, "extract layer");
		goto out;
	}
	if (tar_reader_new(&s.outer, true, err) < 0)
		goto out;
	if (archive_read_open_fd(s.outer, in_fd, CHUNK_SIZE) != ARCHIVE_OK) {
		berr_set(err, BERR_INVALID, "invalid tar: %s", archive_error_string(s.outer));
		goto out;
	}
	r = archive_read_next_header(s.outer, &raw);
	if (r < ARCHIVE_WARN) {
		berr_set(err, BERR_INVALID, "invalid tar: %s", archive_error_string(s.outer));
		goto out;
	}
	if (r != ARCHIVE_EOF) {
		archive_read_support_format_tar(inner);
		archive_read_support_format_empty(inner);
		if (archive_read_open(inner, &s, NULL, stream_read, NULL) != ARCHIVE_OK) {
			if (s.failed)
				*err = s.cause;
			else
				berr_set(err, BERR_INVALID, "invalid tar: %s",
					 archive_error_string(inner));
			goto out;
		}
		if (tar_extract(inner, root_fd, &opts, &res, err) < 0) {
			/* the stream's own failure says more than the tar reader's */
			if (s.failed)
				*err = s.cause;
			goto out;
		}
		if (drain(&s, err) < 0)
			goto out;
	}
	sha256_final_hex(&s.hash, hex);
	snprintf(out->diff_id, sizeof(out->diff_id), "sha256:%s", hex);
	out->tar_size = s.total;
	out->size = res.size;
	out->entries = res.entries;
	ret = 0;
out:
	if (inner)
		archive_read_free(inner);
	if (s.outer)
		archive_read_free(s.outer);
	free(s.chunk);
	return ret;
}
