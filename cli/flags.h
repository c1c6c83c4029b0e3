/* Command-line options the way the docker CLI (cobra/pflag) reads them.
 *
 * A command describes its options in a table of flag_spec entries ending
 * with a zeroed entry; flags_parse fills the targets. Accepted forms:
 *   --name value   --name=value   -n value   -nvalue   -n=value
 *   -dit           (booleans combined; a value-taking letter at the end of
 *                   a group takes the rest of the group or the next arg)
 *   --rm --rm=true --rm=false   (booleans never take a separate argument)
 *   --             (ends the options; what follows is positional)
 *   -              (a lone dash is a positional)
 * Error messages are pflag's, word for word, with kind BERR_INVALID. */
#ifndef BERTH_CLI_FLAGS_H
#define BERTH_CLI_FLAGS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/error.h"

/* A growable list of malloc'd strings. A zeroed struct is an empty list;
 * once something is pushed, items[len] is NULL (usable as an argv/envp). */
struct strlist {
	char **items;
	size_t len, cap;
};

/* Appends a copy of s. Returns 0, or -1 with errno ENOMEM. */
int strlist_push(struct strlist *list, const char *s);

/* Appends s itself, taking ownership of it (freed on failure too). */
int strlist_push_owned(struct strlist *list, char *s);

/* Frees every item and the array, leaving an empty list. */
void strlist_free(struct strlist *list);

enum flag_kind {
	FLAG_BOOL,   /* target: bool * */
	FLAG_STRING, /* target: char ** (NULL or malloc'd; replaced on repeat) */
	FLAG_INT,    /* target: long * (Go's ParseInt base 0: 10, 0x1f, 0o17, 0b1) */
	FLAG_LIST    /* target: struct strlist * (each use appends one item) */
};

struct flag_spec {
	const char *name;       /* long name without dashes: "detach" */
	char shorthand;         /* 'd', or 0 for none */
	enum flag_kind kind;
	void *target;
	const char *value_name; /* shown in usage; NULL: "string", "int", "list" */
	const char *usage;
};

/* Parses argv[1..argc) against specs; argv[0] is the command's name and is
 * skipped, as with getopt.
 *
 * interspersed=false: parsing stops at the first positional argument (run,
 * create, exec: the rest is the container's command, options included).
 * interspersed=true: options may follow positionals ("rm web -f").
 *
 * Either way argv is reordered on success so that argv[1..*first_arg) hold
 * the options (with their separate values and any "--"), in the order they
 * came, and argv[*first_arg..argc) hold the positionals, in the order they
 * came. Only the pointers in argv move; no string is modified. Without
 * interspersed options this order is the original one. On error argv is
 * left as it was; targets set before the error keep their new values.
 *
 * A FLAG_STRING target must start NULL or malloc'd: a repeat frees the old
 * value. flags_free releases what the targets hold afterwards. */
int flags_parse(const struct flag_spec *specs, int argc, char **argv, bool interspersed,
		int *first_arg, berr *err);

/* Frees every FLAG_STRING target (set to NULL) and FLAG_LIST target. */
void flags_free(const struct flag_spec *specs);

/* A Docker-like "Options:" block, flags sorted by long name, usage texts
 * aligned three spaces after the longest flag column, non-zero defaults
 * (read from the targets now) appended as "(default ...)". Returns a
 * malloc'd string, or NULL when out of memory. */
char *flags_usage(const struct flag_spec *specs);

#endif
