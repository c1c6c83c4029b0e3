/* The template parser: Go text/template's grammar and its error messages
 * ("template: :1: unexpected \"}\" in operand") over the items of
 * template_lex.c, producing the node tree that template_exec.c walks. */
#include "cli/template_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deepest nesting of actions and parentheses; keeps the C stack safe. */
#define TPARSE_MAX_DEPTH 1000

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

/* Steps back over the token just read. */
static void p_backup(struct tparser *p)
{
	p->cur--;
}

/* The next token, without consuming it. */
static struct titem *p_peek(struct tparser *p)
{
	struct titem *it = p_next(p);

	p_backup(p);
	return it;
}

/* The next token that is not a space. */
static struct titem *p_next_non_space(struct tparser *p)
{
	struct titem *it;

	do
		it = p_next(p);
	while (it->type == TI_SPACE);
	return it;
}

/* Skips spaces and returns the next token without consuming it. */
static struct titem *p_peek_non_space(struct tparser *p)
{
	struct titem *it = p_next_non_space(p);

	p_backup(p);
	return it;
}

/* Go's item.String(): how a token is named in "unexpected X in Y". */
static void item_string(struct strbuf *b, const struct titem *it)
{
	if (it->type == TI_EOF)
		strbuf_adds(b, "EOF");
	else if (it->type == TI_ERROR)
		strbuf_adds(b, it->msg);
	else if (it->type > TI_KEYWORD)
		strbuf_addf(b, "<%.*s>", (int)it->len, it->val);
	else if (tfmt_utf8_len(it->val, it->len) > 10) {
		tfmt_quote(b, it->val, it->len, 10);
		strbuf_adds(b, "...");
	} else
		tfmt_quote(b, it->val, it->len, 0);
}

/* Go's "unexpected X in context" error (or the lexer's own error). */
static int p_unexpected(struct tparser *p, const struct titem *it, const char *context)
{
	struct strbuf b = {0};
	int rc;

	item_string(&b, it);
	if (it->type == TI_ERROR) {
		if (p->action_line != 0 && p->action_line != it->line) {
			size_t n = strlen(" action");
			bool ends_action = b.len >= n && !strcmp(b.s + b.len - n, " action");

			strbuf_addf(&b, "%s started at :%d", ends_action ? "" : " in action",
				  p->action_line);
		}
		rc = parse_errorf(p, "%s", b.s);
	} else {
		rc = parse_errorf(p, "unexpected %s in %s", b.s, context);
	}
	strbuf_free(&b);
	return rc;
}

/* The next non-space token, which must be of the given type. */
static struct titem *p_expect(struct tparser *p, enum titem_type type, const char *context)
{
	struct titem *it = p_next_non_space(p);

	if (it->type != type) {
		p_unexpected(p, it, context);
		return NULL;
	}
	return it;
}

