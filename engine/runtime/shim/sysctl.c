/* Namespaced kernel parameters (--sysctl): `sysctl <key> <value>` records
 * written by the init under its own /proc/sys, after pivot_root (so the
 * files are those of its network and IPC namespaces) and before /proc/sys
 * is made read-only. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "shim.h"

/* Writes one "<key> <value>" record: net.ipv4.ip_forward is /proc/sys/net/ipv4/ip_forward. */
static int apply_one(const char *rec, struct shim_err *err)
{
	char path[512];
	const char *sp = strchr(rec, ' ');
	size_t klen = sp ? (size_t)(sp - rec) : 0;

	/* berth checks keys; the shim still refuses anything that is not a plain path below
	 * /proc/sys */
	if (!klen || klen > 200 || memchr(rec, '/', klen) || rec[0] == '.' ||
	    (klen >= 2 && !memcmp(rec, "..", 2)))
		return shim_fail(err, "system", "bad sysctl record: %s", rec);
	int n = snprintf(path, sizeof(path), "/proc/sys/%.*s", (int)klen, rec);
	for (char *p = path + 10; p < path + n; p++)
		if (*p == '.')
			*p = '/';
	if (strstr(path, "//"))
		return shim_fail(err, "system", "bad sysctl record: %s", rec);
	int fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return shim_sys(err, "sysctl %.*s: open %s", (int)klen, rec, path);
	const char *value = sp + 1;
	ssize_t w = write(fd, value, strlen(value));
	int saved = errno;
	close(fd);
	if (w < 0) {
		errno = saved;
		return shim_sys(err, "sysctl %.*s=%s", (int)klen, rec, value);
	}
	return 0;
}

int sysctl_apply(const struct spec *s, struct shim_err *err)
{
	for (size_t i = 0; i < s->sysctls.n; i++)
		if (apply_one(s->sysctls.v[i], err) < 0)
			return -1;
	return 0;
}
