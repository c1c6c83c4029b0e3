/* context create, ls, use, rm, inspect, show, update: the docker CLI's
 * context store, read and written as docker 28 does, so that both tools
 * share the contexts in $DOCKER_CONFIG (or ~/.docker). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/template.h"
#include "engine/core/strbuf.h"
#include "engine/remote/client_config.h"
#include "engine/remote/context_store.h"
#include "engine/remote/files.h"
#include "engine/remote/target.h"

/* The default context's description: docker's when -H or DOCKER_HOST
 * names a daemon, berth's own when it is this host's engine. */
#define DEFAULT_DESC_HOST "Current DOCKER_HOST based configuration"
#define DEFAULT_DESC_LOCAL "This host's berth engine"
#define ERROR_WIDTH 45 /* docker's ls cuts the ERROR column there */

static const char endpoint_help[] =
	"Docker endpoint config:\n\n"
	"NAME                DESCRIPTION\n"
	"from                Copy named context's Docker endpoint configuration\n"
	"host                Docker endpoint on which to connect\n"
	"ca                  Trust certs signed only by this CA\n"
	"cert                Path to TLS certificate file\n"
	"key                 Path to TLS key file\n"
	"skip-tls-verify     Skip TLS certificate validation\n\n"
	"Example:\n\n"
	"$ berth context %s my-context --description \"some description\" --docker "
	"\"host=tcp://myserver:2376,ca=~/ca-file,cert=~/cert-file,key=~/key-file\"\n";

/* The global flags that choose a daemon are taken by the dispatcher
 * before the command: here the choice is the environment's and
 * config.json's. */
static const struct remote_choice no_flags;

/* The config directory the store is in. */
static const char *config_dir(char buf[PATH_MAX])
{
	return remote_config_dir(&no_flags, buf, PATH_MAX);
}

/* The current context's name; a config.json docker could not read is
 * warned of in docker's words, and the name found as docker finds it. */
static void current_context(char *buf, size_t size)
{
	berr warning = {0};

	remote_context_name(&no_flags, buf, size, &warning);
	if (warning.kind != BERR_NONE)
		fprintf(stderr, "WARNING: Error %s\n", warning.msg);
}

/* cli_parse, with more help after the options for --help. */
static int parse(struct cli *cli, const struct flag_spec *specs, const struct cli_command *cmd,
		 int argc, char **argv, int *first, bool *done, const char *more)
{
	int status = cli_parse(cli, specs, cmd, argc, argv, true, first, done);

	if (status == 0 && *done && more)
		printf("\n%s", more);
	return status;
}

/* A context's meta: the default context made up, or a stored one. */
static int get_meta(const char *dir, const char *name, json_t **meta, struct context_tls *tls,
		    berr *err)
{
	if (strcmp(name, CONTEXT_DEFAULT) == 0)
		return remote_default_context(&no_flags, meta, tls, err);
	if (tls)
		memset(tls, 0, sizeof(*tls));
	return context_store_get(dir, name, meta, err);
}

/* The docker endpoint object of a meta, or NULL. */
static json_t *docker_endpoint(json_t *meta)
{
	json_t *ep = remote_json_get(remote_json_get(meta, "Endpoints"), CONTEXT_DOCKER_ENDPOINT);

	return json_is_object(ep) ? ep : NULL;
}

/* The description docker shows for a context. */
static const char *description(json_t *meta)
{
	const char *name = json_string_value(remote_json_get(meta, "Name"));
	json_t *docker = docker_endpoint(meta);

	if (name && strcmp(name, CONTEXT_DEFAULT) == 0)
		return json_string_value(remote_json_get(docker, "Host")) ? DEFAULT_DESC_HOST
									   : DEFAULT_DESC_LOCAL;
	name = json_string_value(remote_json_get(remote_json_get(meta, "Metadata"), "Description"));
	return name ? name : "";
}

/* Go's strconv.ParseBool. */
static int parse_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "t", "T", "TRUE", "true", "True"};
	static const char *const no[] = {"0", "f", "F", "FALSE", "false", "False"};

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(s, yes[i]) == 0 || strcmp(s, no[i]) == 0) {
			*out = strcmp(s, yes[i]) == 0;
			return 0;
		}
	}
	return -1;
}

/* One field of Go's encoding/csv at *p in line, moved past it and its
 * comma (*more says whether there was one). */
