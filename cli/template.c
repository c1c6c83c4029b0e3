/* The public face of the --format templates: parsing and freeing, Docker's
 * format keywords. */
#include "cli/template_impl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Copies the text and parses it into a template. */
int tmpl_parse(struct tmpl **out, const char *text, berr *err)
{
	struct tmpl *t = xmalloc(sizeof(*t));
	size_t len = text ? strlen(text) : 0;

	memset(t, 0, sizeof(*t));
	t->text = xmalloc(len + 1);
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
	struct strbuf b = {0};
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
	strbuf_addn(&b, "", 0);
	for (size_t i = start; i < end; i++) {
		if (f[i] == '\\' && i + 1 < end && (f[i + 1] == 't' || f[i + 1] == 'n')) {
			strbuf_addc(&b, f[i + 1] == 't' ? '\t' : '\n');
			i++;
		} else {
			strbuf_addc(&b, f[i]);
		}
	}
	return strbuf_steal(&b);
}

char *tmpl_json_marshal(json_t *v)
{
	struct strbuf b = {0};

	tfmt_json_html(&b, v);
	return strbuf_steal(&b);
}
