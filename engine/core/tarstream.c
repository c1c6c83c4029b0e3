/* Files as tar streams and back, for copying in and out of containers:
 * archiving never follows symlinks and looks up no user names; extraction
 * refuses absolute names, ".." and writing through symlinks. */
#include "engine/core/tarstream.h"

#include <archive.h>
#include <archive_entry.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Copies one entry's data from disk into a tar, filling holes with zeros. */
static int copy_to_tar(struct archive *in, struct archive *out)
{
	static const char zeros[4096];
	const void *buf;
	size_t size;
	int64_t offset, at = 0;
	int r;

	while ((r = archive_read_data_block(in, &buf, &size, &offset)) == ARCHIVE_OK) {
		while (at < offset) {
			size_t gap = offset - at > (int64_t)sizeof(zeros) ? sizeof(zeros) : (size_t)(offset - at);
			if (archive_write_data(out, zeros, gap) < 0)
				return -1;
			at += (int64_t)gap;
		}
		if (size && archive_write_data(out, buf, size) < 0)
			return -1;
		at = offset + (int64_t)size;
	}
	return r == ARCHIVE_EOF ? 0 : -1;
}

/* Copies one entry's data from a tar to disk. */
static int copy_data(struct archive *in, struct archive *out)
{
	const void *buf;
	size_t size;
	int64_t offset;
	int r;

	while ((r = archive_read_data_block(in, &buf, &size, &offset)) == ARCHIVE_OK)
		if (archive_write_data_block(out, buf, size, offset) < ARCHIVE_OK)
			return -1;
	return r == ARCHIVE_EOF ? 0 : -1;
}

/* Writes `path` (inside the current root) as a tar on out_fd; entries are
 * named after the path's last component, or "." for "dir/." */
int tarstream_write(const char *path, int out_fd, berr *err)
{
	char copy[PATH_MAX], prefix[PATH_MAX];
	struct archive *disk = archive_read_disk_new(), *out = archive_write_new();
	struct archive_entry *entry;
	size_t len = strlen(path);
	bool contents = len >= 2 && strcmp(path + len - 2, "/.") == 0;
	int rc = -1, r;

	snprintf(copy, sizeof(copy), "%s", path);
	snprintf(prefix, sizeof(prefix), "%s", contents ? "." : basename(copy));
	archive_read_disk_set_symlink_physical(disk);
	archive_write_set_format_pax_restricted(out);
	if (archive_write_open_fd(out, out_fd) != ARCHIVE_OK ||
	    archive_read_disk_open(disk, path) != ARCHIVE_OK) {
		berr_set(err, BERR_SYSTEM, "archiving %s: %s", path, archive_error_string(disk));
		goto out;
	}
	for (;;) {
		entry = archive_entry_new();
		r = archive_read_next_header2(disk, entry);
		if (r == ARCHIVE_EOF) {
			archive_entry_free(entry);
			break;
		}
		if (r < ARCHIVE_WARN) {
			berr_set(err, BERR_SYSTEM, "archiving %s: %s", path, archive_error_string(disk));
			archive_entry_free(entry);
			goto out;
		}
		archive_read_disk_descend(disk);
		const char *name = archive_entry_pathname(entry);
		char renamed[PATH_MAX * 2];
		snprintf(renamed, sizeof(renamed), "%s%s", prefix, name + len);
		archive_entry_set_pathname(entry, renamed);
		archive_entry_set_uname(entry, NULL);
		archive_entry_set_gname(entry, NULL);
		if (archive_write_header(out, entry) < ARCHIVE_WARN ||
		    (archive_entry_size(entry) > 0 && copy_to_tar(disk, out) < 0)) {
			berr_set(err, BERR_SYSTEM, "archiving %s: %s", renamed, archive_error_string(out));
			archive_entry_free(entry);
			goto out;
		}
		archive_entry_free(entry);
	}
	rc = 0;
out:
	archive_read_close(disk);
	archive_read_free(disk);
	archive_write_close(out);
	archive_write_free(out);
	return rc;
}

/* Extracts the tar on in_fd under dir, renaming a leading `from` to `to`. */
int tarstream_extract(const char *dir, const char *from, const char *to, int in_fd, berr *err)
{
	struct archive *in = archive_read_new(), *out = archive_write_disk_new();
	struct archive_entry *entry;
	size_t from_len = from ? strlen(from) : 0;
	int rc = -1, r;

	archive_read_support_format_tar(in);
	archive_read_support_format_gnutar(in);
	archive_read_support_filter_all(in);
	archive_write_disk_set_options(out, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM |
						    ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
						    ARCHIVE_EXTRACT_SECURE_NODOTDOT |
						    ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
						    ARCHIVE_EXTRACT_UNLINK);
	if (chdir(dir) < 0) {
		berr_sys(err, "entering %s", dir);
		goto out;
	}
	if (archive_read_open_fd(in, in_fd, 65536) != ARCHIVE_OK) {
		berr_set(err, BERR_INVALID, "reading the archive: %s", archive_error_string(in));
		goto out;
	}
	while ((r = archive_read_next_header(in, &entry)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(entry);
		if (from && to && strncmp(name, from, from_len) == 0 &&
		    (name[from_len] == '\0' || name[from_len] == '/')) {
			char renamed[PATH_MAX * 2];
			snprintf(renamed, sizeof(renamed), "%s%s", to, name + from_len);
			archive_entry_set_pathname(entry, renamed);
		}
		if (archive_write_header(out, entry) < ARCHIVE_WARN ||
		    (archive_entry_size(entry) > 0 && copy_data(in, out) < 0) ||
		    archive_write_finish_entry(out) < ARCHIVE_WARN) {
			berr_set(err, BERR_SYSTEM, "extracting %s: %s", archive_entry_pathname(entry),
				 archive_error_string(out));
			goto out;
		}
	}
	if (r != ARCHIVE_EOF) {
		berr_set(err, BERR_INVALID, "reading the archive: %s", archive_error_string(in));
		goto out;
	}
	rc = 0;
out:
	archive_read_free(in);
	archive_write_free(out);
	return rc;
}

