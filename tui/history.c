/* A history of samples since the console started, in a fixed number of
 * slots: when they fill up, neighbours merge and each slot covers twice
 * as many samples, so the whole span always fits (the stats pane's
 * sparklines). */
#include <string.h>

#include "tui/app.h"

/* Adds a sample: into the newest slot until it holds `per` samples; when
 * every slot is full, pairs merge and each slot covers twice as many. */
void history_push(struct history *h, double v)
{
	if (h->per == 0)
		h->per = 1;
	if (h->count > 0 && h->part < h->per) {
		double *last = &h->v[h->count - 1];
		*last = (*last * h->part + v) / (h->part + 1);
		h->part++;
		return;
	}
	if (h->count == HISTORY_SLOTS) {
		for (size_t i = 0; i < HISTORY_SLOTS / 2; i++)
			h->v[i] = (h->v[2 * i] + h->v[2 * i + 1]) / 2;
		h->count = HISTORY_SLOTS / 2;
		h->per *= 2;
	}
	h->v[h->count++] = v;
	h->part = 1;
}

/* The history squeezed into at most `cells` means, oldest first. */
size_t history_cells(const struct history *h, double *out, size_t cells)
{
	size_t per, n = 0;

	if (cells == 0 || h->count == 0)
		return 0;
	if (h->count <= cells) {
		memcpy(out, h->v, h->count * sizeof(*out));
		return h->count;
	}
	per = (h->count + cells - 1) / cells;
	for (size_t i = 0; i < h->count; i += per) {
		double sum = 0;
		size_t k;
		for (k = 0; k < per && i + k < h->count; k++)
			sum += h->v[i + k];
		out[n++] = sum / (double)k;
	}
	return n;
}
