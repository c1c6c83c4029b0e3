/* The functions a --format template can call: Go's builtins (and, or, not,
 * len, index, slice, print, printf, println, html, js, urlquery, eq, ne, lt,
 * le, gt, ge) and Docker's (json, split, join, title, lower, upper, pad,
 * truncate), plus Docker's header variants that leave column titles alone. */
#include "cli/template_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ferr(char *emsg, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Writes a function's failure message; returns -1. */
static int ferr(char *emsg, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(emsg, size, fmt, ap);
	va_end(ap);
	return -1;
}

/* A JSON string holding the buffer, which is freed. */
static json_t *string_from(struct strbuf *b)
{
	json_t *s = json_stringn_nocheck(b->s ? b->s : "", b->len);

	strbuf_free(b);
	return s;
}

/* Go's truth: false, 0, nil and empty strings, arrays and objects are false. */
bool tvalue_truth(json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		return json_string_length(v) > 0;
	case JSON_INTEGER:
		return json_integer_value(v) != 0;
	case JSON_REAL:
		return json_real_value(v) != 0;
	case JSON_TRUE:
		return true;
	case JSON_ARRAY:
		return json_array_size(v) > 0;
	case JSON_OBJECT:
		return json_object_size(v) > 0;
	default:
		return false;
	}
}

/* not: the opposite of the argument's truth. */
static int fn_not(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	(void)n;
	(void)emsg;
	(void)es;
	*out = json_boolean(!tvalue_truth(a[0]));
	return 0;
}

/* len: a JSON null stands for Docker's nil slices and maps, so it has length 0. */
static int fn_len(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	json_t *v = a[0];

	(void)n;
	if (!v)
		return ferr(emsg, es, "len of nil pointer");
	switch (json_typeof(v)) {
	case JSON_NULL:
		*out = json_integer(0);
		return 0;
	case JSON_STRING:
		*out = json_integer((json_int_t)json_string_length(v));
		return 0;
	case JSON_ARRAY:
		*out = json_integer((json_int_t)json_array_size(v));
		return 0;
	case JSON_OBJECT:
		*out = json_integer((json_int_t)json_object_size(v));
		return 0;
	default:
		return ferr(emsg, es, "len of type %s", tfmt_type_name(v));
	}
}

/* An integer index into something of length len (Go's indexArg). */
static int index_arg(json_t *index, size_t len, bool allow_len, long long *x, char *emsg,
		     size_t es)
{
	if (!index || json_is_null(index))
		return ferr(emsg, es, "cannot index slice/array with nil");
	if (!json_is_integer(index))
		return ferr(emsg, es, "cannot index slice/array with type %s", tfmt_type_name(index));
	*x = json_integer_value(index);
	if (*x < 0 || (unsigned long long)*x > len || (!allow_len && (size_t)*x == len))
		return ferr(emsg, es, "index out of range: %lld", *x);
	return 0;
}

/* The value a missing key of an object yields: Go's zero value of the map's
 * element type. An object whose values are all strings (labels, options)
 * stands for a map[string]string, whose zero value is ""; others hold nil. */
static json_t *object_zero(json_t *obj)
{
	const char *key;
	json_t *val;

	json_object_foreach(obj, key, val) {
		if (!json_is_string(val))
			return json_null();
	}
	return json_string("");
}

