/* The container's filesystem: the overlay root, /proc, /dev, /sys, the etc
 * files and the spec's mounts, pivot_root, masked and read-only paths.
 * Runs in the container's init, in its own mount namespace. Every target
 * inside the rootfs is opened with openat2(RESOLVE_IN_ROOT) and mounted on
 * by descriptor, so a symlink in the image can never point a mount at the
 * host. No mount of the spec may land on procfs or sysfs (except runc's
 * few), and each masked or read-only path is checked to be the kernel's
 * node before it is masked by descriptor. */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "shim.h"

/* Page-sized: the most mount(2) takes as options. */
#define MOUNT_DATA_MAX 4096

/* "/proc/self/fd/<fd>": the magic link mount(2) follows to the fd's file. */
static const char *fdpath(char buf[32], int fd)
{
	snprintf(buf, 32, "/proc/self/fd/%d", fd);
	return buf;
}

/* Mounts a filesystem on a path inside root, creating the mount point. */
static int mount_in_root(int rootfd, const char *dest, const char *src, const char *type,
			 unsigned long flags, const char *data, struct shim_err *err)
{
	char p[32];
	int fd = root_path_open(rootfd, dest, 1, 0, err);
	if (fd < 0)
		return -1;
	int r = mount(src, fdpath(p, fd), type, flags, data);
	if (r < 0)
		shim_sys(err, "mount %s on %s", type, dest);
	close(fd);
	return r;
}

