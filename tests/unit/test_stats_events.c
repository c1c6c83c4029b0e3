/* Events: Docker's event objects from stored rows, moby's filter rules, and
 * scanning a real store by sequence and time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/container/internal.h"
#include "engine/core/filters.h"
#include "engine/core/fsutil.h"
#include "engine/events/events.h"

#define CID "4d1f0c9a4b2e8f7a6c5d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b"
#define IID "sha256:f4faeab67f1a141124909c3569e0377713ea91c85d7d11eaf5c4ff9e3816523e"

/* A container's event attributes, through a container row. */
static json_t *attributes(const char *name, const char *image, json_t *labels, json_t *extra)
{
	struct container c = {.image_ref = (char *)image};
	json_t *a;

	snprintf(c.name, sizeof(c.name), "%s", name);
	c.config = json_pack("{s:O*}", "Labels", labels);
	a = container_event_attributes(&c, extra);
	json_decref(c.config);
	return a;
}

static json_t *container_event(const char *action, const char *name, const char *image,
			       const char *labels)
{
	json_t *l = labels ? json_loads(labels, 0, NULL) : NULL;
	json_t *attrs = attributes(name, image, l, NULL);
	char *text = json_dumps(attrs, JSON_COMPACT);
	json_t *event = events_row_json(1714557600123456789LL, "container", action, CID, text);

	free(text);
	json_decref(attrs);
	json_decref(l);
	return event;
}

static json_t *filters_of(const char *a, const char *b)
{
	json_t *f = json_object();

	assert_int_equal(filters_add(f, a, NULL), 0);
	if (b)
		assert_int_equal(filters_add(f, b, NULL), 0);
	return f;
}

static bool passes(const char *a, const char *b, json_t *event)
{
	json_t *f = filters_of(a, b);
	bool ok = events_match(f, event);

	json_decref(f);
	return ok;
}

static void test_row_json(void **state)
{
	json_t *ev = container_event("die", "web", "busybox", "{\"tier\":\"front\",\"a\":\"1\"}");
	const char *keys[] = {"status", "id", "from", "Type", "Action", "Actor", "scope", "time", "timeNano"};
	const char *attr_keys[] = {"a", "image", "name", "tier"};
	void *it;
	size_t i;

	(void)state;
	/* Docker's order, legacy fields first */
	for (i = 0, it = json_object_iter(ev); i < 9; i++, it = json_object_iter_next(ev, it)) {
		assert_non_null(it);
		assert_string_equal(json_object_iter_key(it), keys[i]);
	}
	assert_null(it);
	assert_string_equal(json_string_value(json_object_get(ev, "from")), "busybox");
	assert_int_equal(json_integer_value(json_object_get(ev, "time")), 1714557600);
	assert_int_equal(json_integer_value(json_object_get(ev, "timeNano")), 1714557600123456789LL);
	/* attributes in key order, as Go writes a map */
	json_t *attrs = json_object_get(json_object_get(ev, "Actor"), "Attributes");
	for (i = 0, it = json_object_iter(attrs); i < 4; i++, it = json_object_iter_next(attrs, it))
		assert_string_equal(json_object_iter_key(it), attr_keys[i]);
	json_decref(ev);

	/* image events: status and id but no from; other types: none of them */
	ev = events_row_json(1, "image", "tag", IID, "{\"name\":\"busybox:latest\"}");
	assert_string_equal(json_string_value(json_object_get(ev, "status")), "tag");
	assert_null(json_object_get(ev, "from"));
	json_decref(ev);
	ev = events_row_json(1, "volume", "create", "data", "not json");
	assert_null(json_object_get(ev, "status"));
	assert_int_equal(json_object_size(json_object_get(json_object_get(ev, "Actor"), "Attributes")), 0);
	json_decref(ev);
}

static void test_container_attributes(void **state)
{
	json_t *labels = json_pack("{s:s, s:s}", "name", "spoofed", "app", "x");
	json_t *a = attributes("/web", "busybox", labels, json_pack("{s:s}", "exitCode", "3"));

	(void)state;
	/* image and name win over labels of the same name, extras come last */
	assert_string_equal(json_string_value(json_object_get(a, "name")), "web");
	assert_string_equal(json_string_value(json_object_get(a, "image")), "busybox");
	assert_string_equal(json_string_value(json_object_get(a, "app")), "x");
	assert_string_equal(json_string_value(json_object_get(a, "exitCode")), "3");
	json_decref(a);
	json_decref(labels);
}

