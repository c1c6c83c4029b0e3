#include "engine/core/paths.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

const char *paths_default_root(void)
{
	const char *root = getenv("BERTH_ROOT");

	return root && *root ? root : BERTH_DEFAULT_ROOT;
}

const char *paths_default_run(void)
{
	const char *run = getenv("BERTH_RUN");

	return run && *run ? run : BERTH_DEFAULT_RUN;
}

char *paths_join(char *buf, size_t size, const char *root, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(buf, size, "%s/", root);

	if (n < 0 || (size_t)n >= size)
		return NULL;
	va_start(ap, fmt);
	int m = vsnprintf(buf + n, size - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)(n + m) >= size)
		return NULL;
	return buf;
}
