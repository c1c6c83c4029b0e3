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
	char tmp[PATH_MAX];
	const char *p = data;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return berr_set(err, BERR_INVALID, "path too long: %s", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return berr_sys(err, "creating %s", tmp);
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

/* Empties the directory open at dirfd, never following symlinks. */
static int remove_children(int dirfd, const char *path, berr *err)
{
	DIR *dir = fdopendir(dirfd);
	struct dirent *de;
	int rc = 0;

	if (!dir) {
		close(dirfd);
		return berr_sys(err, "reading %s", path);
	}
	while ((de = readdir(dir))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (unlinkat(dirfd, de->d_name, 0) == 0 || errno == ENOENT)
			continue;
		if (errno != EISDIR && errno != EPERM) {
			rc = berr_sys(err, "removing %s/%s", path, de->d_name);
			break;
		}
		int child = openat(dirfd, de->d_name,
				   O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (child < 0) {
			rc = berr_sys(err, "opening %s/%s", path, de->d_name);
			break;
		}
		if (remove_children(child, path, err) < 0) {
			rc = -1;
			break;
		}
		if (unlinkat(dirfd, de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT) {
			rc = berr_sys(err, "removing %s/%s", path, de->d_name);
			break;
		}
	}
	closedir(dir);
	return rc;
}

int fs_remove_tree(const char *path, berr *err)
{
	int fd;

	if (unlink(path) == 0 || errno == ENOENT)
		return 0;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : berr_sys(err, "opening %s", path);
	if (remove_children(fd, path, err) < 0)
		return -1;
	if (rmdir(path) < 0 && errno != ENOENT)
		return berr_sys(err, "removing %s", path);
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
