/* Writing a layer directory as a tar: the inverse of layer_apply.
 *
 * Names are sorted so the same tree always gives the same bytes (and so the
 * same diff id). Overlay whiteouts (0/0 character devices) become empty
 * ".wh.<name>" files and an opaque directory (trusted.overlay.opaque=y) gets
 * a ".wh..wh..opq" entry, as Docker writes them. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "engine/image/internal.h"

/* Files with several links seen so far: later ones become hardlink entries. */
struct link_seen {
	dev_t dev;
	ino_t ino;
	char *name;
};

struct tar_writer {
	struct archive *a;
	struct archive_entry *e;
	struct link_seen *links;
	size_t nlinks, caplinks;
	char path[PATH_MAX]; /* name of the entry being written */
	size_t path_len;
	char xlist[65536];
	char buf[65536];
};

/* Fails with libarchive's message. */
static int archive_fail(struct tar_writer *w, const char *what, berr *err)
{
	const char *msg = archive_error_string(w->a);

	return berr_set(err, BERR_SYSTEM, "write tar: %s: %s", what, msg ? msg : "error");
}

/* qsort order for names: byte order. */
static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sorted entry names of a directory (excluding . and ..). */
static int list_dir(int fd, char ***names_out, size_t *count, berr *err)
{
	int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (dup_fd < 0)
		return berr_sys(err, "open directory");
	dir = fdopendir(dup_fd);
	if (!dir) {
		close(dup_fd);
		return berr_sys(err, "open directory");
	}
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (n == cap) {
			size_t bigger_cap = cap ? cap * 2 : 16;
			char **bigger = realloc(names, bigger_cap * sizeof(*bigger));

			if (!bigger)
				goto nomem;
			names = bigger;
			cap = bigger_cap;
		}
		names[n] = strdup(de->d_name);
		if (!names[n])
			goto nomem;
		n++;
	}
	closedir(dir);
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	*names_out = names;
	*count = n;
	return 0;
nomem:
	closedir(dir);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return berr_errno(err, ENOMEM, "list directory");
}

/* Frees the names list_dir returned. */
static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The name a file with several links was first written as, or NULL after
 * recording this one. */
static const char *link_lookup(struct tar_writer *w, const struct stat *st, const char *name)
{
	struct link_seen *l;

	for (size_t i = 0; i < w->nlinks; i++)
		if (w->links[i].ino == st->st_ino && w->links[i].dev == st->st_dev)
			return w->links[i].name;
	if (w->nlinks == w->caplinks) {
		size_t cap = w->caplinks ? w->caplinks * 2 : 16;
		struct link_seen *bigger = realloc(w->links, cap * sizeof(*bigger));

		if (!bigger)
			return NULL;
		w->links = bigger;
		w->caplinks = cap;
	}
	l = &w->links[w->nlinks];
	l->name = strdup(name);
	if (l->name) {
		l->dev = st->st_dev;
		l->ino = st->st_ino;
		w->nlinks++;
	}
	return NULL;
}

/* Adds the xattrs of fd to the entry, sorted by name, except trusted.* and
 * SELinux labels (host bookkeeping, not layer content). */
