/* Before a container starts: make missing -v bind sources, copy the image's
 * content into empty volumes (Docker's copy-up), and turn the container's
 * mount points into the shim's `mount` records.
 *
 * Copy-up reads the container's own view (its layer over the image's) by
 * directory fd, mounted detached and read-only by the caller, and writes
 * into the volume by directory fd: a volume may be shared with a running
 * container that swaps its directories for symlinks meanwhile, so no path
 * inside the volume is ever resolved by name, hard links included. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/fsutil.h"
#include "engine/core/intent.h"
#include "engine/core/strlist.h"
#include "engine/volume/internal.h"

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* Hard links met during one copy: source inode -> an fd of its copy. */
struct link_seen {
	dev_t dev;
	ino_t ino;
	int copy_fd;
};

/* At most this many copies are held open for linking; past it, further
 * names of a multiply-linked file become copies of their own. */
#define MAX_LINK_FDS 256

struct copy_state {
	struct link_seen *links;
	size_t n_links, cap_links;
	char msg[512];
};

static int copy_fail(struct copy_state *cs, const char *what, const char *path)
{
	snprintf(cs->msg, sizeof(cs->msg), "copy-up: %s %s: %s", what, path, strerror(errno));
	return -1;
}

static int copy_bytes(int in, int out)
{
	char buf[65536];

	for (;;) {
		ssize_t n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n == 0)
			return 0;
		if (n > 0)
			continue;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
			return -1;
		break;
	}
	for (;;) {
		ssize_t n = read(in, buf, sizeof(buf));
		if (n == 0)
			return 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno != EINTR)
				return -1;
			if (w > 0)
				off += w;
		}
	}
}

/* Ownership, mode and times of a copied file (fd open on it). */
static void copy_attrs(int fd, const struct stat *st)
{
	struct timespec times[2] = {st->st_atim, st->st_mtim};

	if (fchown(fd, st->st_uid, st->st_gid) < 0) {
		/* best effort, as for a tar extraction by an unprivileged user */
	}
	fchmod(fd, st->st_mode & 07777);
	futimens(fd, times);
}

/* Links name to the copy made before when the source is another name of
 * the same inode (1), or says there was none (0). */
static int link_if_seen(struct copy_state *cs, const struct stat *st, int dst, const char *name)
{
	if (st->st_nlink < 2)
		return 0;
	for (size_t i = 0; i < cs->n_links; i++)
		if (cs->links[i].dev == st->st_dev && cs->links[i].ino == st->st_ino)
			return linkat(cs->links[i].copy_fd, "", dst, name, AT_EMPTY_PATH) == 0 ? 1
												: -1;
	return 0;
}

/* Remembers the copy (open at fd) of a multiply-linked source. */
static void remember_link(struct copy_state *cs, const struct stat *st, int fd)
{
	int copy_fd;

	if (st->st_nlink < 2 || cs->n_links >= MAX_LINK_FDS)
		return;
	if (cs->n_links == cs->cap_links) {
		size_t cap = cs->cap_links ? cs->cap_links * 2 : 16;
		struct link_seen *grown = realloc(cs->links, cap * sizeof(*grown));
		if (!grown)
			return;
		cs->links = grown;
		cs->cap_links = cap;
	}
	copy_fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	if (copy_fd >= 0)
		cs->links[cs->n_links++] = (struct link_seen){st->st_dev, st->st_ino, copy_fd};
}

/* Closes the remembered copies. */
static void forget_links(struct copy_state *cs)
{
	for (size_t i = 0; i < cs->n_links; i++)
		close(cs->links[i].copy_fd);
	cs->n_links = 0;
}

static int copy_tree(struct copy_state *cs, int src, int dst, const char *rel);

