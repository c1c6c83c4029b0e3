/* The networks pane: what network.list answers, with each network's subnet,
 * gateway, whether it is internal, and how many containers it holds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/format.h"

enum { COL_ID, COL_NAME, COL_DRIVER, COL_SUBNET, COL_GATEWAY, COL_INTERNAL, COL_CONTAINERS, NCOLS };

static const struct table_column columns[NCOLS] = {
	[COL_ID] = {"NETWORK ID", 10, 12, 2, false, false, false},
	[COL_NAME] = {"NAME", 6, 32, 0, false, false, false},
	[COL_DRIVER] = {"DRIVER", 6, 8, 0, false, false, false},
	[COL_SUBNET] = {"SUBNET", 6, 18, 1, false, false, false},
	[COL_GATEWAY] = {"GATEWAY", 7, 15, 1, false, false, false},
	[COL_INTERNAL] = {"INTERNAL", 8, 8, 1, false, false, false},
	[COL_CONTAINERS] = {"CONTAINERS", 10, 10, 1, true, false, false},
};

struct row_text {
	char id[13], containers[16];
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
		json_t *config = json_array_get(json_object_get(json_object_get(net, "IPAM"), "Config"), 0);
		struct row_text *rt = &text[i];

		fmt_short_id(id, rt->id);
		snprintf(rt->containers, sizeof(rt->containers), "%zu",
			 json_object_size(json_object_get(net, "Containers")));
		rt->cells[COL_ID] = (struct table_cell){rt->id, 0, THEME_DIM};
		rt->cells[COL_NAME] =
			(struct table_cell){json_string_value(json_object_get(net, "Name")), 0, 0};
		rt->cells[COL_DRIVER] =
			(struct table_cell){json_string_value(json_object_get(net, "Driver")), 0, 0};
		rt->cells[COL_SUBNET] =
			(struct table_cell){json_string_value(json_object_get(config, "Subnet")), 0, 0};
		rt->cells[COL_GATEWAY] =
			(struct table_cell){json_string_value(json_object_get(config, "Gateway")), 0, 0};
		rt->cells[COL_INTERNAL] = (struct table_cell){
			json_is_true(json_object_get(net, "Internal")) ? "yes" : "", 0, 0};
		rt->cells[COL_CONTAINERS] = (struct table_cell){rt->containers, 0, 0};
		rows[i].id = id;
		rows[i].cells = rt->cells;
	}
	if (app->model.loaded[MODEL_NETWORKS])
		table_set_empty_text(lp->table, "no networks");
	list_pane_set_rows(lp, rows, n);
	free(rows);
	free(text);
}

static const struct list_pane_spec spec = {
	.name = "networks",
	.id = PANE_NETWORKS,
	.cols = columns,
	.ncols = NCOLS,
	.loading = "reading the networks",
	.model_kinds = 1u << MODEL_NETWORKS,
	.rebuild = rebuild,
};

/* The networks pane. */
struct pane *pane_networks_new(struct app *app)
{
	return list_pane_new(app, &spec);
}
