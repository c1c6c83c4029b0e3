/* Allocation that cannot fail: out of memory, a berth process (engine,
 * face or monitor) says so on stderr and aborts. One set for the whole
 * project; libc only, so the monitor uses it too. */
#ifndef BERTH_CORE_ALLOC_H
#define BERTH_CORE_ALLOC_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
/* realloc of an array of n elements, refusing a product that overflows. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* A new formatted string. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
