/* Reading the logs berth keeps: json-file lines and the local format's
 * framed entries, from a file or from a rotated file inflated in memory. */
#ifndef BERTH_LOGGING_LOG_READ_H
#define BERTH_LOGGING_LOG_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <jansson.h>

#include "engine/core/error.h"
#include "engine/logging/log_config.h"

/* One entry as the faces get it: line ends with '\n' unless it is a piece
 * of a longer line (json-file's rule; local entries get it added). */
struct log_entry {
	int stream; /* 1 stdout, 2 stderr */
	int64_t time_ns;
	const char *time_text; /* json-file's own text; NULL for local */
	const char *line;
	size_t len;
	json_t *attrs; /* borrowed, may be NULL */
};

/* A file to read: an open descriptor, or bytes in memory (a .gz). */
struct log_source {
	int fd;		 /* a plain file; -1 for a .gz */
	int gz_fd;	 /* a .gz, inflated into mem when first read; else -1 */
	char *mem;	 /* owned */
	off_t size;	 /* of mem, or where reading of fd stops (-1: its end) */
};

/* Opens path (held open: a rename does not change what is read); a file
 * ending in ".gz" is inflated when first read. */
int log_source_open(const char *path, struct log_source *src, berr *err);
/* Gives back a .gz's inflated bytes (inflated again if read again). */
void log_source_unload(struct log_source *src);
void log_source_close(struct log_source *src);
ssize_t log_source_pread(const struct log_source *src, void *buf, size_t n, off_t off);
/* The source's length now (fd: its size, or the stop). */
off_t log_source_size(const struct log_source *src);

/* The offset where the last `tail` entries begin (0 when it has fewer);
 * *count receives how many entries it has, at most tail. */
off_t log_tail_offset(enum log_store_format fmt, const struct log_source *src, long tail,
		      long *count);

/* Calls fn for each complete entry of data[0, len); returns the bytes
 * used (a partial entry at the end is left). fn returning nonzero stops
 * the walk (*stopped set). */
typedef int (*log_entry_fn)(void *user, const struct log_entry *e);
size_t log_decode(enum log_store_format fmt, const char *data, size_t len, log_entry_fn fn,
		  void *user, bool *stopped);

#endif
