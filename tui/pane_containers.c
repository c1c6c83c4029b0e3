/* The containers pane: every container, newest first, with its state in
 * colour, docker's status text, the CPU and memory of the stats stream,
 * the command and ports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/format.h"

enum { COL_NAME, COL_ID, COL_IMAGE, COL_STATE, COL_STATUS, COL_CPU, COL_MEM, COL_IP,
       COL_COMMAND, COL_PORTS, NCOLS };

static const struct table_column columns[NCOLS] = {
	[COL_NAME] = {"NAME", 6, 28, 0, false, false, false},
	[COL_ID] = {"CONTAINER ID", 12, 12, 3, false, false, false},
	[COL_IMAGE] = {"IMAGE", 6, 40, 4, false, false, false},
	[COL_STATE] = {"STATE", 7, 10, 0, false, false, false},
	[COL_STATUS] = {"STATUS", 16, 28, 2, false, false, false},
	[COL_CPU] = {"CPU %", 6, 8, 0, true, true, false},
	[COL_MEM] = {"MEM", 7, 10, 0, true, true, false},
	[COL_IP] = {"IP", 7, 15, 7, false, false, false},
	[COL_COMMAND] = {"COMMAND", 10, 40, 5, false, false, true},
	[COL_PORTS] = {"PORTS", 5, 40, 6, false, false, false},
};

/* The cells one row holds, with the strings they point to. */
struct row_text {
	char name[256], id[13], cpu[16], mem[16], ip[16], ports[128], command[512];
	struct table_cell cells[NCOLS];
};

/* Docker's "0.0.0.0:8080->80/tcp, 443/tcp". */
static void ports_text(json_t *ports, char *buf, size_t n)
{
	size_t i, len = 0;
	json_t *p;

	buf[0] = '\0';
	json_array_foreach(ports, i, p) {
		const char *ip = json_string_value(json_object_get(p, "IP"));
		const char *type = json_string_value(json_object_get(p, "Type")) ?: "tcp";
		json_int_t priv = json_integer_value(json_object_get(p, "PrivatePort"));
		json_int_t pub = json_integer_value(json_object_get(p, "PublicPort"));
		if (len >= n)
			break;
		bool v6 = ip && strchr(ip, ':');
		if (pub)
			len += (size_t)snprintf(buf + len, n - len, "%s%s%s%s:%lld->%lld/%s", i ? ", " : "",
						v6 ? "[" : "", ip ?: "", v6 ? "]" : "", (long long)pub,
						(long long)priv, type);
		else
			len += (size_t)snprintf(buf + len, n - len, "%s%lld/%s", i ? ", " : "",
						(long long)priv, type);
	}
}

/* A command on one line: newlines and tabs (a script given to sh -c)
 * become single blanks. */
static void one_line(const char *text, char *out, size_t n)
{
	size_t o = 0;
	bool blank = false;

	for (; text && *text && o + 1 < n; text++) {
		bool space = *text == '\n' || *text == '\t' || *text == '\r' || *text == ' ';
		if (space && blank)
			continue;
		out[o++] = space ? ' ' : *text;
		blank = space;
	}
	out[o] = '\0';
}

/* Fills one row's cells from a list row and the container's stats. */
static void fill_row(struct app *app, json_t *row, struct row_text *rt)
{
	const char *id = json_string_value(json_object_get(row, "Id")) ?: "";
	const char *name = json_string_value(json_array_get(json_object_get(row, "Names"), 0)) ?: "";
	const char *state = json_string_value(json_object_get(row, "State")) ?: "";
	const struct ctr_stats *s = model_stats(app, id);
	bool live = s && s->live && (strcmp(state, "running") == 0 || strcmp(state, "paused") == 0);

	snprintf(rt->name, sizeof(rt->name), "%s", name[0] == '/' ? name + 1 : name);
	fmt_short_id(id, rt->id);
	fmt_percent(live ? s->entry.cpu_percent : -1, rt->cpu, sizeof(rt->cpu));
	fmt_bytes(live ? s->entry.mem_usage : -1, rt->mem, sizeof(rt->mem));
	ports_text(json_object_get(row, "Ports"), rt->ports, sizeof(rt->ports));
	/* the address on its first network that has one */
	json_t *nets = json_object_get(json_object_get(row, "NetworkSettings"), "Networks"), *net;
	const char *key;
	rt->ip[0] = '\0';
	json_object_foreach(nets, key, net) {
		const char *addr = json_string_value(json_object_get(net, "IPAddress"));
		if (addr && *addr && !rt->ip[0])
			snprintf(rt->ip, sizeof(rt->ip), "%s", addr);
	}
	rt->cells[COL_NAME] = (struct table_cell){rt->name, 0, 0};
	rt->cells[COL_ID] = (struct table_cell){rt->id, 0, THEME_DIM};
	rt->cells[COL_IMAGE] =
		(struct table_cell){json_string_value(json_object_get(row, "Image")), 0, 0};
	rt->cells[COL_STATE] = (struct table_cell){state, 0, fmt_state_role(state)};
	rt->cells[COL_STATUS] =
		(struct table_cell){json_string_value(json_object_get(row, "Status")), 0, 0};
	rt->cells[COL_CPU] = (struct table_cell){rt->cpu, live ? s->entry.cpu_percent : -1, 0};
	rt->cells[COL_MEM] = (struct table_cell){rt->mem, live ? s->entry.mem_usage : -1, 0};
	one_line(json_string_value(json_object_get(row, "Command")), rt->command,
		 sizeof(rt->command));
	rt->cells[COL_COMMAND] = (struct table_cell){rt->command, 0, THEME_DIM};
	rt->cells[COL_PORTS] = (struct table_cell){rt->ports, 0, 0};
	rt->cells[COL_IP] = (struct table_cell){rt->ip, 0, 0};
}

/* Rows from the model. */
static void rebuild(struct list_pane *lp)
{
	struct app *app = lp->base.app;
	json_t *list = app->model.containers;
	size_t n = json_array_size(list), i;
	struct row_text *text = calloc(n ? n : 1, sizeof(*text));
	struct table_row *rows = calloc(n ? n : 1, sizeof(*rows));
	json_t *row;

	if (!text || !rows)
		abort();
	json_array_foreach(list, i, row) {
		fill_row(app, row, &text[i]);
		rows[i].id = json_string_value(json_object_get(row, "Id")) ?: "";
		rows[i].cells = text[i].cells;
	}
	if (app->model.loaded[MODEL_CONTAINERS])
		table_set_empty_text(lp->table, "no containers: R runs one, or :run -d busybox sleep 600");
	list_pane_set_rows(lp, rows, n);
	free(rows);
	free(text);
}

static const struct list_pane_spec spec = {
	.name = "containers",
	.id = PANE_CONTAINERS,
	.cols = columns,
	.ncols = NCOLS,
	.loading = "reading the containers",
	.model_kinds = 1u << MODEL_CONTAINERS | 1u << MODEL_STATS,
	.rebuild = rebuild,
};

/* The containers pane. */
struct pane *pane_containers_new(struct app *app)
{
	return list_pane_new(app, &spec);
}
