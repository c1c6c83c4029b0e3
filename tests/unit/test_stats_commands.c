/* container.stats and system.events through a real engine and store (no
 * containers needed): arguments, errors, streaming and cancellation, and
 * events followed as they are committed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/core/clock.h"
#include "engine/core/engine.h"
#include "engine/modules.h"
#include "engine/core/fsutil.h"

static char root[] = "/tmp/berth-stats-test.XXXXXX";
static char run_root[sizeof(root) + 8];

static int setup(void **state)
{
	struct engine *engine;
	struct engine_options opts = {0};
	berr err = {0};

	strcpy(root, "/tmp/berth-stats-test.XXXXXX");
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

/* What a submitted command sent back, gathered across threads. */
struct watch {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	json_t *messages;
	bool done;
	int status;
	berr err;
};

static void watch_init(struct watch *w)
{
	memset(w, 0, sizeof(*w));
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->messages = json_array();
}

static void watch_free(struct watch *w)
{
	json_decref(w->messages);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
}

static void on_progress(void *user, json_t *message)
{
	struct watch *w = user;

	pthread_mutex_lock(&w->lock);
	json_array_append(w->messages, message);
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void on_reply(void *user, int status, json_t *result, const berr *err)
{
	struct watch *w = user;

	(void)result;
	pthread_mutex_lock(&w->lock);
	w->status = status;
	if (err)
		w->err = *err;
	w->done = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

/* Waits up to ms for at least n messages (or the reply, when n is 0). */
static bool wait_for(struct watch *w, size_t n, int ms)
{
	struct timespec until;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000;
	if (until.tv_nsec >= 1000000000) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&w->lock);
	while (!(n ? json_array_size(w->messages) >= n : w->done) &&
	       pthread_cond_timedwait(&w->cond, &w->lock, &until) == 0)
		;
	ok = n ? json_array_size(w->messages) >= n : w->done;
	pthread_mutex_unlock(&w->lock);
	return ok;
}

static void test_stats_no_containers(void **state)
{
	json_t *args = json_pack("{s:b}", "stream", false), *result = NULL;
	berr err = {0};
	int64_t started = clock_mono_nanos();

	assert_int_equal(engine_call(*state, "container.stats", args, &result, NULL, NULL, &err), 0);
	assert_true(json_is_array(result));
	assert_int_equal(json_array_size(result), 0);
	/* nothing to sample: no reason to be slow either */
	assert_true(clock_mono_nanos() - started < 1000000000);
	json_decref(result);
	json_decref(args);
}

static void test_stats_errors(void **state)
{
	json_t *args = json_pack("{s:s, s:b}", "id", "nosuch", "stream", false);
	berr err = {0};

	assert_int_equal(engine_call(*state, "container.stats", args, NULL, NULL, NULL, &err), -1);
	assert_int_equal(err.kind, BERR_NOT_FOUND);
	assert_string_equal(err.msg, "No such container: nosuch");
	json_decref(args);

	args = json_pack("{s:b, s:b}", "stream", true, "one_shot", true);
	assert_int_equal(engine_call(*state, "container.stats", args, NULL, NULL, NULL, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, "cannot have stream=true and one-shot=true");
	json_decref(args);

	args = json_pack("{s:[s, s], s:b}", "ids", "a", "b", "stream", false);
	assert_int_equal(engine_call(*state, "container.stats", args, NULL, NULL, NULL, &err), -1);
	assert_string_equal(err.msg, "No such container: a");
	json_decref(args);
}

static void test_stats_stream_cancel(void **state)
{
	struct watch w;
	uint64_t id;

	watch_init(&w);
	id = engine_submit(*state, "container.stats", NULL, on_progress, on_reply, &w);
	/* the first reading comes at once, the next about a second later */
	assert_true(wait_for(&w, 1, 1000));
	assert_true(json_is_array(json_array_get(w.messages, 0)));
	assert_true(wait_for(&w, 2, 2500));
	engine_cancel(*state, id);
	assert_true(wait_for(&w, 0, 1000));
	assert_int_equal(w.status, 0);
	watch_free(&w);
}

static void test_events_follow(void **state)
{
	struct watch all, images;
	json_t *only_images = json_pack("{s:{s:[s]}}", "filters", "type", "image");
	uint64_t a, b;
	int64_t before;

	watch_init(&all);
	watch_init(&images);
	/* stored before the follower starts: not sent without --since */
	engine_emit(*state, "container", "create", "c0", json_pack("{s:s}", "name", "old"));
	a = engine_submit(*state, "system.events", NULL, on_progress, on_reply, &all);
	b = engine_submit(*state, "system.events", only_images, on_progress, on_reply, &images);
	/* both followers settle before the events come */
	nanosleep(&(struct timespec){0, 300000000}, NULL);
	before = clock_mono_nanos();
	engine_emit(*state, "container", "start", "c1", json_pack("{s:s}", "name", "web"));
	engine_emit(*state, "image", "tag", "i1", json_pack("{s:s}", "name", "busybox:latest"));
	assert_true(wait_for(&all, 2, 2000));
	assert_true(clock_mono_nanos() - before < 1000000000LL);
	assert_string_equal(json_string_value(json_object_get(json_array_get(all.messages, 0), "Action")),
			    "start");
	assert_string_equal(json_string_value(json_object_get(json_array_get(all.messages, 1), "Type")),
			    "image");
	assert_true(wait_for(&images, 1, 2000));
	nanosleep(&(struct timespec){0, 300000000}, NULL);
	assert_int_equal(json_array_size(all.messages), 2);
	assert_int_equal(json_array_size(images.messages), 1);
	engine_cancel(*state, a);
	engine_cancel(*state, b);
	assert_true(wait_for(&all, 0, 2000));
	assert_true(wait_for(&images, 0, 2000));
	assert_int_equal(all.status, 0);
	assert_int_equal(images.status, 0);
	watch_free(&all);
	watch_free(&images);
	json_decref(only_images);
}

static void test_events_past(void **state)
{
	struct watch w;
	int64_t t0 = clock_now_nanos();
	json_t *args;
	berr err = {0};

	watch_init(&w);
	engine_emit(*state, "container", "create", "p1", json_pack("{s:s}", "name", "x"));
	engine_emit(*state, "container", "start", "p1", json_pack("{s:s}", "name", "x"));
	engine_emit(*state, "container", "die", "p1", json_pack("{s:s}", "name", "x"));
	args = json_pack("{s:I, s:I}", "since", (json_int_t)t0, "until", (json_int_t)clock_now_nanos());
	/* an until already past: the stored events, and the command ends */
	assert_int_equal(engine_call(*state, "system.events", args, NULL, on_progress, &w, &err), 0);
	assert_int_equal(json_array_size(w.messages), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(w.messages, 2), "Action")),
			    "die");
	json_decref(args);

	/* the docker CLI's string form of a time */
	json_array_clear(w.messages);
	args = json_pack("{s:s, s:I, s:{s:[s]}}", "since", "0.000000001", "until",
			 (json_int_t)clock_now_nanos(), "filters", "event", "start");
	assert_int_equal(engine_call(*state, "system.events", args, NULL, on_progress, &w, &err), 0);
	assert_int_equal(json_array_size(w.messages), 1);
	json_decref(args);

	args = json_pack("{s:I, s:I}", "since", (json_int_t)2000000000000000000LL, "until",
			 (json_int_t)1000000000000000000LL);
	assert_int_equal(engine_call(*state, "system.events", args, NULL, NULL, NULL, &err), -1);
	assert_int_equal(err.kind, BERR_INVALID);
	assert_string_equal(err.msg, "`since` time (2000000000.000000000) cannot be after `until` "
				     "time (1000000000.000000000)");
	json_decref(args);

	args = json_pack("{s:{s:[s]}}", "filters", "colour", "red");
	assert_int_equal(engine_call(*state, "system.events", args, NULL, NULL, NULL, &err), -1);
	assert_string_equal(err.msg, "invalid filter 'colour'");
	json_decref(args);
	watch_free(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stats_no_containers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stats_stream_cancel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_events_past, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
