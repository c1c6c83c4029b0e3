/* Files as tar streams and back. */
#ifndef BERTH_CORE_TARSTREAM_H
#define BERTH_CORE_TARSTREAM_H

#include "engine/core/error.h"

/* Writes path as a tar on out_fd. Entries are named after the path's last
 * component ("dir", "dir/a", ...), or "." and "./a" for a path ending in
 * "/." (the directory's contents). */
int tarstream_write(const char *path, int out_fd, berr *err);

/* Extracts the tar read from in_fd under dir, renaming a leading entry
 * component `from` to `to` when both are given. Changes the working
 * directory to dir. */
int tarstream_extract(const char *dir, const char *from, const char *to, int in_fd, berr *err);

#endif
