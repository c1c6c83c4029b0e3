/* Tar streams unpacked under a directory fd that nothing can lead out of.
 *
 * The stream and the tree may both be hostile: a layer of a pulled image, a
 * tar a user pipes into `cp -`, a container that swaps its directories for
 * symlinks while files are copied in. Names are cleaned lexically, every
 * parent directory is resolved with openat2(RESOLVE_IN_ROOT) from the root
 * fd (a symlink pointing at "/" means the root, never the host's), and the
 * last component is created with *at() calls that never follow a symlink;
 * metadata is set through the new file's own fd where there is one. */
#include "engine/core/tar_extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "engine/core/fsutil.h"

#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_META_PREFIX ".wh..wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"

/* Directory times are set last: creating entries inside changes them. */
struct dir_time {
	char *rel;
	struct timespec ts[2];
};

struct extractor {
	struct archive *in;
	int root_fd;
	const struct tar_extract_opts *o;
	uint64_t resolve; /* extra RESOLVE_* flags */
	char dest[PATH_MAX];
	char from[PATH_MAX];
	char to[PATH_MAX];
	struct tar_extract_result res;
	struct dir_time *dirs;
	size_t ndirs, capdirs;
};

int tar_reader_new(struct archive **out, bool raw, berr *err)
{
	static int (*const filters[])(struct archive *) = {
	    archive_read_support_filter_gzip, archive_read_support_filter_bzip2,
	    archive_read_support_filter_xz,   archive_read_support_filter_zstd,
	    archive_read_support_filter_lz4,
	};
	struct archive *a = archive_read_new();

	*out = NULL;
	if (!a)
		return berr_errno(err, ENOMEM, "read tar");
	/* ARCHIVE_WARN means "through an external program": refused. */
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		if (filters[i](a) != ARCHIVE_OK) {
			archive_read_free(a);
			return berr_set(err, BERR_SYSTEM,
			                "libarchive lacks a built-in decompressor berth needs");
		}
	if (raw) {
		archive_read_support_format_raw(a);
		archive_read_support_format_empty(a);
	} else {
		archive_read_support_format_tar(a);
		archive_read_support_format_gnutar(a);
		archive_read_support_format_empty(a);
	}
	*out = a;
	return 0;
}


/* The path under the root an entry name lands at: cleaned, renamed, and
 * placed under the destination. */
static int entry_path(struct extractor *x, const char *name, char *out, size_t size, berr *err)
{
	char clean[PATH_MAX], renamed[PATH_MAX];
	const char *rel = clean;
	size_t from_len = strlen(x->from);
	int r = fs_path_clean(name, clean, sizeof(clean), x->o->flags & TAR_EXTRACT_NO_ESCAPE);

	if (r == -2)
		return berr_set(err, BERR_INVALID, "invalid tar: %s is outside of the destination",
		                name);
	if (r < 0)
		return berr_set(err, BERR_INVALID, "invalid tar: name too long: %.64s...", name);
	if (x->to[0] && (from_len == 0 || (strncmp(clean, x->from, from_len) == 0 &&
	                                   (clean[from_len] == '\0' || clean[from_len] == '/')))) {
		const char *sep = from_len == 0 && clean[0] ? "/" : "";

		if ((size_t)snprintf(renamed, sizeof(renamed), "%s%s%s", x->to, sep,
		                     clean + from_len) >= sizeof(renamed))
			return berr_set(err, BERR_INVALID, "invalid tar: name too long: %.64s...",
			                name);
		rel = renamed;
	}
	if ((size_t)snprintf(out, size, "%s%s%s", x->dest, x->dest[0] && rel[0] ? "/" : "", rel) >=
	    size)
		return berr_set(err, BERR_INVALID, "invalid tar: name too long: %.64s...", name);
	return 0;
}

/* Opens a directory under the root (symlinks resolved inside it). */
static int open_in_root(struct extractor *x, const char *rel, int flags)
{
	return fs_openat_in_root(x->root_fd, rel, flags, 0, x->resolve);
}