/* Attaches a copy of the host tree at src onto the target fd, with attributes. */
static int bind_onto(int srcdir, const char *src, int target, int recursive, uint64_t attrs,
		     struct shim_err *err)
{
	unsigned rec = recursive ? AT_RECURSIVE : 0;
	unsigned empty = *src ? 0 : AT_EMPTY_PATH;
	int tree = open_tree(srcdir, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec | empty);
	if (tree < 0)
		return shim_sys(err, "bind %s", src);
	int rc = 0;
	struct mount_attr attr = {.attr_set = attrs};
	if (attrs && mount_setattr(tree, "", AT_EMPTY_PATH | rec, &attr, sizeof(attr)) < 0)
		rc = shim_sys(err, "bind %s: set attributes", src);
	if (!rc &&
	    move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		rc = shim_sys(err, "bind %s: attach", src);
	close(tree);
	return rc;
}

/* Builds "lowerdir=...,upperdir=...,workdir=..." into buf; -1 if too long. */
static int overlay_options(const struct spec *s, char *buf, size_t size)
{
	size_t n = (size_t)snprintf(buf, size, "lowerdir=");
	for (size_t i = 0; i < s->lower.n && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ":" : "", s->lower.v[i]);
	if (n < size)
		n += (size_t)snprintf(buf + n, size - n, ",upperdir=%s,workdir=%s", s->upper,
				      s->work);
	return n < size ? 0 : -1;
}

/* The overlay through fsopen, for lower chains longer than a page. */
static int overlay_fsconfig(const struct spec *s, struct shim_err *err)
{
	int fs = fsopen("overlay", FSOPEN_CLOEXEC), mnt = -1, rc = -1;
	if (fs < 0)
		return shim_sys(err, "fsopen overlay");
	for (size_t i = 0; i < s->lower.n; i++)
		if (fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir+", s->lower.v[i], 0) < 0) {
			shim_sys(err, "overlay: lowerdir+ %s", s->lower.v[i]);
			goto out;
		}
	if (fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", s->upper, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "workdir", s->work, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0) {
		shim_sys(err, "overlay: configure");
		goto out;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0 || move_mount(mnt, "", AT_FDCWD, s->rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0) {
		shim_sys(err, "overlay: mount on %s", s->rootfs);
		goto out;
	}
	rc = 0;
out:
	if (mnt >= 0)
		close(mnt);
	close(fs);
	return rc;
}

int mnt_rootfs(const struct spec *s, struct shim_err *err)
{
	char *opts;
	int rc;
	if (mkdir(s->rootfs, 0755) < 0 && errno != EEXIST)
		return shim_sys(err, "mkdir %s", s->rootfs);
	if (!s->lower.n) {
		if (mount(s->upper, s->rootfs, NULL, MS_BIND, NULL) < 0)
			return shim_sys(err, "bind %s on %s", s->upper, s->rootfs);
		return 0;
	}
	/* lowerdirs are relative to layers-dir, so long chains still fit a page */
	if (chdir(s->layers_dir) < 0)
		return shim_sys(err, "chdir %s", s->layers_dir);
	opts = malloc(MOUNT_DATA_MAX);
	if (!opts)
		return shim_sys(err, "malloc");
	if (overlay_options(s, opts, MOUNT_DATA_MAX) == 0) {
		rc = mount("overlay", s->rootfs, "overlay", 0, opts);
		if (rc < 0)
			shim_sys(err, "mount overlay on %s", s->rootfs);
	} else {
		rc = overlay_fsconfig(s, err);
	}
	free(opts);
	if (rc == 0 && chdir("/") < 0)
		rc = shim_sys(err, "chdir /");
	return rc;
}

/* The /dev symlinks every container has. */
static int dev_links(int rootfd, struct shim_err *err)
{
	static const char *const links[][2] = {
		{"ptmx", "pts/ptmx"},           {"fd", "/proc/self/fd"},
		{"stdin", "/proc/self/fd/0"},   {"stdout", "/proc/self/fd/1"},
		{"stderr", "/proc/self/fd/2"},
	};
	int dev = root_path_open(rootfd, "/dev", 0, 0, err);
	if (dev < 0)
		return -1;
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
		unlinkat(dev, links[i][0], 0);
		if (symlinkat(links[i][1], dev, links[i][0]) < 0) {
			shim_sys(err, "symlink /dev/%s", links[i][0]);
			close(dev);
			return -1;
		}
	}
	close(dev);
	return 0;
}

/* /sys: our own sysfs with our own netns, else a read-only copy of the host's. */
static int mount_sys(const struct spec *s, int rootfd, struct shim_err *err)
{
	const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
	if ((s->namespaces & CLONE_NEWNET) || s->net_join) {
		if (mount_in_root(rootfd, "/sys", "sysfs", "sysfs", ro, NULL, err) < 0)
			return -1;
	} else {
		int t = root_path_open(rootfd, "/sys", 1, 0, err);
		if (t < 0)
			return -1;
		int r = bind_onto(AT_FDCWD, "/sys", t, 1,
				  MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					  MOUNT_ATTR_NOEXEC,
				  err);
		close(t);
		if (r < 0)
			return -1;
	}
	if (s->namespaces & CLONE_NEWCGROUP)
		return mount_in_root(rootfd, "/sys/fs/cgroup", "cgroup2", "cgroup2", ro, NULL, err);
	return cgroup_mount_v1(s, rootfd, err);
}

int mnt_standard(const struct spec *s, int rootfd, struct shim_err *err)
{
	const unsigned long nse = MS_NOSUID | MS_NODEV | MS_NOEXEC;
	char shm[64];
	snprintf(shm, sizeof(shm), "mode=1777,size=%lld",
		 s->shm_size > 0 ? s->shm_size : 65536LL * 1024);
	if (mount_in_root(rootfd, "/proc", "proc", "proc", nse, NULL, err) < 0 ||
	    mount_in_root(rootfd, "/dev", "tmpfs", "tmpfs", MS_NOSUID | MS_STRICTATIME,
			  "mode=755,size=65536k", err) < 0 ||
	    dev_create(s, rootfd, err) < 0 ||
	    mount_in_root(rootfd, "/dev/pts", "devpts", "devpts", MS_NOSUID | MS_NOEXEC,
			  "newinstance,ptmxmode=0666,mode=0620,gid=5", err) < 0 ||
	    mount_in_root(rootfd, "/dev/shm", "shm", "tmpfs", nse, shm, err) < 0 ||
	    mount_in_root(rootfd, "/dev/mqueue", "mqueue", "mqueue", nse, NULL, err) < 0 ||
	    dev_links(rootfd, err) < 0 || mount_sys(s, rootfd, err) < 0)
		return -1;
	return 0;
}

int mnt_console(int rootfd, int ptyno, struct shim_err *err)
{
	char slave[32];
	snprintf(slave, sizeof(slave), "dev/pts/%d", ptyno);
	int t = root_path_open(rootfd, "/dev/console", 1, 1, err);
	if (t < 0)
		return -1;
	int r = bind_onto(rootfd, slave, t, 0, 0, err);
	close(t);
	return r;
}

/* Mount options: flags, attributes for binds, propagation, and the rest as data. */
struct mount_opts {
	unsigned long flags;
	unsigned long propagation;
	uint64_t attrs;
	char data[1024];
};

/* Splits a comma option list. */
static int parse_mount_opts(const char *list, struct mount_opts *o, struct shim_err *err)
{
	static const struct {
		const char *name;
		unsigned long set, clear;
		uint64_t attr;
	} fl[] = {
		{"ro", MS_RDONLY, 0, MOUNT_ATTR_RDONLY},   {"rw", 0, MS_RDONLY, 0},
		{"nosuid", MS_NOSUID, 0, MOUNT_ATTR_NOSUID}, {"suid", 0, MS_NOSUID, 0},
		{"nodev", MS_NODEV, 0, MOUNT_ATTR_NODEV},  {"dev", 0, MS_NODEV, 0},
		{"noexec", MS_NOEXEC, 0, MOUNT_ATTR_NOEXEC}, {"exec", 0, MS_NOEXEC, 0},
		{"sync", MS_SYNCHRONOUS, 0, 0},            {"async", 0, MS_SYNCHRONOUS, 0},
		{"dirsync", MS_DIRSYNC, 0, 0},             {"noatime", MS_NOATIME, 0, 0},
		{"nodiratime", MS_NODIRATIME, 0, 0},       {"relatime", MS_RELATIME, 0, 0},
		{"strictatime", MS_STRICTATIME, 0, 0},     {"bind", MS_BIND, 0, 0},
		{"rbind", MS_BIND | MS_REC, 0, 0},         {"defaults", 0, 0, 0},
	};
	static const struct {
		const char *name;
		unsigned long flags;
	} prop[] = {
		{"private", MS_PRIVATE},  {"rprivate", MS_PRIVATE | MS_REC},
		{"slave", MS_SLAVE},      {"rslave", MS_SLAVE | MS_REC},
		{"shared", MS_SHARED},    {"rshared", MS_SHARED | MS_REC},
		{"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
	};
	char copy[1024];
	size_t dn = 0;
	memset(o, 0, sizeof(*o));
	if (strlen(list) >= sizeof(copy))
		return shim_fail(err, "system", "mount options too long");
	strcpy(copy, list);
	for (char *save, *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		size_t i;
		for (i = 0; i < sizeof(fl) / sizeof(fl[0]); i++)
			if (!strcmp(t, fl[i].name)) {
				o->flags = (o->flags | fl[i].set) & ~fl[i].clear;
				o->attrs |= fl[i].attr;
				break;
			}
		if (i < sizeof(fl) / sizeof(fl[0]))
			continue;
		int matched = 0;
		for (i = 0; i < sizeof(prop) / sizeof(prop[0]); i++)
			if (!strcmp(t, prop[i].name)) {
				o->propagation = prop[i].flags;
				matched = 1;
			}
		/* z and Z (relabelling) mean nothing without SELinux */
		if (matched || !strcmp(t, "z") || !strcmp(t, "Z"))
			continue;
		dn += (size_t)snprintf(o->data + dn, sizeof(o->data) - dn, "%s%s", dn ? "," : "",
				       t);
	}
	return 0;
}

/* Sets the propagation of the mount now at dest. */
static int set_propagation(int rootfd, const char *dest, unsigned long prop, struct shim_err *err)
{
	char p[32];
	int fd = root_path_open(rootfd, dest, 0, 0, err);
	if (fd < 0)
		return -1;
	int r = mount(NULL, fdpath(p, fd), NULL, prop, NULL);
	if (r < 0)
		shim_sys(err, "propagation of %s", dest);
	close(fd);
	return r;
}

/* Whether path is dir or lies under it ("/proc/1" is in /proc, "/procs" is not). */
static int path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/* Whether a host path lies on a filesystem of that type. */
static int host_path_on(const char *path, unsigned long magic)
{
	struct statfs fs;
	return path && statfs(path, &fs) == 0 && (unsigned long)fs.f_type == magic;
}

/* Refuses a mount whose target, opened at fd, resolved onto procfs or
 * sysfs, wherever dest led (a symlink in the image included): it could
 * displace the masked paths. Allowed as runc's checkProcMount allows: a
 * procfs bound on /proc itself and the files lxcfs emulates; on sysfs only
 * a sysfs bound on /sys, or anything in a container without masked paths
 * (a privileged one). bind_src is NULL for a mount that is not a bind. */
static int check_mount_target(const struct spec *s, const char *dest, const char *bind_src,
			      int fd, struct shim_err *err)
{
	static const char *const proc_ok[] = {
		"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat",
		"/proc/swaps", "/proc/uptime", "/proc/loadavg", "/proc/slabinfo",
		"/proc/sys/kernel/ns_last_pid", "/proc/sys/crypto/fips_enabled",
	};
	struct statfs fs;
	if (fstatfs(fd, &fs) < 0)
		return shim_sys(err, "mount on %s", dest);
	if ((unsigned long)fs.f_type == PROC_SUPER_MAGIC) {
		for (size_t i = 0; i < sizeof(proc_ok) / sizeof(proc_ok[0]); i++)
			if (!strcmp(dest, proc_ok[i]))
				return 0;
		if (!strcmp(dest, "/proc") && host_path_on(bind_src, PROC_SUPER_MAGIC))
			return 0;
		return shim_fail(err, "system", "\"%s\" cannot be mounted because it is %s", dest,
				 strcmp(dest, "/proc") ? "inside /proc" : "not of type proc");
	}
	if ((unsigned long)fs.f_type == SYSFS_MAGIC && s->masked.n) {
		if (!strcmp(dest, "/sys") && host_path_on(bind_src, SYSFS_MAGIC))
			return 0;
		return shim_fail(err, "system",
				 "\"%s\" cannot be mounted because it is inside /sys", dest);
	}
	return 0;
}

/* One `mount` record. Before pivot_root, so the /proc/self/fd path that
 * mount(2) is given goes through the host's /proc. */
static int mount_record(const struct spec *s, const struct spec_mount *m, int rootfd,
			struct shim_err *err)
{
	struct mount_opts o;
	struct stat st;
	char p[32];
	int t, r, bind = !strcmp(m->type, "bind") || !strcmp(m->type, "rbind");
	if (parse_mount_opts(m->options, &o, err) < 0)
		return -1;
	bind |= (o.flags & MS_BIND) != 0;
	if (!strcmp(m->type, "rbind"))
		o.flags |= MS_REC;
	if (bind && stat(m->source, &st) < 0)
		return shim_sys(err, "bind source %s", m->source);
	t = root_path_open(rootfd, m->dest, 1, bind && !S_ISDIR(st.st_mode), err);
	if (t < 0)
		return -1;
	r = check_mount_target(s, m->dest, bind ? m->source : NULL, t, err);
	if (r == 0 && bind)
		r = bind_onto(AT_FDCWD, m->source, t, (o.flags & MS_REC) != 0, o.attrs, err);
	else if (r == 0 && (r = mount(m->source, fdpath(p, t), m->type, o.flags, o.data)) < 0)
		shim_sys(err, "mount %s on %s", m->type, m->dest);
	close(t);
	if (r < 0)
		return -1;
	return o.propagation ? set_propagation(rootfd, m->dest, o.propagation, err) : 0;
}

/* Binds a host file onto a path inside the rootfs, creating it when missing. */
static int bind_file(const struct spec *s, int rootfd, const char *src, const char *dest,
		     struct shim_err *err)
{
	int t = root_path_open(rootfd, dest, 1, 1, err);
	if (t < 0)
		return -1;
	int r = check_mount_target(s, dest, src, t, err);
	if (r == 0)
		r = bind_onto(AT_FDCWD, src, t, 0, 0, err);
	close(t);
	return r;
}

int mnt_user(const struct spec *s, int rootfd, struct shim_err *err)
{
	if ((s->etc_hostname && bind_file(s, rootfd, s->etc_hostname, "/etc/hostname", err) < 0) ||
	    (s->etc_hosts && bind_file(s, rootfd, s->etc_hosts, "/etc/hosts", err) < 0) ||
	    (s->etc_resolv && bind_file(s, rootfd, s->etc_resolv, "/etc/resolv.conf", err) < 0))
		return -1;
	for (size_t i = 0; i < s->n_mounts; i++)
		if (mount_record(s, &s->mounts[i], rootfd, err) < 0)
			return -1;
	return 0;
}

int mnt_pivot(const char *rootfs, struct shim_err *err)
{
	if (chdir(rootfs) < 0)
		return shim_sys(err, "chdir %s", rootfs);
	/* the old root ends up stacked on "."; detach it without telling the host */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return shim_sys(err, "pivot_root %s", rootfs);
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return shim_sys(err, "make the old root a slave");
	if (umount2(".", MNT_DETACH) < 0)
		return shim_sys(err, "detach the old root");
	if (chdir("/") < 0)
		return shim_sys(err, "chdir /");
	return 0;
}

/* What masked and read-only paths must lie on, found after pivot_root. */
struct mask_ctx {
	int rootfd;
	int null_fd;          /* the container's /dev/null, checked to be the null device */
	uint64_t proc_mnt_id; /* the mount at /proc; 0 when the kernel cannot say */
};

/* The id of the mount fd lies on (0 when statx cannot tell). */
static int mount_id_of(int fd, uint64_t *id)
{
	struct statx stx;
	if (statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_MNT_ID, &stx) < 0)
		return -1;
	*id = (stx.stx_mask & STATX_MNT_ID) ? stx.stx_mnt_id : 0;
	return 0;
}

/* Finds the container's /proc and /dev/null for masking. /dev/null must be
 * the null device itself: a volume over /dev could make it a symlink to a
 * file that the masks would then put in place of what they hide. */
static int mask_ctx_open(struct mask_ctx *c, struct shim_err *err)
{
	struct statfs fs;
	struct stat st;
	int proc;
	c->null_fd = -1;
	c->rootfd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0)
		return shim_sys(err, "open /");
	proc = root_path_resolve(c->rootfd, "proc", O_PATH | O_DIRECTORY);
	if (proc < 0)
		return shim_sys(err, "open /proc to mask paths");
	int bad = fstatfs(proc, &fs) < 0 || (unsigned long)fs.f_type != PROC_SUPER_MAGIC ||
		  mount_id_of(proc, &c->proc_mnt_id) < 0;
	close(proc);
	if (bad)
		return shim_fail(err, "system", "mask paths: /proc is not the container's procfs");
	c->null_fd = root_path_resolve(c->rootfd, "dev/null", O_PATH | O_NOFOLLOW);
	if (c->null_fd < 0)
		return shim_sys(err, "open /dev/null to mask paths");
	if (fstat(c->null_fd, &st) < 0 || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return shim_fail(err, "system", "mask paths: /dev/null is not the null device");
	return 0;
}

static void mask_ctx_close(struct mask_ctx *c)
{
	if (c->null_fd >= 0)
		close(c->null_fd);
	if (c->rootfd >= 0)
		close(c->rootfd);
}

/* Checks that fd, opened for a masked or read-only path, is the kernel's
 * node: a /proc path on the container's procfs mount itself (not on a
 * mount the spec put there), a /sys path on sysfs. */
static int check_masked_node(const struct mask_ctx *c, const char *path, int fd,
			     struct shim_err *err)
{
	struct statfs fs;
	uint64_t id;
	if (fstatfs(fd, &fs) < 0)
		return shim_sys(err, "mask %s", path);
	if (path_within(path, "/proc")) {
		if ((unsigned long)fs.f_type != PROC_SUPER_MAGIC)
			return shim_fail(err, "system", "mask %s: it is not on procfs", path);
		if (c->proc_mnt_id && (mount_id_of(fd, &id) < 0 || id != c->proc_mnt_id))
			return shim_fail(err, "system",
					 "mask %s: it is not on the container's /proc", path);
	} else if (path_within(path, "/sys") && (unsigned long)fs.f_type != SYSFS_MAGIC) {
		return shim_fail(err, "system", "mask %s: it is not on sysfs", path);
	}
	return 0;
}

/* Attaches an empty read-only tmpfs onto the directory open at fd. */
static int mask_dir(int fd, const char *path, struct shim_err *err)
{
	int mnt = -1, rc = -1, fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return shim_sys(err, "mask %s", path);
	if (fsconfig(fs, FSCONFIG_SET_STRING, "source", "tmpfs", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "size", "0", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY)) < 0 ||
	    move_mount(mnt, "", fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		shim_sys(err, "mask %s", path);
	else
		rc = 0;
	if (mnt >= 0)
		close(mnt);
	close(fs);
	return rc;
}

/* Hides one path: /dev/null over a file, an empty read-only tmpfs over a
 * directory, both attached to the checked node by descriptor. */
static int mask_path(const struct mask_ctx *c, const char *path, struct shim_err *err)
{
	struct stat st;
	int rc, fd = root_path_open(c->rootfd, path, 0, 0, err);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	if (check_masked_node(c, path, fd, err) < 0)
		rc = -1;
	else if (fstat(fd, &st) < 0)
		rc = shim_sys(err, "mask %s", path);
	else if (S_ISDIR(st.st_mode))
		rc = mask_dir(fd, path, err);
	else
		rc = bind_onto(c->null_fd, "", fd, 0, 0, err);
	close(fd);
	return rc;
}

/* Binds a path onto itself read-only (and nosuid, nodev, noexec). */
static int readonly_path(const struct mask_ctx *c, const char *path, struct shim_err *err)
{
	int fd = root_path_open(c->rootfd, path, 0, 0, err);
	if (fd < 0)
		return errno == ENOENT ? 0 : -1;
	const uint64_t ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
			    MOUNT_ATTR_NOEXEC;
	int r = check_masked_node(c, path, fd, err);
	if (r == 0)
		r = bind_onto(fd, "", fd, 1, ro, err);
	close(fd);
	return r;
}

int mnt_masked_readonly(const struct spec *s, struct shim_err *err)
{
	struct mask_ctx c;
	int rc = 0;
	if (!s->masked.n && !s->readonly.n)
		return 0;
	if (mask_ctx_open(&c, err) < 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < s->masked.n; i++)
		rc = mask_path(&c, s->masked.v[i], err);
	for (size_t i = 0; rc == 0 && i < s->readonly.n; i++)
		rc = readonly_path(&c, s->readonly.v[i], err);
	mask_ctx_close(&c);
	return rc;
}

int mnt_readonly_root(struct shim_err *err)
{
	struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
	if (mount_setattr(AT_FDCWD, "/", 0, &attr, sizeof(attr)) < 0)
		return shim_sys(err, "remount / read-only");
	return 0;
}