/* index: item[i][j]... over objects, arrays and strings. */
static int fn_index(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	json_t *item = a[0];

	if (!item)
		return ferr(emsg, es, "index of untyped nil");
	json_incref(item);
	for (size_t i = 1; i < n; i++) {
		json_t *idx = a[i], *next;
		long long x = 0;

		switch (json_typeof(item)) {
		case JSON_STRING:
			if (index_arg(idx, json_string_length(item), false, &x, emsg, es) < 0)
				goto fail;
			next = json_integer((unsigned char)json_string_value(item)[x]);
			break;
		case JSON_ARRAY:
			if (index_arg(idx, json_array_size(item), false, &x, emsg, es) < 0)
				goto fail;
			next = json_incref(json_array_get(item, (size_t)x));
			break;
		case JSON_NULL:
			/* Docker's nil maps and slices: nothing is in them. */
			if (idx && json_is_string(idx)) {
				next = json_string("");
				break;
			}
			/* as an empty array, every integer is out of range */
			index_arg(idx, 0, false, &x, emsg, es);
			goto fail;
		case JSON_OBJECT:
			if (!idx || json_is_null(idx)) {
				ferr(emsg, es, "value is nil; should be of type string");
				goto fail;
			}
			if (!json_is_string(idx)) {
				ferr(emsg, es, "value has type %s; should be string", tfmt_type_name(idx));
				goto fail;
			}
			next = json_object_get(item, json_string_value(idx));
			next = next ? json_incref(next) : object_zero(item);
			break;
		default:
			ferr(emsg, es, "can't index item of type %s", tfmt_type_name(item));
			goto fail;
		}
		json_decref(item);
		item = next;
	}
	*out = item;
	return 0;
fail:
	json_decref(item);
	return -1;
}

/* slice: item[i:j] of a string or an array. */
static int fn_slice(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	json_t *item = a[0];
	long long idx[3] = {0, 0, 0};
	size_t len;

	if (!item || json_is_null(item))
		return ferr(emsg, es, "slice of untyped nil");
	if (n - 1 > 3)
		return ferr(emsg, es, "too many slice indexes: %zu", n - 1);
	if (json_is_string(item)) {
		if (n - 1 == 3)
			return ferr(emsg, es, "cannot 3-index slice a string");
		len = json_string_length(item);
	} else if (json_is_array(item)) {
		len = json_array_size(item);
	} else {
		return ferr(emsg, es, "can't slice item of type %s", tfmt_type_name(item));
	}
	idx[1] = (long long)len;
	for (size_t i = 1; i < n; i++) {
		if (index_arg(a[i], len, true, &idx[i - 1], emsg, es) < 0)
			return -1;
	}
	if (idx[0] > idx[1])
		return ferr(emsg, es, "invalid slice index: %lld > %lld", idx[0], idx[1]);
	if (n - 1 == 3 && idx[1] > idx[2])
		return ferr(emsg, es, "invalid slice index: %lld > %lld", idx[1], idx[2]);
	if (json_is_string(item)) {
		*out = json_stringn_nocheck(json_string_value(item) + idx[0],
					    (size_t)(idx[1] - idx[0]));
		return 0;
	}
	*out = json_array();
	for (long long i = idx[0]; i < idx[1]; i++)
		json_array_append(*out, json_array_get(item, (size_t)i));
	return 0;
}

/* print: Go's fmt.Sprint. */
static int fn_print(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	struct strbuf b = {0};

	(void)emsg;
	(void)es;
	tfmt_sprint(&b, a, n);
	*out = string_from(&b);
	return 0;
}

/* println: Go's fmt.Sprintln. */
static int fn_println(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	struct strbuf b = {0};

	(void)emsg;
	(void)es;
	tfmt_sprintln(&b, a, n);
	*out = string_from(&b);
	return 0;
}

/* printf: Go's fmt.Sprintf. */
static int fn_printf(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	struct strbuf b = {0};

	(void)emsg;
	(void)es;
	tfmt_sprintf(&b, json_string_value(a[0]), json_string_length(a[0]), a + 1, n - 1);
	*out = string_from(&b);
	return 0;
}

/* The text the escaping functions work on: one string as is, else Sprint of
 * the arguments, where nil prints as "<no value>". */
static void escaper_input(struct strbuf *b, json_t **a, size_t n)
{
	json_t **args;

	if (n == 1 && json_is_string(a[0])) {
		strbuf_addn(b, json_string_value(a[0]), json_string_length(a[0]));
		return;
	}
	args = xmalloc((n + 1) * sizeof(*args));
	for (size_t i = 0; i < n; i++)
		args[i] = json_is_null(a[i]) ? json_string("<no value>") : json_incref(a[i]);
	tfmt_sprint(b, args, n);
	for (size_t i = 0; i < n; i++)
		json_decref(args[i]);
	free(args);
}

