/* Staging under R/tmp and the file side of store transactions.
 *
 * Every operation stages into its own directory R/tmp/<kind>-XXXXXX and
 * holds an flock on it; image_gc_staging removes only entries nobody holds,
 * so a second berth process starting up never wipes a live import. Files
 * reach R/layers and R/blobs by rename(2) only, so a crash leaves either the
 * whole thing or nothing there. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/image/internal.h"

/* Creates and locks a private staging directory under R/tmp. */
int image_staging_open(struct image_staging *sg, const char *root, const char *kind, berr *err)
{
	char tmp[4096];

	sg->fd = -1;
	sg->counter = 0;
	sg->path[0] = '\0';
	snprintf(tmp, sizeof(tmp), "%s/tmp", root);
	if (image_mkdir_p(tmp, 0700, err) < 0)
		return -1;
	for (int attempt = 0; attempt < 8; attempt++) {
		struct stat st;

		if ((size_t)snprintf(sg->path, sizeof(sg->path), "%s/%s-XXXXXX", tmp, kind) >=
		    sizeof(sg->path))
			return berr_set(err, BERR_INVALID, "data root path too long");
		if (!mkdtemp(sg->path))
			return berr_sys(err, "create staging directory in %s", tmp);
		sg->fd = open(sg->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (sg->fd < 0 && errno == ENOENT)
			continue;
		if (sg->fd < 0 || flock(sg->fd, LOCK_EX) < 0 || fstat(sg->fd, &st) < 0) {
			berr_sys(err, "open %s", sg->path);
			image_staging_close(sg);
			return -1;
		}
		/* A collector in another process may have removed it between
		 * mkdtemp and flock: then make another. */
		if (st.st_nlink > 0)
			return 0;
		close(sg->fd);
		sg->fd = -1;
	}
	sg->path[0] = '\0';
	return berr_set(err, BERR_SYSTEM, "cannot create a staging directory in %s", tmp);
}

/* Removes a staging directory and all it holds. */
void image_staging_close(struct image_staging *sg)
{
	berr ignored;

	if (sg->path[0])
		fs_remove_tree(sg->path, &ignored);
	if (sg->fd >= 0)
		close(sg->fd);
	sg->fd = -1;
	sg->path[0] = '\0';
}

/* A fresh path inside a staging directory. */
void image_staging_name(struct image_staging *sg, const char *what, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s-%u", sg->path, what, sg->counter++);
}

#define JOURNAL "journal"
#define JOURNAL_COMMITTED "committed\n"

/* Appends one line to the staging directory's journal. */
static int journal_append(struct image_staging *sg, const char *line, berr *err)
{
	int fd = openat(sg->fd, JOURNAL, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	size_t len = strlen(line);
	ssize_t n;

	if (fd < 0)
		return berr_sys(err, "write %s/" JOURNAL, sg->path);
	n = write(fd, line, len);
	close(fd);
	return n == (ssize_t)len ? 0 : berr_sys(err, "write %s/" JOURNAL, sg->path);
}

/* A dead transaction's staging directory: unless its journal says the
 * store committed, what it moved aside goes back where it was (the rows
 * that name it are still there). */
static void settle_journal(int dfd, const char *name)
{
	char path[8300], *line, *save = NULL;
	char *text = NULL;
	int fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d/" JOURNAL, fd);
	if (fs_read_file(path, &text, NULL, NULL) < 0) {
		close(fd);
		return;
	}
	if (!strstr(text, JOURNAL_COMMITTED))
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *aside = strchr(line, '\t'), *dest = aside ? strchr(aside + 1, '\t') : NULL;
			if (strncmp(line, "removed\t", 8) != 0 || !dest)
				continue;
			*dest++ = '\0';
			if (access(dest, F_OK) < 0)
				rename(aside + 1, dest);
		}
	free(text);
	close(fd);
}

/* Removes staging that no live process holds. */
int image_gc_staging(const char *root, berr *err)
{
	char tmp[4096];
	DIR *dir;
	struct dirent *de;
	int dfd;

	snprintf(tmp, sizeof(tmp), "%s/tmp", root);
	dfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return errno == ENOENT ? 0 : berr_sys(err, "open %s", tmp);
	dir = fdopendir(dfd);
	if (!dir) {
		close(dfd);
		return berr_sys(err, "open %s", tmp);
	}
	while ((de = readdir(dir)) != NULL) {
		int fd;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		fd = openat(dfd, de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
			close(fd); /* held by a live process */
			continue;
		}
		/* Settled and removed while we hold the lock, so no one can take
		 * it over. */
		settle_journal(dfd, de->d_name);
		if (fs_remove_tree_at(dfd, de->d_name, err) < 0) {
			if (fd >= 0)
				close(fd);
			closedir(dir);
			return -1;
		}
		if (fd >= 0)
			close(fd);
	}
	closedir(dir);
	return 0;
}

/* Records one change, growing the list. */
static int txn_record(struct image_fs_txn *t, const char *dest, const char *aside, berr *err)
{
	if (t->count == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 8;
		struct image_fs_change *bigger = realloc(t->changes, cap * sizeof(*bigger));

		if (!bigger)
			return berr_errno(err, ENOMEM, "file transaction");
		t->changes = bigger;
		t->cap = cap;
	}
	t->changes[t->count].dest = strdup(dest);
	t->changes[t->count].aside = aside ? strdup(aside) : NULL;
	if (!t->changes[t->count].dest || (aside && !t->changes[t->count].aside)) {
		free(t->changes[t->count].dest);
		free(t->changes[t->count].aside);
		return berr_errno(err, ENOMEM, "file transaction");
	}
	t->count++;
	return 0;
}

/* Starts an empty file transaction. */
void image_fs_txn_init(struct image_fs_txn *t, struct image_staging *sg)
{
	memset(t, 0, sizeof(*t));
	t->sg = sg;
}

/* Renames a staged file or directory into the data root, never over another. */
int image_fs_txn_place(struct image_fs_txn *t, const char *staged, const char *dest, bool *placed,
		       berr *err)
{
	char parent[4096];
	const char *slash = strrchr(dest, '/');

	*placed = false;
	if (slash) {
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - dest), dest);
		if (image_mkdir_p(parent, 0700, err) < 0)
			return -1;
	}
	if (renameat2(AT_FDCWD, staged, AT_FDCWD, dest, RENAME_NOREPLACE) < 0) {
		if (errno == EEXIST || errno == ENOTEMPTY) {
			berr ignored;

			/* Another writer placed the same content first: use theirs. */
			fs_remove_tree(staged, &ignored);
			return 0;
		}
		return berr_sys(err, "move %s into place", dest);
	}
	if (txn_record(t, dest, NULL, err) < 0) {
		rename(dest, staged);
		return -1;
	}
	*placed = true;
	return 0;
}

