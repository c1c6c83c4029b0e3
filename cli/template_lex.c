/* The template lexer: splits a template into text and the tokens of its
 * actions, with Go text/template's trim markers, comments and lexical errors. */
#include "cli/template_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tlexer {
	const char *in;
	size_t len;
	size_t pos;
	size_t start;
	int line;
	int start_line;
	int paren_depth;
	bool inside;
	bool at_eof;
	struct titem *items;
	size_t nitems;
	size_t cap;
};

enum lstate {
	LS_RESUME,
	LS_TEXT,
	LS_LEFT_DELIM,
	LS_COMMENT,
	LS_RIGHT_DELIM,
	LS_INSIDE,
	LS_SPACE,
	LS_IDENT,
	LS_FIELD,
	LS_VARIABLE,
	LS_CHAR,
	LS_NUMBER,
	LS_QUOTE,
	LS_RAW_QUOTE,
	LS_DONE
};

#define LEX_EOF (-1)

static const struct {
	const char *word;
	enum titem_type type;
} keywords[] = {
	{"block", TI_BLOCK}, {"break", TI_BREAK}, {"continue", TI_CONTINUE},
	{"define", TI_DEFINE}, {"else", TI_ELSE}, {"end", TI_END},
	{"if", TI_IF}, {"range", TI_RANGE}, {"nil", TI_NIL},
	{"template", TI_TEMPLATE}, {"with", TI_WITH},
};

/* The characters Go's template lexer treats as spaces. */
bool tlex_is_space(int r)
{
	return r == ' ' || r == '\t' || r == '\r' || r == '\n';
}

/* Letters, digits and underscore; any non-ASCII character counts as a letter. */
static bool is_alnum(int r)
{
	if (r == LEX_EOF)
		return false;
	return r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') ||
	       (r >= 'A' && r <= 'Z') || r >= 0x80;
}

/* Reads the next character, counting lines; LEX_EOF at the end. */
static int lex_next(struct tlexer *l)
{
	int r, w;

	if (l->pos >= l->len) {
		l->at_eof = true;
		return LEX_EOF;
	}
	r = tutf8_decode(l->in + l->pos, l->len - l->pos, &w);
	l->pos += (size_t)w;
	if (r == '\n')
		l->line++;
	return r;
}

/* Steps back over the character before pos, as Go's backup does (not after
 * reading past the end); an invalid byte is a character of its own. */
static void lex_backup(struct tlexer *l)
{
	if (!l->at_eof && l->pos > 0) {
		size_t end = l->pos, p = end - 1;

		if ((unsigned char)l->in[p] >= 0x80) {
			size_t q = p, lim = end >= 4 ? end - 4 : 0;
			int w;

			while (q > lim && ((unsigned char)l->in[q] & 0xc0) == 0x80)
				q--;
			tutf8_decode(l->in + q, end - q, &w);
			if (q + (size_t)w == end)
				p = q;
		}
		if (l->in[p] == '\n')
			l->line--;
		l->pos = p;
	}
	l->at_eof = false;
}

/* The next character, without consuming it. */
static int lex_peek(struct tlexer *l)
{
	int r = lex_next(l);

	lex_backup(l);
	return r;
}

/* Whether the text at pos starts with s. */
static bool lex_at(const struct tlexer *l, size_t pos, const char *s)
{
	size_t n = strlen(s);

	return pos <= l->len && l->len - pos >= n && memcmp(l->in + pos, s, n) == 0;
}

/* How many newlines n bytes of text hold. */
static int count_newlines(const char *s, size_t n)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += s[i] == '\n';
	return c;
}

/* Appends an item to the output. */
static void lex_push(struct tlexer *l, struct titem it)
{
	if (l->nitems == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->items = xrealloc(l->items, l->cap * sizeof(*l->items));
	}
	l->items[l->nitems++] = it;
}

