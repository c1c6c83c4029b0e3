/* container.stats on a daemon. One container's readings are the daemon's
 * own stream; a set (the running containers, every container, a list)
 * is one stream per container, merged into a reading of the whole set
 * about every second as this host's engine sends it. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/remote/internal.h"

#define STATS_INTERVAL_MS 1000

struct watcher {
	struct watcher *next;
	char id[80];
	pthread_t thread;
	struct remote_client *client;
	atomic_bool *stop;
	pthread_mutex_t *lock;
	json_t *latest; /* under lock */
	atomic_bool ended;
	bool one_shot;
};

static int keep_latest(void *user, json_t *message, berr *err)
{
	struct watcher *w = user;

	(void)err;
	pthread_mutex_lock(w->lock);
	json_decref(w->latest);
	w->latest = json_incref(message);
	pthread_mutex_unlock(w->lock);
	return 0;
}

/* One container's stream (or one reading), kept as its latest. */
static void *watch(void *arg)
{
	struct watcher *w = arg;
	struct strbuf p = {0};
	struct remote_request req = {.method = "GET", .body_fd = -1};
	struct remote_response *resp;
	berr err = {0};

	remote_path(&p, "/containers/", w->id, w->one_shot ? "/stats?stream=0" : "/stats?stream=1");
	req.path = p.s;
	if (remote_send(w->client, &req, &resp, &err) == 0) {
		remote_response_stop_on(resp, w->stop);
		remote_response_json_lines(resp, NULL, keep_latest, w, &err);
		remote_response_free(resp);
	}
	strbuf_free(&p);
	atomic_store(&w->ended, true);
	return NULL;
}

struct stats_set {
	struct cmd_ctx *ctx;
	json_t *names; /* the containers asked for, or NULL */
	bool all;
	atomic_bool stop;
	pthread_mutex_t lock;
	struct watcher *watchers;
};

static struct watcher *find(struct stats_set *s, const char *id)
{
	for (struct watcher *w = s->watchers; w; w = w->next)
		if (strcmp(w->id, id) == 0)
			return w;
	return NULL;
}

static void add_watcher(struct stats_set *s, const char *id, bool one_shot)
{
	struct watcher *w = calloc(1, sizeof(*w));

	if (!w)
		return;
	snprintf(w->id, sizeof(w->id), "%s", id);
	w->client = remote_of(s->ctx);
	w->stop = &s->stop;
	w->lock = &s->lock;
	w->one_shot = one_shot;
	if (pthread_create(&w->thread, NULL, watch, w) != 0) {
		free(w);
		return;
	}
	w->next = s->watchers;
	s->watchers = w;
}

/* The containers of the set now, in the daemon's order (ids). */
static json_t *members(struct stats_set *s, berr *err)
{
	json_t *list = NULL, *ids, *c;
	size_t i;

	if (s->names)
		return json_deep_copy(s->names);
	ids = json_array();
	if (remote_answer(s->ctx, "GET", s->all ? "/containers/json?all=1" : "/containers/json",
			  NULL, &list, err) < 0) {
		json_decref(ids);
		return NULL;
	}
	json_array_foreach(list, i, c)
		json_array_append(ids, json_object_get(c, "Id"));
	json_decref(list);
	return ids;
}

/* Starts a watcher for each member that has none. */
static void follow_members(struct stats_set *s, json_t *ids, bool one_shot)
{
	json_t *id;
	size_t i;

	json_array_foreach(ids, i, id)
		if (json_is_string(id) && !find(s, json_string_value(id)))
			add_watcher(s, json_string_value(id), one_shot);
}

/* The latest reading of each member that has one, in the members' order. */
static json_t *reading(struct stats_set *s, json_t *ids)
{
	json_t *arr = json_array(), *id;
	size_t i;

	pthread_mutex_lock(&s->lock);
	json_array_foreach(ids, i, id) {
		struct watcher *w = json_is_string(id) ? find(s, json_string_value(id)) : NULL;
		if (w && w->latest)
			json_array_append(arr, w->latest);
	}
	pthread_mutex_unlock(&s->lock);
	return arr;
}

static void stop_all(struct stats_set *s)
{
	atomic_store(&s->stop, true);
	while (s->watchers) {
		struct watcher *w = s->watchers;
		s->watchers = w->next;
		pthread_join(w->thread, NULL);
		json_decref(w->latest);
		free(w);
	}
}

/* Every watcher done (one reading each), or cancelled. */
static void wait_all(struct stats_set *s)
{
	for (;;) {
		bool done = true;
		for (struct watcher *w = s->watchers; w; w = w->next)
			done = done && atomic_load(&w->ended);
		if (done || cmd_cancelled(s->ctx))
			return;
		nanosleep(&(struct timespec){0, 20 * 1000000L}, NULL);
	}
}

static void nap(struct cmd_ctx *ctx, int ms)
{
	for (int left = ms; left > 0 && !cmd_cancelled(ctx); left -= 50)
		nanosleep(&(struct timespec){0, 50 * 1000000L}, NULL);
}

static int stats_of_set(struct cmd_ctx *ctx, json_t *args, bool streaming, json_t **result,
			berr *err)
{
	struct stats_set s = {.ctx = ctx, .all = json_is_true(json_object_get(args, "all"))};
	json_t *ids;
	int rc = -1;

	pthread_mutex_init(&s.lock, NULL);
	s.names = json_object_get(args, "ids");
	if (!(ids = members(&s, err)))
		goto out;
	follow_members(&s, ids, !streaming);
	if (!streaming) {
		wait_all(&s);
		*result = reading(&s, ids);
		json_decref(ids);
		rc = 0;
		goto out;
	}
	while (!cmd_cancelled(ctx)) {
		nap(ctx, STATS_INTERVAL_MS);
		if (cmd_cancelled(ctx))
			break;
		cmd_progress(ctx, reading(&s, ids));
		json_t *now = members(&s, err);
		if (!now)
			break;
		json_decref(ids);
		ids = now;
		follow_members(&s, ids, false);
	}
	json_decref(ids);
	if (cmd_cancelled(ctx)) {
		*result = json_null();
		rc = 0;
	}
out:
	stop_all(&s);
	pthread_mutex_destroy(&s.lock);
	return rc;
}

static int forward(void *user, json_t *message, berr *err)
{
	(void)err;
	cmd_progress(user, json_incref(message));
	return 0;
}

static int cmd_stats(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *id = remote_arg(args, "id");
	json_t *stream_arg = json_object_get(args, "stream");
	bool streaming = stream_arg ? json_is_true(stream_arg) : true;
	bool one_shot = json_is_true(json_object_get(args, "one_shot"));
	struct strbuf p = {0};
	int rc;

	if (!id)
		return stats_of_set(ctx, args, streaming, result, err);
	remote_path(&p, "/containers/", id, streaming ? "/stats?stream=1" : "/stats?stream=0");
	if (one_shot && !streaming)
		remote_query(&p, "one-shot", "1");
	if (!streaming) {
		rc = remote_answer(ctx, "GET", p.s, NULL, result, err);
		strbuf_free(&p);
		return rc;
	}
	struct remote_request req = {.method = "GET", .path = p.s, .body_fd = -1};
	rc = remote_json_stream(ctx, &req, forward, ctx, err);
	strbuf_free(&p);
	if (rc == 0)
		*result = json_null();
	return rc;
}

const struct engine_command remote_stats_commands[] = {
	{"container.stats", cmd_stats},
	{NULL, NULL},
};
