/* registry.search {"term", "limit", "filters", "auth"} -> [{"name",
 * "description", "star_count", "is_official", "is_automated"}]
 * (docker search, GET /images/search).
 *
 * The term names its registry as dockerd reads it: "host:port/word" or
 * "registry.example.com/word" searches that registry for "word", anything
 * else searches Docker Hub. A registry with the v1 search route (Docker
 * Hub's index) answers it; one without it (a distribution registry, which
 * dockerd gives up on with its 404) is searched through its catalog
 * (/v2/_catalog): the repositories whose names hold the word, named with
 * their registry so that they can be pulled as listed. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/core/filters.h"
#include "engine/core/strbuf.h"
#include "engine/registry/registry.h"
#include "engine/registry/search.h"

#define SEARCH_DEFAULT_LIMIT 25
#define SEARCH_MAX_LIMIT 100
#define SEARCH_DEADLINE_S 60

/* A registry's name as a search term may give it: host[:port], the host
 * a name or an address ([v6] in brackets), nothing that would change a
 * URL ('@', '#', '?', '/'). */
static bool valid_registry(const char *domain)
{
	const char *colon = domain[0] == '[' ? strstr(domain, "]:") : strrchr(domain, ':');
	size_t host_len = colon ? (size_t)(colon - domain) + (domain[0] == '[') : strlen(domain);

	if (!host_len || host_len >= 256)
		return false;
	if (domain[0] == '[') {
		if (domain[host_len - 1] != ']' ||
		    strspn(domain + 1, "0123456789abcdefABCDEF:.") != host_len - 2)
			return false;
	} else if (strspn(domain, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-") !=
		   host_len) {
		return false;
	}
	if (colon) {
		const char *port = colon + (domain[0] == '[' ? 2 : 1);
		size_t n = strlen(port);
		if (n == 0 || n > 5 || strspn(port, "0123456789") != n)
			return false;
	}
	return true;
}

/* dockerd's split of a search term into its registry and the word. */
static void split_term(const char *term, char *domain, size_t dsize, const char **word)
{
	const char *slash = strchr(term, '/');
	size_t first = slash ? (size_t)(slash - term) : 0;

	if (slash && (memchr(term, '.', first) || memchr(term, ':', first) ||
		      (first == 9 && strncmp(term, "localhost", 9) == 0))) {
		snprintf(domain, dsize, "%.*s", (int)first, term);
		*word = slash + 1;
	} else {
		/* Docker Hub's search lives on its index */
		snprintf(domain, dsize, "index.docker.io");
		*word = term;
	}
}

/* One result as the API gives it. */
static json_t *result_json(const char *name, const char *description, long long stars,
			   bool official, bool automated)
{
	return json_pack("{s:s, s:s, s:I, s:b, s:b}", "name", name, "description",
			 description ? description : "", "star_count", (json_int_t)stars,
			 "is_official", official, "is_automated", automated);
}

/* The v1 search's results; *found false when the registry has no such
 * route (any answer but 200). */
static int v1_search(struct registry_session *s, const char *word, int limit, json_t *out,
		     bool *found, berr *err)
{
	struct strbuf path = {0};
	char *body = NULL;
	size_t len = 0, i;
	long status = 0;
	json_t *doc, *r;

	strbuf_adds(&path, "/v1/search?q=");
	strbuf_add_query_escaped(&path, word, strlen(word));
	strbuf_addf(&path, "&n=%d", limit);
	int rc = registry_get(s, path.s, 4u << 20, &status, &body, &len, err);
	strbuf_free(&path);
	*found = rc == 0 && status == 200;
	if (rc < 0 || !*found) {
		free(body);
		return rc;
	}
	doc = json_loadb(body ? body : "", len, 0, NULL);
	free(body);
	json_array_foreach(json_object_get(doc, "results"), i, r) {
		const char *name = json_string_value(json_object_get(r, "name"));
		/* a name that is no repository's (control characters, spaces)
		 * is not shown */
		if (!name || !registry_valid_repository(name))
			continue;
		json_array_append_new(
			out, result_json(name, json_string_value(json_object_get(r, "description")),
					 (long long)json_integer_value(json_object_get(r, "star_count")),
					 json_is_true(json_object_get(r, "is_official")),
					 json_is_true(json_object_get(r, "is_automated"))));
	}
	json_decref(doc);
	return 0;
}

/* The catalog's repositories whose names hold word (any case), at most limit. */
static int catalog_search(struct registry_session *s, const char *domain, const char *word,
			  int limit, json_t *out, berr *err)
{
	json_t *names, *v;
	size_t i;

	if (registry_catalog(s, word, (size_t)limit, &names, err) < 0)
		return -1;
	json_array_foreach(names, i, v) {
		const char *name = json_string_value(v); /* registry_catalog checked it */
		char full[600];
		snprintf(full, sizeof(full), "%s/%s", domain, name);
		json_array_append_new(out, result_json(full, "", 0, false, false));
	}
	json_decref(names);
	return 0;
}

/* The filters dockerd applies to results: stars, is-official, is-automated. */
static int read_filters(json_t *filters, long long *stars, int *official, int *automated,
			berr *err)
{
	static const char *const keys[] = {"stars", "is-official", "is-automated", NULL};
	json_t *v;
	size_t i;

	*stars = 0;
	if (filters_validate(filters, keys, err) < 0 ||
	    filters_bool(filters, "is-official", official, err) < 0 ||
	    filters_bool(filters, "is-automated", automated, err) < 0)
		return -1;
	json_array_foreach(json_object_get(filters, "stars"), i, v) {
		const char *text = json_string_value(v);
		char *end;
		long long n = strtoll(text ? text : "", &end, 10);
		if (!text || !*text || *end)
			return berr_set(err, BERR_INVALID, "invalid filter 'stars=%s'", text ? text : "");
		if (n > *stars)
			*stars = n;
	}
	return 0;
}

static int cmd_search(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *term = json_string_value(json_object_get(args, "term"));
	json_t *limit_arg = json_object_get(args, "limit");
	json_int_t limit = json_is_integer(limit_arg) ? json_integer_value(limit_arg) : 0;
	json_t *filters = filters_from_api(json_object_get(args, "filters")), *found, *r;
	struct registry_credentials cred;
	struct registry_session *s = NULL;
	char domain[300];
	const char *word;
	long long stars;
	int official, automated, rc = -1;
	bool v1 = false;
	size_t i;

	(void)ctx;
	if (!filters)
		return berr_set(err, BERR_INVALID, "invalid filters");
	if (limit == 0)
		limit = SEARCH_DEFAULT_LIMIT;
	if (limit < 1 || limit > SEARCH_MAX_LIMIT) {
		json_decref(filters);
		return berr_set(err, BERR_INVALID, "limit %lld is outside the range of [1, %d]",
				(long long)limit, SEARCH_MAX_LIMIT);
	}
	if (read_filters(filters, &stars, &official, &automated, err) < 0) {
		json_decref(filters);
		return -1;
	}
	json_decref(filters);
	if (!term || !*term)
		return berr_set(err, BERR_INVALID, "the search term is empty");
	split_term(term, domain, sizeof(domain), &word);
	if (!valid_registry(domain))
		return berr_set(err, BERR_INVALID, "invalid registry name in search term: %s", term);
	if (registry_credentials_for(json_object_get(args, "auth"), domain, &cred, err) < 0)
		return -1;
	rc = registry_session_open(domain, "", false, &cred, NULL, &s, err);
	explicit_bzero(&cred, sizeof(cred));
	if (rc < 0)
		return -1;
	/* a registry that trickles holds no thread for long */
	registry_session_deadline(s, SEARCH_DEADLINE_S);
	found = json_array();
	rc = v1_search(s, word, (int)limit, found, &v1, err);
	if (rc == 0 && !v1)
		rc = catalog_search(s, domain, word, (int)limit, found, err);
	registry_session_close(s);
	if (rc < 0) {
		json_decref(found);
		return -1;
	}
	*result = json_array();
	json_array_foreach(found, i, r) {
		if ((long long)json_integer_value(json_object_get(r, "star_count")) < stars ||
		    (official >= 0 && json_is_true(json_object_get(r, "is_official")) != official) ||
		    (automated >= 0 && json_is_true(json_object_get(r, "is_automated")) != automated))
			continue;
		if ((json_int_t)json_array_size(*result) >= limit)
			break;
		json_array_append(*result, r);
	}
	json_decref(found);
	return 0;
}

const struct engine_command registry_search_commands[] = {
	{"registry.search", cmd_search},
	{NULL, NULL},
};
