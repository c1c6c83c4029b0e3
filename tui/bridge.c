/* The bridge between the engine's threads and the console's: replies,
 * progress and events are queued here and run on the UI thread when the
 * main loop sees the eventfd. A streaming command whose progress the UI has
 * not caught up with waits on its own thread (a log follow reads its file
 * later): nothing is dropped and the queue stays bounded. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "tui/app.h"

/* How many bytes of one request's progress may wait for the UI. */
#define BACKLOG_LIMIT (2u << 20)

enum msg_kind { MSG_PROGRESS, MSG_REPLY, MSG_CALL, MSG_EVENT };

struct msg {
	struct msg *next;
	enum msg_kind kind;
	struct request *req;
	json_t *json;
	int status;
	bool has_err;
	berr err;
	size_t weight;
	tui_call_fn fn;
	void *user;
};

struct request {
	struct bridge *bridge;
	uint64_t id;
	tui_progress_fn progress;
	tui_reply_fn reply;
	void *user;
	bool cancelled; /* written under the lock by the UI thread */
	size_t backlog; /* bytes of progress queued */
	struct request *prev, *next; /* live requests */
};

struct bridge {
	pthread_mutex_t lock;
	pthread_cond_t drained;
	struct msg *head, *tail;
	int efd;
	bool closing;
	int refs; /* the console, plus one per request not yet answered */
	struct engine *engine;
	struct request *live;
	tui_event_fn event_fn;
	int subscription;
};

/* Frees the bridge once the console and every request are done with it. */
static void bridge_unref_locked(struct bridge *b, bool *gone)
{
	*gone = --b->refs == 0;
}

/* Frees a bridge whose last reference went. */
static void bridge_free(struct bridge *b)
{
	close(b->efd);
	pthread_mutex_destroy(&b->lock);
	pthread_cond_destroy(&b->drained);
	free(b);
}

