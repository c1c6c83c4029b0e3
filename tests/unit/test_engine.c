/* The command queue: replies, errors, progress, cancellation, events, and
 * commands submitted from several threads at once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/engine.h"
#include "engine/modules.h"
#include "engine/core/fsutil.h"
#include "engine/events/events.h"
#include "engine/store/store.h"

static char root[] = "/tmp/berth-engine-test.XXXXXX";
static char run_root[sizeof(root) + 8];

static int setup(void **state)
{
	struct engine *engine;
	struct engine_options opts = {0};
	berr err = {0};

	strcpy(root, "/tmp/berth-engine-test.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	snprintf(run_root, sizeof(run_root), "%s/run", root);
	opts.root = root;
	opts.run_root = run_root;
	opts.modules = engine_modules;
	if (engine_open(&engine, &opts, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return -1;
	}
	*state = engine;
	return 0;
}

static int teardown(void **state)
{
	engine_close(*state);
	return fs_remove_tree(root, NULL);
}

static void test_call_returns_result(void **state)
{
	json_t *result = NULL;
	berr err = {0};

	assert_int_equal(engine_call(*state, "system.version", NULL, &result, NULL, NULL, &err), 0);
	assert_string_equal(json_string_value(json_object_get(result, "Os")), "linux");
	json_decref(result);
}

/* An engine with no roots refuses the host's subsystems, whose start-up
 * work would make its paths from "" (the host's /tmp from "%s/tmp"). */
static void test_stateless_engine_refuses_the_hosts_subsystems(void **state)
{
	struct engine_options opts = {.stateless = true, .modules = engine_modules};
	struct engine *engine = NULL;
	berr err = {0};

	(void)state;
	assert_int_equal(engine_open(&engine, &opts, &err), -1);
	assert_null(engine);
	assert_non_null(strstr(err.msg, "cannot run without a data root"));
}

/* A module's state: made once at first use, the same for every caller,
 * freed once when the engine closes; none for a module the engine lacks. */
static int states_made, states_freed;
static void *counted_state_new(void)
{
	states_made++;
	return calloc(1, 16);
}
static void counted_state_free(void *state)
{
	states_freed++;
	free(state);
}
static const struct engine_module stateful_module = {
	.name = "stateful", .new_state = counted_state_new, .free_state = counted_state_free};

static void test_module_state_lives_with_the_engine(void **state)
{
	const struct engine_module *const modules[] = {&stateful_module, NULL};
	struct engine_options opts = {.stateless = true, .modules = modules};
	struct engine *engine = NULL;
	berr err = {0};

	(void)state;
	states_made = states_freed = 0;
	assert_int_equal(engine_open(&engine, &opts, &err), 0);
	assert_int_equal(states_made, 0);
	void *first = engine_module_state(engine, "stateful");
	assert_non_null(first);
	assert_ptr_equal(engine_module_state(engine, "stateful"), first);
	assert_null(engine_module_state(engine, "absent"));
	assert_int_equal(states_made, 1);
	engine_close(engine);
	assert_int_equal(states_freed, 1);
}

static void test_unknown_command_is_unsupported(void **state)
{
	berr err = {0};

	assert_int_equal(engine_call(*state, "no.such", NULL, NULL, NULL, NULL, &err), -1);
	assert_int_equal(err.kind, BERR_UNSUPPORTED);
	assert_string_equal(err.msg, "unknown command: no.such");
}

static void test_not_found_error_travels(void **state)
{
	json_t *args = json_pack("{s:s}", "id", "nosuch");
	berr err = {0};

	assert_int_equal(engine_call(*state, "container.inspect", args, NULL, NULL, NULL, &err), -1);
	assert_int_equal(err.kind, BERR_NOT_FOUND);
	assert_string_equal(err.msg, "No such container: nosuch");
	json_decref(args);
}

struct collected {
	pthread_mutex_t lock;
	int events;
	char last_action[32];
};

static void on_event(void *user, json_t *event)
{
	struct collected *c = user;

	pthread_mutex_lock(&c->lock);
	c->events++;
	snprintf(c->last_action, sizeof(c->last_action), "%s",
		 json_string_value(json_object_get(event, "Action")));
	pthread_mutex_unlock(&c->lock);
}

static void test_events_reach_subscribers_and_store(void **state)
{
	struct collected c = {.lock = PTHREAD_MUTEX_INITIALIZER};
	int sub = engine_subscribe(*state, on_event, &c);

	engine_emit(*state, "container", "test-action", "abc", json_pack("{s:s}", "k", "v"));
	assert_int_equal(c.events, 1);
	assert_string_equal(c.last_action, "test-action");
	engine_unsubscribe(*state, sub);
	engine_emit(*state, "container", "after", "abc", NULL);
	assert_int_equal(c.events, 1);
	/* Both were recorded. */
	struct store *st = engine_store(*state, NULL);
	sqlite3_stmt *stmt;
	assert_int_equal(store_prepare(st, &stmt, "SELECT count(*) FROM events WHERE actor='abc'", NULL), 0);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 2);
	sqlite3_reset(stmt);
}

struct thread_arg {
	struct engine *engine;
	int ok;
};

static void *caller(void *p)
{
	struct thread_arg *a = p;

	for (int i = 0; i < 50; i++) {
		json_t *result = NULL;
		if (engine_call(a->engine, "system.info", NULL, &result, NULL, NULL, NULL) == 0 &&
		    json_is_object(result))
			a->ok++;
		json_decref(result);
	}
	return NULL;
}

static void test_many_threads_at_once(void **state)
{
	pthread_t threads[4];
	struct thread_arg args[4];

	for (int i = 0; i < 4; i++) {
		args[i] = (struct thread_arg){.engine = *state};
		pthread_create(&threads[i], NULL, caller, &args[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(threads[i], NULL);
		assert_int_equal(args[i].ok, 50);
	}
}


static void test_events_table_is_bounded(void **state)
{
	struct store *st = engine_store(*state, NULL);
	sqlite3_stmt *stmt;
	berr err = {0};

	assert_int_equal(store_exec(st,
				    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
				    " WHERE i < 110500) INSERT INTO events(time_nano, type, action, actor)"
				    " SELECT i, 'container', 'test', 'x' FROM n",
				    &err),
			 0);
	assert_int_equal(events_trim(*state, &err), 0);
	assert_int_equal(store_prepare(st, &stmt, "SELECT count(*), max(time_nano) FROM events", NULL), 0);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 100000);
	assert_int_equal(sqlite3_column_int(stmt, 1), 110500); /* the newest stay */
	sqlite3_reset(stmt);
	/* Under the bound plus margin nothing is written. */
	assert_int_equal(events_trim(*state, &err), 0);
	assert_int_equal(store_prepare(st, &stmt, "SELECT count(*) FROM events", NULL), 0);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(stmt, 0), 100000);
	sqlite3_reset(stmt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_call_returns_result, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_command_is_unsupported, setup, teardown),
		cmocka_unit_test(test_stateless_engine_refuses_the_hosts_subsystems),
		cmocka_unit_test(test_module_state_lives_with_the_engine),
		cmocka_unit_test_setup_teardown(test_not_found_error_travels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_reach_subscribers_and_store, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_threads_at_once, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_table_is_bounded, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