/* Opens the directory rel under the root, creating missing components
 * (mode 0755) when create is set. */
static int open_dir(struct extractor *x, const char *rel, bool create, berr *err)
{
	char buf[PATH_MAX];
	char *comp = buf;
	int parent, fd;

	fd = open_in_root(x, rel, O_RDONLY | O_DIRECTORY);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT || !create)
		return berr_set(err, BERR_INVALID, "invalid tar: cannot open directory %s: %s", rel,
		                strerror(errno));
	snprintf(buf, sizeof(buf), "%s", rel);
	parent = open_in_root(x, "", O_RDONLY | O_DIRECTORY);
	if (parent < 0)
		return berr_sys(err, "open the destination");
	for (;;) {
		char *slash = strchr(comp, '/');

		if (slash)
			*slash = '\0';
		fd = open_in_root(x, buf, O_RDONLY | O_DIRECTORY);
		if (fd < 0 && errno == ENOENT) {
			if (mkdirat(parent, comp, 0755) < 0 && errno != EEXIST) {
				berr_sys(err, "create directory %s", buf);
				close(parent);
				return -1;
			}
			fd = open_in_root(x, buf, O_RDONLY | O_DIRECTORY);
		}
		if (fd < 0) {
			berr_set(err, BERR_INVALID, "invalid tar: cannot create directory %s: %s",
			         buf, strerror(errno));
			close(parent);
			return -1;
		}
		close(parent);
		parent = fd;
		if (!slash)
			return parent;
		*slash = '/';
		comp = slash + 1;
	}
}

/* Opens the parent of rel (creating it when create is set) and points
 * *base at rel's last component. */
static int open_parent(struct extractor *x, char *rel, bool create, const char **base, berr *err)
{
	char *slash = strrchr(rel, '/');
	int fd;

	if (!slash) {
		*base = rel;
		return open_dir(x, "", false, err);
	}
	*slash = '\0';
	fd = open_dir(x, rel, create, err);
	*slash = '/';
	*base = slash + 1;
	return fd;
}

/* Clears the way for a new entry at rel (named base in parent): removes
 * what is there, except a directory when a directory is wanted (returns 1
 * then). With TAR_EXTRACT_KEEP_KIND a directory is never replaced by
 * something else, nor something else by a directory. */
static int make_room(struct extractor *x, int parent, const char *base, const char *rel,
                     bool want_dir, berr *err)
{
	const char *shown = x->o->shown_root ? x->o->shown_root : "";
	struct stat st;

	if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : berr_sys(err, "stat %s", base);
	if ((x->o->flags & TAR_EXTRACT_KEEP_KIND) && S_ISDIR(st.st_mode) != want_dir)
		return berr_set(err, BERR_INVALID,
		                "cannot overwrite %sdirectory \"%s%s%s\" with %sdirectory",
		                want_dir ? "non-" : "", shown,
		                shown[0] && shown[strlen(shown) - 1] == '/' ? "" : "/", rel,
		                want_dir ? "" : "non-");
	if (S_ISDIR(st.st_mode)) {
		if (want_dir)
			return 1;
		return fs_remove_tree_at(parent, base, err);
	}
	if (unlinkat(parent, base, 0) < 0)
		return berr_sys(err, "replace %s", base);
	return 0;
}

/* The entry's access and modification times (UTIME_OMIT when absent). */
static void entry_times(struct archive_entry *e, struct timespec ts[2])
{
	ts[1].tv_sec = 0;
	ts[1].tv_nsec = UTIME_OMIT;
	if (archive_entry_mtime_is_set(e)) {
		ts[1].tv_sec = archive_entry_mtime(e);
		ts[1].tv_nsec = archive_entry_mtime_nsec(e);
	}
	ts[0] = ts[1];
	if (archive_entry_atime_is_set(e)) {
		ts[0].tv_sec = archive_entry_atime(e);
		ts[0].tv_nsec = archive_entry_atime_nsec(e);
	}
}

