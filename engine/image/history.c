/* docker history: the config's history rows, newest first, with layer
 * sizes and the ids of local images along the parent chain. */
#include <stdio.h>
#include <string.h>

#include "engine/core/reference.h"
#include "engine/image/internal.h"
#include "engine/store/store.h"

/* The size of a layer row, 0 when unknown. */
static int64_t layer_size(struct store *st, const char *chain_id)
{
	char diff_id[IMAGE_DIGEST_SIZE], parent[IMAGE_DIGEST_SIZE];
	uint64_t size = 0;
	bool found = false;

	if (!chain_id || layer_get(st, chain_id, diff_id, parent, &size, &found, NULL) < 0 ||
	    !found)
		return 0;
	return (int64_t)size;
}

/* The familiar tags of an image. */
static json_t *image_tags(struct store *st, const char *id)
{
	json_t *refs = NULL, *tags = json_array();
	size_t i;
	json_t *v;

	if (image_store_refs(st, id, &refs, NULL) < 0)
		return tags;
	json_array_foreach(refs, i, v) {
		char familiar[REF_STRING_SIZE];

		if (image_ref_is_digest(json_string_value(v)))
			continue;
		image_ref_familiar(json_string_value(v), familiar, sizeof(familiar));
		json_array_append_new(tags, json_string(familiar));
	}
	json_decref(refs);
	return tags;
}

/* image.history: the history rows of an image, newest first. */
int image_history(const struct image_env *env, json_t *args, json_t **result, berr *err)
{
	const char *name = json_string_value(json_object_get(args, "name"));
	struct image_info info;
	json_t *history, *rows;
	char id[IMAGE_DIGEST_SIZE];
	size_t layer = 0, i;
	json_t *h;

	if (image_resolve(env->st, name ? name : "", &info, err) < 0)
		return -1;
	history = json_object_get(info.config, "history");
	rows = json_array();
	json_array_foreach(history, i, h) {
		int64_t size = 0, created = 0;
		const char *by = json_string_value(json_object_get(h, "created_by"));
		const char *comment = json_string_value(json_object_get(h, "comment"));

		if (!json_is_true(json_object_get(h, "empty_layer"))) {
			if (layer >= json_array_size(info.chain_ids)) {
				json_decref(rows);
				image_info_free(&info);
				return berr_set(err, BERR_INVALID,
						"too many non-empty layers in History section");
			}
			size = layer_size(env->st,
					  json_string_value(json_array_get(info.chain_ids, layer)));
			layer++;
		}
		image_parse_time(json_string_value(json_object_get(h, "created")), &created);
		json_array_insert_new(rows, 0,
				      json_pack("{s:s, s:I, s:s, s:n, s:I, s:s}", "Id", "<missing>",
						"Created", (json_int_t)(created / 1000000000LL),
						"CreatedBy", by ? by : "", "Tags", "Size",
						(json_int_t)size, "Comment", comment ? comment : ""));
	}
	/* Local images along the parent chain own the newest rows. */
	snprintf(id, sizeof(id), "%s", info.id);
	json_array_foreach(rows, i, h) {
		json_object_set_new(h, "Id", json_string(id));
		json_object_set_new(h, "Tags", image_tags(env->st, id));
		{
			char parent[IMAGE_DIGEST_SIZE];

			image_store_parent(env->st, id, parent, NULL);
			if (!parent[0])
				break;
			memcpy(id, parent, sizeof(id));
		}
	}
	image_info_free(&info);
	*result = rows;
	return 0;
}
