/* search: a registry's repositories whose names hold a word (registry.search). */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/template.h"

static const struct tmpl_type search_row_type = {
	.name = "*formatter.searchContext",
	.error_prefix = "template parsing error",
};

/* Docker's DESCRIPTION: one line, cut at 45 characters unless --no-trunc;
 * a registry's control characters never reach the terminal. */
static void description_text(const char *in, bool no_trunc, char *out, size_t size)
{
	size_t n = 0, chars = 0;

	for (const char *p = in ? in : ""; *p && n + 4 < size; p++) {
		if (((unsigned char)*p & 0xc0) != 0x80 && !no_trunc && ++chars > 44 && p[1]) {
			n += (size_t)snprintf(out + n, size - n, "…");
			break;
		}
		unsigned char c = (unsigned char)*p;
		out[n++] = c < 0x20 || c == 0x7f ? ' ' : *p;
	}
	out[n < size ? n : size - 1] = '\0';
}

static int cmd_search(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_search = {"search", cmd_search, "[OPTIONS] TERM",
					   "Search a registry for images"};

static int cmd_search(struct cli *cli, int argc, char **argv)
{
	static const char help[] =
		"TERM names its registry as docker search reads it (registry.example.com/word,\n"
		"host:port/word), else Docker Hub. A registry without Docker Hub's search\n"
		"(a distribution registry) is searched through its catalog: the repositories\n"
		"whose names hold the word, listed with their registry.\n";
	bool no_trunc = false, done;
	char *format = NULL;
	long limit = 0;
	struct strlist filters = {0};
	struct flag_spec specs[] = {
		{"filter", 'f', FLAG_LIST, &filters, "filter", "Filter output based on conditions provided"},
		{"format", 0, FLAG_STRING, &format, "string", "Pretty-print search using a Go template"},
		{"limit", 0, FLAG_INT, &limit, "int", "Max number of search results"},
		{"no-trunc", 0, FLAG_BOOL, &no_trunc, NULL, "Don't truncate output"},
		{0},
	};
	json_t *f = json_object(), *args = NULL, *result = NULL, *rows = json_array(), *headers = NULL;
	json_t *v;
	berr err = {0};
	int first, status;
	size_t i;

	status = cli_parse(cli, specs, &cli_cmd_search, argc, argv, true, &first, &done);
	if (status == 0 && done)
		printf("\n%s", help);
	if (status || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_search, argc - first, 1, 1)) ||
	    (status = cli_filters(cli, &filters, f)))
		goto out;
	args = json_pack("{s:s, s:I, s:O}", "term", argv[first], "limit", (json_int_t)limit, "filters", f);
	if (cli_call(cli, "registry.search", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	json_array_foreach(result, i, v) {
		char description[512], stars[32];
		description_text(json_string_value(json_object_get(v, "description")), no_trunc,
				 description, sizeof(description));
		snprintf(stars, sizeof(stars), "%lld",
			 (long long)json_integer_value(json_object_get(v, "star_count")));
		json_array_append_new(
			rows, json_pack("{s:O, s:s, s:s, s:s, s:s}", "Name", json_object_get(v, "name"),
					"Description", description, "StarCount", stars, "IsOfficial",
					json_is_true(json_object_get(v, "is_official")) ? "[OK]" : "",
					"IsAutomated",
					json_is_true(json_object_get(v, "is_automated")) ? "[OK]" : ""));
	}
	headers = json_pack("{s:s, s:s, s:s, s:s, s:s}", "Name", "NAME", "Description", "DESCRIPTION",
			    "StarCount", "STARS", "IsOfficial", "OFFICIAL", "IsAutomated", "AUTOMATED");
	struct cli_list list = {
		.type = &search_row_type,
		.rows = rows,
		.headers = headers,
		.default_format = "table {{.Name}}\t{{.Description}}\t{{.StarCount}}\t{{.IsOfficial}}",
	};
	status = cli_print_list(cli, &list, format);
out:
	json_decref(f);
	json_decref(args);
	json_decref(result);
	json_decref(rows);
	json_decref(headers);
	flags_free(specs);
	return status;
}
