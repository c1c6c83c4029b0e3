/* The key-hint bar. */
#include "widgets/keybar.h"

#include "widgets/text.h"
#include "widgets/theme.h"

#include <stdlib.h>
#include <string.h>

struct keybar {
	struct widget base;
	char **keys, **labels;
	size_t n, shown;
};

static void keybar_draw_cb(struct widget *w);
static void keybar_destroy(struct widget *w);

static const struct widget_class keybar_class = {
	.name = "keybar",
	.draw = keybar_draw_cb,
	.destroy = keybar_destroy,
};

/* Makes an empty key-hint bar. */
struct keybar *keybar_new(void)
{
	struct keybar *kb = calloc(1, sizeof(*kb));

	if (!kb)
		abort();
	widget_init(&kb->base, &keybar_class);
	return kb;
}

/* Frees the hints. */
static void drop_hints(struct keybar *kb)
{
	size_t i;

	for (i = 0; i < kb->n; i++) {
		free(kb->keys[i]);
		free(kb->labels[i]);
	}
	free(kb->keys);
	free(kb->labels);
	kb->keys = kb->labels = NULL;
	kb->n = 0;
}

/* Replaces the hints (copied). */
void keybar_set(struct keybar *kb, const struct keyhint *hints, size_t n)
{
	size_t i;

	drop_hints(kb);
	kb->keys = calloc(n ? n : 1, sizeof(*kb->keys));
	kb->labels = calloc(n ? n : 1, sizeof(*kb->labels));
	if (!kb->keys || !kb->labels)
		abort();
	for (i = 0; i < n; i++) {
		kb->keys[i] = strdup(hints[i].key ? hints[i].key : "");
		kb->labels[i] = strdup(hints[i].label ? hints[i].label : "");
		if (!kb->keys[i] || !kb->labels[i])
			abort();
	}
	kb->n = n;
	kb->base.dirty = true;
}

/* How many hints fit at the last draw. */
size_t keybar_shown(const struct keybar *kb)
{
	return kb->shown;
}

/* Draws the hints that fit; the rest of the row in the label colour. */
static void keybar_draw_cb(struct widget *w)
{
	struct keybar *kb = (struct keybar *)w;
	attr_t key = theme_attr(THEME_KEY), label = theme_attr(THEME_KEY_LABEL);
	int x = 0, need;
	size_t i;

	widget_erase(w, THEME_KEY_LABEL);
	wmove(w->win, 0, 0);
	kb->shown = 0;
	for (i = 0; i < kb->n; i++) {
		need = text_width(kb->keys[i]) + text_width(kb->labels[i]) + 1;
		if (x + need > w->cols)
			break;
		x += text_add(w->win, w->cols - x, kb->keys[i], key);
		x += text_add(w->win, w->cols - x, kb->labels[i], label);
		x += text_add(w->win, w->cols - x, " ", label);
		kb->shown++;
	}
}

/* Redraws if needed and queues the window (widget_draw). */
void keybar_draw(struct keybar *kb)
{
	widget_draw(&kb->base);
}

/* Frees the hints and the bar. */
static void keybar_destroy(struct widget *w)
{
	struct keybar *kb = (struct keybar *)w;

	drop_hints(kb);
	free(kb);
}

/* Frees the bar and its window. */
void keybar_free(struct keybar *kb)
{
	widget_free(kb ? &kb->base : NULL);
}
