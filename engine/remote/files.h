/* Files of the docker CLI's config directory as its Go code reads and
 * writes them: Go's error words, JSON with Go's escapes and field
 * matching, and whole-file writes that never leave half a file. */
#ifndef BERTH_REMOTE_FILES_H
#define BERTH_REMOTE_FILES_H

#include <jansson.h>
#include <stddef.h>
#include <sys/stat.h>

#include "engine/core/error.h"

/* Go's text for an errno: strerror's with a lower-case first letter
 * ("no such file or directory"), written into buf. */
const char *remote_errno_text(int errnum, char *buf, size_t size);

/* Go's %q of s (quotes, backslash escapes for quotes, backslashes and
 * control bytes) into buf. */
const char *remote_go_quote(const char *s, char *buf, size_t size);

/* Reads a whole regular file of at most max bytes into a NUL-terminated
 * malloc'd buffer. Errors are Go's os.ReadFile words ("open PATH: no such
 * file or directory"), BERR_NOT_FOUND when the file is missing. */
int remote_file_read(const char *path, size_t max, char **out, size_t *len, berr *err);

/* Writes path whole: a new temporary file beside it, the data, fsync, the
 * mode (and, when like is not NULL, like's mode and owner instead), then
 * a rename over path and an fsync of the directory. A failure leaves path
 * as it was and no temporary file. */
int remote_file_write(const char *path, const void *data, size_t len, mode_t mode,
		      const struct stat *like, berr *err);

/* mkdir -p giving every folder it makes the mode, as Go's MkdirAll
 * (umask applied), with Go's error words. */
int remote_mkdir_all(const char *path, mode_t mode, berr *err);

/* The member of obj Go's encoding/json fills a struct field from: the
 * exact key, else the first key equal to it but for case. NULL if none. */
json_t *remote_json_get(const json_t *obj, const char *key);

/* json_dumps with Go's json.Marshal escapes: <, > and & as \u003c, \u003e
 * and \u0026, U+2028 and U+2029 as \u2028 and \u2029. Malloc'd; NULL when
 * v cannot be dumped. */
char *remote_json_dumps(const json_t *v, size_t flags);

#endif
