#include "engine/core/fsutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

int fs_read_file(const char *path, char **out, size_t *len, berr *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t size = 0, cap = 4096;
	char *buf;

	if (fd < 0)
		return berr_sys(err, "opening %s", path);
	buf = malloc(cap);
	for (;;) {
		ssize_t n;
		if (!buf)
			break;
		if (size + 1 >= cap) {
			char *grown = realloc(buf, cap * 2);
			if (!grown) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = grown;
			cap *= 2;
		}
		n = read(fd, buf + size, cap - size - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			berr_sys(err, "reading %s", path);
			free(buf);
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		size += (size_t)n;
	}
	close(fd);
	if (!buf)
		return berr_errno(err, ENOMEM, "reading %s", path);
	buf[size] = '\0';
	*out = buf;
	if (len)
		*len = size;
	return 0;
}

int fs_write_atomic(const char *path, const void *data, size_t len, berr *err)
{
	return fs_write_atomic_mode(path, data, len, 0600, err);
}

int fs_write_atomic_mode(const char *path, const void *data, size_t len, mode_t mode, berr *err)
{
	char tmp[PATH_MAX];
	const char *p = data;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return berr_set(err, BERR_INVALID, "path too long: %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return berr_sys(err, "creating %s", tmp);
	/* the mode asked for, whatever the umask */
	if (fchmod(fd, mode) < 0) {
		berr_sys(err, "setting the mode of %s", tmp);
		close(fd);
		unlink(tmp);
		return -1;
	}
	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			berr_sys(err, "writing %s", tmp);
			close(fd);
			unlink(tmp);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		berr_sys(err, "renaming %s", tmp);
		unlink(tmp);
		return -1;
	}
	return 0;
}

int fs_mkdir_p(const char *path, mode_t mode, berr *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return berr_set(err, BERR_INVALID, "path too long: %s", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return berr_sys(err, "creating %s", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return berr_sys(err, "creating %s", buf);
	return 0;
}

int fs_path_clean(const char *in, char *out, size_t size, bool refuse_escape)
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
			if (len == 0 && refuse_escape)
				return -2;
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

int fs_openat_in_root(int root_fd, const char *rel, int flags, mode_t mode, uint64_t resolve)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | resolve,
	};
	long fd;

	do
		fd = syscall(SYS_openat2, root_fd, (rel && *rel) ? rel : ".", &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN);
	return (int)fd;
}

/* One directory on the way down a removal: the subdirectories of it that
 * are still to go, by name. */
struct rm_level {
	char *name;
	char **subdirs;
	size_t n, cap, next;
	int retries;
	dev_t dev; /* the directory's identity, checked when the walk comes back up */
	ino_t ino;
};

static void rm_level_free(struct rm_level *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->subdirs[i]);
	free(l->subdirs);
	free(l->name);
	memset(l, 0, sizeof(*l));
}

/* Unlinks everything in the directory fd but its subdirectories, which it
 * lists in l. */
static int rm_scan(int fd, struct rm_level *l, berr *err)
{
	int dup_fd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *dir = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	struct dirent *de;
	int rc = 0;

	if (!dir) {
		if (dup_fd >= 0)
			close(dup_fd);
		return berr_sys(err, "reading %s", l->name);
	}
	while (rc == 0 && (de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			rc = berr_sys(err, "removing %s", de->d_name);
			break;
		}
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 8;
			char **bigger = realloc(l->subdirs, cap * sizeof(*bigger));
			if (!bigger) {
				rc = berr_errno(err, ENOMEM, "removing %s", l->name);
				break;
			}
			l->subdirs = bigger;
			l->cap = cap;
		}
		if (!(l->subdirs[l->n] = strdup(de->d_name)))
			rc = berr_errno(err, ENOMEM, "removing %s", l->name);
		else
			l->n++;
	}
	closedir(dir);
	return rc;
}

/* rm -rf of name under dirfd, depth first, never following a symlink and
 * holding one directory fd at a time: a tree a container made may be
 * deeper than the open-file limit (a recursion would run out of fds, or
 * of stack, long before the tree ends). The walk goes back up through
 * "..", and each parent it reaches must be the directory it came down from
 * (device and inode): should something move a directory meanwhile (a
 * container sharing a volume), the removal stops rather than follow it
 * out of the tree. */
