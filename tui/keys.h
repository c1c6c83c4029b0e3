/* The console's one key table, htop style: every key of every pane mapped
 * to an action, with the words the help overlay and the key-hint bar show.
 * Looking a key up needs no terminal (tested on its own). */
#ifndef BERTH_TUI_KEYS_H
#define BERTH_TUI_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "widgets/help.h"
#include "widgets/keybar.h"
#include "widgets/widget.h"

enum pane_id {
	PANE_CONTAINERS,
	PANE_IMAGES,
	PANE_NETWORKS,
	PANE_VOLUMES,
	PANE_STATS,
	PANE_LOGS,
	PANE_DETAIL,
	PANE_COUNT
};

#define PANE_BIT(p) (1u << (p))
#define PANES_ALL ((1u << PANE_COUNT) - 1)

enum tui_action {
	ACT_NONE,
	/* everywhere */
	ACT_QUIT,
	ACT_HELP,
	ACT_PANE_NEXT,
	ACT_PANE_PREV,
	ACT_PANE_1, /* ACT_PANE_1 + n goes to pane n */
	ACT_PANE_7 = ACT_PANE_1 + PANE_COUNT - 1,
	ACT_COMMAND,
	ACT_FILTER,
	ACT_COPY,
	ACT_THEME,
	ACT_MOUSE,
	ACT_REDRAW,
	ACT_ESCAPE,
	/* moving */
	ACT_UP,
	ACT_DOWN,
	ACT_TOP,
	ACT_BOTTOM,
	ACT_PAGE_UP,
	ACT_PAGE_DOWN,
	ACT_HALF_UP,
	ACT_HALF_DOWN,
	ACT_LEFT,
	ACT_RIGHT,
	/* lists */
	ACT_MARK,
	ACT_MARK_ALL,
	ACT_SORT_NEXT,
	ACT_SORT_PREV,
	ACT_SORT_INVERT,
	ACT_OPEN,
	/* containers */
	ACT_LOGS,
	ACT_START,
	ACT_STOP,
	ACT_RESTART,
	ACT_KILL,
	ACT_PAUSE,
	ACT_REMOVE,
	ACT_REMOVE_FORCE,
	ACT_RENAME,
	ACT_EXEC,
	ACT_ATTACH,
	ACT_RUN,
	ACT_COMMIT,
	/* images and volumes */
	ACT_TAG,
	ACT_PULL,
	ACT_PUSH,
	ACT_BUILD,
	ACT_PRUNE,
	/* networks */
	ACT_NET_CREATE,
	ACT_NET_CONNECT,
	ACT_NET_DISCONNECT,
	/* logs */
	ACT_SEARCH_NEXT,
	ACT_SEARCH_PREV,
	ACT_FOLLOW,
	ACT_TIMESTAMPS,
	ACT_WRAP,
	ACT_LOG_FILTER,
	ACT_CONTEXT,
	ACT_SINCE,
	ACT_CLEAR,
	/* detail */
	ACT_VIEW_NEXT,
	ACT_VIEW_PREV,
	ACT_FOLD_ALL,
	ACT_UNFOLD_ALL,
	ACT_REFRESH,
	ACT_COUNT
};

struct key_binding {
	unsigned panes;      /* PANE_BIT()s where the key means this */
	wkey key;
	enum tui_action action;
	const char *section; /* help section; NULL: an alias left out of the help */
	const char *keys;    /* the keys as the help shows them ("j, Down") */
	const char *help;    /* what it does */
	const char *hint;    /* label in the key-hint bar, or NULL */
};

extern const struct key_binding keys_table[];
extern const size_t keys_count;

/* The action of a key in a pane (ACT_NONE: the pane's widget gets it). */
enum tui_action keys_lookup(enum pane_id pane, wkey k);

/* The first binding of an action in a pane, or NULL. */
const struct key_binding *keys_binding(enum pane_id pane, enum tui_action action);

/* The pane's name ("Containers"). */
const char *keys_pane_name(enum pane_id pane);

/* Fills hints with the key-hint bar of a pane, for a bar cols cells wide:
 * the pane's own keys, then help, command line and quit, which stay when
 * the bar is narrow (the pane's last hints go instead). Returns how many;
 * the strings are static. */
size_t keys_hints(enum pane_id pane, struct keyhint *hints, size_t max, int cols);

/* Fills the help overlay with every section and binding. */
void keys_fill_help(struct help *h);

#endif
