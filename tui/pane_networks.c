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

/* Says when the list is the built-in modes only. */
static void status(struct pane *p, char *buf, size_t n)
{
	if (p->app->model.networks_builtin)
		snprintf(buf, n, "no network subsystem yet: built-in modes only");
	else
		list_pane_status(p, buf, n);
}

static const struct list_pane_spec spec = {
	.name = "networks",
	.id = PANE_NETWORKS,
	.cols = columns,
	.ncols = NCOLS,
	.loading = "reading the networks",
	.model_kinds = 1u << MODEL_NETWORKS,
	.rebuild = rebuild,
	.status = status,
};

/* The networks pane. */
struct pane *pane_networks_new(struct app *app)
{
	return list_pane_new(app, &spec);
}
