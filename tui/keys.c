/* The key table: every key, the panes where it works, what it does. */
#include "tui/keys.h"

#include <stdio.h>
#include <string.h>

#define C PANE_BIT(PANE_CONTAINERS)
#define I PANE_BIT(PANE_IMAGES)
#define N PANE_BIT(PANE_NETWORKS)
#define V PANE_BIT(PANE_VOLUMES)
#define S PANE_BIT(PANE_STATS)
#define L PANE_BIT(PANE_LOGS)
#define D PANE_BIT(PANE_DETAIL)
#define ALL PANES_ALL
#define LISTS (C | I | N | V | S)
#define FN(k) WKEY_FN(k)
#define CTRL(c) WKEY_CTRL(c)

/* Pane-specific bindings come before the ones that work everywhere, so a
 * pane can give a key its own meaning (l is logs in a list, a letter like
 * any other in the logs pane's prompt). Entries without a section are
 * aliases of the entry above them. */
const struct key_binding keys_table[] = {
	/* containers (and the stats pane, which lists the running ones) */
	{C | S, '\r', ACT_OPEN, "Containers", "Enter", "Details: inspect, env, mounts, top", NULL},
	{C | S, '\n', ACT_OPEN, NULL, NULL, NULL, NULL},
	{C | S, FN(KEY_ENTER), ACT_OPEN, NULL, NULL, NULL, NULL},
	{C | S, 'l', ACT_LOGS, "Containers", "l", "Logs of the selection (of the marks, merged)", "Logs"},
	{C | S, 'u', ACT_START, "Containers", "u", "Start (up)", "Start"},
	{C | S, 's', ACT_STOP, "Containers", "s", "Stop", "Stop"},
	{C | S, 'r', ACT_RESTART, "Containers", "r", "Restart", "Restart"},
	{C | S, 'K', ACT_KILL, "Containers", "K", "Kill (asks first)", NULL},
	{C | S, 'p', ACT_PAUSE, "Containers", "p", "Pause or unpause", "Pause"},
	{C | S, 'd', ACT_REMOVE, "Containers", "d", "Remove (asks first)", "Remove"},
	{C | S, 'D', ACT_REMOVE_FORCE, "Containers", "D", "Remove by force, running or not (asks first)", NULL},
	{C | S, 'N', ACT_RENAME, "Containers", "N", "Rename", NULL},
	{C | S, 'e', ACT_EXEC, "Containers", "e", "Shell in the container (exec -it sh)", "Exec"},
	{C | S, 'a', ACT_ATTACH, "Containers", "a", "Attach (leave: Ctrl-P Ctrl-Q with -i, else Ctrl-C)", NULL},
	{C, 'R', ACT_RUN, "Containers", "R", "Run a new container (a form)", "Run"},
	{C | S, 'c', ACT_COMMIT, "Containers", "c", "Commit to an image", NULL},

	/* images */
	{I, '\r', ACT_OPEN, "Images", "Enter", "Inspect the image", NULL},
	{I, '\n', ACT_OPEN, NULL, NULL, NULL, NULL},
	{I, FN(KEY_ENTER), ACT_OPEN, NULL, NULL, NULL, NULL},
	{I, 'R', ACT_RUN, "Images", "R", "Run a container of the image (a form)", "Run"},
	{I, 't', ACT_TAG, "Images", "t", "Tag", "Tag"},
	{I, 'p', ACT_PULL, "Images", "p", "Pull an image (Tab completes local names)", "Pull"},
	{I, 'u', ACT_PUSH, "Images", "u", "Push the image (upload)", "Push"},
	{I, 'b', ACT_BUILD, "Images", "b", "Build an image from a Dockerfile (a form, then its steps live)", "Build"},
	{I, 'd', ACT_REMOVE, "Images", "d", "Remove (asks first)", "Remove"},
	{I, 'D', ACT_REMOVE_FORCE, "Images", "D", "Remove by force (asks first)", NULL},
	{I, 'P', ACT_PRUNE, "Images", "P", "Prune dangling images (asks first)", "Prune"},

	/* volumes */
	{N, '\r', ACT_OPEN, "Networks", "Enter", "Inspect the network (its containers and addresses)", NULL},
	{N, '\n', ACT_OPEN, NULL, NULL, NULL, NULL},
	{N, FN(KEY_ENTER), ACT_OPEN, NULL, NULL, NULL, NULL},
	{N, 'n', ACT_NET_CREATE, "Networks", "n", "Create a network (a form)", "New"},
	{N, 'c', ACT_NET_CONNECT, "Networks", "c", "Connect a container to the network", "Connect"},
	{N, 'x', ACT_NET_DISCONNECT, "Networks", "x", "Disconnect a container from the network", NULL},
	{N, 'd', ACT_REMOVE, "Networks", "d", "Remove (asks first)", "Remove"},
	{N, 'P', ACT_PRUNE, "Networks", "P", "Prune unused networks (asks first)", "Prune"},
	{V, '\r', ACT_OPEN, "Volumes", "Enter", "Inspect the volume", NULL},
	{V, '\n', ACT_OPEN, NULL, NULL, NULL, NULL},
	{V, FN(KEY_ENTER), ACT_OPEN, NULL, NULL, NULL, NULL},
	{V, 'd', ACT_REMOVE, "Volumes", "d", "Remove (asks first)", "Remove"},
	{V, 'P', ACT_PRUNE, "Volumes", "P", "Prune unused volumes (asks first)", "Prune"},

	/* logs */
	{L, '/', ACT_FILTER, "Logs", "/", "Search as you type; matches highlighted", "Search"},
	{L, 'n', ACT_SEARCH_NEXT, "Logs", "n, N", "Next / previous match", NULL},
	{L, 'N', ACT_SEARCH_PREV, NULL, NULL, NULL, NULL},
	{L, 'f', ACT_FOLLOW, "Logs", "f", "Follow the newest line on or off", "Follow"},
	{L, 't', ACT_TIMESTAMPS, "Logs", "t", "Timestamps on or off", "Time"},
	{L, 'w', ACT_WRAP, "Logs", "w", "Wrap long lines on or off", "Wrap"},
	{L, '&', ACT_LOG_FILTER, "Logs", "&", "Keep only lines that match (empty: all)", "Filter"},
	{L, 'C', ACT_CONTEXT, "Logs", "C", "Context lines around filter matches: 0, 1, 3, 5", NULL},
	{L, 'S', ACT_SINCE, "Logs", "S", "Jump to a time: logs since 10m, 1h, 2024-05-01T10:00", "Since"},
	{L, 'x', ACT_CLEAR, "Logs", "x", "Clear the view", NULL},
	{L, FN(KEY_LEFT), ACT_LEFT, "Logs", "Left, Right", "Scroll sideways (without wrap)", NULL},
	{L, FN(KEY_RIGHT), ACT_RIGHT, NULL, NULL, NULL, NULL},

	/* detail */
	{D, ']', ACT_VIEW_NEXT, "Detail", "], [", "Next / previous view: inspect, env, mounts, top, life ([ from inspect)", "View"},
	{D, '[', ACT_VIEW_PREV, NULL, NULL, NULL, NULL},
	{D, 'z', ACT_FOLD_ALL, "Detail", "z, Z", "Fold to the top level / unfold everything", "Fold"},
	{D, 'Z', ACT_UNFOLD_ALL, NULL, NULL, NULL, NULL},
	{D, 'r', ACT_REFRESH, "Detail", "r", "Read the object again", "Reload"},
	{D, 'l', ACT_LOGS, "Detail", "l", "Logs of the container shown", "Logs"},
	{D, 'e', ACT_EXEC, "Detail", "e", "Shell in the container shown", NULL},

	/* lists */
	{C | I | N | V, ' ', ACT_MARK, "Lists", "Space", "Mark or unmark the row", "Mark"},
	{C | I | N | V, '*', ACT_MARK_ALL, "Lists", "*", "Mark every row shown (again: unmark)", NULL},
	{LISTS, '>', ACT_SORT_NEXT, "Lists", ">, <", "Sort by the next / previous column", "Sort"},
	{LISTS, '<', ACT_SORT_PREV, NULL, NULL, NULL, NULL},
	{LISTS, 'I', ACT_SORT_INVERT, "Lists", "I", "Reverse the sort order", NULL},
	{LISTS, '/', ACT_FILTER, "Lists", "/", "Filter rows as you type (every word must match)", "Filter"},

	/* moving, everywhere */
	{ALL, 'j', ACT_DOWN, "Moving", "j, Down", "Down one row", NULL},
	{ALL, FN(KEY_DOWN), ACT_DOWN, NULL, NULL, NULL, NULL},
	{ALL, 'k', ACT_UP, "Moving", "k, Up", "Up one row", NULL},
	{ALL, FN(KEY_UP), ACT_UP, NULL, NULL, NULL, NULL},
	{ALL, 'g', ACT_TOP, "Moving", "g, Home", "To the top", NULL},
	{ALL, FN(KEY_HOME), ACT_TOP, NULL, NULL, NULL, NULL},
	{ALL, 'G', ACT_BOTTOM, "Moving", "G, End", "To the bottom (logs: follow again)", NULL},
	{ALL, FN(KEY_END), ACT_BOTTOM, NULL, NULL, NULL, NULL},
	{ALL, FN(KEY_NPAGE), ACT_PAGE_DOWN, "Moving", "PgDn, Ctrl-F", "Down a page", NULL},
	{ALL, CTRL('f'), ACT_PAGE_DOWN, NULL, NULL, NULL, NULL},
	{ALL, FN(KEY_PPAGE), ACT_PAGE_UP, "Moving", "PgUp, Ctrl-B", "Up a page", NULL},
	{ALL, CTRL('b'), ACT_PAGE_UP, NULL, NULL, NULL, NULL},
	{ALL, CTRL('d'), ACT_HALF_DOWN, "Moving", "Ctrl-D, Ctrl-U", "Down / up half a page", NULL},
	{ALL, CTRL('u'), ACT_HALF_UP, NULL, NULL, NULL, NULL},

	/* everywhere */
	{ALL, '?', ACT_HELP, "Everywhere", "?, F1", "This help", "Help"},
	{ALL, FN(KEY_F(1)), ACT_HELP, NULL, NULL, NULL, NULL},
	{ALL, '\t', ACT_PANE_NEXT, "Everywhere", "Tab, Shift-Tab", "Next / previous pane", NULL},
	{ALL, FN(KEY_BTAB), ACT_PANE_PREV, NULL, NULL, NULL, NULL},
	{ALL, '1', ACT_PANE_1 + PANE_CONTAINERS, "Everywhere", "1 ... 7",
	 "Containers, images, networks, volumes, stats, logs, detail", NULL},
	{ALL, '2', ACT_PANE_1 + PANE_IMAGES, NULL, NULL, NULL, NULL},
	{ALL, '3', ACT_PANE_1 + PANE_NETWORKS, NULL, NULL, NULL, NULL},
	{ALL, '4', ACT_PANE_1 + PANE_VOLUMES, NULL, NULL, NULL, NULL},
	{ALL, '5', ACT_PANE_1 + PANE_STATS, NULL, NULL, NULL, NULL},
	{ALL, '6', ACT_PANE_1 + PANE_LOGS, NULL, NULL, NULL, NULL},
	{ALL, '7', ACT_PANE_1 + PANE_DETAIL, NULL, NULL, NULL, NULL},
	{ALL, ':', ACT_COMMAND, "Everywhere", ":", "Command line: the CLI's commands (:stop web, :run -d ...)", "Cmd"},
	{ALL, 'y', ACT_COPY, "Everywhere", "y", "Copy the selected ID (logs: the line) to the clipboard (OSC 52)", NULL},
	{ALL, 'T', ACT_THEME, "Everywhere", "T", "Next theme: dark, light, high-contrast, monochrome", NULL},
	{ALL, 'M', ACT_MOUSE, "Everywhere", "M", "Mouse on or off", NULL},
	{ALL, CTRL('l'), ACT_REDRAW, "Everywhere", "Ctrl-L", "Redraw the screen", NULL},
	{ALL, WKEY_ESC, ACT_ESCAPE, "Everywhere", "Esc", "Clear the filter, the marks and the message", NULL},
	{ALL, 'q', ACT_QUIT, "Everywhere", "q, F10, Ctrl-C", "Quit (containers keep running)", "Quit"},
	{ALL, FN(KEY_F(10)), ACT_QUIT, NULL, NULL, NULL, NULL},
	{ALL, CTRL('c'), ACT_QUIT, NULL, NULL, NULL, NULL},
};

