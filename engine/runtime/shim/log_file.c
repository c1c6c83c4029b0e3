/* The log kept on the host: entries gathered per read of the container's
 * output and written with one write(2) (so `logs -f` never sees half an
 * entry), rotated by size as Docker rotates (<log>.1 ... <log>.N-1, the
 * oldest dropped), the rotated file compressed to <log>.1.gz by
 * berth-logger --compress while the container goes on writing. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shim.h"

extern char **environ;

/* A batch larger than this is written before more is added; a buffer a
 * burst grew past LOG_FILE_KEEP is given back once written (the monitor's
 * memory stays flat whatever the container writes). */
#define LOG_FILE_BATCH (16 * 1024)
#define LOG_FILE_KEEP (32 * 1024)

static int file_reopen(struct log_file *f, int flags)
{
	int fd = open(f->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | flags, 0640);
	struct stat st;
	if (fd < 0)
		return -1;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = fd;
	f->size = fstat(fd, &st) == 0 ? (long long)st.st_size : 0;
	return 0;
}

int log_file_open(struct log_file *f, struct shim_err *err)
{
	char dir[PATH_MAX];
	f->fd = -1;
	f->compressor = 0;
	/* the local driver keeps its files in a directory of their own */
	snprintf(dir, sizeof(dir), "%s", f->path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return shim_sys(err, "create the log directory %s", dir);
	}
	if (file_reopen(f, 0) < 0)
		return shim_sys(err, "open the log %s", f->path);
	/* a monitor started again goes on counting */
	char count_path[PATH_MAX + 16];
	snprintf(count_path, sizeof(count_path), "%s.rotations", f->path);
	FILE *in = fopen(count_path, "re");
	if (in) {
		unsigned long long seq;
		f->rotations = fscanf(in, "%llu", &seq) == 1 ? (seq + 1) / 2 : 0;
		fclose(in);
	}
	return 0;
}

/* Waits for the compression of the last rotation, if it still runs. */
static void wait_compressor(struct log_file *f)
{
	if (f->compressor > 0) {
		while (waitpid(f->compressor, NULL, 0) < 0 && errno == EINTR)
			;
		f->compressor = 0;
	}
}

void log_file_reaped(struct log_file *f, pid_t pid)
{
	if (pid == f->compressor)
		f->compressor = 0;
}

/* Starts berth-logger --compress <log>.1: it writes <log>.1.gz and
 * removes <log>.1. It runs with the monitor's rights on the host: it
 * reads and writes only files of the container's log directory. */
static void start_compressor(struct log_file *f, const char *rotated)
{
	posix_spawnattr_t attr;
	sigset_t none;
	char *argv[] = {(char *)f->helper, "--compress", (char *)rotated, NULL};

	if (!f->helper)
		return;
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	if (posix_spawn(&f->compressor, f->helper, NULL, &attr, argv, environ) != 0)
		f->compressor = 0;
	posix_spawnattr_destroy(&attr);
}

/* Removes what a compressor killed midway left: <log>.N.gz.tmp-<pid>. */
static void remove_stale_temps(const struct log_file *f)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", f->path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		return;
	*slash = '\0';
	const char *base = slash + 1 - dir + f->path;
	size_t blen = strlen(base);
	DIR *d = opendir(dir);
	struct dirent *e;
	if (!d)
		return;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, base, blen) == 0 && e->d_name[blen] == '.' &&
		    strstr(e->d_name + blen, ".gz.tmp-"))
			unlinkat(dirfd(d), e->d_name, 0);
	closedir(d);
}

/* Shifts <log>.N up by one, plain or compressed alike (a file whose
 * compression failed stays plain; none is overwritten), drops the oldest,
 * starts an empty log, then compresses the new <log>.1. */
static void rotate(struct log_file *f)
{
	char from[PATH_MAX + 16], to[PATH_MAX + 16];
	static const char *const exts[] = {"", ".gz"};
	int max = f->max_file > 0 ? f->max_file : 1;

	wait_compressor(f);
	if (max >= 2) {
		/* <log>.rotations, a sequence as a seqlock's: odd while files
		 * move, even after; twice the count of rotations. A follower that
		 * sees its file replaced knows how many came after it, and a
		 * reader knows whether its view of the files is whole. */
		char count_path[PATH_MAX + 16], count[32];
		snprintf(count_path, sizeof(count_path), "%s.rotations", f->path);
		int n = snprintf(count, sizeof(count), "%llu\n", 2 * f->rotations + 1);
		write_file_atomic(count_path, count, (size_t)n);
		for (int e = 0; e < 2; e++) {
			snprintf(to, sizeof(to), "%s.%d%s", f->path, max - 1, exts[e]);
			unlink(to);
			for (int i = max - 1; i > 1; i--) {
				snprintf(from, sizeof(from), "%s.%d%s", f->path, i - 1, exts[e]);
				snprintf(to, sizeof(to), "%s.%d%s", f->path, i, exts[e]);
				rename(from, to);
			}
		}
		remove_stale_temps(f);
		snprintf(to, sizeof(to), "%s.1", f->path);
		rename(f->path, to);
		/* the new log at once: a follower finds the path again */
		file_reopen(f, O_TRUNC);
		n = snprintf(count, sizeof(count), "%llu\n", 2 * ++f->rotations);
		write_file_atomic(count_path, count, (size_t)n);
		if (f->compress)
			start_compressor(f, to);
		return;
	}
	/* one file kept: a new one (a follower sees its file replaced) */
	unlink(f->path);
	file_reopen(f, O_TRUNC);
}

void log_file_flush(struct log_file *f)
{
	if (!f->len)
		return;
	if (f->fd >= 0 && write_all(f->fd, f->buf, f->len) == 0)
		f->size += (long long)f->len;
	f->len = 0;
	if (f->cap > LOG_FILE_KEEP) {
		free(f->buf);
		f->buf = NULL;
		f->cap = 0;
	}
}

void log_file_append(struct log_file *f, const void *entry, size_t n)
{
	if (f->max_size > 0 && f->size + (long long)f->len >= f->max_size) {
		log_file_flush(f);
		rotate(f);
	}
	if (f->len + n > f->cap) {
		size_t cap = f->cap ? f->cap : LOG_FILE_KEEP;
		while (cap < f->len + n)
			cap *= 2;
		char *grown = realloc(f->buf, cap);
		if (!grown) {
			log_file_flush(f);
			if (f->fd >= 0 && write_all(f->fd, entry, n) == 0)
				f->size += (long long)n;
			return;
		}
		f->buf = grown;
		f->cap = cap;
	}
	memcpy(f->buf + f->len, entry, n);
	f->len += n;
	if (f->len >= LOG_FILE_BATCH)
		log_file_flush(f);
}