static int csv_field(const char *line, const char **p, struct strbuf *field, bool *more,
		     berr *err)
{
	const char *s = *p;

	if (*s != '"') {
		while (*s && *s != ',') {
			if (*s == '"')
				goto bare;
			strbuf_addc(field, *s++);
		}
	} else {
		for (s++;; s++) {
			if (!*s)
				goto quote;
			if (*s == '"' && s[1] == '"') {
				strbuf_addc(field, '"');
				s++;
			} else if (*s == '"') {
				s++;
				break;
			} else {
				strbuf_addc(field, *s);
			}
		}
		if (*s && *s != ',')
			goto quote;
	}
	*more = *s == ',';
	*p = *more ? s + 1 : s;
	return 0;
bare:
	return berr_set(err, BERR_INVALID,
			"parse error on line 1, column %d: bare \" in non-quoted-field",
			(int)(s - line) + 1);
quote:
	return berr_set(err, BERR_INVALID,
			"parse error on line 1, column %d: extraneous or missing \" in quoted-field",
			(int)(s - line) + 1);
}

/* Adds one "k=v" pair to config. */
static int add_pair(json_t *config, const char *pair, berr *err)
{
	const char *eq = strchr(pair, '=');

	if (!eq)
		return berr_set(err, BERR_INVALID, "%s must be formatted as key=value", pair);
	json_object_setn_new(config, pair, (size_t)(eq - pair), json_string(eq + 1));
	return 0;
}

/* One --docker value into config, as pflag's stringToString reads it: one
 * '=' is one pair (quotes around it dropped), more are comma-separated
 * pairs in CSV. Later keys win. */
static int docker_flag(json_t *config, const char *value, berr *err)
{
	size_t eqs = 0;
	int rc = 0;

	for (const char *p = value; *p; p++)
		eqs += *p == '=';
	if (eqs == 0)
		return berr_set(err, BERR_INVALID, "%s must be formatted as key=value", value);
	if (eqs == 1) {
		size_t len = strlen(value), start = 0;
		while (start < len && value[start] == '"')
			start++;
		while (len > start && value[len - 1] == '"')
			len--;
		char *pair = strndup(value + start, len - start);
		rc = pair ? add_pair(config, pair, err) : berr_errno(err, ENOMEM, "--docker");
		free(pair);
		return rc;
	}
	for (const char *p = value; rc == 0;) {
		struct strbuf field = {0};
		bool more = false;
		rc = csv_field(value, &p, &field, &more, err);
		if (rc == 0)
			rc = add_pair(config, field.s ? field.s : "", err);
		strbuf_free(&field);
		if (!more)
			break;
	}
	return rc;
}

/* Every --docker value, or the exit status of a malformed one. */
static int docker_flags(struct cli *cli, const struct strlist *values, json_t **config)
{
	char quoted[1100];
	berr err = {0};

	*config = NULL;
	if (!values->len)
		return 0;
	*config = json_object();
	for (size_t i = 0; i < values->len; i++) {
		if (docker_flag(*config, values->items[i], &err) < 0) {
			json_decref(*config);
			*config = NULL;
			return cli_failf(cli, 125,
					 "invalid argument %s for \"--docker\" flag: %s\n"
					 "See 'berth %s --help'.",
					 remote_go_quote(values->items[i], quoted, sizeof(quoted)),
					 err.msg, cli->name);
		}
	}
	return 0;
}

/* Reads the TLS files a --docker value names. */
static int read_tls_files(json_t *config, struct context_tls *tls, berr *err)
{
	static const char *const keys[] = {"ca", "cert", "key"};
	char **slots[] = {&tls->ca, &tls->cert, &tls->key};
	size_t *lens[] = {&tls->ca_len, &tls->cert_len, &tls->key_len};

	for (int i = 0; i < 3; i++) {
		const char *path = json_string_value(json_object_get(config, keys[i]));
		if (path && *path && remote_file_read(path, 10u << 20, slots[i], lens[i], err) < 0)
			return -1;
	}
	return 0;
}

/* The endpoint another context's "from" names: its host and
 * SkipTLSVerify, no TLS files (docker copies none this way). */
