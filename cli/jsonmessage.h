/* Docker's JSON message streams (pull, push) shown as the docker CLI shows
 * them (jsonmessage.DisplayJSONMessagesStream): on a terminal one line per
 * layer id, redrawn in place with its progress bar sized to the terminal;
 * otherwise plain status lines, progress updates left out. */
#ifndef BERTH_CLI_JSONMESSAGE_H
#define BERTH_CLI_JSONMESSAGE_H

#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

struct jsonmessage_view {
	FILE *out;
	bool terminal;
	int width;    /* the terminal's columns */
	json_t *ids;  /* layer id -> its line, counted from the first */
};

/* A view on out (a terminal when its fd is one). */
void jsonmessage_view_init(struct jsonmessage_view *v, FILE *out);
void jsonmessage_view_free(struct jsonmessage_view *v);

/* Shows one message. */
void jsonmessage_show(struct jsonmessage_view *v, json_t *message);

#endif
