/* Forms: labelled fields in a box, and two buttons. */
#include "widgets/form.h"

#include "widgets/lineedit.h"
#include "widgets/text.h"
#include "widgets/theme.h"

#include <stdlib.h>
#include <string.h>

#include "engine/core/alloc.h"

#define FIELD_MIN_WIDTH 30

enum field_kind { FIELD_TEXT, FIELD_CHECK, FIELD_CHOICE };

struct field {
	enum field_kind kind;
	char *label;
	struct lineedit edit;
	bool on;
	char **choices;
	size_t nchoices, choice;
};

struct form {
	struct widget base;
	char *title, *ok, *cancel, *error;
	struct field *fields;
	int n;
	int focus;
	int scroll; /* first field shown when they do not all fit */
};

static void form_draw_cb(struct widget *w);
static enum wkey_result form_key_cb(struct widget *w, wkey k);
static void form_destroy(struct widget *w);

static const struct widget_class form_class = {
	.name = "form",
	.draw = form_draw_cb,
	.key = form_key_cb,
	.destroy = form_destroy,
};

/* Makes an empty form with its two buttons. */
struct form *form_new(const char *title, const char *ok, const char *cancel)
{
	struct form *f = calloc(1, sizeof(*f));

	if (!f)
		abort();
	widget_init(&f->base, &form_class);
	f->title = xstrdup(title ? title : "");
	f->ok = xstrdup(ok ? ok : "OK");
	f->cancel = xstrdup(cancel ? cancel : "Cancel");
	return f;
}

/* Appends a field of a kind and returns it. */
static struct field *add_field(struct form *f, enum field_kind kind, const char *label)
{
	struct field *fd;

	f->fields = realloc(f->fields, (size_t)(f->n + 1) * sizeof(*f->fields));
	if (!f->fields)
		abort();
	fd = &f->fields[f->n++];
	memset(fd, 0, sizeof(*fd));
	fd->kind = kind;
	fd->label = xstrdup(label ? label : "");
	f->base.dirty = true;
	return fd;
}

/* Adds a text field. */
int form_add_text(struct form *f, const char *label, const char *value, size_t max_bytes)
{
	lineedit_init(&add_field(f, FIELD_TEXT, label)->edit, value, max_bytes);
	return f->n - 1;
}

/* Adds a checkbox. */
int form_add_check(struct form *f, const char *label, bool on)
{
	add_field(f, FIELD_CHECK, label)->on = on;
	return f->n - 1;
}

/* Adds a choice field, one of choices selected. */
int form_add_choice(struct form *f, const char *label, const char *const *choices, size_t n,
		    size_t selected)
{
	struct field *fd = add_field(f, FIELD_CHOICE, label);
	size_t i;

	fd->choices = calloc(n ? n : 1, sizeof(*fd->choices));
	if (!fd->choices)
		abort();
	for (i = 0; i < n; i++)
		fd->choices[i] = xstrdup(choices[i]);
	fd->nchoices = n;
	fd->choice = selected < n ? selected : 0;
	return f->n - 1;
}

/* The field numbered i if it is of the kind, else NULL. */
static const struct field *field_of(const struct form *f, int i, enum field_kind kind)
{
	return i >= 0 && i < f->n && f->fields[i].kind == kind ? &f->fields[i] : NULL;
}

/* A text field's value (NULL for another kind of field). */
const char *form_text(const struct form *f, int field)
{
	const struct field *fd = field_of(f, field, FIELD_TEXT);

	return fd ? lineedit_text(&fd->edit) : NULL;
}

/* A checkbox's state. */
bool form_checked(const struct form *f, int field)
{
	const struct field *fd = field_of(f, field, FIELD_CHECK);

	return fd && fd->on;
}

/* A choice field's selected index. */
size_t form_choice(const struct form *f, int field)
{
	const struct field *fd = field_of(f, field, FIELD_CHOICE);

	return fd ? fd->choice : 0;
}

/* Sets a text field's value. */
void form_set_text(struct form *f, int field, const char *value)
{
	struct field *fd = (struct field *)field_of(f, field, FIELD_TEXT);

	if (fd) {
		lineedit_set(&fd->edit, value);
		f->base.dirty = true;
	}
}

