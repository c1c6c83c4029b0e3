/* A tar stream copied with its top name changed: what `cp a c:/dir/b`
 * sends a daemon, which unpacks archives into a directory and knows
 * nothing of cp's renaming. */
#ifndef BERTH_CORE_TAR_RENAME_H
#define BERTH_CORE_TAR_RENAME_H

#include "engine/core/error.h"

/* Copies the tar on in_fd to out_fd (pax), each entry named from or
 * from/... named to or to/... instead (hard links' targets too); other
 * entries are copied as they are. */
int tar_rename_top(int in_fd, int out_fd, const char *from, const char *to, berr *err);

#endif