/* html: Go's HTMLEscapeString. */
static int fn_html(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	struct strbuf in = {0}, b = {0};

	(void)emsg;
	(void)es;
	escaper_input(&in, a, n);
	strbuf_addn(&b, "", 0);
	for (size_t i = 0; i < in.len; i++) {
		switch (in.s[i]) {
		case '\0': strbuf_adds(&b, "\xef\xbf\xbd"); break;
		case '"': strbuf_adds(&b, "&#34;"); break;
		case '\'': strbuf_adds(&b, "&#39;"); break;
		case '&': strbuf_adds(&b, "&amp;"); break;
		case '<': strbuf_adds(&b, "&lt;"); break;
		case '>': strbuf_adds(&b, "&gt;"); break;
		default: strbuf_addc(&b, in.s[i]);
		}
	}
	strbuf_free(&in);
	*out = string_from(&b);
	return 0;
}

/* js: Go's JSEscapeString. */
static int fn_js(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	struct strbuf in = {0}, b = {0};
	int w;

	(void)emsg;
	(void)es;
	escaper_input(&in, a, n);
	strbuf_addn(&b, "", 0);
	for (size_t i = 0; i < in.len; i += (size_t)w) {
		unsigned char c = (unsigned char)in.s[i];
		int r = tutf8_decode(in.s + i, in.len - i, &w);

		switch (c) {
		case '\\': strbuf_adds(&b, "\\\\"); break;
		case '\'': strbuf_adds(&b, "\\'"); break;
		case '"': strbuf_adds(&b, "\\\""); break;
		case '<': strbuf_adds(&b, "\\u003C"); break;
		case '>': strbuf_adds(&b, "\\u003E"); break;
		case '&': strbuf_adds(&b, "\\u0026"); break;
		case '=': strbuf_adds(&b, "\\u003D"); break;
		default:
			if (c < ' ')
				strbuf_addf(&b, "\\u%04X", c);
			else if (c < 0x80 || (r == 0xfffd && w == 1) || tfmt_printable(r))
				strbuf_addn(&b, in.s + i, (size_t)w);
			else
				strbuf_addf(&b, "\\u%04X", r);
		}
	}
	strbuf_free(&in);
	*out = string_from(&b);
	return 0;
}

/* urlquery: Go's url.QueryEscape. */
static int fn_urlquery(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	struct strbuf in = {0}, b = {0};

	(void)emsg;
	(void)es;
	escaper_input(&in, a, n);
	strbuf_addn(&b, "", 0);
	strbuf_add_query_escaped(&b, in.s, in.len);
	strbuf_free(&in);
	*out = string_from(&b);
	return 0;
}

enum basic_kind { K_INVALID, K_BOOL, K_NUMBER, K_STRING, K_COMPOSITE };

/* The comparison class of a value. */
static enum basic_kind basic_kind(json_t *v)
{
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_TRUE:
	case JSON_FALSE:
		return K_BOOL;
	case JSON_INTEGER:
	case JSON_REAL:
		return K_NUMBER;
	case JSON_STRING:
		return K_STRING;
	case JSON_ARRAY:
	case JSON_OBJECT:
		return K_COMPOSITE;
	default:
		return K_INVALID;
	}
}

/* Numbers compare by value whether integer or real, as they do in Docker's
 * JSON fallback for inspect templates. */
static int number_cmp(json_t *x, json_t *y)
{
	if (json_is_integer(x) && json_is_integer(y)) {
		json_int_t a = json_integer_value(x), b = json_integer_value(y);

		return (a > b) - (a < b);
	}
	double a = json_number_value(x), b = json_number_value(y);

	return (a > b) - (a < b);
}

/* Bytewise comparison of two JSON strings. */
static int string_cmp(json_t *x, json_t *y)
{
	size_t lx = json_string_length(x), ly = json_string_length(y);
	int c = memcmp(json_string_value(x), json_string_value(y), lx < ly ? lx : ly);

	if (c != 0)
		return c < 0 ? -1 : 1;
	return (lx > ly) - (lx < ly);
}

