/* Expanding and splitting instruction words (see shell_words.h). */
#include "engine/build/shell_words.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"
#include "engine/core/strbuf.h"

/* The words being collected. With split, blanks added by add_split end the
 * current word; add_raw never splits (quoted text). */
struct words {
	bool split;
	struct strbuf cur;
	bool in_word;
	char **list;
	size_t n, cap;
};

static void words_end(struct words *w)
{
	if (!w->in_word)
		return;
	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->list = xrealloc(w->list, w->cap * sizeof(*w->list));
	}
	w->list[w->n++] = w->cur.s ? strbuf_steal(&w->cur) : xstrdup("");
	w->in_word = false;
}

static void add_raw(struct words *w, char c)
{
	strbuf_addc(&w->cur, c);
	w->in_word = true;
}

static void add_split(struct words *w, char c)
{
	if (w->split && isspace((unsigned char)c)) {
		words_end(w);
		return;
	}
	add_raw(w, c);
}

static void add_split_str(struct words *w, const char *s)
{
	for (; *s; s++)
		add_split(w, *s);
}

struct lexer {
	const struct shell_env *env;
	const char *in;
	size_t pos;
	berr *err;
	bool keep_quotes; /* a heredoc's body: quotes are plain characters */
	int depth;        /* of ${...:-${...}} words inside each other */
};

/* Deeper nesting of default and alternative words is refused: each level
 * is a recursion (and a copy of the rest of the word). */
#define MAX_NESTING 64

static int peek(const struct lexer *lx)
{
	return (unsigned char)lx->in[lx->pos];
}

static bool name_char(int c)
{
	return c == '_' || isalnum(c);
}

static const char *lookup(const struct lexer *lx, const char *name)
{
	if (lx->env->used)
		json_object_set_new(lx->env->used, name, json_true());
	return json_string_value(json_object_get(lx->env->vars, name));
}

static int fail(const struct lexer *lx, const char *why)
{
	return berr_set(lx->err, BERR_INVALID, "failed to process \"%s\": %s", lx->in, why);
}

static int expand_into(const struct lexer *outer, const char *text, struct strbuf *out);

/* After "${": the name, an optional operator and word, and "}". The value
 * goes to *out (NULL: nothing). */
static int dollar_braced(struct lexer *lx, char **out)
{
	struct strbuf name = {0}, word = {0};
	const char *value;
	int depth = 0, rc = 0;
	char op[3] = "";

	while (name_char(peek(lx)))
		strbuf_addc(&name, lx->in[lx->pos++]);
	if (!name.s) {
		strbuf_free(&name);
		return fail(lx, "syntax error: bad substitution");
	}
	if (peek(lx) == ':' && strchr("-+?", lx->in[lx->pos + 1] ? lx->in[lx->pos + 1] : '!')) {
		op[0] = ':';
		op[1] = lx->in[lx->pos + 1];
		lx->pos += 2;
	} else if (peek(lx) && strchr("-+?", peek(lx))) {
		op[0] = lx->in[lx->pos++];
	} else if (peek(lx) != '}') {
		strbuf_free(&name);
		return fail(lx, peek(lx) ? "syntax error: unsupported modifier in substitution"
					 : "syntax error: missing '}'");
	}
	if (op[0]) {
		/* the word runs to the matching brace; escapes pass through */
		for (;;) {
			int c = peek(lx);

			if (!c) {
				strbuf_free(&name);
				strbuf_free(&word);
				return fail(lx, "syntax error: missing '}'");
			}
			if (c == lx->env->escape && lx->in[lx->pos + 1]) {
				strbuf_addn(&word, lx->in + lx->pos, 2);
				lx->pos += 2;
				continue;
			}
			if (c == '}' && depth == 0)
				break;
			if (c == '{')
				depth++;
			else if (c == '}')
				depth--;
			strbuf_addc(&word, (char)c);
			lx->pos++;
		}
	}
	lx->pos++; /* the closing brace */
	value = lookup(lx, name.s);
	bool colon = op[0] == ':';
	char kind = colon ? op[1] : op[0];
	bool set = value != NULL, nonempty = value && *value;
	bool present = colon ? nonempty : set;
	struct strbuf expanded = {0};

	*out = NULL;
	switch (kind) {
	case 0:
		*out = xstrdup(value ? value : "");
		break;
	case '-':
		if (present)
			*out = xstrdup(value);
		else if ((rc = expand_into(lx, word.s ? word.s : "", &expanded)) == 0)
			*out = expanded.s ? strbuf_steal(&expanded) : xstrdup("");
		break;
	case '+':
		if (!present)
			*out = xstrdup("");
		else if ((rc = expand_into(lx, word.s ? word.s : "", &expanded)) == 0)
			*out = expanded.s ? strbuf_steal(&expanded) : xstrdup("");
		break;
	case '?':
		if (present) {
			*out = xstrdup(value);
		} else if ((rc = expand_into(lx, word.s ? word.s : "", &expanded)) == 0) {
			rc = berr_set(lx->err, BERR_INVALID, "failed to process \"%s\": %s: %s", lx->in,
				      name.s, expanded.s && *expanded.s ? expanded.s
									: "is not allowed to be unset");
		}
		break;
	}
	strbuf_free(&expanded);
	strbuf_free(&name);
	strbuf_free(&word);
	return rc;
}

