/* The console's logic that needs no terminal: the key table (lookups per
 * pane, no binding hidden behind another, hints that keep help and quit on
 * a narrow bar), the text helpers (sizes, ages, states, log times, base64),
 * the ":" line's words and which commands need the terminal, and the
 * history behind the sparklines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/app.h"
#include "tui/format.h"
#include "tui/keys.h"

/* Vim, less and arrow keys mean the same in every pane. */
static void test_moving_keys(void **state)
{
	(void)state;
	for (int p = 0; p < PANE_COUNT; p++) {
		assert_int_equal(keys_lookup(p, 'j'), ACT_DOWN);
		assert_int_equal(keys_lookup(p, WKEY_FN(KEY_DOWN)), ACT_DOWN);
		assert_int_equal(keys_lookup(p, 'k'), ACT_UP);
		assert_int_equal(keys_lookup(p, 'g'), ACT_TOP);
		assert_int_equal(keys_lookup(p, 'G'), ACT_BOTTOM);
		assert_int_equal(keys_lookup(p, WKEY_FN(KEY_NPAGE)), ACT_PAGE_DOWN);
		assert_int_equal(keys_lookup(p, WKEY_FN(KEY_PPAGE)), ACT_PAGE_UP);
		assert_int_equal(keys_lookup(p, 'q'), ACT_QUIT);
		assert_int_equal(keys_lookup(p, '?'), ACT_HELP);
		assert_int_equal(keys_lookup(p, ':'), ACT_COMMAND);
		assert_int_equal(keys_lookup(p, '\t'), ACT_PANE_NEXT);
		assert_int_equal(keys_lookup(p, '1' + p), ACT_PANE_1 + p);
		/* the detail pane's tree has nothing to filter */
		assert_int_equal(keys_lookup(p, '/'), p == PANE_DETAIL ? ACT_NONE : ACT_FILTER);
	}
}

/* A key means what its pane says. */
static void test_pane_keys(void **state)
{
	(void)state;
	assert_int_equal(keys_lookup(PANE_CONTAINERS, 's'), ACT_STOP);
	assert_int_equal(keys_lookup(PANE_CONTAINERS, 'l'), ACT_LOGS);
	assert_int_equal(keys_lookup(PANE_CONTAINERS, ' '), ACT_MARK);
	assert_int_equal(keys_lookup(PANE_CONTAINERS, '\r'), ACT_OPEN);
	assert_int_equal(keys_lookup(PANE_STATS, 'e'), ACT_EXEC);
	assert_int_equal(keys_lookup(PANE_IMAGES, 't'), ACT_TAG);
	assert_int_equal(keys_lookup(PANE_IMAGES, 'd'), ACT_REMOVE);
	assert_int_equal(keys_lookup(PANE_VOLUMES, 'P'), ACT_PRUNE);
	assert_int_equal(keys_lookup(PANE_LOGS, 'n'), ACT_SEARCH_NEXT);
	assert_int_equal(keys_lookup(PANE_LOGS, 'N'), ACT_SEARCH_PREV);
	assert_int_equal(keys_lookup(PANE_LOGS, 't'), ACT_TIMESTAMPS);
	assert_int_equal(keys_lookup(PANE_LOGS, '&'), ACT_LOG_FILTER);
	assert_int_equal(keys_lookup(PANE_DETAIL, ']'), ACT_VIEW_NEXT);
	assert_int_equal(keys_lookup(PANE_DETAIL, 'r'), ACT_REFRESH);
	/* Keys a pane leaves to its widget: the tree folds on Enter and space. */
	assert_int_equal(keys_lookup(PANE_DETAIL, '\r'), ACT_NONE);
	assert_int_equal(keys_lookup(PANE_DETAIL, ' '), ACT_NONE);
	assert_int_equal(keys_lookup(PANE_LOGS, 's'), ACT_NONE);
	assert_int_equal(keys_lookup(PANE_NETWORKS, 'd'), ACT_REMOVE);
	assert_int_equal(keys_lookup(PANE_NETWORKS, 'n'), ACT_NET_CREATE);
	assert_int_equal(keys_lookup(PANE_NETWORKS, 'c'), ACT_NET_CONNECT);
	assert_int_equal(keys_lookup(PANE_NETWORKS, 'x'), ACT_NET_DISCONNECT);
	assert_int_equal(keys_lookup(PANE_IMAGES, 'n'), ACT_NONE);
	assert_int_equal(keys_lookup(PANE_CONTAINERS, 'x'), ACT_NONE);
}

/* Every binding works somewhere: none is hidden by an earlier one in every
 * pane it names; every action with a help line is reachable. */
static void test_no_dead_bindings(void **state)
{
	(void)state;
	for (size_t i = 0; i < keys_count; i++) {
		const struct key_binding *b = &keys_table[i];
		bool live = false;
		for (int p = 0; p < PANE_COUNT; p++)
			if ((b->panes & PANE_BIT(p)) && keys_lookup(p, b->key) == b->action)
				live = true;
		if (!live)
			fail_msg("binding %zu (%s) is hidden everywhere", i, b->keys ? b->keys : "alias");
		if (b->section) {
			assert_non_null(b->keys);
			assert_non_null(b->help);
		}
		assert_non_null(keys_binding(__builtin_ctz(b->panes), b->action));
	}
}

