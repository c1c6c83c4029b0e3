/* The store: migrations, WAL, transactions, the statement cache, and two
 * connections working on one database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/core/fsutil.h"
#include "engine/store/migrations.h"
#include "engine/store/store.h"

static char root[] = "/tmp/berth-store-test.XXXXXX";

static int setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/berth-store-test.XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return fs_remove_tree(root, NULL);
}

static int count(struct store *st, const char *sql)
{
	sqlite3_stmt *stmt;
	int n = -1;

	assert_int_equal(store_prepare(st, &stmt, sql, NULL), 0);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		n = sqlite3_column_int(stmt, 0);
	sqlite3_reset(stmt);
	return n;
}

static void test_open_migrates_and_uses_wal(void **state)
{
	struct store *st;
	berr err = {0};
	sqlite3_stmt *stmt;

	(void)state;
	assert_int_equal(store_open(&st, root, &err), 0);
	assert_int_equal(store_schema_version(st), migrations_count());
	assert_int_equal(store_prepare(st, &stmt, "PRAGMA journal_mode", &err), 0);
	assert_int_equal(sqlite3_step(stmt), SQLITE_ROW);
	assert_string_equal(store_text(stmt, 0), "wal");
	sqlite3_reset(stmt);
	assert_int_equal(count(st, "SELECT count(*) FROM sqlite_master WHERE name IN"
				   " ('images','layers','image_layers','tags','containers','events')"),
			 6);
	store_close(st);
	/* Opening again runs nothing twice. */
	assert_int_equal(store_open(&st, root, &err), 0);
	assert_int_equal(store_schema_version(st), migrations_count());
	store_close(st);
}

static void test_rollback_discards(void **state)
{
	struct store *st;
	berr err = {0};

	(void)state;
	assert_int_equal(store_open(&st, root, &err), 0);
	assert_int_equal(store_begin(st, &err), 0);
	assert_int_equal(store_exec(st, "INSERT INTO events(time_nano,type,action,actor) VALUES(1,'a','b','c')", &err), 0);
	store_rollback(st);
	assert_int_equal(count(st, "SELECT count(*) FROM events"), 0);
	assert_int_equal(store_begin(st, &err), 0);
	assert_int_equal(store_exec(st, "INSERT INTO events(time_nano,type,action,actor) VALUES(1,'a','b','c')", &err), 0);
	assert_int_equal(store_commit(st, &err), 0);
	assert_int_equal(count(st, "SELECT count(*) FROM events"), 1);
	store_close(st);
}

static void test_nested_inner_failure_rolls_back_all(void **state)
{
	struct store *st;
	berr err = {0};

	(void)state;
	assert_int_equal(store_open(&st, root, &err), 0);
	assert_int_equal(store_begin(st, &err), 0);
	assert_int_equal(store_exec(st, "INSERT INTO events(time_nano,type,action,actor) VALUES(1,'a','b','c')", &err), 0);
	assert_int_equal(store_begin(st, &err), 0);
	store_rollback(st); /* the inner step failed */
	assert_int_equal(store_commit(st, &err), -1);
	assert_int_equal(count(st, "SELECT count(*) FROM events"), 0);
	store_close(st);
}

static void test_constraint_is_conflict(void **state)
{
	struct store *st;
	berr err = {0};
	sqlite3_stmt *stmt;

	(void)state;
	assert_int_equal(store_open(&st, root, &err), 0);
	assert_int_equal(store_exec(st, "INSERT INTO images(id,config,created,loaded) VALUES('sha256:x','{}',0,0)", &err), 0);
	assert_int_equal(store_prepare(st, &stmt, "INSERT INTO images(id,config,created,loaded) VALUES('sha256:x','{}',0,0)", &err), 0);
	assert_int_not_equal(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_reset(stmt);
	assert_int_equal(store_error(st, &err, "adding"), -1);
	assert_int_equal(err.kind, BERR_CONFLICT);
	assert_non_null(strstr(err.msg, "adding: UNIQUE constraint failed"));
	store_close(st);
}

static void test_two_connections_see_each_other(void **state)
{
	struct store *a, *b;
	berr err = {0};

	(void)state;
	assert_int_equal(store_open(&a, root, &err), 0);
	assert_int_equal(store_open(&b, root, &err), 0);
	assert_int_equal(store_begin(a, &err), 0);
	assert_int_equal(store_exec(a, "INSERT INTO events(time_nano,type,action,actor) VALUES(1,'a','b','c')", &err), 0);
	/* Not yet committed: b does not see it. */
	assert_int_equal(count(b, "SELECT count(*) FROM events"), 0);
	assert_int_equal(store_commit(a, &err), 0);
	assert_int_equal(count(b, "SELECT count(*) FROM events"), 1);
	store_close(a);
	store_close(b);
}

static void test_statement_cache_is_reset(void **state)
{
	struct store *st;
	berr err = {0};
	sqlite3_stmt *s1, *s2;
	static const char sql[] = "SELECT ?1 + 1";

	(void)state;
	assert_int_equal(store_open(&st, root, &err), 0);
	assert_int_equal(store_prepare(st, &s1, sql, &err), 0);
	sqlite3_bind_int(s1, 1, 41);
	assert_int_equal(sqlite3_step(s1), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s1, 0), 42);
	assert_int_equal(store_prepare(st, &s2, sql, &err), 0);
	assert_ptr_equal(s1, s2);
	/* Bindings were cleared: NULL + 1 is NULL. */
	assert_int_equal(sqlite3_step(s2), SQLITE_ROW);
	assert_int_equal(sqlite3_column_type(s2, 0), SQLITE_NULL);
	sqlite3_reset(s2);
	store_close(st);
}

static void test_bad_root_is_an_error(void **state)
{
	struct store *st;
	berr err = {0};

	(void)state;
	assert_int_equal(store_open(&st, "/proc/version/nope", &err), -1);
	assert_int_not_equal(err.kind, BERR_NONE);
	assert_non_null(strstr(err.msg, "/proc/version/nope"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_migrates_and_uses_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rollback_discards, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nested_inner_failure_rolls_back_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_constraint_is_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_connections_see_each_other, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_cache_is_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_root_is_an_error, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