int fs_remove_tree_at(int dirfd, const char *name, berr *err)
{
	struct rm_level *stack = NULL;
	size_t depth = 0, cap = 0;
	int fd = -1, rc = -1;

	if (unlinkat(dirfd, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return berr_sys(err, "removing %s", name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : berr_sys(err, "opening %s", name);
	for (const char *child = name;;) {
		struct rm_level *l;

		if (child) {
			if (depth == cap) {
				size_t bigger_cap = cap ? cap * 2 : 16;
				struct rm_level *bigger = realloc(stack, bigger_cap * sizeof(*bigger));
				if (!bigger) {
					berr_errno(err, ENOMEM, "removing %s", name);
					goto out;
				}
				stack = bigger;
				cap = bigger_cap;
			}
			l = &stack[depth++];
			memset(l, 0, sizeof(*l));
			if (!(l->name = strdup(child))) {
				berr_errno(err, ENOMEM, "removing %s", name);
				goto out;
			}
			struct stat st;
			if (fstat(fd, &st) < 0) {
				berr_sys(err, "removing %s", name);
				goto out;
			}
			l->dev = st.st_dev;
			l->ino = st.st_ino;
			if (rm_scan(fd, l, err) < 0)
				goto out;
			child = NULL;
		}
		l = &stack[depth - 1];
		if (l->next < l->n) {
			const char *sub = l->subdirs[l->next++];
			int sub_fd = openat(fd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub_fd < 0) {
				if (errno == ENOENT)
					continue;
				if (errno == ENOTDIR && unlinkat(fd, sub, 0) == 0)
					continue;
				berr_sys(err, "opening %s", sub);
				goto out;
			}
			close(fd);
			fd = sub_fd;
			child = sub;
			continue;
		}
		/* This directory is empty now: up one level and remove it. The
		 * parent reached through ".." must be the one the walk came down
		 * from: a directory moved meanwhile (by a container sharing the
		 * tree) would lead the walk out of it. */
		int up = depth == 1 ? -1
				    : openat(fd, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (depth > 1 && up < 0) {
			berr_sys(err, "removing %s", l->name);
			goto out;
		}
		if (depth > 1) {
			struct stat st;
			const struct rm_level *parent = &stack[depth - 2];
			if (fstat(up, &st) < 0 || st.st_dev != parent->dev || st.st_ino != parent->ino) {
				close(up);
				berr_set(err, BERR_CONFLICT, "removing %s: the tree moved while it was removed",
					 name);
				goto out;
			}
		}
		close(fd);
		fd = up;
		if (unlinkat(depth == 1 ? dirfd : fd, l->name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
			/* something appeared meanwhile: look once more, a few times */
			int parent = depth == 1 ? dirfd : fd;
			int again = errno == ENOTEMPTY && l->retries < 3
					    ? openat(parent, l->name, O_RDONLY | O_DIRECTORY |
								  O_NOFOLLOW | O_CLOEXEC)
					    : -1;
			if (again >= 0) {
				if (fd >= 0)
					close(fd);
				fd = again;
				l->retries++;
				for (size_t i = 0; i < l->n; i++)
					free(l->subdirs[i]);
				l->n = l->next = 0;
				if (rm_scan(fd, l, err) < 0)
					goto out;
				continue;
			}
			berr_sys(err, "removing %s", l->name);
			goto out;
		}
		rm_level_free(l);
		if (--depth == 0) {
			rc = 0;
			goto out;
		}
	}
out:
	if (fd >= 0)
		close(fd);
	while (depth > 0)
		rm_level_free(&stack[--depth]);
	free(stack);
	return rc;
}

int fs_remove_tree(const char *path, berr *err)
{
	char parent[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int dirfd, ret;

	if (!slash)
		return fs_remove_tree_at(AT_FDCWD, path, err);
	if (slash[1] == '\0')
		return berr_set(err, BERR_INVALID, "refusing to remove %s", path);
	snprintf(parent, sizeof(parent), "%.*s", (int)(slash - path), path);
	dirfd = open(parent[0] ? parent : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return errno == ENOENT ? 0 : berr_sys(err, "opening %s", parent);
	ret = fs_remove_tree_at(dirfd, slash + 1, err);
	close(dirfd);
	if (ret < 0)
		return berr_prefix(err, "removing %s", path);
	return 0;
}

uint64_t proc_start_time(pid_t pid)
{
	char path[64], buf[1024];
	ssize_t n;
	int fd;
	char *p;
	unsigned long long start = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: skip past the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return 0;
	p++;
	/* Fields after the name start at 3 (state); starttime is field 22. */
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p, " %llu", &start) != 1)
		return 0;
	/* A zombie still has its stat: it counts as gone. */
	char *state = strrchr(buf, ')');
	if (state && state[1] == ' ' && (state[2] == 'Z' || state[2] == 'X'))
		return 0;
	return start;
}

bool proc_pidfile_alive(const char *path, pid_t *pid)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	long p = 0;
	unsigned long long start = 0;

	*pid = 0;
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	if (sscanf(buf, "%ld %llu", &p, &start) != 2 || p <= 0)
		return false;
	*pid = (pid_t)p;
	return proc_start_time((pid_t)p) == start;
}

int proc_pidfile_check(const char *path, pid_t *pid)
{
	char buf[64], stat_path[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	long p = 0;
	unsigned long long start = 0;

	*pid = 0;
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -1;
	if (n == 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%ld %llu", &p, &start) != 2 || p <= 0)
		return 0;
	*pid = (pid_t)p;
	if (proc_start_time((pid_t)p) == start)
		return 1;
	/* gone, or /proc could not be read (out of descriptors...) */
	snprintf(stat_path, sizeof(stat_path), "/proc/%ld/stat", p);
	fd = open(stat_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ESRCH ? 0 : -1;
	close(fd);
	return 0;
}

int proc_pidfile_write(const char *path, berr *err)
{
	char text[64];
	pid_t self = getpid();

	snprintf(text, sizeof(text), "%d %llu\n", (int)self,
		 (unsigned long long)proc_start_time(self));
	return fs_write_atomic(path, text, strlen(text), err);
}

int random_hex_id(char out[65], berr *err)
{
	unsigned char bytes[32];
	static const char hex[] = "0123456789abcdef";

	if (getrandom(bytes, sizeof(bytes), 0) != (ssize_t)sizeof(bytes))
		return berr_sys(err, "getting random bytes");
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[bytes[i] >> 4];
		out[2 * i + 1] = hex[bytes[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

/* Directories deeper than this are not walked: each level holds one fd,
 * and a tree may be made as deep as its owner likes. */
#define TREE_MAX_DEPTH 256

/* The inodes with several names already counted (a small open hash set). */
struct inode_set {
	struct {
		dev_t dev;
		ino_t ino;
	} *slots;
	size_t cap, used;
};

/* Adds an inode; false when it was there already. */
static bool inode_set_add(struct inode_set *set, dev_t dev, ino_t ino)
{
	size_t i;

	if ((set->used + 1) * 2 > set->cap) {
		struct inode_set grown = {.cap = set->cap ? set->cap * 2 : 64};

		grown.slots = calloc(grown.cap, sizeof(*grown.slots));
		if (!grown.slots)
			return true; /* counted again rather than not at all */
		for (i = 0; i < set->cap; i++)
			if (set->slots[i].ino || set->slots[i].dev)
				inode_set_add(&grown, set->slots[i].dev, set->slots[i].ino);
		free(set->slots);
		*set = grown;
	}
	for (i = ((size_t)ino * 0x9e3779b97f4a7c15ull ^ (size_t)dev) & (set->cap - 1);
	     set->slots[i].ino || set->slots[i].dev; i = (i + 1) & (set->cap - 1))
		if (set->slots[i].ino == ino && set->slots[i].dev == dev)
			return false;
	set->slots[i].dev = dev;
	set->slots[i].ino = ino;
	set->used++;
	return true;
}

/* Adds without passing INT64_MAX: a tree's owner picks its sizes. */
static uint64_t add_capped(uint64_t total, uint64_t n)
{
	return n > (uint64_t)INT64_MAX - total ? (uint64_t)INT64_MAX : total + n;
}

/* One directory: its files, then its subdirectories one at a time, so that
 * the walk holds one fd per level and no directory stream while it
 * descends. Takes over dirfd. */
static uint64_t tree_bytes(int dirfd, int depth, struct inode_set *seen)
{
	int listfd = dup(dirfd);
	DIR *dir = listfd >= 0 ? fdopendir(listfd) : NULL;
	struct dirent *de;
	char **subdirs = NULL;
	size_t nsub = 0, cap = 0;
	uint64_t total = 0;

	if (!dir) {
		if (listfd >= 0)
			close(listfd);
		close(dirfd);
		return 0;
	}
	while ((de = readdir(dir))) {
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (depth >= TREE_MAX_DEPTH)
				continue;
			if (nsub == cap) {
				char **grown = realloc(subdirs, (cap = cap ? cap * 2 : 16) * sizeof(*subdirs));
				if (!grown)
					continue;
				subdirs = grown;
			}
			if ((subdirs[nsub] = strdup(de->d_name)))
				nsub++;
		} else if (st.st_nlink <= 1 || inode_set_add(seen, st.st_dev, st.st_ino)) {
			total = add_capped(total, (uint64_t)(st.st_size > 0 ? st.st_size : 0));
		}
	}
	closedir(dir);
	for (size_t i = 0; i < nsub; i++) {
		int child = openat(dirfd, subdirs[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

		if (child >= 0)
			total = add_capped(total, tree_bytes(child, depth + 1, seen));
		free(subdirs[i]);
	}
	free(subdirs);
	close(dirfd);
	return total;
}

int64_t fs_tree_bytes(int dirfd)
{
	struct inode_set seen = {0};
	uint64_t total = tree_bytes(dirfd, 0, &seen);

	free(seen.slots);
	return (int64_t)total;
}

int fs_reopen(int path_fd, int flags)
{
	char proc[64];

	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", path_fd);
	return open(proc, flags | O_CLOEXEC | O_NOCTTY);
}

int fs_open_regular_in_root(int root_fd, const char *rel, struct stat *st)
{
	struct stat local;
	int path_fd = fs_openat_in_root(root_fd, rel, O_PATH, 0, 0), fd;

	if (!st)
		st = &local;
	if (path_fd < 0)
		return -1;
	if (fstat(path_fd, st) < 0) {
		close(path_fd);
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		close(path_fd);
		errno = S_ISDIR(st->st_mode) ? EISDIR : EINVAL;
		return -1;
	}
	fd = fs_reopen(path_fd, O_RDONLY | O_NONBLOCK);
	close(path_fd);
	return fd;
}

/* The entries of dirfd removed (recursively), by getdents64 into a buffer
 * on the stack; read again from the start until none is left, since
 * removing entries while reading may skip some. */
static int remove_raw_at(int dirfd, int depth)
{
	char buf[4096];

	if (depth > 64)
		return -1;
	for (int pass = 0; pass < 1000; pass++) {
		long n;
		bool any = false;

		if (lseek(dirfd, 0, SEEK_SET) < 0)
			return -1;
		while ((n = syscall(SYS_getdents64, dirfd, buf, sizeof(buf))) > 0) {
			for (long off = 0; off < n;) {
				struct raw_dirent {
					uint64_t ino;
					int64_t off;
					unsigned short reclen;
					unsigned char type;
					char name[];
				} *d = (struct raw_dirent *)(buf + off);
				off += d->reclen;
				if (d->name[0] == '.' && (!d->name[1] || (d->name[1] == '.' && !d->name[2])))
					continue;
				any = true;
				if (unlinkat(dirfd, d->name, 0) == 0 || errno == ENOENT)
					continue;
				int sub = openat(dirfd, d->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (sub < 0)
					return -1;
				int rc = remove_raw_at(sub, depth + 1);
				close(sub);
				if (rc < 0 || (unlinkat(dirfd, d->name, AT_REMOVEDIR) < 0 && errno != ENOENT))
					return -1;
			}
		}
		if (n < 0)
			return -1;
		if (!any)
			return 0;
	}
	return -1;
}

int fs_remove_tree_raw(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), rc;

	if (fd < 0)
		return errno == ENOENT ? 0 : (unlink(path) == 0 || errno == ENOENT ? 0 : -1);
	rc = remove_raw_at(fd, 0);
	close(fd);
	if (rc == 0 && rmdir(path) < 0 && errno != ENOENT)
		rc = -1;
	return rc;
}