/* Hints: the pane's own, then help, command and quit; a narrow bar drops
 * the pane's last ones and keeps quit. */
static void test_hints(void **state)
{
	struct keyhint hints[32];
	size_t wide, narrow;
	int width = 0;

	(void)state;
	wide = keys_hints(PANE_CONTAINERS, hints, 32, 500);
	assert_true(wide > 6);
	assert_string_equal(hints[0].label, "Logs");
	assert_string_equal(hints[wide - 1].label, "Quit");
	assert_string_equal(hints[wide - 1].key, "q");
	assert_string_equal(hints[wide - 3].label, "Help");
	narrow = keys_hints(PANE_CONTAINERS, hints, 32, 60);
	assert_true(narrow < wide);
	for (size_t i = 0; i < narrow; i++)
		width += (int)(strlen(hints[i].key) + strlen(hints[i].label) + 1);
	assert_true(width <= 60);
	assert_string_equal(hints[narrow - 1].label, "Quit");
	assert_string_equal(hints[narrow - 3].label, "Help");
	/* The logs pane offers its search, not the lists' filter. */
	wide = keys_hints(PANE_LOGS, hints, 32, 500);
	assert_string_equal(hints[0].label, "Search");
	assert_string_equal(hints[0].key, "/");
}

/* Sizes, percentages, counts, IDs and ages as the console shows them. */
static void test_format(void **state)
{
	char buf[64], id[13];

	(void)state;
	fmt_bytes(1536, buf, sizeof(buf));
	assert_string_equal(buf, "1.5KiB");
	fmt_bytes(-1, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	fmt_size(1234567, buf, sizeof(buf));
	assert_string_equal(buf, "1.23MB");
	fmt_percent(12.345, buf, sizeof(buf));
	assert_string_equal(buf, "12.35%");
	fmt_percent(-1, buf, sizeof(buf));
	assert_string_equal(buf, "-");
	fmt_count(1234567, buf, sizeof(buf));
	assert_string_equal(buf, "1,234,567");
	fmt_count(999, buf, sizeof(buf));
	assert_string_equal(buf, "999");
	fmt_count(1000, buf, sizeof(buf));
	assert_string_equal(buf, "1,000");
	fmt_short_id("sha256:0123456789abcdef0123", id);
	assert_string_equal(id, "0123456789ab");
	fmt_ago(1000, 1300, buf, sizeof(buf));
	assert_string_equal(buf, "5 minutes ago");
	assert_int_equal(fmt_state_role("running"), THEME_STATE_RUNNING);
	assert_int_equal(fmt_state_role("exited"), THEME_STATE_EXITED);
	assert_int_equal(fmt_state_role("paused"), THEME_STATE_PAUSED);
	assert_int_equal(fmt_state_role("weird"), THEME_DEFAULT);
}

/* The json-file log's times. */
static void test_log_time(void **state)
{
	const char *t = "2024-05-01T10:00:00.123456789Z";

	(void)state;
	assert_int_equal(fmt_parse_log_time(t, strlen(t)), 1714557600123456789LL);
	t = "2024-05-01T10:00:00Z";
	assert_int_equal(fmt_parse_log_time(t, strlen(t)), 1714557600000000000LL);
	t = "2024-05-01T10:00:00.5Z";
	assert_int_equal(fmt_parse_log_time(t, strlen(t)), 1714557600500000000LL);
	t = "2024-05-01 10:00:00Z";
	assert_int_equal(fmt_parse_log_time(t, strlen(t)), 0);
	t = "2024-05-01T10:00:00+02:00";
	assert_int_equal(fmt_parse_log_time(t, strlen(t)), 0);
	assert_int_equal(fmt_parse_log_time("", 0), 0);
}

/* RFC 4648's test vectors. */
static void test_base64(void **state)
{
	static const char *const vectors[][2] = {
		{"", ""},	  {"f", "Zg=="},	 {"fo", "Zm8="},	 {"foo", "Zm9v"},
		{"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
	};
	char out[32];

	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		assert_int_equal(fmt_base64(vectors[i][0], strlen(vectors[i][0]), out, sizeof(out)),
				 strlen(vectors[i][1]));
		assert_string_equal(out, vectors[i][1]);
	}
	assert_int_equal(fmt_base64("foobar", 6, out, 8), 0);
}

/* Splits a line and checks the words. */
static void check_words(const char *line, int n, const char *const *want)
{
	char **argv, msg[64];

	assert_int_equal(fmt_split_words(line, &argv, msg, sizeof(msg)), n);
	for (int i = 0; i < n; i++)
		assert_string_equal(argv[i], want[i]);
	assert_null(argv[n]);
	fmt_free_words(argv);
}

/* The ":" line's words: quotes and backslashes as a shell reads them. */
static void test_words(void **state)
{
	char **argv, msg[64];

	(void)state;
	check_words("", 0, NULL);
	check_words("   ", 0, NULL);
	check_words("stop web", 2, (const char *const[]){"stop", "web"});
	check_words("  run -d  busybox   sleep 60 ", 5,
		    (const char *const[]){"run", "-d", "busybox", "sleep", "60"});
	check_words("run busybox sh -c 'echo a  b; exit 3'", 5,
		    (const char *const[]){"run", "busybox", "sh", "-c", "echo a  b; exit 3"});
	check_words("echo \"a \\\"q\\\" $x\" b\\ c ''", 4,
		    (const char *const[]){"echo", "a \"q\" $x", "b c", ""});
	check_words("a'b'\"c\"", 1, (const char *const[]){"abc"});
	assert_int_equal(fmt_split_words("echo 'oops", &argv, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "unclosed single quote");
	assert_int_equal(fmt_split_words("echo \"oops", &argv, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "unclosed double quote");
}

/* Whether a command needs the terminal. */
static bool terminal(const char *line)
{
	char **argv, msg[64];
	int n = fmt_split_words(line, &argv, msg, sizeof(msg));
	bool yes = words_need_terminal(n, argv);

	fmt_free_words(argv);
	return yes;
}

static void test_need_terminal(void **state)
{
	(void)state;
	assert_false(terminal("run -d --name cache busybox sleep 600"));
	assert_false(terminal("run -dit busybox sh"));
	assert_false(terminal("run --detach busybox true"));
	assert_false(terminal("run --name x -e A=1 -d busybox true"));
	assert_true(terminal("run busybox echo hi"));
	assert_true(terminal("run -it busybox sh"));
	/* -d after the image is the container's own argument. */
	assert_true(terminal("run busybox ls -d /"));
	/* a value that looks like a flag is a value */
	assert_true(terminal("run --name -d busybox true"));
	assert_true(terminal("container run busybox true"));
	assert_false(terminal("container run -d busybox true"));
	assert_true(terminal("exec -it web sh"));
	assert_true(terminal("attach web"));
	assert_true(terminal("logs -f web"));
	assert_true(terminal("logs --follow web"));
	assert_false(terminal("logs --tail 5 web"));
	assert_true(terminal("logs --tail 5 -f web"));
	assert_true(terminal("logs web -f"));
	assert_true(terminal("container logs -tf web"));
	assert_true(terminal("stats"));
	assert_false(terminal("stats --no-stream"));
	assert_true(terminal("events"));
	assert_true(terminal("wait web"));
	assert_true(terminal("start -a web"));
	assert_false(terminal("start web"));
	assert_true(terminal("save busybox"));
	assert_false(terminal("save -o /tmp/b.tar busybox"));
	assert_false(terminal("image ls"));
	assert_false(terminal("ps -a"));
	assert_false(terminal("stop web"));
}

/* The history keeps every sample until its slots fill, then merges pairs,
 * so its span is always the whole time since the first sample. */
static void test_history(void **state)
{
	struct history *h = calloc(1, sizeof(*h));
	double cells[HISTORY_SLOTS];
	size_t n;

	(void)state;
	assert_non_null(h);
	assert_int_equal(history_cells(h, cells, 10), 0);
	for (int i = 0; i < 5; i++)
		history_push(h, i);
	n = history_cells(h, cells, 10);
	assert_int_equal(n, 5);
	assert_true(cells[0] == 0 && cells[4] == 4);
	/* squeezed: means of neighbours */
	n = history_cells(h, cells, 2);
	assert_int_equal(n, 2);
	assert_true(fabs(cells[0] - 1.0) < 1e-9);
	assert_true(fabs(cells[1] - 3.5) < 1e-9);
	/* past the slots: pairs merge, the mean is kept */
	memset(h, 0, sizeof(*h));
	for (int i = 0; i < 3 * HISTORY_SLOTS; i++)
		history_push(h, 10);
	assert_true(h->count <= HISTORY_SLOTS);
	assert_true(h->per >= 4);
	n = history_cells(h, cells, HISTORY_SLOTS);
	for (size_t i = 0; i < n; i++)
		assert_true(fabs(cells[i] - 10) < 1e-9);
	/* a ramp stays a ramp, oldest first */
	memset(h, 0, sizeof(*h));
	for (int i = 0; i < 4 * HISTORY_SLOTS; i++)
		history_push(h, i);
	n = history_cells(h, cells, 8);
	assert_int_equal(n, 8);
	for (size_t i = 1; i < n; i++)
		assert_true(cells[i] > cells[i - 1]);
	assert_true(cells[0] < HISTORY_SLOTS && cells[7] > 3 * HISTORY_SLOTS);
	free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moving_keys),	  cmocka_unit_test(test_pane_keys),
		cmocka_unit_test(test_no_dead_bindings), cmocka_unit_test(test_hints),
		cmocka_unit_test(test_format),		  cmocka_unit_test(test_log_time),
		cmocka_unit_test(test_base64),		  cmocka_unit_test(test_words),
		cmocka_unit_test(test_need_terminal),	  cmocka_unit_test(test_history),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
