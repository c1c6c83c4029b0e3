/* --cache-from: steps found in other images' histories (see internal.h).
 * An image pulled from a registry carries no cache of berth's, but its
 * history and layers say what each step made: a step whose parent's
 * history and layers are the beginning of the image's, and whose own
 * history entry is the next one, made the next layer; for a COPY or ADD,
 * only when the files it copies are those the image's note for that step
 * names (a berth build records them, BUILD_NOTES_KEY). */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/build/internal.h"
#include "engine/core/alloc.h"
#include "engine/core/fsutil.h"

int build_cache_from_load(struct build *b, json_t *refs, int vertex, berr *err)
{
	struct store *st = engine_store(b->engine, err);
	json_t *ref;
	size_t i;

	if (!st)
		return -1;
	b->cache_from = json_array();
	json_t *expanded = json_array();
	json_array_foreach(refs, i, ref) {
		/* {"local": dir}: the images a --cache-to type=local left there */
		const char *dir = json_string_value(json_object_get(ref, "local"));
		if (!dir) {
			json_array_append(expanded, ref);
			continue;
		}
		char *path = xasprintf("%s/" BUILD_LOCAL_CACHE_FILE, dir);
		json_t *args = json_pack("{s:s}", "path", path), *result = NULL;
		berr load_err = {0};
		if (engine_call(b->engine, "image.load", args, &result, NULL, NULL, &load_err) < 0) {
			char *line = xasprintf("WARNING: --cache-from type=local,src=%s: %s", dir, load_err.msg);
			build_vertex_status(b, vertex, line);
			free(line);
		} else {
			json_t *id;
			size_t k;
			struct image_env env = b->env;
			env.st = st;
			json_array_foreach(json_object_get(result, "loaded"), k, id) {
				json_array_append(expanded, id);
				/* cache, not a <none> image of the list */
				image_mark_cache(&env, json_string_value(id), NULL);
			}
		}
		json_decref(result);
		json_decref(args);
		free(path);
	}
	json_array_foreach(expanded, i, ref) {
		const char *name = json_string_value(ref);
		struct image_info info;

		if (!name || !*name)
			continue;
		if (image_resolve(st, name, &info, NULL) < 0) {
			json_t *args = json_pack("{s:s}", "reference", name);
			berr pull_err = {0};
			int rc = engine_call(b->engine, "image.pull", args, NULL, NULL, NULL, &pull_err);
			json_decref(args);
			if (rc < 0 || image_resolve(st, name, &info, NULL) < 0) {
				char *line = xasprintf("WARNING: --cache-from %s: %s", name,
						       pull_err.msg[0] ? pull_err.msg : "no such image");
				build_vertex_status(b, vertex, line);
				free(line);
				continue;
			}
		}
		json_t *history = json_object_get(info.config, "history");
		json_t *ids = json_object_get(json_object_get(info.config, "rootfs"), "diff_ids");
		json_t *notes = json_object_get(info.config, BUILD_NOTES_KEY);
		json_array_append_new(b->cache_from,
				      json_pack("{s:s, s:O, s:O, s:O}", "id", info.id, "history",
						history ? history : json_array(), "diff_ids",
						ids ? ids : json_array(), "notes",
						notes ? notes : json_object()));
		image_info_free(&info);
	}
	json_decref(expanded);
	return 0;
}

int build_cache_to_local(struct build *b, const char *dir, json_t *ids, berr *err)
{
	char *tmp = xasprintf("%s/." BUILD_LOCAL_CACHE_FILE ".%d", dir, (int)getpid());
	char *path = xasprintf("%s/" BUILD_LOCAL_CACHE_FILE, dir);
	int fd = -1, rc = -1;

	if (fs_mkdir_p(dir, 0755, err) < 0)
		goto out;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		berr_sys(err, "cache-to %s", dir);
		goto out;
	}
	json_t *args = json_pack("{s:O, s:i}", "names", ids, "fd", fd);
	rc = engine_call(b->engine, "image.save", args, NULL, NULL, NULL, err);
	json_decref(args);
	if (rc == 0 && (fsync(fd) < 0 || rename(tmp, path) < 0))
		rc = berr_sys(err, "cache-to %s", dir);