/* chown without failing where ownership cannot be kept (no privilege, an
 * id outside our user namespace). */
static int set_owner_at(struct extractor *x, int dirfd, const char *name, struct archive_entry *e,
                        int flags, berr *err)
{
	bool forced = x->o->flags & TAR_EXTRACT_CHOWN;
	uid_t uid = forced ? x->o->uid : (uid_t)archive_entry_uid(e);
	gid_t gid = forced ? x->o->gid : (gid_t)archive_entry_gid(e);

	if (fchownat(dirfd, name, uid, gid, flags) < 0 && errno != EPERM && errno != EINVAL)
		return berr_sys(err, "chown %s", name);
	return 0;
}

/* Copies the entry's extended attributes; trusted.overlay.* ones are never
 * taken from a tar (they would steer overlayfs), nor file capabilities
 * with TAR_EXTRACT_PLAIN. */
static int set_xattrs(struct extractor *x, int fd, struct archive_entry *e, const char *rel,
		      berr *err)
{
	const char *name;
	const void *value;
	size_t size;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (!name || strncmp(name, "trusted.overlay.", 16) == 0)
			continue;
		/* file capabilities are privileges too */
		if ((x->o->flags & TAR_EXTRACT_PLAIN) && strcmp(name, "security.capability") == 0)
			continue;
		if (fsetxattr(fd, name, value, size, 0) < 0 && errno != ENOTSUP && errno != EPERM)
			return berr_sys(err, "set xattr %s on %s", name, rel);
	}
	return 0;
}

/* The mode an entry gets: with TAR_EXTRACT_PLAIN, a regular file loses
 * its set-user-ID and set-group-ID bits. */
static mode_t entry_perm(struct extractor *x, struct archive_entry *e)
{
	mode_t perm = archive_entry_perm(e) & 07777;

	if ((x->o->flags & TAR_EXTRACT_PLAIN) && archive_entry_filetype(e) == AE_IFREG)
		perm &= ~(mode_t)(S_ISUID | S_ISGID);
	return perm;
}

/* Owner, mode and xattrs on an open file or directory. */
static int set_fd_meta(struct extractor *x, int fd, struct archive_entry *e, const char *rel,
                       berr *err)
{
	if (set_owner_at(x, fd, "", e, AT_EMPTY_PATH, err) < 0)
		return -1;
	if (fchmod(fd, entry_perm(x, e)) < 0)
		return berr_sys(err, "chmod %s", rel);
	return set_xattrs(x, fd, e, rel, err);
}

/* Remembers a directory's times for the end of the extraction. */
static int remember_dir(struct extractor *x, const char *rel, struct archive_entry *e, berr *err)
{
	struct dir_time *d;

	if (x->ndirs == x->capdirs) {
		size_t cap = x->capdirs ? x->capdirs * 2 : 64;
		struct dir_time *bigger = realloc(x->dirs, cap * sizeof(*bigger));

		if (!bigger)
			return berr_errno(err, ENOMEM, "extract");
		x->dirs = bigger;
		x->capdirs = cap;
	}
	d = &x->dirs[x->ndirs];
	d->rel = strdup(rel);
	if (!d->rel)
		return berr_errno(err, ENOMEM, "extract");
	entry_times(e, d->ts);
	x->ndirs++;
	return 0;
}

/* Writes the entry's data into fd, block by block (holes stay holes). */
static int write_data(struct extractor *x, struct archive_entry *e, int fd, const char *rel,
                      berr *err)
{
	const void *buf;
	size_t len;
	la_int64_t offset;
	int r;

	while ((r = archive_read_data_block(x->in, &buf, &len, &offset)) == ARCHIVE_OK ||
	       r == ARCHIVE_WARN) {
		const char *p = buf;

		while (len > 0) {
			ssize_t n = pwrite(fd, p, len, offset);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return berr_sys(err, "write %s", rel);
			p += n;
			offset += n;
			len -= (size_t)n;
		}
	}
	if (r != ARCHIVE_EOF)
		return berr_set(err, BERR_INVALID, "invalid tar: %s: %s", rel,
		                archive_error_string(x->in) ? archive_error_string(x->in)
		                                            : "bad data");
	if (archive_entry_size_is_set(e) && ftruncate(fd, archive_entry_size(e)) < 0)
		return berr_sys(err, "truncate %s", rel);
	return 0;
}

