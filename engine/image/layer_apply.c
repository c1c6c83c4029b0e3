/* Unpacking a layer tar into a layer directory, safely.
 *
 * The input may be compressed (gzip, xz, zstd, bzip2...). An outer libarchive
 * reader with every filter and the "raw" format yields the decompressed
 * bytes; they are hashed (the diff id), copied to the blob file and fed to an
 * inner tar reader through callbacks. Entries are created relative to the
 * layer's root fd: names are cleaned lexically (".." never climbs above the
 * root, leading "/" is dropped), parent directories are resolved with
 * openat2(RESOLVE_IN_ROOT) so a symlink in the layer can never lead outside
 * it, and the last component is created with *at() calls that never follow a
 * symlink. Docker whiteouts become overlay whiteouts. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "engine/core/sha256.h"
#include "engine/image/internal.h"

#define CHUNK_SIZE 65536
#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_META_PREFIX ".wh..wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"

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

/* Directory times are set last: creating entries inside changes them. */
struct dir_time {
	char *rel;
	struct timespec ts[2];
};

struct applier {
	int root_fd;
	const struct layer_limits *limits;
	struct stream *stream;
	uint64_t size;
	uint64_t entries;
	struct dir_time *dirs;
	size_t ndirs, capdirs;
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

/* Turns a tar name into a clean relative path: no leading "/", no "." or
 * empty parts, ".." removing the previous part but never climbing above the
 * root. "" names the root itself. */
static int clean_name(const char *in, char *out, size_t size)
{
	size_t len = 0;
	const char *p = in;

	while (*p) {
		const char *start;
		size_t n;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		start = p;
		while (*p && *p != '/')
			p++;
		n = (size_t)(p - start);
		if (n == 1 && start[0] == '.')
			continue;
		if (n == 2 && start[0] == '.' && start[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)
				len--;
			continue;
		}
		if (len + 1 + n + 1 > size)
			return -1;
		if (len)
			out[len++] = '/';
		memcpy(out + len, start, n);
		len += n;
	}
	out[len] = '\0';
	return 0;
}

/* Opens the directory rel inside the root (symlinks resolved in the root),
 * creating missing components with mode 0755 when create is set. */
static int open_dir(int root_fd, const char *rel, bool create, berr *err)
{
	char buf[PATH_MAX];
	char *comp = buf;
	int parent, fd;

	fd = image_openat_in_root(root_fd, rel, O_RDONLY | O_DIRECTORY, 0);
	if (fd >= 0)
		return fd;
	if (errno != ENOENT || !create)
		return berr_set(err, BERR_INVALID, "invalid tar: cannot open directory %s: %s", rel,
				strerror(errno));
	snprintf(buf, sizeof(buf), "%s", rel);
	parent = image_openat_in_root(root_fd, ".", O_RDONLY | O_DIRECTORY, 0);
	if (parent < 0)
		return berr_sys(err, "open layer root");
	for (;;) {
		char *slash = strchr(comp, '/');

		if (slash)
			*slash = '\0';
		fd = image_openat_in_root(root_fd, buf, O_RDONLY | O_DIRECTORY, 0);
		if (fd < 0 && errno == ENOENT) {
			if (mkdirat(parent, comp, 0755) < 0 && errno != EEXIST) {
				berr_sys(err, "create directory %s", buf);
				close(parent);
				return -1;
			}
			fd = image_openat_in_root(root_fd, buf, O_RDONLY | O_DIRECTORY, 0);
		}
		if (fd < 0) {
			berr_set(err, BERR_INVALID, "invalid tar: cannot create directory %s: %s", buf,
				 strerror(errno));
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
static int open_parent(int root_fd, char *rel, bool create, const char **base, berr *err)
{
	char *slash = strrchr(rel, '/');
	int fd;

	if (!slash) {
		*base = rel;
		return open_dir(root_fd, "", false, err);
	}
	*slash = '\0';
	fd = open_dir(root_fd, rel, create, err);
	*slash = '/';
	*base = slash + 1;
	return fd;
}

/* Clears the way for a new entry named base: removes what is there, except
 * a directory when a directory is wanted (returns 1 then). */
static int make_room(int parent, const char *base, bool want_dir, berr *err)
{
	struct stat st;

	if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : berr_sys(err, "stat %s", base);
	if (S_ISDIR(st.st_mode)) {
		if (want_dir)
			return 1;
		return image_remove_tree_at(parent, base, err);
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
static int set_owner_at(int dirfd, const char *name, struct archive_entry *e, int flags, berr *err)
{
	uid_t uid = (uid_t)archive_entry_uid(e);
	gid_t gid = (gid_t)archive_entry_gid(e);

	if (fchownat(dirfd, name, uid, gid, flags) < 0 && errno != EPERM && errno != EINVAL)
		return berr_sys(err, "chown %s", name);
	return 0;
}

/* Copies the entry's extended attributes; trusted.overlay.* ones are never
 * taken from a tar (they would steer overlayfs). */
static int set_xattrs(int fd, struct archive_entry *e, const char *rel, berr *err)
{
	const char *name;
	const void *value;
	size_t size;

	archive_entry_xattr_reset(e);
	while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
		if (!name || strncmp(name, "trusted.overlay.", 16) == 0)
			continue;
		if (fsetxattr(fd, name, value, size, 0) < 0 && errno != ENOTSUP && errno != EPERM)
			return berr_sys(err, "set xattr %s on %s", name, rel);
	}
	return 0;
}

/* Owner, mode and xattrs on an open file or directory. */
static int set_fd_meta(int fd, struct archive_entry *e, const char *rel, berr *err)
{
	if (set_owner_at(fd, "", e, AT_EMPTY_PATH, err) < 0)
		return -1;
	if (fchmod(fd, archive_entry_perm(e) & 07777) < 0)
		return berr_sys(err, "chmod %s", rel);
	return set_xattrs(fd, e, rel, err);
}

/* Remembers a directory's times for the end of the extraction. */
static int remember_dir(struct applier *ap, const char *rel, struct archive_entry *e, berr *err)
{
	struct dir_time *d;

	if (ap->ndirs == ap->capdirs) {
		size_t cap = ap->capdirs ? ap->capdirs * 2 : 64;
		struct dir_time *bigger = realloc(ap->dirs, cap * sizeof(*bigger));

		if (!bigger)
			return berr_errno(err, ENOMEM, "extract layer");
		ap->dirs = bigger;
		ap->capdirs = cap;
	}
	d = &ap->dirs[ap->ndirs];
	d->rel = strdup(rel);
	if (!d->rel)
		return berr_errno(err, ENOMEM, "extract layer");
	entry_times(e, d->ts);
	ap->ndirs++;
	return 0;
}

/* Writes the entry's data into fd, block by block (holes stay holes). */
static int write_data(struct applier *ap, struct archive *a, struct archive_entry *e, int fd,
		      const char *rel, berr *err)
{
	const void *buf;
	size_t len;
	la_int64_t offset;
	int r;

	while ((r = archive_read_data_block(a, &buf, &len, &offset)) == ARCHIVE_OK ||
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
	if (r != ARCHIVE_EOF) {
		if (ap->stream->failed) {
			*err = ap->stream->cause;
			return -1;
		}
		return berr_set(err, BERR_INVALID, "invalid tar: %s: %s", rel,
				archive_error_string(a) ? archive_error_string(a) : "bad data");
	}
	if (archive_entry_size_is_set(e) && ftruncate(fd, archive_entry_size(e)) < 0)
		return berr_sys(err, "truncate %s", rel);
	return 0;
}

/* A regular file. */
static int apply_file(struct applier *ap, struct archive *a, struct archive_entry *e, int parent,
		      const char *base, const char *rel, berr *err)
{
	struct timespec ts[2];
	int64_t size = archive_entry_size(e);
	int fd, ret = -1;

	if (size > 0) {
		ap->size += (uint64_t)size;
		if (ap->size > ap->limits->max_bytes)
			return berr_set(err, BERR_INVALID,
					"invalid tar: layer expands beyond %llu bytes",
					(unsigned long long)ap->limits->max_bytes);
	}
	if (make_room(parent, base, false, err) < 0)
		return -1;
	fd = openat(parent, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return berr_sys(err, "create %s", rel);
	if (write_data(ap, a, e, fd, rel, err) < 0 || set_fd_meta(fd, e, rel, err) < 0)
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

/* A directory (rel "" is the layer root itself). */
static int apply_dir(struct applier *ap, struct archive_entry *e, int parent, const char *base,
		     const char *rel, berr *err)
{
	int fd, ret;

	if (rel[0] == '\0') {
		fd = dup(ap->root_fd);
	} else {
		ret = make_room(parent, base, true, err);
		if (ret < 0)
			return -1;
		if (ret == 0 && mkdirat(parent, base, 0700) < 0)
			return berr_sys(err, "create directory %s", rel);
		fd = openat(parent, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return berr_sys(err, "open directory %s", rel);
	ret = set_fd_meta(fd, e, rel, err);
	close(fd);
	if (ret < 0)
		return -1;
	return remember_dir(ap, rel, e, err);
}

/* A symlink, created as a link and never followed. */
static int apply_symlink(struct archive_entry *e, int parent, const char *base, const char *rel,
			 berr *err)
{
	const char *target = archive_entry_symlink(e);
	struct timespec ts[2];

	if (!target)
		return berr_set(err, BERR_INVALID, "invalid tar: symlink %s has no target", rel);
	if (make_room(parent, base, false, err) < 0)
		return -1;
	if (symlinkat(target, parent, base) < 0)
		return berr_sys(err, "create symlink %s", rel);
	if (set_owner_at(parent, base, e, AT_SYMLINK_NOFOLLOW, err) < 0)
		return -1;
	entry_times(e, ts);
	utimensat(parent, base, ts, AT_SYMLINK_NOFOLLOW);
	return 0;
}

/* A device node or fifo. A 0/0 character device is an overlay whiteout
 * already and is kept as such. */
static int apply_special(struct archive_entry *e, int parent, const char *base, const char *rel,
			 berr *err)
{
	mode_t type = archive_entry_filetype(e);
	struct timespec ts[2];

	if (make_room(parent, base, false, err) < 0)
		return -1;
	if (mknodat(parent, base, type | (archive_entry_perm(e) & 07777),
		    type == AE_IFIFO ? 0 : archive_entry_rdev(e)) < 0)
		return berr_sys(err, "create %s", rel);
	if (set_owner_at(parent, base, e, AT_SYMLINK_NOFOLLOW, err) < 0)
		return -1;
	if (fchmodat(parent, base, archive_entry_perm(e) & 07777, 0) < 0)
		return berr_sys(err, "chmod %s", rel);
	entry_times(e, ts);
	utimensat(parent, base, ts, AT_SYMLINK_NOFOLLOW);
	return 0;
}

/* A hard link: the target is resolved inside the layer and must exist there. */
static int apply_hardlink(struct applier *ap, const char *target_name, int parent,
			  const char *base, const char *rel, berr *err)
{
	char target[PATH_MAX];
	const char *tbase;
	struct stat tst, dst;
	int tparent, ret = -1;

	if (clean_name(target_name, target, sizeof(target)) < 0 || target[0] == '\0')
		return berr_set(err, BERR_INVALID, "invalid tar: bad hardlink target for %s", rel);
	if (strcmp(target, rel) == 0)
		return 0;
	tparent = open_parent(ap->root_fd, target, false, &tbase, err);
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
	if (make_room(parent, base, false, err) < 0)
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
static int apply_whiteout(struct applier *ap, struct archive_entry *e, int parent,
			  const char *base, const char *rel, berr *err)
{
	const char *name = base + strlen(WHITEOUT_PREFIX);
	int fd;

	(void)ap;
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
	if (make_room(parent, name, false, err) < 0)
		return -1;
	if (mknodat(parent, name, S_IFCHR | 0, makedev(0, 0)) < 0)
		return berr_sys(err, "create whiteout for %s", rel);
	return set_owner_at(parent, name, e, AT_SYMLINK_NOFOLLOW, err);
}

/* Creates one tar entry under the root. */
static int apply_entry(struct applier *ap, struct archive *a, struct archive_entry *e, berr *err)
{
	const char *name = archive_entry_pathname(e);
	const char *hardlink = archive_entry_hardlink(e);
	char rel[PATH_MAX];
	const char *base;
	mode_t type = archive_entry_filetype(e);
	int parent, ret;

	if (!name)
		return berr_set(err, BERR_INVALID, "invalid tar: entry without a name");
	if (clean_name(name, rel, sizeof(rel)) < 0)
		return berr_set(err, BERR_INVALID, "invalid tar: name too long: %.64s...", name);
	if (rel[0] == '\0') {
		if (type == AE_IFDIR && !hardlink)
			return apply_dir(ap, e, -1, "", "", err);
		return berr_set(err, BERR_INVALID, "invalid tar: %s would replace the layer root",
				name);
	}
	parent = open_parent(ap->root_fd, rel, true, &base, err);
	if (parent < 0)
		return -1;
	if (strncmp(base, WHITEOUT_PREFIX, strlen(WHITEOUT_PREFIX)) == 0)
		ret = apply_whiteout(ap, e, parent, base, rel, err);
	else if (hardlink)
		ret = apply_hardlink(ap, hardlink, parent, base, rel, err);
	else if (type == AE_IFREG)
		ret = apply_file(ap, a, e, parent, base, rel, err);
	else if (type == AE_IFDIR)
		ret = apply_dir(ap, e, parent, base, rel, err);
	else if (type == AE_IFLNK)
		ret = apply_symlink(e, parent, base, rel, err);
	else if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO)
		ret = apply_special(e, parent, base, rel, err);
	else if (type == AE_IFSOCK)
		ret = 0;
	else
		ret = berr_set(err, BERR_INVALID, "invalid tar: %s has unknown type %o", rel,
			       (unsigned)type);
	close(parent);
	return ret;
}

/* Sets the remembered directory times, deepest last-created first. */
static void finish_dirs(struct applier *ap)
{
	for (size_t i = ap->ndirs; i-- > 0;) {
		int fd = image_openat_in_root(ap->root_fd, ap->dirs[i].rel,
					      O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);

		if (fd >= 0) {
			futimens(fd, ap->dirs[i].ts);
			close(fd);
		}
	}
}

/* Reads every entry of the inner tar and applies it. */
static int apply_all(struct applier *ap, struct archive *inner, berr *err)
{
	struct archive_entry *e;
	int r;

	for (;;) {
		r = archive_read_next_header(inner, &e);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN) {
			if (ap->stream->failed) {
				*err = ap->stream->cause;
				return -1;
			}
			return berr_set(err, BERR_INVALID, "invalid tar: %s",
					archive_error_string(inner) ? archive_error_string(inner)
								    : "bad header");
		}
		if (++ap->entries > ap->limits->max_entries)
			return berr_set(err, BERR_INVALID, "invalid tar: more than %llu entries",
					(unsigned long long)ap->limits->max_entries);
		if (apply_entry(ap, inner, e, err) < 0)
			return -1;
	}
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
	struct applier ap = {.root_fd = root_fd, .stream = &s};
	struct archive *inner = NULL;
	struct archive_entry *raw;
	char hex[SHA256_HEX_SIZE];
	int ret = -1, r;

	ap.limits = limits ? limits : &layer_default_limits;
	s.max = ap.limits->max_bytes;
	sha256_init(&s.hash);
	s.chunk = malloc(CHUNK_SIZE);
	s.outer = archive_read_new();
	inner = archive_read_new();
	if (!s.chunk || !s.outer || !inner) {
		berr_errno(err, ENOMEM, "extract layer");
		goto out;
	}
	archive_read_support_filter_all(s.outer);
	archive_read_support_format_raw(s.outer);
	archive_read_support_format_empty(s.outer);
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
		if (apply_all(&ap, inner, err) < 0 || drain(&s, err) < 0)
			goto out;
		finish_dirs(&ap);
	}
	sha256_final_hex(&s.hash, hex);
	snprintf(out->diff_id, sizeof(out->diff_id), "sha256:%s", hex);
	out->tar_size = s.total;
	out->size = ap.size;
	out->entries = ap.entries;
	ret = 0;
out:
	if (inner)
		archive_read_free(inner);
	if (s.outer)
		archive_read_free(s.outer);
	for (size_t i = 0; i < ap.ndirs; i++)
		free(ap.dirs[i].rel);
	free(ap.dirs);
	free(s.chunk);
	return ret;
}
