/* The JSON tree view: a document flattened to rows, folded by ranges. */
#include "widgets/jsonview.h"

#include "widgets/term.h"
#include "widgets/text.h"
#include "widgets/theme.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"

#define NO_PARENT SIZE_MAX

enum jkind { J_SCALAR, J_OPEN, J_CLOSE };

struct jnode {
	char *key;  /* the key as JSON ("\"Pid\""), NULL for array members */
	char *text; /* a scalar's JSON, or the bracket */
	char *path; /* this member's step in a path: .Pid, [3], ."a b" */
	enum jkind kind;
	int depth;
	int role;
	size_t close;  /* an opening row's closing row */
	size_t parent; /* the opening row of the container holding it */
	size_t members;
	bool is_object;
	bool folded;
	bool comma;
};

struct jsonview {
	struct widget base;
	struct jnode *nodes;
	size_t n, cap;
	size_t *rows; /* the nodes shown, in order */
	size_t nrows;
	size_t sel, top;
};

static void jsonview_draw_cb(struct widget *w);
static enum wkey_result jsonview_key_cb(struct widget *w, wkey k);
static void jsonview_destroy(struct widget *w);

static const struct widget_class jsonview_class = {
	.name = "jsonview",
	.draw = jsonview_draw_cb,
	.key = jsonview_key_cb,
	.destroy = jsonview_destroy,
};

/* Makes an empty JSON view. */
struct jsonview *jsonview_new(void)
{
	struct jsonview *jv = calloc(1, sizeof(*jv));

	if (!jv)
		abort();
	widget_init(&jv->base, &jsonview_class);
	return jv;
}

/* Frees the rows of the current document. */
static void clear_nodes(struct jsonview *jv)
{
	size_t i;

	for (i = 0; i < jv->n; i++) {
		free(jv->nodes[i].key);
		free(jv->nodes[i].text);
		free(jv->nodes[i].path);
	}
	jv->n = 0;
	jv->nrows = 0;
	jv->sel = jv->top = 0;
}

/* Appends an empty node and returns its index. */
static size_t add_node(struct jsonview *jv, int depth, size_t parent)
{
	struct jnode *nd;

	if (jv->n == jv->cap) {
		jv->cap = jv->cap ? jv->cap * 2 : 64;
		jv->nodes = realloc(jv->nodes, jv->cap * sizeof(*jv->nodes));
		if (!jv->nodes)
			abort();
	}
	nd = &jv->nodes[jv->n];
	memset(nd, 0, sizeof(*nd));
	nd->depth = depth;
	nd->parent = parent;
	return jv->n++;
}

/* The theme role for a scalar's text. */
static int scalar_role(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return THEME_JSON_STRING;
	case JSON_INTEGER:
	case JSON_REAL:
		return THEME_JSON_NUMBER;
	case JSON_TRUE:
	case JSON_FALSE:
		return THEME_JSON_BOOL;
	case JSON_NULL:
		return THEME_JSON_NULL;
	default:
		return THEME_JSON_PUNCT;
	}
}

/* A JSON encoding that never fails. */
static char *dump(const json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);

	return s ? s : xstrdup("?");
}

/* True when a key can follow a dot in a path (.Name rather than ."a b"). */
static bool plain_key(const char *key)
{
	size_t i;

	if (!key[0] || (key[0] >= '0' && key[0] <= '9'))
		return false;
	for (i = 0; key[i]; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= 'A' && key[i] <= 'Z') ||
		      (key[i] >= '0' && key[i] <= '9') || key[i] == '_'))
			return false;
	return true;
}

/* The path step of an object member or array element. */
static char *path_step(const char *key, size_t index)
{
	char *s = NULL, *quoted;
	json_t *js;

	if (!key) {
		if (asprintf(&s, "[%zu]", index) < 0)
			abort();
		return s;
	}
	if (plain_key(key)) {
		if (asprintf(&s, ".%s", key) < 0)
			abort();
		return s;
	}
	js = json_string(key);
	quoted = js ? dump(js) : xstrdup("\"?\"");
	json_decref(js);
	if (asprintf(&s, ".%s", quoted) < 0)
		abort();
	free(quoted);
	return s;
}