/* The pending input as an item of the given type; starts the next item. */
static struct titem lex_this_item(struct tlexer *l, enum titem_type type)
{
	struct titem it = {.type = type,
			   .pos = (int)l->start,
			   .line = l->start_line,
			   .val = l->in + l->start,
			   .len = l->pos - l->start};

	l->start = l->pos;
	l->start_line = l->line;
	return it;
}

/* Emits the pending input as one item. */
static enum lstate lex_emit(struct tlexer *l, enum titem_type type)
{
	lex_push(l, lex_this_item(l, type));
	return type == TI_EOF ? LS_DONE : LS_RESUME;
}

/* Skips pending input that was passed over without lex_next. */
static void lex_ignore(struct tlexer *l)
{
	l->line += count_newlines(l->in + l->start, l->pos - l->start);
	l->start = l->pos;
	l->start_line = l->line;
}

static enum lstate lex_errorf(struct tlexer *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ends lexing with an error item (and the EOF after it). */
static enum lstate lex_errorf(struct tlexer *l, const char *fmt, ...)
{
	struct titem it = {.type = TI_ERROR, .pos = (int)l->start, .line = l->start_line};
	va_list ap;

	va_start(ap, fmt);
	if (vasprintf(&it.msg, fmt, ap) < 0)
		abort();
	va_end(ap);
	it.val = it.msg;
	it.len = strlen(it.msg);
	lex_push(l, it);
	/* Like Go's lexer, nothing but EOF follows an error. */
	it.type = TI_EOF;
	it.msg = NULL;
	it.val = "";
	it.len = 0;
	lex_push(l, it);
	return LS_DONE;
}

/* Go's %#U: "U+0041 'A'", the character shown only when printable ASCII. */
static void rune_desc(char *buf, size_t size, int r)
{
	if (r >= 0x20 && r < 0x7f)
		snprintf(buf, size, "U+%04X '%c'", r, r);
	else
		snprintf(buf, size, "U+%04X", r < 0 ? 0 : r);
}

/* Whether "- " (a left trim marker) starts at pos. */
static bool has_left_trim(const struct tlexer *l, size_t pos)
{
	return pos + 1 < l->len && l->in[pos] == '-' && tlex_is_space((unsigned char)l->in[pos + 1]);
}

/* Whether " -" (a right trim marker) starts at pos. */
static bool has_right_trim(const struct tlexer *l, size_t pos)
{
	return pos + 1 < l->len && tlex_is_space((unsigned char)l->in[pos]) && l->in[pos + 1] == '-';
}

/* Whether "}}" or " -}}" starts at pos. */
static bool at_right_delim(const struct tlexer *l, bool *trim)
{
	if (has_right_trim(l, l->pos) && lex_at(l, l->pos + 2, "}}")) {
		*trim = true;
		return true;
	}
	*trim = false;
	return lex_at(l, l->pos, "}}");
}

/* How many spaces start at pos. */
static size_t left_trim_length(const struct tlexer *l, size_t pos)
{
	size_t p = pos;

	while (p < l->len && tlex_is_space((unsigned char)l->in[p]))
		p++;
	return p - pos;
}

/* Text up to the next "{{", trimmed before a "{{- " marker. */
static enum lstate lex_text(struct tlexer *l)
{
	const char *d = memmem(l->in + l->pos, l->len - l->pos, "{{", 2);

	if (d) {
		size_t x = (size_t)(d - (l->in + l->pos));

		if (x > 0) {
			size_t trim = 0;
			struct titem it;

			l->pos += x;
			if (has_left_trim(l, l->pos + 2)) {
				while (trim < l->pos - l->start &&
				       tlex_is_space((unsigned char)l->in[l->pos - trim - 1]))
					trim++;
			}
			l->pos -= trim;
			l->line += count_newlines(l->in + l->start, l->pos - l->start);
			it = lex_this_item(l, TI_TEXT);
			l->pos += trim;
			lex_ignore(l);
			if (it.len > 0)
				lex_push(l, it);
		}
		return LS_LEFT_DELIM;
	}
	l->pos = l->len;
	if (l->pos > l->start) {
		l->line += count_newlines(l->in + l->start, l->pos - l->start);
		return lex_emit(l, TI_TEXT);
	}
	return lex_emit(l, TI_EOF);
}

/* The "{{" of an action, or the start of a comment. */
static enum lstate lex_left_delim(struct tlexer *l)
{
	size_t after = 0;
	struct titem it;

	l->pos += 2;
	if (has_left_trim(l, l->pos))
		after = 2;
	if (lex_at(l, l->pos + after, "/*")) {
		l->pos += after;
		lex_ignore(l);
		return LS_COMMENT;
	}
	it = lex_this_item(l, TI_LDELIM);
	l->inside = true;
	l->pos += after;
	lex_ignore(l);
	l->paren_depth = 0;
	lex_push(l, it);
	return LS_RESUME;
}

/* Skips a comment action, which must end right after its closing star-slash. */
static enum lstate lex_comment(struct tlexer *l)
{
	const char *end;
	bool trim;

	l->pos += 2;
	end = memmem(l->in + l->pos, l->len - l->pos, "*/", 2);
	if (!end)
		return lex_errorf(l, "unclosed comment");
	l->pos = (size_t)(end - l->in) + 2;
	if (!at_right_delim(l, &trim))
		return lex_errorf(l, "comment ends before closing delimiter");
	if (trim)
		l->pos += 2;
	l->pos += 2;
	if (trim)
		l->pos += left_trim_length(l, l->pos);
	lex_ignore(l);
	return LS_TEXT;
}

/* The "}}" of an action, with its optional trim marker. */
static enum lstate lex_right_delim(struct tlexer *l)
{
	struct titem it;
	bool trim;

	at_right_delim(l, &trim);
	if (trim) {
		l->pos += 2;
		lex_ignore(l);
	}
	l->pos += 2;
	it = lex_this_item(l, TI_RDELIM);
	if (trim) {
		l->pos += left_trim_length(l, l->pos);
		lex_ignore(l);
	}
	l->inside = false;
	lex_push(l, it);
	return LS_RESUME;
}

/* One token inside an action. */
static enum lstate lex_inside(struct tlexer *l)
{
	char desc[32];
	bool trim;
	int r;

	if (at_right_delim(l, &trim)) {
		if (l->paren_depth == 0)
			return LS_RIGHT_DELIM;
		return lex_errorf(l, "unclosed left paren");
	}
	r = lex_next(l);
	if (r == LEX_EOF)
		return lex_errorf(l, "unclosed action");
	if (tlex_is_space(r)) {
		lex_backup(l);
		return LS_SPACE;
	}
	switch (r) {
	case '=':
		return lex_emit(l, TI_ASSIGN);
	case ':':
		if (lex_next(l) != '=')
			return lex_errorf(l, "expected :=");
		return lex_emit(l, TI_DECLARE);
	case '|':
		return lex_emit(l, TI_PIPE);
	case '"':
		return LS_QUOTE;
	case '`':
		return LS_RAW_QUOTE;
	case '$':
		return LS_VARIABLE;
	case '\'':
		return LS_CHAR;
	case '(':
		l->paren_depth++;
		return lex_emit(l, TI_LPAREN);
	case ')':
		l->paren_depth--;
		if (l->paren_depth < 0)
			return lex_errorf(l, "unexpected right paren");
		return lex_emit(l, TI_RPAREN);
	case '.':
		if (l->pos < l->len && (l->in[l->pos] < '0' || l->in[l->pos] > '9'))
			return LS_FIELD;
		lex_backup(l);
		return LS_NUMBER;
	}
	if (r == '+' || r == '-' || (r >= '0' && r <= '9')) {
		lex_backup(l);
		return LS_NUMBER;
	}
	if (is_alnum(r)) {
		lex_backup(l);
		return LS_IDENT;
	}
	if (r >= 0x20 && r < 0x7f)
		return lex_emit(l, TI_CHAR);
	rune_desc(desc, sizeof(desc), r);
	return lex_errorf(l, "unrecognized character in action: %s", desc);
}

/* A run of spaces inside an action (but not the space of " -}}"). */
static enum lstate lex_space(struct tlexer *l)
{
	int spaces = 0;

	while (tlex_is_space(lex_peek(l))) {
		lex_next(l);
		spaces++;
	}
	/* A space may begin a trim-marked closing delimiter " -}}". */
	if (has_right_trim(l, l->pos - 1) && lex_at(l, l->pos + 1, "}}")) {
		lex_backup(l);
		if (spaces == 1)
			return LS_RIGHT_DELIM;
	}
	return lex_emit(l, TI_SPACE);
}

/* Whether what follows may end an identifier (and split .X.Y into two). */
static bool at_terminator(struct tlexer *l)
{
	int r = lex_peek(l);

	if (tlex_is_space(r))
		return true;
	switch (r) {
	case LEX_EOF:
	case '.':
	case ',':
	case '|':
	case ':':
	case ')':
	case '(':
		return true;
	}
	return lex_at(l, l->pos, "}}");
}

/* An identifier, keyword or boolean. */
static enum lstate lex_ident(struct tlexer *l)
{
	char desc[32];
	size_t len;
	int r;

	while (is_alnum(r = lex_next(l)))
		;
	lex_backup(l);
	if (!at_terminator(l)) {
		rune_desc(desc, sizeof(desc), r);
		return lex_errorf(l, "bad character %s", desc);
	}
	len = l->pos - l->start;
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		if (strlen(keywords[i].word) == len && !memcmp(keywords[i].word, l->in + l->start, len))
			return lex_emit(l, keywords[i].type);
	}
	if ((len == 4 && !memcmp(l->in + l->start, "true", 4)) ||
	    (len == 5 && !memcmp(l->in + l->start, "false", 5)))
		return lex_emit(l, TI_BOOL);
	return lex_emit(l, TI_IDENT);
}

