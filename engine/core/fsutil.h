/* Small filesystem and process helpers used across the engine. */
#ifndef BERTH_CORE_FSUTIL_H
#define BERTH_CORE_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "engine/core/error.h"

/* Reads a whole (small) file into a NUL-terminated malloc'd buffer. */
int fs_read_file(const char *path, char **out, size_t *len, berr *err);

/* Writes data to path through a temporary file and rename, mode 0600:
 * specs and state files may hold a container's environment. */
int fs_write_atomic(const char *path, const void *data, size_t len, berr *err);

/* The same with the given mode, whatever the umask (0644 for the files a
 * container's own user must read through a bind mount). */
int fs_write_atomic_mode(const char *path, const void *data, size_t len, mode_t mode, berr *err);

/* mkdir -p with the given mode for the last component. */
int fs_mkdir_p(const char *path, mode_t mode, berr *err);

/* Removes a tree without following symlinks; missing is fine. Unmounts
 * nothing: callers make sure nothing is mounted under it. */
int fs_remove_tree(const char *path, berr *err);

/* rm -rf of path with system calls alone (no malloc, no stdio): what a
 * child forked from a threaded process may do, since another thread may
 * have held the allocator's lock at the fork. Never follows a symlink;
 * gives up 64 directories deep. */
int fs_remove_tree_raw(const char *path);

/* rm -rf of name under dirfd, never following a symlink. */
int fs_remove_tree_at(int dirfd, const char *name, berr *err);

/* A path cleaned lexically into a relative one: no leading "/", no "." or
 * empty parts, each ".." taking the part before it away. A ".." above the
 * top stops there, or is an error (-2) with refuse_escape; -1 when out is
 * too small. "" names the top itself. */
int fs_path_clean(const char *in, char *out, size_t size, bool refuse_escape);

/* openat2 with RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS (plus `resolve`, e.g.
 * RESOLVE_NO_XDEV): rel is resolved as if root_fd were "/", symlinks and
 * ".." included, so nothing leads outside root_fd. O_CLOEXEC is added.
 * Returns the fd, or -1 with errno set. */
/* Bytes of the files under a directory: apparent sizes, a file with
 * several names counted once, symlinks not followed, as Docker's SizeRw
 * and volume sizes count them. At most 256 levels deep, one fd per level,
 * and never past INT64_MAX whatever the tree's owner made. Takes over
 * dirfd. */
int64_t fs_tree_bytes(int dirfd);

int fs_openat_in_root(int root_fd, const char *rel, int flags, mode_t mode, uint64_t resolve);

/* A regular file at rel inside root_fd (resolved as fs_openat_in_root
 * does, symlinks inside the root followed) opened for reading, never
 * opening anything else: the name is opened O_PATH, checked with fstat,
 * and only a regular file is reopened (the same inode, through
 * /proc/self/fd), so a fifo never blocks and no device driver's open
 * runs. -1 with errno (EINVAL: not a regular file); *st when not NULL. */
int fs_open_regular_in_root(int root_fd, const char *rel, struct stat *st);
/* The file an O_PATH fd names, opened with flags (the very inode). */
int fs_reopen(int path_fd, int flags);

/* Field 22 of /proc/<pid>/stat (start time in clock ticks), 0 if gone. */
uint64_t proc_start_time(pid_t pid);

/* Reads "<pid> <starttime>" from a pid file and tells whether that very
 * process still exists. *pid is set either way (0 when unreadable). */
bool proc_pidfile_alive(const char *path, pid_t *pid);

/* The same with a third answer: 1 alive, 0 gone, -1 unknown (the pidfile
 * or /proc could not be read: out of descriptors, memory...). What decides
 * that a container has ended must take -1 as "not known to have ended". */
int proc_pidfile_check(const char *path, pid_t *pid);

/* Writes "<pid> <starttime>" of this process to path: a record of an
 * operation in progress that proc_pidfile_alive tells apart from one
 * whose process died. */
int proc_pidfile_write(const char *path, berr *err);

/* Generates 32 random bytes as 64 lowercase hex digits. */
int random_hex_id(char out[65], berr *err);

#endif