/* At a "$": the expansion (NULL *out when the "$" is a plain character). */
static int dollar(struct lexer *lx, char **out)
{
	struct strbuf name = {0};
	const char *value;

	lx->pos++;
	*out = NULL;
	if (peek(lx) == '{') {
		lx->pos++;
		return dollar_braced(lx, out);
	}
	if (isdigit(peek(lx))) /* a positional parameter: its digits only */
		while (isdigit(peek(lx)))
			strbuf_addc(&name, lx->in[lx->pos++]);
	else
		while (name_char(peek(lx)))
			strbuf_addc(&name, lx->in[lx->pos++]);
	if (!name.s)
		return 0;
	value = lookup(lx, name.s);
	*out = xstrdup(value ? value : "");
	strbuf_free(&name);
	return 0;
}

static int single_quoted(struct lexer *lx, struct words *w)
{
	lx->pos++;
	for (;;) {
		int c = peek(lx);

		if (!c)
			return fail(lx, "unexpected end of statement while looking for matching single-quote");
		lx->pos++;
		if (c == '\'')
			return 0;
		add_raw(w, (char)c);
	}
}

static int double_quoted(struct lexer *lx, struct words *w)
{
	lx->pos++;
	for (;;) {
		int c = peek(lx);
		char *value;

		if (!c)
			return fail(lx, "unexpected end of statement while looking for matching double-quote");
		if (c == '"') {
			lx->pos++;
			return 0;
		}
		if (c == '$') {
			if (dollar(lx, &value) < 0)
				return -1;
			if (!value) {
				add_raw(w, '$');
				continue;
			}
			for (const char *s = value; *s; s++)
				add_raw(w, *s);
			free(value);
			continue;
		}
		lx->pos++;
		if (c == lx->env->escape) {
			int next = peek(lx);

			if (!next)
				continue;
			if (next == '"' || next == '$' || next == lx->env->escape) {
				c = next;
				lx->pos++;
			}
		}
		add_raw(w, (char)c);
	}
}

static int lex_text(const struct shell_env *env, const char *in, bool split, bool keep_quotes,
		    int depth, struct words *w, berr *err)
{
	struct lexer lx = {env, in, 0, err, keep_quotes, depth};

	if (depth > MAX_NESTING)
		return berr_set(err, BERR_INVALID, "failed to process \"%.64s...\": substitutions nested deeper than %d",
				in, MAX_NESTING);
	w->split = split;
	while (peek(&lx)) {
		int c = peek(&lx);
		char *value;

		if (keep_quotes && c != '$' && c != env->escape) {
			lx.pos++;
			add_raw(w, (char)c);
		} else if (keep_quotes && c == env->escape) {
			/* only $ and the escape itself are escaped in a heredoc */
			lx.pos++;
			if (peek(&lx) == '$' || peek(&lx) == env->escape)
				add_raw(w, lx.in[lx.pos++]);
			else
				add_raw(w, (char)c);
		} else if (c == '\'') {
			if (single_quoted(&lx, w) < 0)
				return -1;
		} else if (c == '"') {
			if (double_quoted(&lx, w) < 0)
				return -1;
		} else if (c == '$') {
			if (dollar(&lx, &value) < 0)
				return -1;
			if (!value) {
				add_split(w, '$');
				continue;
			}
			add_split_str(w, value);
			free(value);
		} else if (c == env->escape) {
			lx.pos++;
			if (peek(&lx))
				add_raw(w, lx.in[lx.pos++]);
		} else {
			lx.pos++;
			add_split(w, (char)c);
		}
	}
	words_end(w);
	return 0;
}