/* A field .Name or a variable $name; the '.' or '$' has been read. */
static enum lstate lex_field_or_variable(struct tlexer *l, enum titem_type type)
{
	char desc[32];
	int r;

	if (at_terminator(l))
		return lex_emit(l, type == TI_VARIABLE ? TI_VARIABLE : TI_DOT);
	while (is_alnum(r = lex_next(l)))
		;
	lex_backup(l);
	if (!at_terminator(l)) {
		rune_desc(desc, sizeof(desc), r);
		return lex_errorf(l, "bad character %s", desc);
	}
	return lex_emit(l, type);
}

/* A character constant; the opening quote has been read. */
static enum lstate lex_char(struct tlexer *l)
{
	for (;;) {
		int r = lex_next(l);

		if (r == '\\') {
			r = lex_next(l);
			if (r != LEX_EOF && r != '\n')
				continue;
		}
		if (r == LEX_EOF || r == '\n')
			return lex_errorf(l, "unterminated character constant");
		if (r == '\'')
			break;
	}
	return lex_emit(l, TI_CHARCONST);
}

/* Consumes the next character if it is one of valid. */
static bool lex_accept(struct tlexer *l, const char *valid)
{
	int r = lex_next(l);

	if (r != LEX_EOF && r < 0x80 && strchr(valid, r))
		return true;
	lex_backup(l);
	return false;
}

