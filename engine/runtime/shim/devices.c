/* Device nodes in the container's /dev and the v1 devices cgroup rules. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "shim.h"

/* Docker's default device rules: mknod of anything, use of the standard
 * nodes, the pty master and every pty slave. */
static const char *const default_rules[] = {
	"c *:* m", "b *:* m", "c 1:3 rwm",  "c 1:5 rwm", "c 1:7 rwm",   "c 1:8 rwm",
	"c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
};

int dev_cgroup_v1(const struct spec *s, int cgdir, struct shim_err *err)
{
	char rule[64];
	int fd = openat(cgdir, "devices.deny", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "a", 1) < 0) {
		shim_sys(err, "devices cgroup: deny all");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	fd = openat(cgdir, "devices.allow", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return shim_sys(err, "devices cgroup: open devices.allow");
	size_t n_def = sizeof(default_rules) / sizeof(default_rules[0]);
	for (size_t i = 0; i < n_def + s->n_devices; i++) {
		const char *r = rule;
		if (i < n_def) {
			r = default_rules[i];
		} else {
			const struct spec_device *d = &s->devices[i - n_def];
			snprintf(rule, sizeof(rule), "%c %u:%u %s", d->type, d->major, d->minor,
				 d->perms[0] ? d->perms : "rwm");
		}
		/* each rule is one write: the kernel parses a write as one rule */
		if (write(fd, r, strlen(r)) < 0) {
			shim_sys(err, "devices cgroup: allow %s", r);
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

/* Creates one node; when mknod is not allowed, bind-mounts the host's. */
static int dev_one(const struct spec_device *d, int rootfd, struct shim_err *err)
{
	const char *rel = d->path + 1;
	const char *slash = strrchr(rel, '/');
	const char *name = slash ? slash + 1 : rel;
	char parent[4096], proc[32];
	int pfd, rc = 0;

	if ((size_t)(slash ? slash - rel : 0) >= sizeof(parent))
		return shim_fail(err, "system", "device path too long: %s", d->path);
	memcpy(parent, rel, slash ? (size_t)(slash - rel) : 0);
	parent[slash ? slash - rel : 0] = '\0';
	pfd = root_path_open(rootfd, parent, 1, 0, err);
	if (pfd < 0)
		return -1;
	mode_t type = d->type == 'b' ? S_IFBLK : S_IFCHR;
	unlinkat(pfd, name, 0);
	if (mknodat(pfd, name, type | d->mode, makedev(d->major, d->minor)) == 0) {
		if (fchownat(pfd, name, 0, 0, AT_SYMLINK_NOFOLLOW) < 0)
			rc = shim_sys(err, "chown %s", d->path);
		goto out;
	}
	if (errno != EPERM) {
		rc = shim_sys(err, "mknod %s", d->path);
		goto out;
	}
	int f = openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (f < 0) {
		rc = shim_sys(err, "create %s", d->path);
		goto out;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", f);
	if (mount(d->path, proc, NULL, MS_BIND, NULL) < 0)
		rc = shim_sys(err, "bind host %s", d->path);
	close(f);
out:
	close(pfd);
	return rc;
}

int dev_create(const struct spec *s, int rootfd, struct shim_err *err)
{
	for (size_t i = 0; i < s->n_devices; i++)
		if (dev_one(&s->devices[i], rootfd, err) < 0)
			return -1;
	return 0;
}
