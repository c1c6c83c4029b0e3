/* Directory trees written as tar streams, read by file descriptor.
 *
 * The trees are a container's files (cp, export, commit): their owner may
 * swap any entry for a symlink, a device or a fifo at any moment. So every
 * entry is listed with fstatat and opened relative to its directory's fd
 * without following a symlink; a file is opened O_PATH and checked with
 * fstat before it is reopened for reading (no device's open ever runs, no
 * fifo can block), and never more bytes than the header announced are
 * read. Names are sorted so the
 * same tree always gives the same bytes (and a layer the same diff id). */
#include "engine/core/tar_write.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/xattr.h>
#include <unistd.h>

#define TAR_PATH_MAX 16384

/* Files with several links seen so far, by (dev, ino): later ones become
 * hardlink entries. Open addressing; grows at half load. */
struct link_seen {
	dev_t dev;
	ino_t ino;
	char *name;
};

struct tar_writer {
	struct archive *a;
	struct archive_entry *e;
	unsigned flags;
	struct link_seen *links;
	size_t nlinks, caplinks; /* caplinks: a power of two, or 0 */
	enum tar_choice (*choose)(void *user, const char *name, bool is_dir);
	void *choose_user;
	char path[TAR_PATH_MAX]; /* name of the entry being written */
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

/* Frees a list of names. */
static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
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
	free_names(names, n);
	return berr_errno(err, ENOMEM, "list directory");
}

/* The hash slot of (dev, ino) in a table of cap entries. */
static size_t link_slot(const struct link_seen *table, size_t cap, dev_t dev, ino_t ino)
{
	uint64_t h = ((uint64_t)ino * 0x9e3779b97f4a7c15ULL) ^ (uint64_t)dev;
	size_t i = (size_t)(h ^ (h >> 29)) & (cap - 1);

	while (table[i].name && (table[i].ino != ino || table[i].dev != dev))
		i = (i + 1) & (cap - 1);
	return i;
}

/* Doubles the link table. */
static int link_grow(struct tar_writer *w)
{
	size_t cap = w->caplinks ? w->caplinks * 2 : 64;
	struct link_seen *table = calloc(cap, sizeof(*table));

	if (!table)
		return -1;
	for (size_t i = 0; i < w->caplinks; i++)
		if (w->links[i].name)
			table[link_slot(table, cap, w->links[i].dev, w->links[i].ino)] =
			    w->links[i];
	free(w->links);
	w->links = table;
	w->caplinks = cap;
	return 0;
}

/* The name a file with several links was first written as; NULL after
 * recording this one as the first. */
static const char *link_lookup(struct tar_writer *w, const struct stat *st, const char *name)
{
	size_t i;

	if ((w->nlinks + 1) * 2 > w->caplinks && link_grow(w) < 0)
		return NULL;
	i = link_slot(w->links, w->caplinks, st->st_dev, st->st_ino);
	if (w->links[i].name)
		return w->links[i].name;
	w->links[i].name = strdup(name);
	if (w->links[i].name) {
		w->links[i].dev = st->st_dev;
		w->links[i].ino = st->st_ino;
		w->nlinks++;
	}
	return NULL;
}

