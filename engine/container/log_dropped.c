/* The monitor's count of log lines it could not deliver (<run>/log-dropped,
 * written by engine/runtime/shim/log_forward.c): inspect shows it, the
 * sync announces its growth. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "engine/container/internal.h"
#include "engine/core/fsutil.h"

long long container_log_dropped(struct engine *engine, const struct container *c)
{
	char run_dir[PATH_MAX], path[PATH_MAX + 16], *text = NULL;
	long long n = 0;

	container_run_dir(engine, c->id, run_dir, sizeof(run_dir));
	snprintf(path, sizeof(path), "%s/log-dropped", run_dir);
	if (fs_read_file(path, &text, NULL, NULL) == 0)
		n = strtoll(text, NULL, 10);
	free(text);
	return n;
}
