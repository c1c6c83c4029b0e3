/* Filter sets with docker's filters.Args semantics. */
#include "engine/core/filters.h"

#include <ctype.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* True when the array holds exactly the string s. */
static bool array_has(json_t *values, const char *s)
{
	json_t *item;
	size_t i;

	json_array_foreach (values, i, item)
		if (json_is_string(item) && strcmp(json_string_value(item), s) == 0)
			return true;
	return false;
}

/* Appends s to a JSON array of strings unless it is already there. */
static int array_add_unique(json_t *array, const char *s)
{
	if (array_has(array, s))
		return 0;
	return json_array_append_new(array, json_string(s));
}

/* Copies s[0..n) without surrounding spaces (Go's strings.TrimSpace). */
static char *trimmed_copy(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return strndup(s, n);
}

/* Adds value under key, creating the key's array when needed. */
static int filters_put(json_t *filters, const char *key, const char *value)
{
	json_t *values = json_object_get(filters, key);

	if (!json_is_array(values)) {
		values = json_array();
		if (!values || json_object_set_new(filters, key, values) < 0)
			return -1;
	}
	return array_add_unique(values, value);
}

/* Adds a --filter argument to a set. */
int filters_add(json_t *filters, const char *arg, berr *err)
{
	const char *eq;
	char *key, *value;
	int rc;

	if (arg[0] == '\0')
		return 0;
	eq = strchr(arg, '=');
	if (!eq)
		return berr_set(err, BERR_INVALID, "bad format of filter (expected name=value)");
	key = trimmed_copy(arg, (size_t)(eq - arg));
	value = trimmed_copy(eq + 1, strlen(eq + 1));
	if (!key || !value) {
		free(key);
		free(value);
		return berr_set(err, BERR_SYSTEM, "out of memory");
	}
	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	rc = filters_put(filters, key, value);
	free(key);
	free(value);
	if (rc < 0)
		return berr_set(err, BERR_SYSTEM, "out of memory");
	return 0;
}

/* Refuses keys a command does not know. */
int filters_validate(json_t *filters, const char *const *allowed_keys, berr *err)
{
	const char *key;
	json_t *values;

	json_object_foreach (filters, key, values) {
		bool ok = false;

		for (const char *const *a = allowed_keys; a && *a; a++)
			if (strcmp(*a, key) == 0)
				ok = true;
		if (!ok)
			return berr_set(err, BERR_INVALID, "invalid filter '%s'", key);
	}
	return 0;
}

/* Adds the values of one API key, given as an array or as {"v": true}. */
static int from_api_values(json_t *out, const char *key, json_t *values)
{
	const char *name;
	json_t *item;
	size_t i;

	if (!json_is_array(json_object_get(out, key)) &&
	    json_object_set_new(out, key, json_array()) < 0)
		return -1;
	/* Go decodes null into an empty map: the key is there, with no values. */
	if (json_is_null(values))
		return 0;
	if (json_is_array(values)) {
		json_array_foreach (values, i, item) {
			if (!json_is_string(item))
				return -1;
			if (filters_put(out, key, json_string_value(item)) < 0)
				return -1;
		}
		return 0;
	}
	if (!json_is_object(values))
		return -1;
	json_object_foreach (values, name, item) {
		if (!json_is_boolean(item))
			return -1;
		if (json_is_true(item) && filters_put(out, key, name) < 0)
			return -1;
	}
	return 0;
}

/* Normalizes the filters of an Engine API request. */
json_t *filters_from_api(json_t *v)
{
	json_t *out = json_object();
	const char *key;
	json_t *values;

	if (!out || !v)
		return out;
	if (!json_is_object(v)) {
		json_decref(out);
		return NULL;
	}
	json_object_foreach (v, key, values) {
		if (from_api_values(out, key, values) < 0) {
			json_decref(out);
			return NULL;
		}
	}
	return out;
}

/* Whether the key was given at all. */
bool filters_has(json_t *filters, const char *key)
{
	return filters && json_object_get(filters, key) != NULL;
}

/* The values of key, or NULL when the key is absent or has none: either
 * way nothing to filter on. */
