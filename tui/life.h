/* A container's life from its events, for the detail pane (life.c). */
#ifndef BERTH_TUI_LIFE_H
#define BERTH_TUI_LIFE_H

#include <jansson.h>

struct app;
struct life;
struct table;

struct life *life_new(struct app *app);
void life_free(struct life *l);
/* The table the pane places and draws. */
struct table *life_table(struct life *l);
/* Shows this container's events, following new ones. */
void life_open(struct life *l, const char *id);
/* The logging row, from the container's inspect document. */
void life_set_logging(struct life *l, json_t *inspect);
/* Stops following. */
void life_close(struct life *l);

#endif
