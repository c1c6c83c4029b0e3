/* Words of a Dockerfile instruction as BuildKit's shell lexer reads them
 * (frontend/dockerfile/shell): single quotes keep everything, double
 * quotes keep all but `$` and the escaped `"`, `$`, escape; the escape
 * character (`\` or the `# escape=` one) takes the next character as it
 * is; `$NAME`, `${NAME}`, `${NAME:-word}`, `${NAME-word}`, `${NAME:+word}`,
 * `${NAME+word}`, `${NAME:?message}` and `${NAME?message}` expand from a
 * set of variables (an unset one is empty). No command substitution, no
 * globbing: what a shell would do beyond this is the RUN's shell's job. */
#ifndef BERTH_BUILD_SHELL_WORDS_H
#define BERTH_BUILD_SHELL_WORDS_H

#include <jansson.h>
#include <stddef.h>

#include "engine/core/error.h"

struct shell_env {
	json_t *vars;  /* name -> string; NULL: none */
	char escape;   /* '\\' or '`' */
	json_t *used;  /* when not NULL, every name looked up is added (name -> true) */
};

/* One word: quotes removed, variables expanded, inner blanks kept. */
int shell_word(const struct shell_env *env, const char *in, char **out, berr *err);

/* A heredoc's body: variables expanded, quotes left as they are (only
 * `$` and the escape character can be escaped). */
int shell_expand_heredoc(const struct shell_env *env, const char *in, char **out, berr *err);

/* The words after expansion, split on blanks that were not quoted (a
 * variable's value is split too, as BuildKit does). */
int shell_words(const struct shell_env *env, const char *in, char ***out, size_t *count,
		berr *err);

/* Splits on blanks outside quotes without expanding anything: quotes and
 * escapes stay in the pieces (ENV and LABEL `key=value` pairs, which are
 * expanded one by one afterwards). */
int shell_split_raw(const char *in, char escape, char ***out, size_t *count, berr *err);

void shell_words_free(char **words, size_t count);

#endif
