/* `--filter key=value` sets, as docker's filters.Args.
 *
 * A filter set is a jansson object mapping each key to an array of distinct
 * string values, {"label": ["a=b", "c"], "status": ["running"]}: the form
 * docker-py sends to the Engine API. Within one key, values are alternatives
 * (any may match) except for "label", where every value must match; keys
 * are all required. A key that is absent does not filter anything. */
#ifndef BERTH_CORE_FILTERS_H
#define BERTH_CORE_FILTERS_H

#include <jansson.h>
#include <stdbool.h>

#include "engine/core/error.h"

/* Adds one "key=value" argument (split at the first '='; key lowercased,
 * both sides trimmed of spaces, a value already there is not repeated). An
 * empty argument is ignored. No '=': BERR_INVALID "bad format of filter
 * (expected name=value)". */
int filters_add(json_t *filters, const char *arg, berr *err);

/* Fails with BERR_INVALID "invalid filter 'foo'" for the first key not
 * among allowed_keys (a NULL-terminated list). */
int filters_validate(json_t *filters, const char *const *allowed_keys, berr *err);

/* Normalizes an Engine API filters value: {"k": ["v"]} (docker-py) or
 * {"k": {"v": true}} (the docker CLI; values mapped to false are left out);
 * {"k": null} is the key with no values. NULL gives an empty set. Returns
 * a new object, or NULL when v has any other shape. */
json_t *filters_from_api(json_t *v);

/* True when the key is present (even with no values). */
bool filters_has(json_t *filters, const char *key);

/* Docker's label filters against an object of string labels (NULL: none):
 * every "label" value must match, "k" by presence and "k=v" by value; and
 * when "label!" values are given ("label!=k=v" on the command line) and
 * all of them match, the object is excluded. */
bool filters_match_label(json_t *filters, json_t *labels);

/* True when key is absent or one of its values equals value. */
bool filters_match_exact(json_t *filters, const char *key, const char *value);

/* True when key is absent or one of its values is a prefix of value (ids). */
bool filters_match_prefix(json_t *filters, const char *key, const char *value);

/* True when key is absent, one of its values equals value, or one of them,
 * as a POSIX extended regular expression, matches somewhere in value (how
 * docker matches names). Values that do not compile are skipped. */
bool filters_match_regex(json_t *filters, const char *key, const char *value);

/* True when key is absent or one of its values, as a shell pattern, matches
 * value ('*' does not cross '/', as Go's path.Match). For reference=...,
 * docker tries the familiar "name:tag" and then the bare familiar name. */
bool filters_match_glob(json_t *filters, const char *key, const char *value);

/* Reads a boolean filter ("dangling=true"): *out is -1 when the key is
 * absent, else 1 or 0 ("true"/"1", "false"/"0"). Conflicting or other
 * values: BERR_INVALID "invalid filter 'dangling=maybe'". */
int filters_bool(json_t *filters, const char *key, int *out, berr *err);

#endif
