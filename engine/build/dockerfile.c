/* Parsing Dockerfiles (see dockerfile.h). */
#include "engine/build/dockerfile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "engine/core/strbuf.h"

static const char *const keywords[] = {
	"ADD",	   "ARG",	 "CMD",	    "COPY",	   "ENTRYPOINT", "ENV",	 "EXPOSE",
	"FROM",	   "HEALTHCHECK", "LABEL",  "MAINTAINER", "ONBUILD",	 "RUN",	 "SHELL",
	"STOPSIGNAL", "USER",	 "VOLUME", "WORKDIR",	 NULL,
};

/* Instructions whose arguments may be a JSON array. */
static const char *const exec_capable[] = {"ADD",	 "CMD",	   "COPY",  "ENTRYPOINT",
					   "RUN",	 "SHELL",  "VOLUME", NULL};

static bool in_list(const char *const *list, const char *word)
{
	for (size_t i = 0; list[i]; i++)
		if (strcmp(list[i], word) == 0)
			return true;
	return false;
}

/* The lines of the text: starts and lengths, a trailing \r dropped. */
struct lines {
	const char **start;
	size_t *len;
	size_t n;
};

static int split_lines(const char *text, size_t len, struct lines *out, berr *err)
{
	size_t cap = 64;

	out->n = 0;
	out->start = malloc(cap * sizeof(*out->start));
	out->len = malloc(cap * sizeof(*out->len));
	if (!out->start || !out->len)
		return berr_errno(err, ENOMEM, "parse Dockerfile");
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len, l = end - i;

		if (out->n == cap) {
			cap *= 2;
			const char **s = realloc(out->start, cap * sizeof(*s));
			size_t *n = s ? realloc(out->len, cap * sizeof(*n)) : NULL;

			if (s)
				out->start = s;
			if (!s || !n)
				return berr_errno(err, ENOMEM, "parse Dockerfile");
			out->len = n;
		}
		if (l > 0 && text[i + l - 1] == '\r')
			l--;
		out->start[out->n] = text + i;
		out->len[out->n++] = l;
		i = end + 1;
	}
	return 0;
}

/* A line with only blanks. */
static bool blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!isspace((unsigned char)s[i]))
			return false;
	return true;
}

/* A comment line: '#' after leading blanks. */
static bool comment(const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && isspace((unsigned char)s[i]))
		i++;
	return i < len && s[i] == '#';
}

/* "# key=value" at the top: a parser directive. Returns true and fills
 * key and value when the line is one. */
static bool directive(const char *s, size_t len, char *key, size_t ksize, char *value,
		      size_t vsize)
{
	size_t i = 0, k = 0, v = 0;

	if (len == 0 || s[0] != '#')
		return false;
	i = 1;
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '_') && k + 1 < ksize)
		key[k++] = s[i++];
	key[k] = '\0';
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	if (k == 0 || i >= len || s[i] != '=')
		return false;
	i++;
	while (i < len && isspace((unsigned char)s[i]))
		i++;
	while (i < len && v + 1 < vsize)
		value[v++] = s[i++];
	while (v > 0 && isspace((unsigned char)value[v - 1]))
		v--;
	value[v] = '\0';
	return true;
}

/* Whether a line, trailing blanks aside, ends with the escape character;
 * *content_len receives the length without it. */
static bool continues(const char *s, size_t len, char escape, size_t *content_len)
{
	size_t l = len;

	while (l > 0 && isspace((unsigned char)s[l - 1]))
		l--;
	if (l > 0 && s[l - 1] == escape) {
		*content_len = l - 1;
		return true;
	}
	*content_len = len;
	return false;
}

static char *dup_range(const char *s, size_t len)
{
	char *d = malloc(len + 1);

	if (d) {
		memcpy(d, s, len);
		d[len] = '\0';
	}
	return d;
}

