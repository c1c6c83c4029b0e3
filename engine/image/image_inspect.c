/* docker image inspect: Docker's image object for one image. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/reference.h"
#include "engine/image/internal.h"
#include "engine/store/store.h"

/* Docker's zero time, shown when an image was never tagged. */
#define ZERO_TIME "0001-01-01T00:00:00Z"

/* The string member of obj, or "". */
static const char *str_or_empty(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));

	return s ? s : "";
}

/* overlay2's GraphDriver data: the top layer as upper, the rest as lowers. */
static json_t *graph_driver(const char *root, json_t *chain_ids)
{
	size_t n = json_array_size(chain_ids);
	json_t *data = json_object();
	char path[4200];

	if (n > 0) {
		const char *top = json_string_value(json_array_get(chain_ids, n - 1));
		const char *hex = strchr(top, ':') ? strchr(top, ':') + 1 : top;
		char *lower = NULL;
		size_t lower_len = 0;

		for (size_t i = n - 1; i-- > 0;) {
			char *bigger;

			image_layer_dir(root, json_string_value(json_array_get(chain_ids, i)), path,
					sizeof(path));
			bigger = realloc(lower, lower_len + strlen(path) + 2);
			if (!bigger)
				break;
			lower = bigger;
			lower_len += (size_t)sprintf(lower + lower_len, "%s%s", lower_len ? ":" : "",
						     path);
		}
		if (lower)
			json_object_set_new(data, "LowerDir", json_string(lower));
		free(lower);
		snprintf(path, sizeof(path), "%s/layers/%s/merged", root, hex);
		json_object_set_new(data, "MergedDir", json_string(path));
		image_layer_dir(root, top, path, sizeof(path));
		json_object_set_new(data, "UpperDir", json_string(path));
		snprintf(path, sizeof(path), "%s/layers/%s/work", root, hex);
		json_object_set_new(data, "WorkDir", json_string(path));
	}
	return json_pack("{s:o, s:s}", "Data", data, "Name", "overlay2");
}

/* The last time a tag was set on the image, or Docker's zero time. */
static void last_tag_time(struct store *st, const char *id, char *buf, size_t size)
{
	int64_t when = image_store_last_tagged(st, id);

	snprintf(buf, size, "%s", ZERO_TIME);
	if (when >= 0)
		image_format_time(when, buf, size);
}

/* image.inspect: Docker's image inspect object. */
int image_inspect(const struct image_env *env, json_t *args, json_t **result, berr *err)
{
	const char *name = json_string_value(json_object_get(args, "name"));
	struct image_info info;
	char parent[IMAGE_DIGEST_SIZE] = "", tagged[64];
	json_t *refs = NULL, *tags, *digests, *out, *cfg, *container_config, *diff_ids, *config;
	int64_t size = 0;
	size_t i;
	json_t *v;

	if (image_resolve(env->st, name ? name : "", &info, err) < 0)
		return -1;
	if (image_store_meta(env->st, info.id, parent, NULL, &size, err) < 0 ||
	    image_store_refs(env->st, info.id, &refs, err) < 0) {
		image_info_free(&info);
		return -1;
	}
	tags = json_array();
	digests = json_array();
	json_array_foreach(refs, i, v) {
		char familiar[REF_STRING_SIZE];

		image_ref_familiar(json_string_value(v), familiar, sizeof(familiar));
		json_array_append_new(image_ref_is_digest(json_string_value(v)) ? digests : tags,
				      json_string(familiar));
	}
	json_decref(refs);
	cfg = info.config;
	container_config = json_object_get(cfg, "container_config");
	container_config = container_config ? json_incref(container_config) : image_config_empty();
	diff_ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	diff_ids = diff_ids ? json_incref(diff_ids) : json_array();
	config = json_object_get(cfg, "config");
	config = config ? json_incref(config) : json_null();
	last_tag_time(env->st, info.id, tagged, sizeof(tagged));
	out = json_pack("{s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:o, s:s, s:s, s:o, s:s}", "Id", info.id,
			"RepoTags", tags, "RepoDigests", digests, "Parent", parent, "Comment",
			str_or_empty(cfg, "comment"), "Created", str_or_empty(cfg, "created"),
			"Container", str_or_empty(cfg, "container"), "ContainerConfig",
			container_config, "DockerVersion", str_or_empty(cfg, "docker_version"),
			"Author", str_or_empty(cfg, "author"), "Config", config, "Architecture",
			str_or_empty(cfg, "architecture"));
	if (json_object_get(cfg, "variant"))
		json_object_set(out, "Variant", json_object_get(cfg, "variant"));
	json_object_set_new(out, "Os", json_string(str_or_empty(cfg, "os")));
	json_object_set_new(out, "Size", json_integer(size));
	json_object_set_new(out, "GraphDriver", graph_driver(env->root, info.chain_ids));
	json_object_set_new(out, "RootFS",
			    json_pack("{s:s, s:o}", "Type", "layers", "Layers", diff_ids));
	json_object_set_new(out, "Metadata", json_pack("{s:s}", "LastTagTime", tagged));
	image_info_free(&info);
	*result = out;
	return 0;
}
