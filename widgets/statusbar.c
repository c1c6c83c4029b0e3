/* Header and status line: left and right texts on one row. */
#include "widgets/statusbar.h"

#include "widgets/text.h"
#include "widgets/theme.h"

#include <stdlib.h>
#include <string.h>

struct statusbar {
	struct widget base;
	int role, message_role;
	char *left, *right, *message;
};

static void statusbar_draw_cb(struct widget *w);
static void statusbar_destroy(struct widget *w);

static const struct widget_class statusbar_class = {
	.name = "statusbar",
	.draw = statusbar_draw_cb,
	.destroy = statusbar_destroy,
};

/* Replaces *slot with a copy of text; true when it changed. */
static bool replace(char **slot, const char *text)
{
	if ((*slot == NULL && text == NULL) || (*slot && text && strcmp(*slot, text) == 0))
		return false;
	free(*slot);
	*slot = text ? strdup(text) : NULL;
	if (text && !*slot)
		abort();
	return true;
}

/* Makes an empty bar drawn in a theme role. */
struct statusbar *statusbar_new(int role)
{
	struct statusbar *s = calloc(1, sizeof(*s));

	if (!s)
		abort();
	widget_init(&s->base, &statusbar_class);
	s->role = role;
	return s;
}

/* Sets the left and right texts (NULL: empty). */
void statusbar_set(struct statusbar *s, const char *left, const char *right)
{
	/* Both, not ||: each must be replaced. */
	bool changed = replace(&s->left, left);

	changed |= replace(&s->right, right);
	if (changed)
		s->base.dirty = true;
}

/* Shows a message in place of the left text; NULL clears it. */
void statusbar_message(struct statusbar *s, int role, const char *text)
{
	if (replace(&s->message, text) || s->message_role != role)
		s->base.dirty = true;
	s->message_role = role;
}

/* Draws the row: right text first (it is short and says the state), the
 * left text or message in what is left. */
static void statusbar_draw_cb(struct widget *w)
{
	struct statusbar *s = (struct statusbar *)w;
	int rw = text_width(s->right), room;

	widget_erase(w, s->role);
	if (rw > w->cols / 2)
		rw = w->cols / 2;
	if (rw > 0)
		text_draw(w->win, 0, w->cols - rw, rw, s->right, theme_attr(s->role), TEXT_RIGHT);
	room = w->cols - rw - (rw > 0 ? 1 : 0);
	if (s->message)
		text_draw(w->win, 0, 0, room, s->message, theme_attr(s->message_role), TEXT_LEFT);
	else
		text_draw(w->win, 0, 0, room, s->left, theme_attr(s->role), TEXT_LEFT);
}

/* Redraws if needed and queues the window (widget_draw). */
void statusbar_draw(struct statusbar *s)
{
	widget_draw(&s->base);
}

/* Frees the texts and the bar. */
static void statusbar_destroy(struct widget *w)
{
	struct statusbar *s = (struct statusbar *)w;

	free(s->left);
	free(s->right);
	free(s->message);
	free(s);
}

/* Frees the bar and its window. */
void statusbar_free(struct statusbar *s)
{
	widget_free(s ? &s->base : NULL);
}