/* Consumes characters while they are in valid. */
static void lex_accept_run(struct tlexer *l, const char *valid)
{
	while (lex_accept(l, valid))
		;
}

/* Scans a number loosely, as Go does: the parser validates it. */
static bool lex_scan_number(struct tlexer *l)
{
	const char *digits = "0123456789_";

	lex_accept(l, "+-");
	if (lex_accept(l, "0")) {
		if (lex_accept(l, "xX"))
			digits = "0123456789abcdefABCDEF_";
		else if (lex_accept(l, "oO"))
			digits = "01234567_";
		else if (lex_accept(l, "bB"))
			digits = "01_";
	}
	lex_accept_run(l, digits);
	if (lex_accept(l, "."))
		lex_accept_run(l, digits);
	if (strlen(digits) == 11 && lex_accept(l, "eE")) {
		lex_accept(l, "+-");
		lex_accept_run(l, "0123456789_");
	}
	if (strlen(digits) == 23 && lex_accept(l, "pP")) {
		lex_accept(l, "+-");
		lex_accept_run(l, "0123456789_");
	}
	lex_accept(l, "i");
	if (is_alnum(lex_peek(l))) {
		lex_next(l);
		return false;
	}
	return true;
}

/* The error for text that cannot be a number. */
static enum lstate lex_bad_number(struct tlexer *l)
{
	struct strbuf q = {0};
	enum lstate st;