/* A regular file. */
static int apply_file(struct extractor *x, struct archive_entry *e, int parent, const char *base,
                      const char *rel, berr *err)
{
	struct timespec ts[2];
	int64_t size = archive_entry_size(e);
	int fd, ret = -1;

	if (size > 0) {
		x->res.size += (uint64_t)size;
		if (x->o->max_bytes && x->res.size > x->o->max_bytes)
			return berr_set(err, BERR_INVALID, "invalid tar: expands beyond %llu bytes",
			                (unsigned long long)x->o->max_bytes);
	}
	if (make_room(x, parent, base, rel, false, err) < 0)
		return -1;
	fd = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return berr_sys(err, "create %s", rel);
	if (write_data(x, e, fd, rel, err) < 0 || set_fd_meta(x, fd, e, rel, err) < 0)
		goto out;
	entry_times(e, ts);
	if (futimens(fd, ts) < 0) {
		berr_sys(err, "set times of %s", rel);
		goto out;
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

/* A directory (rel "" is the root itself). */
static int apply_dir(struct extractor *x, struct archive_entry *e, int parent, const char *base,
                     const char *rel, berr *err)
{
	int fd, ret;

	if (rel[0] == '\0') {
		fd = open_in_root(x, "", O_RDONLY | O_DIRECTORY);
	} else {
		ret = make_room(x, parent, base, rel, true, err);
		if (ret < 0)
			return -1;
		if (ret == 0 && mkdirat(parent, base, 0700) < 0)
			return berr_sys(err, "create directory %s", rel);
		fd = openat(parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return berr_sys(err, "open directory %s", rel);
	ret = set_fd_meta(x, fd, e, rel, err);
	close(fd);
	if (ret < 0)
		return -1;
	return remember_dir(x, rel, e, err);
}

/* A symlink, created as a link and never followed. */
static int apply_symlink(struct extractor *x, struct archive_entry *e, int parent, const char *base,
                         const char *rel, berr *err)
{
	const char *target = archive_entry_symlink(e);
	struct timespec ts[2];

	if (!target)
		return berr_set(err, BERR_INVALID, "invalid tar: symlink %s has no target", rel);
	if (make_room(x, parent, base, rel, false, err) < 0)
		return -1;
	if (symlinkat(target, parent, base) < 0)
		return berr_sys(err, "create symlink %s", rel);
	if (set_owner_at(x, parent, base, e, AT_SYMLINK_NOFOLLOW, err) < 0)
		return -1;
	entry_times(e, ts);
	utimensat(parent, base, ts, AT_SYMLINK_NOFOLLOW);
	return 0;
}

/* A device node or fifo. Its mode is set through an O_PATH fd of the node
 * just made, so a swap of the name in between changes nothing else. */
static int apply_special(struct extractor *x, struct archive_entry *e, int parent, const char *base,
                         const char *rel, berr *err)
{
	mode_t type = archive_entry_filetype(e);
	struct timespec ts[2];
	char proc[64];
	int fd, ret = 0;

	if ((x->o->flags & TAR_EXTRACT_PLAIN) && (type == AE_IFCHR || type == AE_IFBLK))
		return 0;
	if (make_room(x, parent, base, rel, false, err) < 0)
		return -1;
	if (mknodat(parent, base, type | (archive_entry_perm(e) & 07777),
	            type == AE_IFIFO ? 0 : archive_entry_rdev(e)) < 0)
		return berr_sys(err, "create %s", rel);
	fd = openat(parent, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return berr_sys(err, "open %s", rel);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (set_owner_at(x, fd, "", e, AT_EMPTY_PATH, err) < 0)
		ret = -1;
	else if (chmod(proc, archive_entry_perm(e) & 07777) < 0)
		ret = berr_sys(err, "chmod %s", rel);
	entry_times(e, ts);
	if (ret == 0)
		utimensat(AT_FDCWD, proc, ts, 0);
	close(fd);
	return ret;
}

/* A hard link: the target is resolved inside the root and must exist there. */
static int apply_hardlink(struct extractor *x, const char *target_name, int parent,
                          const char *base, const char *rel, berr *err)
{
	char target[PATH_MAX];
	const char *tbase;
	struct stat tst, dst;
	int tparent, ret = -1;

	if (entry_path(x, target_name, target, sizeof(target), err) < 0)
		return -1;
	if (target[0] == '\0')
		return berr_set(err, BERR_INVALID, "invalid tar: bad hardlink target for %s", rel);
	if (strcmp(target, rel) == 0)
		return 0;
	tparent = open_parent(x, target, false, &tbase, err);
	if (tparent < 0)
		return berr_prefix(err, "hardlink %s", rel);
	if (fstatat(tparent, tbase, &tst, AT_SYMLINK_NOFOLLOW) < 0) {
		berr_set(err, BERR_INVALID, "invalid tar: hardlink %s points to missing %s", rel,
		         target);
		goto out;
	}
	if (S_ISDIR(tst.st_mode)) {
		berr_set(err, BERR_INVALID, "invalid tar: hardlink %s points to directory %s", rel,
		         target);
		goto out;
	}
	if (fstatat(parent, base, &dst, AT_SYMLINK_NOFOLLOW) == 0 && dst.st_ino == tst.st_ino &&
	    dst.st_dev == tst.st_dev) {
		ret = 0;
		goto out;
	}
	if (make_room(x, parent, base, rel, false, err) < 0)
		goto out;
	if (linkat(tparent, tbase, parent, base, 0) < 0) {
		berr_sys(err, "link %s to %s", rel, target);
		goto out;
	}
	ret = 0;
out:
	close(tparent);
	return ret;
}

/* ".wh.<name>": an overlay whiteout (0/0 character device) named <name>;
 * ".wh..wh..opq": the directory is opaque. Other ".wh..wh." names are aufs
 * bookkeeping and are dropped. */
static int apply_whiteout(struct extractor *x, struct archive_entry *e, int parent,
                          const char *base, const char *rel, berr *err)
{
	const char *name = base + strlen(WHITEOUT_PREFIX);
	int fd;

	if (strcmp(base, WHITEOUT_OPAQUE) == 0) {
		fd = openat(parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return berr_sys(err, "open directory of %s", rel);
		if (fsetxattr(fd, "trusted.overlay.opaque", "y", 1, 0) < 0) {
			berr_sys(err, "mark %s opaque", rel);
			close(fd);
			return -1;
		}
		close(fd);
		return 0;
	}
	if (strncmp(base, WHITEOUT_META_PREFIX, strlen(WHITEOUT_META_PREFIX)) == 0)
		return 0;
	if (name[0] == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return berr_set(err, BERR_INVALID, "invalid tar: bad whiteout %s", rel);
	if (make_room(x, parent, name, rel, false, err) < 0)
		return -1;
	if (mknodat(parent, name, S_IFCHR | 0, makedev(0, 0)) < 0)
		return berr_sys(err, "create whiteout for %s", rel);
	return set_owner_at(x, parent, name, e, AT_SYMLINK_NOFOLLOW, err);
}

/* Creates one tar entry under the root. */
static int apply_entry(struct extractor *x, struct archive_entry *e, berr *err)
{
	const char *name = archive_entry_pathname(e);
	const char *hardlink = archive_entry_hardlink(e);
	char rel[PATH_MAX];
	const char *base;
	mode_t type = archive_entry_filetype(e);
	int parent, ret;

	if (!name)
		return berr_set(err, BERR_INVALID, "invalid tar: entry without a name");
	if (entry_path(x, name, rel, sizeof(rel), err) < 0)
		return -1;
	if (strcmp(rel, x->dest) == 0) {
		if (type != AE_IFDIR || hardlink)
			return berr_set(err, BERR_INVALID,
			                "invalid tar: %s would replace the destination", name);
		if (x->o->flags & TAR_EXTRACT_KEEP_DEST)
			return 0;
		if (rel[0] == '\0')
			return apply_dir(x, e, -1, "", "", err);
	}
	parent = open_parent(x, rel, true, &base, err);
	if (parent < 0)
		return -1;
	if ((x->o->flags & TAR_EXTRACT_WHITEOUTS) &&
	    strncmp(base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0)
		ret = apply_whiteout(x, e, parent, base, rel, err);
	else if (hardlink)
		ret = apply_hardlink(x, hardlink, parent, base, rel, err);
	else if (type == AE_IFREG)
		ret = apply_file(x, e, parent, base, rel, err);
	else if (type == AE_IFDIR)
		ret = apply_dir(x, e, parent, base, rel, err);
	else if (type == AE_IFLNK)
		ret = apply_symlink(x, e, parent, base, rel, err);
	else if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO)
		ret = apply_special(x, e, parent, base, rel, err);
	else if (type == AE_IFSOCK)
		ret = 0;
	else
		ret = berr_set(err, BERR_INVALID, "invalid tar: %s has unknown type %o", rel,
		               (unsigned)type);
	close(parent);
	return ret;
}

/* Sets the remembered directory times, last created first. */
static void finish_dirs(struct extractor *x)
{
	for (size_t i = x->ndirs; i-- > 0;) {
		int fd = open_in_root(x, x->dirs[i].rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);

		if (fd >= 0) {
			futimens(fd, x->dirs[i].ts);
			close(fd);
		}
	}
}

int tar_extract(struct archive *in, int root_fd, const struct tar_extract_opts *opts,
                struct tar_extract_result *result, berr *err)
{
	struct extractor x = {.in = in, .root_fd = root_fd, .o = opts};
	struct archive_entry *e;
	int ret = -1, r;

	x.resolve = (opts->flags & TAR_EXTRACT_NO_XDEV) ? RESOLVE_NO_XDEV : 0;
	if (fs_path_clean(opts->dest ? opts->dest : "", x.dest, sizeof(x.dest), false) < 0 ||
	    fs_path_clean(opts->rename_from ? opts->rename_from : "", x.from, sizeof(x.from), false) <
	        0 ||
	    fs_path_clean(opts->rename_to ? opts->rename_to : "", x.to, sizeof(x.to), false) < 0)
		return berr_set(err, BERR_INVALID, "destination name too long");
	for (;;) {
		r = archive_read_next_header(in, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			berr_set(err, BERR_INVALID, "invalid tar: %s",
			         archive_error_string(in) ? archive_error_string(in)
			                                  : "bad header");
			goto out;
		}
		if (opts->max_entries && ++x.res.entries > opts->max_entries) {
			berr_set(err, BERR_INVALID, "invalid tar: more than %llu entries",
			         (unsigned long long)opts->max_entries);
			goto out;
		}
		if (!opts->max_entries)
			x.res.entries++;
		if (apply_entry(&x, e, err) < 0)
			goto out;
	}
	finish_dirs(&x);
	ret = 0;
out:
	if (result)
		*result = x.res;
	for (size_t i = 0; i < x.ndirs; i++)
		free(x.dirs[i].rel);
	free(x.dirs);
	return ret;
}

int tar_extract_fd(int in_fd, int root_fd, const struct tar_extract_opts *opts,
                   struct tar_extract_result *result, berr *err)
{
	struct archive *in;
	int ret;

	if (tar_reader_new(&in, false, err) < 0)
		return -1;
	if (archive_read_open_fd(in, in_fd, 65536) != ARCHIVE_OK)
		ret = berr_set(err, BERR_INVALID, "reading the archive: %s",
		               archive_error_string(in));
	else
		ret = tar_extract(in, root_fd, opts, result, err);
	archive_read_free(in);
	return ret;
}
