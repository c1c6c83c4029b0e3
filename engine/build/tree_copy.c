/* COPY and ADD between trees, by descriptor (see tree_copy.h). */
#include "engine/build/tree_copy.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/alloc.h"
#include "engine/core/fsutil.h"
#include "engine/core/sha256.h"
#include "engine/core/strbuf.h"
#include "engine/core/tar_extract.h"

#include <archive.h>

/* Deeper than this is refused (every level holds one fd and a little
 * stack; buffers are on the heap). */
#define MAX_DEPTH 256

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in a directory (an fd of any kind naming one), sorted. */
static int list_names(int dir_fd, char ***out, size_t *count, berr *err)
{
	int fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return berr_sys(err, "reading a directory");
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			names = xrealloc(names, cap * sizeof(*names));
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	*out = names;
	*count = n;
	return 0;
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void join(char *out, size_t size, const char *dir, const char *name)
{
	snprintf(out, size, "%s%s%s", dir, *dir ? "/" : "", name);
}

/* Left out by COPY --exclude: a path below the source, matched from it. */
static bool excluded(const struct tree_source *src, const char *rel)
{
	size_t blen;

	if (!src->exclude || !src->exclude_base)
		return false;
	blen = strlen(src->exclude_base);
	if (blen && (strncmp(rel, src->exclude_base, blen) != 0 || rel[blen] != '/'))
		return false;
	return dockerignore_excludes(src->exclude, blen ? rel + blen + 1 : rel);
}

static bool ignored(const struct tree_source *src, const char *rel)
{
	return (src->ignore && *rel && dockerignore_excludes(src->ignore, rel)) || excluded(src, rel);
}

/* May a walk skip everything below the left-out directory rel? */
static bool skip_below(const struct tree_source *src, const char *rel)
{
	if (excluded(src, rel))
		return true;
	return !(src->ignore && src->ignore->has_exclusions &&
		 dockerignore_may_include_below(src->ignore, rel));
}

/* An O_PATH fd's file opened for reading (the very inode, through /proc). */
static int reopen(int path_fd, int flags)
{
	return fs_reopen(path_fd, flags);
}

static int not_found(const char *rel, berr *err)
{
	return berr_set(err, BERR_NOT_FOUND, "\"/%s\": not found", rel);
}

/* --- sources -------------------------------------------------------------- */

static bool has_meta(const char *s)
{
	return strpbrk(s, "*?[\\") != NULL;
}

static void add_match(char ***out, size_t *n, const char *path)
{
	*out = xrealloc(*out, (*n + 1) * sizeof(**out));
	(*out)[(*n)++] = xstrdup(path);
}

/* Expands the parts of pattern after `done` (a path that exists). */
static int expand(const struct tree_source *src, const char *done, const char *rest, char ***out,
		  size_t *n, int depth, berr *err)
{
	char part[NAME_MAX + 1], path[PATH_MAX];
	const char *slash = strchr(rest, '/');
	size_t len = slash ? (size_t)(slash - rest) : strlen(rest);
	char **names;
	size_t count;
	int dir;

	if (depth > MAX_DEPTH || len > NAME_MAX)
		return 0;
	memcpy(part, rest, len);
	part[len] = '\0';
	if (!has_meta(part)) {
		join(path, sizeof(path), done, part);
		if (slash)
			return expand(src, path, slash + 1, out, n, depth + 1, err);
		int fd = fs_openat_in_root(src->root_fd, path, O_PATH, 0, 0);
		if (fd >= 0) {
			close(fd);
			if (!ignored(src, path))
				add_match(out, n, path);
		}
		return 0;
	}
	dir = fs_openat_in_root(src->root_fd, done, O_PATH | O_DIRECTORY, 0, 0);
	if (dir < 0)
		return 0;
	if (list_names(dir, &names, &count, err) < 0) {
		close(dir);
		return -1;
	}
	close(dir);
	for (size_t i = 0; i < count; i++) {
		if (fnmatch(part, names[i], 0) != 0)
			continue;
		join(path, sizeof(path), done, names[i]);
		if (ignored(src, path) && !(slash && src->ignore && src->ignore->has_exclusions))
			continue;
		if (slash) {
			if (expand(src, path, slash + 1, out, n, depth + 1, err) < 0) {
				free_names(names, count);
				return -1;
			}
		} else if (!ignored(src, path)) {
			add_match(out, n, path);
		}
	}
	free_names(names, count);
	return 0;
}

int tree_expand_sources(const struct tree_source *src, const char *pattern, char ***out,
			size_t *count, berr *err)
{
	char clean[PATH_MAX];

	*out = NULL;
	*count = 0;
	if (fs_path_clean(pattern, clean, sizeof(clean), false) < 0)
		return berr_set(err, BERR_INVALID, "source path too long: %s", pattern);
	if (!clean[0]) {
		add_match(out, count, "");
		return 0;
	}
	if (expand(src, "", clean, out, count, 0, err) < 0)
		return -1;
	if (*count == 0)
		return not_found(clean, err);
	qsort(*out, *count, sizeof(**out), cmp_names);
	return 0;
}

/* --- checksums ------------------------------------------------------------ */

static void sum_str(struct sha256_ctx *sum, const char *s)
{
	sha256_update(sum, s, strlen(s) + 1);
}

static int sum_node(const struct tree_source *src, int fd, const struct stat *st, const char *rel,
		    struct sha256_ctx *sum, int depth, berr *err)
{
	char line[160], target[PATH_MAX];

	if (depth > MAX_DEPTH)
		return berr_set(err, BERR_INVALID, "%s: directories nested too deep", rel);
	sum_str(sum, rel);
	snprintf(line, sizeof(line), "%o", (unsigned)st->st_mode);
	sum_str(sum, line);
	if (src->keep_owner) {
		snprintf(line, sizeof(line), "%u:%u", (unsigned)st->st_uid, (unsigned)st->st_gid);
		sum_str(sum, line);
	}
	if (S_ISLNK(st->st_mode)) {
		ssize_t n = readlinkat(fd, "", target, sizeof(target) - 1);

		if (n < 0)
			return berr_sys(err, "reading the link %s", rel);
		target[n] = '\0';
		sum_str(sum, target);
	} else if (S_ISREG(st->st_mode)) {
		/* the file's own digest and size: its bytes can never pass for
		 * the entries after it */
		int in = reopen(fd, O_RDONLY);
		struct sha256_ctx file;
		char hex[SHA256_HEX_SIZE];
		char *buf = xmalloc(65536);
		ssize_t n;
		uint64_t size = 0;

		if (in < 0) {
			free(buf);
			return berr_sys(err, "opening %s", rel);
		}
		sha256_init(&file);
		while ((n = read(in, buf, 65536)) > 0) {
			sha256_update(&file, buf, (size_t)n);
			size += (uint64_t)n;
		}
		close(in);
		free(buf);
		if (n < 0)
			return berr_sys(err, "reading %s", rel);
		sha256_final_hex(&file, hex);
		snprintf(line, sizeof(line), "%llu %s", (unsigned long long)size, hex);
		sum_str(sum, line);
	} else if (S_ISDIR(st->st_mode)) {
		char **names, *child_rel = xmalloc(PATH_MAX);
		size_t count;
		int rc = 0;

		if (list_names(fd, &names, &count, err) < 0) {
			free(child_rel);
			return berr_prefix(err, "%s", rel);
		}
		for (size_t i = 0; i < count && rc == 0; i++) {
			struct stat cst;
			int child;

			join(child_rel, PATH_MAX, rel, names[i]);
			if (ignored(src, child_rel) && skip_below(src, child_rel))
				continue;
			child = openat(fd, names[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
			if (child < 0 || fstat(child, &cst) < 0) {
				rc = berr_sys(err, "opening %s", child_rel);
			} else if (ignored(src, child_rel) && !S_ISDIR(cst.st_mode)) {
				/* left out */
			} else {
				rc = sum_node(src, child, &cst, child_rel, sum, depth + 1, err);
			}
			if (child >= 0)
				close(child);
		}
		free_names(names, count);
		free(child_rel);
		return rc;
	}
	return 0;
}

int tree_checksum(const struct tree_source *src, const char *rel, struct sha256_ctx *sum, berr *err)
{
	struct stat st;
	int fd = fs_openat_in_root(src->root_fd, rel, O_PATH, 0, 0), rc;

	if (fd < 0)
		return errno == ENOENT ? not_found(rel, err) : berr_sys(err, "opening %s", rel);
	if (fstat(fd, &st) < 0) {
		close(fd);
		return berr_sys(err, "opening %s", rel);
	}
	rc = sum_node(src, fd, &st, rel, sum, 0, err);
	close(fd);
	return rc;
}

/* --- copying -------------------------------------------------------------- */

static uid_t owner_uid(const struct tree_source *src, const struct copy_opts *o, const struct stat *st)
{
	return o->chown ? o->uid : src->keep_owner ? st->st_uid : 0;
}

static gid_t owner_gid(const struct tree_source *src, const struct copy_opts *o, const struct stat *st)
{
	return o->chown ? o->gid : src->keep_owner ? st->st_gid : 0;
}

static mode_t perm(const struct copy_opts *o, const struct stat *st)
{
	return o->chmod ? o->mode : st->st_mode & 07777;
}

/* Removes what is at name unless it is a directory (which stays, for a
 * directory to merge into, or is an error for anything else). */
static int clear_dest(int dir, const char *name, bool want_dir, const char *rel, berr *err)
{
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : berr_sys(err, "copying %s", rel);
	if (S_ISDIR(st.st_mode)) {
		if (want_dir)
			return 0;
		return berr_set(err, BERR_INVALID, "cannot replace the directory %s with a file", name);
	}
	if (unlinkat(dir, name, 0) < 0)
		return berr_sys(err, "copying %s", rel);
	return 0;
}

static int copy_data(int in, int out, const char *rel, berr *err)
{
	char buf[16384];

	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);

		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return berr_sys(err, "copying %s", rel);
		break;
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));

		if (n == 0)
			return 0;
		if (n < 0)
			return berr_sys(err, "reading %s", rel);
		for (ssize_t done = 0; done < n;) {
			ssize_t w = write(out, buf + done, (size_t)(n - done));
			if (w < 0)
				return berr_sys(err, "writing %s", rel);
			done += w;
		}
	}
}

