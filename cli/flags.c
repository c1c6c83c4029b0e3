/* A table-driven option parser with pflag's syntax and messages. */
#include "cli/flags.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Appends s, which the list now owns. */
int strlist_push_owned(struct strlist *list, char *s)
{
	if (!s) {
		errno = ENOMEM;
		return -1;
	}
	if (list->len + 1 >= list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 8;
		char **items = realloc(list->items, cap * sizeof(*items));

		if (!items) {
			free(s);
			errno = ENOMEM;
			return -1;
		}
		list->items = items;
		list->cap = cap;
	}
	list->items[list->len++] = s;
	/* Kept NULL-terminated so the array can serve as an argv or envp. */
	list->items[list->len] = NULL;
	return 0;
}

/* Appends a copy of s. */
int strlist_push(struct strlist *list, const char *s)
{
	return strlist_push_owned(list, strdup(s));
}

/* Frees the items and leaves an empty list. */
void strlist_free(struct strlist *list)
{
	for (size_t i = 0; i < list->len; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->len = 0;
	list->cap = 0;
}

/* Where parsed arguments go: options first, positionals after. */
struct parse_out {
	char **opts;
	int nopts;
	char **pos;
	int npos;
};

/* The spec named name[0..len), or NULL. */
static const struct flag_spec *find_long(const struct flag_spec *specs, const char *name,
					 size_t len)
{
	for (; specs->name; specs++)
		if (strlen(specs->name) == len && memcmp(specs->name, name, len) == 0)
			return specs;
	return NULL;
}

/* The spec with shorthand c, or NULL. */
static const struct flag_spec *find_short(const struct flag_spec *specs, char c)
{
	for (; specs->name; specs++)
		if (specs->shorthand && specs->shorthand == c)
			return specs;
	return NULL;
}

/* Go's strconv.ParseBool. */
static int parse_go_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/* The value of a digit in bases up to 36; 99 for anything else. */
static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* Go's strconv.ParseInt(s, 0, 64): an optional sign, a 0x/0o/0b/0 prefix
 * choosing the base, and '_' allowed between digits. Returns 0, -1 for a
 * syntax error or -2 when the value does not fit in 64 bits. */
static int parse_go_int(const char *s, long *out)
{
	bool neg = false, digit_before = false;
	unsigned base = 10;
	uint64_t v = 0, limit;
	int ndigits = 0;
	bool overflow = false;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
		digit_before = true;
	} else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		base = 8;
		s += 2;
		digit_before = true;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
		digit_before = true;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
	}
	for (; *s; s++) {
		unsigned d;

		if (*s == '_') {
			if (!digit_before || digit_value(s[1]) >= (int)base)
				return -1;
			digit_before = false;
			continue;
		}
		d = (unsigned)digit_value(*s);
		if (d >= base)
			return -1;
		digit_before = true;
		ndigits++;
		if (v > (UINT64_MAX - d) / base)
			overflow = true;
		else
			v = v * base + d;
	}
	if (ndigits == 0)
		return -1;
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (overflow || v > limit)
		return -2;
	*out = neg ? (long)(0 - v) : (long)v;
	return 0;
}

/* "-t, --time" or "--time", as pflag names a flag in value errors. */
static void flag_display_name(const struct flag_spec *spec, char *buf, size_t n)
{
	if (spec->shorthand)
		snprintf(buf, n, "-%c, --%s", spec->shorthand, spec->name);
	else
		snprintf(buf, n, "--%s", spec->name);
}

/* pflag's "invalid argument" error for a value the flag refused. */
static int invalid_value(const struct flag_spec *spec, const char *value, const char *cause,
			 berr *err)
{
	char name[256];

	flag_display_name(spec, name, sizeof(name));
	return berr_set(err, BERR_INVALID, "invalid argument \"%s\" for \"%s\" flag: %s", value,
			name, cause);
}