/* Flattens v (a member named key, or element index) into rows. */
static void flatten(struct jsonview *jv, const json_t *v, const char *key, size_t index, int depth,
		    size_t parent, bool comma)
{
	size_t me = add_node(jv, depth, parent), i, count, close;
	json_t *js, *child;
	const char *k;
	struct jnode *nd = &jv->nodes[me];

	if (key && (js = json_string(key))) {
		nd->key = dump(js);
		json_decref(js);
	}
	nd->path = parent == NO_PARENT ? xstrdup("") : path_step(key, index);
	nd->comma = comma;
	count = json_is_object(v) ? json_object_size(v) : json_is_array(v) ? json_array_size(v) : 0;
	if (count == 0) {
		nd->kind = J_SCALAR;
		if (json_is_object(v) || json_is_array(v)) {
			nd->text = xstrdup(json_is_object(v) ? "{}" : "[]");
			nd->role = THEME_JSON_PUNCT;
		} else {
			nd->text = dump(v);
			nd->role = scalar_role(v);
		}
		return;
	}
	nd->kind = J_OPEN;
	nd->is_object = json_is_object(v);
	nd->text = xstrdup(nd->is_object ? "{" : "[");
	nd->role = THEME_JSON_PUNCT;
	nd->members = count;
	i = 0;
	if (json_is_object(v)) {
		json_object_foreach((json_t *)v, k, child) {
			flatten(jv, child, k, i, depth + 1, me, i + 1 < count);
			i++;
		}
	} else {
		json_array_foreach(v, i, child)
			flatten(jv, child, NULL, i, depth + 1, me, i + 1 < count);
	}
	close = add_node(jv, depth, parent);
	jv->nodes[close].kind = J_CLOSE;
	jv->nodes[close].text = xstrdup(jv->nodes[me].is_object ? "}" : "]");
	jv->nodes[close].role = THEME_JSON_PUNCT;
	jv->nodes[close].comma = comma;
	jv->nodes[me].close = close;
}

static size_t opener(const struct jsonview *jv, size_t node);

/* The node of the selected row, or NO_PARENT when there are none. */
static size_t selected_node(const struct jsonview *jv)
{
	return jv->sel < jv->nrows ? jv->rows[jv->sel] : NO_PARENT;
}

/* Lists the rows shown and puts the selection on node keep (or the
 * nearest folded container holding it). */
static void rebuild_rows(struct jsonview *jv, size_t keep)
{
	size_t i = 0, r;

	free(jv->rows);
	jv->rows = calloc(jv->n ? jv->n : 1, sizeof(*jv->rows));
	if (!jv->rows)
		abort();
	jv->nrows = 0;
	while (i < jv->n) {
		jv->rows[jv->nrows++] = i;
		if (jv->nodes[i].kind == J_OPEN && jv->nodes[i].folded)
			i = jv->nodes[i].close + 1;
		else
			i++;
	}
	jv->sel = 0;
	while (keep != NO_PARENT) {
		for (r = 0; r < jv->nrows; r++) {
			if (jv->rows[r] == keep) {
				jv->sel = r;
				keep = NO_PARENT;
				break;
			}
		}
		if (keep != NO_PARENT && jv->nodes[keep].kind == J_CLOSE)
			keep = opener(jv, keep);
		else if (keep != NO_PARENT)
			keep = jv->nodes[keep].parent;
	}
	jv->base.dirty = true;
}

/* Shows a document, unfolded, first row selected. */
void jsonview_set(struct jsonview *jv, const json_t *doc)
{
	clear_nodes(jv);
	if (doc)
		flatten(jv, doc, NULL, 0, 0, NO_PARENT, false);
	rebuild_rows(jv, NO_PARENT);
}

/* Folds every object and array at depth and deeper, unfolds the rest. */
void jsonview_fold_depth(struct jsonview *jv, int depth)
{
	size_t keep = selected_node(jv), i;

	for (i = 0; i < jv->n; i++)
		if (jv->nodes[i].kind == J_OPEN)
			jv->nodes[i].folded = jv->nodes[i].depth >= depth;
	rebuild_rows(jv, keep);
}

/* Unfolds everything. */
void jsonview_unfold_all(struct jsonview *jv)
{
	size_t keep = selected_node(jv), i;

	for (i = 0; i < jv->n; i++)
		jv->nodes[i].folded = false;
	rebuild_rows(jv, keep);
}

