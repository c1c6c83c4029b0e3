/* Contexts that are not a directory of the host: a stream (stdin, a
 * download) that is a tar, plain or compressed, unpacked into a staging
 * directory, or a Dockerfile alone (then the context is empty). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/build/internal.h"
#include "engine/core/alloc.h"
#include "engine/core/tar_extract.h"

int build_context_staging(struct build *b, struct image_staging *sg, berr *err)
{
	return image_staging_open(sg, engine_root(b->engine), "build-context", err);
}

int build_context_from_file(struct build *b, int tmp, const char *staging, char **dockerfile_text,
			    size_t *text_len, berr *err)
{
	struct stat st;
	uint64_t total;

	if (fstat(tmp, &st) < 0)
		return berr_sys(err, "reading the build context");
	total = (uint64_t)st.st_size;
	b->context_fd = open(staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (b->context_fd < 0)
		return berr_sys(err, "opening %s", staging);
	/* The docker CLI ends an uncompressed context right after the last
	 * file's bytes when it appends a Dockerfile from outside the context
	 * (no padding, no end-of-archive blocks), which dockerd's reader
	 * takes: zeros are added so that the archive ends as tar says. (A
	 * tar that ended properly only gains zeros past its end; a plain
	 * Dockerfile is read below with its own length.) */
	unsigned char magic[4] = {0};
	bool compressed = pread(tmp, magic, sizeof(magic), 0) >= 2 &&
			  ((magic[0] == 0x1f && magic[1] == 0x8b) || memcmp(magic, "BZh", 3) == 0 ||
			   (magic[0] == 0xfd && magic[1] == '7') ||
			   (magic[0] == 0x28 && magic[1] == 0xb5));
	if (!compressed && total > 0 && ftruncate(tmp, (off_t)((total + 511) / 512 * 512 + 1024)) < 0) {
		/* a download opened read-only stays as it came */
	}
	lseek(tmp, 0, SEEK_SET);
	/* plain files: a context's device nodes and set-user-ID bits are of no use */
	struct tar_extract_opts xo = {.flags = TAR_EXTRACT_NO_ESCAPE | TAR_EXTRACT_PLAIN,
				      .max_bytes = 1ull << 34};
	berr xerr = {0};
	if (total == 0 || tar_extract_fd(tmp, b->context_fd, &xo, NULL, &xerr) < 0) {
		/* not a tar: the Dockerfile itself (a tar that fails half-way is an error) */
		if (total > 16u << 20)
			return berr_set(err, BERR_INVALID, "the build context is neither a tar nor a Dockerfile");
		char *text = xmalloc(total + 1);
		if (pread(tmp, text, total, 0) != (ssize_t)total) {
			free(text);
			return berr_set(err, BERR_INVALID, "the build context is neither a tar nor a Dockerfile");
		}
		text[total] = '\0';
		if (memchr(text, '\0', total) && xerr.msg[0]) {
			free(text);
			*err = xerr;
			return berr_prefix(err, "reading the build context");
		}
		*dockerfile_text = text;
		*text_len = total;
	}
	return 0;
}

int build_context_from_stream(struct build *b, int in_fd, struct image_staging *sg,
			      char **dockerfile_text, size_t *text_len, berr *err)
{
	int tmp = open(engine_root(b->engine), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	char chunk[65536];
	ssize_t n;
	int rc;

	if (tmp < 0)
		return berr_sys(err, "reading the build context");
	while ((n = read(in_fd, chunk, sizeof(chunk))) > 0) {
		if (write(tmp, chunk, (size_t)n) != n) {
			close(tmp);
			return berr_sys(err, "reading the build context");
		}
	}
	if (n < 0) {
		close(tmp);
		return berr_sys(err, "reading the build context");
	}
	if (build_context_staging(b, sg, err) < 0) {
		close(tmp);
		return -1;
	}
	rc = build_context_from_file(b, tmp, sg->path, dockerfile_text, text_len, err);
	close(tmp);
	return rc;
}
