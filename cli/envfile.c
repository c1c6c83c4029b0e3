/* Env files and -e flags, read the way the docker CLI reads them. */
#include "cli/envfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/utf8.h"

/* True when all n bytes are well-formed UTF-8. */
static bool utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;

	while (n > 0) {
		size_t len = utf8_decode(p, n, &cp);

		if (len == 0)
			return false;
		p += len;
		n -= len;
	}
	return true;
}

/* Go's unicode.IsSpace. */
static bool unicode_space(uint32_t c)
{
	switch (c) {
	case '\t':
	case '\n':
	case '\v':
	case '\f':
	case '\r':
	case ' ':
	case 0x85:
	case 0xa0:
	case 0x1680:
	case 0x2028:
	case 0x2029:
	case 0x202f:
	case 0x205f:
	case 0x3000:
		return true;
	default:
		return c >= 0x2000 && c <= 0x200a;
	}
}

/* Skips leading whitespace of a line already known to be valid UTF-8. */
static const char *trim_left(const char *s, size_t n)
{
	const char *end = s + n;
	uint32_t cp;

	while (s < end) {
		size_t len = utf8_decode((const unsigned char *)s, (size_t)(end - s), &cp);

		if (len == 0 || !unicode_space(cp))
			break;
		s += len;
	}
	return s;
}

/* Drops what was appended to out since it held keep items. */
static void strlist_truncate(struct strlist *out, size_t keep)
{
	while (out->len > keep) {
		free(out->items[--out->len]);
		out->items[out->len] = NULL;
	}
}

/* Handles one line (without its newline); returns 0 or -1 with err set. */
static int envfile_line(const char *path, unsigned lineno, char *line, size_t len,
			struct strlist *out, berr *err)
{
	const char *key, *eq, *value;
	size_t keylen;
	char *joined;

	if (len > 0 && line[len - 1] == '\r')
		line[--len] = '\0';
	if (memchr(line, '\0', len))
		return berr_set(err, BERR_INVALID, "env file %s contains a NUL byte at line %u",
				path, lineno);
	if (!utf8_valid(line, len))
		return berr_set(err, BERR_INVALID,
				"env file %s contains invalid utf8 bytes at line %u", path, lineno);
	if (lineno == 1 && len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		len -= 3;
	}
	key = trim_left(line, len);
	if (*key == '\0' || *key == '#')
		return 0;
	eq = strchr(key, '=');
	keylen = eq ? (size_t)(eq - key) : strlen(key);
	if (keylen == 0)
		return berr_set(err, BERR_INVALID, "%s: no variable name on line '%s'", path, key);
	if (strcspn(key, " \t") < keylen)
		return berr_set(err, BERR_INVALID, "%s: variable '%.*s' contains whitespaces", path,
				(int)keylen, key);
	if (eq) {
		if (strlist_push(out, key) < 0)
			return berr_sys(err, "%s", path);
		return 0;
	}
	value = getenv(key);
	if (!value)
		return 0;
	if (asprintf(&joined, "%s=%s", key, value) < 0)
		return berr_errno(err, ENOMEM, "%s", path);
	if (strlist_push_owned(out, joined) < 0)
		return berr_sys(err, "%s", path);
	return 0;
}

/* Reads an --env-file line by line with docker's rules. */
int envfile_parse(const char *path, struct strlist *out, berr *err)
{
	size_t keep = out->len, cap = 0;
	char *line = NULL;
	unsigned lineno = 0;
	ssize_t n;
	FILE *f;
	int rc = 0;

	f = fopen(path, "re");
	if (!f)
		return berr_sys(err, "open %s", path);
	errno = 0;
	while ((n = getline(&line, &cap, f)) >= 0) {
		size_t len = (size_t)n;

		lineno++;
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		rc = envfile_line(path, lineno, line, len, out, err);
		if (rc < 0)
			break;
		errno = 0;
	}
	if (rc == 0 && ferror(f))
		rc = berr_sys(err, "read %s", path);
	free(line);
	fclose(f);
	if (rc < 0)
		strlist_truncate(out, keep);
	return rc;
}

/* Resolves one -e value against the environment. */
int env_from_flag(const char *arg, struct strlist *out)
{
	const char *eq = strchr(arg, '=');
	const char *value;
	char *joined;

	if (arg[0] == '\0' || eq == arg) {
		errno = EINVAL;
		return -1;
	}
	if (eq)
		return strlist_push(out, arg);
	value = getenv(arg);
	if (!value)
		return strlist_push(out, arg);
	if (asprintf(&joined, "%s=%s", arg, value) < 0) {
		errno = ENOMEM;
		return -1;
	}
	return strlist_push_owned(out, joined);
}