/* The opening row for a node (itself, or the one a closing row ends). */
static size_t opener(const struct jsonview *jv, size_t node)
{
	size_t i;

	if (node == NO_PARENT || jv->nodes[node].kind != J_CLOSE)
		return node;
	for (i = node; i-- > 0;)
		if (jv->nodes[i].kind == J_OPEN && jv->nodes[i].close == node)
			return i;
	return node;
}

/* Folds or unfolds the container on the selected row. */
bool jsonview_toggle(struct jsonview *jv)
{
	size_t node = opener(jv, selected_node(jv));

	if (node == NO_PARENT || jv->nodes[node].kind != J_OPEN)
		return false;
	jv->nodes[node].folded = !jv->nodes[node].folded;
	rebuild_rows(jv, node);
	return true;
}

/* Rows shown. */
size_t jsonview_rows(const struct jsonview *jv)
{
	return jv->nrows;
}

/* The selected row. */
size_t jsonview_selected(const struct jsonview *jv)
{
	return jv->sel;
}

/* The first row in the window. */
size_t jsonview_top(const struct jsonview *jv)
{
	return jv->top;
}

/* Scrolls so the selection is in the window. */
static void keep_visible(struct jsonview *jv)
{
	size_t body = (size_t)jv->base.rows, top = jv->top;

	if (body == 0)
		return;
	if (jv->sel < top)
		top = jv->sel;
	if (jv->sel >= top + body)
		top = jv->sel - body + 1;
	if (jv->nrows <= body)
		top = 0;
	else if (top > jv->nrows - body)
		top = jv->nrows - body;
	if (top != jv->top) {
		jv->top = top;
		jv->base.dirty = true;
	}
}

/* Moves the selection by delta rows (clamped). */
void jsonview_move(struct jsonview *jv, long delta)
{
	long to = (long)jv->sel + delta;

	if (jv->nrows == 0)
		return;
	if (to < 0)
		to = 0;
	if ((size_t)to >= jv->nrows)
		to = (long)jv->nrows - 1;
	if ((size_t)to != jv->sel) {
		jv->sel = (size_t)to;
		jv->base.dirty = true;
	}
	keep_visible(jv);
}

/* The selected member's path, jq style. */
void jsonview_path(const struct jsonview *jv, char *buf, size_t size)
{
	size_t chain[256], depth = 0, node = opener(jv, selected_node(jv)), used = 0;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (; node != NO_PARENT && depth < 256; node = jv->nodes[node].parent)
		chain[depth++] = node;
	if (depth <= 1) {
		snprintf(buf, size, ".");
		return;
	}
	while (depth-- > 0 && used < size) {
		const char *step = jv->nodes[chain[depth]].path;

		used += (size_t)snprintf(buf + used, size - used, "%s", step);
	}
}

/* Draws one row: fold mark, indent, key, value, comma. */
static void draw_row(struct jsonview *jv, size_t r, int y)
{
	const struct jnode *nd = &jv->nodes[jv->rows[r]];
	const struct term_glyphs *g = term_glyphs();
	WINDOW *win = jv->base.win;
	bool selected = r == jv->sel;
	attr_t sel = theme_attr(jv->base.focused ? THEME_SELECTED : THEME_SELECTED_INACTIVE);
	int left = jv->base.cols, used;
	char note[48], ellipsis[8] = "...";

#define ATTR(role) (selected ? sel : theme_attr(role))
	wmove(win, y, 0);
	text_fill(win, jv->base.cols, selected ? sel : 0);
	wmove(win, y, 0);
	if (nd->kind == J_OPEN)
		text_put(win, nd->folded ? g->fold_closed : g->fold_open, ATTR(THEME_JSON_PUNCT));
	else
		text_put(win, L' ', ATTR(THEME_DEFAULT));
	text_put(win, L' ', ATTR(THEME_DEFAULT));
	left -= 2;
	used = 2 * nd->depth < left ? 2 * nd->depth : left;
	text_fill(win, used, ATTR(THEME_DEFAULT));
	left -= used;
	if (nd->key && nd->kind != J_CLOSE) {
		left -= text_add(win, left, nd->key, ATTR(THEME_JSON_KEY));
		left -= text_add(win, left, ": ", ATTR(THEME_JSON_PUNCT));
	}
	left -= text_add(win, left, nd->text, ATTR(nd->role));
	if (nd->kind == J_OPEN && nd->folded) {
		if (term_utf8())
			snprintf(ellipsis, sizeof(ellipsis), "\u2026");
		left -= text_add(win, left, ellipsis, ATTR(THEME_JSON_PUNCT));
		left -= text_add(win, left, nd->is_object ? "}" : "]", ATTR(THEME_JSON_PUNCT));
		if (jv->nodes[nd->close].comma)
			left -= text_add(win, left, ",", ATTR(THEME_JSON_PUNCT));
		snprintf(note, sizeof(note), "  %zu %s%s", nd->members,
			 nd->is_object ? "key" : "item", nd->members == 1 ? "" : "s");
		text_add(win, left, note, ATTR(THEME_DIM));
	} else if (nd->comma && nd->kind != J_OPEN) {
		text_add(win, left, ",", ATTR(THEME_JSON_PUNCT));
	}
#undef ATTR
}

