/* The container's view of its cgroups without a cgroup namespace (cgroup
 * v1 and hybrid hosts), as Docker gives one: /sys/fs/cgroup is a read-only
 * tmpfs holding, under each v1 hierarchy's name (memory, cpu, pids...),
 * the container's own cgroup directory bound read-only, so programs inside
 * read their limits at the usual paths. Runs in the init before
 * pivot_root, while the host's cgroup mounts are still in view. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shim.h"

#define MAX_HIERARCHIES 24

/* One v1 hierarchy: where the host mounts it and its name inside. */
struct hierarchy {
	char mnt[512];
	char name[128];
};

/* Decodes mountinfo's octal escapes (\040 for a space) in place. */
static void unescape_octal(char *s)
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

/* The v1 hierarchies mounted on the host, from mountinfo. */
static size_t list_hierarchies(struct hierarchy *h, size_t max)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return 0;
	while (n < max && getline(&line, &cap, f) > 0) {
		char *sep = strstr(line, " - "), *save = NULL, *fld[5];
		int nf = 0;
		if (!sep)
			continue;
		*sep = '\0';
		for (char *t = strtok_r(line, " ", &save); t && nf < 5;
		     t = strtok_r(NULL, " ", &save))
			fld[nf++] = t;
		char *type = strtok_r(sep + 3, " ", &save);
		if (nf < 5 || !type || strcmp(type, "cgroup") != 0)
			continue;
		unescape_octal(fld[4]);
		const char *base = strrchr(fld[4], '/');
		base = base ? base + 1 : fld[4];
		if (!*base || strlen(fld[4]) >= sizeof(h[n].mnt) ||
		    strlen(base) >= sizeof(h[n].name) || !strcmp(base, ".") || !strcmp(base, ".."))
			continue;
		snprintf(h[n].mnt, sizeof(h[n].mnt), "%s", fld[4]);
		snprintf(h[n].name, sizeof(h[n].name), "%s", base);
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

/* Binds the host directory src read-only onto the directory name under dirfd. */
static int bind_readonly(const char *src, int dirfd, const char *name, struct shim_err *err)
{
	struct mount_attr attr = {
	    .attr_set =
	        MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	};
	int rc = 0, target, tree;

	if (mkdirat(dirfd, name, 0755) < 0 && errno != EEXIST)
		return shim_sys(err, "mkdir /sys/fs/cgroup/%s", name);
	target = openat(dirfd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (target < 0)
		return shim_sys(err, "open /sys/fs/cgroup/%s", name);
	tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0) {
		close(target);
		return shim_sys(err, "bind %s", src);
	}
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 ||
	    move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		rc = shim_sys(err, "bind %s on /sys/fs/cgroup/%s", src, name);
	close(tree);
	close(target);
	return rc;
}

/* "cpu,cpuacct" also answers to "cpu" and "cpuacct", as on the host. */
static void controller_links(int dirfd, const char *name)
{
	char copy[128], *save = NULL;

	if (!strchr(name, ','))
		return;
	snprintf(copy, sizeof(copy), "%s", name);
	for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save))
		symlinkat(name, dirfd, c);
}

int cgroup_mount_v1(const struct spec *s, int rootfd, struct shim_err *err)
{
	struct hierarchy h[MAX_HIERARCHIES];
	size_t n = list_hierarchies(h, MAX_HIERARCHIES);
	const char *parent = s->cgroup_parent ? s->cgroup_parent : "berth";
	struct mount_attr ro = {
	    .attr_set =
	        MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
	};
	char path[32];
	int rc = 0, fd = root_path_open(rootfd, "/sys/fs/cgroup", 1, 0, err);

	if (fd < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0) {
		close(fd);
		return shim_sys(err, "mount tmpfs on /sys/fs/cgroup");
	}
	close(fd);
	/* the fd above is the directory under the new mount: open its root */
	fd = root_path_open(rootfd, "/sys/fs/cgroup", 0, 0, err);
	if (fd < 0)
		return -1;
	for (size_t i = 0; i < n && rc == 0; i++) {
		char src[1024];
		struct stat st;
		if ((size_t)snprintf(src, sizeof(src), "%s/%s/%s", h[i].mnt, parent, s->id) >=
		        sizeof(src) ||
		    stat(src, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		rc = bind_readonly(src, fd, h[i].name, err);
		if (rc == 0)
			controller_links(fd, h[i].name);
	}
	if (rc == 0 && mount_setattr(fd, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		rc = shim_sys(err, "make /sys/fs/cgroup read-only");
	close(fd);
	return rc;
}