/* Moves a path out of the data root into staging, undoably: the move is
 * in the staging journal first, so if this process dies before its store
 * transaction commits, the next collector puts the path back. */
int image_fs_txn_remove(struct image_fs_txn *t, const char *dest, berr *err)
{
	char aside[4096], line[8300];

	image_staging_name(t->sg, "removed", aside, sizeof(aside));
	snprintf(line, sizeof(line), "removed\t%s\t%s\n", aside, dest);
	if (journal_append(t->sg, line, err) < 0)
		return -1;
	if (rename(dest, aside) < 0) {
		if (errno == ENOENT)
			return 0;
		return berr_sys(err, "remove %s", dest);
	}
	if (txn_record(t, dest, aside, err) < 0) {
		rename(aside, dest);
		return -1;
	}
	return 0;
}

/* Frees the change list. */
static void txn_free(struct image_fs_txn *t)
{
	for (size_t i = 0; i < t->count; i++) {
		free(t->changes[i].dest);
		free(t->changes[i].aside);
	}
	free(t->changes);
	t->changes = NULL;
	t->count = t->cap = 0;
}

/* Deletes what was moved aside; the placed files stay. The journal says
 * so first, so a collector never puts back what a committed removal took. */
void image_fs_txn_commit(struct image_fs_txn *t)
{
	berr ignored;

	if (t->count)
		journal_append(t->sg, JOURNAL_COMMITTED, NULL);

	for (size_t i = 0; i < t->count; i++)
		if (t->changes[i].aside)
			fs_remove_tree(t->changes[i].aside, &ignored);
	txn_free(t);
}

/* Removes what was placed and puts back what was moved aside. */
void image_fs_txn_rollback(struct image_fs_txn *t)
{
	berr ignored;

	for (size_t i = t->count; i-- > 0;) {
		struct image_fs_change *c = &t->changes[i];

		if (c->aside)
			rename(c->aside, c->dest);
		else
			fs_remove_tree(c->dest, &ignored);
	}
	txn_free(t);
}
