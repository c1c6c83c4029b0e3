/* Committing a container: its changes as one new layer on top of the layers
 * it was made from, and a config built from the container's own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/reference.h"
#include "engine/image/internal.h"
#include "engine/store/store.h"

/* The fields of a container's Config that an image config keeps. */
static const char *const kept_fields[] = {
	"Hostname", "Domainname", "User",   "AttachStdin", "AttachStdout", "AttachStderr",
	"ExposedPorts", "Tty",    "OpenStdin", "StdinOnce", "Env",	  "Cmd",
	"Healthcheck", "Image",	  "Volumes", "WorkingDir", "Entrypoint",  "OnBuild",
	"Labels",   "StopSignal", "Shell",
};

static json_t *image_config_from_container(json_t *container_config)
{
	json_t *out = json_object();

	for (size_t i = 0; i < sizeof(kept_fields) / sizeof(kept_fields[0]); i++) {
		json_t *v = json_object_get(container_config, kept_fields[i]);
		if (v)
			json_object_set(out, kept_fields[i], v);
	}
	return out;
}

int image_chain_diff_ids(struct store *st, const char *top_chain, json_t **out, berr *err)
{
	json_t *ids = json_array();
	char chain[IMAGE_DIGEST_SIZE], diff_id[IMAGE_DIGEST_SIZE], parent[IMAGE_DIGEST_SIZE];
	uint64_t size;
	bool found;

	snprintf(chain, sizeof(chain), "%s", top_chain);
	while (chain[0]) {
		if (layer_get(st, chain, diff_id, parent, &size, &found, err) < 0)
			goto fail;
		if (!found) {
			berr_set(err, BERR_NOT_FOUND, "layer %s is missing", chain);
			goto fail;
		}
		json_array_insert_new(ids, 0, json_string(diff_id));
		snprintf(chain, sizeof(chain), "%s", parent);
	}
	*out = ids;
	return 0;
fail:
	json_decref(ids);
	return -1;
}

/* The new config's bytes: the parent's history and layers plus this one. */
static char *commit_config(struct store *st, json_t *args, json_t *image_cfg, const char *top_chain,
			   const char *diff_id, berr *err)
{
	const char *parent_id = json_string_value(json_object_get(args, "parent_image"));
	const char *comment = json_string_value(json_object_get(args, "comment"));
	const char *author = json_string_value(json_object_get(args, "author"));
	const char *created_by = json_string_value(json_object_get(args, "created_by"));
	char *parent_text = NULL, created[64], *text;
	json_t *parent = NULL, *history, *diff_ids = NULL, *entry, *cfg;
	size_t len;

	if (parent_id && *parent_id && image_store_config(st, parent_id, &parent_text, &len, NULL) == 0)
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
	json_array_append_new(diff_ids, json_string(diff_id));
	image_format_time(image_now_nano(), created, sizeof(created));
	entry = json_pack("{s:s}", "created", created);
	if (author && *author)
		json_object_set_new(entry, "author", json_string(author));
	json_object_set_new(entry, "created_by", json_string(created_by ? created_by : ""));
	if (comment && *comment)
		json_object_set_new(entry, "comment", json_string(comment));
	json_array_append_new(history, entry);
	cfg = json_pack("{s:s}", "architecture", image_config_arch());
	if (author && *author)
		json_object_set_new(cfg, "author", json_string(author));
	if (comment && *comment)
		json_object_set_new(cfg, "comment", json_string(comment));
	json_object_set(cfg, "config", image_cfg);
	json_object_set(cfg, "container", json_object_get(args, "container_id"));
	json_object_set_new(cfg, "created", json_string(created));
	json_object_set_new(cfg, "history", history);
	json_object_set_new(cfg, "os", json_string("linux"));
	json_object_set_new(cfg, "rootfs", json_pack("{s:s, s:o}", "type", "layers", "diff_ids", diff_ids));
	text = json_dumps(cfg, JSON_COMPACT);
	json_decref(cfg);
	json_decref(parent);
	if (!text)
		berr_set(err, BERR_SYSTEM, "commit: cannot write the image config");
	return text;
}

static bool empty(json_t *v)
{
	return !v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)) ||
	       (json_is_array(v) && !json_array_size(v)) ||
	       (json_is_object(v) && !json_object_size(v));
}

/* Sets key of out from from when out's is empty. */
static void fill(json_t *out, json_t *from, const char *key)
{
	json_t *v = json_object_get(from, key);

	if (empty(json_object_get(out, key)) && v)
		json_object_set(out, key, v);
}

/* Adds from's members that out lacks (ExposedPorts, Labels, Volumes). */
static void add_missing(json_t *out, json_t *from, const char *key)
{
	json_t *have = json_object_get(out, key), *v;
	const char *k;

	if (!json_is_object(json_object_get(from, key)))
		return;
	if (!json_is_object(have)) {
		have = json_object();
		json_object_set_new(out, key, have);
	}
	json_object_foreach(json_object_get(from, key), k, v)
		if (!json_object_get(have, k))
			json_object_set(have, k, v);
}