/* Go's message for arrays and objects, which eq cannot compare. */
static int incomparable(json_t *x, json_t *y, char *emsg, size_t es)
{
	struct strbuf b = {0};

	if (json_typeof(x) == json_typeof(y)) {
		tfmt_sprintf(&b, "%s", 2, &y, 1);
		ferr(emsg, es, "non-comparable type %s: %s", b.s, tfmt_type_name(y));
	} else {
		json_t *args[2] = {x, y};

		tfmt_sprintf(&b, "%s: ", 4, args, 1);
		strbuf_addf(&b, "%s, %s: ", tfmt_type_name(x), tfmt_type_name(y));
		tfmt_sprintf(&b, "%s", 2, args + 1, 1);
		ferr(emsg, es, "non-comparable types %s", b.s);
	}
	strbuf_free(&b);
	return -1;
}

/* Go's eq on two operands: 1 equal, 0 not, -1 incomparable (message set). */
static int equal(json_t *x, json_t *y, char *emsg, size_t es)
{
	enum basic_kind kx = basic_kind(x), ky = basic_kind(y);

	if (kx != ky) {
		if (kx != K_INVALID && ky != K_INVALID)
			return ferr(emsg, es, "incompatible types for comparison");
		return 0;
	}
	switch (kx) {
	case K_BOOL:
		return json_is_true(x) == json_is_true(y);
	case K_NUMBER:
		return number_cmp(x, y) == 0;
	case K_STRING:
		return string_cmp(x, y) == 0;
	case K_COMPOSITE:
		return incomparable(x, y, emsg, es);
	default:
		return 1;
	}
}

/* eq a b c...: whether a equals any of the others. */
static int fn_eq(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	if (n < 2)
		return ferr(emsg, es, "missing argument for comparison");
	for (size_t i = 1; i < n; i++) {
		int e = equal(a[0], a[i], emsg, es);

		if (e < 0)
			return -1;
		if (e) {
			*out = json_true();
			return 0;
		}
	}
	*out = json_false();
	return 0;
}

/* ne: not equal. */
static int fn_ne(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	int e = equal(a[0], a[1], emsg, es);

	(void)n;
	if (e < 0)
		return -1;
	*out = json_boolean(!e);
	return 0;
}

/* Go's lt: 1 if x < y, 0 if not, -1 when the two cannot be ordered. */
static int less(json_t *x, json_t *y, char *emsg, size_t es)
{
	enum basic_kind kx = basic_kind(x), ky = basic_kind(y);

	if (kx == K_INVALID || kx == K_COMPOSITE || ky == K_INVALID || ky == K_COMPOSITE)
		return ferr(emsg, es, "invalid type for comparison");
	if (kx != ky)
		return ferr(emsg, es, "incompatible types for comparison");
	if (kx == K_BOOL)
		return ferr(emsg, es, "invalid type for comparison");
	if (kx == K_NUMBER)
		return number_cmp(x, y) < 0;
	return string_cmp(x, y) < 0;
}

/* lt: less than. */
static int fn_lt(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	int l = less(a[0], a[1], emsg, es);

	(void)n;
	if (l < 0)
		return -1;
	*out = json_boolean(l);
	return 0;
}

/* a <= b: 1, 0, or -1 when they cannot be ordered. */
static int less_or_equal(json_t **a, char *emsg, size_t es)
{
	int l = less(a[0], a[1], emsg, es);

	if (l != 0)
		return l;
	return equal(a[0], a[1], emsg, es);
}

/* le: less than or equal. */
static int fn_le(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	int r = less_or_equal(a, emsg, es);

	(void)n;
	if (r < 0)
		return -1;
	*out = json_boolean(r);
	return 0;
}

/* gt: greater than. */
static int fn_gt(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	int r = less_or_equal(a, emsg, es);

	(void)n;
	if (r < 0)
		return -1;
	*out = json_boolean(!r);
	return 0;
}

/* ge: greater than or equal. */
static int fn_ge(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	int l = less(a[0], a[1], emsg, es);

	(void)n;
	if (l < 0)
		return -1;
	*out = json_boolean(!l);
	return 0;
}

