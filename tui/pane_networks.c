/* The networks pane: what network.list answers, or, while the engine has
 * no network subsystem, the two modes a container can use today (none and
 * host), labelled as such rather than passed off as networks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/format.h"

enum { COL_ID, COL_NAME, COL_DRIVER, COL_SCOPE, COL_NOTE, NCOLS };

static const struct table_column columns[NCOLS] = {
	[COL_ID] = {"NETWORK ID", 10, 12, 2, false, false, false},
	[COL_NAME] = {"NAME", 6, 32, 0, false, false, false},
	[COL_DRIVER] = {"DRIVER", 6, 12, 0, false, false, false},
	[COL_SCOPE] = {"SCOPE", 5, 8, 1, false, false, false},
	[COL_NOTE] = {"NOTE", 4, 0, 0, false, false, true},
};

struct row_text {
	char id[13], key[300];
	struct table_cell cells[NCOLS];
};

/* Rows from the model. */
static void rebuild(struct list_pane *lp)
{
	struct app *app = lp->base.app;
	json_t *list = app->model.networks, *net;
	size_t n = json_array_size(list), i;
	struct row_text *text = calloc(n ? n : 1, sizeof(*text));
	struct table_row *rows = calloc(n ? n : 1, sizeof(*rows));

	if (!text || !rows)
		abort();
	json_array_foreach(list, i, net) {
		const char *id = json_string_value(json_object_get(net, "Id")) ?: "";
		const char *name = json_string_value(json_object_get(net, "Name")) ?: "";
		struct row_text *rt = &text[i];
		fmt_short_id(id, rt->id);
		snprintf(rt->key, sizeof(rt->key), "%s", *id ? id : name);
		if (!*id)
			snprintf(rt->id, sizeof(rt->id), "-");
		rt->cells[COL_ID] = (struct table_cell){rt->id, 0, THEME_DIM};
		rt->cells[COL_NAME] = (struct table_cell){name, 0, 0};
		rt->cells[COL_DRIVER] =
			(struct table_cell){json_string_value(json_object_get(net, "Driver")), 0, 0};
		rt->cells[COL_SCOPE] =
			(struct table_cell){json_string_value(json_object_get(net, "Scope")), 0, 0};
		rt->cells[COL_NOTE] = (struct table_cell){
			json_string_value(json_object_get(net, "Note")), 0, THEME_DIM};
		rows[i].id = rt->key;
		rows[i].cells = rt->cells;
	}
	if (app->model.loaded[MODEL_NETWORKS])
		table_set_empty_text(lp->table, "no networks");
	list_pane_set_rows(lp, rows, n);
	free(rows);
	free(text);
}

/* Only the network list shows here. */
static void changed(struct pane *p, enum model_kind kind)
{
	if (kind == MODEL_NETWORKS)
		list_pane_changed(p, kind);
}

/* Says when the list is the built-in modes only. */
static void status(struct pane *p, char *buf, size_t n)
{
	if (p->app->model.networks_builtin)
		snprintf(buf, n, "no network subsystem yet: built-in modes only");
	else
		list_pane_status(p, buf, n);
}

static const struct pane_class networks_class = {
	.name = "networks",
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
	.status = status,
	.click = list_pane_click,
	.destroy = list_pane_destroy,
};

/* The networks pane. */
struct pane *pane_networks_new(struct app *app)
{
	struct list_pane *lp = calloc(1, sizeof(*lp));

	if (!lp)
		abort();
	list_pane_init(lp, app, PANE_NETWORKS, &networks_class, columns, NCOLS,
		       "reading the networks");
	lp->rebuild = rebuild;
	return &lp->base;
}
