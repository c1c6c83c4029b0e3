/* .dockerignore, read and matched as moby/patternmatcher does: one pattern
 * a line, `#` comments, blanks trimmed, each pattern cleaned (`./a/../b` is
 * `b`, a leading `/` dropped); `*` and `?` never cross a `/`, `**` matches
 * any number of directories, `[...]` classes and `\` escapes as in Go's
 * filepath.Match; `!` re-includes. The last pattern that matches a path or
 * one of its parent directories decides. */
#ifndef BERTH_CORE_DOCKERIGNORE_H
#define BERTH_CORE_DOCKERIGNORE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/error.h"

struct ignore_pattern {
	char *text;     /* cleaned, without the `!` */
	bool exclusion; /* a `!` pattern */
};

struct dockerignore {
	struct ignore_pattern *patterns;
	size_t n;
	bool has_exclusions;
};

/* Parses the file's text; an empty text gives a matcher that keeps all. */
int dockerignore_parse(const char *text, size_t len, struct dockerignore *out, berr *err);
void dockerignore_free(struct dockerignore *di);

/* Is the path (relative to the context, `/`-separated, no leading `/`)
 * left out of the context? */
bool dockerignore_excludes(const struct dockerignore *di, const char *path);

/* May anything below the excluded directory `dir` be re-included (so a
 * walk must still look inside it)? */
bool dockerignore_may_include_below(const struct dockerignore *di, const char *dir);

/* Go's filepath.Match over `/`-separated paths, plus `**` segments; also
 * what COPY's source wildcards use. */
bool glob_match(const char *pattern, const char *path);

#endif