/* A NUL-terminated copy of n bytes. */
static char *dupn(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* A new node, registered with the template so that it is freed with it. */
static struct tnode *node_new(struct tparser *p, enum tnode_type type, int pos, int line)
{
	struct tnode *n = xmalloc(sizeof(*n));
	struct tmpl *t = p->t;

	memset(n, 0, sizeof(*n));
	n->type = type;
	n->pos = pos;
	n->line = line;
	if ((t->nnodes & (t->nnodes - 1)) == 0)
		t->nodes = xrealloc(t->nodes, (t->nnodes ? t->nnodes * 2 : 1) * sizeof(*t->nodes));
	t->nodes[t->nnodes++] = n;
	return n;
}

/* Appends a node to a growing array of nodes. */
static void node_append(struct tnode ***arr, size_t *n, struct tnode *kid)
{
	if ((*n & (*n - 1)) == 0)
		*arr = xrealloc(*arr, (*n ? *n * 2 : 1) * sizeof(**arr));
	(*arr)[(*n)++] = kid;
}

/* Appends a name to a node's field or variable names. */
static void ident_append(struct tnode *n, const char *s, size_t len)
{
	if ((n->nidents & (n->nidents - 1)) == 0)
		n->idents = xrealloc(n->idents,
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

/* Declares a variable for the rest of the enclosing block. */
static void vars_push(struct tparser *p, const char *name, size_t len)
{
	if (p->nvars == p->capvars) {
		p->capvars = p->capvars ? p->capvars * 2 : 8;
		p->vars = xrealloc(p->vars, p->capvars * sizeof(*p->vars));
	}
	p->vars[p->nvars++] = dupn(name, len);
}

/* Forgets the variables declared after the mark. */
static void vars_pop(struct tparser *p, size_t to)
{
	while (p->nvars > to)
		free(p->vars[--p->nvars]);
}

/* The value of a hexadecimal digit, or -1. */
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
static size_t unquote_char(const char *s, size_t n, char quote, struct strbuf *b, unsigned *rune)
{
	size_t digits = 0;
	unsigned v = 0;

	if (n == 0)
		return 0;
	if (s[0] != '\\') {
		int w;

		*rune = (unsigned)tutf8_decode(s, n, &w);
		strbuf_addn(b, s, (size_t)w);
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
		strbuf_addc(b, (char)v);
		return 4;
	default:
		return 0;
	}
	if (digits == 0) {
		*rune = v;
		strbuf_addc(b, (char)v);
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
		strbuf_addc(b, (char)v);
	} else {
		if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000))
			return 0;
		tutf8_put(b, (long)v);
	}
	return 2 + digits;
}

/* Go's strconv.Unquote for "...", `...` and '.' literals; false on bad syntax. */
static bool unquote(const char *s, size_t n, struct strbuf *out, unsigned *rune)
{
	size_t i;

	if (n < 2 || s[n - 1] != s[0])
		return false;
	if (s[0] == '`') {
		for (i = 1; i + 1 < n; i++) {
			if (s[i] != '\r')
				strbuf_addc(out, s[i]);
		}
		strbuf_addn(out, "", 0);
		return true;
	}
	strbuf_addn(out, "", 0);
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

/* Go's rule for digit separators in number literals. */
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

/* Go's strconv.ParseFloat on underscore-free text. */
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
	struct strbuf b = {0};
	unsigned r = 0;
	size_t used = 0;

	if (it->len > 2)
		used = unquote_char(it->val + 1, it->len - 2, '\'', &b, &r);
	strbuf_free(&b);
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
	struct strbuf q = {0};
	unsigned long long unused;
	char *clean;
	size_t j = 0;
	int rc = 0;

	if (it->type == TI_CHARCONST)
		return char_parse(p, n, it);
	if (it->type == TI_COMPLEX || n->text[n->text_len - 1] == 'i')
		return parse_errorf(p, "complex constants are not supported: %s", n->text);
	clean = xmalloc(n->text_len + 1);
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
	strbuf_free(&q);
	free(clean);
	return rc;
}

static struct tnode *parse_pipeline(struct tparser *p, const char *context, enum titem_type end);
static struct tnode *parse_item_list(struct tparser *p, struct tnode **next);
static struct tnode *parse_if(struct tparser *p);
static struct tnode *parse_with(struct tparser *p);

/* Whether a function name is known when parsing. */
static bool has_function(const char *name)
{
	return tfunc_lookup(name, false) != NULL;
}

/* A literal, function name, dot, field, variable or parenthesised pipeline. */
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
		struct strbuf b = {0};
		unsigned r;

		if (!unquote(it->val, it->len, &b, &r)) {
			strbuf_free(&b);
			parse_errorf(p, "invalid syntax");
			return NULL;
		}
		n = node_new(p, TN_STRING, it->pos, it->line);
		n->text_len = b.len;
		n->text = strbuf_steal(&b);
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
	struct strbuf b = {0}, q = {0};

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
		strbuf_free(&q);
		strbuf_free(&b);
		return NULL;
	default:
		return chain;
	}
}

/* A command: operands separated by spaces, up to "|", ")" or "}}". */
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

/* Rejects empty pipelines and literals after the first command. */
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

/* Declarations and commands up to the end token. */
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
				struct strbuf b = {0};

				tnode_string(&b, next);
				parse_errorf(p, "expected end; found %s", b.s);
				strbuf_free(&b);
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

/* An {{if}} and its branches. */
static struct tnode *parse_if(struct tparser *p)
{
	return parse_control(p, TN_IF, "if");
}

/* A {{with}} and its branches. */
static struct tnode *parse_with(struct tparser *p)
{
	return parse_control(p, TN_WITH, "with");
}

/* The quoted name of {{template}}, {{define}} or {{block}}. */
static char *parse_template_name(struct tparser *p, const struct titem *it, const char *context)
{
	struct strbuf b = {0};
	unsigned r;

	if (it->type != TI_STRING && it->type != TI_RAWSTRING) {
		p_unexpected(p, it, context);
		return NULL;
	}
	if (!unquote(it->val, it->len, &b, &r)) {
		strbuf_free(&b);
		parse_errorf(p, "invalid syntax");
		return NULL;
	}
	return strbuf_steal(&b);
}

/* Whether a tree holds nothing but spaces and comments. */
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
			if (!tlex_is_space((unsigned char)n->text[i]))
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
	t->defs = xrealloc(t->defs, (t->ndefs + 1) * sizeof(*t->defs));
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
		struct strbuf b = {0};

		tnode_string(&b, end);
		parse_errorf(p, "unexpected %s in %s", b.s, context);
		strbuf_free(&b);
		free(name);
		return -1;
	}
	return add_definition(p, name, root);
}

/* {{block "name" pipeline}}: a definition used in place. */
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

/* {{template "name" [pipeline]}}. */
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

/* {{break}} or {{continue}}, only inside a range. */
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

/* An action after its "{{": a control keyword or a pipeline. */
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

/* The next text or action. */
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

/* Nodes up to {{end}} or {{else}}, which is returned in next. */
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

/* {{define "name"}}...{{end}} at the top level. */
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