/* Takes the leading --name[=value] words off rest. */
static int take_flags(struct df_instruction *in, const char **rest, int line, berr *err)
{
	const char *p = *rest;

	for (;;) {
		const char *start, *eq;
		size_t wlen;
		struct df_flag *bigger;
		char word[4096];
		size_t n = 0;
		char quote = 0;

		while (*p && isspace((unsigned char)*p))
			p++;
		if (p[0] != '-' || p[1] != '-')
			break;
		if (p[2] == '\0' || isspace((unsigned char)p[2])) { /* "--": the end of flags */
			p += 2;
			break;
		}
		start = p + 2;
		/* a word, quotes (around the value) taken off */
		for (p = start; *p && (quote || !isspace((unsigned char)*p)); p++) {
			if (!quote && (*p == '"' || *p == '\'')) {
				quote = *p;
				continue;
			}
			if (quote && *p == quote) {
				quote = 0;
				continue;
			}
			if (n + 1 < sizeof(word))
				word[n++] = *p;
		}
		word[n] = '\0';
		wlen = n;
		if (quote)
			return berr_set(err, BERR_INVALID,
					"dockerfile parse error on line %d: unterminated quote in flag --%s",
					line, word);
		eq = strchr(word, '=');
		bigger = realloc(in->flags, (in->nflags + 1) * sizeof(*bigger));
		if (!bigger)
			return berr_errno(err, ENOMEM, "parse Dockerfile");
		in->flags = bigger;
		bigger[in->nflags].name = dup_range(word, eq ? (size_t)(eq - word) : wlen);
		bigger[in->nflags].value = eq ? strdup(eq + 1) : NULL;
		if (!bigger[in->nflags].name || (eq && !bigger[in->nflags].value))
			return berr_errno(err, ENOMEM, "parse Dockerfile");
		in->nflags++;
		if (!*bigger[in->nflags - 1].name)
			return berr_set(err, BERR_INVALID,
					"dockerfile parse error on line %d: flag name cannot be empty", line);
	}
	*rest = p;
	return 0;
}

/* The arguments: a JSON array of strings where the instruction takes one
 * (else, as BuildKit, the text is the shell form), or the rest as it is. */
static int take_args(struct df_instruction *in, const char *rest, int line, berr *err)
{
	size_t len = strlen(rest);
	json_t *array = NULL;

	while (len > 0 && isspace((unsigned char)rest[len - 1]))
		len--;
	if (rest[0] == '[' && in_list(exec_capable, in->keyword)) {
		array = json_loadb(rest, len, JSON_DECODE_ANY, NULL);
		if (json_is_array(array)) {
			size_t i;
			json_t *v;

			json_array_foreach(array, i, v)
				if (!json_is_string(v)) {
					json_decref(array);
					array = NULL;
					break;
				}
		} else {
			json_decref(array);
			array = NULL;
		}
	}
	if (array) {
		size_t i;
		json_t *v;

		in->exec_form = true;
		in->args = calloc(json_array_size(array) + 1, sizeof(*in->args));
		if (!in->args) {
			json_decref(array);
			return berr_errno(err, ENOMEM, "parse Dockerfile");
		}
		json_array_foreach(array, i, v) {
			in->args[i] = strdup(json_string_value(v));
			if (!in->args[i]) {
				json_decref(array);
				return berr_errno(err, ENOMEM, "parse Dockerfile");
			}
			in->nargs++;
		}
		json_decref(array);
		return 0;
	}
	if (strcmp(in->keyword, "SHELL") == 0)
		return berr_set(err, BERR_INVALID,
				"dockerfile parse error on line %d: SHELL requires the arguments to be in JSON form",
				line);
	if (len == 0)
		return 0;
	in->args = calloc(2, sizeof(*in->args));
	if (!in->args || !(in->args[0] = dup_range(rest, len)))
		return berr_errno(err, ENOMEM, "parse Dockerfile");
	in->nargs = 1;
	return 0;
}

