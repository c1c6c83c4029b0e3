/* Comma-separated lists of words ("rbind,ro,nosuid"), as mount options and
 * volume modes are written. */
#ifndef BERTH_CORE_STRLIST_H
#define BERTH_CORE_STRLIST_H

#include <stdbool.h>

/* Is word one of the list's elements (whole elements only)? */
bool strlist_has(const char *list, const char *word);

#endif