/* Draws the rows in the window. */
static void jsonview_draw_cb(struct widget *w)
{
	struct jsonview *jv = (struct jsonview *)w;
	size_t r;
	int y;

	widget_erase(w, THEME_DEFAULT);
	keep_visible(jv);
	for (r = jv->top, y = 0; r < jv->nrows && y < w->rows; r++, y++)
		draw_row(jv, r, y);
}

/* Redraws if needed and queues the window (widget_draw). */
void jsonview_draw(struct jsonview *jv)
{
	widget_draw(&jv->base);
}

/* Left: fold an open container, else go to the one holding this row. */
static void key_left(struct jsonview *jv)
{
	size_t node = selected_node(jv);

	if (node == NO_PARENT)
		return;
	if (jv->nodes[node].kind == J_OPEN && !jv->nodes[node].folded) {
		jsonview_toggle(jv);
		return;
	}
	node = jv->nodes[opener(jv, node)].parent;
	if (node != NO_PARENT)
		rebuild_rows(jv, node);
}

/* Right: unfold a folded container, else go to its first member. */
static void key_right(struct jsonview *jv)
{
	size_t node = selected_node(jv);

	if (node == NO_PARENT || jv->nodes[node].kind != J_OPEN)
		return;
	if (jv->nodes[node].folded)
		jsonview_toggle(jv);
	else
		jsonview_move(jv, 1);
}

/* Moves, folds and unfolds. */
enum wkey_result jsonview_key(struct jsonview *jv, wkey k)
{
	long page = jv->base.rows > 1 ? jv->base.rows - 1 : 1;

	if (wkey_is_enter(k) || k == ' ') {
		jsonview_toggle(jv);
		return WKEY_HANDLED;
	}
	switch (k) {
	case WKEY_FN(KEY_UP):
		jsonview_move(jv, -1);
		break;
	case WKEY_FN(KEY_DOWN):
		jsonview_move(jv, 1);
		break;
	case WKEY_FN(KEY_PPAGE):
		jsonview_move(jv, -page);
		break;
	case WKEY_FN(KEY_NPAGE):
		jsonview_move(jv, page);
		break;
	case WKEY_FN(KEY_HOME):
		jsonview_move(jv, -(long)jv->nrows);
		break;
	case WKEY_FN(KEY_END):
		jsonview_move(jv, (long)jv->nrows);
		break;
	case WKEY_FN(KEY_LEFT):
		key_left(jv);
		break;
	case WKEY_FN(KEY_RIGHT):
		key_right(jv);
		break;
	default:
		return WKEY_IGNORED;
	}
	return WKEY_HANDLED;
}

/* The class's key entry. */
static enum wkey_result jsonview_key_cb(struct widget *w, wkey k)
{
	return jsonview_key((struct jsonview *)w, k);
}

/* Frees the rows and the view. */
static void jsonview_destroy(struct widget *w)
{
	struct jsonview *jv = (struct jsonview *)w;

	clear_nodes(jv);
	free(jv->nodes);
	free(jv->rows);
	free(jv);
}

/* Frees the view and its window. */
void jsonview_free(struct jsonview *jv)
{
	widget_free(jv ? &jv->base : NULL);
}