const size_t keys_count = sizeof(keys_table) / sizeof(keys_table[0]);

static const char *const pane_names[PANE_COUNT] = {
	"Containers", "Images", "Networks", "Volumes", "Stats", "Logs", "Detail",
};

/* The action of a key in a pane. */
enum tui_action keys_lookup(enum pane_id pane, wkey k)
{
	for (size_t i = 0; i < keys_count; i++)
		if ((keys_table[i].panes & PANE_BIT(pane)) && keys_table[i].key == k)
			return keys_table[i].action;
	return ACT_NONE;
}

/* The first binding of an action in a pane. */
const struct key_binding *keys_binding(enum pane_id pane, enum tui_action action)
{
	for (size_t i = 0; i < keys_count; i++)
		if ((keys_table[i].panes & PANE_BIT(pane)) && keys_table[i].action == action)
			return &keys_table[i];
	return NULL;
}

/* A pane's name. */
const char *keys_pane_name(enum pane_id pane)
{
	return pane >= 0 && pane < PANE_COUNT ? pane_names[pane] : "";
}

/* The key as the hint bar shows it: its first word in the help ("q"). */
static const char *hint_key(const struct key_binding *b)
{
	static char names[sizeof(keys_table) / sizeof(keys_table[0])][12];
	size_t i = (size_t)(b - keys_table);

	snprintf(names[i], sizeof(names[i]), "%.*s", (int)strcspn(b->keys, ","), b->keys);
	return names[i];
}

