/* The volumes pane: volume.list's volumes, as docker volume ls with the
 * mount point and when each was made. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"

enum { COL_DRIVER, COL_NAME, COL_CREATED, COL_MOUNT, NCOLS };

static const struct table_column columns[NCOLS] = {
	[COL_DRIVER] = {"DRIVER", 6, 10, 0, false, false, false},
	[COL_NAME] = {"VOLUME NAME", 11, 64, 0, false, false, false},
	[COL_CREATED] = {"CREATED", 10, 25, 2, false, false, false},
	[COL_MOUNT] = {"MOUNTPOINT", 10, 0, 1, false, false, true},
};

struct row_text {
	struct table_cell cells[NCOLS];
};

/* Rows from the model. */
static void rebuild(struct list_pane *lp)
{
	struct app *app = lp->base.app;
	json_t *list = app->model.volumes, *vol;
	size_t n = json_array_size(list), i;
	struct row_text *text = calloc(n ? n : 1, sizeof(*text));
	struct table_row *rows = calloc(n ? n : 1, sizeof(*rows));

	if (!text || !rows)
		abort();
	json_array_foreach(list, i, vol) {
		struct table_cell *c = text[i].cells;
		c[COL_DRIVER] =
			(struct table_cell){json_string_value(json_object_get(vol, "Driver")), 0, 0};
		c[COL_NAME] =
			(struct table_cell){json_string_value(json_object_get(vol, "Name")), 0, 0};
		c[COL_CREATED] = (struct table_cell){
			json_string_value(json_object_get(vol, "CreatedAt")), 0, THEME_DIM};
		c[COL_MOUNT] = (struct table_cell){
			json_string_value(json_object_get(vol, "Mountpoint")), 0, THEME_DIM};
		rows[i].id = json_string_value(json_object_get(vol, "Name")) ?: "";
		rows[i].cells = c;
	}
	if (app->model.loaded[MODEL_VOLUMES])
		table_set_empty_text(lp->table, "no volumes");
	list_pane_set_rows(lp, rows, n);
	free(rows);
	free(text);
}

static const struct list_pane_spec spec = {
	.name = "volumes",
	.id = PANE_VOLUMES,
	.cols = columns,
	.ncols = NCOLS,
	.loading = "reading the volumes",
	.model_kinds = 1u << MODEL_VOLUMES,
	.rebuild = rebuild,
};

/* The volumes pane. */
struct pane *pane_volumes_new(struct app *app)
{
	return list_pane_new(app, &spec);
}
