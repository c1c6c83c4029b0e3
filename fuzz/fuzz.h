/* What the fuzz targets share: the libFuzzer entry point, the input as a C
 * string or as lines, and a check that stays on in every build. */
#ifndef BERTH_FUZZ_FUZZ_H
#define BERTH_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Aborts, so that libFuzzer keeps the input, when a property of the parser
 * under test does not hold. */
#define FUZZ_CHECK(cond)                                                                          \
	do {                                                                                      \
		if (!(cond)) {                                                                    \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);  \
			abort();                                                                  \
		}                                                                                 \
	} while (0)

/* The input as a NUL-terminated string; what follows an inner NUL is cut
 * off, as it would be on a command line. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Splits s in place at each '\n'; returns the next line, or NULL after the last. */
static inline char *fuzz_next_line(char **cursor)
{
	char *line = *cursor, *nl;

	if (!line)
		return NULL;
	nl = strchr(line, '\n');
	if (nl) {
		*nl = '\0';
		*cursor = nl + 1;
	} else {
		*cursor = NULL;
	}
	return line;
}

#endif