/* Docker's json: encoding/json without HTML escaping, no trailing newline. */
static int fn_json(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	struct strbuf b = {0};

	(void)n;
	(void)emsg;
	(void)es;
	tfmt_json(&b, a[0]);
	*out = string_from(&b);
	return 0;
}

/* Go's strings.Split; an empty separator splits into UTF-8 characters. */
static int fn_split(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	const char *s = json_string_value(a[0]), *sep = json_string_value(a[1]);
	size_t len = json_string_length(a[0]), seplen = json_string_length(a[1]);
	size_t i = 0, start = 0;
	int w;

	(void)n;
	(void)emsg;
	(void)es;
	*out = json_array();
	if (seplen == 0) {
		for (i = 0; i < len; i += (size_t)w) {
			tutf8_decode(s + i, len - i, &w);
			json_array_append_new(*out, json_stringn_nocheck(s + i, (size_t)w));
		}
		return 0;
	}
	while (i + seplen <= len) {
		if (!memcmp(s + i, sep, seplen)) {
			json_array_append_new(*out, json_stringn_nocheck(s + start, i - start));
			i += seplen;
			start = i;
		} else {
			i++;
		}
	}
	json_array_append_new(*out, json_stringn_nocheck(s + start, len - start));
	return 0;
}

/* join: Go's strings.Join. */
static int fn_join(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	struct strbuf b = {0};

	(void)n;
	(void)emsg;
	(void)es;
	strbuf_addn(&b, "", 0);
	for (size_t i = 0; i < json_array_size(a[0]); i++) {
		json_t *s = json_array_get(a[0], i);

		if (i > 0)
			strbuf_addn(&b, json_string_value(a[1]), json_string_length(a[1]));
		strbuf_addn(&b, json_string_value(s), json_string_length(s));
	}
	*out = string_from(&b);
	return 0;
}

/* Whether a byte ends a word for title (Go's isSeparator, ASCII part). */
static bool title_separator(unsigned char c)
{
	if (c >= 0x80)
		return false;
	return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		 c == '_');
}

/* Go's strings.Title: upper-cases the first letter of every word (ASCII letters). */
static int fn_title(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	size_t len = json_string_length(a[0]);
	char *s = xmalloc(len + 1);
	unsigned char prev = ' ';

	(void)n;
	(void)emsg;
	(void)es;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)json_string_value(a[0])[i];

		if (title_separator(prev) && c >= 'a' && c <= 'z')
			s[i] = (char)(c - 'a' + 'A');
		else
			s[i] = (char)c;
		/* continuation bytes belong to the character before them */
		if ((c & 0xc0) != 0x80)
			prev = c;
	}
	*out = json_stringn_nocheck(s, len);
	free(s);
	return 0;
}