out:
	if (fd >= 0)
		close(fd);
	if (rc < 0)
		unlink(tmp);
	free(tmp);
	free(path);
	return rc;
}

static const char *created_by(json_t *entry)
{
	const char *s = json_string_value(json_object_get(entry, "created_by"));
	return s ? s : "";
}

/* The layer the source made for the step after a parent with this
 * history and these layers, or NULL. */
static const char *match(json_t *source, json_t *history, json_t *diff_ids, const char *entry,
			 const char *files)
{
	json_t *src_history = json_object_get(source, "history");
	json_t *src_ids = json_object_get(source, "diff_ids");
	size_t n = json_array_size(history), layers = 0;

	if (json_array_size(src_history) <= n)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		json_t *mine = json_array_get(history, i), *theirs = json_array_get(src_history, i);
		if (strcmp(created_by(mine), created_by(theirs)) != 0 ||
		    json_is_true(json_object_get(mine, "empty_layer")) !=
			    json_is_true(json_object_get(theirs, "empty_layer")))
			return NULL;
		layers += !json_is_true(json_object_get(theirs, "empty_layer"));
	}
	json_t *next = json_array_get(src_history, n);
	if (strcmp(created_by(next), entry) != 0 || json_is_true(json_object_get(next, "empty_layer")))
		return NULL;
	if (files && *files) {
		/* a COPY: only when it copied the same files (its note) */
		char index[32];
		snprintf(index, sizeof(index), "%zu", n);
		const char *note = json_string_value(json_object_get(json_object_get(source, "notes"), index));
		if (!note || strcmp(note, files) != 0)
			return NULL;
	}
	if (json_array_size(diff_ids) != layers || json_array_size(src_ids) <= layers)
		return NULL;
	for (size_t i = 0; i < layers; i++)
		if (!json_equal(json_array_get(diff_ids, i), json_array_get(src_ids, i)))
			return NULL;
	return json_string_value(json_array_get(src_ids, layers));
}

int build_cache_from_find(struct build *b, struct stage_state *s, const struct cache_key *key,
			  bool *hit, berr *err)
{
	struct store *st = engine_store(b->engine, err);
	struct image_info parent = {0};
	bool have_parent = false;
	json_t *history = NULL, *diff_ids = NULL, *source;
	const char *diff_id = NULL;
	size_t i;
	int rc = -1;

	*hit = false;
	if (!st || !key->created_by)
		return st ? 0 : -1;
	if (s->image_id[0]) {
		if (image_resolve(st, s->image_id, &parent, err) < 0)
			return -1;
		have_parent = true;
		history = json_object_get(parent.config, "history");
		diff_ids = json_object_get(json_object_get(parent.config, "rootfs"), "diff_ids");
	}
	if (!history)
		history = json_array();
	else
		json_incref(history);
	if (!diff_ids)
		diff_ids = json_array();
	else
		json_incref(diff_ids);
	json_array_foreach(b->cache_from, i, source)
		if ((diff_id = match(source, history, diff_ids, key->created_by, key->files)))
			break;
	if (diff_id) {
		struct image_step step = {.parent_id = s->image_id, .layer_fd = -1, .diff_id = diff_id,
					  .config = s->config, .created_by = key->created_by,
					  .comment = BUILD_HISTORY_COMMENT,
					  .note = key->files && *key->files ? key->files : NULL};
		struct image_env env = b->env;
		char id[IMAGE_DIGEST_SIZE];

		env.st = st;
		if (image_build_step(&env, &step, id, err) < 0 ||
		    cache_record(st, key, id, image_size(st, id) - (s->image_id[0] ? image_size(st, s->image_id) : 0),
				 err) < 0)
			goto out;
		snprintf(s->image_id, sizeof(s->image_id), "%s", id);
		*hit = true;
	}
	rc = 0;
out:
	json_decref(history);
	json_decref(diff_ids);
	if (have_parent)
		image_info_free(&parent);
	return rc;
}
