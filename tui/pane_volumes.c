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

/* Only the volume list shows here. */
static void changed(struct pane *p, enum model_kind kind)
{
	if (kind == MODEL_VOLUMES)
		list_pane_changed(p, kind);
}

static const struct pane_class volumes_class = {
	.name = "volumes",
	.place = list_pane_place,
	.draw = list_pane_draw,
	.expose = list_pane_expose,
	.invalidate = list_pane_invalidate,
	.action = list_pane_action,
	.key = list_pane_key,
	.filter = list_pane_filter,
	.selected = list_pane_selected,
	.targets = list_pane_targets,
	.marks_hidden = list_pane_marks_hidden,
	.changed = changed,
	.shown = list_pane_shown,
	.status = list_pane_status,
	.click = list_pane_click,
	.destroy = list_pane_destroy,
};

/* The volumes pane. */
struct pane *pane_volumes_new(struct app *app)
{
	struct list_pane *lp = calloc(1, sizeof(*lp));

	if (!lp)
		abort();
	list_pane_init(lp, app, PANE_VOLUMES, &volumes_class, columns, NCOLS, "reading the volumes");
	lp->rebuild = rebuild;
	return &lp->base;
}
