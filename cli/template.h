/* Docker's --format language: Go text/template evaluated over jansson values,
 * with Docker's extra functions (json, split, join, title, lower, upper, pad,
 * truncate) and its "table" and "json" format keywords.
 *
 * Values behave as Go's map[string]interface{} data does: .Key of an object
 * is its value, or "<no value>" when missing; a JSON null is Go's nil (printed
 * "<no value>" by an action of its own, "<nil>" inside print, printf or a
 * container); a field of anything but an object is an execution error. Where
 * Docker's typed structs make its CLI kinder than raw maps, berth follows
 * Docker: len of null is 0, range over null runs {{else}}, index of a missing
 * key in an object of strings (labels, options) is "", join takes any array of
 * strings, and integers and reals compare by value. */
#ifndef BERTH_CLI_TEMPLATE_H
#define BERTH_CLI_TEMPLATE_H

#include <stdbool.h>

#include <jansson.h>

#include "engine/core/error.h"

struct tmpl;

/* Parses a template. Errors are BERR_INVALID with Docker's wording:
 * "template parsing error: template: :1: unexpected \"}\" in operand". */
int tmpl_parse(struct tmpl **out, const char *text, berr *err);

/* Frees a template; NULL is allowed. */
void tmpl_free(struct tmpl *t);

/* Runs the template against data (any JSON value; NULL means no data) and
 * returns the malloc'd output. Execution errors are BERR_INVALID, one line:
 * "template: :1:2: executing \"\" at <.Name.X>: can't evaluate field X in type string". */
int tmpl_render(struct tmpl *t, json_t *data, char **out, berr *err);

/* The Go type a list command's formatter runs its template on: a field the
 * row lacks is an error naming the type (Docker's "can't evaluate field Foo
 * in type *formatter.ContainerContext") instead of "<no value>", and a type
 * with Docker's Label method answers {{.Label "key"}} from the labels given
 * beside the row (so that {{json .}} shows the row alone, as Docker's does). */
struct tmpl_type {
	const char *name;
	bool has_label_method;
	/* When the row's keys are JSON names (an API object), its fields as
	 * pairs of Go name and JSON name, ending with NULL: {{.Status}} reads
	 * "status", and only the Go names are fields. NULL: keys are fields. */
	const char *const *json_names;
	/* What Docker's CLI puts before an execution error of this type and ": ". */
	const char *error_prefix;
};

/* tmpl_render for one row of a typed list (see struct tmpl_type); labels
 * may be NULL. */
int tmpl_render_typed(struct tmpl *t, json_t *data, const struct tmpl_type *type, json_t *labels,
		      char **out, berr *err);

/* Like tmpl_render with Docker's header functions: json, split, join, title,
 * lower, upper and truncate return their first argument unchanged, so that a
 * table's header row (data: an object of column titles) keeps its titles.
 * Docker ignores errors in the header: so does this, returning 0 and what was
 * rendered before the error (err still says what went wrong). */
int tmpl_render_header(struct tmpl *t, json_t *header, char **out, berr *err);

/* tmpl_render_header for a typed list: {{.Label "k"}} heads its column "k". */
int tmpl_render_header_typed(struct tmpl *t, json_t *header, const struct tmpl_type *type,
			     char **out, berr *err);

/* Go's json.Marshal of v (<, > and & escaped): what Docker's formatter
 * prints for a row when the whole format is {{json .}}, unlike the json
 * function inside a template, which leaves them. Malloc'd. */
char *tmpl_json_marshal(json_t *v);

/* Whether a --format value asks for a table: "table", then whitespace, "{" or the end. */
bool tmpl_is_table(const char *format);

/* The template part of a table format: what follows "table" and its spaces. */
const char *tmpl_strip_table(const char *format);

/* Docker's --format "json" keyword: "json" -> "{{json .}}", anything else unchanged. */
const char *tmpl_expand_keyword(const char *format);

/* The template Docker's formatter really parses for a --format value: the
 * "table" prefix and the "json" keyword resolved, surrounding spaces trimmed,
 * and the two-character sequences \t and \n turned into a tab and a newline.
 * Returns a malloc'd string. */
char *tmpl_docker_format(const char *format);

#endif
