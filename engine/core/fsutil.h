/* Small filesystem and process helpers used across the engine. */
#ifndef BERTH_CORE_FSUTIL_H
#define BERTH_CORE_FSUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "engine/core/error.h"

/* Reads a whole (small) file into a NUL-terminated malloc'd buffer. */
int fs_read_file(const char *path, char **out, size_t *len, berr *err);

/* Writes data to path through a temporary file and rename (mode 0644). */
int fs_write_atomic(const char *path, const void *data, size_t len, berr *err);

/* mkdir -p with the given mode for the last component. */
int fs_mkdir_p(const char *path, mode_t mode, berr *err);

/* Removes a tree without following symlinks; missing is fine. Unmounts
 * nothing: callers make sure nothing is mounted under it. */
int fs_remove_tree(const char *path, berr *err);

/* Field 22 of /proc/<pid>/stat (start time in clock ticks), 0 if gone. */
uint64_t proc_start_time(pid_t pid);

/* Reads "<pid> <starttime>" from a pid file and tells whether that very
 * process still exists. *pid is set either way (0 when unreadable). */
bool proc_pidfile_alive(const char *path, pid_t *pid);

/* Generates 32 random bytes as 64 lowercase hex digits. */
int random_hex_id(char out[65], berr *err);

#endif