/* One instruction from its joined text. */
static int parse_instruction(struct dockerfile *df, const char *text, int line, int end_line,
			     berr *err)
{
	struct df_instruction *bigger, *in;
	const char *p = text, *word;
	size_t wlen;

	bigger = realloc(df->ins, (df->n + 1) * sizeof(*bigger));
	if (!bigger)
		return berr_errno(err, ENOMEM, "parse Dockerfile");
	df->ins = bigger;
	in = &df->ins[df->n++];
	memset(in, 0, sizeof(*in));
	in->line = line;
	in->end_line = end_line;
	in->original = strdup(text);
	while (*p && isspace((unsigned char)*p))
		p++;
	word = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	wlen = (size_t)(p - word);
	in->keyword = dup_range(word, wlen);
	if (!in->original || !in->keyword)
		return berr_errno(err, ENOMEM, "parse Dockerfile");
	for (char *c = in->keyword; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	if (!in_list(keywords, in->keyword))
		return berr_set(err, BERR_INVALID, "dockerfile parse error on line %d: unknown instruction: %s",
				line, in->keyword);
	if (take_flags(in, &p, line, err) < 0)
		return -1;
	while (*p && isspace((unsigned char)*p))
		p++;
	if (take_args(in, p, line, err) < 0)
		return -1;
	if (in->nargs == 0 && !in->exec_form)
		return berr_set(err, BERR_INVALID, "dockerfile parse error on line %d: %s requires at least one argument",
				line, in->keyword);
	return 0;
}

/* The heredoc markers of a shell-form RUN, COPY or ADD: `<<NAME`,
 * `<<-NAME`, `<<'NAME'`, `<<"NAME"` outside quotes. */
static int find_heredocs(struct df_instruction *in, berr *err)
{
	const char *s = in->nargs && !in->exec_form ? in->args[0] : NULL;
	char quote = 0;

	if (!s || (strcmp(in->keyword, "RUN") != 0 && strcmp(in->keyword, "COPY") != 0 &&
		   strcmp(in->keyword, "ADD") != 0))
		return 0;
	for (size_t i = 0; s[i]; i++) {
		if (quote) {
			if (s[i] == quote)
				quote = 0;
			continue;
		}
		if (s[i] == '\'' || s[i] == '"') {
			quote = s[i];
			continue;
		}
		if (s[i] != '<' || s[i + 1] != '<')
			continue;
		if (s[i + 2] == '<') { /* a here-string (<<<) */
			while (s[i + 1] == '<')
				i++;
			continue;
		}
		size_t j = i + 2;
		bool chomp = false;
		char q = 0;
		if (s[j] == '-') {
			chomp = true;
			j++;
		}
		if (s[j] == '\'' || s[j] == '"')
			q = s[j++];
		size_t start = j;
		while (s[j] && (q ? s[j] != q : (isalnum((unsigned char)s[j]) || strchr("_.-/", s[j]))))
			j++;
		if (j == start || (q && s[j] != q))
			continue; /* not a heredoc (a shell's << with no word) */
		struct df_heredoc *bigger = realloc(in->heredocs, (in->nheredocs + 1) * sizeof(*bigger));
		if (!bigger)
			return berr_errno(err, ENOMEM, "parse Dockerfile");
		in->heredocs = bigger;
		bigger[in->nheredocs] = (struct df_heredoc){dup_range(s + start, j - start), NULL,
							   q == 0, chomp};
		if (!bigger[in->nheredocs].name)
			return berr_errno(err, ENOMEM, "parse Dockerfile");
		in->nheredocs++;
		if (q)
			j++;
		i = j - 1;
	}
	return 0;
}

/* The bodies of the instruction's heredocs: the lines from *i on. */
static int read_heredocs(struct df_instruction *in, const struct lines *lines, size_t *i, berr *err)
{
	for (size_t h = 0; h < in->nheredocs; h++) {
		struct df_heredoc *doc = &in->heredocs[h];
		struct strbuf body = {0};
		bool ended = false;

		while (*i < lines->n) {
			const char *l = lines->start[*i];
			size_t len = lines->len[*i];

			(*i)++;
			if (doc->chomp)
				while (len && *l == '\t') {
					l++;
					len--;
				}
			if (len == strlen(doc->name) && memcmp(l, doc->name, len) == 0) {
				ended = true;
				break;
			}
			strbuf_addn(&body, l, len);
			strbuf_addc(&body, '\n');
		}
		if (!ended) {
			strbuf_free(&body);
			return berr_set(err, BERR_INVALID,
					"dockerfile parse error on line %d: unterminated heredoc %s", in->line,
					doc->name);
		}
		doc->content = body.s ? strbuf_steal(&body) : strdup("");
		if (!doc->content)
			return berr_errno(err, ENOMEM, "parse Dockerfile");
	}
	in->end_line = (int)*i;
	return 0;
}

int dockerfile_parse(const char *text, size_t len, struct dockerfile *out, berr *err)
{
	struct lines lines = {0};
	bool seen_escape = false, seen_syntax = false;
	size_t i = 0;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	out->escape = '\\';
	if (memchr(text, '\0', len))
		return berr_set(err, BERR_INVALID, "dockerfile parse error: the file has a NUL byte");
	if (split_lines(text, len, &lines, err) < 0)
		goto out;
	/* the directives: comments of the form "# key=value" at the very top */
	for (; i < lines.n; i++) {
		char key[32], value[256];

		if (!directive(lines.start[i], lines.len[i], key, sizeof(key), value, sizeof(value)))
			break;
		if (strcasecmp(key, "escape") == 0 && !seen_escape) {
			if (strcmp(value, "\\") != 0 && strcmp(value, "`") != 0) {
				berr_set(err, BERR_INVALID, "invalid escape token '%s' does not match ` or \\",
					 value);
				goto out;
			}
			out->escape = value[0];
			seen_escape = true;
		} else if (strcasecmp(key, "syntax") == 0 && !seen_syntax) {
			out->syntax = strdup(value);
			seen_syntax = true;
		} else {
			break; /* a comment that is no directive ends them */
		}
	}
	while (i < lines.n) {
		struct strbuf joined = {0};
		size_t content;
		int first;

		if (blank(lines.start[i], lines.len[i]) || comment(lines.start[i], lines.len[i])) {
			i++;
			continue;
		}
		first = (int)i + 1;
		while (i < lines.n) {
			const char *s = lines.start[i];
			size_t l = lines.len[i];
			bool more;

			/* inside a continuation, comment and empty lines are dropped */
			if ((int)i + 1 != first && (blank(s, l) || comment(s, l))) {
				i++;
				continue;
			}
			more = continues(s, l, out->escape, &content);
			strbuf_addn(&joined, s, content);
			i++;
			if (!more)
				break;
		}
		if (parse_instruction(out, joined.s ? joined.s : "", first, (int)i, err) < 0 ||
		    find_heredocs(&out->ins[out->n - 1], err) < 0 ||
		    read_heredocs(&out->ins[out->n - 1], &lines, &i, err) < 0) {
			strbuf_free(&joined);
			goto out;
		}
		strbuf_free(&joined);
	}
	ret = 0;
out:
	free(lines.start);
	free(lines.len);
	if (ret < 0)
		dockerfile_free(out);
	return ret;
}

void dockerfile_free(struct dockerfile *df)
{
	for (size_t i = 0; i < df->n; i++) {
		struct df_instruction *in = &df->ins[i];

		free(in->keyword);
		free(in->original);
		for (size_t f = 0; f < in->nflags; f++) {
			free(in->flags[f].name);
			free(in->flags[f].value);
		}
		free(in->flags);
		for (size_t a = 0; a < in->nargs; a++)
			free(in->args[a]);
		free(in->args);
		for (size_t h = 0; h < in->nheredocs; h++) {
			free(in->heredocs[h].name);
			free(in->heredocs[h].content);
		}
		free(in->heredocs);
	}
	free(df->ins);
	free(df->syntax);
	memset(df, 0, sizeof(*df));
	df->escape = '\\';
}

const char *df_flag_value(const struct df_instruction *in, const char *name)
{
	for (size_t i = 0; i < in->nflags; i++)
		if (strcmp(in->flags[i].name, name) == 0)
			return in->flags[i].value ? in->flags[i].value : "";
	return NULL;
}
