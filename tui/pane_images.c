/* The images pane: one row per tag (an untagged image once, as <none>),
 * as docker images lists them. A row's ID is the reference the actions
 * use: the tag, or the image ID when it has none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tui/app.h"
#include "tui/format.h"

enum { COL_REPO, COL_TAG, COL_ID, COL_CREATED, COL_SIZE, COL_USED, NCOLS };

static const struct table_column columns[NCOLS] = {
	[COL_REPO] = {"REPOSITORY", 10, 40, 0, false, false, true},
	[COL_TAG] = {"TAG", 6, 24, 0, false, false, false},
	[COL_ID] = {"IMAGE ID", 12, 12, 0, false, false, false},
	[COL_CREATED] = {"CREATED", 8, 20, 2, false, true, false},
	[COL_SIZE] = {"SIZE", 6, 10, 0, true, true, false},
	[COL_USED] = {"CONTAINERS", 4, 10, 1, true, true, false},
};

struct row_text {
	char ref[512], repo[256], tag[128], id[13], created[48], size[16], used[16];
	struct table_cell cells[NCOLS];
};

/* Splits "repo:tag" at the tag's colon (not a registry port's). */
static void split_ref(const char *ref, char *repo, size_t rn, char *tag, size_t tn)
{
	const char *colon = strrchr(ref, ':');

	if (!colon || strchr(colon, '/')) {
		snprintf(repo, rn, "%s", ref);
		snprintf(tag, tn, "<none>");
		return;
	}
	snprintf(repo, rn, "%.*s", (int)(colon - ref), ref);
	snprintf(tag, tn, "%s", colon + 1);
}

/* Fills a row for one reference of an image (ref NULL: untagged). */
static void fill_row(json_t *image, const char *ref, int64_t now, struct row_text *rt)
{
	const char *id = json_string_value(json_object_get(image, "Id")) ?: "";
	json_int_t created = json_integer_value(json_object_get(image, "Created"));
	double size = (double)json_integer_value(json_object_get(image, "Size"));
	json_int_t used = json_integer_value(json_object_get(image, "Containers"));

	if (ref) {
		snprintf(rt->ref, sizeof(rt->ref), "%s", ref);
		split_ref(ref, rt->repo, sizeof(rt->repo), rt->tag, sizeof(rt->tag));
	} else {
		snprintf(rt->ref, sizeof(rt->ref), "%s", id);
		snprintf(rt->repo, sizeof(rt->repo), "<none>");
		snprintf(rt->tag, sizeof(rt->tag), "<none>");
	}
	fmt_short_id(id, rt->id);
	fmt_ago(created, now, rt->created, sizeof(rt->created));
	fmt_size(size, rt->size, sizeof(rt->size));
	snprintf(rt->used, sizeof(rt->used), "%lld", (long long)(used < 0 ? 0 : used));
	rt->cells[COL_REPO] = (struct table_cell){rt->repo, 0, ref ? 0 : THEME_DIM};
	rt->cells[COL_TAG] = (struct table_cell){rt->tag, 0, 0};
	rt->cells[COL_ID] = (struct table_cell){rt->id, 0, THEME_DIM};
	rt->cells[COL_CREATED] = (struct table_cell){rt->created, -(double)created, 0};
	rt->cells[COL_SIZE] = (struct table_cell){rt->size, size, 0};
	rt->cells[COL_USED] = (struct table_cell){rt->used, (double)used, 0};
}

/* Rows from the model: one per tag. */
static void rebuild(struct list_pane *lp)
{
	struct app *app = lp->base.app;
	json_t *images = app->model.images, *image, *tag;
	size_t n = 0, i, k;
	int64_t now = time(NULL);
	struct row_text *text;
	struct table_row *rows;

	json_array_foreach(images, i, image)
		n += json_array_size(json_object_get(image, "RepoTags")) ?: 1;
	text = calloc(n ? n : 1, sizeof(*text));
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!text || !rows)
		abort();
	n = 0;
	json_array_foreach(images, i, image) {
		json_t *tags = json_object_get(image, "RepoTags");
		if (json_array_size(tags) == 0)
			fill_row(image, NULL, now, &text[n++]);
		json_array_foreach(tags, k, tag)
			fill_row(image, json_string_value(tag) ?: "", now, &text[n++]);
	}
	for (i = 0; i < n; i++) {
		rows[i].id = text[i].ref;
		rows[i].cells = text[i].cells;
	}
	if (app->model.loaded[MODEL_IMAGES])
		table_set_empty_text(lp->table, "no images: berth import, load or commit makes one");
	list_pane_set_rows(lp, rows, n);
	free(rows);
	free(text);
}

/* The image ID behind a row's reference. */
static const char *image_id_of(struct app *app, const char *ref)
{
	json_t *image, *tag;
	size_t i, k;

	json_array_foreach(app->model.images, i, image) {
		const char *id = json_string_value(json_object_get(image, "Id"));
		if (id && strcmp(id, ref) == 0)
			return id;
		json_array_foreach(json_object_get(image, "RepoTags"), k, tag)
			if (strcmp(json_string_value(tag) ?: "", ref) == 0)
				return id;
	}
	return NULL;
}

/* y copies the image ID rather than the tag. */
static bool action(struct pane *p, enum tui_action a)
{
	const char *ref, *id;

	if (a != ACT_COPY)
		return list_pane_action(p, a);
	ref = list_pane_selected(p);
	id = ref ? image_id_of(p->app, ref) : NULL;
	if (id)
		app_copy(p->app, "the image ID", id);
	return id != NULL;
}

static const struct list_pane_spec spec = {
	.name = "images",
	.id = PANE_IMAGES,
	.cols = columns,
	.ncols = NCOLS,
	.loading = "reading the images",
	.model_kinds = 1u << MODEL_IMAGES,
	.rebuild = rebuild,
	.action = action,
};

/* The images pane. */
struct pane *pane_images_new(struct app *app)
{
	return list_pane_new(app, &spec);
}