static void test_filters(void **state)
{
	json_t *c = container_event("start", "web", "busybox:1.36", "{\"tier\":\"front\"}");
	json_t *img = events_row_json(5, "image", "tag", IID, "{\"name\":\"busybox:latest\"}");
	json_t *health = container_event("health_status: healthy", "web", "busybox", NULL);

	(void)state;
	assert_true(events_match(NULL, c));
	assert_true(passes("type=container", NULL, c));
	assert_false(passes("type=image", NULL, c));
	assert_true(passes("event=start", NULL, c));
	assert_true(passes("event=stop", "event=start", c));
	assert_false(passes("event=sta", NULL, c));
	/* container: by name or id, a prefix will do */
	assert_true(passes("container=web", NULL, c));
	assert_true(passes("container=we", NULL, c));
	assert_true(passes("container=4d1f0c", NULL, c));
	assert_false(passes("container=db", NULL, c));
	/* a container filter leaves image events out */
	assert_false(passes("container=web", NULL, img));
	/* image: as written, without its tag, or the image event's own name */
	assert_true(passes("image=busybox:1.36", NULL, c));
	assert_true(passes("image=busybox", NULL, c));
	assert_false(passes("image=alpine", NULL, c));
	assert_true(passes("image=busybox", NULL, img));
	assert_true(passes("image=" IID, NULL, img));
	/* labels against the attributes */
	assert_true(passes("label=tier", NULL, c));
	assert_true(passes("label=tier=front", NULL, c));
	assert_false(passes("label=tier=back", NULL, c));
	assert_false(passes("label=tier", NULL, img));
	/* keys together must all match */
	assert_true(passes("type=container", "container=web", c));
	assert_false(passes("type=container", "event=die", c));
	assert_true(passes("scope=local", NULL, c));
	assert_false(passes("scope=swarm", NULL, c));
	/* health_status filters compare by prefix */
	assert_true(passes("event=health_status", NULL, health));
	assert_false(passes("event=health_status", NULL, c));
	json_decref(c);
	json_decref(img);
	json_decref(health);
}

struct collected {
	json_t *events;
	int stop_after;
};

static int collect(void *user, json_t *event)
{
	struct collected *c = user;

	json_array_append(c->events, event);
	return c->stop_after && (int)json_array_size(c->events) >= c->stop_after;
}

static void insert(struct store *st, int64_t t, const char *type, const char *action,
		   const char *actor, const char *attrs)
{
	sqlite3_stmt *stmt;

	assert_int_equal(store_prepare(st, &stmt,
				       "INSERT INTO events(time_nano, type, action, actor, attributes)"
				       " VALUES(?, ?, ?, ?, ?)",
				       NULL),
			 0);
	sqlite3_bind_int64(stmt, 1, t);
	sqlite3_bind_text(stmt, 2, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, action, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, actor, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, attrs, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_reset(stmt);
}

static const char *action_at(json_t *events, size_t i)
{
	return json_string_value(json_object_get(json_array_get(events, i), "Action"));
}

static void test_scan(void **state)
{
	char dir[] = "/tmp/berth-test-events.XXXXXX";
	struct store *st;
	struct collected c = {0};
	berr err = {0};
	int64_t last = 0, seq = -1;
	json_t *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(store_open(&st, dir, &err), 0);
	assert_int_equal(events_last_seq(st, &seq, &err), 0);
	assert_int_equal(seq, 0);
	insert(st, 1000, "container", "create", "a", "{\"name\":\"web\",\"image\":\"busybox\"}");
	insert(st, 2000, "container", "start", "a", "{\"name\":\"web\",\"image\":\"busybox\"}");
	insert(st, 3000, "image", "tag", "i", "{\"name\":\"busybox:latest\"}");
	insert(st, 4000, "container", "die", "a", "{\"name\":\"web\",\"exitCode\":\"0\"}");
	insert(st, 5000, "container", "destroy", "a", "{\"name\":\"web\"}");
	assert_int_equal(events_last_seq(st, &seq, &err), 0);
	assert_int_equal(seq, 5);

	/* a window of time, in order */
	c.events = json_array();
	assert_int_equal(events_scan(st, 0, 2000, 4000, NULL, collect, &c, &last, &err), 0);
	assert_int_equal(json_array_size(c.events), 3);
	assert_string_equal(action_at(c.events, 0), "start");
	assert_string_equal(action_at(c.events, 2), "die");
	assert_int_equal(last, 4);
	json_array_clear(c.events);

	/* after a sequence number, filtered */
	f = filters_of("type=container", NULL);
	assert_int_equal(events_scan(st, 1, 0, 0, f, collect, &c, &last, &err), 0);
	assert_int_equal(json_array_size(c.events), 3);
	assert_string_equal(action_at(c.events, 0), "start");
	assert_string_equal(action_at(c.events, 2), "destroy");
	assert_int_equal(last, 5);
	json_array_clear(c.events);
	json_decref(f);

	/* the callback stops the scan */
	c.stop_after = 2;
	last = 0;
	assert_int_equal(events_scan(st, 0, 0, 0, NULL, collect, &c, &last, &err), 0);
	assert_int_equal(json_array_size(c.events), 2);
	assert_int_equal(last, 2);

	json_decref(c.events);
	store_close(st);
	fs_remove_tree(dir, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_row_json),
		cmocka_unit_test(test_container_attributes),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