json_t *image_commit_config_merge(json_t *user, json_t *container)
{
	json_t *out = json_deep_copy(user), *env, *v, *hc;
	size_t i, j;

	if (!json_is_object(out)) {
		json_decref(out);
		return json_deep_copy(container);
	}
	fill(out, container, "User");
	add_missing(out, container, "ExposedPorts");
	/* the container's variables whose names the user's Env lacks */
	env = json_object_get(out, "Env");
	if (!json_is_array(env)) {
		env = json_array();
		json_object_set_new(out, "Env", env);
	}
	size_t given = json_array_size(env);
	json_array_foreach(json_object_get(container, "Env"), i, v) {
		const char *var = json_string_value(v), *eq;
		bool found = false;
		if (!var)
			continue;
		eq = strchr(var, '=');
		size_t n = eq ? (size_t)(eq - var) : strlen(var);
		for (j = 0; j < given && !found; j++) {
			const char *mine = json_string_value(json_array_get(env, j)) ?: "";
			found = strncmp(mine, var, n) == 0 && (mine[n] == '=' || mine[n] == '\0');
		}
		if (!found)
			json_array_append(env, v);
	}
	add_missing(out, container, "Labels");
	if (empty(json_object_get(out, "Entrypoint"))) {
		fill(out, container, "Cmd");
		if (!json_object_get(out, "Entrypoint") || json_is_null(json_object_get(out, "Entrypoint")))
			fill(out, container, "Entrypoint");
	}
	hc = json_object_get(out, "Healthcheck");
	if (json_is_object(json_object_get(container, "Healthcheck"))) {
		if (!json_is_object(hc)) {
			json_object_set(out, "Healthcheck", json_object_get(container, "Healthcheck"));
		} else {
			static const char *const parts[] = {"Test", "Interval", "Timeout",
							    "StartPeriod", "Retries"};
			for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
				json_t *mine = json_object_get(hc, parts[i]);
				if (!mine || (json_is_integer(mine) && !json_integer_value(mine)) ||
				    empty(mine))
					fill(hc, json_object_get(container, "Healthcheck"), parts[i]);
			}
		}
	}
	fill(out, container, "WorkingDir");
	add_missing(out, container, "Volumes");
	fill(out, container, "StopSignal");
	return out;
}

/* image.commit: args {"fd": the layer tar, "layers": [chain ids, base first],
 * "parent_image", "config": the container's Config, "changes", "comment",
 * "author", "reference", "container_id", "created_by"} -> {"Id"}. */
int image_commit(const struct image_env *env, json_t *args, json_t **result, berr *err)
{
	const char *reference = json_string_value(json_object_get(args, "reference"));
	const char *parent_id = json_string_value(json_object_get(args, "parent_image"));
	json_t *layers = json_object_get(args, "layers");
	json_t *fd_arg = json_object_get(args, "fd");
	const char *top = json_string_value(json_array_get(layers, json_array_size(layers) - 1));
	char full_ref[REF_STRING_SIZE] = "", id[IMAGE_DIGEST_SIZE], top_chain[IMAGE_DIGEST_SIZE];
	json_t *image_cfg = image_config_from_container(json_object_get(args, "config"));
	struct image_staging sg;
	struct image_fs_txn t;
	struct layer_staged ls;
	char *config_text = NULL;
	bool created;
	int ret = -1, status;

	snprintf(top_chain, sizeof(top_chain), "%s", json_array_size(layers) && top ? top : "");
	if (!json_is_integer(fd_arg)) {
		berr_set(err, BERR_INVALID, "commit: no layer given");
		goto out;
	}
	if (reference && *reference) {
		if (image_ref_normalize(reference, full_ref, sizeof(full_ref), err) < 0)
			goto out;
		if (image_ref_is_digest(full_ref)) {
			berr_set(err, BERR_INVALID, "refusing to create a tag with a digest reference");
			goto out;
		}
	}
	if (image_config_apply_changes(&image_cfg, json_object_get(args, "changes"), err) < 0)
		goto out;
	if (image_staging_open(&sg, env->root, "commit", err) < 0)
		goto out;
	if (layer_stage(&sg, env->st, env->root, (int)json_integer_value(fd_arg), top_chain, NULL,
			NULL, &ls, err) < 0)
		goto staged;
	config_text = commit_config(env->st, args, image_cfg, top_chain, ls.diff_id, err);
	if (!config_text || image_txn_begin(env, &t, &sg, err) < 0)
		goto staged;
	status = layer_commit_staged(&t, env->st, env->root, &ls, err);
	if (status == 0)
		status = image_store_put(&t, env->st, env->root, config_text, strlen(config_text),
					 parent_id ? parent_id : "", &created, id, err);
	if (status == 0 && full_ref[0])
		status = image_store_set_tag(env->st, full_ref, id, err);
	if (image_txn_end(env, &t, status, err) < 0)
		goto staged;
	image_emit(env, "commit", id, full_ref[0] ? full_ref : id);
	*result = json_pack("{s:s}", "Id", id);
	ret = 0;
staged:
	image_staging_close(&sg);
out:
	free(config_text);
	json_decref(image_cfg);
	return ret;
}