/* ASCII case mapping for lower and upper. */
static int change_case(json_t **a, json_t **out, bool upper)
{
	size_t len = json_string_length(a[0]);
	char *s = xmalloc(len + 1);

	for (size_t i = 0; i < len; i++) {
		char c = json_string_value(a[0])[i];

		if (upper && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!upper && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		s[i] = c;
	}
	*out = json_stringn_nocheck(s, len);
	free(s);
	return 0;
}

/* lower: Go's strings.ToLower (ASCII letters). */
static int fn_lower(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	(void)n;
	(void)emsg;
	(void)es;
	return change_case(a, out, false);
}

/* upper: Go's strings.ToUpper (ASCII letters). */
static int fn_upper(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	(void)n;
	(void)emsg;
	(void)es;
	return change_case(a, out, true);
}

/* Docker's pad: spaces before and after a non-empty string. */
static int fn_pad(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	json_int_t left = json_integer_value(a[1]), right = json_integer_value(a[2]);
	struct strbuf b = {0};

	(void)n;
	if (json_string_length(a[0]) == 0) {
		*out = json_incref(a[0]);
		return 0;
	}
	if (left < 0 || right < 0)
		return ferr(emsg, es, "strings: negative Repeat count");
	if (left > 1000000 || right > 1000000)
		return ferr(emsg, es, "strings: Repeat output length overflow");
	strbuf_pad(&b, ' ', (size_t)left);
	strbuf_addn(&b, json_string_value(a[0]), json_string_length(a[0]));
	strbuf_pad(&b, ' ', (size_t)right);
	*out = string_from(&b);
	return 0;
}

/* Docker's truncate: the first n bytes. */
static int fn_truncate(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	json_int_t len = json_integer_value(a[1]);

	(void)n;
	if ((json_int_t)json_string_length(a[0]) < len) {
		*out = json_incref(a[0]);
		return 0;
	}
	if (len < 0)
		return ferr(emsg, es, "runtime error: slice bounds out of range [:%lld]",
			    (long long)len);
	*out = json_stringn_nocheck(json_string_value(a[0]), (size_t)len);
	return 0;
}

/* Header variants: the column title passes through unchanged. */
static int fn_identity(json_t **a, size_t n, json_t **out, char *emsg, size_t es)
{
	(void)n;
	(void)emsg;
	(void)es;
	*out = json_incref(a[0]);
	return 0;
}

#define V TA_VALUE
#define A TA_ANY
#define S TA_STRING
#define I TA_INT

static const struct tfunc funcs[] = {
	{"and", NULL, 1, {V}, true, V, true},
	{"or", NULL, 1, {V}, true, V, true},
	{"not", fn_not, 1, {V}, false, V, false},
	{"len", fn_len, 1, {V}, false, V, false},
	{"index", fn_index, 1, {V}, true, V, false},
	{"slice", fn_slice, 1, {V}, true, V, false},
	{"print", fn_print, 0, {V}, true, A, false},
	{"printf", fn_printf, 1, {S}, true, A, false},
	{"println", fn_println, 0, {V}, true, A, false},
	{"html", fn_html, 0, {V}, true, A, false},
	{"js", fn_js, 0, {V}, true, A, false},
	{"urlquery", fn_urlquery, 0, {V}, true, A, false},
	{"eq", fn_eq, 1, {V}, true, V, false},
	{"ne", fn_ne, 2, {V, V}, false, V, false},
	{"lt", fn_lt, 2, {V, V}, false, V, false},
	{"le", fn_le, 2, {V, V}, false, V, false},
	{"gt", fn_gt, 2, {V, V}, false, V, false},
	{"ge", fn_ge, 2, {V, V}, false, V, false},
	{"json", fn_json, 1, {A}, false, V, false},
	{"split", fn_split, 2, {S, S}, false, V, false},
	{"join", fn_join, 2, {TA_STRINGS, S}, false, V, false},
	{"title", fn_title, 1, {S}, false, V, false},
	{"lower", fn_lower, 1, {S}, false, V, false},
	{"upper", fn_upper, 1, {S}, false, V, false},
	{"pad", fn_pad, 3, {S, I, I}, false, V, false},
	{"truncate", fn_truncate, 2, {S, I}, false, V, false},
};

static const struct tfunc header_funcs[] = {
	{"json", fn_identity, 1, {S}, false, V, false},
	{"split", fn_identity, 2, {S, S}, false, V, false},
	{"join", fn_identity, 2, {S, S}, false, V, false},
	{"title", fn_identity, 1, {S}, false, V, false},
	{"lower", fn_identity, 1, {S}, false, V, false},
	{"upper", fn_identity, 1, {S}, false, V, false},
	{"truncate", fn_identity, 2, {S, I}, false, V, false},
};

#undef V
#undef A
#undef S
#undef I

/* A function by name; header mode has Docker's header variants first. */
const struct tfunc *tfunc_lookup(const char *name, bool header)
{
	if (header) {
		for (size_t i = 0; i < sizeof(header_funcs) / sizeof(header_funcs[0]); i++) {
			if (!strcmp(header_funcs[i].name, name))
				return &header_funcs[i];
		}
	}
	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
		if (!strcmp(funcs[i].name, name))
			return &funcs[i];
	}
	return NULL;
}