/* The whole template: definitions and the main tree. */
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
			struct strbuf b = {0};

			tnode_string(&b, n);
			parse_errorf(p, "unexpected %s", b.s);
			strbuf_free(&b);
			return -1;
		}
		node_append(&root->kids, &root->nkids, n);
	}
	return add_definition(p, dupn("", 0), root);
}

/* Parses t->text into t's trees; errors are BERR_INVALID. */
int tparse(struct tmpl *t, berr *err)
{
	struct tparser p = {.t = t, .err = err};
	int rc;

	tlex(t->text, &p.items, &p.nitems);
	vars_push(&p, "$", 1);
	rc = parse_top(&p);
	if (rc == 0 && p.failed)
		rc = -1;
	vars_pop(&p, 0);
	free(p.vars);
	titems_free(p.items, p.nitems);
	return rc;
}

/* The tree of a named template, or NULL. */
struct tnode *tmpl_lookup(struct tmpl *t, const char *name)
{
	for (size_t i = 0; i < t->ndefs; i++) {
		if (!strcmp(t->defs[i].name, name))
			return t->defs[i].root;
	}
	return NULL;
}

/* Frees every node of a template. */
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

/* The source form of a pipeline. */
static void pipe_string(struct strbuf *b, const struct tnode *pipe)
{
	for (size_t i = 0; i < pipe->ndecl; i++) {
		if (i > 0)
			strbuf_adds(b, ", ");
		tnode_string(b, pipe->decl[i]);
	}
	if (pipe->ndecl > 0)
		strbuf_adds(b, pipe->is_assign ? " = " : " := ");
	for (size_t i = 0; i < pipe->nkids; i++) {
		if (i > 0)
			strbuf_adds(b, " | ");
		tnode_string(b, pipe->kids[i]);
	}
}

/* The source form of if, range or with. */
static void control_string(struct strbuf *b, const char *word, const struct tnode *n)
{
	strbuf_addf(b, "{{%s ", word);
	pipe_string(b, n->pipe);
	strbuf_adds(b, "}}");
	tnode_string(b, n->list);
	if (n->else_list) {
		strbuf_adds(b, "{{else}}");
		tnode_string(b, n->else_list);
	}
	strbuf_adds(b, "{{end}}");
}

/* Go's Node.String(): the source form of a node, used in error context. */
void tnode_string(struct strbuf *b, const struct tnode *n)
{
	switch (n->type) {
	case TN_LIST:
		for (size_t i = 0; i < n->nkids; i++)
			tnode_string(b, n->kids[i]);
		break;
	case TN_TEXT:
		strbuf_addn(b, n->text, n->text_len);
		break;
	case TN_COMMENT:
		strbuf_addf(b, "{{%s}}", n->text);
		break;
	case TN_ACTION:
		strbuf_adds(b, "{{");
		pipe_string(b, n->pipe);
		strbuf_adds(b, "}}");
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
		strbuf_adds(b, "{{template ");
		tfmt_quote(b, n->text, n->text_len, 0);
		if (n->pipe) {
			strbuf_addc(b, ' ');
			pipe_string(b, n->pipe);
		}
		strbuf_adds(b, "}}");
		break;
	case TN_BREAK:
		strbuf_adds(b, "{{break}}");
		break;
	case TN_CONTINUE:
		strbuf_adds(b, "{{continue}}");
		break;
	case TN_PIPE:
		pipe_string(b, n);
		break;
	case TN_COMMAND:
		for (size_t i = 0; i < n->nkids; i++) {
			if (i > 0)
				strbuf_addc(b, ' ');
			if (n->kids[i]->type == TN_PIPE) {
				strbuf_addc(b, '(');
				pipe_string(b, n->kids[i]);
				strbuf_addc(b, ')');
			} else {
				tnode_string(b, n->kids[i]);
			}
		}
		break;
	case TN_FIELD:
		for (size_t i = 0; i < n->nidents; i++)
			strbuf_addf(b, ".%s", n->idents[i]);
		break;
	case TN_VARIABLE:
		for (size_t i = 0; i < n->nidents; i++)
			strbuf_addf(b, "%s%s", i ? "." : "", n->idents[i]);
		break;
	case TN_CHAIN:
		if (n->pipe->type == TN_PIPE) {
			strbuf_addc(b, '(');
			pipe_string(b, n->pipe);
			strbuf_addc(b, ')');
		} else {
			tnode_string(b, n->pipe);
		}
		for (size_t i = 0; i < n->nidents; i++)
			strbuf_addf(b, ".%s", n->idents[i]);
		break;
	case TN_IDENT:
	case TN_NUMBER:
		strbuf_addn(b, n->text, n->text_len);
		break;
	case TN_DOT:
		strbuf_addc(b, '.');
		break;
	case TN_NIL:
		strbuf_adds(b, "nil");
		break;
	case TN_BOOL:
		strbuf_adds(b, n->bool_val ? "true" : "false");
		break;
	case TN_STRING:
		strbuf_adds(b, n->quoted);
		break;
	case TN_END:
		strbuf_adds(b, "{{end}}");
		break;
	case TN_ELSE:
		strbuf_adds(b, "{{else}}");
		break;
	}
}
