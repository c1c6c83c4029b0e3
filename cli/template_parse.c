/* The template lexer and parser: Go text/template's grammar and its error
 * messages ("template: :1: unexpected \"}\" in operand"), producing the node
 * tree that template_exec.c walks. */
#include "cli/template_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deepest nesting of actions and parentheses; keeps the C stack safe. */
#define TPARSE_MAX_DEPTH 1000

enum titem_type {
	TI_ERROR,
	TI_BOOL,
	TI_CHAR,
	TI_CHARCONST,
	TI_COMPLEX,
	TI_ASSIGN,
	TI_DECLARE,
	TI_EOF,
	TI_FIELD,
	TI_IDENT,
	TI_LDELIM,
	TI_LPAREN,
	TI_NUMBER,
	TI_PIPE,
	TI_RAWSTRING,
	TI_RDELIM,
	TI_RPAREN,
	TI_SPACE,
	TI_STRING,
	TI_TEXT,
	TI_VARIABLE,
	TI_KEYWORD, /* keywords follow */
	TI_BLOCK,
	TI_BREAK,
	TI_CONTINUE,
	TI_DOT,
	TI_DEFINE,
	TI_ELSE,
	TI_END,
	TI_IF,
	TI_NIL,
	TI_RANGE,
	TI_TEMPLATE,
	TI_WITH
};

struct titem {
	enum titem_type type;
	int pos;
	int line;
	const char *val; /* points into the template text, or at msg for errors */
	size_t len;
	char *msg;
};

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

static bool is_space(int r)
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

/* Steps back over the rune before pos (not after reading past the end). */
static void lex_backup(struct tlexer *l)
{
	if (!l->at_eof && l->pos > 0) {
		size_t p = l->pos - 1;

		while (p > l->start && ((unsigned char)l->in[p] & 0xc0) == 0x80 && l->pos - p < 4)
			p--;
		if (l->in[p] == '\n')
			l->line--;
		l->pos = p;
	}
	l->at_eof = false;
}

static int lex_peek(struct tlexer *l)
{
	int r = lex_next(l);

	lex_backup(l);
	return r;
}

static bool lex_at(const struct tlexer *l, size_t pos, const char *s)
{
	size_t n = strlen(s);

	return pos <= l->len && l->len - pos >= n && memcmp(l->in + pos, s, n) == 0;
}

static int count_newlines(const char *s, size_t n)
{
	int c = 0;

	for (size_t i = 0; i < n; i++)
		c += s[i] == '\n';
	return c;
}