static int copy_node(const struct tree_source *src, int fd, const struct stat *st, const char *rel,
		     int dst_dir, const char *dst_name, const struct copy_opts *o, int depth, berr *err);

/* The entries of the source directory fd into the directory dst. */
static int copy_contents(const struct tree_source *src, int fd, const char *rel, int dst,
			 const struct copy_opts *o, int depth, berr *err)
{
	char **names, *child_rel;
	size_t count;
	int rc = 0;

	if (list_names(fd, &names, &count, err) < 0)
		return berr_prefix(err, "%s", rel);
	child_rel = xmalloc(PATH_MAX);
	for (size_t i = 0; i < count && rc == 0; i++) {
		struct stat cst;
		int child;

		join(child_rel, PATH_MAX, rel, names[i]);
		if (ignored(src, child_rel) && skip_below(src, child_rel))
			continue;
		child = openat(fd, names[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (child < 0 || fstat(child, &cst) < 0)
			rc = berr_sys(err, "opening %s", child_rel);
		else if (!(ignored(src, child_rel) && !S_ISDIR(cst.st_mode)))
			rc = copy_node(src, child, &cst, child_rel, dst, names[i], o, depth + 1, err);
		if (child >= 0)
			close(child);
	}
	free_names(names, count);
	free(child_rel);
	return rc;
}

static int copy_node(const struct tree_source *src, int fd, const struct stat *st, const char *rel,
		     int dst_dir, const char *dst_name, const struct copy_opts *o, int depth, berr *err)
{
	struct timespec times[2] = {st->st_atim, st->st_mtim};
	uid_t uid = owner_uid(src, o, st);
	gid_t gid = owner_gid(src, o, st);
	mode_t mode = perm(o, st);
	int out, rc;

	if (depth > MAX_DEPTH)
		return berr_set(err, BERR_INVALID, "%s: directories nested too deep", rel);
	if (clear_dest(dst_dir, dst_name, S_ISDIR(st->st_mode), rel, err) < 0)
		return -1;
	if (S_ISDIR(st->st_mode)) {
		bool made = mkdirat(dst_dir, dst_name, 0700) == 0;

		if (!made && errno != EEXIST)
			return berr_sys(err, "creating %s", dst_name);
		out = openat(dst_dir, dst_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (out < 0)
			return berr_sys(err, "opening %s", dst_name);
		rc = copy_contents(src, fd, rel, out, o, depth, err);
		if (rc == 0 && made &&
		    (fchown(out, uid, gid) < 0 || fchmod(out, mode) < 0 || futimens(out, times) < 0))
			rc = berr_sys(err, "setting the owner of %s", dst_name);
		close(out);
		return rc;
	}
	if (S_ISLNK(st->st_mode)) {
		char *target = xmalloc(PATH_MAX);
		ssize_t n = readlinkat(fd, "", target, PATH_MAX - 1);

		if (n < 0) {
			free(target);
			return berr_sys(err, "reading the link %s", rel);
		}
		target[n] = '\0';
		rc = symlinkat(target, dst_dir, dst_name) < 0 ||
			     fchownat(dst_dir, dst_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0
			     ? berr_sys(err, "creating the link %s", dst_name)
			     : 0;
		free(target);
		if (rc < 0)
			return -1;
		utimensat(dst_dir, dst_name, times, AT_SYMLINK_NOFOLLOW);
		return 0;
	}
	if (S_ISFIFO(st->st_mode) || S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		if (mknodat(dst_dir, dst_name, (st->st_mode & S_IFMT) | 0600, st->st_rdev) < 0 ||
		    fchownat(dst_dir, dst_name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(dst_dir, dst_name, mode, 0) < 0)
			return berr_sys(err, "creating %s", dst_name);
		return 0;
	}
	if (!S_ISREG(st->st_mode))
		return 0; /* sockets are not copied */
	int in = reopen(fd, O_RDONLY);
	if (in < 0)
		return berr_sys(err, "opening %s", rel);
	out = openat(dst_dir, dst_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return berr_sys(err, "creating %s", dst_name);
	}
	rc = copy_data(in, out, rel, err);
	if (rc == 0 && (fchown(out, uid, gid) < 0 || fchmod(out, mode) < 0 || futimens(out, times) < 0))
		rc = berr_sys(err, "setting the owner of %s", dst_name);
	close(in);
	close(out);
	return rc;
}

/* mkdir -p, a symlink on the way followed inside the root (as BuildKit's
 * MkdirAll does on the root's view), at most 40 of them. */
static int mkdir_p_in_root(int root, const char *path, uid_t uid, gid_t gid, int links, berr *err)
{
	char clean[PATH_MAX], prefix[PATH_MAX];
	size_t len;

	if (fs_path_clean(path, clean, sizeof(clean), false) < 0)
		return berr_set(err, BERR_INVALID, "path too long: %s", path);
	len = strlen(clean);
	for (size_t i = 1; i <= len; i++) {
		if (clean[i] != '/' && clean[i] != '\0')
			continue;
		memcpy(prefix, clean, i);
		prefix[i] = '\0';
		int fd = fs_openat_in_root(root, prefix, O_PATH | O_DIRECTORY, 0, 0);
		if (fd >= 0) {
			close(fd);
			continue;
		}
		if (errno != ENOENT)
			return berr_sys(err, "mkdir /%s", prefix);
		char *slash = strrchr(prefix, '/');
		const char *name = slash ? slash + 1 : prefix;
		if (slash)
			*slash = '\0';
		int parent = fs_openat_in_root(root, slash ? prefix : "", O_PATH | O_DIRECTORY, 0, 0);
		if (parent < 0)
			return berr_sys(err, "mkdir /%s", clean);
		struct stat st;
		if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
			/* a dangling link: make what it names, inside the root */
			char target[PATH_MAX], next[PATH_MAX * 2 + 2];
			ssize_t n = readlinkat(parent, name, target, sizeof(target) - 1);

			close(parent);
			if (n < 0 || links >= 40)
				return berr_set(err, BERR_INVALID, "mkdir /%s: too many levels of symbolic links", clean);
			target[n] = '\0';
			snprintf(next, sizeof(next), "%s%s%s%s%s", target[0] == '/' ? "" : (slash ? prefix : ""),
				 target[0] == '/' || !slash ? "" : "/", target, clean[i] ? "/" : "",
				 clean[i] ? clean + i + 1 : "");
			return mkdir_p_in_root(root, next, uid, gid, links + 1, err);
		}
		if ((mkdirat(parent, name, 0755) < 0 && errno != EEXIST) ||
		    fchownat(parent, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0 ||
		    fchmodat(parent, name, 0755, 0) < 0) {
			berr_sys(err, "mkdir /%s", clean);
			close(parent);
			return -1;
		}
		close(parent);
	}
	return 0;
}

int tree_mkdir_p(int root, const char *path, uid_t uid, gid_t gid, berr *err)
{
	return mkdir_p_in_root(root, path, uid, gid, 0, err);
}

/* Is the file a tar archive libarchive reads (plain or compressed)? */
static bool is_archive(int fd)
{
	struct archive *a;
	struct archive_entry *e;
	bool yes;
	int in = reopen(fd, O_RDONLY);

	if (in < 0)
		return false;
	if (tar_reader_new(&a, false, NULL) < 0) {
		close(in);
		return false;
	}
	yes = archive_read_open_fd(a, in, 65536) == ARCHIVE_OK &&
	      archive_read_next_header(a, &e) == ARCHIVE_OK;
	archive_read_free(a);
	close(in);
	return yes;
}

static const char *base_name(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	return slash ? slash + 1 : rel;
}

int tree_copy(const struct tree_source *src, const char *rel, int dest_root, const char *dest,
	      bool dest_is_dir, const struct copy_opts *o, berr *err)
{
	char dir[PATH_MAX], name[NAME_MAX + 1];
	struct stat st;
	int fd, out = -1, rc = -1;
	uid_t cuid = o->chown ? o->uid : 0;
	gid_t cgid = o->chown ? o->gid : 0;

	fd = fs_openat_in_root(src->root_fd, rel, O_PATH, 0, 0);
	if (fd < 0)
		return errno == ENOENT ? not_found(rel, err) : berr_sys(err, "opening %s", rel);
	if (fstat(fd, &st) < 0) {
		berr_sys(err, "opening %s", rel);
		goto out;
	}
	if (S_ISDIR(st.st_mode) || (o->unpack && S_ISREG(st.st_mode) && is_archive(fd))) {
		if (tree_mkdir_p(dest_root, dest, cuid, cgid, err) < 0)
			goto out;
		if (!S_ISDIR(st.st_mode)) {
			struct tar_extract_opts xo = {.dest = dest, .flags = TAR_EXTRACT_NO_ESCAPE};
			int in = reopen(fd, O_RDONLY);

			if (o->chown) {
				xo.flags |= TAR_EXTRACT_CHOWN;
				xo.uid = o->uid;
				xo.gid = o->gid;
			}
			if (in < 0) {
				berr_sys(err, "opening %s", rel);
				goto out;
			}
			rc = tar_extract_fd(in, dest_root, &xo, NULL, err);
			close(in);
			if (rc < 0)
				berr_prefix(err, "extracting %s", rel);
			goto out;
		}
		out = fs_openat_in_root(dest_root, dest, O_RDONLY | O_DIRECTORY, 0, 0);
		if (out < 0) {
			berr_sys(err, "opening %s", dest);
			goto out;
		}
		rc = copy_contents(src, fd, rel, out, o, 0, err);
		goto out;
	}
	/* a single entry: into dest, or as dest */
	int existing = fs_openat_in_root(dest_root, dest, O_PATH | O_DIRECTORY, 0, 0);
	if (existing >= 0)
		close(existing);
	if (dest_is_dir || existing >= 0 || !*dest) {
		snprintf(dir, sizeof(dir), "%s", dest);
		snprintf(name, sizeof(name), "%s", base_name(rel));
	} else {
		char clean[PATH_MAX];
		if (fs_path_clean(dest, clean, sizeof(clean), false) < 0) {
			berr_set(err, BERR_INVALID, "path too long: %s", dest);
			goto out;
		}
		char *slash = strrchr(clean, '/');
		snprintf(name, sizeof(name), "%s", slash ? slash + 1 : clean);
		if (slash)
			*slash = '\0';
		snprintf(dir, sizeof(dir), "%s", slash ? clean : "");
	}
	if (tree_mkdir_p(dest_root, dir, cuid, cgid, err) < 0)
		goto out;
	out = fs_openat_in_root(dest_root, dir, O_RDONLY | O_DIRECTORY, 0, 0);
	if (out < 0) {
		berr_sys(err, "opening /%s", dir);
		goto out;
	}
	rc = copy_node(src, fd, &st, rel, out, name, o, 0, err);
out:
	if (out >= 0)
		close(out);
	close(fd);
	return rc;
}