static int endpoint_from(const char *dir, const char *from, json_t **endpoint, berr *err)
{
	json_t *meta, *docker;
	char quoted[600];

	if (get_meta(dir, from, &meta, NULL, err) < 0)
		return -1;
	if (!(docker = docker_endpoint(meta))) {
		json_decref(meta);
		return berr_set(err, BERR_INVALID, "unable to get endpoint from context %s",
				remote_go_quote(from, quoted, sizeof(quoted)));
	}
	*endpoint = json_deep_copy(docker);
	json_decref(meta);
	return 0;
}

/* The endpoint a --docker value describes (docker's getDockerEndpoint):
 * its meta object and TLS files. */
static int endpoint_of(const char *dir, json_t *config, json_t **endpoint,
		       struct context_tls *tls, berr *err)
{
	static const char *const allowed[] = {"from", "host", "ca", "cert", "key", "skip-tls-verify"};
	const char *key, *host, *from, *skip_text;
	struct strbuf unknown = {0};
	bool skip = false;
	char quoted[600];
	json_t *v;
	int rc;

	memset(tls, 0, sizeof(*tls));
	json_object_foreach(config, key, v) {
		bool ok = false;
		for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
			ok |= strcmp(key, allowed[i]) == 0;
		if (!ok)
			strbuf_addf(&unknown, "%sunrecognized config key: %s", unknown.len ? "\n" : "",
				    key);
	}
	if (unknown.len) {
		berr_set(err, BERR_INVALID, "%s", unknown.s);
		strbuf_free(&unknown);
		return -1;
	}
	if ((from = json_string_value(json_object_get(config, "from"))))
		return endpoint_from(dir, from, endpoint, err);
	if (read_tls_files(config, tls, err) < 0)
		goto fail;
	skip_text = json_string_value(json_object_get(config, "skip-tls-verify"));
	if (skip_text && parse_bool(skip_text, &skip) < 0) {
		berr_set(err, BERR_INVALID, "skip-tls-verify: parsing %s: invalid syntax",
			 remote_go_quote(skip_text, quoted, sizeof(quoted)));
		goto fail;
	}
	host = json_string_value(json_object_get(config, "host"));
	rc = remote_endpoint_check(host, context_tls_any(tls) ? tls : NULL, skip, err);
	if (rc < 0) {
		berr_prefix(err, rc == -1 ? "invalid docker endpoint options"
					  : "unable to apply docker endpoint options");
		goto fail;
	}
	*endpoint = json_pack("{s:b}", "SkipTLSVerify", skip);
	if (host && *host)
		json_object_set_new(*endpoint, "Host", json_string(host));
	return 0;
fail:
	context_tls_free(tls);
	return -1;
}

/* Writes a context's meta and TLS files; whole_tls: every endpoint's
 * files go first (create), else only the docker endpoint's (update). */
static int store_context(const char *dir, json_t *meta, const struct context_tls *tls,
			 bool whole_tls, berr *err)
{
	const char *name = json_string_value(json_object_get(meta, "Name"));

	if (context_store_put(dir, meta, err) < 0)
		return -1;
	if (whole_tls && context_store_tls_clear(dir, name, err) < 0)
		return -1;
	return context_store_tls_set(dir, name, CONTEXT_DOCKER_ENDPOINT, tls, err);
}

/* A new context with the endpoint of --docker. */
static int create_new(const char *dir, const char *name, const char *desc, json_t *config,
		      berr *err)
{
	struct context_tls tls;
	json_t *endpoint, *meta;
	int rc;

	if (endpoint_of(dir, config, &endpoint, &tls, err) < 0)
		return berr_prefix(err, "unable to create docker endpoint config");
	meta = json_pack("{s:s, s:{}, s:{s:o}}", "Name", name, "Metadata", "Endpoints",
			 CONTEXT_DOCKER_ENDPOINT, endpoint);
	if (desc && *desc)
		json_object_set_new(json_object_get(meta, "Metadata"), "Description",
				    json_string(desc));
	rc = store_context(dir, meta, &tls, true, err);
	json_decref(meta);
	context_tls_free(&tls);
	return rc;
}

/* A new context copied from another (docker's export and import): its
 * metadata with the description given, its endpoints, its TLS files. */