static json_t *values_of(json_t *filters, const char *key)
{
	json_t *values = filters ? json_object_get(filters, key) : NULL;

	if (!json_is_array(values) || json_array_size(values) == 0)
		return NULL;
	return values;
}

/* docker's MatchKVList: every "k" / "k=v" among the key's values matches. */
static bool match_kv_list(json_t *values, json_t *labels)
{
	json_t *item;
	size_t i;

	if (!json_is_object(labels) || json_object_size(labels) == 0)
		return false;
	json_array_foreach (values, i, item) {
		const char *want = json_string_value(item);
		const char *eq, *have;
		json_t *label;
		char *name;

		if (!want)
			return false;
		eq = strchr(want, '=');
		name = strndup(want, eq ? (size_t)(eq - want) : strlen(want));
		label = name ? json_object_get(labels, name) : NULL;
		free(name);
		if (!label)
			return false;
		have = json_is_string(label) ? json_string_value(label) : "";
		if (eq && strcmp(eq + 1, have) != 0)
			return false;
	}
	return true;
}

/* Applies "label" and "label!" filters to an object's labels. */
bool filters_match_label(json_t *filters, json_t *labels)
{
	json_t *values = values_of(filters, "label");
	json_t *excluded = values_of(filters, "label!");

	if (values && !match_kv_list(values, labels))
		return false;
	if (excluded && match_kv_list(excluded, labels))
		return false;
	return true;
}

/* Equality filter (status=running). */
bool filters_match_exact(json_t *filters, const char *key, const char *value)
{
	json_t *values = values_of(filters, key);

	return !values || array_has(values, value);
}

/* Prefix filter (id=3f2a). */
bool filters_match_prefix(json_t *filters, const char *key, const char *value)
{
	json_t *values = values_of(filters, key);
	json_t *item;
	size_t i;

	if (!values)
		return true;
	json_array_foreach (values, i, item) {
		const char *p = json_string_value(item);

		if (p && strncmp(value, p, strlen(p)) == 0)
			return true;
	}
	return false;
}

/* Regular expression filter (name=^web). */
bool filters_match_regex(json_t *filters, const char *key, const char *value)
{
	json_t *values = values_of(filters, key);
	json_t *item;
	size_t i;

	if (!values || filters_match_exact(filters, key, value))
		return true;
	json_array_foreach (values, i, item) {
		const char *pattern = json_string_value(item);
		regex_t re;
		bool match;

		if (!pattern || regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
			continue;
		match = regexec(&re, value, 0, NULL, 0) == 0;
		regfree(&re);
		if (match)
			return true;
	}
	return false;
}

/* Shell pattern filter (reference=busy*). */
bool filters_match_glob(json_t *filters, const char *key, const char *value)
{
	json_t *values = values_of(filters, key);
	json_t *item;
	size_t i;

	if (!values)
		return true;
	json_array_foreach (values, i, item) {
		const char *pattern = json_string_value(item);

		if (pattern && fnmatch(pattern, value, FNM_PATHNAME) == 0)
			return true;
	}
	return false;
}

/* The values joined with ',' for error messages. */
static void join_values(json_t *values, char *buf, size_t n)
{
	size_t len = 0;
	json_t *item;
	size_t i;

	buf[0] = '\0';
	json_array_foreach (values, i, item) {
		const char *s = json_string_value(item);

		if (s && len < n)
			len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? "," : "", s);
	}
}

/* Reads a true/false filter such as dangling. */
int filters_bool(json_t *filters, const char *key, int *out, berr *err)
{
	json_t *values = filters ? json_object_get(filters, key) : NULL;
	bool is_true, is_false;
	char list[512];

	*out = -1;
	if (!values)
		return 0;
	if (!json_is_array(values) || json_array_size(values) == 0)
		return berr_set(err, BERR_INVALID, "invalid filter '%s'", key);
	is_true = array_has(values, "true") || array_has(values, "1");
	is_false = array_has(values, "false") || array_has(values, "0");
	/* Neither, or both at once ("dangling=true" and "dangling=0"). */
	if (is_true == is_false) {
		join_values(values, list, sizeof(list));
		return berr_set(err, BERR_INVALID, "invalid filter '%s=%s'", key, list);
	}
	*out = is_true;
	return 0;
}
