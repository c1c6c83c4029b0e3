/* A layer's uncompressed tar (R/blobs/sha256/<diff id>) gzipped for a
 * registry, hashed as it is written. The bytes depend only on the tar, so
 * compressing a layer again gives the same digest.
 *
 * A layer whose first MiB does not shrink by 5% at zlib's fastest level
 * (compressed archives, media, random data) is written in stored blocks:
 * still gzip, as every client expects, at the speed of a copy rather than
 * zlib's 30 MB/s on data it cannot compress. Others get zlib's default
 * level, as Docker's gzip does. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "engine/core/sha256.h"
#include "engine/image/internal.h"

#define IN_CHUNK (1u << 20)
#define OUT_CHUNK (256u << 10)

#define SAMPLE (1u << 20)

/* The level for the layer on fd, from a sample of its start. */
static int choose_level(int fd, unsigned char *buf)
{
	uLongf bound = compressBound(SAMPLE);
	unsigned char *out = malloc(bound);
	ssize_t n = pread(fd, buf, SAMPLE, 0);
	int level = Z_DEFAULT_COMPRESSION;

	if (out && n > 0 && compress2(out, &bound, buf, (uLong)n, 1) == Z_OK &&
	    bound * 100 >= (uLongf)n * 95)
		level = Z_NO_COMPRESSION;
	free(out);
	return level;
}

/* Writes out what deflate made and hashes it. */
static int flush_out(int out_fd, z_stream *z, unsigned char *buf, struct sha256_ctx *hash,
		     uint64_t *size, berr *err)
{
	size_t n = OUT_CHUNK - z->avail_out;

	if (n && image_write_all(out_fd, buf, n, err) < 0)
		return -1;
	sha256_update(hash, buf, n);
	*size += n;
	z->next_out = buf;
	z->avail_out = OUT_CHUNK;
	return 0;
}

int layer_compress(const char *root, const char *diff_id, int out_fd, const volatile int *cancel,
		   char digest[IMAGE_DIGEST_SIZE], uint64_t *size, berr *err)
{
	char path[4200], hex[SHA256_HEX_SIZE];
	unsigned char *in = malloc(IN_CHUNK), *out = malloc(OUT_CHUNK);
	struct sha256_ctx hash;
	z_stream z = {0};
	int fd = -1, ret = -1, zr = Z_OK;

	*size = 0;
	if (!in || !out) {
		berr_errno(err, ENOMEM, "compress layer");
		goto out;
	}
	if (!image_blob_path(root, diff_id, path, sizeof(path))) {
		berr_set(err, BERR_INVALID, "data root path too long");
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		berr_sys(err, "open layer %s", diff_id);
		goto out;
	}
	/* gzip (window bits 15 + 16): no name, no time, so no difference
	 * between two compressions */
	if (deflateInit2(&z, choose_level(fd, in), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		berr_set(err, BERR_SYSTEM, "compress layer %s: cannot start zlib", diff_id);
		goto out;
	}
	sha256_init(&hash);
	z.next_out = out;
	z.avail_out = OUT_CHUNK;
	for (;;) {
		ssize_t n = read(fd, in, IN_CHUNK);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			berr_sys(err, "read layer %s", diff_id);
			goto end;
		}
		if (cancel && *cancel) {
			berr_set(err, BERR_SYSTEM, "context canceled");
			goto end;
		}
		z.next_in = in;
		z.avail_in = (uInt)n;
		do {
			zr = deflate(&z, n == 0 ? Z_FINISH : Z_NO_FLUSH);
			if (zr == Z_STREAM_ERROR) {
				berr_set(err, BERR_SYSTEM, "compress layer %s: zlib failed", diff_id);
				goto end;
			}
			if (z.avail_out == 0 && flush_out(out_fd, &z, out, &hash, size, err) < 0)
				goto end;
		} while (z.avail_in > 0 || (n == 0 && zr != Z_STREAM_END));
		if (n == 0)
			break;
	}
	if (flush_out(out_fd, &z, out, &hash, size, err) < 0)
		goto end;
	sha256_final_hex(&hash, hex);
	snprintf(digest, IMAGE_DIGEST_SIZE, "sha256:%s", hex);
	ret = 0;
end:
	deflateEnd(&z);
out:
	if (fd >= 0)
		close(fd);
	free(in);
	free(out);
	return ret;
}