/* Cells a hint takes in the bar: key, label and a blank. */
static int hint_width(const struct keyhint *h)
{
	return (int)(strlen(h->key) + strlen(h->label) + 1);
}

/* The hints of a pane: its own first, then the ones for everywhere; the
 * pane's last ones go when the bar is too narrow for all. */
size_t keys_hints(enum pane_id pane, struct keyhint *hints, size_t max, int cols)
{
	size_t n = 0, own = 0;
	int width = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < keys_count && n < max; i++) {
			const struct key_binding *b = &keys_table[i];
			bool everywhere = b->panes == PANES_ALL;
			if (!b->hint || !(b->panes & PANE_BIT(pane)) || everywhere != (pass == 1))
				continue;
			/* A key a pane took over for itself is not offered again. */
			if (keys_lookup(pane, b->key) != b->action)
				continue;
			hints[n].key = hint_key(b);
			hints[n].label = b->hint;
			width += hint_width(&hints[n]);
			n++;
		}
		if (pass == 0)
			own = n;
	}
	while (width > cols && own > 0) {
		width -= hint_width(&hints[own - 1]);
		memmove(&hints[own - 1], &hints[own], (n - own) * sizeof(*hints));
		own--;
		n--;
	}
	return n;
}

/* Every section of the table, in the order of first appearance. */
void keys_fill_help(struct help *h)
{
	static const char *const order[] = {"Everywhere", "Moving", "Lists", "Containers",
					    "Images",	  "Volumes", "Logs",  "Detail"};

	for (size_t s = 0; s < sizeof(order) / sizeof(order[0]); s++) {
		help_add_section(h, order[s]);
		for (size_t i = 0; i < keys_count; i++) {
			const struct key_binding *b = &keys_table[i];
			if (b->section && strcmp(b->section, order[s]) == 0)
				help_add(h, b->keys, b->help);
		}
	}
}