/* Stores one value into a flag's target. */
static int flag_set(const struct flag_spec *spec, const char *value, berr *err)
{
	char cause[512];
	char *copy;
	int rc;

	switch (spec->kind) {
	case FLAG_BOOL:
		if (parse_go_bool(value, (bool *)spec->target) < 0) {
			snprintf(cause, sizeof(cause),
				 "strconv.ParseBool: parsing \"%s\": invalid syntax", value);
			return invalid_value(spec, value, cause, err);
		}
		return 0;
	case FLAG_STRING:
		copy = strdup(value);
		if (!copy)
			return berr_errno(err, ENOMEM, "--%s", spec->name);
		free(*(char **)spec->target);
		*(char **)spec->target = copy;
		return 0;
	case FLAG_INT:
		rc = parse_go_int(value, (long *)spec->target);
		if (rc < 0) {
			snprintf(cause, sizeof(cause), "strconv.ParseInt: parsing \"%s\": %s", value,
				 rc == -1 ? "invalid syntax" : "value out of range");
			return invalid_value(spec, value, cause, err);
		}
		return 0;
	case FLAG_LIST:
		if (strlist_push((struct strlist *)spec->target, value) < 0)
			return berr_errno(err, ENOMEM, "--%s", spec->name);
		return 0;
	}
	return berr_set(err, BERR_INVALID, "flag --%s has an unknown kind", spec->name);
}

/* Formats a shorthand letter the way Go's %q formats a rune. */
static void quote_letter(char c, char *buf, size_t n)
{
	unsigned char u = (unsigned char)c;

	if (c == '\'' || c == '\\')
		snprintf(buf, n, "'\\%c'", c);
	else if (u >= 0x20 && u < 0x7f)
		snprintf(buf, n, "'%c'", c);
	else
		snprintf(buf, n, "'\\x%02x'", u);
}

/* Handles "--name", "--name=value" and "--name value" at argv[*i]. */
static int parse_long(const struct flag_spec *specs, int argc, char **argv, int *i,
		      struct parse_out *out, berr *err)
{
	const char *arg = argv[*i];
	const char *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	const struct flag_spec *spec;
	const char *value;

	if (name[0] == '-' || name[0] == '=')
		return berr_set(err, BERR_INVALID, "bad flag syntax: %s", arg);
	spec = find_long(specs, name, len);
	if (!spec)
		return berr_set(err, BERR_INVALID, "unknown flag: --%.*s", (int)len, name);
	out->opts[out->nopts++] = argv[*i];
	if (eq) {
		value = eq + 1;
	} else if (spec->kind == FLAG_BOOL) {
		value = "true";
	} else if (*i + 1 < argc) {
		value = argv[++*i];
		out->opts[out->nopts++] = argv[*i];
	} else {
		return berr_set(err, BERR_INVALID, "flag needs an argument: --%s", name);
	}
	return flag_set(spec, value, err);
}

/* Handles a group of shorthands at argv[*i]: "-d", "-dit", "-ePATH=x",
 * "-e=x", "-e value". */
static int parse_short(const struct flag_spec *specs, int argc, char **argv, int *i,
		       struct parse_out *out, berr *err)
{
	const char *group = argv[*i] + 1;
	char letter[16];

	out->opts[out->nopts++] = argv[*i];
	while (*group) {
		const struct flag_spec *spec = find_short(specs, *group);
		const char *value;
		const char *rest = group + 1;

		quote_letter(*group, letter, sizeof(letter));
		if (!spec)
			return berr_set(err, BERR_INVALID, "unknown shorthand flag: %s in -%s",
					letter, group);
		if (group[1] == '=' && group[2]) {
			value = group + 2;
			rest = "";
		} else if (spec->kind == FLAG_BOOL) {
			value = "true";
		} else if (group[1]) {
			value = group + 1;
			rest = "";
		} else if (*i + 1 < argc) {
			value = argv[++*i];
			out->opts[out->nopts++] = argv[*i];
		} else {
			return berr_set(err, BERR_INVALID, "flag needs an argument: %s in -%s",
					letter, group);
		}
		if (flag_set(spec, value, err) < 0)
			return -1;
		group = rest;
	}
	return 0;
}

/* Anything that does not start with '-', and a lone "-". */
static bool is_positional(const char *arg)
{
	return arg[0] != '-' || arg[1] == '\0';
}

