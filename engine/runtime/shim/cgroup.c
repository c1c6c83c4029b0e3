/* The container's cgroups: <mount>/<parent>/<id> in every v1 hierarchy
 * (hybrid hosts) and in the v2 tree, created before the init execs and
 * removed once it is gone. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "shim.h"

#define CG_MAX 24

/* One cgroup directory the shim made. */
struct cg_dir {
	char *path;
	int v2;
	int memory;
	dev_t dev;
};

static struct cg_dir cgs[CG_MAX];
static size_t n_cgs;
/* Controllers are turned on in the v2 tree only on a pure v2 host: on a
 * hybrid one they belong to v1, and taking one into v2 breaks other runtimes. */
static int v2_owns_controllers;

/* Writes a string to dir/file; returns -1 with errno set. */
static int cg_write(int dirfd, const char *file, const char *value)
{
	int fd = openat(dirfd, file, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t w = write(fd, value, strlen(value));
	int saved = errno;
	close(fd);
	errno = saved;
	return w < 0 ? -1 : 0;
}

/* Reads dir/file into buf (NUL-terminated, trailing newline removed). */
static int cg_read(int dirfd, const char *file, char *buf, size_t size)
{
	int fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t r = read(fd, buf, size - 1);
	close(fd);
	if (r < 0)
		return -1;
	buf[r] = '\0';
	if (r > 0 && buf[r - 1] == '\n')
		buf[r - 1] = '\0';
	return 0;
}

/* Decodes mountinfo's octal escapes (\040 for a space) in place. */
static void mi_unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '7' && r[2] && r[3]) {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* Whether a comma list holds the word. */
static int has_opt(const char *list, const char *word)
{
	size_t n = strlen(word);
	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (!strncmp(p, word, n) && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

/* cpuset.cpus/mems of a new v1 cpuset cgroup start empty: copy the parent's. */
static void cpuset_inherit(int parentfd, int childfd)
{
	static const char *files[] = {"cpuset.cpus", "cpuset.mems"};
	char buf[512];
	for (int i = 0; i < 2; i++) {
		if (cg_read(childfd, files[i], buf, sizeof(buf)) == 0 && buf[0])
			continue;
		if (cg_read(parentfd, files[i], buf, sizeof(buf)) == 0 && buf[0])
			cg_write(childfd, files[i], buf);
	}
}

/* Turns on every available v2 controller for the children of dirfd. */
static void v2_enable_controllers(int dirfd)
{
	char avail[512], req[600];
	if (cg_read(dirfd, "cgroup.controllers", avail, sizeof(avail)) < 0 || !avail[0])
		return;
	size_t n = 0;
	for (char *save, *c = strtok_r(avail, " ", &save); c; c = strtok_r(NULL, " ", &save))
		n += (size_t)snprintf(req + n, sizeof(req) - n, "%s+%s", n ? " " : "", c);
	if (cg_write(dirfd, "cgroup.subtree_control", req) < 0) {
		/* one refused controller fails the whole write: try them one by one */
		for (char *save, *c = strtok_r(req, " ", &save); c; c = strtok_r(NULL, " ", &save))
			cg_write(dirfd, "cgroup.subtree_control", c);
	}
}

/* Makes (or opens) one cgroup directory under dirfd; a new v1 cpuset
 * child gets its parent's cpus and mems. */
static int cg_mkdir(int dirfd, const char *name, int cpuset)
{
	if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
		return -1;
	int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && cpuset)
		cpuset_inherit(dirfd, fd);
	return fd;
}

/* Makes <mnt>/<parent>/<id> in one hierarchy and records it. */
static int cg_make(const struct spec *s, const char *mnt, int v2, const char *opts, dev_t dev,
		   struct shim_err *err)
{
	const char *parent = s->cgroup_parent ? s->cgroup_parent : "berth";
	char path[4096];
	int cpuset = !v2 && has_opt(opts, "cpuset");

	if (n_cgs == CG_MAX)
		return shim_fail(err, "system", "too many cgroup hierarchies");
	if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", mnt, parent, s->id) >= sizeof(path))
		return shim_fail(err, "system", "cgroup path too long under %s", mnt);
	char *dup = strdup(path);
	int fd = open(mnt, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (!dup || fd < 0) {
		shim_sys(err, "open %s", mnt);
		free(dup);
		return -1;
	}
	/* down the parent one level at a time (it may be nested), then the id */
	char *save, *c = strtok_r(path + strlen(mnt) + 1, "/", &save);
	for (; c; c = strtok_r(NULL, "/", &save)) {
		if (v2 && v2_owns_controllers)
			v2_enable_controllers(fd);
		int next = cg_mkdir(fd, c, cpuset);
		close(fd);
		if (next < 0) {
			shim_sys(err, "mkdir %s", dup);
			free(dup);
			return -1;
		}
		fd = next;
	}
	cgs[n_cgs++] = (struct cg_dir){dup, v2, v2 || has_opt(opts, "memory"), dev};
	int rc = !v2 && has_opt(opts, "devices") ? dev_cgroup_v1(s, fd, err) : 0;
	close(fd);
	return rc;
}

/* Whether a hierarchy (by device) was already handled. */
static int cg_seen(dev_t dev)
{
	for (size_t i = 0; i < n_cgs; i++)
		if (cgs[i].dev == dev)
			return 1;
	return 0;
}

/* Walks /proc/self/mountinfo and makes the cgroup in each cgroup mount. */
static int cg_make_all(const struct spec *s, struct shim_err *err)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	if (!f)
		return shim_sys(err, "open /proc/self/mountinfo");
	while (rc == 0 && getline(&line, &cap, f) > 0) {
		/* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
		char *fld[6], *save, *sep = strstr(line, " - ");
		unsigned maj, min;
		int n = 0;
		if (!sep)
			continue;
		*sep = '\0';
		for (char *t = strtok_r(line, " ", &save); t && n < 6;
		     t = strtok_r(NULL, " ", &save))
			fld[n++] = t;
		char *type = strtok_r(sep + 3, " ", &save);
		strtok_r(NULL, " ", &save);
		char *super = strtok_r(NULL, " \n", &save);
		if (n < 5 || !type || !super || sscanf(fld[2], "%u:%u", &maj, &min) != 2)
			continue;
		int v2 = !strcmp(type, "cgroup2");
		if (!v2 && strcmp(type, "cgroup"))
			continue;
		if (cg_seen(makedev(maj, min)))
			continue;
		mi_unescape(fld[4]);
		rc = cg_make(s, fld[4], v2, super, makedev(maj, min), err);
	}
	free(line);
	fclose(f);
	return rc;
}

/* Writes one "cgroup-set <file> <value>" into the hierarchy that has the file. */
static int cg_set(const char *rec, struct shim_err *err)
{
	char file[256];
	const char *sp = strchr(rec, ' ');
	if (!sp || (size_t)(sp - rec) >= sizeof(file) || memchr(rec, '/', (size_t)(sp - rec)))
		return shim_fail(err, "system", "bad cgroup-set record: %s", rec);
	memcpy(file, rec, (size_t)(sp - rec));
	file[sp - rec] = '\0';
	for (size_t i = 0; i < n_cgs; i++) {
		int dfd = open(cgs[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		int r = cg_write(dfd, file, sp + 1);
		int saved = errno;
		close(dfd);
		if (r == 0)
			return 0;
		if (saved != ENOENT) {
			errno = saved;
			return shim_sys(err, "cgroup %s: write %s", file, sp + 1);
		}
	}
	return shim_fail(err, "system", "cgroup %s: no such file in any hierarchy", file);
}

int cgroup_create(const struct spec *s, struct shim_err *err)
{
	struct statfs sfs;
	v2_owns_controllers = statfs("/sys/fs/cgroup", &sfs) == 0 &&
			      sfs.f_type == CGROUP2_SUPER_MAGIC;
	if (cg_make_all(s, err) < 0)
		return -1;
	for (size_t i = 0; i < s->cgroup_set.n; i++)
		if (cg_set(s->cgroup_set.v[i], err) < 0)
			return -1;
	return 0;
}

int cgroup_enter(pid_t pid, struct shim_err *err)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	for (size_t i = 0; i < n_cgs; i++) {
		int dfd = open(cgs[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return shim_sys(err, "open %s", cgs[i].path);
		int r = cg_write(dfd, "cgroup.procs", buf);
		int saved = errno;
		close(dfd);
		if (r < 0) {
			errno = saved;
			return shim_sys(err, "move %d into %s", (int)pid, cgs[i].path);
		}
	}
	return 0;
}

int cgroup_oom_killed(void)
{
	char buf[1024];
	for (size_t i = 0; i < n_cgs; i++) {
		if (!cgs[i].memory)
			continue;
		int dfd = open(cgs[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			continue;
		int r = cg_read(dfd, cgs[i].v2 ? "memory.events" : "memory.oom_control", buf,
				sizeof(buf));
		close(dfd);
		char *p = r == 0 ? strstr(buf, "oom_kill ") : NULL;
		if (p && strtoull(p + 9, NULL, 10) > 0)
			return 1;
	}
	return 0;
}

/* SIGKILLs every process still listed in a cgroup; returns how many. */
static int cg_kill_all(int dfd)
{
	char buf[4096];
	int n = 0;
	if (cg_read(dfd, "cgroup.procs", buf, sizeof(buf)) < 0)
		return 0;
	for (char *save, *t = strtok_r(buf, "\n", &save); t; t = strtok_r(NULL, "\n", &save)) {
		pid_t pid = (pid_t)atoi(t);
		if (pid > 0 && kill(pid, SIGKILL) == 0)
			n++;
	}
	return n;
}

void cgroup_remove(void)
{
	for (size_t i = 0; i < n_cgs; i++) {
		/* busy only while killed leftovers finish exiting: retry for up to a second */
		for (int tries = 0; tries < 200; tries++) {
			if (rmdir(cgs[i].path) == 0 || errno != EBUSY)
				break;
			int dfd = open(cgs[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd >= 0) {
				cg_kill_all(dfd);
				close(dfd);
			}
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
			nanosleep(&(struct timespec){0, 5 * 1000 * 1000}, NULL);
		}
		free(cgs[i].path);
	}
	n_cgs = 0;
}

/* Self-join: the init moves itself into its cgroups. Writing "0" (the
 * writer itself) to a v1 hierarchy's "tasks" file moves one thread without
 * the global threadgroup lock, which a write of another process's pid to
 * cgroup.procs takes — and that lock can wait a whole RCU grace period
 * (10-20 ms here) on every container start. In the v2 tree the init is
 * born in its cgroup instead (clone3 CLONE_INTO_CGROUP). */
static int join_tasks_fds[CG_MAX];
static size_t n_join_tasks;
static int join_v2_fd = -1;

int cgroup_join_prepare(struct shim_err *err)
{
	n_join_tasks = 0;
	join_v2_fd = -1;
	for (size_t i = 0; i < n_cgs; i++) {
		int dfd = open(cgs[i].path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return shim_sys(err, "open %s", cgs[i].path);
		if (cgs[i].v2) {
			join_v2_fd = dfd;
			continue;
		}
		int fd = openat(dfd, "tasks", O_WRONLY | O_CLOEXEC);
		close(dfd);
		if (fd < 0)
			return shim_sys(err, "open %s/tasks", cgs[i].path);
		join_tasks_fds[n_join_tasks++] = fd;
	}
	return 0;
}

int cgroup_join_v2_fd(void)
{
	return join_v2_fd;
}

int cgroup_join_self(bool in_v2_already, struct shim_err *err)
{
	for (size_t i = 0; i < n_join_tasks; i++) {
		if (write(join_tasks_fds[i], "0", 1) != 1)
			return shim_sys(err, "join cgroup %zu", i);
		close(join_tasks_fds[i]);
	}
	if (join_v2_fd >= 0 && !in_v2_already) {
		if (cg_write(join_v2_fd, "cgroup.procs", "0") < 0)
			return shim_sys(err, "join the cgroup2 tree");
	}
	if (join_v2_fd >= 0)
		close(join_v2_fd);
	return 0;
}

void cgroup_join_done(void)
{
	for (size_t i = 0; i < n_join_tasks; i++)
		close(join_tasks_fds[i]);
	n_join_tasks = 0;
	if (join_v2_fd >= 0)
		close(join_v2_fd);
	join_v2_fd = -1;
}
