/* The public face of the --format templates: parsing and freeing, Docker's
 * format keywords, and the small string buffer the template code shares. */
#include "cli/template_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* realloc that aborts the CLI when memory runs out. */
void *tmpl_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q) {
		fputs("berth: out of memory\n", stderr);
		abort();
	}
	return q;
}

/* Makes room for extra bytes plus the terminating NUL. */
static void tbuf_grow(struct tbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	b->cap = b->cap ? b->cap : 64;
	while (b->cap < need)
		b->cap *= 2;
	b->s = tmpl_xrealloc(b->s, b->cap);
}

/* Appends n bytes (which may include NULs). */
void tbuf_addn(struct tbuf *b, const char *s, size_t n)
{
	tbuf_grow(b, n);
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Appends a C string. */
void tbuf_adds(struct tbuf *b, const char *s)
{
	tbuf_addn(b, s, strlen(s));
}

/* Appends one byte. */
void tbuf_addc(struct tbuf *b, char c)
{
	tbuf_addn(b, &c, 1);
}

/* Appends printf-formatted text. */
void tbuf_addf(struct tbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	tbuf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Appends n copies of a byte. */
void tbuf_pad(struct tbuf *b, char c, size_t n)
{
	tbuf_grow(b, n);
	memset(b->s + b->len, c, n);
	b->len += n;
	b->s[b->len] = '\0';
}

/* Gives the string to the caller and leaves the buffer empty. */
char *tbuf_steal(struct tbuf *b)
{
	char *s;

	if (!b->s)
		tbuf_addn(b, "", 0);
	s = b->s;
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

/* Frees the string and leaves the buffer empty. */
void tbuf_free(struct tbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/* Copies the text and parses it into a template. */
int tmpl_parse(struct tmpl **out, const char *text, berr *err)
{
	struct tmpl *t = tmpl_xrealloc(NULL, sizeof(*t));
	size_t len = text ? strlen(text) : 0;

	memset(t, 0, sizeof(*t));
	t->text = tmpl_xrealloc(NULL, len + 1);
	memcpy(t->text, text ? text : "", len + 1);
	*out = NULL;
	if (tparse(t, err) < 0) {
		tmpl_free(t);
		return -1;
	}
	*out = t;
	return 0;
}

/* Frees a template, its nodes and its named templates. */
void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	tnodes_free(t->nodes, t->nnodes);
	free(t->nodes);
	for (size_t i = 0; i < t->ndefs; i++)
		free(t->defs[i].name);
	free(t->defs);
	free(t->text);
	free(t);
}

/* The whitespace that may follow the "table" keyword. */
static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Whether a --format value starts with the "table" keyword. */
bool tmpl_is_table(const char *format)
{
	if (!format || strncmp(format, "table", 5) != 0)
		return false;
	return format[5] == '\0' || is_ws(format[5]) || format[5] == '{';
}

/* The template after "table" and the spaces that follow it. */
const char *tmpl_strip_table(const char *format)
{
	const char *p;

	if (!tmpl_is_table(format))
		return format;
	/* Docker trims spaces (only) around the rest. */
	p = format + 5;
	while (*p == ' ')
		p++;
	return p;
}

/* Resolves Docker's "json" format keyword. */
const char *tmpl_expand_keyword(const char *format)
{
	if (format && !strcmp(format, "json"))
		return "{{json .}}";
	return format;
}

/* The template text Docker's list formatter parses for a --format value. */
char *tmpl_docker_format(const char *format)
{
	const char *f = format ? format : "";
	struct tbuf b = {0};
	size_t start, end;

	if (tmpl_is_table(f))
		f += 5;
	else
		f = tmpl_expand_keyword(f);
	/* Docker trims spaces only, not tabs or newlines. */
	start = 0;
	end = strlen(f);
	while (start < end && f[start] == ' ')
		start++;
	while (end > start && f[end - 1] == ' ')
		end--;
	tbuf_addn(&b, "", 0);
	for (size_t i = start; i < end; i++) {
		if (f[i] == '\\' && i + 1 < end && (f[i + 1] == 't' || f[i + 1] == 'n')) {
			tbuf_addc(&b, f[i + 1] == 't' ? '\t' : '\n');
			i++;
		} else {
			tbuf_addc(&b, f[i]);
		}
	}
	return tbuf_steal(&b);
}