static int lex(const struct shell_env *env, const char *in, bool split, struct words *w, berr *err)
{
	return lex_text(env, in, split, false, 0, w, err);
}

/* A default or alternative word, expanded with the same variables. */
static int expand_into(const struct lexer *outer, const char *text, struct strbuf *out)
{
	struct words w = {0};

	if (lex_text(outer->env, text, false, false, outer->depth + 1, &w, outer->err) < 0) {
		shell_words_free(w.list, w.n);
		strbuf_free(&w.cur);
		return -1;
	}
	for (size_t i = 0; i < w.n; i++)
		strbuf_adds(out, w.list[i]);
	shell_words_free(w.list, w.n);
	return 0;
}

int shell_word(const struct shell_env *env, const char *in, char **out, berr *err)
{
	struct words w = {0};
	struct strbuf all = {0};

	if (lex(env, in, false, &w, err) < 0) {
		shell_words_free(w.list, w.n);
		strbuf_free(&w.cur);
		return -1;
	}
	for (size_t i = 0; i < w.n; i++)
		strbuf_adds(&all, w.list[i]);
	shell_words_free(w.list, w.n);
	*out = all.s ? strbuf_steal(&all) : xstrdup("");
	return 0;
}

int shell_expand_heredoc(const struct shell_env *env, const char *in, char **out, berr *err)
{
	struct words w = {0};
	struct strbuf all = {0};

	if (lex_text(env, in, false, true, 0, &w, err) < 0) {
		shell_words_free(w.list, w.n);
		strbuf_free(&w.cur);
		return -1;
	}
	for (size_t i = 0; i < w.n; i++)
		strbuf_adds(&all, w.list[i]);
	shell_words_free(w.list, w.n);
	*out = all.s ? strbuf_steal(&all) : xstrdup("");
	return 0;
}

int shell_words(const struct shell_env *env, const char *in, char ***out, size_t *count, berr *err)
{
	struct words w = {0};

	if (lex(env, in, true, &w, err) < 0) {
		shell_words_free(w.list, w.n);
		strbuf_free(&w.cur);
		return -1;
	}
	*out = w.list;
	*count = w.n;
	return 0;
}

int shell_split_raw(const char *in, char escape, char ***out, size_t *count, berr *err)
{
	struct words w = {.split = true};
	char quote = 0;

	for (size_t i = 0; in[i]; i++) {
		char c = in[i];

		if (quote) {
			add_raw(&w, c);
			if (c == escape && quote == '"' && in[i + 1])
				add_raw(&w, in[++i]);
			else if (c == quote)
				quote = 0;
		} else if (c == '\'' || c == '"') {
			quote = c;
			add_raw(&w, c);
		} else if (c == escape && in[i + 1]) {
			add_raw(&w, c);
			add_raw(&w, in[++i]);
		} else {
			add_split(&w, c);
		}
	}
	if (quote) {
		shell_words_free(w.list, w.n);
		strbuf_free(&w.cur);
		return berr_set(err, BERR_INVALID, "unexpected end of statement while looking for matching %s",
				quote == '"' ? "double-quote" : "single-quote");
	}
	words_end(&w);
	*out = w.list;
	*count = w.n;
	return 0;
}

void shell_words_free(char **words, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(words[i]);
	free(words);
}