	tfmt_quote(&q, l->in + l->start, l->pos - l->start, 0);
	st = lex_errorf(l, "bad number syntax: %s", q.s);
	strbuf_free(&q);
	return st;
}

/* A number, or a complex number such as 1+2i. */
static enum lstate lex_number(struct tlexer *l)
{
	int sign;

	if (!lex_scan_number(l))
		return lex_bad_number(l);
	sign = lex_peek(l);
	if (sign == '+' || sign == '-') {
		if (!lex_scan_number(l) || l->in[l->pos - 1] != 'i')
			return lex_bad_number(l);
		return lex_emit(l, TI_COMPLEX);
	}
	return lex_emit(l, TI_NUMBER);
}

/* A double-quoted string; the opening quote has been read. */
static enum lstate lex_quote(struct tlexer *l)
{
	for (;;) {
		int r = lex_next(l);

		if (r == '\\') {
			r = lex_next(l);
			if (r != LEX_EOF && r != '\n')
				continue;
		}
		if (r == LEX_EOF || r == '\n')
			return lex_errorf(l, "unterminated quoted string");
		if (r == '"')
			break;
	}
	return lex_emit(l, TI_STRING);
}

/* A back-quoted raw string; the opening quote has been read. */
static enum lstate lex_raw_quote(struct tlexer *l)
{
	for (;;) {
		int r = lex_next(l);

		if (r == LEX_EOF)
			return lex_errorf(l, "unterminated raw quoted string");
		if (r == '`')
			break;
	}
	return lex_emit(l, TI_RAWSTRING);
}

/* Runs one state of the lexer and returns the next. */
static enum lstate lex_step(struct tlexer *l, enum lstate st)
{
	switch (st) {
	case LS_RESUME:
		return l->inside ? LS_INSIDE : LS_TEXT;
	case LS_TEXT:
		return lex_text(l);
	case LS_LEFT_DELIM:
		return lex_left_delim(l);
	case LS_COMMENT:
		return lex_comment(l);
	case LS_RIGHT_DELIM:
		return lex_right_delim(l);
	case LS_INSIDE:
		return lex_inside(l);
	case LS_SPACE:
		return lex_space(l);
	case LS_IDENT:
		return lex_ident(l);
	case LS_FIELD:
		return lex_field_or_variable(l, TI_FIELD);
	case LS_VARIABLE:
		if (at_terminator(l))
			return lex_emit(l, TI_VARIABLE);
		return lex_field_or_variable(l, TI_VARIABLE);
	case LS_CHAR:
		return lex_char(l);
	case LS_NUMBER:
		return lex_number(l);
	case LS_QUOTE:
		return lex_quote(l);
	case LS_RAW_QUOTE:
		return lex_raw_quote(l);
	case LS_DONE:
		break;
	}
	return LS_DONE;
}

/* Lexes a whole template into an array of items. */
void tlex(const char *text, struct titem **items, size_t *n)
{
	struct tlexer l = {.in = text, .len = strlen(text)};
	enum lstate st = LS_TEXT;

	l.line = l.start_line = 1;
	while (st != LS_DONE)
		st = lex_step(&l, st);
	*items = l.items;
	*n = l.nitems;
}

/* Frees the items of tlex and their error messages. */
void titems_free(struct titem *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i].msg);
	free(items);
}
