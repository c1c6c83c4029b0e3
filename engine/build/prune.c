/* builder.prune and the cache's garbage collection. The build cache is the
 * build_cache rows, the step images they name (untagged, hidden from
 * `images`) and the cache mounts under R/build-cache. A prune forgets
 * the rows and removes the images no tag, container or kept image needs;
 * without `all` the steps of tagged images stay (what Docker calls
 * dangling cache is the rest). With keep_storage the most recently used
 * steps are kept up to that many bytes: the collection that runs after
 * every build (daemon.json's builder.gc, 20GB by default), so the cache
 * never grows without bound. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "engine/build/build.h"
#include "engine/build/internal.h"
#include "engine/core/alloc.h"
#include "engine/core/daemon_config.h"
#include "engine/core/fsutil.h"
#include "engine/core/units.h"

#define DEFAULT_KEEP_STORAGE (20LL * 1000 * 1000 * 1000)

/* The layers' bytes, as system.df counts them. */
static int64_t layers_size(struct engine *engine)
{
	json_t *df = NULL, *args = json_object();
	int64_t size = -1;

	if (engine_call(engine, "system.df", args, &df, NULL, NULL, NULL) == 0)
		size = (int64_t)json_integer_value(json_object_get(df, "LayersSize"));
	json_decref(args);
	json_decref(df);
	return size;
}

/* The images a prune keeps: tagged, used by a container, and (unless all)
 * every ancestor of a tagged one. images: image.list's summaries. */
static json_t *kept_images(json_t *images, bool all)
{
	json_t *kept = json_object(), *by_id = json_object(), *img;
	size_t i;

	json_array_foreach(images, i, img)
		json_object_set(by_id, json_string_value(json_object_get(img, "Id")), img);
	json_array_foreach(images, i, img) {
		bool tagged = json_array_size(json_object_get(img, "RepoTags")) > 0 ||
			      json_array_size(json_object_get(img, "RepoDigests")) > 0;
		bool used = json_integer_value(json_object_get(img, "Containers")) > 0;

		if (!tagged && !used)
			continue;
		for (json_t *cur = img; cur;) {
			const char *id = json_string_value(json_object_get(cur, "Id"));
			const char *parent = json_string_value(json_object_get(cur, "ParentId"));

			if (!id || json_object_get(kept, id))
				break;
			json_object_set_new(kept, id, json_true());
			if (all)
				break; /* the image itself, not the steps that made it */
			cur = parent && *parent ? json_object_get(by_id, parent) : NULL;
		}
	}
	json_decref(by_id);
	return kept;
}

/* The bytes of a step of its own: its image's minus its parent's. */
static int64_t own_size(json_t *by_id, const char *id)
{
	json_t *img = json_object_get(by_id, id), *parent;
	int64_t size = (int64_t)json_integer_value(json_object_get(img, "Size"));

	parent = json_object_get(by_id, json_string_value(json_object_get(img, "ParentId")) ?: "");
	if (parent)
		size -= (int64_t)json_integer_value(json_object_get(parent, "Size"));
	return size > 0 ? size : 0;
}

/* Removes the cache mounts no build holds (sharing=locked ones are flocked
 * while in use); their bytes go to *bytes. */
static void prune_cache_mounts(struct engine *engine, uint64_t *bytes, json_t *deleted)
{
	char base[PATH_MAX];
	DIR *d;
	struct dirent *e;

	snprintf(base, sizeof(base), "%s/build-cache", engine_root(engine));
	d = opendir(base);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[PATH_MAX + 300];
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, e->d_name);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			close(fd);
			continue;
		}
		int64_t size = fs_tree_bytes(dup(fd));
		if (fs_remove_tree(path, NULL) == 0) {
			*bytes += size > 0 ? (uint64_t)size : 0;
			json_array_append_new(deleted, json_string(e->d_name));
		}
		close(fd);
	}
	closedir(d);
}