/* The focused field or button. */
int form_focus(const struct form *f)
{
	return f->focus;
}

/* Moves the focus to a field or button. */
void form_set_focus(struct form *f, int focus)
{
	if (focus >= 0 && focus < f->n + 2) {
		f->focus = focus;
		f->base.dirty = true;
	}
}

/* How many fields the form has. */
int form_fields(const struct form *f)
{
	return f->n;
}

/* A message under the fields (a validation error) until the next edit. */
void form_set_error(struct form *f, const char *message)
{
	free(f->error);
	f->error = message ? xstrdup(message) : NULL;
	f->base.dirty = true;
}

/* The widest label. */
static int label_width(const struct form *f)
{
	int i, w, max = 0;

	for (i = 0; i < f->n; i++)
		if ((w = text_width(f->fields[i].label)) > max)
			max = w;
	return max;
}

/* The size the form wants, box included. */
void form_size(const struct form *f, int *rows, int *cols)
{
	int buttons = text_width(f->ok) + text_width(f->cancel) + 10;
	int w = 2 + label_width(f) + 2 + FIELD_MIN_WIDTH + 2;

	/* Box, a blank row, fields, a message row, buttons. */
	*rows = f->n + 5;
	*cols = w > buttons + 4 ? w : buttons + 4;
	if (*cols < text_width(f->title) + 8)
		*cols = text_width(f->title) + 8;
}

/* Turns a choice field to the next (or previous) choice. */
static void turn(struct field *fd, bool forward)
{
	if (fd->nchoices)
		fd->choice = (fd->choice + (forward ? 1 : fd->nchoices - 1)) % fd->nchoices;
}

/* Keys for the focused field; WKEY_IGNORED when it does not take them. */
static enum wkey_result field_key(struct form *f, wkey k)
{
	struct field *fd;

	if (f->focus >= f->n) {
		if (k != WKEY_FN(KEY_LEFT) && k != WKEY_FN(KEY_RIGHT))
			return WKEY_IGNORED;
		f->focus = f->focus == f->n ? f->n + 1 : f->n;
		return WKEY_HANDLED;
	}
	fd = &f->fields[f->focus];
	switch (fd->kind) {
	case FIELD_TEXT:
		return lineedit_key(&fd->edit, k);
	case FIELD_CHECK:
		if (k != ' ')
			return WKEY_IGNORED;
		fd->on = !fd->on;
		return WKEY_CHANGED;
	case FIELD_CHOICE:
		if (k == ' ' || k == WKEY_FN(KEY_RIGHT))
			turn(fd, true);
		else if (k == WKEY_FN(KEY_LEFT))
			turn(fd, false);
		else
			return WKEY_IGNORED;
		return WKEY_CHANGED;
	}
	return WKEY_IGNORED;
}

/* Moves between fields, edits the focused one, submits or cancels. */
enum wkey_result form_key(struct form *f, wkey k)
{
	enum wkey_result r;
	int stops = f->n + 2;

	f->base.dirty = true;
	if (k == WKEY_ESC)
		return WKEY_CANCEL;
	if (wkey_is_enter(k))
		return f->focus == f->n + 1 ? WKEY_CANCEL : WKEY_SUBMIT;
	if (k == '\t' || k == WKEY_FN(KEY_DOWN)) {
		f->focus = (f->focus + 1) % stops;
		return WKEY_HANDLED;
	}
	if (k == WKEY_FN(KEY_BTAB) || k == WKEY_FN(KEY_UP)) {
		f->focus = (f->focus + stops - 1) % stops;
		return WKEY_HANDLED;
	}
	r = field_key(f, k);
	if (r == WKEY_CHANGED && f->error) {
		free(f->error);
		f->error = NULL;
	}
	return r;
}

/* Draws field i on row y; returns the cursor column for a focused text
 * field, else -1. */
