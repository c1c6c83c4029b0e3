/* A tar stream copied with its top name changed (tar_rename.h). */
#include "engine/core/tar_rename.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/strbuf.h"

/* name with its first component from replaced by to; NULL when name is
 * not under from. */
static char *renamed(const char *name, const char *from, const char *to)
{
	size_t n = strlen(from);
	struct strbuf b = {0};

	if (!name)
		return NULL;
	if (strncmp(name, "./", 2) == 0)
		name += 2;
	if (strncmp(name, from, n) != 0 || (name[n] != '\0' && name[n] != '/'))
		return NULL;
	strbuf_adds(&b, to);
	strbuf_adds(&b, name + n);
	return strbuf_steal(&b);
}

int tar_rename_top(int in_fd, int out_fd, const char *from, const char *to, berr *err)
{
	struct archive *in = archive_read_new(), *out = archive_write_new();
	struct archive_entry *e;
	int rc = 0, r;

	archive_read_support_format_tar(in);
	archive_read_support_format_gnutar(in);
	archive_write_set_format_pax_restricted(out);
	archive_write_set_bytes_in_last_block(out, 1);
	if (archive_read_open_fd(in, in_fd, 65536) != ARCHIVE_OK ||
	    archive_write_open_fd(out, out_fd) != ARCHIVE_OK) {
		rc = berr_set(err, BERR_SYSTEM, "renaming an archive: %s",
			      archive_error_string(in) ?: archive_error_string(out) ?: "cannot open");
		goto out;
	}
	while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
		char *path = renamed(archive_entry_pathname(e), from, to);
		char *link = renamed(archive_entry_hardlink(e), from, to);
		if (path)
			archive_entry_set_pathname(e, path);
		if (link)
			archive_entry_set_hardlink(e, link);
		free(path);
		free(link);
		if (archive_write_header(out, e) != ARCHIVE_OK) {
			rc = berr_set(err, BERR_SYSTEM, "renaming an archive: %s",
				      archive_error_string(out));
			goto out;
		}
		const void *block;
		size_t len;
		la_int64_t offset;
		while ((r = archive_read_data_block(in, &block, &len, &offset)) == ARCHIVE_OK)
			if (archive_write_data(out, block, len) < 0) {
				rc = berr_set(err, BERR_SYSTEM, "renaming an archive: %s",
					      archive_error_string(out));
				goto out;
			}
		if (r != ARCHIVE_EOF) {
			rc = berr_set(err, BERR_SYSTEM, "reading an archive: %s",
				      archive_error_string(in));
			goto out;
		}
	}
	if (r != ARCHIVE_EOF)
		rc = berr_set(err, BERR_SYSTEM, "reading an archive: %s", archive_error_string(in));
	else if (archive_write_close(out) != ARCHIVE_OK)
		rc = berr_set(err, BERR_SYSTEM, "renaming an archive: %s", archive_error_string(out));
out:
	archive_read_free(in);
	archive_write_free(out);
	return rc;
}