static void lex_push(struct tlexer *l, struct titem it)
{
	if (l->nitems == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->items = tmpl_xrealloc(l->items, l->cap * sizeof(*l->items));
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

static bool has_left_trim(const struct tlexer *l, size_t pos)
{
	return pos + 1 < l->len && l->in[pos] == '-' && is_space((unsigned char)l->in[pos + 1]);
}

static bool has_right_trim(const struct tlexer *l, size_t pos)
{
	return pos + 1 < l->len && is_space((unsigned char)l->in[pos]) && l->in[pos + 1] == '-';
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

static size_t left_trim_length(const struct tlexer *l, size_t pos)
{
	size_t p = pos;

	while (p < l->len && is_space((unsigned char)l->in[p]))
		p++;
	return p - pos;
}

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
				       is_space((unsigned char)l->in[l->pos - trim - 1]))
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
	if (is_space(r)) {
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

static enum lstate lex_space(struct tlexer *l)
{
	int spaces = 0;

	while (is_space(lex_peek(l))) {
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

	if (is_space(r))
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

static bool lex_accept(struct tlexer *l, const char *valid)
{
	int r = lex_next(l);

	if (r != LEX_EOF && r < 0x80 && strchr(valid, r))
		return true;
	lex_backup(l);
	return false;
}

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

static enum lstate lex_bad_number(struct tlexer *l)
{
	struct tbuf q = {0};
	enum lstate st;

	tfmt_quote(&q, l->in + l->start, l->pos - l->start, 0);
	st = lex_errorf(l, "bad number syntax: %s", q.s);
	tbuf_free(&q);
	return st;
}

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

/* Splits the whole text into items, ending with EOF or an error item. */
static void lex_all(struct tlexer *l)
{
	enum lstate st = LS_TEXT;

	l->line = l->start_line = 1;
	while (st != LS_DONE)
		st = lex_step(l, st);
}

/* --- parser --- */

struct tparser {
	struct tmpl *t;
	struct titem *items;
	size_t nitems;
	size_t cur;
	size_t furthest;
	char **vars;
	size_t nvars;
	size_t capvars;
	int range_depth;
	int action_line;
	int depth;
	bool failed;
	berr *err;
};

static int parse_errorf(struct tparser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Records the first parse error, Go's way: "template: :LINE: message". */
static int parse_errorf(struct tparser *p, const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	if (p->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->failed = true;
	return berr_set(p->err, BERR_INVALID, "template parsing error: template: :%d: %s",
			p->items[p->furthest].line, msg);
}

/* The next token; past the end, the final EOF again. */
static struct titem *p_next(struct tparser *p)
{
	size_t i = p->cur < p->nitems ? p->cur : p->nitems - 1;

	if (i > p->furthest)
		p->furthest = i;
	p->cur++;
	return &p->items[i];
}

static void p_backup(struct tparser *p)
{
	p->cur--;
}

static struct titem *p_peek(struct tparser *p)
{
	struct titem *it = p_next(p);

	p_backup(p);
	return it;
}

static struct titem *p_next_non_space(struct tparser *p)
{
	struct titem *it;

	do
		it = p_next(p);
	while (it->type == TI_SPACE);
	return it;
}

static struct titem *p_peek_non_space(struct tparser *p)
{
	struct titem *it = p_next_non_space(p);

	p_backup(p);
	return it;
}

/* Go's item.String(): how a token is named in "unexpected X in Y". */
static void item_string(struct tbuf *b, const struct titem *it)
{
	if (it->type == TI_EOF)
		tbuf_adds(b, "EOF");
	else if (it->type == TI_ERROR)
		tbuf_adds(b, it->msg);
	else if (it->type > TI_KEYWORD)
		tbuf_addf(b, "<%.*s>", (int)it->len, it->val);
	else if (tfmt_utf8_len(it->val, it->len) > 10) {
		tfmt_quote(b, it->val, it->len, 10);
		tbuf_adds(b, "...");
	} else
		tfmt_quote(b, it->val, it->len, 0);
}

static int p_unexpected(struct tparser *p, const struct titem *it, const char *context)
{
	struct tbuf b = {0};
	int rc;

	item_string(&b, it);
	if (it->type == TI_ERROR) {
		if (p->action_line != 0 && p->action_line != it->line) {
			size_t n = strlen(" action");
			bool ends_action = b.len >= n && !strcmp(b.s + b.len - n, " action");

			tbuf_addf(&b, "%s started at :%d", ends_action ? "" : " in action",
				  p->action_line);
		}
		rc = parse_errorf(p, "%s", b.s);
	} else {
		rc = parse_errorf(p, "unexpected %s in %s", b.s, context);
	}
	tbuf_free(&b);
	return rc;
}

static struct titem *p_expect(struct tparser *p, enum titem_type type, const char *context)
{
	struct titem *it = p_next_non_space(p);

	if (it->type != type) {
		p_unexpected(p, it, context);
		return NULL;
	}
	return it;
}

static char *dupn(const char *s, size_t n)
{
	char *d = tmpl_xrealloc(NULL, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static struct tnode *node_new(struct tparser *p, enum tnode_type type, int pos, int line)
{
	struct tnode *n = tmpl_xrealloc(NULL, sizeof(*n));
	struct tmpl *t = p->t;

	memset(n, 0, sizeof(*n));
	n->type = type;
	n->pos = pos;
	n->line = line;
	if ((t->nnodes & (t->nnodes - 1)) == 0)
		t->nodes = tmpl_xrealloc(t->nodes, (t->nnodes ? t->nnodes * 2 : 1) * sizeof(*t->nodes));
	t->nodes[t->nnodes++] = n;
	return n;
}

static void node_append(struct tnode ***arr, size_t *n, struct tnode *kid)
{
	if ((*n & (*n - 1)) == 0)
		*arr = tmpl_xrealloc(*arr, (*n ? *n * 2 : 1) * sizeof(**arr));
	(*arr)[(*n)++] = kid;
}

static void ident_append(struct tnode *n, const char *s, size_t len)
{
	if ((n->nidents & (n->nidents - 1)) == 0)
		n->idents = tmpl_xrealloc(n->idents,
					  (n->nidents ? n->nidents * 2 : 1) * sizeof(*n->idents));
	n->idents[n->nidents++] = dupn(s, len);
}

/* Adds the dot-separated names of ".A.B" (or "$x.A") to a node. */
static void idents_split(struct tnode *n, const char *s, size_t len)
{
	size_t i = 0;

	if (len > 0 && s[0] == '.')
		i = 1;
	while (i <= len) {
		size_t j = i;

		while (j < len && s[j] != '.')
			j++;
		ident_append(n, s + i, j - i);
		i = j + 1;
	}
}

static void vars_push(struct tparser *p, const char *name, size_t len)
{
	if (p->nvars == p->capvars) {
		p->capvars = p->capvars ? p->capvars * 2 : 8;
		p->vars = tmpl_xrealloc(p->vars, p->capvars * sizeof(*p->vars));
	}
	p->vars[p->nvars++] = dupn(name, len);
}

static void vars_pop(struct tparser *p, size_t to)
{
	while (p->nvars > to)
		free(p->vars[--p->nvars]);
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One character of a quoted literal, like Go's strconv.UnquoteChar.
 * Returns the bytes consumed, or 0 for invalid syntax. */
static size_t unquote_char(const char *s, size_t n, char quote, struct tbuf *b, unsigned *rune)
{
	size_t digits = 0;
	unsigned v = 0;

	if (n == 0)
		return 0;
	if (s[0] != '\\') {
		int w;

		*rune = (unsigned)tutf8_decode(s, n, &w);
		tbuf_addn(b, s, (size_t)w);
		return (size_t)w;
	}
	if (n < 2)
		return 0;
	switch (s[1]) {
	case 'a': v = '\a'; break;
	case 'b': v = '\b'; break;
	case 'f': v = '\f'; break;
	case 'n': v = '\n'; break;
	case 'r': v = '\r'; break;
	case 't': v = '\t'; break;
	case 'v': v = '\v'; break;
	case '\\': v = '\\'; break;
	case '\'':
	case '"':
		if (s[1] != quote)
			return 0;
		v = (unsigned char)s[1];
		break;
	case 'x':
		digits = 2;
		break;
	case 'u':
		digits = 4;
		break;
	case 'U':
		digits = 8;
		break;
	case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
		if (n < 4)
			return 0;
		for (size_t i = 1; i < 4; i++) {
			if (s[i] < '0' || s[i] > '7')
				return 0;
			v = v * 8 + (unsigned)(s[i] - '0');
		}
		if (v > 255)
			return 0;
		*rune = v;
		tbuf_addc(b, (char)v);
		return 4;
	default:
		return 0;
	}
	if (digits == 0) {
		*rune = v;
		tbuf_addc(b, (char)v);
		return 2;
	}
	if (n < 2 + digits)
		return 0;
	for (size_t i = 0; i < digits; i++) {
		int h = hex_val(s[2 + i]);

		if (h < 0)
			return 0;
		v = v * 16 + (unsigned)h;
	}
	*rune = v;
	if (digits == 2) {
		tbuf_addc(b, (char)v);
	} else {
		if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000))
			return 0;
		tutf8_put(b, (long)v);
	}
	return 2 + digits;
}

/* Go's strconv.Unquote for "...", `...` and '.' literals; false on bad syntax. */
static bool unquote(const char *s, size_t n, struct tbuf *out, unsigned *rune)
{
	size_t i;

	if (n < 2 || s[n - 1] != s[0])
		return false;
	if (s[0] == '`') {
		for (i = 1; i + 1 < n; i++) {
			if (s[i] != '\r')
				tbuf_addc(out, s[i]);
		}
		tbuf_addn(out, "", 0);
		return true;
	}
	tbuf_addn(out, "", 0);
	for (i = 1; i + 1 < n;) {
		size_t used;

		if (s[i] == s[0] && s[0] == '"')
			return false;
		used = unquote_char(s + i, n - 1 - i, s[0], out, rune);
		if (used == 0)
			return false;
		i += used;
		if (s[0] == '\'')
			return i + 1 == n;
	}
	return s[0] == '"';
}

static bool underscore_ok(const char *s)
{
	/* Underscores only between digits, or right after a base prefix. */
	char saw = '^';
	size_t i = 0;
	bool hex = false;

	if (s[0] == '+' || s[0] == '-')
		s++;
	if (s[0] == '0' && s[1] && strchr("xXbBoO", s[1])) {
		hex = s[1] == 'x' || s[1] == 'X';
		i = 2;
		saw = '0';
	}
	for (; s[i]; i++) {
		char c = s[i];

		if ((c >= '0' && c <= '9') || (hex && hex_val(c) >= 0)) {
			saw = '0';
			continue;
		}
		if (c == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* Go's strconv.ParseUint/ParseInt with base 0, on underscore-free text. */
static bool parse_integer(const char *s, bool is_signed, unsigned long long *u, long long *i)
{
	bool neg = false;
	unsigned long long v = 0;
	int base = 10;

	if (*s == '+' || *s == '-') {
		if (!is_signed)
			return false;
		neg = *s == '-';
		s++;
	}
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		s += 2;
	} else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O')) {
		base = 8;
		s += 2;
	} else if (s[0] == '0' && s[1]) {
		base = 8;
		s++;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		int d = hex_val(*s);

		if (d < 0 || d >= base)
			return false;
		if (v > (~0ULL - (unsigned)d) / (unsigned)base)
			return false;
		v = v * (unsigned)base + (unsigned)d;
	}
	if (!is_signed) {
		*u = v;
		return true;
	}
	if (neg ? v > 9223372036854775808ULL : v > 9223372036854775807ULL)
		return false;
	*i = neg ? (long long)(0 - v) : (long long)v;
	return true;
}

static bool parse_float(const char *s, double *d)
{
	char *end;
	bool hex = strstr(s, "0x") || strstr(s, "0X");

	if (hex && !strpbrk(s, "pP"))
		return false;
	if (!hex && strpbrk(s, "pP"))
		return false;
	*d = strtod(s, &end);
	return end != s && *end == '\0';
}

/* A character constant such as 'a' or '\n': an integer, a rune value. */
static int char_parse(struct tparser *p, struct tnode *n, const struct titem *it)
{
	struct tbuf b = {0};
	unsigned r = 0;
	size_t used = 0;

	if (it->len > 2)
		used = unquote_char(it->val + 1, it->len - 2, '\'', &b, &r);
	tbuf_free(&b);
	if (used == 0 || (it->val[1] == '\'' && it->len == 2))
		return parse_errorf(p, "invalid syntax");
	if (used + 2 != it->len)
		return parse_errorf(p, "malformed character constant: %.*s", (int)it->len, it->val);
	n->is_int = n->is_uint = n->is_float = true;
	n->i64 = r;
	n->u64 = r;
	n->f64 = r;
	return 0;
}

/* Go's parse.newNumber: what kinds of number the literal can stand for. */
static int number_parse(struct tparser *p, struct tnode *n, const struct titem *it)
{
	struct tbuf q = {0};
	unsigned long long unused;
	char *clean;
	size_t j = 0;
	int rc = 0;

	if (it->type == TI_CHARCONST)
		return char_parse(p, n, it);
	if (it->type == TI_COMPLEX || n->text[n->text_len - 1] == 'i')
		return parse_errorf(p, "complex constants are not supported: %s", n->text);
	clean = tmpl_xrealloc(NULL, n->text_len + 1);
	for (size_t i = 0; i < n->text_len; i++) {
		if (n->text[i] != '_')
			clean[j++] = n->text[i];
	}
	clean[j] = '\0';
	if (j != n->text_len && !underscore_ok(n->text))
		goto illegal;
	if (parse_integer(clean, false, &n->u64, &n->i64))
		n->is_uint = true;
	if (parse_integer(clean, true, &unused, &n->i64)) {
		n->is_int = true;
		if (n->i64 == 0) {
			n->is_uint = true;
			n->u64 = 0;
		}
	}
	if (n->is_int) {
		n->is_float = true;
		n->f64 = (double)n->i64;
	} else if (n->is_uint) {
		n->is_float = true;
		n->f64 = (double)n->u64;
	} else if (parse_float(clean, &n->f64)) {
		if (!strpbrk(n->text, ".eEpP")) {
			tfmt_quote(&q, n->text, n->text_len, 0);
			rc = parse_errorf(p, "integer overflow: %s", q.s);
			goto out;
		}
		n->is_float = true;
		if (n->f64 >= -9223372036854775808.0 && n->f64 < 9223372036854775808.0 &&
		    (double)(long long)n->f64 == n->f64) {
			n->is_int = true;
			n->i64 = (long long)n->f64;
		}
		if (n->f64 >= 0 && n->f64 < 18446744073709551616.0 &&
		    (double)(unsigned long long)n->f64 == n->f64) {
			n->is_uint = true;
			n->u64 = (unsigned long long)n->f64;
		}
	}
	if (n->is_int || n->is_uint || n->is_float)
		goto out;
illegal:
	tfmt_quote(&q, n->text, n->text_len, 0);
	rc = parse_errorf(p, "illegal number syntax: %s", q.s);
out:
	tbuf_free(&q);
	free(clean);
	return rc;
}

static struct tnode *parse_pipeline(struct tparser *p, const char *context, enum titem_type end);
static struct tnode *parse_item_list(struct tparser *p, struct tnode **next);
static struct tnode *parse_if(struct tparser *p);
static struct tnode *parse_with(struct tparser *p);

static bool has_function(const char *name)
{
	return tfunc_lookup(name, false) != NULL;
}

static struct tnode *parse_term(struct tparser *p)
{
	struct titem *it = p_next_non_space(p);
	struct tnode *n;

	switch (it->type) {
	case TI_IDENT:
		n = node_new(p, TN_IDENT, it->pos, it->line);
		n->text = dupn(it->val, it->len);
		n->text_len = it->len;
		if (!has_function(n->text)) {
			parse_errorf(p, "function \"%s\" not defined", n->text);
			return NULL;
		}
		return n;
	case TI_DOT:
		return node_new(p, TN_DOT, it->pos, it->line);
	case TI_NIL:
		return node_new(p, TN_NIL, it->pos, it->line);
	case TI_VARIABLE:
		for (size_t i = p->nvars; i-- > 0;) {
			if (strlen(p->vars[i]) == it->len && !memcmp(p->vars[i], it->val, it->len)) {
				n = node_new(p, TN_VARIABLE, it->pos, it->line);
				ident_append(n, it->val, it->len);
				return n;
			}
		}
		parse_errorf(p, "undefined variable \"%.*s\"", (int)it->len, it->val);
		return NULL;
	case TI_FIELD:
		n = node_new(p, TN_FIELD, it->pos, it->line);
		idents_split(n, it->val, it->len);
		return n;
	case TI_BOOL:
		n = node_new(p, TN_BOOL, it->pos, it->line);
		n->bool_val = it->len == 4;
		return n;
	case TI_CHARCONST:
	case TI_COMPLEX:
	case TI_NUMBER:
		n = node_new(p, TN_NUMBER, it->pos, it->line);
		n->text = dupn(it->val, it->len);
		n->text_len = it->len;
		return number_parse(p, n, it) < 0 ? NULL : n;
	case TI_LPAREN:
		return parse_pipeline(p, "parenthesized pipeline", TI_RPAREN);
	case TI_STRING:
	case TI_RAWSTRING: {
		struct tbuf b = {0};
		unsigned r;

		if (!unquote(it->val, it->len, &b, &r)) {
			tbuf_free(&b);
			parse_errorf(p, "invalid syntax");
			return NULL;
		}
		n = node_new(p, TN_STRING, it->pos, it->line);
		n->text_len = b.len;
		n->text = tbuf_steal(&b);
		n->quoted = dupn(it->val, it->len);
		return n;
	}
	default:
		p_backup(p);
		return NULL;
	}
}

/* A term followed by field accesses: .A.B, $x.A, (pipeline).A */
static struct tnode *parse_operand(struct tparser *p)
{
	struct tnode *node = parse_term(p), *chain;
	struct tbuf b = {0}, q = {0};

	if (!node || p_peek(p)->type != TI_FIELD)
		return node;
	chain = node_new(p, TN_CHAIN, p_peek(p)->pos, p_peek(p)->line);
	chain->pipe = node;
	while (p_peek(p)->type == TI_FIELD) {
		struct titem *f = p_next(p);

		ident_append(chain, f->val + 1, f->len - 1);
	}
	switch (node->type) {
	case TN_FIELD:
	case TN_VARIABLE:
		/* More fields on the original node, at the chain's position. */
		for (size_t i = 0; i < chain->nidents; i++)
			ident_append(node, chain->idents[i], strlen(chain->idents[i]));
		node->pos = chain->pos;
		return node;
	case TN_BOOL:
	case TN_STRING:
	case TN_NUMBER:
	case TN_NIL:
	case TN_DOT:
		tnode_string(&b, node);
		tfmt_quote(&q, b.s, b.len, 0);
		parse_errorf(p, "unexpected . after term %s", q.s);
		tbuf_free(&q);
		tbuf_free(&b);
		return NULL;
	default:
		return chain;
	}
}

static struct tnode *parse_command(struct tparser *p)
{
	struct tnode *cmd = node_new(p, TN_COMMAND, p_peek_non_space(p)->pos, 0);

	for (;;) {
		struct tnode *operand;
		struct titem *it;

		p_peek_non_space(p);
		operand = parse_operand(p);
		if (p->failed)
			return NULL;
		if (operand)
			node_append(&cmd->kids, &cmd->nkids, operand);
		it = p_next(p);
		if (it->type == TI_SPACE)
			continue;
		if (it->type == TI_RDELIM || it->type == TI_RPAREN) {
			p_backup(p);
		} else if (it->type != TI_PIPE) {
			p_unexpected(p, it, "operand");
			return NULL;
		}
		break;
	}
	if (cmd->nkids == 0) {
		parse_errorf(p, "empty command");
		return NULL;
	}
	return cmd;
}

static int check_pipeline(struct tparser *p, struct tnode *pipe, const char *context)
{
	if (pipe->nkids == 0)
		return parse_errorf(p, "missing value for %s", context);
	for (size_t i = 1; i < pipe->nkids; i++) {
		switch (pipe->kids[i]->kids[0]->type) {
		case TN_BOOL:
		case TN_DOT:
		case TN_NIL:
		case TN_NUMBER:
		case TN_STRING:
			return parse_errorf(p, "non executable command in pipeline stage %zu", i + 1);
		default:
			break;
		}
	}
	return 0;
}

/* Declarations ($x :=, $x =, range's $i, $v :=) at the start of a pipeline. */
static int parse_decls(struct tparser *p, struct tnode *pipe, const char *context)
{
	for (;;) {
		struct titem *v = p_peek_non_space(p), *next;
		size_t at = p->cur;
		struct tnode *var;

		if (v->type != TI_VARIABLE)
			return 0;
		p_next(p);
		next = p_peek_non_space(p);
		if (next->type != TI_ASSIGN && next->type != TI_DECLARE &&
		    !(next->type == TI_CHAR && next->len == 1 && next->val[0] == ',')) {
			p->cur = at;
			return 0;
		}
		p_next_non_space(p);
		var = node_new(p, TN_VARIABLE, v->pos, v->line);
		ident_append(var, v->val, v->len);
		node_append(&pipe->decl, &pipe->ndecl, var);
		vars_push(p, v->val, v->len);
		if (next->type != TI_CHAR) {
			pipe->is_assign = next->type == TI_ASSIGN;
			return 0;
		}
		if (!strcmp(context, "range") && pipe->ndecl < 2) {
			enum titem_type ty = p_peek_non_space(p)->type;

			if (ty == TI_VARIABLE || ty == TI_RDELIM || ty == TI_RPAREN)
				continue;
			return parse_errorf(p, "range can only initialize variables");
		}
		return parse_errorf(p, "too many declarations in %s", context);
	}
}

static struct tnode *parse_pipeline(struct tparser *p, const char *context, enum titem_type end)
{
	struct titem *first = p_peek_non_space(p);
	struct tnode *pipe = node_new(p, TN_PIPE, first->pos, first->line);

	if (++p->depth > TPARSE_MAX_DEPTH) {
		parse_errorf(p, "max expression depth exceeded");
		return NULL;
	}
	if (parse_decls(p, pipe, context) < 0)
		return NULL;
	for (;;) {
		struct titem *it = p_next_non_space(p);
		struct tnode *cmd;

		if (it->type == end) {
			p->depth--;
			return check_pipeline(p, pipe, context) < 0 ? NULL : pipe;
		}
		switch (it->type) {
		case TI_BOOL:
		case TI_CHARCONST:
		case TI_COMPLEX:
		case TI_DOT:
		case TI_FIELD:
		case TI_IDENT:
		case TI_NUMBER:
		case TI_NIL:
		case TI_RAWSTRING:
		case TI_STRING:
		case TI_VARIABLE:
		case TI_LPAREN:
			p_backup(p);
			cmd = parse_command(p);
			if (!cmd)
				return NULL;
			node_append(&pipe->kids, &pipe->nkids, cmd);
			break;
		default:
			p_unexpected(p, it, context);
			return NULL;
		}
	}
}

/* The pipeline, body and else part shared by if, range and with. */
static struct tnode *parse_control(struct tparser *p, enum tnode_type type, const char *context)
{
	size_t saved = p->nvars;
	struct tnode *n, *next = NULL;

	n = node_new(p, type, 0, 0);
	n->pipe = parse_pipeline(p, context, TI_RDELIM);
	if (!n->pipe)
		goto fail;
	n->pos = n->pipe->pos;
	n->line = n->pipe->line;
	if (type == TN_RANGE)
		p->range_depth++;
	n->list = parse_item_list(p, &next);
	if (type == TN_RANGE)
		p->range_depth--;
	if (!n->list)
		goto fail;
	if (next->type == TN_ELSE) {
		if (type == TN_IF && p_peek(p)->type == TI_IF) {
			struct tnode *nested;

			p_next(p);
			n->else_list = node_new(p, TN_LIST, next->pos, next->line);
			nested = parse_if(p);
			if (!nested)
				goto fail;
			node_append(&n->else_list->kids, &n->else_list->nkids, nested);
		} else if (type == TN_WITH && p_peek(p)->type == TI_WITH) {
			struct tnode *nested;

			p_next(p);
			n->else_list = node_new(p, TN_LIST, next->pos, next->line);
			nested = parse_with(p);
			if (!nested)
				goto fail;
			node_append(&n->else_list->kids, &n->else_list->nkids, nested);
		} else {
			n->else_list = parse_item_list(p, &next);
			if (!n->else_list)
				goto fail;
			if (next->type != TN_END) {
				struct tbuf b = {0};

				tnode_string(&b, next);
				parse_errorf(p, "expected end; found %s", b.s);
				tbuf_free(&b);
				goto fail;
			}
		}
	}
	vars_pop(p, saved);
	return n;
fail:
	vars_pop(p, saved);
	return NULL;
}

static struct tnode *parse_if(struct tparser *p)
{
	return parse_control(p, TN_IF, "if");
}

static struct tnode *parse_with(struct tparser *p)
{
	return parse_control(p, TN_WITH, "with");
}

static char *parse_template_name(struct tparser *p, const struct titem *it, const char *context)
{
	struct tbuf b = {0};
	unsigned r;

	if (it->type != TI_STRING && it->type != TI_RAWSTRING) {
		p_unexpected(p, it, context);
		return NULL;
	}
	if (!unquote(it->val, it->len, &b, &r)) {
		tbuf_free(&b);
		parse_errorf(p, "invalid syntax");
		return NULL;
	}
	return tbuf_steal(&b);
}

static bool tree_is_empty(const struct tnode *n)
{
	if (!n)
		return true;
	if (n->type == TN_LIST) {
		for (size_t i = 0; i < n->nkids; i++) {
			if (!tree_is_empty(n->kids[i]))
				return false;
		}
		return true;
	}
	if (n->type == TN_TEXT) {
		for (size_t i = 0; i < n->text_len; i++) {
			if (!is_space((unsigned char)n->text[i]))
				return false;
		}
		return true;
	}
	return n->type == TN_COMMENT;
}

/* Registers a named template; a second non-empty definition is an error. */
static int add_definition(struct tparser *p, char *name, struct tnode *root)
{
	struct tmpl *t = p->t;

	for (size_t i = 0; i < t->ndefs; i++) {
		if (strcmp(t->defs[i].name, name))
			continue;
		if (tree_is_empty(t->defs[i].root)) {
			t->defs[i].root = root;
		} else if (!tree_is_empty(root)) {
			parse_errorf(p, "template: multiple definition of template \"%s\"", name);
			free(name);
			return -1;
		}
		free(name);
		return 0;
	}
	t->defs = tmpl_xrealloc(t->defs, (t->ndefs + 1) * sizeof(*t->defs));
	t->defs[t->ndefs].name = name;
	t->defs[t->ndefs].root = root;
	t->ndefs++;
	return 0;
}

/* The body of {{define}} or {{block}}: its own variables, up to {{end}}. */
static int parse_named_body(struct tparser *p, char *name, const char *context)
{
	size_t saved_vars = p->nvars;
	int saved_range = p->range_depth;
	struct tnode *root, *end = NULL;

	vars_push(p, "$", 1);
	p->range_depth = 0;
	root = parse_item_list(p, &end);
	p->range_depth = saved_range;
	vars_pop(p, saved_vars);
	if (!root) {
		free(name);
		return -1;
	}
	if (end->type != TN_END) {
		struct tbuf b = {0};

		tnode_string(&b, end);
		parse_errorf(p, "unexpected %s in %s", b.s, context);
		tbuf_free(&b);
		free(name);
		return -1;
	}
	return add_definition(p, name, root);
}

static struct tnode *parse_block(struct tparser *p)
{
	const char *context = "block clause";
	struct titem *it = p_next_non_space(p);
	struct tnode *n;
	char *name = parse_template_name(p, it, context);

	if (!name)
		return NULL;
	n = node_new(p, TN_TEMPLATE, it->pos, it->line);
	n->text = name;
	n->text_len = strlen(name);
	n->pipe = parse_pipeline(p, context, TI_RDELIM);
	if (!n->pipe)
		return NULL;
	if (parse_named_body(p, dupn(name, n->text_len), context) < 0)
		return NULL;
	return n;
}

static struct tnode *parse_template(struct tparser *p)
{
	const char *context = "template clause";
	struct titem *it = p_next_non_space(p);
	struct tnode *n;
	char *name = parse_template_name(p, it, context);

	if (!name)
		return NULL;
	n = node_new(p, TN_TEMPLATE, it->pos, it->line);
	n->text = name;
	n->text_len = strlen(name);
	if (p_next_non_space(p)->type != TI_RDELIM) {
		p_backup(p);
		n->pipe = parse_pipeline(p, context, TI_RDELIM);
		if (!n->pipe)
			return NULL;
	}
	return n;
}

static struct tnode *parse_break_continue(struct tparser *p, const struct titem *kw)
{
	bool is_break = kw->type == TI_BREAK;
	const char *word = is_break ? "{{break}}" : "{{continue}}";
	struct titem *it = p_next_non_space(p);

	if (it->type != TI_RDELIM) {
		p_unexpected(p, it, word);
		return NULL;
	}
	if (p->range_depth == 0) {
		parse_errorf(p, "%s outside {{range}}", word);
		return NULL;
	}
	return node_new(p, is_break ? TN_BREAK : TN_CONTINUE, kw->pos, kw->line);
}

static struct tnode *parse_action(struct tparser *p)
{
	struct titem *it = p_next_non_space(p);
	struct tnode *n;

	switch (it->type) {
	case TI_BLOCK:
		return parse_block(p);
	case TI_BREAK:
	case TI_CONTINUE:
		return parse_break_continue(p, it);
	case TI_ELSE: {
		struct titem *peek = p_peek_non_space(p);

		/* "else if" and "else with" leave the keyword for parse_control. */
		if (peek->type == TI_IF || peek->type == TI_WITH)
			return node_new(p, TN_ELSE, peek->pos, peek->line);
		it = p_expect(p, TI_RDELIM, "else");
		return it ? node_new(p, TN_ELSE, it->pos, it->line) : NULL;
	}
	case TI_END:
		it = p_expect(p, TI_RDELIM, "end");
		return it ? node_new(p, TN_END, it->pos, it->line) : NULL;
	case TI_IF:
		return parse_if(p);
	case TI_RANGE:
		return parse_control(p, TN_RANGE, "range");
	case TI_TEMPLATE:
		return parse_template(p);
	case TI_WITH:
		return parse_with(p);
	default:
		break;
	}
	p_backup(p);
	it = p_peek(p);
	n = node_new(p, TN_ACTION, it->pos, it->line);
	n->pipe = parse_pipeline(p, "command", TI_RDELIM);
	return n->pipe ? n : NULL;
}

static struct tnode *parse_text_or_action(struct tparser *p)
{
	struct titem *it = p_next_non_space(p);
	struct tnode *n;

	if (it->type == TI_TEXT) {
		n = node_new(p, TN_TEXT, it->pos, it->line);
		n->text = dupn(it->val, it->len);
		n->text_len = it->len;
		return n;
	}
	if (it->type == TI_LDELIM) {
		p->action_line = it->line;
		n = parse_action(p);
		p->action_line = 0;
		return n;
	}
	p_unexpected(p, it, "input");
	return NULL;
}

static struct tnode *parse_item_list(struct tparser *p, struct tnode **next)
{
	struct tnode *list = node_new(p, TN_LIST, p_peek_non_space(p)->pos, 0);

	if (++p->depth > TPARSE_MAX_DEPTH) {
		parse_errorf(p, "max expression depth exceeded");
		return NULL;
	}
	while (p_peek_non_space(p)->type != TI_EOF) {
		struct tnode *n = parse_text_or_action(p);

		if (!n)
			return NULL;
		if (n->type == TN_END || n->type == TN_ELSE) {
			*next = n;
			p->depth--;
			return list;
		}
		node_append(&list->kids, &list->nkids, n);
	}
	parse_errorf(p, "unexpected EOF");
	return NULL;
}

static int parse_definition(struct tparser *p)
{
	const char *context = "define clause";
	struct titem *it = p_next_non_space(p);
	char *name;

	if (it->type != TI_STRING && it->type != TI_RAWSTRING)
		return p_unexpected(p, it, context);
	name = parse_template_name(p, it, context);
	if (!name)
		return -1;
	if (!p_expect(p, TI_RDELIM, context)) {
		free(name);
		return -1;
	}
	return parse_named_body(p, name, context);
}

static int parse_top(struct tparser *p)
{
	struct tnode *root = node_new(p, TN_LIST, p_peek(p)->pos, 0);

	while (p_peek(p)->type != TI_EOF) {
		struct tnode *n;

		if (p_peek(p)->type == TI_LDELIM) {
			size_t at = p->cur;

			p_next(p);
			if (p_next_non_space(p)->type == TI_DEFINE) {
				if (parse_definition(p) < 0)
					return -1;
				continue;
			}
			p->cur = at;
		}
		n = parse_text_or_action(p);
		if (!n)
			return -1;
		if (n->type == TN_END || n->type == TN_ELSE) {
			struct tbuf b = {0};

			tnode_string(&b, n);
			parse_errorf(p, "unexpected %s", b.s);
			tbuf_free(&b);
			return -1;
		}
		node_append(&root->kids, &root->nkids, n);
	}
	return add_definition(p, dupn("", 0), root);
}

int tparse(struct tmpl *t, berr *err)
{
	struct tlexer l = {.in = t->text, .len = strlen(t->text)};
	struct tparser p = {.t = t, .err = err};
	int rc;

	lex_all(&l);
	p.items = l.items;
	p.nitems = l.nitems;
	vars_push(&p, "$", 1);
	rc = parse_top(&p);
	if (rc == 0 && p.failed)
		rc = -1;
	vars_pop(&p, 0);
	free(p.vars);
	for (size_t i = 0; i < l.nitems; i++)
		free(l.items[i].msg);
	free(l.items);
	return rc;
}

struct tnode *tmpl_lookup(struct tmpl *t, const char *name)
{
	for (size_t i = 0; i < t->ndefs; i++) {
		if (!strcmp(t->defs[i].name, name))
			return t->defs[i].root;
	}
	return NULL;
}

void tnodes_free(struct tnode **nodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct tnode *node = nodes[i];

		for (size_t j = 0; j < node->nidents; j++)
			free(node->idents[j]);
		free(node->idents);
		free(node->kids);
		free(node->decl);
		free(node->text);
		free(node->quoted);
		free(node);
	}
}

static void pipe_string(struct tbuf *b, const struct tnode *pipe)
{
	for (size_t i = 0; i < pipe->ndecl; i++) {
		if (i > 0)
			tbuf_adds(b, ", ");
		tnode_string(b, pipe->decl[i]);
	}
	if (pipe->ndecl > 0)
		tbuf_adds(b, pipe->is_assign ? " = " : " := ");
	for (size_t i = 0; i < pipe->nkids; i++) {
		if (i > 0)
			tbuf_adds(b, " | ");
		tnode_string(b, pipe->kids[i]);
	}
}

static void control_string(struct tbuf *b, const char *word, const struct tnode *n)
{
	tbuf_addf(b, "{{%s ", word);
	pipe_string(b, n->pipe);
	tbuf_adds(b, "}}");
	tnode_string(b, n->list);
	if (n->else_list) {
		tbuf_adds(b, "{{else}}");
		tnode_string(b, n->else_list);
	}
	tbuf_adds(b, "{{end}}");
}

/* Go's Node.String(): the source form of a node, used in error context. */
void tnode_string(struct tbuf *b, const struct tnode *n)
{
	switch (n->type) {
	case TN_LIST:
		for (size_t i = 0; i < n->nkids; i++)
			tnode_string(b, n->kids[i]);
		break;
	case TN_TEXT:
		tbuf_addn(b, n->text, n->text_len);
		break;
	case TN_COMMENT:
		tbuf_addf(b, "{{%s}}", n->text);
		break;
	case TN_ACTION:
		tbuf_adds(b, "{{");
		pipe_string(b, n->pipe);
		tbuf_adds(b, "}}");
		break;
	case TN_IF:
		control_string(b, "if", n);
		break;
	case TN_RANGE:
		control_string(b, "range", n);
		break;
	case TN_WITH:
		control_string(b, "with", n);
		break;
	case TN_TEMPLATE:
		tbuf_adds(b, "{{template ");
		tfmt_quote(b, n->text, n->text_len, 0);
		if (n->pipe) {
			tbuf_addc(b, ' ');
			pipe_string(b, n->pipe);
		}
		tbuf_adds(b, "}}");
		break;
	case TN_BREAK:
		tbuf_adds(b, "{{break}}");
		break;
	case TN_CONTINUE:
		tbuf_adds(b, "{{continue}}");
		break;
	case TN_PIPE:
		pipe_string(b, n);
		break;
	case TN_COMMAND:
		for (size_t i = 0; i < n->nkids; i++) {
			if (i > 0)
				tbuf_addc(b, ' ');
			if (n->kids[i]->type == TN_PIPE) {
				tbuf_addc(b, '(');
				pipe_string(b, n->kids[i]);
				tbuf_addc(b, ')');
			} else {
				tnode_string(b, n->kids[i]);
			}
		}
		break;
	case TN_FIELD:
		for (size_t i = 0; i < n->nidents; i++)
			tbuf_addf(b, ".%s", n->idents[i]);
		break;
	case TN_VARIABLE:
		for (size_t i = 0; i < n->nidents; i++)
			tbuf_addf(b, "%s%s", i ? "." : "", n->idents[i]);
		break;
	case TN_CHAIN:
		if (n->pipe->type == TN_PIPE) {
			tbuf_addc(b, '(');
			pipe_string(b, n->pipe);
			tbuf_addc(b, ')');
		} else {
			tnode_string(b, n->pipe);
		}
		for (size_t i = 0; i < n->nidents; i++)
			tbuf_addf(b, ".%s", n->idents[i]);
		break;
	case TN_IDENT:
	case TN_NUMBER:
		tbuf_addn(b, n->text, n->text_len);
		break;
	case TN_DOT:
		tbuf_addc(b, '.');
		break;
	case TN_NIL:
		tbuf_adds(b, "nil");
		break;
	case TN_BOOL:
		tbuf_adds(b, n->bool_val ? "true" : "false");
		break;
	case TN_STRING:
		tbuf_adds(b, n->quoted);
		break;
	case TN_END:
		tbuf_adds(b, "{{end}}");
		break;
	case TN_ELSE:
		tbuf_adds(b, "{{else}}");
		break;
	}
}