/* Parses options into their targets and moves positionals to the end of argv. */
int flags_parse(const struct flag_spec *specs, int argc, char **argv, bool interspersed,
		int *first_arg, berr *err)
{
	struct parse_out out = {0};
	char **buf;
	int i;

	if (argc <= 1) {
		*first_arg = argc < 0 ? 0 : argc;
		return 0;
	}
	buf = calloc(2 * (size_t)argc, sizeof(*buf));
	if (!buf)
		return berr_errno(err, ENOMEM, "parsing options");
	out.opts = buf;
	out.pos = buf + argc;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int rc;

		if (is_positional(arg)) {
			out.pos[out.npos++] = argv[i];
			if (interspersed)
				continue;
			while (++i < argc)
				out.pos[out.npos++] = argv[i];
			break;
		}
		if (strcmp(arg, "--") == 0) {
			out.opts[out.nopts++] = argv[i];
			while (++i < argc)
				out.pos[out.npos++] = argv[i];
			break;
		}
		if (arg[1] == '-')
			rc = parse_long(specs, argc, argv, &i, &out, err);
		else
			rc = parse_short(specs, argc, argv, &i, &out, err);
		if (rc < 0) {
			free(buf);
			return -1;
		}
	}
	memcpy(argv + 1, out.opts, (size_t)out.nopts * sizeof(*argv));
	memcpy(argv + 1 + out.nopts, out.pos, (size_t)out.npos * sizeof(*argv));
	*first_arg = 1 + out.nopts;
	free(buf);
	return 0;
}

/* Releases the strings and lists the targets hold. */
void flags_free(const struct flag_spec *specs)
{
	for (; specs->name; specs++) {
		if (specs->kind == FLAG_STRING) {
			free(*(char **)specs->target);
			*(char **)specs->target = NULL;
		} else if (specs->kind == FLAG_LIST) {
			strlist_free((struct strlist *)specs->target);
		}
	}
}

/* The word shown after a flag in usage ("string", "list", ...). */
static const char *value_name(const struct flag_spec *spec)
{
	if (spec->value_name)
		return spec->value_name;
	switch (spec->kind) {
	case FLAG_STRING:
		return "string";
	case FLAG_INT:
		return "int";
	case FLAG_LIST:
		return "list";
	default:
		return "";
	}
}

/* The left column of a usage line: "  -d, --detach" or "      --name string". */
static int usage_left(const struct flag_spec *spec, char *buf, size_t n)
{
	const char *vn = value_name(spec);
	int len;

	if (spec->shorthand)
		len = snprintf(buf, n, "  -%c, --%s", spec->shorthand, spec->name);
	else
		len = snprintf(buf, n, "      --%s", spec->name);
	if (*vn && len >= 0 && (size_t)len < n)
		len += snprintf(buf + len, n - (size_t)len, " %s", vn);
	if (len < 0)
		return 0;
	return (size_t)len < n ? len : (int)n - 1;
}

/* " (default ...)" for a target holding something other than its zero value. */
static void usage_default(FILE *f, const struct flag_spec *spec)
{
	const char *s;

	switch (spec->kind) {
	case FLAG_BOOL:
		if (*(bool *)spec->target)
			fputs(" (default true)", f);
		break;
	case FLAG_STRING:
		s = *(char **)spec->target;
		if (s && *s)
			fprintf(f, " (default \"%s\")", s);
		break;
	case FLAG_INT:
		if (*(long *)spec->target)
			fprintf(f, " (default %ld)", *(long *)spec->target);
		break;
	case FLAG_LIST:
		break;
	}
}

/* Orders specs by long name, as cobra lists flags. */
static int compare_specs(const void *a, const void *b)
{
	const struct flag_spec *const *x = a;
	const struct flag_spec *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* Renders the "Options:" block of a command's help. */
char *flags_usage(const struct flag_spec *specs)
{
	const struct flag_spec **sorted;
	char left[512];
	size_t count = 0, size = 0;
	char *text = NULL;
	int width = 0;
	FILE *f;

	while (specs[count].name)
		count++;
	sorted = calloc(count + 1, sizeof(*sorted));
	if (!sorted)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		int len = usage_left(&specs[i], left, sizeof(left));

		sorted[i] = &specs[i];
		if (len > width)
			width = len;
	}
	qsort(sorted, count, sizeof(*sorted), compare_specs);
	f = open_memstream(&text, &size);
	if (!f) {
		free(sorted);
		return NULL;
	}
	if (count)
		fputs("Options:\n", f);
	for (size_t i = 0; i < count; i++) {
		int len = usage_left(sorted[i], left, sizeof(left));

		fprintf(f, "%s%*s%s", left, width - len + 3, "",
			sorted[i]->usage ? sorted[i]->usage : "");
		usage_default(f, sorted[i]);
		fputc('\n', f);
	}
	free(sorted);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}
