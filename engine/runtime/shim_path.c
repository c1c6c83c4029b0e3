/* Where the monitor's binary is: found once from the berth binary's own
 * place, as an installed or a freshly built berth has it. */
#include "engine/runtime/shim_path.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int runtime_shim_path(char *buf, size_t n, berr *err)
{
	static const char *const places[] = {"berth-shim", "../libexec/berth/berth-shim"};
	const char *env = getenv("BERTH_SHIM");
	char exe[PATH_MAX];
	ssize_t len;

	if (env && *env) {
		snprintf(buf, n, "%s", env);
		return 0;
	}
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len < 0)
		return berr_sys(err, "finding the berth binary");
	exe[len] = '\0';
	dirname(exe);
	for (size_t i = 0; i < sizeof(places) / sizeof(places[0]); i++) {
		snprintf(buf, n, "%s/%s", exe, places[i]);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	return berr_set(err, BERR_SYSTEM,
			"cannot find berth-shim beside %s or in ../libexec/berth (set BERTH_SHIM)",
			exe);
}

int runtime_logger_path(char *buf, size_t n, berr *err)
{
	char shim[PATH_MAX];

	if (runtime_shim_path(shim, sizeof(shim), err) < 0)
		return -1;
	char *slash = strrchr(shim, '/');
	snprintf(buf, n, "%.*s/berth-logger", slash ? (int)(slash - shim) : 1, slash ? shim : ".");
	if (access(buf, X_OK) != 0)
		return berr_set(err, BERR_SYSTEM, "cannot find berth-logger beside %s", shim);
	return 0;
}
