/* One container's changes that must not interleave across berth processes
 * (a start, the adoption of a start nobody recorded, a removal) hold an
 * flock on its bundle directory: the kernel drops it when the holder
 * exits, so a berth killed midway never leaves it held. The lock is
 * re-entrant within a thread (a removal may sync, a sync may remove). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "engine/container/internal.h"

#define HELD_MAX 4

/* The locks this thread holds. */
static __thread struct held_lock {
	char id[CONTAINER_ID_LEN + 1];
	int fd;
	int depth;
} held[HELD_MAX];

int container_lock(struct engine *engine, const char *id, bool wait, berr *err)
{
	char bundle[PATH_MAX];
	struct held_lock *slot = NULL;
	int fd, r;

	for (int i = 0; i < HELD_MAX; i++) {
		if (held[i].depth > 0 && strcmp(held[i].id, id) == 0) {
			held[i].depth++;
			return held[i].fd;
		}
		if (!slot && held[i].depth == 0)
			slot = &held[i];
	}
	if (!slot)
		return berr_set(err, BERR_SYSTEM, "locking container %s: too many locks held", id);
	container_bundle_dir(engine, id, bundle, sizeof(bundle));
	fd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? berr_set(err, BERR_NOT_FOUND, "No such container: %s", id)
		                       : berr_sys(err, "locking container %s", id);
	do
		r = flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB));
	while (r < 0 && errno == EINTR);
	if (r < 0) {
		int saved = errno;

		close(fd);
		errno = saved;
		return saved == EWOULDBLOCK ? -1
		                            : berr_errno(err, saved, "locking container %s", id);
	}
	snprintf(slot->id, sizeof(slot->id), "%s", id);
	slot->fd = fd;
	slot->depth = 1;
	return fd;
}

void container_unlock(int fd)
{
	if (fd < 0)
		return;
	for (int i = 0; i < HELD_MAX; i++)
		if (held[i].depth > 0 && held[i].fd == fd) {
			if (--held[i].depth == 0)
				close(fd);
			return;
		}
}