/* Copies one directory entry. */
static int copy_entry(struct copy_state *cs, int src, int dst, const char *name, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;
	int in = -1, out = -1, rc = -1;

	snprintf(path, sizeof(path), "%s%s%s", rel, *rel ? "/" : "", name);
	if (fstatat(src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return copy_fail(cs, "stat", path);
	if (!S_ISDIR(st.st_mode)) {
		int linked = link_if_seen(cs, &st, dst, name);
		if (linked != 0)
			return linked > 0 ? 0 : copy_fail(cs, "link", path);
	}
	if (S_ISDIR(st.st_mode)) {
		if (mkdirat(dst, name, 0700) < 0 && errno != EEXIST)
			return copy_fail(cs, "mkdir", path);
		in = openat(src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		out = openat(dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (in < 0 || out < 0) {
			copy_fail(cs, "open", path);
			goto out;
		}
		if (copy_tree(cs, in, out, path) < 0)
			goto out;
		copy_attrs(out, &st);
	} else if (S_ISREG(st.st_mode)) {
		in = openat(src, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
		out = openat(dst, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (in < 0 || out < 0 || copy_bytes(in, out) < 0) {
			copy_fail(cs, "copy", path);
			goto out;
		}
		copy_attrs(out, &st);
		remember_link(cs, &st, out);
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(src, name, target, sizeof(target) - 1);
		if (n < 0)
			return copy_fail(cs, "readlink", path);
		target[n] = '\0';
		if (symlinkat(target, dst, name) < 0)
			return copy_fail(cs, "symlink", path);
		fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
		struct timespec times[2] = {st.st_atim, st.st_mtim};
		utimensat(dst, name, times, AT_SYMLINK_NOFOLLOW);
	} else {
		if (mknodat(dst, name, st.st_mode, st.st_rdev) < 0)
			return copy_fail(cs, "mknod", path);
		fchownat(dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW);
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode) && st.st_nlink > 1) {
		out = openat(dst, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (out >= 0)
			remember_link(cs, &st, out);
	}
	rc = 0;
out:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

/* Copies everything under src into dst (both directory fds, kept open). */
static int copy_tree(struct copy_state *cs, int src, int dst, const char *rel)
{
	int dupfd = fcntl(src, F_DUPFD_CLOEXEC, 3);
	DIR *d = dupfd >= 0 ? fdopendir(dupfd) : NULL;
	struct dirent *de;
	int rc = 0;

	if (!d) {
		if (dupfd >= 0)
			close(dupfd);
		return copy_fail(cs, "read", rel);
	}
	while (rc == 0 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			rc = copy_entry(cs, src, dst, de->d_name, rel);
	closedir(d);
	return rc;
}

static bool dir_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool empty = true;

	if (!d)
		return false;
	while (empty && (de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			empty = false;
	closedir(d);
	return empty;
}

/* Copies each [container path, volume directory] of copies from the
 * container's view into the volume. */
static int copy_up(struct engine *engine, const struct volume_rootfs *root, json_t *copies,
		   berr *err)
{
	struct copy_state cs = {0};
	char intent[PATH_MAX] = "";
	int rootfd, rc = 0;
	json_t *c;
	size_t i;

	if (root->open(root->ctx, &rootfd, err) < 0)
		return berr_prefix(err, "copy-up");
	json_array_foreach(copies, i, c) {
		const char *inside = json_string_value(json_array_get(c, 0));
		const char *target = json_string_value(json_array_get(c, 1));
		const char *volume = json_string_value(json_array_get(c, 2));
		struct stat st;
		int src = fs_openat_in_root(rootfd, inside, O_RDONLY | O_DIRECTORY, 0, 0);
		if (src < 0)
			continue; /* nothing in the image there: nothing to copy */
		int dst = open(target, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dst < 0) {
			close(src);
			rc = copy_fail(&cs, "open", target);
			break;
		}
		/* A copy cut short would leave the volume neither empty nor
		 * full, and a volume with content is never copied to again:
		 * recorded first, an interrupted copy is emptied (volume_startup). */
		intent[0] = '\0';
		if (volume && *volume && intent_begin(engine, "copyup", volume, intent, sizeof(intent),
						      NULL) < 0)
			intent[0] = '\0';
		rc = copy_tree(&cs, src, dst, "");
		if (rc == 0 && fstat(src, &st) == 0)
			copy_attrs(dst, &st); /* the volume takes the directory's owner and mode */
		forget_links(&cs);
		close(src);
		close(dst);
		/* Settled either way: a copy that failed (a container sharing the
		 * volume can make it fail) keeps what it copied, as Docker's does;
		 * only a crash leaves the intent for the next berth to empty. */
		intent_end(intent);
		if (rc < 0)
			break;
	}
	close(rootfd);
	free(cs.links);
	return rc < 0 ? berr_set(err, BERR_SYSTEM, "%s", cs.msg) : 0;
}

/* The value of key=... inside a comma option list ("addr=10.0.0.1,vers=4"). */
static bool option_value(const char *list, const char *key, char *out, size_t n)
{
	size_t klen = strlen(key);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ",");
		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
			snprintf(out, n, "%.*s", (int)(len - klen - 1), p + klen + 1);
			return true;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}


static void add_record(json_t *records, const char *type, const char *source, const char *dest,
		       const char *opts)
{
	json_array_append_new(records, json_pack("[s, s, s, s]", type, source, dest, opts));
}

/* A volume's record. The local driver's -o type=tmpfs|nfs|... volumes are
 * mounted by the shim in the container's own mount namespace, so no host
 * mount is ever made (or leaked); type=none,o=bind binds the device. */
static int volume_record(struct engine *engine, struct store *st, json_t *mp, json_t *records,
			 json_t *copies, berr *err)
{
	struct volume_info v;
	char data[PATH_MAX], opts[1024], source[PATH_MAX + 64], addr[256];
	const char *dest = str(mp, "Destination");
	bool ro = !json_is_true(json_object_get(mp, "RW"));
	bool copy = json_is_true(json_object_get(mp, "CopyData"));

	if (volume_get(st, str(mp, "Name"), &v, err) < 0)
		return -1;
	const char *type = str(v.options, "type"), *o = str(v.options, "o");
	const char *device = str(v.options, "device");
	if (!*type || !strcmp(type, "none") || strlist_has(o, "bind") || strlist_has(o, "rbind")) {
		if (*type)
			snprintf(data, sizeof(data), "%s", device);
		else
			volume_data_dir(engine, v.name, data, sizeof(data));
		snprintf(opts, sizeof(opts), "%s%s", strlist_has(o, "bind") && *type ? "bind" : "rbind",
			 ro ? ",ro" : "");
		add_record(records, "bind", data, dest, opts);
		if (copies && copy && dir_empty(data))
			json_array_append_new(copies,
					      json_pack("[s, s, s]", dest, data, *type ? "" : v.name));
	} else {
		snprintf(source, sizeof(source), "%s", *device ? device : type);
		if (device[0] == ':' && option_value(o, "addr", addr, sizeof(addr)))
			snprintf(source, sizeof(source), "%s%s", addr, device);
		snprintf(opts, sizeof(opts), "%s%s%s", o, *o && ro ? "," : "", ro ? "ro" : "");
		add_record(records, type, source, dest, opts);
	}
	volume_info_free(&v);
	return 0;
}

static int bind_record(json_t *mp, json_t *records, bool make_source, berr *err)
{
	const char *source = str(mp, "Source");
	char opts[128];
	struct stat st;

	if (make_source && json_is_true(json_object_get(mp, "CreateSource")) &&
	    stat(source, &st) < 0 &&
	    errno == ENOENT && fs_mkdir_p(source, 0755, err) < 0)
		return berr_prefix(err, "error while creating mount source path '%s'", source);
	snprintf(opts, sizeof(opts), "%s%s%s%s",
		 json_is_true(json_object_get(mp, "NonRecursive")) ? "bind" : "rbind",
		 json_is_true(json_object_get(mp, "RW")) ? "" : ",ro",
		 *str(mp, "Propagation") ? "," : "", str(mp, "Propagation"));
	add_record(records, "bind", source, str(mp, "Destination"), opts);
	return 0;
}

/* Components of a path: how Docker orders mounts, parents first. */
static int depth(const char *path)
{
	int d = 0;

	for (const char *p = path; *p; p++)
		if (*p == '/' && p[1] && p[1] != '/')
			d++;
	return d;
}

static int by_depth(const void *a, const void *b)
{
	json_t *const *x = a, *const *y = b;
	int dx = depth(json_string_value(json_array_get(*x, 2)));
	int dy = depth(json_string_value(json_array_get(*y, 2)));

	return dx - dy;
}

/* Sorts records by destination depth, keeping the order of equals. */
static json_t *sorted(json_t *records)
{
	size_t n = json_array_size(records);
	json_t **v = calloc(n ? n : 1, sizeof(*v)), *out = json_array();

	for (size_t i = 0; i < n; i++)
		v[i] = json_array_get(records, i);
	/* insertion sort: stable and the lists are short */
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && by_depth(&v[j - 1], &v[j]) > 0; j--) {
			json_t *t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
	for (size_t i = 0; i < n; i++)
		json_array_append(out, v[i]);
	free(v);
	return out;
}

int volume_prepare(struct engine *engine, const char *container_id, json_t *host_config,
		const struct volume_rootfs *root, json_t **records, berr *err)
{
	struct store *st = engine_store(engine, err);
	json_t *mounts, *list = json_array(), *copies = json_array(), *mp, *opts;
	const char *dest;
	char merged[1024];
	size_t i;
	int rc = -1;

	*records = NULL;
	mounts = st ? volume_mounts_load(st, container_id, err) : NULL;
	if (!mounts)
		goto out;
	json_array_foreach(mounts, i, mp) {
		const char *type = str(mp, "Type");
		if (!strcmp(type, "volume")) {
			if (volume_record(engine, st, mp, list, copies, err) < 0)
				goto out;
		} else if (!strcmp(type, "bind")) {
			if (bind_record(mp, list, true, err) < 0)
				goto out;
		} else if (!strcmp(type, "tmpfs")) {
			if (volume_tmpfs_options(str(mp, "Data"), merged, sizeof(merged), err) < 0)
				goto out;
			add_record(list, "tmpfs", "tmpfs", str(mp, "Destination"), merged);
		}
	}
	json_object_foreach(json_object_get(host_config, "Tmpfs"), dest, opts) {
		if (volume_tmpfs_options(json_is_string(opts) ? json_string_value(opts) : "", merged,
				      sizeof(merged), err) < 0)
			goto out;
		add_record(list, "tmpfs", "tmpfs", dest, merged);
	}
	if (json_array_size(copies) && copy_up(engine, root, copies, err) < 0)
		goto out;
	*records = sorted(list);
	rc = 0;
out:
	json_decref(mounts);
	json_decref(list);
	json_decref(copies);
	return rc;
}

json_t *volume_bind_records(struct engine *engine, const char *container_id, berr *err)
{
	struct store *st = engine_store(engine, err);
	json_t *mounts, *list = json_array(), *binds = json_array(), *mp, *out = NULL;
	size_t i;

	mounts = st ? volume_mounts_load(st, container_id, err) : NULL;
	if (!mounts)
		goto out;
	json_array_foreach(mounts, i, mp) {
		const char *type = str(mp, "Type");
		if (!strcmp(type, "volume") && volume_record(engine, st, mp, list, NULL, err) < 0)
			goto out;
		if (!strcmp(type, "bind") && bind_record(mp, list, false, err) < 0)
			goto out;
	}
	json_array_foreach(list, i, mp)
		if (!strcmp(json_string_value(json_array_get(mp, 0)), "bind"))
			json_array_append(binds, mp);
	out = sorted(binds);
out:
	json_decref(mounts);
	json_decref(list);
	json_decref(binds);
	return out;
}