static void add_xattrs(struct tar_writer *w, int fd)
{
	char *names[256];
	size_t n = 0;
	ssize_t len = flistxattr(fd, w->xlist, sizeof(w->xlist));

	for (ssize_t off = 0; len > 0 && off < len && n < 256;
	     off += (ssize_t)strlen(w->xlist + off) + 1) {
		char *name = w->xlist + off;

		if (strncmp(name, "trusted.", 8) == 0 || strcmp(name, "security.selinux") == 0)
			continue;
		names[n++] = name;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (size_t i = 0; i < n; i++) {
		ssize_t vlen = fgetxattr(fd, names[i], w->buf, sizeof(w->buf));

		if (vlen >= 0)
			archive_entry_xattr_add_entry(w->e, names[i], w->buf, (size_t)vlen);
	}
}

/* Fills the common header fields from a stat. */
static void fill_header(struct archive_entry *e, const char *name, const struct stat *st)
{
	archive_entry_clear(e);
	archive_entry_set_pathname(e, name);
	archive_entry_set_perm(e, st->st_mode & 07777);
	archive_entry_set_uid(e, st->st_uid);
	archive_entry_set_gid(e, st->st_gid);
	archive_entry_set_mtime(e, st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

/* Appends text to the current path; -1 when it would not fit. */
static int path_push(struct tar_writer *w, const char *text, berr *err)
{
	size_t n = strlen(text);

	if (w->path_len + n + 1 > sizeof(w->path))
		return berr_set(err, BERR_INVALID, "path too long: %s%s", w->path, text);
	memcpy(w->path + w->path_len, text, n + 1);
	w->path_len += n;
	return 0;
}

/* Cuts the current path back to len. */
static void path_pop(struct tar_writer *w, size_t len)
{
	w->path_len = len;
	w->path[len] = '\0';
}

/* Writes the header and, for a regular file, its data. */
static int write_entry(struct tar_writer *w, int data_fd, berr *err)
{
	if (archive_write_header(w->a, w->e) < ARCHIVE_WARN)
		return archive_fail(w, archive_entry_pathname(w->e), err);
	if (data_fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(data_fd, w->buf, sizeof(w->buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return berr_sys(err, "read %s", archive_entry_pathname(w->e));
		if (n == 0)
			return 0;
		if (archive_write_data(w->a, w->buf, (size_t)n) < 0)
			return archive_fail(w, archive_entry_pathname(w->e), err);
	}
}

/* An empty regular file entry (whiteouts and opaque markers). */
static int write_marker(struct tar_writer *w, const struct stat *st, mode_t perm, berr *err)
{
	fill_header(w->e, w->path, st);
	archive_entry_set_perm(w->e, perm);
	archive_entry_set_filetype(w->e, AE_IFREG);
	archive_entry_set_size(w->e, 0);
	return write_entry(w, -1, err);
}

static int write_tree(struct tar_writer *w, int dirfd, berr *err);

/* A directory entry (the current path), its opaque marker, then its contents. */
static int write_dir(struct tar_writer *w, int dirfd, const char *base, const struct stat *st,
		     berr *err)
{
	char opq[2];
	size_t len;
	int fd = openat(dirfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	int ret = -1;

	if (fd < 0)
		return berr_sys(err, "open %s", w->path);
	if (path_push(w, "/", err) < 0)
		goto out;
	len = w->path_len;
	fill_header(w->e, w->path, st);
	archive_entry_set_filetype(w->e, AE_IFDIR);
	add_xattrs(w, fd);
	if (write_entry(w, -1, err) < 0)
		goto out;
	if (fgetxattr(fd, "trusted.overlay.opaque", opq, sizeof(opq)) == 1 && opq[0] == 'y') {
		if (path_push(w, ".wh..wh..opq", err) < 0 ||
		    write_marker(w, st, st->st_mode & 0777, err) < 0)
			goto out;
		path_pop(w, len);
	}
	ret = write_tree(w, fd, err);
out:
	close(fd);
	return ret;
}

/* A regular file, or a hardlink entry when its inode was written before. */
static int write_file(struct tar_writer *w, int dirfd, const char *base, const struct stat *st,
		      berr *err)
{
	int fd, ret;

	fill_header(w->e, w->path, st);
	archive_entry_set_filetype(w->e, AE_IFREG);
	if (st->st_nlink > 1) {
		const char *first = link_lookup(w, st, w->path);

		if (first) {
			archive_entry_set_hardlink(w->e, first);
			archive_entry_set_size(w->e, 0);
			return write_entry(w, -1, err);
		}
	}
	fd = openat(dirfd, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return berr_sys(err, "open %s", w->path);
	archive_entry_set_size(w->e, st->st_size);
	add_xattrs(w, fd);
	ret = write_entry(w, fd, err);
	close(fd);
	return ret;
}

/* One directory entry of any type; the current path is its parent's. */
static int write_one(struct tar_writer *w, int dirfd, const char *base, berr *err)
{
	size_t len = w->path_len;
	struct stat st;
	int ret;

	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : berr_sys(err, "stat %s%s", w->path, base);
	if (S_ISSOCK(st.st_mode))
		return 0;
	if (S_ISCHR(st.st_mode) && st.st_rdev == 0) {
		if (path_push(w, ".wh.", err) < 0 || path_push(w, base, err) < 0)
			return -1;
		ret = write_marker(w, &st, 0600, err);
		path_pop(w, len);
		return ret;
	}
	if (path_push(w, base, err) < 0)
		return -1;
	if (S_ISDIR(st.st_mode)) {
		ret = write_dir(w, dirfd, base, &st, err);
	} else if (S_ISREG(st.st_mode)) {
		ret = write_file(w, dirfd, base, &st, err);
	} else if (S_ISLNK(st.st_mode)) {
		ssize_t n = readlinkat(dirfd, base, w->buf, sizeof(w->buf) - 1);

		if (n < 0) {
			ret = berr_sys(err, "readlink %s", w->path);
		} else {
			w->buf[n] = '\0';
			fill_header(w->e, w->path, &st);
			archive_entry_set_filetype(w->e, AE_IFLNK);
			archive_entry_set_symlink(w->e, w->buf);
			ret = write_entry(w, -1, err);
		}
	} else {
		fill_header(w->e, w->path, &st);
		archive_entry_set_filetype(w->e, st.st_mode & S_IFMT);
		archive_entry_set_rdev(w->e, st.st_rdev);
		ret = write_entry(w, -1, err);
	}
	path_pop(w, len);
	return ret;
}

/* Every entry of a directory, sorted by name. */
static int write_tree(struct tar_writer *w, int dirfd, berr *err)
{
	char **names = NULL;
	size_t n = 0;
	int ret = 0;

	if (list_dir(dirfd, &names, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n && ret == 0; i++)
		ret = write_one(w, dirfd, names[i], err);
	free_names(names, n);
	return ret;
}

/* Writes a layer directory as a PAX tar. */
int layer_tar_write_dir(int dirfd, int out_fd, berr *err)
{
	struct tar_writer *w = calloc(1, sizeof(*w));
	int ret = -1;

	if (!w)
		return berr_errno(err, ENOMEM, "write tar");
	w->a = archive_write_new();
	w->e = archive_entry_new();
	if (!w->a || !w->e) {
		berr_errno(err, ENOMEM, "write tar");
		goto out;
	}
	archive_write_set_format_pax_restricted(w->a);
	archive_write_set_bytes_in_last_block(w->a, 1);
	if (archive_write_open_fd(w->a, out_fd) != ARCHIVE_OK) {
		archive_fail(w, "open", err);
		goto out;
	}
	if (write_tree(w, dirfd, err) < 0)
		goto out;
	if (archive_write_close(w->a) != ARCHIVE_OK) {
		archive_fail(w, "close", err);
		goto out;
	}
	ret = 0;
out:
	if (w->e)
		archive_entry_free(w->e);
	if (w->a)
		archive_write_free(w->a);
	for (size_t i = 0; i < w->nlinks; i++)
		free(w->links[i].name);
	free(w->links);
	free(w);
	return ret;
}
