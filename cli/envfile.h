/* Environment variables from --env-file files and -e flags, by docker's rules. */
#ifndef BERTH_CLI_ENVFILE_H
#define BERTH_CLI_ENVFILE_H

#include "cli/flags.h"
#include "engine/core/error.h"

/* Appends the variables of an env file to out, one "KEY=VALUE" per item:
 * - leading whitespace is trimmed, trailing whitespace is part of the value;
 * - blank lines and lines starting with '#' are skipped;
 * - "KEY=VALUE" is kept as written (quotes are not removed);
 * - a bare "KEY" takes its value from the current environment, and is
 *   dropped when the variable is not set;
 * - a UTF-8 byte order mark at the start and "\r" before "\n" are ignored.
 * Errors (BERR_INVALID unless the file cannot be read): a key containing a
 * space or tab, a line with no key ("=x"), invalid UTF-8, a NUL byte. The
 * message starts with the path. On error out is left as it was. */
int envfile_parse(const char *path, struct strlist *out, berr *err);

/* Appends the value of one -e/--env flag to out: "KEY=VAL" as is, "KEY"
 * as "KEY=<value>" when KEY is set in the environment and as the bare
 * "KEY" otherwise (docker sends it that way; the engine reads a bare name
 * as "unset this variable"). Returns 0, or -1 when arg has no name ("" or
 * "=x"; the caller reports "invalid environment variable: <arg>") or when
 * out of memory (errno ENOMEM). */
int env_from_flag(const char *arg, struct strlist *out);

#endif