/* Queues a message and wakes the UI when the queue was empty (locked). */
static void push_locked(struct bridge *b, struct msg *m)
{
	uint64_t one = 1;
	bool was_empty = !b->head;

	m->next = NULL;
	if (b->tail)
		b->tail->next = m;
	else
		b->head = m;
	b->tail = m;
	if (was_empty && write(b->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		abort();
}

/* A zeroed message of a kind. */
static struct msg *msg_new(enum msg_kind kind)
{
	struct msg *m = calloc(1, sizeof(*m));

	if (!m)
		abort();
	m->kind = kind;
	return m;
}

/* The weight of a progress message, roughly its bytes: the text of log
 * entries, half a kilobyte per member of an array (a stats reading). Only
 * a flood, or readings piling up while a child has the terminal, waits. */
static size_t progress_weight(json_t *message)
{
	json_t *entries = json_object_get(message, "entries"), *e;
	size_t i, w = 64 + 512 * json_array_size(message);

	json_array_foreach(entries, i, e)
		w += json_string_length(json_object_get(e, "log")) + 48;
	return w;
}

/* The engine's progress callback (a command thread). */
static void on_progress(void *user, json_t *message)
{
	struct request *req = user;
	struct bridge *b = req->bridge;
	size_t weight = progress_weight(message);
	struct msg *m;

	pthread_mutex_lock(&b->lock);
	while (req->backlog > BACKLOG_LIMIT && !req->cancelled && !b->closing)
		pthread_cond_wait(&b->drained, &b->lock);
	if (req->cancelled || b->closing || !req->progress) {
		pthread_mutex_unlock(&b->lock);
		return;
	}
	m = msg_new(MSG_PROGRESS);
	m->req = req;
	m->json = json_incref(message);
	m->weight = weight;
	req->backlog += weight;
	push_locked(b, m);
	pthread_mutex_unlock(&b->lock);
}

/* Unlinks a request from the live list (locked). */
static void unlink_locked(struct bridge *b, struct request *req)
{
	if (req->prev)
		req->prev->next = req->next;
	else if (b->live == req)
		b->live = req->next;
	if (req->next)
		req->next->prev = req->prev;
	req->prev = req->next = NULL;
}

/* The engine's reply callback (the engine's loop thread). */
static void on_reply(void *user, int status, json_t *result, const berr *err)
{
	struct request *req = user;
	struct bridge *b = req->bridge;
	struct msg *m;
	bool gone = false;

	pthread_mutex_lock(&b->lock);
	if (b->closing) {
		unlink_locked(b, req);
		bridge_unref_locked(b, &gone);
		pthread_mutex_unlock(&b->lock);
		free(req);
		if (gone)
			bridge_free(b);
		return;
	}
	m = msg_new(MSG_REPLY);
	m->req = req;
	m->status = status;
	m->json = result ? json_incref(result) : NULL;
	if (err) {
		m->has_err = true;
		m->err = *err;
	}
	push_locked(b, m);
	pthread_mutex_unlock(&b->lock);
}

/* The engine's event callback (whichever thread emitted; the engine's
 * lock is held, so this only queues). */
static void on_event(void *user, json_t *event)
{
	struct bridge *b = user;
	struct msg *m;

	pthread_mutex_lock(&b->lock);
	if (!b->closing && b->event_fn) {
		m = msg_new(MSG_EVENT);
		m->json = json_incref(event);
		push_locked(b, m);
	}
	pthread_mutex_unlock(&b->lock);
}

/* Sets up the queue and its eventfd. */
int bridge_open(struct app *app, berr *err)
{
	struct bridge *b = calloc(1, sizeof(*b));

	if (!b)
		return berr_errno(err, ENOMEM, "starting the console");
	b->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (b->efd < 0) {
		free(b);
		return berr_sys(err, "starting the console: eventfd");
	}
	pthread_mutex_init(&b->lock, NULL);
	pthread_cond_init(&b->drained, NULL);
	b->refs = 1;
	b->engine = app->engine;
	b->subscription = -1;
	app->bridge = b;
	return 0;
}

/* The fd the main loop polls. */
int bridge_fd(const struct app *app)
{
	return app->bridge->efd;
}

/* Submits a command whose callbacks run on the UI thread. */
struct request *tui_submit(struct app *app, const char *type, json_t *args,
			   tui_progress_fn progress, tui_reply_fn reply, void *user)
{
	struct bridge *b = app->bridge;
	struct request *req = calloc(1, sizeof(*req));

	if (!req)
		abort();
	req->bridge = b;
	req->progress = progress;
	req->reply = reply;
	req->user = user;
	pthread_mutex_lock(&b->lock);
	b->refs++;
	req->next = b->live;
	if (b->live)
		b->live->prev = req;
	b->live = req;
	pthread_mutex_unlock(&b->lock);
	/* Outside the bridge's lock (see tui_cancel). Only the UI thread reads
	 * the id, and it frees a request only after this returned. */
	req->id = engine_submit(app->engine, type, args, progress ? on_progress : NULL, on_reply,
				req);
	return req;
}

/* Cancels a request: its callbacks are not run any more. */
void tui_cancel(struct app *app, struct request *req)
{
	struct bridge *b = app->bridge;
	uint64_t id;

	if (!req)
		return;
	pthread_mutex_lock(&b->lock);
	req->cancelled = true;
	id = req->id;
	pthread_cond_broadcast(&b->drained);
	pthread_mutex_unlock(&b->lock);
	/* Outside the bridge's lock: the engine's lock is taken inside, and an
	 * event callback holds the engine's while it waits for ours. */
	engine_cancel(app->engine, id);
}

void tui_interrupt(struct app *app, struct request *req)
{
	struct bridge *b = app->bridge;
	uint64_t id;

	if (!req)
		return;
	pthread_mutex_lock(&b->lock);
	id = req->id;
	pthread_mutex_unlock(&b->lock);
	engine_cancel(app->engine, id);
}

/* Queues a call for the UI thread. */
void tui_post(struct app *app, tui_call_fn fn, void *user)
{
	struct bridge *b = app->bridge;
	struct msg *m = msg_new(MSG_CALL);

	m->fn = fn;
	m->user = user;
	pthread_mutex_lock(&b->lock);
	push_locked(b, m);
	pthread_mutex_unlock(&b->lock);
}

/* Subscribes to this process's events. */
void tui_subscribe(struct app *app, tui_event_fn fn)
{
	struct bridge *b = app->bridge;

	b->event_fn = fn;
	if (b->subscription < 0)
		b->subscription = engine_subscribe(app->engine, on_event, b);
}

/* Frees a message's parts. */
static void msg_free(struct msg *m)
{
	json_decref(m->json);
	free(m);
}

/* Handles one message on the UI thread. */
static void deliver(struct app *app, struct bridge *b, struct msg *m)
{
	struct request *req = m->req;
	bool gone = false;

	switch (m->kind) {
	case MSG_PROGRESS:
		pthread_mutex_lock(&b->lock);
		req->backlog -= m->weight;
		pthread_cond_broadcast(&b->drained);
		pthread_mutex_unlock(&b->lock);
		if (!req->cancelled && req->progress)
			req->progress(app, req->user, m->json);
		break;
	case MSG_REPLY:
		if (!req->cancelled && req->reply)
			req->reply(app, req->user, m->status, m->json, m->has_err ? &m->err : NULL);
		pthread_mutex_lock(&b->lock);
		unlink_locked(b, req);
		bridge_unref_locked(b, &gone);
		pthread_mutex_unlock(&b->lock);
		free(req);
		break;
	case MSG_CALL:
		m->fn(app, m->user);
		break;
	case MSG_EVENT:
		if (b->event_fn)
			b->event_fn(app, m->json);
		break;
	}
	msg_free(m);
}

/* Runs every queued callback. */
size_t bridge_drain(struct app *app)
{
	struct bridge *b = app->bridge;
	struct msg *list;
	uint64_t count;
	size_t n = 0;

	if (read(b->efd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return 0;
	pthread_mutex_lock(&b->lock);
	list = b->head;
	b->head = b->tail = NULL;
	pthread_mutex_unlock(&b->lock);
	while (list) {
		struct msg *m = list;
		list = m->next;
		deliver(app, b, m);
		n++;
	}
	return n;
}

/* Stops delivering, cancels what still runs, and lets go of the bridge. */
void bridge_close(struct app *app)
{
	struct bridge *b = app->bridge;
	struct msg *list, *m;
	uint64_t *ids = NULL;
	size_t nids = 0, cap = 0;
	bool gone = false;

	if (!b)
		return;
	if (b->subscription >= 0)
		engine_unsubscribe(app->engine, b->subscription);
	pthread_mutex_lock(&b->lock);
	b->closing = true;
	for (struct request *r = b->live; r; r = r->next) {
		r->cancelled = true;
		if (nids == cap) {
			cap = cap ? cap * 2 : 16;
			uint64_t *grown = realloc(ids, cap * sizeof(*ids));
			if (!grown)
				abort();
			ids = grown;
		}
		ids[nids++] = r->id;
	}
	pthread_cond_broadcast(&b->drained);
	list = b->head;
	b->head = b->tail = NULL;
	pthread_mutex_unlock(&b->lock);
	for (size_t i = 0; i < nids; i++)
		engine_cancel(app->engine, ids[i]);
	free(ids);
	/* Replies already queued end their requests here. */
	while (list) {
		m = list;
		list = m->next;
		if (m->kind == MSG_REPLY) {
			pthread_mutex_lock(&b->lock);
			unlink_locked(b, m->req);
			bridge_unref_locked(b, &gone);
			pthread_mutex_unlock(&b->lock);
			free(m->req);
		}
		msg_free(m);
	}
	pthread_mutex_lock(&b->lock);
	bridge_unref_locked(b, &gone);
	pthread_mutex_unlock(&b->lock);
	app->bridge = NULL;
	if (gone)
		bridge_free(b);
}