static int create_from(const char *dir, const char *name, const char *from, const char *desc,
		       berr *err)
{
	struct context_tls tls = {0};
	json_t *meta, *md;
	int rc;

	if (get_meta(dir, from, &meta, &tls, err) < 0)
		return -1;
	md = remote_json_get(meta, "Metadata");
	if (!json_is_object(md)) {
		md = json_object();
		json_object_set_new(meta, "Metadata", md);
	}
	/* the default's words are copied where both tools read them alike: a
	 * default without a host is berth's own engine to berth, the docker
	 * CLI's default socket to the docker CLI, and is described by neither */
	if (desc && *desc)
		json_object_set_new(md, "Description", json_string(desc));
	else if (strcmp(from, CONTEXT_DEFAULT) == 0 && json_string_value(remote_json_get(
								docker_endpoint(meta), "Host")))
		json_object_set_new(md, "Description", json_string(description(meta)));
	json_object_set_new(meta, "Name", json_string(name));
	if (strcmp(from, CONTEXT_DEFAULT) == 0)
		rc = store_context(dir, meta, &tls, true, err);
	else if ((rc = context_store_put(dir, meta, err)) == 0)
		rc = context_store_tls_copy(dir, from, name, err);
	json_decref(meta);
	context_tls_free(&tls);
	return rc;
}

/* The name of a new context: valid and free. */
static int check_new_name(const char *dir, const char *name, berr *err)
{
	json_t *meta;
	char quoted[600];

	if (context_name_check(name, err) < 0)
		return -1;
	if (context_store_get(dir, name, &meta, err) == 0) {
		json_decref(meta);
		return berr_set(err, BERR_CONFLICT, "context %s already exists",
				remote_go_quote(name, quoted, sizeof(quoted)));
	}
	if (err->kind != BERR_NOT_FOUND)
		return berr_prefix(err, "error while getting existing contexts");
	berr_clear(err);
	return 0;
}

