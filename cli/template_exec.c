/* The template evaluator: walks the parsed tree against a jansson value with
 * Go text/template's rules (fields, variables, pipelines, if/with/range,
 * template calls) and its execution errors. */
#include "cli/template_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Deepest chain of {{template}} calls. */
#define TEXEC_MAX_DEPTH 500

enum flow { FLOW_NORMAL, FLOW_BREAK, FLOW_CONTINUE };

struct tvar {
	const char *name;
	json_t *value; /* NULL: no value */
};

struct texec {
	struct tmpl *t;
	const char *name; /* the template being run, for error messages */
	struct strbuf out;
	struct tvar *vars;
	size_t nvars;
	size_t capvars;
	size_t base; /* first variable of the running template */
	const struct tnode *node;
	int depth;
	bool header;
	const struct tmpl_type *type; /* the data's Go type, or NULL: a map */
	json_t *root;
	json_t *labels; /* what the typed data's Label method reads */
	enum flow flow;
	berr *err;
};

static int exec_errorf(struct texec *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* "template: :1:2: executing \"\" at <.X.Y>: message", Go's ExecError text. */
static int exec_errorf(struct texec *s, const char *fmt, ...)
{
	struct strbuf ctx = {0}, name = {0};
	char msg[700];
	va_list ap;
	int line = 1, col;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tfmt_quote(&name, s->name, strlen(s->name), 0);
	if (!s->node) {
		berr_set(s->err, BERR_INVALID, "template: %s: %s", s->name, msg);
		strbuf_free(&name);
		return -1;
	}
	col = s->node->pos;
	for (int i = 0; i < s->node->pos; i++) {
		if (s->t->text[i] == '\n') {
			line++;
			col = s->node->pos - i - 1;
		}
	}
	tnode_string(&ctx, s->node);
	berr_set(s->err, BERR_INVALID, "template: :%d:%d: executing %s at <%s>: %s", line, col,
		 name.s, ctx.s ? ctx.s : "", msg);
	strbuf_free(&ctx);
	strbuf_free(&name);
	return -1;
}

/* Declares a variable (holding a reference to value). */
static void var_push(struct texec *s, const char *name, json_t *value)
{
	if (s->nvars == s->capvars) {
		s->capvars = s->capvars ? s->capvars * 2 : 16;
		s->vars = xrealloc(s->vars, s->capvars * sizeof(*s->vars));
	}
	s->vars[s->nvars].name = name;
	s->vars[s->nvars].value = json_incref(value);
	s->nvars++;
}

/* Drops the variables declared after the mark. */
static void var_pop(struct texec *s, size_t mark)
{
	while (s->nvars > mark)
		json_decref(s->vars[--s->nvars].value);
}

/* Replaces a variable's value. */
static void var_replace(struct tvar *v, json_t *value)
{
	json_incref(value);
	json_decref(v->value);
	v->value = value;
}

/* Assigns to the innermost variable of that name. */
static int var_set(struct texec *s, const char *name, json_t *value)
{
	for (size_t i = s->nvars; i-- > s->base;) {
		if (!strcmp(s->vars[i].name, name)) {
			var_replace(&s->vars[i], value);
			return 0;
		}
	}
	return exec_errorf(s, "undefined variable: %s", name);
}

/* The value of the innermost variable of that name (a new reference). */
static int var_value(struct texec *s, const char *name, json_t **out)
{
	for (size_t i = s->nvars; i-- > s->base;) {
		if (!strcmp(s->vars[i].name, name)) {
			*out = json_incref(s->vars[i].value);
			return 0;
		}
	}
	return exec_errorf(s, "undefined variable: %s", name);
}

static int eval_pipeline(struct texec *s, json_t *dot, const struct tnode *pipe, json_t **out);
static int eval_arg(struct texec *s, json_t *dot, enum targ type, const struct tnode *n,
		    json_t **out);
static int walk(struct texec *s, json_t *dot, const struct tnode *n);

/* The key holding a typed value's field: the Go name itself, or the JSON
 * name the type's field list pairs it with; NULL when the type has no
 * such field. */
static const char *typed_field_key(const struct tmpl_type *type, const char *name)
{
	if (!type->json_names)
		return name;
	for (const char *const *p = type->json_names; p[0]; p += 2)
		if (strcmp(p[0], name) == 0)
			return p[1];
	return NULL;
}

/* One field of a value: objects give the key's value or no value; nothing
 * else has fields. */
static int eval_field(struct texec *s, const char *name, bool has_args, json_t *receiver,
		      json_t **out)
{
	json_t *v;

	*out = NULL;
	if (!receiver)
		return 0;
	if (json_is_null(receiver))
		return exec_errorf(s, "nil pointer evaluating interface {}.%s", name);
	if (!json_is_object(receiver))
		return exec_errorf(s, "can't evaluate field %s in type %s", name,
				   tfmt_type_name(receiver));
	if (has_args)
		return exec_errorf(s, "%s is not a method but has arguments", name);
	if (s->type && receiver == s->root) {
		const char *key = typed_field_key(s->type, name);

		if (!key)
			return exec_errorf(s, "can't evaluate field %s in type %s", name,
					   s->type->name);
		v = json_object_get(receiver, key);
		if (!v && s->type->json_names) {
			/* An API object leaves empty fields out: Go's zero string. */
			*out = json_string("");
			return 0;
		}
		if (!v)
			return exec_errorf(s, "can't evaluate field %s in type %s", name,
					   s->type->name);
		*out = json_incref(v);
		return 0;
	}
	v = json_object_get(receiver, name);
	*out = v ? json_incref(v) : NULL;
	return 0;
}

/* Field after field: .A.B.C from a receiver. */
static int eval_field_chain(struct texec *s, json_t *receiver, char *const *idents, size_t n,
			    bool has_args, json_t **out)
{
	json_t *cur = json_incref(receiver);

	for (size_t i = 0; i < n; i++) {
		json_t *next;
		int rc = eval_field(s, idents[i], i + 1 == n && has_args, cur, &next);

		json_decref(cur);
		if (rc < 0)
			return -1;
		cur = next;
	}
	*out = cur;
	return 0;
}

/* Go's error for arguments given to something that is not a function. */
static int not_a_function(struct texec *s, const struct tnode *first, bool has_args)
{
	struct strbuf b = {0};
	int rc = 0;

	if (has_args) {
		tnode_string(&b, first);
		rc = exec_errorf(s, "can't give argument to non-function %s", b.s);
		strbuf_free(&b);
	}
	return rc;
}

/* A variable, possibly followed by fields: $x.A. */
static int eval_variable(struct texec *s, const struct tnode *var, bool has_args, json_t **out)
{
	json_t *value = NULL;
	int rc;

	s->node = var;
	if (var_value(s, var->idents[0], &value) < 0)
		return -1;
	if (var->nidents == 1) {
		if (not_a_function(s, var, has_args) < 0) {
			json_decref(value);
			return -1;
		}
		*out = value;
		return 0;
	}
	rc = eval_field_chain(s, value, var->idents + 1, var->nidents - 1, has_args, out);
	json_decref(value);
	return rc;
}

/* Go's idealConstant: a number literal as int or float64 by its spelling. */
static int ideal_constant(struct texec *s, const struct tnode *n, json_t **out)
{
	bool hex_int = n->text_len > 2 && n->text[0] == '0' &&
		       (n->text[1] == 'x' || n->text[1] == 'X') && !strpbrk(n->text, "pP");

	s->node = n;
	if (n->is_float && !hex_int && n->text[0] != '\'' && strpbrk(n->text, ".eEpP")) {
		*out = json_real(n->f64);
		return 0;
	}
	if (n->is_int) {
		*out = json_integer(n->i64);
		return 0;
	}
	if (n->is_uint)
		return exec_errorf(s, "%s overflows int", n->text);
	*out = NULL;
	return 0;
}

/* The Go type name of a parameter kind, for error messages. */
static const char *targ_name(enum targ type)
{
	switch (type) {
	case TA_STRING:
		return "string";
	case TA_INT:
		return "int";
	case TA_STRINGS:
		return "[]string";
	default:
		return "interface {}";
	}
}

/* Go's validateType: whether a computed value fits a parameter. Takes over v. */
static int validate(struct texec *s, json_t *v, enum targ type, json_t **out)
{
	bool ok = true;

	switch (type) {
	case TA_VALUE:
		break;
	case TA_ANY:
		if (!v)
			v = json_null();
		break;
	case TA_STRING:
		ok = v && json_is_string(v);
		break;
	case TA_INT:
		ok = v && json_is_integer(v);
		break;
	case TA_STRINGS:
		/* A nil []string: missing or JSON null. */
		if (!v || json_is_null(v)) {
			json_decref(v);
			v = json_array();
			break;
		}
		ok = json_is_array(v);
		for (size_t i = 0; ok && i < json_array_size(v); i++)
			ok = json_is_string(json_array_get(v, i));
		break;
	}
	if (!ok) {
		int rc;

		if (!v)
			return exec_errorf(s, "invalid value; expected %s", targ_name(type));
		rc = exec_errorf(s, "wrong type for value; expected %s; got %s", targ_name(type),
				 tfmt_type_name(v));
		json_decref(v);
		return rc;
	}
	*out = v;
	return 0;
}

static int eval_call(struct texec *s, json_t *dot, const struct tfunc *f, const struct tnode *cmd,
		     bool has_final, json_t *final, json_t **out);

/* A function call: the identifier and the command's arguments. */
static int eval_function(struct texec *s, json_t *dot, const struct tnode *ident,
			 const struct tnode *cmd, bool has_final, json_t *final, json_t **out)
{
	const struct tfunc *f;

	s->node = ident;
	f = tfunc_lookup(ident->text, s->header);
	if (!f)
		return exec_errorf(s, "\"%s\" is not a defined function", ident->text);
	return eval_call(s, dot, f, cmd ? cmd : ident, has_final, final, out);
}

/* Fields of a parenthesised term: (index .A 0).B. */
static int eval_chain(struct texec *s, json_t *dot, const struct tnode *chain, bool has_args,
		      json_t **out)
{
	json_t *term;
	int rc;

	s->node = chain;
	if (eval_arg(s, dot, TA_VALUE, chain->pipe, &term) < 0)
		return -1;
	rc = eval_field_chain(s, term, chain->idents, chain->nidents, has_args, out);
	json_decref(term);
	return rc;
}

/* A field node evaluated against dot. */
static int eval_field_node(struct texec *s, json_t *dot, const struct tnode *field,
			   bool has_args, json_t **out)
{
	s->node = field;
	return eval_field_chain(s, dot, field->idents, field->nidents, has_args, out);
}

/* Go's evalArg: an argument evaluated for a parameter of the given type. */
static int eval_arg(struct texec *s, json_t *dot, enum targ type, const struct tnode *n,
		    json_t **out)
{
	struct strbuf b = {0};
	json_t *v = NULL;
	int rc;

	s->node = n;
	switch (n->type) {
	case TN_DOT:
		return validate(s, json_incref(dot), type, out);
	case TN_NIL:
		if (type == TA_VALUE || type == TA_ANY || type == TA_STRINGS)
			return validate(s, NULL, type, out);
		return exec_errorf(s, "cannot assign nil to %s", targ_name(type));
	case TN_FIELD:
		rc = eval_field_node(s, dot, n, false, &v);
		break;
	case TN_VARIABLE:
		rc = eval_variable(s, n, false, &v);
		break;
	case TN_PIPE:
		rc = eval_pipeline(s, dot, n, &v);
		break;
	case TN_IDENT:
		rc = eval_function(s, dot, n, NULL, false, NULL, &v);
		break;
	case TN_CHAIN:
		rc = eval_chain(s, dot, n, false, &v);
		break;
	default:
		switch (type) {
		case TA_VALUE:
		case TA_ANY:
			if (n->type == TN_BOOL) {
				*out = json_boolean(n->bool_val);
				return 0;
			}
			if (n->type == TN_STRING) {
				*out = json_stringn_nocheck(n->text, n->text_len);
				return 0;
			}
			if (ideal_constant(s, n, &v) < 0)
				return -1;
			return validate(s, v, type, out);
		case TA_STRING:
			if (n->type == TN_STRING) {
				*out = json_stringn_nocheck(n->text, n->text_len);
				return 0;
			}
			tnode_string(&b, n);
			rc = exec_errorf(s, "expected string; found %s", b.s);
			break;
		case TA_INT:
			if (n->type == TN_NUMBER && n->is_int) {
				*out = json_integer(n->i64);
				return 0;
			}
			tnode_string(&b, n);
			rc = exec_errorf(s, "expected integer; found %s", b.s);
			break;
		default:
			tnode_string(&b, n);
			rc = exec_errorf(s, "can't handle %s for arg of type %s", b.s,
					 targ_name(type));
		}
		strbuf_free(&b);
		return rc;
	}
	if (rc < 0)
		return -1;
	return validate(s, v, type, out);
}

/* and, or: arguments evaluated in turn until one decides the result. */
static int eval_and_or(struct texec *s, json_t *dot, const struct tfunc *f, const struct tnode *cmd,
		       bool has_final, json_t *final, json_t **out)
{
	bool is_or = f->name[0] == 'o';
	json_t *v = NULL;

	for (size_t i = 1; i < cmd->nkids; i++) {
		json_decref(v);
		if (eval_arg(s, dot, TA_VALUE, cmd->kids[i], &v) < 0)
			return -1;
		if (tvalue_truth(v) == is_or) {
			*out = v;
			return 0;
		}
	}
	if (has_final) {
		json_decref(v);
		v = json_incref(final);
	}
	*out = v;
	return 0;
}

/* Checks the arguments, evaluates them for their parameters and calls. */
static int eval_call(struct texec *s, json_t *dot, const struct tfunc *f, const struct tnode *cmd,
		     bool has_final, json_t *final, json_t **out)
{
	size_t nargs = cmd->type == TN_COMMAND ? cmd->nkids - 1 : 0;
	size_t num_in = nargs + (has_final ? 1 : 0);
	const char *name = f->name;
	char emsg[512];
	json_t **argv;
	size_t i;
	int rc = -1;

	if (f->variadic && num_in < (size_t)f->nfixed)
		return exec_errorf(s, "wrong number of args for %s: want at least %d got %zu", name,
				   f->nfixed, nargs);
	if (!f->variadic && num_in != (size_t)f->nfixed)
		return exec_errorf(s, "wrong number of args for %s: want %d got %zu", name,
				   f->nfixed, num_in);
	if (f->lazy)
		return eval_and_or(s, dot, f, cmd, has_final, final, out);
	argv = xmalloc((num_in + 1) * sizeof(*argv));
	for (i = 0; i < nargs; i++) {
		enum targ type = i < (size_t)f->nfixed ? f->fixed[i] : f->rest;

		if (eval_arg(s, dot, type, cmd->kids[i + 1], &argv[i]) < 0)
			goto out;
	}
	if (has_final) {
		enum targ type = i < (size_t)f->nfixed ? f->fixed[i] : f->rest;

		if (validate(s, json_incref(final), type, &argv[i]) < 0)
			goto out;
		i++;
	}
	emsg[0] = '\0';
	*out = NULL;
	if (f->call(argv, num_in, out, emsg, sizeof(emsg)) < 0) {
		s->node = cmd;
		exec_errorf(s, "error calling %s: %s", name, emsg);
		goto out;
	}
	rc = 0;
out:
	while (i-- > 0)
		json_decref(argv[i]);
	free(argv);
	return rc;
}

/* Whether a field node calls the typed data's Label method: .Label "key". */
static bool is_label_method(const struct texec *s, json_t *dot, const struct tnode *field)
{
	return s->type && s->type->has_label_method && dot == s->root && field->nidents == 1 &&
	       strcmp(field->idents[0], "Label") == 0;
}

/* Docker's Label method: the value of one label, "" when it is not set. */
static int eval_label_method(struct texec *s, json_t *dot, const struct tnode *cmd,
			     bool has_final, json_t *final, json_t **out)
{
	size_t nargs = cmd->nkids - 1 + (has_final ? 1 : 0);
	json_t *key = NULL, *v;

	s->node = cmd->kids[0];
	if (nargs != 1)
		return exec_errorf(s, "wrong number of args for Label: want 1 got %zu", nargs);
	if (has_final)
		key = json_incref(final);
	else if (eval_arg(s, dot, TA_STRING, cmd->kids[1], &key) < 0)
		return -1;
	if (!key || !json_is_string(key)) {
		json_decref(key);
		return exec_errorf(s, "wrong type for value; expected string");
	}
	/* a table's header shows the key itself, as Docker's does */
	v = s->header ? key : json_object_get(s->labels, json_string_value(key));
	*out = json_string(json_is_string(v) ? json_string_value(v) : "");
	json_decref(key);
	return 0;
}

/* One command of a pipeline; final is the previous command's value. */
static int eval_command(struct texec *s, json_t *dot, const struct tnode *cmd, bool has_final,
			json_t *final, json_t **out)
{
	const struct tnode *first = cmd->kids[0];
	bool has_args = cmd->nkids > 1 || has_final;

	switch (first->type) {
	case TN_FIELD:
		if (is_label_method(s, dot, first))
			return eval_label_method(s, dot, cmd, has_final, final, out);
		return eval_field_node(s, dot, first, has_args, out);
	case TN_CHAIN:
		return eval_chain(s, dot, first, has_args, out);
	case TN_IDENT:
		return eval_function(s, dot, first, cmd, has_final, final, out);
	case TN_PIPE:
		if (not_a_function(s, first, has_args) < 0)
			return -1;
		return eval_pipeline(s, dot, first, out);
	case TN_VARIABLE:
		return eval_variable(s, first, has_args, out);
	default:
		break;
	}
	s->node = first;
	if (not_a_function(s, first, has_args) < 0)
		return -1;
	switch (first->type) {
	case TN_BOOL:
		*out = json_boolean(first->bool_val);
		return 0;
	case TN_DOT:
		*out = json_incref(dot);
		return 0;
	case TN_NIL:
		return exec_errorf(s, "nil is not a command");
	case TN_NUMBER:
		return ideal_constant(s, first, out);
	case TN_STRING:
		*out = json_stringn_nocheck(first->text, first->text_len);
		return 0;
	default:
		return exec_errorf(s, "can't evaluate command");
	}
}

/* A pipeline's value; its declarations are pushed or assigned. Like Go, a nil
 * interface value (JSON null) comes out as "no value". */
static int eval_pipeline(struct texec *s, json_t *dot, const struct tnode *pipe, json_t **out)
{
	json_t *value = NULL;
	bool has_final = false;

	*out = NULL;
	if (!pipe)
		return 0;
	s->node = pipe;
	for (size_t i = 0; i < pipe->nkids; i++) {
		json_t *v = NULL;

		if (eval_command(s, dot, pipe->kids[i], has_final, value, &v) < 0) {
			json_decref(value);
			return -1;
		}
		json_decref(value);
		value = v;
		has_final = true;
		if (value && json_is_null(value)) {
			json_decref(value);
			value = NULL;
		}
	}
	for (size_t i = 0; i < pipe->ndecl; i++) {
		const char *name = pipe->decl[i]->idents[0];

		if (pipe->is_assign) {
			if (var_set(s, name, value) < 0) {
				json_decref(value);
				return -1;
			}
		} else {
			var_push(s, name, value);
		}
	}
	*out = value;
	return 0;
}

/* Prints an action's value as Go's fmt.Print would. */
static int print_value(struct texec *s, const struct tnode *n, json_t *v)
{
	s->node = n;
	if (!v)
		strbuf_adds(&s->out, "<no value>");
	else
		tfmt_value(&s->out, v);
	return 0;
}

/* Runs the branch of an if or with that its pipeline selects. */
static int walk_if_or_with(struct texec *s, json_t *dot, const struct tnode *n)
{
	size_t mark = s->nvars;
	json_t *val;
	int rc = 0;

	if (eval_pipeline(s, dot, n->pipe, &val) < 0)
		return -1;
	if (tvalue_truth(val))
		rc = walk(s, n->type == TN_WITH ? val : dot, n->list);
	else if (n->else_list)
		rc = walk(s, dot, n->else_list);
	json_decref(val);
	var_pop(s, mark);
	return rc;
}

/* One pass of a range body with the range variables set. Returns 1 to stop. */
static int range_once(struct texec *s, const struct tnode *r, size_t mark, json_t *index,
		      json_t *elem)
{
	const struct tnode *pipe = r->pipe;
	int rc;

	/* Declared with :=, the variables sit on top of the stack, element
	 * last; assigned with =, they are found by name, index first. */
	if (pipe->is_assign) {
		if (pipe->ndecl > 0 &&
		    var_set(s, pipe->decl[0]->idents[0], pipe->ndecl > 1 ? index : elem) < 0)
			return -1;
		if (pipe->ndecl > 1 && var_set(s, pipe->decl[1]->idents[0], elem) < 0)
			return -1;
	} else {
		if (pipe->ndecl > 0)
			var_replace(&s->vars[s->nvars - 1], elem);
		if (pipe->ndecl > 1)
			var_replace(&s->vars[s->nvars - 2], index);
	}
	rc = walk(s, elem, r->list);
	var_pop(s, mark);
	if (rc < 0)
		return -1;
	if (s->flow == FLOW_BREAK) {
		s->flow = FLOW_NORMAL;
		return 1;
	}
	s->flow = FLOW_NORMAL;
	return 0;
}

/* Iterates over an array, an object (sorted keys) or an integer. */
static int range_items(struct texec *s, const struct tnode *r, json_t *val, size_t mark, bool *ran)
{
	int rc = 0;

	if (json_is_array(val)) {
		for (size_t i = 0; rc == 0 && i < json_array_size(val); i++) {
			json_t *index = json_integer((json_int_t)i);

			*ran = true;
			rc = range_once(s, r, mark, index, json_array_get(val, i));
			json_decref(index);
		}
	} else if (json_is_object(val)) {
		size_t n;
		const char **keys = tfmt_sorted_keys(val, &n);

		for (size_t i = 0; rc == 0 && i < n; i++) {
			json_t *index = json_string_nocheck(keys[i]);

			*ran = true;
			rc = range_once(s, r, mark, index, json_object_get(val, keys[i]));
			json_decref(index);
		}
		free(keys);
	} else if (json_is_integer(val)) {
		if (r->pipe->ndecl > 1) {
			struct strbuf b = {0};

			tfmt_value(&b, val);
			rc = exec_errorf(s, "can't use %s to iterate over more than one variable",
					 b.s);
			strbuf_free(&b);
			return rc;
		}
		for (json_int_t i = 0; rc == 0 && i < json_integer_value(val); i++) {
			json_t *elem = json_integer(i);

			*ran = true;
			rc = range_once(s, r, mark, NULL, elem);
			json_decref(elem);
		}
	} else if (val) {
		struct strbuf b = {0};

		tfmt_value(&b, val);
		rc = exec_errorf(s, "range can't iterate over %s", b.s);
		strbuf_free(&b);
	}
	return rc < 0 ? -1 : 0;
}

/* Runs a range, or its else branch when nothing was iterated. */
static int walk_range(struct texec *s, json_t *dot, const struct tnode *r)
{
	size_t outer = s->nvars;
	json_t *val;
	bool ran = false;
	int rc;

	s->node = r;
	if (eval_pipeline(s, dot, r->pipe, &val) < 0)
		return -1;
	rc = range_items(s, r, val, s->nvars, &ran);
	if (rc == 0 && !ran && r->else_list)
		rc = walk(s, dot, r->else_list);
	json_decref(val);
	var_pop(s, outer);
	return rc;
}

/* Runs a named template with the pipeline's value as dot. */
static int walk_template(struct texec *s, json_t *dot, const struct tnode *n)
{
	const struct tnode *root;
	const char *saved_name = s->name;
	size_t saved_base = s->base, mark;
	json_t *newdot;
	int rc;

	s->node = n;
	root = tmpl_lookup(s->t, n->text);
	if (!root)
		return exec_errorf(s, "template \"%s\" not defined", n->text);
	if (s->depth >= TEXEC_MAX_DEPTH)
		return exec_errorf(s, "exceeded maximum template depth (%d)", TEXEC_MAX_DEPTH);
	if (eval_pipeline(s, dot, n->pipe, &newdot) < 0)
		return -1;
	/* No dynamic scoping: the called template sees only $. */
	mark = s->nvars;
	s->base = mark;
	var_push(s, "$", newdot);
	s->name = n->text;
	s->depth++;
	rc = walk(s, newdot, root);
	s->depth--;
	s->name = saved_name;
	var_pop(s, mark);
	s->base = saved_base;
	json_decref(newdot);
	return rc;
}

/* Runs one node, appending to the output. */
static int walk(struct texec *s, json_t *dot, const struct tnode *n)
{
	json_t *val;
	int rc;

	switch (n->type) {
	case TN_ACTION:
		if (eval_pipeline(s, dot, n->pipe, &val) < 0)
			return -1;
		rc = n->pipe->ndecl == 0 ? print_value(s, n, val) : 0;
		json_decref(val);
		return rc;
	case TN_BREAK:
		s->flow = FLOW_BREAK;
		return 0;
	case TN_CONTINUE:
		s->flow = FLOW_CONTINUE;
		return 0;
	case TN_IF:
	case TN_WITH:
		return walk_if_or_with(s, dot, n);
	case TN_LIST:
		for (size_t i = 0; i < n->nkids; i++) {
			if (walk(s, dot, n->kids[i]) < 0)
				return -1;
			if (s->flow != FLOW_NORMAL)
				break;
		}
		return 0;
	case TN_RANGE:
		return walk_range(s, dot, n);
	case TN_TEMPLATE:
		return walk_template(s, dot, n);
	case TN_TEXT:
		strbuf_addn(&s->out, n->text, n->text_len);
		return 0;
	default:
		return 0;
	}
}

/* Runs the main template against data. */
static int run(struct tmpl *t, json_t *data, bool header, const struct tmpl_type *type,
	       json_t *labels, char **out, berr *err)
{
	struct texec s = {.t = t, .name = "", .header = header, .type = type, .root = data,
			  .labels = labels, .err = err};
	const struct tnode *root = tmpl_lookup(t, "");
	int rc;

	*out = NULL;
	/* Like Go's Execute(nil), null data is no data at all. */
	if (data && json_is_null(data))
		data = NULL;
	var_push(&s, "$", data);
	strbuf_addn(&s.out, "", 0);
	rc = root ? walk(&s, data, root) : exec_errorf(&s, "\"\" is an incomplete or empty template");
	var_pop(&s, 0);
	free(s.vars);
	if (rc < 0 && !header) {
		strbuf_free(&s.out);
		return -1;
	}
	*out = strbuf_steal(&s.out);
	return 0;
}

/* Runs a template with Docker's functions. */
int tmpl_render(struct tmpl *t, json_t *data, char **out, berr *err)
{
	return run(t, data, false, NULL, NULL, out, err);
}

int tmpl_render_typed(struct tmpl *t, json_t *data, const struct tmpl_type *type, json_t *labels,
		      char **out, berr *err)
{
	return run(t, data, false, type, labels, out, err);
}

/* Runs a template with Docker's header functions, ignoring errors. */
int tmpl_render_header(struct tmpl *t, json_t *header, char **out, berr *err)
{
	return run(t, header, true, NULL, NULL, out, err);
}

int tmpl_render_header_typed(struct tmpl *t, json_t *header, const struct tmpl_type *type,
			     char **out, berr *err)
{
	return run(t, header, true, type, NULL, out, err);
}
