/* libarchive, loaded on first use (see archive_lazy.c). */
#ifndef BERTH_CORE_ARCHIVE_LAZY_H
#define BERTH_CORE_ARCHIVE_LAZY_H

/* Loads libarchive now. Call it before entering a container's filesystem:
 * nothing may ever be loaded from inside a container root. */
int archive_preload(void);

#endif