/* Adds the xattrs of fd to the entry, sorted by name, except trusted.* and
 * SELinux labels (host bookkeeping, not content). */
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
static void fill_header(struct tar_writer *w, const char *name, const struct stat *st)
{
	struct archive_entry *e = w->e;
	bool root = w->flags & TAR_WRITE_ROOT_OWNED;

	archive_entry_clear(e);
	archive_entry_set_pathname(e, name);
	archive_entry_set_perm(e, st->st_mode & 07777);
	archive_entry_set_uid(e, root ? 0 : st->st_uid);
	archive_entry_set_gid(e, root ? 0 : st->st_gid);
	archive_entry_set_mtime(e, st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

/* Appends text to the current path; -1 when it would not fit. */
static int path_push(struct tar_writer *w, const char *text, berr *err)
{
	size_t n = strlen(text);

	if (w->path_len + n + 1 > sizeof(w->path))
		return berr_set(err, BERR_INVALID, "path too long: %.200s...", w->path);
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

/* Writes the current header. */
static int write_header(struct tar_writer *w, berr *err)
{
	if (archive_write_header(w->a, w->e) < ARCHIVE_WARN)
		return archive_fail(w, archive_entry_pathname(w->e), err);
	return 0;
}

/* Copies at most size bytes of data_fd into the entry; libarchive pads a
 * file that shrank meanwhile with zeros, and bytes it grew by are left out. */
static int write_data(struct tar_writer *w, int data_fd, int64_t size, berr *err)
{
	while (size > 0) {
		size_t want = size < (int64_t)sizeof(w->buf) ? (size_t)size : sizeof(w->buf);
		ssize_t n = read(data_fd, w->buf, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return berr_sys(err, "read %s", w->path);
		if (n == 0)
			return 0;
		if (archive_write_data(w->a, w->buf, (size_t)n) < 0)
			return archive_fail(w, w->path, err);
		size -= n;
	}
	return 0;
}

/* An empty regular file entry (whiteouts and opaque markers). */
static int write_marker(struct tar_writer *w, const struct stat *st, mode_t perm, berr *err)
{
	fill_header(w, w->path, st);
	archive_entry_set_perm(w->e, perm);
	archive_entry_set_filetype(w->e, AE_IFREG);
	archive_entry_set_size(w->e, 0);
	return write_header(w, err);
}

static int write_tree(struct tar_writer *w, int dirfd, berr *err);

/* Is fd on one of the kernel's own filesystems (procfs, sysfs, cgroup...)?
 * Their files describe the host as much as the container, and some read
 * differently for host root (a PCI device's whole configuration space):
 * they are never read, and their directories are written empty, as
 * Docker's copy of a container shows /proc and /sys. */
static bool on_kernel_fs(int fd)
{
	static const unsigned long types[] = {
	    PROC_SUPER_MAGIC,
	    SYSFS_MAGIC,
	    DEVPTS_SUPER_MAGIC,
	    0x19800202 /* mqueue */,
	    CGROUP_SUPER_MAGIC,
	    CGROUP2_SUPER_MAGIC,
	    SECURITYFS_MAGIC,
	    DEBUGFS_MAGIC,
	    TRACEFS_MAGIC,
	    BPF_FS_MAGIC,
	    PSTOREFS_MAGIC,
	    EFIVARFS_MAGIC,
	    BINFMTFS_MAGIC,
	    SELINUX_MAGIC,
	    NSFS_MAGIC,
	    0x62656570 /* configfs */,
	    0x65735543 /* fusectl */,
	};
	struct statfs sf;

	if (fstatfs(fd, &sf) < 0)
		return true;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if ((unsigned long)sf.f_type == types[i])
			return true;
	return false;
}

/* Opens the directory base of dirfd, never following a symlink ("" is
 * dirfd itself); O_DIRECTORY makes the kernel refuse anything else before
 * any driver sees an open. */
static int open_dir(int dirfd, const char *base)
{
	return openat(dirfd, base[0] ? base : ".", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

/* The entry was swapped for something else between listing and opening. */
static int changed(struct tar_writer *w, berr *err)
{
	return berr_set(err, BERR_CONFLICT, "%s changed while it was being read", w->path);
}

/* A directory entry (the current path; left out when !header), its opaque
 * marker, then its contents. */
static int write_dir(struct tar_writer *w, int dirfd, const char *base, bool header, berr *err)
{
	char opq[2];
	size_t len;
	struct stat st;
	int fd = open_dir(dirfd, base);
	int ret = -1;

	if (fd < 0)
		return errno == ENOTDIR || errno == ELOOP ? changed(w, err)
		                                          : berr_sys(err, "open %s", w->path);
	if (fstat(fd, &st) < 0) {
		berr_sys(err, "stat %s", w->path);
		goto out;
	}
	if (path_push(w, "/", err) < 0)
		goto out;
	len = w->path_len;
	if (header) {
		fill_header(w, w->path, &st);
		archive_entry_set_filetype(w->e, AE_IFDIR);
		add_xattrs(w, fd);
		if (write_header(w, err) < 0)
			goto out;
	}
	if (header && (w->flags & TAR_WRITE_WHITEOUTS) &&
	    fgetxattr(fd, "trusted.overlay.opaque", opq, sizeof(opq)) == 1 && opq[0] == 'y') {
		if (path_push(w, ".wh..wh..opq", err) < 0 ||
		    write_marker(w, &st, st.st_mode & 0777, err) < 0)
			goto out;
		path_pop(w, len);
	}
	ret = on_kernel_fs(fd) ? 0 : write_tree(w, fd, err);
out:
	close(fd);
	return ret;
}

/* Opens the regular file base of dirfd for reading, never anything else:
 * first as an O_PATH fd, which runs no driver's open (a container may have
 * swapped in a device node of any major and minor, and opening one as
 * host root could act on hardware), then, once fstat says it is a regular
 * file, reopened through that fd, which can only reach the same inode. */
static int open_regular(struct tar_writer *w, int dirfd, const char *base, struct stat *st,
                        berr *err)
{
	char proc[64];
	int path_fd, fd;

	path_fd = base[0] ? openat(dirfd, base, O_PATH | O_NOFOLLOW | O_CLOEXEC)
	                  : fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	if (path_fd < 0)
		return berr_sys(err, "open %s", w->path);
	if (fstat(path_fd, st) < 0) {
		close(path_fd);
		return berr_sys(err, "stat %s", w->path);
	}
	if (!S_ISREG(st->st_mode)) {
		close(path_fd);
		return changed(w, err);
	}
	if (on_kernel_fs(path_fd)) {
		close(path_fd);
		return berr_set(err, BERR_INVALID, "%s is a file of the kernel's, not copied",
		                w->path);
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", path_fd);
	fd = open(proc, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(path_fd);
	if (fd < 0)
		return berr_sys(err, "open %s", w->path);
	return fd;
}

/* A regular file, or a hardlink entry when its inode was written before.
 * Its own fstat gives the header, so the size written is the size
 * announced. */
static int write_file(struct tar_writer *w, int dirfd, const char *base, berr *err)
{
	struct stat st;
	int fd, ret;

	fd = open_regular(w, dirfd, base, &st, err);
	if (fd < 0)
		return -1;
	fill_header(w, w->path, &st);
	archive_entry_set_filetype(w->e, AE_IFREG);
	if (st.st_nlink > 1) {
		const char *first = link_lookup(w, &st, w->path);

		if (first) {
			archive_entry_set_hardlink(w->e, first);
			archive_entry_set_size(w->e, 0);
			ret = write_header(w, err);
			goto out;
		}
	}
	archive_entry_set_size(w->e, st.st_size);
	add_xattrs(w, fd);
	ret = write_header(w, err);
	if (ret == 0)
		ret = write_data(w, fd, st.st_size, err);
out:
	close(fd);
	return ret;
}

/* A symlink, written as a link. */
static int write_symlink(struct tar_writer *w, int dirfd, const char *base, const struct stat *st,
                         berr *err)
{
	ssize_t n = readlinkat(dirfd, base, w->buf, sizeof(w->buf) - 1);

	if (n < 0)
		return errno == EINVAL ? changed(w, err) : berr_sys(err, "readlink %s", w->path);
	w->buf[n] = '\0';
	fill_header(w, w->path, st);
	archive_entry_set_filetype(w->e, AE_IFLNK);
	archive_entry_set_symlink(w->e, w->buf);
	return write_header(w, err);
}

/* One entry of any type under the tar name in the current path. Sockets
 * have no tar form and are left out; a device or fifo is a header only. */
static int write_entry(struct tar_writer *w, int dirfd, const char *base, const struct stat *st,
                       berr *err)
{
	if (S_ISDIR(st->st_mode))
		return write_dir(w, dirfd, base, true, err);
	if (S_ISREG(st->st_mode))
		return write_file(w, dirfd, base, err);
	if (S_ISLNK(st->st_mode))
		return write_symlink(w, dirfd, base, st, err);
	if (S_ISSOCK(st->st_mode))
		return 0;
	fill_header(w, w->path, st);
	archive_entry_set_filetype(w->e, st->st_mode & S_IFMT);
	archive_entry_set_rdev(w->e, st->st_rdev);
	return write_header(w, err);
}

/* One directory entry; the current path is its parent's. */
static int write_one(struct tar_writer *w, int dirfd, const char *base, berr *err)
{
	size_t len = w->path_len;
	struct stat st;
	int ret;

	if (fstatat(dirfd, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : berr_sys(err, "stat %s%s", w->path, base);
	if ((w->flags & TAR_WRITE_WHITEOUTS) && S_ISCHR(st.st_mode) && st.st_rdev == 0) {
		if (path_push(w, ".wh.", err) < 0 || path_push(w, base, err) < 0)
			return -1;
		ret = write_marker(w, &st, 0600, err);
		path_pop(w, len);
		return ret;
	}
	if (path_push(w, base, err) < 0)
		return -1;
	enum tar_choice choice = w->choose ? w->choose(w->choose_user, w->path, S_ISDIR(st.st_mode))
					   : TAR_TAKE;
	if (choice == TAR_TAKE)
		ret = write_entry(w, dirfd, base, &st, err);
	else if (choice == TAR_ONLY_BELOW && S_ISDIR(st.st_mode))
		ret = write_dir(w, dirfd, base, false, err);
	else
		ret = 0;
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

int tar_writer_open(struct tar_writer **out, int out_fd, unsigned flags, berr *err)
{
	struct tar_writer *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (!w)
		return berr_errno(err, ENOMEM, "write tar");
	w->flags = flags;
	w->a = archive_write_new();
	w->e = archive_entry_new();
	if (!w->a || !w->e) {
		tar_writer_free(w);
		return berr_errno(err, ENOMEM, "write tar");
	}
	archive_write_set_format_pax_restricted(w->a);
	archive_write_set_bytes_in_last_block(w->a, 1);
	if (archive_write_open_fd(w->a, out_fd) != ARCHIVE_OK) {
		archive_fail(w, "open", err);
		tar_writer_free(w);
		return -1;
	}
	*out = w;
	return 0;
}

int tar_writer_add(struct tar_writer *w, int dirfd, const char *name, const char *as, berr *err)
{
	struct stat st;
	int ret;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) < 0)
		return berr_sys(err, "stat %s", as);
	path_pop(w, 0);
	if (path_push(w, as, err) < 0)
		return -1;
	ret = write_entry(w, dirfd, name, &st, err);
	path_pop(w, 0);
	return ret;
}

int tar_writer_add_contents(struct tar_writer *w, int dirfd, berr *err)
{
	path_pop(w, 0);
	return write_tree(w, dirfd, err);
}

void tar_writer_set_filter(struct tar_writer *w,
			   enum tar_choice (*choose)(void *user, const char *name, bool is_dir),
			   void *user)
{
	w->choose = choose;
	w->choose_user = user;
}

int tar_writer_add_bytes(struct tar_writer *w, const char *name, const void *data, size_t len,
			 berr *err)
{
	struct stat st = {.st_mode = S_IFREG | 0644};

	clock_gettime(CLOCK_REALTIME, &st.st_mtim);
	fill_header(w, name, &st);
	archive_entry_set_filetype(w->e, AE_IFREG);
	archive_entry_set_size(w->e, (la_int64_t)len);
	if (write_header(w, err) < 0)
		return -1;
	if (len && archive_write_data(w->a, data, len) < 0)
		return archive_fail(w, name, err);
	return 0;
}

int tar_writer_close(struct tar_writer *w, berr *err)
{
	int ret = 0;

	if (archive_write_close(w->a) != ARCHIVE_OK)
		ret = archive_fail(w, "close", err);
	tar_writer_free(w);
	return ret;
}

void tar_writer_free(struct tar_writer *w)
{
	if (!w)
		return;
	if (w->e)
		archive_entry_free(w->e);
	if (w->a)
		archive_write_free(w->a);
	for (size_t i = 0; i < w->caplinks; i++)
		free(w->links[i].name);
	free(w->links);
	free(w);
}
