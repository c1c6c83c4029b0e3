/* Filter sets with docker's filters.Args semantics. */
#include "engine/core/filters.h"

#include <ctype.h>
#include <fnmatch.h>
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/utf8.h"

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

/* Copies s[0..n) without surrounding spaces (Go's strings.TrimSpace), each
 * byte that is not valid UTF-8 replaced by U+FFFD: what the daemon gets
 * once the docker CLI has encoded the filters as JSON. */
static char *trimmed_copy(const char *s, size_t n)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return utf8_valid_copy(s, n, NULL);
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

/* A pattern glibc's regcomp would blow up on, or that Go (whose regexp
 * docker uses) refuses. glibc builds a tree with a copy of an operand per
 * repetition (x+ is x x*, x{2,5} five copies), so nested repetitions
 * multiply: ((a+)+)+... doubles per level and (a{99}){99} is 9801 copies;
 * its time and memory then grow with the square of the copies ((()+)+)...
 * ten deep takes seconds and 300 MiB). */
#define REGEX_MAX_NODES 1000
#define REGEX_MAX_REPEAT 1000 /* Go's limit on {n,m} */
#define REGEX_MAX_DEPTH 1000  /* Go's limit on nesting */
/* Repetitions of repetitions, (((a+)+)+): no filter needs more than this,
 * and glibc's epsilon closures grow exponentially with them ((^((()+)+)+)
 * six deep takes minutes). */
#define REGEX_MAX_NESTED_REPEATS 3

struct re_scan {
	const char *p;
	int depth;
	int height;      /* nested repetitions in what was parsed last */
	bool empty;      /* what was parsed last is an empty group */
	bool refused;
};

static size_t re_sum(size_t a, size_t b)
{
	return a + b > REGEX_MAX_NODES ? REGEX_MAX_NODES + 1 : a + b;
}

static size_t re_product(size_t a, size_t b)
{
	return b && a > REGEX_MAX_NODES / b ? REGEX_MAX_NODES + 1 : a * b;
}

static size_t re_alternation(struct re_scan *s, bool *anchored);

/* Skips a bracket expression, "[^]a-z[:digit:]]" included. */
static void re_skip_bracket(struct re_scan *s)
{
	s->p++;
	if (*s->p == '^')
		s->p++;
	if (*s->p == ']')
		s->p++;
	while (*s->p && *s->p != ']') {
		if (s->p[0] == '[' && (s->p[1] == ':' || s->p[1] == '=' || s->p[1] == '.')) {
			char end = s->p[1];

			for (s->p += 2; *s->p && !(s->p[0] == end && s->p[1] == ']'); s->p++)
				;
			if (*s->p)
				s->p += 2;
			continue;
		}
		s->p++;
	}
	if (*s->p)
		s->p++;
}

/* One atom: a group, a bracket expression, an escape or a character.
 * *anchored tells whether it holds an anchor or a word boundary. */
static size_t re_atom(struct re_scan *s, bool *anchored)
{
	size_t n;

	*anchored = false;
	s->height = 0;
	s->empty = false;
	switch (*s->p) {
	case '(':
		s->p++;
		if (++s->depth > REGEX_MAX_DEPTH) {
			s->refused = true;
			return 1;
		}
		n = re_alternation(s, anchored);
		s->depth--;
		if (*s->p == ')')
			s->p++;
		s->empty = n == 0;
		return re_sum(n, 1);
	case '[':
		re_skip_bracket(s);
		return 1;
	case '\\':
		/* Go has no backreferences; glibc matches them by backtracking. */
		if (s->p[1] >= '1' && s->p[1] <= '9')
			s->refused = true;
		*anchored = s->p[1] && strchr("bB<>`'", s->p[1]);
		s->p += s->p[1] ? 2 : 1;
		return 1;
	case '^':
	case '$':
		*anchored = true;
		s->p++;
		return 1;
	default:
		s->p++;
		return 1;
	}
}

/* The copies a repetition at s->p makes of its operand; 0 when there is none. */
static size_t re_repeat(struct re_scan *s)
{
	unsigned long min, max;
	const char *q = s->p + 1;
	char *end;

	if (*s->p == '*' || *s->p == '?' || *s->p == '+')
		return *s->p++ == '+' ? 2 : 1;
	if (*s->p != '{' || *q < '0' || *q > '9')
		return 0;
	min = max = strtoul(q, &end, 10);
	if (*end == ',') {
		end++;
		max = *end >= '0' && *end <= '9' ? strtoul(end, &end, 10) : min + 1;
	}
	if (*end != '}')
		return 0;
	if (min > REGEX_MAX_REPEAT || max > REGEX_MAX_REPEAT)
		s->refused = true;
	s->p = end + 1;
	if (max < min)
		max = min;
	return max ? max : 1;
}

/* A sequence of atoms, each with its repetitions. Go allows one repetition
 * and a '?' (non-greedy) after it: "a**" and "a+?+" are errors there. An
 * anchor under a repetition is refused: glibc's time grows exponentially
 * with the repetitions around one ((((^)+)+)+)+)+ takes seconds). */
static size_t re_branch(struct re_scan *s, bool *anchored)
{
	size_t total = 0;
	int height = 0;

	*anchored = false;
	while (*s->p && *s->p != '|' && *s->p != ')') {
		bool atom_anchored;
		size_t n = re_atom(s, &atom_anchored), copies;
		int repeats = 0, atom_height = s->height;
		bool empty = s->empty;

		while ((copies = re_repeat(s))) {
			/* an empty group repeated loops on nothing: refused too */
			if ((repeats++ == 1 && s->p[-1] != '?') || repeats > 2 || atom_anchored ||
			    empty)
				s->refused = true;
			n = re_sum(re_product(n, copies), 1);
		}
		if (repeats && ++atom_height > REGEX_MAX_NESTED_REPEATS)
			s->refused = true;
		if (atom_height > height)
			height = atom_height;
		*anchored |= atom_anchored;
		total = re_sum(total, n);
	}
	s->height = height;
	s->empty = false;
	return total;
}

static size_t re_alternation(struct re_scan *s, bool *anchored)
{
	size_t total = re_branch(s, anchored);
	int height = s->height;

	while (*s->p == '|') {
		bool more;

		s->p++;
		total = re_sum(total, re_sum(re_branch(s, &more), 1));
		if (s->height > height)
			height = s->height;
		*anchored |= more;
	}
	s->height = height;
	return total;
}

/* Whether a filter value is left out as a regular expression. */
static bool regex_refused(const char *pattern)
{
	struct re_scan s = {.p = pattern};
	size_t total = 0;
	bool anchored;

	while (*s.p && !s.refused && total <= REGEX_MAX_NODES) {
		total = re_sum(total, re_alternation(&s, &anchored));
		if (*s.p == ')')
			s.p++;
	}
	return s.refused || total > REGEX_MAX_NODES;
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

		if (!pattern || regex_refused(pattern) ||
		    regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
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
