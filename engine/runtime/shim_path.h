/* Where the monitor's binaries are. */
#ifndef BERTH_RUNTIME_SHIM_PATH_H
#define BERTH_RUNTIME_SHIM_PATH_H

#include <stddef.h>

#include "engine/core/error.h"

/* berth-shim: $BERTH_SHIM when set, else beside the berth binary (a build
 * directory), else in <prefix>/libexec/berth for a berth installed in
 * <prefix>/bin. */
int runtime_shim_path(char *buf, size_t n, berr *err);

/* berth-logger, the monitor's helper for receivers and compression: beside
 * berth-shim. */
int runtime_logger_path(char *buf, size_t n, berr *err);

#endif
