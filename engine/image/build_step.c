/* One step of a build as an image: its parent's layers and history, at
 * most one new layer, and the config the step left. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/image/internal.h"
#include "engine/store/store.h"

/* The new config's bytes. */
static char *step_config(struct store *st, const struct image_step *step, const char *top_chain,
			 const char *new_diff_id, berr *err)
{
	char *parent_text = NULL, created[64], *text;
	json_t *parent = NULL, *history, *diff_ids = NULL, *entry, *cfg;
	size_t len;

	if (step->parent_id && *step->parent_id &&
	    image_store_config(st, step->parent_id, &parent_text, &len, err) < 0)
		return NULL;
	if (parent_text)
		parent = json_loadb(parent_text, len, 0, NULL);
	free(parent_text);
	history = json_copy(json_object_get(parent, "history"));
	if (!json_is_array(history)) {
		json_decref(history);
		history = json_array();
	}
	if (top_chain[0] && image_chain_diff_ids(st, top_chain, &diff_ids, err) < 0) {
		json_decref(parent);
		json_decref(history);
		return NULL;
	}
	if (!diff_ids)
		diff_ids = json_array();
	if (new_diff_id)
		json_array_append_new(diff_ids, json_string(new_diff_id));
	image_format_time(image_now_nano(), created, sizeof(created));
	entry = json_pack("{s:s, s:s}", "created", created, "created_by",
			  step->created_by ? step->created_by : "");
	if (step->comment && *step->comment)
		json_object_set_new(entry, "comment", json_string(step->comment));
	if (!new_diff_id)
		json_object_set_new(entry, "empty_layer", json_true());
	json_array_append_new(history, entry);
	cfg = json_object();
	json_object_set_new(cfg, "architecture", json_string(image_config_arch()));
	json_object_set(cfg, "config", step->config ? step->config : json_object());
	json_object_set_new(cfg, "created", json_string(created));
	json_object_set_new(cfg, "history", history);
	json_object_set_new(cfg, "os", json_string("linux"));
	json_object_set_new(cfg, "rootfs", json_pack("{s:s, s:o}", "type", "layers", "diff_ids", diff_ids));
	/* the notes of the steps (what a COPY copied), by history index, kept
	 * along the chain: another build's --cache-from reads them */
	json_t *notes = json_deep_copy(json_object_get(parent, BUILD_NOTES_KEY));
	if (!json_is_object(notes)) {
		json_decref(notes);
		notes = json_object();
	}
	if (step->note && *step->note) {
		char index[32];
		snprintf(index, sizeof(index), "%zu", json_array_size(history) - 1);
		json_object_set_new(notes, index, json_string(step->note));
	}
	if (json_object_size(notes))
		json_object_set_new(cfg, BUILD_NOTES_KEY, notes);
	else
		json_decref(notes);
	text = json_dumps(cfg, JSON_COMPACT);
	json_decref(cfg);
	json_decref(parent);
	if (!text)
		berr_set(err, BERR_SYSTEM, "build: cannot write the image config");
	return text;
}

int image_build_step(const struct image_env *env, const struct image_step *step,
		     char id_out[IMAGE_DIGEST_SIZE], berr *err)
{
	char top_chain[IMAGE_DIGEST_SIZE] = "", *config_text = NULL;
	json_t *chain_ids = NULL;
	struct image_staging sg;
	struct image_fs_txn t;
	struct layer_staged ls = {0};
	bool created, staged = false;
	int ret = -1, status;

	if (step->parent_id && *step->parent_id) {
		if (image_store_chain_ids(env->st, step->parent_id, &chain_ids, err) < 0)
			return -1;
		const char *top = json_string_value(json_array_get(chain_ids, json_array_size(chain_ids) - 1));
		if (top)
			snprintf(top_chain, sizeof(top_chain), "%s", top);
		json_decref(chain_ids);
	}
	if (image_staging_open(&sg, env->root, "build", err) < 0)
		return -1;
	const char *new_diff_id = NULL;
	if (step->layer_fd >= 0) {
		if (layer_stage(&sg, env->st, env->root, step->layer_fd, top_chain, NULL, NULL, &ls,
				err) < 0)
			goto out;
		staged = true;
		new_diff_id = ls.diff_id;
	} else if (step->diff_id && *step->diff_id) {
		/* a layer the store has on this very chain (another image's) */
		char chain[IMAGE_DIGEST_SIZE];
		bool exists;
		layer_chain_id(top_chain, step->diff_id, chain);
		if (layer_exists(env->st, chain, &exists, err) < 0)
			goto out;
		if (!exists) {
			berr_set(err, BERR_NOT_FOUND, "layer %s is not in the store", chain);
			goto out;
		}
		new_diff_id = step->diff_id;
	}
	config_text = step_config(env->st, step, top_chain, new_diff_id, err);
	if (!config_text || image_txn_begin(env, &t, &sg, err) < 0)
		goto out;
	status = staged ? layer_commit_staged(&t, env->st, env->root, &ls, err) : 0;
	if (status == 0)
		status = image_store_put(&t, env->st, env->root, config_text, strlen(config_text),
					 step->parent_id ? step->parent_id : "", &created, id_out, err);
	if (status == 0 && created)
		status = image_store_set_intermediate(env->st, id_out, true, err);
	if (image_txn_end(env, &t, status, err) < 0)
		goto out;
	ret = 0;
out:
	image_staging_close(&sg);
	free(config_text);
	return ret;
}

int image_mark_built(const struct image_env *env, const char *id, berr *err)
{
	return image_store_set_intermediate(env->st, id, false, err);
}

int image_mark_cache(const struct image_env *env, const char *id, berr *err)
{
	return image_store_set_intermediate(env->st, id, true, err);
}
