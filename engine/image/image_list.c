/* docker images: GET /images/json summaries with Docker's filters and its
 * rule of hiding untagged parents of other images. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/filters.h"
#include "engine/core/reference.h"
#include "engine/image/internal.h"
#include "engine/store/store.h"

/* The created time of the image a before/since filter names (the latest
 * bound wins as in Docker: min for before, max for since). */
static int filter_time(struct store *st, json_t *filters, const char *key, bool want_min,
		       int64_t *out, berr *err)
{
	json_t *values = json_object_get(filters, key);
	size_t i;
	json_t *v;

	*out = -1;
	json_array_foreach(values, i, v) {
		char id[IMAGE_DIGEST_SIZE];
		int64_t created = 0;

		if (image_lookup(st, json_string_value(v), id, NULL, 0, err) < 0 ||
		    image_store_meta(st, id, NULL, &created, NULL, err) < 0)
			return -1;
		if (*out < 0 || (want_min ? created < *out : created > *out))
			*out = created;
	}
	return 0;
}

/* True when a reference matches the reference filter (Docker tries the
 * familiar string, the familiar name, and the full forms). */
static bool reference_matches(json_t *filters, const char *full)
{
	char familiar[REF_STRING_SIZE], name[REF_STRING_SIZE], familiar_name[REF_STRING_SIZE];
	char *at;

	if (!filters_has(filters, "reference"))
		return true;
	image_ref_familiar(full, familiar, sizeof(familiar));
	image_ref_name(full, name, sizeof(name));
	snprintf(familiar_name, sizeof(familiar_name), "%s", familiar);
	at = strpbrk(familiar_name, "@");
	if (at)
		*at = '\0';
	else if ((at = strrchr(familiar_name, ':')) && !strchr(at, '/'))
		*at = '\0';
	return filters_match_glob(filters, "reference", familiar) ||
	       filters_match_glob(filters, "reference", familiar_name) ||
	       filters_match_glob(filters, "reference", full) ||
	       filters_match_glob(filters, "reference", name);
}

/* Splits an image's references into RepoTags and RepoDigests (familiar). */
static void add_refs(json_t *summary, json_t *refs, json_t *filters)
{
	json_t *tags = json_array(), *digests = json_array();
	size_t i;
	json_t *v;

	json_array_foreach(refs, i, v) {
		const char *full = json_string_value(v);
		char familiar[REF_STRING_SIZE];

		if (!reference_matches(filters, full))
			continue;
		image_ref_familiar(full, familiar, sizeof(familiar));
		json_array_append_new(image_ref_is_digest(full) ? digests : tags,
				      json_string(familiar));
	}
	json_object_set_new(summary, "RepoTags", tags);
	json_object_set_new(summary, "RepoDigests", digests);
}

/* Builds the summary of one image, or NULL when filters leave it out. */
static json_t *summarize(const struct image_env *env, struct image_store_row *r, json_t *filters,
			 bool all, int dangling, int64_t before, int64_t since, berr *err)
{
	json_t *refs = NULL, *summary;
	int children, stopped, running;
	size_t ntags, ndigests;

	if (before >= 0 && r->created >= before)
		return NULL;
	if (since >= 0 && r->created <= since)
		return NULL;
	if (!filters_match_label(filters, json_is_object(r->labels) ? r->labels : NULL))
		return NULL;
	if (image_store_children(env->st, r->id, &children, err) < 0)
		return NULL;
	if (dangling == 1 && (children > 0 || r->intermediate))
		return NULL; /* a build's step is its cache, not dangling */
	if (image_store_refs(env->st, r->id, &refs, err) < 0)
		return NULL;
	summary = json_pack("{s:s, s:s, s:I, s:I, s:I}", "Id", r->id, "ParentId", r->parent,
			    "Created", (json_int_t)(r->created / 1000000000LL), "Size",
			    (json_int_t)r->size, "SharedSize", (json_int_t)-1);
	add_refs(summary, refs, filters);
	json_decref(refs);
	ntags = json_array_size(json_object_get(summary, "RepoTags"));
	ndigests = json_array_size(json_object_get(summary, "RepoDigests"));
	if (ntags == 0 && ndigests == 0) {
		if (!all && (children > 0 || r->intermediate))
			goto skip;
		if (dangling == 0 || filters_has(filters, "reference"))
			goto skip;
	} else if (dangling == 1 && ntags > 0) {
		goto skip;
	}
	json_object_set(summary, "Labels", json_is_object(r->labels) ? r->labels : json_null());
	if (image_store_containers(env->st, r->id, &stopped, &running, NULL, NULL, 0, err) < 0)
		goto skip;
	json_object_set_new(summary, "Containers", json_integer(stopped + running));
	return summary;
skip:
	json_decref(summary);
	return NULL;
}

/* qsort order: newest image first. */
static int by_created_desc(const void *a, const void *b)
{
	json_int_t ca = json_integer_value(json_object_get(*(json_t *const *)a, "Created"));
	json_int_t cb = json_integer_value(json_object_get(*(json_t *const *)b, "Created"));

	return ca < cb ? 1 : ca > cb ? -1 : 0;
}

/* image.list: the summaries of GET /images/json. */
int image_list(const struct image_env *env, json_t *args, json_t **result, berr *err)
{
	static const char *const allowed[] = {"dangling", "label", "label!", "before", "since",
					      "reference", "until", NULL};
	json_t *filters = filters_from_api(json_object_get(args, "filters"));
	bool all = json_is_true(json_object_get(args, "all"));
	struct image_store_row *rows = NULL;
	json_t **found = NULL;
	size_t n = 0, nfound = 0;
	int dangling, ret = -1;
	int64_t before, since, until = -1;

	if (!filters)
		return berr_set(err, BERR_INVALID, "invalid filters");
	if (filters_validate(filters, allowed, err) < 0 ||
	    filters_bool(filters, "dangling", &dangling, err) < 0 ||
	    filter_time(env->st, filters, "before", true, &before, err) < 0 ||
	    filter_time(env->st, filters, "since", false, &since, err) < 0)
		goto out;
	if (filters_has(filters, "until")) {
		if (image_parse_until(json_string_value(json_array_get(json_object_get(filters, "until"), 0)),
				      &until, err) < 0)
			goto out;
		if (before < 0 || until < before)
			before = until;
	}
	if (image_store_rows(env->st, &rows, &n, err) < 0)
		goto out;
	found = calloc(n ? n : 1, sizeof(*found));
	for (size_t i = 0; i < n && found; i++) {
		berr_clear(err);
		found[nfound] = summarize(env, &rows[i], filters, all, dangling, before, since, err);
		if (found[nfound])
			nfound++;
		else if (err->kind != BERR_NONE)
			goto out;
	}
	if (nfound)
		qsort(found, nfound, sizeof(*found), by_created_desc);
	*result = json_array();
	for (size_t i = 0; i < nfound; i++)
		json_array_append_new(*result, found[i]);
	nfound = 0;
	ret = 0;
out:
	for (size_t i = 0; i < nfound; i++)
		json_decref(found[i]);
	free(found);
	image_store_rows_free(rows, n);
	json_decref(filters);
	return ret;
}
