/* The key-hint bar, htop style: each hint is its key followed by what it
 * does ("F1Help  F2Setup"), in the keybar.key and keybar.label colours.
 * Hints that do not fit are left out whole, from the end. */
#ifndef BERTH_WIDGETS_KEYBAR_H
#define BERTH_WIDGETS_KEYBAR_H

#include "widgets/widget.h"

#include <stddef.h>

struct keyhint {
	const char *key;
	const char *label;
};

struct keybar;

struct keybar *keybar_new(void);

/* Replaces the hints (copied). */
void keybar_set(struct keybar *kb, const struct keyhint *hints, size_t n);

/* How many hints fit in the window at the last draw. */
size_t keybar_shown(const struct keybar *kb);

/* Redraws if needed and queues the window (widget_draw). */
void keybar_draw(struct keybar *kb);

void keybar_free(struct keybar *kb);

#endif
