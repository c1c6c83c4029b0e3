/* container.diff: what the container changed against its image, read from
 * its overlay upper directory: Docker's kinds 0 changed, 1 added, 2 deleted,
 * sorted by path, with the parents of changes reported as changed. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "engine/container/internal.h"
#include "engine/container/inspect_ops.h"
#include "engine/image/image.h"

enum { KIND_CHANGED = 0, KIND_ADDED = 1, KIND_DELETED = 2 };

struct diff_walk {
	struct engine *engine;
	const struct container *c;
	json_t *out;
};

static bool is_whiteout(const struct stat *st)
{
	return S_ISCHR(st->st_mode) && major(st->st_rdev) == 0 && minor(st->st_rdev) == 0;
}

/* Does the image (its layers, top first) have this path? */
static bool in_image(const struct diff_walk *w, const char *rel)
{
	char dir[PATH_MAX], path[PATH_MAX * 2];
	struct stat st;

	for (size_t i = json_array_size(w->c->layers); i-- > 0;) {
		const char *chain = json_string_value(json_array_get(w->c->layers, i));
		if (!chain || !image_layer_dir(engine_root(w->engine), chain, dir, sizeof(dir)))
			continue;
		snprintf(path, sizeof(path), "%s%s", dir, rel);
		if (lstat(path, &st) == 0)
			return !is_whiteout(&st);
	}
	return false;
}

static void add_change(struct diff_walk *w, const char *rel, int kind)
{
	json_array_append_new(w->out, json_pack("{s:s, s:i}", "Path", rel, "Kind", kind));
}

/* Walks one directory of the upper layer; rel is its path in the container. */
static void walk(struct diff_walk *w, int dirfd, const char *rel, bool parent_added)
{
	DIR *dir = fdopendir(dirfd);
	struct dirent *de;

	if (!dir) {
		close(dirfd);
		return;
	}
	while ((de = readdir(dir))) {
		char child[PATH_MAX];
		struct stat st;
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(child, sizeof(child), "%s/%s", strcmp(rel, "/") == 0 ? "" : rel, de->d_name);
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (is_whiteout(&st)) {
			if (!parent_added)
				add_change(w, child, KIND_DELETED);
			continue;
		}
		bool added = parent_added || !in_image(w, child);
		add_change(w, child, added ? KIND_ADDED : KIND_CHANGED);
		if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sub >= 0)
				walk(w, sub, child, added);
		}
	}
	closedir(dir);
}

static int by_path(const void *a, const void *b)
{
	const char *pa = json_string_value(json_object_get(*(json_t *const *)a, "Path"));
	const char *pb = json_string_value(json_object_get(*(json_t *const *)b, "Path"));

	return strcmp(pa, pb);
}

int container_diff(struct engine *engine, const struct container *c, json_t **result, berr *err)
{
	char bundle[PATH_MAX], upper[PATH_MAX + 8];
	struct diff_walk w = {.engine = engine, .c = c, .out = json_array()};
	int fd;

	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	snprintf(upper, sizeof(upper), "%s/upper", bundle);
	fd = open(upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		json_decref(w.out);
		return berr_sys(err, "reading the changes of %s", c->name);
	}
	walk(&w, fd, "/", false);
	/* Sort through a plain array: jansson has no sort of its own. */
	size_t n = json_array_size(w.out);
	json_t **items = calloc(n ? n : 1, sizeof(*items));
	for (size_t i = 0; items && i < n; i++)
		items[i] = json_incref(json_array_get(w.out, i));
	if (items)
		qsort(items, n, sizeof(*items), by_path);
	json_array_clear(w.out);
	for (size_t i = 0; items && i < n; i++)
		json_array_append_new(w.out, items[i]);
	free(items);
	*result = w.out;
	return 0;
}
