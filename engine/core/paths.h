/* Where things live under the data root and the run root. */
#ifndef BERTH_CORE_PATHS_H
#define BERTH_CORE_PATHS_H

#include <stddef.h>

#define BERTH_DEFAULT_ROOT "/var/lib/berth"
#define BERTH_DEFAULT_RUN "/run/berth"

/* $BERTH_ROOT or the default; $BERTH_RUN or the default. */
const char *paths_default_root(void);
const char *paths_default_run(void);

/* Formats root + "/" + the rest into buf; returns buf, or NULL when too long. */
char *paths_join(char *buf, size_t size, const char *root, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