int build_prune(struct engine *engine, bool all, int64_t keep_storage, int64_t until_ns,
		bool mounts, json_t **result, berr *err)
{
	struct store *st = engine_store(engine, err);
	json_t *images = NULL, *entries = NULL, *kept = NULL, *by_id = json_object(), *deleted;
	json_t *list_args = json_pack("{s:b}", "all", 1), *img;
	int64_t before, after, total = 0;
	uint64_t mount_bytes = 0;
	size_t i;
	int rc = -1;

	if (!st)
		goto out;
	deleted = json_array();
	*result = json_pack("{s:o, s:I}", "CachesDeleted", deleted, "SpaceReclaimed", (json_int_t)0);
	before = layers_size(engine);
	if (engine_call(engine, "image.list", list_args, &images, NULL, NULL, err) < 0)
		goto out;
	json_array_foreach(images, i, img)
		json_object_set(by_id, json_string_value(json_object_get(img, "Id")), img);
	kept = kept_images(images, all);
	if (cache_entries(st, &entries, err) < 0)
		goto out;
	/* newest first: what keep_storage keeps */
	json_array_foreach(entries, i, img) {
		const char *id = json_string_value(json_object_get(img, "image"));
		int64_t last_used = (int64_t)json_integer_value(json_object_get(img, "last_used"));
		bool keep = json_object_get(kept, id) != NULL;

		if (!keep && keep_storage >= 0) {
			int64_t size = own_size(by_id, id);
			if (total + size <= keep_storage) {
				total += size;
				keep = true;
			}
		}
		if (!keep && until_ns > 0 && last_used >= until_ns)
			keep = true;
		if (keep)
			continue;
		if (cache_forget(st, json_string_value(json_object_get(img, "key")), err) < 0)
			goto out;
		json_array_append_new(deleted, json_string(json_string_value(json_object_get(img, "key"))));
	}
	/* the images no entry and nothing else needs, children first */
	for (size_t k = json_array_size(entries); k-- > 0;) {
		const char *id = json_string_value(json_object_get(json_array_get(entries, k), "image"));
		bool still_cached;

		if (json_object_get(kept, id) || cache_image_cached(st, id, &still_cached, NULL) < 0 ||
		    still_cached)
			continue;
		json_t *args = json_pack("{s:s, s:b}", "name", id, "noprune", 1);
		engine_call(engine, "image.remove", args, NULL, NULL, NULL, NULL); /* a parent of a kept image stays */
		json_decref(args);
	}
	if (mounts)
		prune_cache_mounts(engine, &mount_bytes, deleted);
	after = layers_size(engine);
	json_object_set_new(*result, "SpaceReclaimed",
			    json_integer((json_int_t)((before > after && after >= 0 ? before - after : 0) +
						      (int64_t)mount_bytes)));
	rc = 0;
out:
	if (rc < 0) {
		json_decref(*result);
		*result = NULL;
	}
	json_decref(images);
	json_decref(entries);
	json_decref(kept);
	json_decref(by_id);
	json_decref(list_args);
	return rc;
}

int build_gc(struct engine *engine, berr *err)
{
	json_t *config = NULL, *gc, *result = NULL;
	int64_t keep = DEFAULT_KEEP_STORAGE;
	int rc;

	if (daemon_config_read(&config, err) < 0)
		return -1;
	gc = json_object_get(json_object_get(config, "builder"), "gc");
	if (json_is_false(json_object_get(gc, "enabled"))) {
		json_decref(config);
		return 0;
	}
	const char *text = json_string_value(json_object_get(gc, "defaultKeepStorage"));
	if (text && units_ram_in_bytes(text, &keep, err) < 0) {
		json_decref(config);
		return daemon_config_bad(err, "invalid builder.gc.defaultKeepStorage: %s", text);
	}
	json_decref(config);
	/* the common case: under the limit, one query */
	struct store *st = engine_store(engine, err);
	int64_t total;
	if (!st || cache_total_size(st, &total, err) < 0)
		return -1;
	if (total <= keep)
		return 0;
	rc = build_prune(engine, false, keep, 0, false, &result, err);
	json_decref(result);
	return rc;
}
