/* Dockerfiles, parsed as BuildKit's frontend parses them
 * (frontend/dockerfile/parser): parser directives at the top (`# syntax=`,
 * accepted; `# escape=`, a backslash or a backtick), comments, line
 * continuations (comment and empty lines inside one are dropped), the
 * keyword (any case), leading `--flag[=value]` words, and the exec form
 * (a JSON array of strings) where the instruction takes one, and the
 * here-documents of RUN, COPY and ADD (BuildKit's `<<EOF`). Words are not
 * expanded here: variable substitution belongs to the builder, which knows
 * the build args and the stage's ENV. Errors name the line:
 * "dockerfile parse error on line 3: unknown instruction: FOO". */
#ifndef BERTH_BUILD_DOCKERFILE_H
#define BERTH_BUILD_DOCKERFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/error.h"

struct df_flag {
	char *name;  /* "from", without the dashes */
	char *value; /* NULL for a bare --flag */
};

/* A here-document of RUN, COPY or ADD: `<<NAME` (or `<<-NAME`, leading
 * tabs stripped; `<<'NAME'` or `<<"NAME"`, not expanded), its body the
 * lines after the instruction up to one that is NAME alone. */
struct df_heredoc {
	char *name;
	char *content; /* the lines, each ending with "\n" */
	bool expand;   /* the name was not quoted */
	bool chomp;    /* <<- */
};

struct df_instruction {
	char *keyword;  /* upper case: "RUN" */
	char *original; /* the instruction as written, continuations joined */
	int line;       /* where it starts, from 1 */
	int end_line;   /* where it ends */
	struct df_flag *flags;
	size_t nflags;
	bool exec_form;  /* the arguments came as a JSON array */
	char **args;     /* exec form: the array; shell form: the rest of the line, one string */
	size_t nargs;
	struct df_heredoc *heredocs; /* in the order their markers come */
	size_t nheredocs;
};

struct dockerfile {
	char escape;  /* '\\' or '`' */
	char *syntax; /* the # syntax= directive, or NULL */
	struct df_instruction *ins;
	size_t n;
};

/* Parses text (len bytes; NUL bytes are refused). */
int dockerfile_parse(const char *text, size_t len, struct dockerfile *out, berr *err);
void dockerfile_free(struct dockerfile *df);

/* The value of a flag of an instruction, NULL when absent (a bare flag's
 * value is ""). */
const char *df_flag_value(const struct df_instruction *in, const char *name);

#endif