static int draw_field(struct form *f, int i, int y, int lw)
{
	struct field *fd = &f->fields[i];
	WINDOW *win = f->base.win;
	bool focused = i == f->focus;
	attr_t field = theme_attr(focused ? THEME_FORM_FIELD_FOCUS : THEME_FORM_FIELD);
	int x = 2 + lw + 2, width = f->base.cols - x - 2, cx = -1;

	text_draw(win, y, 2, lw, fd->label, theme_attr(THEME_FORM_LABEL), TEXT_LEFT);
	if (width <= 0)
		return -1;
	switch (fd->kind) {
	case FIELD_TEXT:
		cx = lineedit_draw(&fd->edit, win, y, x, width, field);
		if (!focused)
			cx = -1;
		break;
	case FIELD_CHECK:
		text_draw(win, y, x, width < 3 ? width : 3, fd->on ? "[x]" : "[ ]", field,
			  TEXT_LEFT);
		break;
	case FIELD_CHOICE:
		wmove(win, y, x);
		x += text_add(win, width, "< ", field);
		x += text_add(win, f->base.cols - 2 - x,
			      fd->nchoices ? fd->choices[fd->choice] : "", field);
		text_add(win, f->base.cols - 2 - x, " >", field);
		break;
	}
	return cx;
}

/* Draws a button: "[ label ]". */
static void draw_button(struct form *f, const char *label, bool focused)
{
	attr_t attr = theme_attr(focused ? THEME_BUTTON_FOCUS : THEME_BUTTON);
	int room = f->base.cols - 1 - getcurx(f->base.win);

	room -= text_add(f->base.win, room, "[ ", attr);
	room -= text_add(f->base.win, room, label, attr);
	text_add(f->base.win, room, " ]", attr);
}

/* Draws the two buttons, centred on row y. */
static void draw_buttons(struct form *f, int y)
{
	int w = text_width(f->ok) + text_width(f->cancel) + 10, x = (f->base.cols - w) / 2;

	wmove(f->base.win, y, x > 1 ? x : 1);
	draw_button(f, f->ok, f->focus == f->n);
	text_add(f->base.win, f->base.cols - 1 - getcurx(f->base.win), "  ",
		 theme_attr(THEME_DIALOG));
	draw_button(f, f->cancel, f->focus == f->n + 1);
}

/* Draws the box, the fields that fit, the message and the buttons. */
static void form_draw_cb(struct widget *w)
{
	struct form *f = (struct form *)w;
	int lw = label_width(f), room = w->rows - 5, i, y, cx, cursor_y = -1, cursor_x = -1;

	widget_erase(w, THEME_DIALOG);
	widget_frame(w, f->title);
	if (lw > (w->cols - 6) / 2)
		lw = (w->cols - 6) / 2;
	if (room < 1)
		room = 1;
	if (f->focus < f->n && f->focus < f->scroll)
		f->scroll = f->focus;
	if (f->focus < f->n && f->focus >= f->scroll + room)
		f->scroll = f->focus - room + 1;
	for (i = f->scroll, y = 2; i < f->n && y < 2 + room; i++, y++) {
		cx = draw_field(f, i, y, lw);
		if (cx >= 0) {
			cursor_y = y;
			cursor_x = cx;
		}
	}
	if (f->error && w->rows >= 4)
		text_draw(w->win, w->rows - 3, 2, w->cols - 4, f->error, theme_attr(THEME_ERROR),
			  TEXT_LEFT);
	if (w->rows >= 3)
		draw_buttons(f, w->rows - 2);
	w->cursor = cursor_y >= 0;
	if (w->cursor)
		wmove(w->win, cursor_y, cursor_x);
}

/* Redraws if needed and queues the window (widget_draw). */
void form_draw(struct form *f)
{
	widget_draw(&f->base);
}

/* The class's key entry. */
static enum wkey_result form_key_cb(struct widget *w, wkey k)
{
	return form_key((struct form *)w, k);
}

/* Frees the fields and the form. */
static void form_destroy(struct widget *w)
{
	struct form *f = (struct form *)w;
	int i;
	size_t c;

	for (i = 0; i < f->n; i++) {
		struct field *fd = &f->fields[i];

		free(fd->label);
		if (fd->kind == FIELD_TEXT)
			lineedit_free(&fd->edit);
		for (c = 0; c < fd->nchoices; c++)
			free(fd->choices[c]);
		free(fd->choices);
	}
	free(f->fields);
	free(f->title);
	free(f->ok);
	free(f->cancel);
	free(f->error);
	free(f);
}

/* Frees the form and its window. */
void form_free(struct form *f)
{
	widget_free(f ? &f->base : NULL);
}
