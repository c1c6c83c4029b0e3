/* A dialog box over the console. A confirm dialog lists what an action
 * will do (one line per container for a bulk action), scrolls the list
 * with Up/Down, and asks with two buttons: y or Enter on the first submits,
 * n, Esc or Enter on the second cancels; Tab and Left/Right move between
 * the buttons, and the second (the safe one) has the focus at first. A
 * menu dialog lists choices: Up/Down select, Enter or 1-9 submit, Esc
 * cancels. */
#ifndef BERTH_WIDGETS_DIALOG_H
#define BERTH_WIDGETS_DIALOG_H

#include "widgets/widget.h"

#include <stddef.h>

enum dialog_kind { DIALOG_CONFIRM, DIALOG_MENU };

struct dialog;

/* A dialog with a title and a message line above the list (may be NULL). */
struct dialog *dialog_new(enum dialog_kind kind, const char *title, const char *message);

/* Adds a line to the list (a menu's choice). */
void dialog_add(struct dialog *d, const char *line);

/* Button labels of a confirm dialog (default "Yes" and "No"). */
void dialog_set_buttons(struct dialog *d, const char *yes, const char *no);

/* After WKEY_SUBMIT: the menu line chosen, or 1 for a confirm dialog. */
int dialog_choice(const struct dialog *d);

/* The first list line in the window. */
size_t dialog_top(const struct dialog *d);

/* The size the dialog wants within max_rows x max_cols, box included. */
void dialog_size(const struct dialog *d, int max_rows, int max_cols, int *rows, int *cols);

enum wkey_result dialog_key(struct dialog *d, wkey k);

/* Redraws if needed and queues the window (widget_draw). */
void dialog_draw(struct dialog *d);

void dialog_free(struct dialog *d);

#endif
