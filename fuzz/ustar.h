/* Just enough of the ustar format for the fuzz targets: writing a small
 * archive in memory, and repairing the header checksums of one that a
 * mutation changed, so that inputs get past the checksum test and into the
 * code that reads the entries. */
#ifndef BERTH_FUZZ_USTAR_H
#define BERTH_FUZZ_USTAR_H

#include <stddef.h>
#include <stdint.h>

struct ustar {
	uint8_t *data;
	size_t len, cap;
};

/* Appends an entry: type '0' (file, with content), '1' (hard link to
 * target), '2' (symlink to target) or '5' (directory). Names and targets
 * too long for the header go in a pax extended header first. */
void ustar_add(struct ustar *t, char type, const char *name, const char *target,
	       const void *content, size_t len);

/* Appends the two zero blocks that end an archive. */
void ustar_finish(struct ustar *t);

void ustar_free(struct ustar *t);

/* Recomputes the checksum of every header with the ustar magic, walking
 * the archive by the sizes the headers give. */
void ustar_fix_checksums(uint8_t *data, size_t size);

#endif
