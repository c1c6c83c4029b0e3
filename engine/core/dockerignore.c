/* .dockerignore patterns (see dockerignore.h). */
#include "engine/core/dockerignore.h"

#include <ctype.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"
#include "engine/core/fsutil.h"

/* Matches the segments of pattern against those of path, from the given
 * offsets; `**` takes zero or more whole segments. */
static bool match_segments(const char *pat, const char *path)
{
	const char *pat_end = strchr(pat, '/'), *path_end;
	size_t plen = pat_end ? (size_t)(pat_end - pat) : strlen(pat);
	char seg_pat[PATH_MAX], seg[PATH_MAX];

	if (plen == 2 && pat[0] == '*' && pat[1] == '*') {
		if (!pat_end)
			return true; /* a trailing ** takes the rest */
		/* zero segments, or one more and try again */
		for (const char *p = path;;) {
			if (match_segments(pat_end + 1, p))
				return true;
			const char *slash = strchr(p, '/');
			if (!slash)
				return false;
			p = slash + 1;
		}
	}
	path_end = strchr(path, '/');
	size_t slen = path_end ? (size_t)(path_end - path) : strlen(path);
	if (plen >= sizeof(seg_pat) || slen >= sizeof(seg))
		return false;
	memcpy(seg_pat, pat, plen);
	seg_pat[plen] = '\0';
	memcpy(seg, path, slen);
	seg[slen] = '\0';
	if (fnmatch(seg_pat, seg, 0) != 0)
		return false;
	if (!pat_end && !path_end)
		return true;
	if (!pat_end || !path_end)
		return false;
	return match_segments(pat_end + 1, path_end + 1);
}

bool glob_match(const char *pattern, const char *path)
{
	const char *dd = strstr(pattern, "**");

	if (dd) {
		/* `**` inside a segment ("**.txt", "a**"): as moby turns it into
		 * ".*", the whole path matched with `*` crossing `/` */
		bool pure = (dd == pattern || dd[-1] == '/') && (dd[2] == '\0' || dd[2] == '/');
		if (!pure) {
			char flat[PATH_MAX];
			size_t j = 0;

			for (size_t i = 0; pattern[i] && j + 1 < sizeof(flat); i++) {
				if (pattern[i] == '*' && pattern[i + 1] == '*')
					i++;
				flat[j++] = pattern[i];
			}
			flat[j] = '\0';
			return fnmatch(flat, path, 0) == 0;
		}
	}
	return match_segments(pattern, path);
}

static void add_pattern(struct dockerignore *di, const char *line, size_t len)
{
	bool exclusion = false;
	char raw[PATH_MAX], clean[PATH_MAX];

	while (len && isspace((unsigned char)*line)) {
		line++;
		len--;
	}
	while (len && isspace((unsigned char)line[len - 1]))
		len--;
	if (!len || line[0] == '#')
		return;
	if (line[0] == '!') {
		exclusion = true;
		line++;
		len--;
		while (len && isspace((unsigned char)*line)) {
			line++;
			len--;
		}
	}
	if (len >= sizeof(raw))
		len = sizeof(raw) - 1;
	memcpy(raw, line, len);
	raw[len] = '\0';
	if (fs_path_clean(raw, clean, sizeof(clean), false) < 0)
		return;
	if (!clean[0])
		return; /* "/" or "." alone names the whole context: moby drops it too */
	di->patterns = xrealloc(di->patterns, (di->n + 1) * sizeof(*di->patterns));
	di->patterns[di->n].text = xstrdup(clean);
	di->patterns[di->n].exclusion = exclusion;
	di->n++;
	di->has_exclusions |= exclusion;
}

int dockerignore_parse(const char *text, size_t len, struct dockerignore *out, berr *err)
{
	(void)err;
	*out = (struct dockerignore){0};
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;

		add_pattern(out, text + i, end - i);
		i = end + 1;
	}
	return 0;
}

void dockerignore_free(struct dockerignore *di)
{
	for (size_t i = 0; i < di->n; i++)
		free(di->patterns[i].text);
	free(di->patterns);
	*di = (struct dockerignore){0};
}

/* Does the pattern match the path or a directory above it? */
static bool matches_or_parent(const char *pattern, const char *path)
{
	char prefix[PATH_MAX];
	size_t len = strlen(path);

	if (glob_match(pattern, path))
		return true;
	if (len >= sizeof(prefix))
		return false;
	memcpy(prefix, path, len + 1);
	for (size_t i = len; i > 0; i--) {
		if (prefix[i - 1] != '/')
			continue;
		prefix[i - 1] = '\0';
		if (glob_match(pattern, prefix))
			return true;
	}
	return false;
}

bool dockerignore_excludes(const struct dockerignore *di, const char *path)
{
	bool excluded = false;

	for (size_t i = 0; i < di->n; i++) {
		if (di->patterns[i].exclusion == !excluded)
			continue; /* it could not change the verdict */
		if (matches_or_parent(di->patterns[i].text, path))
			excluded = !di->patterns[i].exclusion;
	}
	return excluded;
}

bool dockerignore_may_include_below(const struct dockerignore *di, const char *dir)
{
	size_t len = strlen(dir);

	for (size_t i = 0; i < di->n; i++) {
		const char *p = di->patterns[i].text;

		if (!di->patterns[i].exclusion)
			continue;
		/* a literal pattern elsewhere cannot reach inside dir */
		if (!strpbrk(p, "*?[\\") && !(strncmp(p, dir, len) == 0 && p[len] == '/'))
			continue;
		return true;
	}
	return false;
}
