/* docker image prune: dangling images (or, with all, every unused one),
 * filtered by label and until, removed the way rmi would. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/filters.h"
#include "engine/image/internal.h"
#include "engine/store/store.h"

/* Removes one pruning candidate; conflicts and vanished images are skipped. */
static void prune_one(const struct image_env *env, const char *name, json_t *deleted,
		      uint64_t *reclaimed)
{
	berr err = {0};

	image_remove_one(env, name, false, true, deleted, reclaimed, &err);
}

/* image.prune: removes dangling (or all unused) images. */
int image_prune(const struct image_env *env, json_t *args, json_t **result, berr *err)
{
	static const char *const allowed[] = {"dangling", "label", "label!", "until", NULL};
	json_t *filters = filters_from_api(json_object_get(args, "filters"));
	struct image_store_row *cands = NULL;
	json_t *deleted = json_array();
	uint64_t reclaimed = 0;
	size_t n = 0;
	int dangling_filter, ret = -1;
	bool dangling_only, all = json_is_true(json_object_get(args, "all"));
	int64_t until = -1;

	if (!filters) {
		json_decref(deleted);
		return berr_set(err, BERR_INVALID, "invalid filters");
	}
	if (filters_validate(filters, allowed, err) < 0 ||
	    filters_bool(filters, "dangling", &dangling_filter, err) < 0)
		goto out;
	dangling_only = dangling_filter < 0 ? !all : dangling_filter == 1;
	if (filters_has(filters, "until")) {
		json_t *values = json_object_get(filters, "until");

		if (json_array_size(values) > 1) {
			berr_set(err, BERR_INVALID, "more than one until filter specified");
			goto out;
		}
		if (image_parse_until(json_string_value(json_array_get(values, 0)), &until, err) < 0)
			goto out;
	}
	if (image_store_rows(env->st, &cands, &n, err) < 0)
		goto out;
	for (size_t i = 0; i < n; i++) {
		json_t *refs = NULL;
		int children = 0;
		bool has_tag = false;

		if (until >= 0 && cands[i].created > until)
			continue;
		if (!filters_match_label(filters, json_is_object(cands[i].labels) ? cands[i].labels
										  : NULL))
			continue;
		int stopped = 0, running = 0;
		/* An image a container uses is never pruned, not even untagged. */
		if (image_store_containers(env->st, cands[i].id, &stopped, &running, NULL, NULL, 0, err) < 0)
			goto out;
		if (stopped || running)
			continue;
		if (image_store_children(env->st, cands[i].id, &children, err) < 0 ||
		    image_store_refs(env->st, cands[i].id, &refs, err) < 0)
			goto out;
		if ((dangling_only && children > 0) ||
		    (json_array_size(refs) == 0 && children > 0)) {
			json_decref(refs);
			continue;
		}
		for (size_t r = 0; r < json_array_size(refs); r++)
			has_tag = has_tag || !image_ref_is_digest(json_string_value(json_array_get(refs, r)));
		if (json_array_size(refs) == 0) {
			prune_one(env, cands[i].id, deleted, &reclaimed);
		} else if (!dangling_only || !has_tag) {
			for (size_t r = 0; r < json_array_size(refs); r++)
				prune_one(env, json_string_value(json_array_get(refs, r)), deleted,
					  &reclaimed);
		}
		json_decref(refs);
	}
	/* unfinished downloads too: a prune is how space comes back */
	image_gc_downloads(env->root, 0, &reclaimed, NULL);
	if (env->engine) {
		char text[32];

		snprintf(text, sizeof(text), "%llu", (unsigned long long)reclaimed);
		engine_emit(env->engine, "image", "prune", "", json_pack("{s:s}", "reclaimed", text));
	}
	*result = json_pack("{s:O, s:I}", "ImagesDeleted", deleted, "SpaceReclaimed",
			    (json_int_t)reclaimed);
	ret = 0;
out:
	image_store_rows_free(cands, n);
	json_decref(deleted);
	json_decref(filters);
	return ret;
}
