/* Installing the seccomp program berth compiled: a raw struct sock_filter
 * array, loaded without libseccomp. */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shim.h"

int seccomp_read(const char *path, void **prog, size_t *len, struct shim_err *err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	*prog = NULL;
	if (fd < 0 || fstat(fd, &st) < 0) {
		shim_sys(err, "seccomp: open %s", path);
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size == 0 || st.st_size % sizeof(struct sock_filter) ||
	    st.st_size > BPF_MAXINSNS * (off_t)sizeof(struct sock_filter)) {
		shim_fail(err, "system", "seccomp: %s is not a filter program", path);
		goto fail;
	}
	*len = (size_t)st.st_size;
	*prog = malloc(*len);
	if (!*prog) {
		shim_sys(err, "seccomp: malloc");
		goto fail;
	}
	for (size_t got = 0; got < *len;) {
		ssize_t r = read(fd, (char *)*prog + got, *len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			shim_sys(err, "seccomp: read %s", path);
			goto fail;
		}
		got += (size_t)r;
	}
	close(fd);
	return 0;
fail:
	free(*prog);
	*prog = NULL;
	if (fd >= 0)
		close(fd);
	return -1;
}

int seccomp_load(void *prog, size_t len, struct shim_err *err)
{
	struct sock_fprog fp = {(unsigned short)(len / sizeof(struct sock_filter)), prog};
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fp) < 0)
		return shim_sys(err, "seccomp: load the filter");
	return 0;
}