static int cmd_create(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_context_create = {"context create", cmd_create,
						   "[OPTIONS] CONTEXT", "Create a context"};

static int cmd_create(struct cli *cli, int argc, char **argv)
{
	char *desc = NULL, *from = NULL, dir[PATH_MAX], current[256], help[1024];
	struct strlist docker = {0};
	bool done;
	struct flag_spec specs[] = {
		{"description", 0, FLAG_STRING, &desc, "string", "Description of the context"},
		{"docker", 0, FLAG_LIST, &docker, "stringToString", "set the docker endpoint"},
		{"from", 0, FLAG_STRING, &from, "string", "create context from a named context"},
		{0},
	};
	json_t *config = NULL;
	berr err = {0};
	int first, status;

	snprintf(help, sizeof(help), endpoint_help, "create");
	if ((status = parse(cli, specs, &cli_cmd_context_create, argc, argv, &first, &done, help)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_context_create, argc - first, 1, 1)) ||
	    (status = docker_flags(cli, &docker, &config)))
		goto out;
	config_dir(dir);
	const char *name = argv[first];
	if (check_new_name(dir, name, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	if (config && from)
		status = cli_failf(cli, 1, "cannot use --docker flag when --from is set");
	else if (config)
		status = create_new(dir, name, desc, config, &err) < 0 ? cli_fail(cli, &err, 1) : 0;
	else {
		if (!from)
			current_context(current, sizeof(current));
		status = create_from(dir, name, from ? from : current, desc, &err) < 0
				 ? cli_fail(cli, &err, 1)
				 : 0;
	}
	if (status == 0) {
		char quoted[600];
		printf("%s\n", name);
		fflush(stdout);
		fprintf(stderr, "Successfully created context %s\n",
			remote_go_quote(name, quoted, sizeof(quoted)));
	}
out:
	json_decref(config);
	flags_free(specs);
	return status;
}

/* Docker's Ellipsis: at most width characters, the last one "…". */
static void ellipsis(const char *in, size_t width, struct strbuf *out)
{
	size_t chars = 0, i;

	for (const char *p = in; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	if (chars <= width) {
		strbuf_adds(out, in);
		return;
	}
	for (i = 0, chars = 0; in[i]; i++) {
		if (((unsigned char)in[i] & 0xC0) != 0x80 && chars++ == width - 1)
			break;
		strbuf_addc(out, in[i]);
	}
	strbuf_adds(out, "…");
}

/* One ls row: docker's ClientContext. */
static json_t *ls_row(const char *name, bool current, const char *desc, const char *endpoint,
		      const char *error)
{
	struct strbuf cut = {0};
	json_t *row;

	ellipsis(error, ERROR_WIDTH, &cut);
	row = json_pack("{s:s, s:s, s:s, s:b, s:s}", "Name", name, "Description", desc,
			"DockerEndpoint", endpoint, "Current", current, "Error", cut.s);
	strbuf_free(&cut);
	return row;
}

/* A row of a context's meta. */
static json_t *meta_row(json_t *meta, const char *current)
{
	const char *name = json_string_value(remote_json_get(meta, "Name"));
	json_t *docker = docker_endpoint(meta);
	const char *host = json_string_value(remote_json_get(docker, "Host"));

	name = name ? name : "";
	return ls_row(name, strcmp(name, current) == 0, description(meta), host ? host : "",
		      docker ? "" : "cannot find docker endpoint in context");
}

static int by_row_name(const void *a, const void *b)
{
	json_t *const *x = a, *const *y = b;

	return context_name_cmp(json_string_value(json_object_get(*x, "Name")),
				json_string_value(json_object_get(*y, "Name")));
}

/* The rows of every context, the default and the current one (even when
 * it does not exist, with the error docker shows), in docker's order. */
static int ls_rows(const char *dir, const char *current, json_t **rows, berr *err)
{
	json_t *metas, *meta, *all, **sorted;
	bool found = false;
	size_t i, n;

	if (context_store_list(dir, &metas, err) < 0)
		return -1;
	if (remote_default_context(&no_flags, &meta, NULL, err) < 0) {
		json_decref(metas);
		return -1;
	}
	all = json_array();
	json_array_append_new(metas, meta);
	json_array_foreach(metas, i, meta) {
		json_array_append_new(all, meta_row(meta, current));
		found |= json_is_true(json_object_get(json_array_get(all, i), "Current"));
	}
	json_decref(metas);
	if (!found) {
		berr why = {0};
		if (context_store_get(dir, current, &meta, &why) == 0)
			json_decref(meta);
		json_array_append_new(all, ls_row(current, true, "", "", why.msg));
	}
	n = json_array_size(all);
	sorted = calloc(n, sizeof(*sorted));
	for (i = 0; sorted && i < n; i++)
		sorted[i] = json_array_get(all, i);
	if (sorted)
		qsort(sorted, n, sizeof(*sorted), by_row_name);
	*rows = json_array();
	for (i = 0; i < n; i++)
		json_array_append(*rows, sorted ? sorted[i] : json_array_get(all, i));
	free(sorted);
	json_decref(all);
	return 0;
}

/* What docker's ls formats: its clientContextContext. */
static const struct tmpl_type context_row_type = {
	.name = "*formatter.clientContextContext",
	.error_prefix = "template parsing error",
};

static int cmd_ls(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_context_ls = {"context ls", cmd_ls, "[OPTIONS]", "List contexts"};

static int cmd_ls(struct cli *cli, int argc, char **argv)
{
	static const char help[] =
		"The default context is this host's berth engine, which berth drives itself:\n"
		"its row shows \"" DEFAULT_DESC_LOCAL "\" and no DOCKER ENDPOINT. When\n"
		"DOCKER_HOST names a daemon, the default context is that daemon, as in docker\n"
		"(\"" DEFAULT_DESC_HOST "\").\n";
	bool quiet = false, done;
	char *format = NULL, dir[PATH_MAX], current[256];
	struct flag_spec specs[] = {
		{"format", 0, FLAG_STRING, &format, "string", "Format output using a custom template"},
		{"quiet", 'q', FLAG_BOOL, &quiet, NULL, "Only show context names"},
		{0},
	};
	json_t *rows = NULL, *headers = NULL;
	berr err = {0};
	int first, status;

	if ((status = parse(cli, specs, &cli_cmd_context_ls, argc, argv, &first, &done, help)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_context_ls, argc - first, 0, 0)))
		goto out;
	current_context(current, sizeof(current));
	if (ls_rows(config_dir(dir), current, &rows, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	/* Current has no title: docker's header reads it as nil, false in {{if}} */
	headers = json_pack("{s:s, s:s, s:s, s:s, s:n}", "Name", "NAME", "Description", "DESCRIPTION",
			    "DockerEndpoint", "DOCKER ENDPOINT", "Error", "ERROR", "Current");
	struct cli_list list = {
		.type = &context_row_type,
		.rows = rows,
		.headers = headers,
		.default_format = "table {{.Name}}{{if .Current}} *{{end}}\t{{.Description}}\t"
				  "{{.DockerEndpoint}}\t{{.Error}}",
	};
	status = cli_print_list(cli, &list, quiet ? "{{.Name}}" : format);
	if (status == 0 && getenv("DOCKER_HOST") && *getenv("DOCKER_HOST")) {
		fflush(stdout);
		fprintf(stderr, "Warning: DOCKER_HOST environment variable overrides the active "
				"context. To use a context, either set the global --context flag, or "
				"unset DOCKER_HOST environment variable.\n");
	}
out:
	json_decref(rows);
	json_decref(headers);
	flags_free(specs);
	return status;
}

static int cmd_use(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_context_use = {"context use", cmd_use, "CONTEXT",
						"Set the current docker context"};

static int cmd_use(struct cli *cli, int argc, char **argv)
{
	char dir[PATH_MAX], stored[256], quoted[600];
	struct flag_spec specs[] = {{0}};
	const char *name, *value = "";
	bool done;
	berr err = {0};
	int first, status;
	json_t *meta;

	if ((status = parse(cli, specs, &cli_cmd_context_use, argc, argv, &first, &done, NULL)) ||
	    done)
		return status;
	if (argc - first != 1)
		return cli_failf(cli, 1, "accepts 1 arg(s), received %d", argc - first);
	name = argv[first];
	config_dir(dir);
	if (strcmp(name, CONTEXT_DEFAULT) != 0) {
		if (context_name_check(name, &err) < 0 || context_store_get(dir, name, &meta, &err) < 0)
			return cli_fail(cli, &err, 1);
		json_decref(meta);
		value = name;
	}
	if (client_config_current_context(dir, stored, sizeof(stored), &err) < 0)
		stored[0] = '\0';
	if (strcmp(stored, value) != 0 && client_config_set_current_context(dir, value, &err) < 0)
		return cli_fail(cli, &err, 1);
	printf("%s\n", name);
	fflush(stdout);
	remote_go_quote(name, quoted, sizeof(quoted));
	fprintf(stderr, "Current context is now %s\n", quoted);
	if (strcmp(name, CONTEXT_DEFAULT) != 0 && getenv("DOCKER_HOST") && *getenv("DOCKER_HOST"))
		fprintf(stderr, "Warning: DOCKER_HOST environment variable overrides the active "
				"context. To use %s, either set the global --context flag, or unset "
				"DOCKER_HOST environment variable.\n",
			quoted);
	return 0;
}

/* Removes one context (docker's doRemove). */
static int remove_one(const char *dir, const char *name, bool current, bool force, berr *err)
{
	char meta_dir[PATH_MAX], quoted[600];
	struct stat st;

	remote_go_quote(name, quoted, sizeof(quoted));
	if (current) {
		if (!force)
			return berr_set(err, BERR_CONFLICT,
					"context %s is in use, set -f flag to force remove", quoted);
		if (client_config_set_current_context(dir, "", err) < 0)
			return -1;
	}
	context_store_paths(dir, name, meta_dir, NULL);
	if (!force && stat(meta_dir, &st) < 0 && errno == ENOENT)
		return berr_set(err, BERR_NOT_FOUND, "context %s does not exist", quoted);
	return context_store_remove(dir, name, err);
}

static int cmd_rm(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_context_rm = {"context rm", cmd_rm, "CONTEXT [CONTEXT...]",
					       "Remove one or more contexts"};

static int cmd_rm(struct cli *cli, int argc, char **argv)
{
	bool force = false, done;
	struct flag_spec specs[] = {
		{"force", 'f', FLAG_BOOL, &force, NULL, "Force the removal of a context in use"},
		{0},
	};
	char dir[PATH_MAX], current[256];
	struct strlist errors = {0};
	int first, status;

	if ((status = parse(cli, specs, &cli_cmd_context_rm, argc, argv, &first, &done, NULL)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_context_rm, argc - first, 1, -1)))
		goto out;
	config_dir(dir);
	current_context(current, sizeof(current));
	for (int i = first; i < argc; i++) {
		berr err = {0};
		if (strcmp(argv[i], CONTEXT_DEFAULT) == 0)
			strlist_push(&errors, "context \"default\" cannot be removed");
		else if (remove_one(dir, argv[i], strcmp(argv[i], current) == 0, force, &err) < 0)
			strlist_push(&errors, err.msg);
		else
			printf("%s\n", argv[i]);
	}
	/* docker reports the failures together, after the names removed */
	for (size_t i = 0; i < errors.len; i++)
		cli_failf(cli, 1, "%s", errors.items[i]);
	status = errors.len ? 1 : 0;
out:
	strlist_free(&errors);
	flags_free(specs);
	return status;
}

/* The TLS files of the default context, as inspect lists them. */
static json_t *tls_listing(const struct context_tls *tls)
{
	json_t *files = json_array(), *listing = json_object();

	if (tls->ca)
		json_array_append_new(files, json_string("ca.pem"));
	if (tls->cert)
		json_array_append_new(files, json_string("cert.pem"));
	if (tls->key)
		json_array_append_new(files, json_string("key.pem"));
	if (json_array_size(files))
		json_object_set_new(listing, CONTEXT_DOCKER_ENDPOINT, files);
	else
		json_decref(files);
	return listing;
}

/* What docker's context inspect shows of one context. */
static int inspect_one(const char *dir, const char *name, json_t **out, berr *err)
{
	char meta_dir[PATH_MAX], tls_dir[PATH_MAX];
	struct context_tls tls;
	json_t *meta, *listing;
	bool is_default = strcmp(name, CONTEXT_DEFAULT) == 0;

	if (get_meta(dir, name, &meta, &tls, err) < 0)
		return -1;
	if (is_default) {
		listing = tls_listing(&tls);
	} else if (context_store_tls_list(dir, name, &listing, err) < 0) {
		json_decref(meta);
		return -1;
	}
	context_tls_free(&tls);
	*out = context_meta_json(meta);
	json_decref(meta);
	if (is_default)
		snprintf(meta_dir, sizeof(meta_dir), "<IN MEMORY>");
	else
		context_store_paths(dir, name, meta_dir, tls_dir);
	json_object_set_new(*out, "TLSMaterial", listing);
	json_object_set_new(*out, "Storage", json_pack("{s:s, s:s}", "MetadataPath", meta_dir,
						       "TLSPath", is_default ? meta_dir : tls_dir));
	return 0;
}

/* What docker's inspect template sees of a context: its
 * contextWithTLSListing, whose embedded store.Metadata is also its field
 * "Metadata", so that {{.Name}} and {{.Metadata.Metadata.Description}}
 * both work there. */
static json_t *template_view(json_t *flat)
{
	static const char *const embedded_fields[] = {"Name", "Metadata", "Endpoints"};
	json_t *view = json_deep_copy(flat), *embedded = json_object(), *v;

	for (size_t i = 0; i < sizeof(embedded_fields) / sizeof(embedded_fields[0]); i++)
		if ((v = json_object_get(flat, embedded_fields[i])))
			json_object_set(embedded, embedded_fields[i], v);
	json_object_set_new(view, "Metadata", embedded);
	return view;
}

/* Prints each context through an inspect --format; {{json .}} alone
 * marshals the struct, flat, as docker does. */
static int print_each(struct cli *cli, json_t *objects, const char *format)
{
	json_t *views, *obj;
	size_t i;
	int status;

	if (strcmp(tmpl_expand_keyword(format), "{{json .}}") == 0)
		return cli_print_each(cli, objects, format);
	views = json_array();
	json_array_foreach(objects, i, obj)
		json_array_append_new(views, template_view(obj));
	status = cli_print_each(cli, views, format);
	json_decref(views);
	return status;
}

static int cmd_inspect(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_context_inspect = {
	"context inspect", cmd_inspect, "[OPTIONS] [CONTEXT] [CONTEXT...]",
	"Display detailed information on one or more contexts"};

static int cmd_inspect(struct cli *cli, int argc, char **argv)
{
	char *format = NULL, dir[PATH_MAX], current[256];
	bool done;
	struct flag_spec specs[] = {
		{"format", 'f', FLAG_STRING, &format, "string", "Format output using a custom template"},
		{0},
	};
	json_t *objects = json_array();
	struct strlist errors = {0};
	int first, status;

	if ((status = parse(cli, specs, &cli_cmd_context_inspect, argc, argv, &first, &done, NULL)) ||
	    done)
		goto out;
	config_dir(dir);
	current_context(current, sizeof(current));
	for (int i = first; i < argc || (i == first && argc == first); i++) {
		const char *name = i < argc ? argv[i] : current;
		berr err = {0};
		json_t *obj;
		if (inspect_one(dir, name, &obj, &err) == 0)
			json_array_append_new(objects, obj);
		else
			strlist_push(&errors, err.msg);
	}
	if (format && *format && strcmp(format, "json") != 0) {
		status = print_each(cli, objects, format);
	} else {
		/* docker's inspectors: indented, or compact for "json" */
		size_t flags = format && *format ? JSON_COMPACT : JSON_INDENT(4);
		char *text = remote_json_dumps(objects, flags | JSON_PRESERVE_ORDER);
		printf("%s\n", text && json_array_size(objects) ? text : "[]");
		free(text);
	}
	for (size_t i = 0; i < errors.len; i++)
		status = cli_failf(cli, 1, "%s", errors.items[i]);
out:
	strlist_free(&errors);
	json_decref(objects);
	flags_free(specs);
	return status;
}

static int cmd_show(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_context_show = {"context show", cmd_show, "",
						 "Print the name of the current context"};

static int cmd_show(struct cli *cli, int argc, char **argv)
{
	struct flag_spec specs[] = {{0}};
	char current[256];
	bool done;
	int first, status;

	if ((status = parse(cli, specs, &cli_cmd_context_show, argc, argv, &first, &done, NULL)) ||
	    done)
		return status;
	if ((status = cli_require_args(cli, &cli_cmd_context_show, argc - first, 0, 0)))
		return status;
	current_context(current, sizeof(current));
	printf("%s\n", current);
	return 0;
}

/* Changes a stored context: its description, its docker endpoint. */
static int update_context(const char *dir, const char *name, const char *desc, json_t *config,
			  berr *err)
{
	struct context_tls tls = {0};
	json_t *meta, *endpoint = NULL, *md, *eps;
	int rc = -1;

	if (context_name_check(name, err) < 0 || context_store_get(dir, name, &meta, err) < 0)
		return -1;
	md = remote_json_get(meta, "Metadata");
	if (desc && *desc) {
		if (!json_is_object(md))
			json_object_set_new(meta, "Metadata", md = json_object());
		json_object_set_new(md, "Description", json_string(desc));
	}
	if (config && endpoint_of(dir, config, &endpoint, &tls, err) < 0) {
		berr_prefix(err, "unable to create docker endpoint config");
		goto out;
	}
	if (endpoint) {
		eps = remote_json_get(meta, "Endpoints");
		if (!json_is_object(eps))
			json_object_set_new(meta, "Endpoints", eps = json_object());
		json_object_set_new(eps, CONTEXT_DOCKER_ENDPOINT, endpoint);
	}
	if (context_store_put(dir, meta, err) == 0 &&
	    (!config || context_store_tls_set(dir, name, CONTEXT_DOCKER_ENDPOINT, &tls, err) == 0))
		rc = 0;
out:
	context_tls_free(&tls);
	json_decref(meta);
	return rc;
}

static int cmd_update(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_context_update = {"context update", cmd_update,
						   "[OPTIONS] CONTEXT", "Update a context"};

static int cmd_update(struct cli *cli, int argc, char **argv)
{
	char *desc = NULL, dir[PATH_MAX], help[1024], quoted[600];
	struct strlist docker = {0};
	bool done;
	struct flag_spec specs[] = {
		{"description", 0, FLAG_STRING, &desc, "string", "Description of the context"},
		{"docker", 0, FLAG_LIST, &docker, "stringToString", "set the docker endpoint"},
		{0},
	};
	json_t *config = NULL;
	berr err = {0};
	int first, status;

	snprintf(help, sizeof(help), endpoint_help, "update");
	if ((status = parse(cli, specs, &cli_cmd_context_update, argc, argv, &first, &done, help)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_context_update, argc - first, 1, 1)) ||
	    (status = docker_flags(cli, &docker, &config)))
		goto out;
	if (update_context(config_dir(dir), argv[first], desc, config, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	printf("%s\n", argv[first]);
	fflush(stdout);
	fprintf(stderr, "Successfully updated context %s\n",
		remote_go_quote(argv[first], quoted, sizeof(quoted)));
out:
	json_decref(config);
	flags_free(specs);
	return status;
}
