/* The images' part of system.df: GET /system/df's LayersSize and Images
 * (summaries with the bytes each shares with other images). */
#include "engine/image/internal.h"
#include "engine/store/store.h"

int image_disk_usage(const struct image_env *env, json_t *usage, berr *err)
{
	json_t *args = json_pack("{s:b}", "all", true), *images = NULL, *image;
	json_t *shared = json_object();
	int64_t layers = layer_store_total_size(env->st, err);
	size_t i;
	int rc = -1;

	if (layers < 0 || image_list(env, args, &images, err) < 0 ||
	    image_store_shared_sizes(env->st, shared, err) < 0)
		goto out;
	json_array_foreach(images, i, image) {
		json_t *bytes = json_object_get(shared, json_string_value(json_object_get(image, "Id")));

		json_object_set_new(image, "SharedSize", json_integer(json_integer_value(bytes)));
	}
	json_object_set_new(usage, "LayersSize", json_integer(layers));
	json_object_set(usage, "Images", images);
	rc = 0;
out:
	json_decref(args);
	json_decref(images);
	json_decref(shared);
	return rc;
}
