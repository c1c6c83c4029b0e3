/* Internals shared by the template parser, evaluator, functions and Go-style
 * value formatting (cli/template_*.c). Not part of the CLI's public face. */
#ifndef BERTH_CLI_TEMPLATE_IMPL_H
#define BERTH_CLI_TEMPLATE_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "cli/template.h"
#include "engine/core/alloc.h"
#include "engine/core/strbuf.h"

enum tnode_type {
	TN_LIST,
	TN_TEXT,
	TN_COMMENT,
	TN_ACTION,
	TN_IF,
	TN_RANGE,
	TN_WITH,
	TN_TEMPLATE,
	TN_BREAK,
	TN_CONTINUE,
	TN_PIPE,
	TN_COMMAND,
	TN_FIELD,
	TN_VARIABLE,
	TN_CHAIN,
	TN_IDENT,
	TN_DOT,
	TN_NIL,
	TN_BOOL,
	TN_NUMBER,
	TN_STRING,
	TN_END, /* {{end}} and {{else}}: only seen while parsing */
	TN_ELSE
};

/* One node of a parsed template; which members matter depends on the type. */
struct tnode {
	enum tnode_type type;
	int pos; /* byte offset in the template text */
	int line;
	struct tnode **kids; /* LIST: items; PIPE: commands; COMMAND: arguments */
	size_t nkids;
	struct tnode **decl; /* PIPE: the variables it declares or assigns */
	size_t ndecl;
	bool is_assign;         /* PIPE: "=" rather than ":=" */
	struct tnode *pipe;     /* ACTION, IF, RANGE, WITH, TEMPLATE: pipeline; CHAIN: its term */
	struct tnode *list;     /* IF, RANGE, WITH: body */
	struct tnode *else_list;
	char **idents; /* FIELD: "A","B"; VARIABLE: "$x","A"; CHAIN: fields after the term */
	size_t nidents;
	char *text; /* TEXT, COMMENT, STRING (unquoted), NUMBER (as written), IDENT, TEMPLATE name */
	size_t text_len;
	char *quoted; /* STRING: as written */
	bool bool_val;
	bool is_int, is_uint, is_float;
	long long i64;
	unsigned long long u64;
	double f64;
};

/* A named template ("" is the main one) from {{define}} or {{block}}. */
struct tdef {
	char *name;
	struct tnode *root;
};

struct tmpl {
	char *text;
	struct tdef *defs;
	size_t ndefs;
	struct tnode **nodes; /* every node, so that freeing is one loop */
	size_t nnodes;
};

/* template_lex.c: the tokens of a template */
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

/* Splits text into items ending with EOF (after an error item, if any). */
void tlex(const char *text, struct titem **items, size_t *n);
void titems_free(struct titem *items, size_t n);
bool tlex_is_space(int r);

/* template_parse.c */
int tparse(struct tmpl *t, berr *err);
void tnode_string(struct strbuf *b, const struct tnode *n);
struct tnode *tmpl_lookup(struct tmpl *t, const char *name);
void tnodes_free(struct tnode **nodes, size_t n);

/* template_funcs.c: how a function's arguments are evaluated before the call */
enum targ {
	TA_VALUE,  /* anything, missing values included (Go's reflect.Value) */
	TA_ANY,    /* anything; missing becomes nil (Go's any) */
	TA_STRING, /* a string */
	TA_INT,    /* an integer */
	TA_STRINGS /* an array of strings (Go's []string) */
};

struct tfunc {
	const char *name;
	/* 0 and *out (a new reference, NULL for "no value"), or -1 and a message in emsg */
	int (*call)(json_t **args, size_t nargs, json_t **out, char *emsg, size_t emsg_size);
	int nfixed;
	enum targ fixed[3];
	bool variadic;
	enum targ rest;
	bool lazy; /* and, or: arguments evaluated one by one */
};

const struct tfunc *tfunc_lookup(const char *name, bool header);
bool tvalue_truth(json_t *v);

/* template_fmt.c: Go's fmt and encoding/json over jansson values */
const char *tfmt_type_name(json_t *v);
void tfmt_value(struct strbuf *b, json_t *v);
void tfmt_float(struct strbuf *b, double d);
void tfmt_quote(struct strbuf *b, const char *s, size_t len, size_t max_runes);
void tfmt_sprint(struct strbuf *b, json_t **args, size_t n);
void tfmt_sprintln(struct strbuf *b, json_t **args, size_t n);
void tfmt_sprintf(struct strbuf *b, const char *fmt, size_t fmt_len, json_t **args, size_t n);
void tfmt_json(struct strbuf *b, json_t *v);
/* The same with <, > and & escaped, as Go's json.Marshal writes them. */
void tfmt_json_html(struct strbuf *b, json_t *v);
size_t tfmt_utf8_len(const char *s, size_t len);
/* Go's unicode.IsPrint (approximated outside ASCII). */
bool tfmt_printable(int r);
/* One UTF-8 character: its code point, or U+FFFD with width 1 for a bad byte; -1 at the end. */
int tutf8_decode(const char *s, size_t n, int *width);
/* Appends a code point as UTF-8 (U+FFFD for anything that is not one). */
void tutf8_put(struct strbuf *b, long r);

/* An object's keys in Go's map order (sorted bytewise); free the array only. */
const char **tfmt_sorted_keys(json_t *obj, size_t *n);

#endif
