/* The engine: a libuv loop on its own thread that takes commands from any
 * thread, runs each on a worker of the loop's thread pool, and answers
 * through the submitter's reply callback. */
#include "engine/core/engine.h"
#include "engine/core/daemon_config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uv.h>

#include "engine/core/clock.h"
#include "engine/core/paths.h"
#include "engine/store/store.h"

struct cmd_ctx {
	struct engine *engine;
	uint64_t id;
	char *type;
	json_t *args;
	engine_command_fn run;
	engine_progress_fn progress;
	engine_reply_fn reply;
	void *user;
	atomic_bool cancelled;
	int status;
	json_t *result;
	berr err;
	struct cmd_ctx *next; /* pending list, then running list, then done list */
};

struct subscriber {
	int id;
	engine_event_fn fn;
	void *user;
	struct subscriber *next;
};

/* A store connection of the engine's pool: lent to one thread at a time. */
struct pooled_store {
	struct store *store;
	bool in_use;
	struct pooled_store *next;
};

struct engine {
	const struct engine_module *const *modules;
	char root[PATH_MAX];
	char run_root[PATH_MAX];
	uv_loop_t loop;
	uv_async_t wake;
	struct cmd_ctx *done;
	int workers; /* command threads still running */
	pthread_cond_t workers_gone;
	uv_thread_t thread;
	pthread_mutex_t lock;
	struct cmd_ctx *pending;
	struct cmd_ctx *running;
	bool stopping;
	uint64_t next_id;
	struct subscriber *subscribers;
	int next_subscriber;
	pthread_mutex_t stores_lock;
	struct pooled_store *stores;
	bool stores_left_open; /* a connection was closed while others were open */
	json_t *ignored_settings, *notices;
	bool stateless;
	const void *backend;
	void **module_states; /* one per module, made by engine_module_state */
};

static __thread struct engine *tls_engine;
static __thread struct pooled_store *tls_store;

struct engine *cmd_engine(struct cmd_ctx *ctx)
{
	return ctx->engine;
}

bool cmd_cancelled(struct cmd_ctx *ctx)
{
	return atomic_load(&ctx->cancelled);
}

void cmd_progress(struct cmd_ctx *ctx, json_t *message)
{
	if (ctx->progress && message)
		ctx->progress(ctx->user, message);
	json_decref(message);
}

/* A stateless engine has no roots: a path made from one would be made
 * from "" (its "/tmp" the host's /tmp). Asking is a bug, stopped here. */
static const char *a_root(struct engine *engine, const char *root)
{
	if (engine->stateless) {
		fprintf(stderr, "berth: a stateless engine was asked for its roots\n");
		abort();
	}
	return root;
}

const char *engine_root(struct engine *engine)
{
	return a_root(engine, engine->root);
}

const char *engine_run_root(struct engine *engine)
{
	return a_root(engine, engine->run_root);
}

const void *engine_backend(struct engine *engine)
{
	return engine->backend;
}

struct store *engine_store(struct engine *engine, berr *err)
{
	struct pooled_store *ps;

	if (engine->stateless) {
		berr_set(err, BERR_UNSUPPORTED, "this engine keeps no store");
		return NULL;
	}
	if (tls_engine == engine && tls_store)
		return tls_store->store;
	pthread_mutex_lock(&engine->stores_lock);
	for (ps = engine->stores; ps; ps = ps->next)
		if (!ps->in_use)
			break;
	if (ps)
		ps->in_use = true;
	pthread_mutex_unlock(&engine->stores_lock);
	if (!ps) {
		ps = calloc(1, sizeof(*ps));
		if (!ps) {
			berr_errno(err, ENOMEM, "opening the store");
			return NULL;
		}
		if (store_open(&ps->store, engine->root, err) < 0) {
			free(ps);
			return NULL;
		}
		ps->in_use = true;
		pthread_mutex_lock(&engine->stores_lock);
		ps->next = engine->stores;
		engine->stores = ps;
		pthread_mutex_unlock(&engine->stores_lock);
	}
	tls_engine = engine;
	tls_store = ps;
	return ps->store;
}

/* Connections kept open for reuse once their thread is done: a burst of
 * concurrent commands (a daemon's clients) leaves no more than this. */
#define ENGINE_IDLE_STORES 8

/* Gives the calling thread's connection back to the pool, or closes it
 * when the pool holds enough idle ones already. A connection closed while
 * another is open keeps its descriptor (SQLite must: closing it would drop
 * the locks the others hold on the file, and in WAL mode every open
 * connection holds one), until none is open: so once a burst is over and
 * nothing uses the store, every idle connection is closed, and with them
 * the descriptors the burst left. */
void engine_store_release(struct engine *engine)
{
	struct pooled_store *ps, **link, *closing = NULL;
	int idle = 0, busy = 0;

	if (tls_engine != engine || !tls_store)
		return;
	pthread_mutex_lock(&engine->stores_lock);
	for (ps = engine->stores; ps; ps = ps->next) {
		idle += !ps->in_use;
		busy += ps->in_use && ps != tls_store;
	}
	tls_store->in_use = false;
	if (idle >= ENGINE_IDLE_STORES) {
		engine->stores_left_open = true;
		for (link = &engine->stores; *link; link = &(*link)->next)
			if (*link == tls_store) {
				closing = tls_store;
				*link = closing->next;
				closing->next = NULL;
				break;
			}
	}
	if (!busy && engine->stores_left_open) {
		/* the burst is over: every idle connection goes */
		engine->stores_left_open = false;
		for (link = &engine->stores; *link;) {
			ps = *link;
			*link = ps->next;
			ps->next = closing;
			closing = ps;
		}
	}
	pthread_mutex_unlock(&engine->stores_lock);
	while (closing) {
		ps = closing;
		closing = ps->next;
		store_close(ps->store);
		free(ps);
	}
	tls_store = NULL;
	tls_engine = NULL;
}

static void command_free(struct cmd_ctx *ctx)
{
	json_decref(ctx->args);
	json_decref(ctx->result);
	free(ctx->type);
	free(ctx);
}

/* Each command runs on a thread of its own: a long one (a follow, a wait)
 * never holds up the others, and starting one costs tens of microseconds. */
static void *command_thread(void *arg)
{
	struct cmd_ctx *ctx = arg;
	struct engine *engine = ctx->engine;

	berr_clear(&ctx->err);
	ctx->status = ctx->run(ctx, ctx->args, &ctx->result, &ctx->err);
	if (ctx->status < 0 && ctx->err.kind == BERR_NONE)
		berr_set(&ctx->err, BERR_SYSTEM, "%s failed", ctx->type);
	engine_store_release(engine);
	pthread_mutex_lock(&engine->lock);
	for (struct cmd_ctx **p = &engine->running; *p; p = &(*p)->next) {
		if (*p == ctx) {
			*p = ctx->next;
			break;
		}
	}
	ctx->next = engine->done;
	engine->done = ctx;
	pthread_mutex_unlock(&engine->lock);
	uv_async_send(&engine->wake);
	return NULL;
}

/* Answers finished commands and starts pending ones (on the loop thread). */
static void engine_wake(uv_async_t *async)
{
	struct engine *engine = async->data;
	struct cmd_ctx *pending, *done, *ordered = NULL;
	pthread_attr_t attr;
	bool stopping;

	pthread_mutex_lock(&engine->lock);
	pending = engine->pending;
	engine->pending = NULL;
	done = engine->done;
	engine->done = NULL;
	stopping = engine->stopping;
	pthread_mutex_unlock(&engine->lock);

	while (done) {
		struct cmd_ctx *ctx = done;
		done = ctx->next;
		if (ctx->reply)
			ctx->reply(ctx->user, ctx->status, ctx->status < 0 ? NULL : ctx->result,
				   ctx->status < 0 ? &ctx->err : NULL);
		command_free(ctx);
		pthread_mutex_lock(&engine->lock);
		if (--engine->workers == 0)
			pthread_cond_broadcast(&engine->workers_gone);
		pthread_mutex_unlock(&engine->lock);
	}
	/* Pending was built by prepending: reverse to keep submission order. */
	while (pending) {
		struct cmd_ctx *next = pending->next;
		pending->next = ordered;
		ordered = pending;
		pending = next;
	}
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (ordered) {
		struct cmd_ctx *ctx = ordered;
		pthread_t thread;
		ordered = ctx->next;
		pthread_mutex_lock(&engine->lock);
		ctx->next = engine->running;
		engine->running = ctx;
		engine->workers++;
		pthread_mutex_unlock(&engine->lock);
		if (pthread_create(&thread, &attr, command_thread, ctx) != 0) {
			berr_set(&ctx->err, BERR_SYSTEM, "%s: cannot start a thread", ctx->type);
			ctx->run = NULL;
			pthread_mutex_lock(&engine->lock);
			engine->running = ctx->next;
			ctx->next = engine->done;
			engine->done = ctx;
			ctx->status = -1;
			pthread_mutex_unlock(&engine->lock);
			uv_async_send(&engine->wake);
		}
	}
	pthread_attr_destroy(&attr);
	if (stopping) {
		pthread_mutex_lock(&engine->lock);
		bool idle = engine->workers == 0 && !engine->pending;
		pthread_mutex_unlock(&engine->lock);
		if (idle)
			uv_close((uv_handle_t *)&engine->wake, NULL);
	}
}

static void engine_thread(void *arg)
{
	struct engine *engine = arg;

	uv_run(&engine->loop, UV_RUN_DEFAULT);
}

/* What berth keeps at the top of a root. Directories are 0700, files lose
 * their group and other bits (the store's berth.db, -wal and -shm become
 * 0600); what lies deeper is reached only through these. `make` marks the
 * directories made here when missing, since other code would make them as
 * a 0755 parent of something. Only these names are touched, so a root set
 * by mistake to a shared directory keeps its other entries as they are. */
struct root_entry {
	const char *name;
	bool dir, make;
};
static const struct root_entry data_root_entries[] = {
	{"containers", true, true}, {"volumes", true, true}, {"layers", true, false},
	{"blobs", true, false},     {"tmp", true, false},    {"seccomp", true, false},
	{"berth.db", false, false}, {"berth.db-wal", false, false},
	{"berth.db-shm", false, false}, {"berth.db-journal", false, false},
	{NULL, false, false},
};
static const struct root_entry run_root_entries[] = {
	{"containers", true, true}, {"boot_id", false, false}, {NULL, false, false},
};

/* Makes (when asked) and tightens one entry at the top of a root. */
static int make_entry_private(int dirfd, const char *path, const struct root_entry *e, berr *err)
{
	struct stat st;
	mode_t want;

	if (e->make && mkdirat(dirfd, e->name, 0700) < 0 && errno != EEXIST)
		return berr_sys(err, "creating %s/%s", path, e->name);
	if (fstatat(dirfd, e->name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : berr_sys(err, "checking %s/%s", path, e->name);
	if (e->dir ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
		return 0;
	want = e->dir ? 0700 : st.st_mode & 0700;
	if ((st.st_mode & 07777) != want && fchmodat(dirfd, e->name, want, 0) < 0 &&
	    errno != ENOENT)
		return berr_sys(err, "making %s/%s private", path, e->name);
	return 0;
}

/* mkdir -p: missing parents 0755, the directory itself with mode. */
static int make_dir(const char *path, mode_t mode, berr *err)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return berr_set(err, BERR_INVALID, "path too long: %s", path);
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return berr_sys(err, "creating %s", buf);
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return berr_sys(err, "creating %s", buf);
	return 0;
}

/* Makes a root directory (data or run) if it is missing and keeps it
 * private to its owner: mode is 0700, or 0711 for the run root, which
 * others may pass through to the API socket (`berth daemon`) and nothing
 * else. Runs on every engine start, so the usual case is one stat: a root
 * already at mode was made or tightened here, and its own mode is changed
 * last. A new root, or one left 0755 by an older berth, gets its top-level
 * subdirectories made or tightened first. */
static int open_private_root(const char *path, mode_t mode, const struct root_entry *entries,
			     berr *err)
{
	struct stat st;
	int fd, rc = 0;

	/* A root someone else made (before berth ever ran) could hold their
	 * files, or their store: refused, not adopted. */
	if (stat(path, &st) == 0 && st.st_uid != geteuid())
		return berr_set(err, BERR_SYSTEM,
				"%s belongs to uid %u, not to the user berth runs as (%u): refusing to "
				"use it",
				path, (unsigned)st.st_uid, (unsigned)geteuid());
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == mode) {
		/* the usual case: private already; its top directories exist */
		for (const struct root_entry *e = entries; e->name && rc == 0; e++)
			if (e->make && mkdirat(fd, e->name, 0700) < 0 && errno != EEXIST)
				rc = berr_sys(err, "creating %s/%s", path, e->name);
		close(fd);
		return rc;
	}
	if (fd >= 0)
		close(fd);
	if (make_dir(path, 0700, err) < 0)
		return -1;
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return berr_sys(err, "opening %s", path);
	for (const struct root_entry *e = entries; e->name && rc == 0; e++)
		rc = make_entry_private(fd, path, e, err);
	if (rc == 0 && fchmod(fd, mode) < 0)
		rc = berr_sys(err, "making %s private", path);
	close(fd);
	return rc;
}

static const struct engine_module *const no_modules[] = {NULL};

static int modules_startup(struct engine *engine, berr *err)
{
	for (const struct engine_module *const *m = engine->modules; *m; m++)
		if ((*m)->startup && (*m)->startup(engine, err) < 0)
			return -1;
	return 0;
}

int engine_modules_info(struct engine *engine, json_t *info, berr *err)
{
	for (const struct engine_module *const *m = engine->modules; *m; m++)
		if ((*m)->info && (*m)->info(engine, info, err) < 0)
			return -1;
	return 0;
}

int engine_modules_disk_usage(struct engine *engine, json_t *usage, berr *err)
{
	for (const struct engine_module *const *m = engine->modules; *m; m++)
		if ((*m)->disk_usage && (*m)->disk_usage(engine, usage, err) < 0)
			return -1;
	return 0;
}

int engine_modules_reconcile(struct engine *engine, berr *err)
{
	for (const struct engine_module *const *m = engine->modules; *m; m++)
		if ((*m)->reconcile && (*m)->reconcile(engine, err) < 0)
			return -1;
	return 0;
}

json_t *engine_info_member(json_t *info, const char *key, bool array)
{
	json_t *member = json_object_get(info, key);

	if (array ? !json_is_array(member) : !json_is_object(member)) {
		member = array ? json_array() : json_object();
		json_object_set_new(info, key, member);
	}
	return member;
}

void *engine_module_state(struct engine *engine, const char *module_name)
{
	size_t i = 0, n = 0;
	void *state = NULL;

	while (engine->modules[n])
		n++;
	while (i < n && strcmp(engine->modules[i]->name, module_name) != 0)
		i++;
	if (i == n || !engine->modules[i]->new_state)
		return NULL;
	const struct engine_module *module = engine->modules[i];
	pthread_mutex_lock(&engine->lock);
	if (!engine->module_states)
		engine->module_states = calloc(n, sizeof(*engine->module_states));
	if (engine->module_states) {
		if (!engine->module_states[i])
			engine->module_states[i] = module->new_state();
		state = engine->module_states[i];
	}
	pthread_mutex_unlock(&engine->lock);
	return state;
}

/* The handler for a command type, or NULL. */
static const struct engine_command *find_command(struct engine *engine, const char *type)
{
	for (const struct engine_module *const *m = engine->modules; *m; m++)
		for (const struct engine_command *const *t = (*m)->commands; t && *t; t++)
			for (const struct engine_command *c = *t; c->type; c++)
				if (strcmp(c->type, type) == 0)
					return c;
	return NULL;
}

json_t *engine_notices(struct engine *engine)
{
	return engine->notices;
}

json_t *engine_ignored_settings(struct engine *engine)
{
	return engine->ignored_settings;
}

/* The engine's loop thread, started once the engine is set up. */
static int engine_start_loop(struct engine *engine, berr *err)
{
	uv_loop_init(&engine->loop);
	engine->wake.data = engine;
	uv_async_init(&engine->loop, &engine->wake, engine_wake);
	if (uv_thread_create(&engine->thread, engine_thread, engine) != 0) {
		uv_close((uv_handle_t *)&engine->wake, NULL);
		uv_run(&engine->loop, UV_RUN_DEFAULT);
		uv_loop_close(&engine->loop);
		engine->loop.data = NULL;
		return berr_set(err, BERR_SYSTEM, "starting the engine thread");
	}
	engine->loop.data = engine;
	return 0;
}

static struct engine *engine_new(const struct engine_options *opts, berr *err)
{
	struct engine *engine = calloc(1, sizeof(*engine));

	if (!engine) {
		berr_errno(err, ENOMEM, "starting the engine");
		return NULL;
	}
	pthread_mutex_init(&engine->lock, NULL);
	pthread_mutex_init(&engine->stores_lock, NULL);
	pthread_cond_init(&engine->workers_gone, NULL);
	engine->next_id = 1;
	engine->next_subscriber = 1;
	engine->modules = opts && opts->modules ? opts->modules : no_modules;
	engine->backend = opts ? opts->backend : NULL;
	return engine;
}

/* An engine whose modules serve everything from elsewhere: no root, no
 * store, no daemon.json (that is the other host's). */
static int engine_open_stateless(struct engine **out, const struct engine_options *opts, berr *err)
{
	struct engine *engine = engine_new(opts, err);

	if (!engine)
		return -1;
	engine->stateless = true;
	engine->ignored_settings = json_array();
	engine->notices = json_array();
	/* start-up work is a host's (what a crash left in its roots): a
	 * module that has some cannot serve from elsewhere */
	for (const struct engine_module *const *m = engine->modules; *m; m++)
		if ((*m)->startup || (*m)->reconcile) {
			berr_set(err, BERR_INVALID, "the %s subsystem cannot run without a data root",
				 (*m)->name);
			engine_close(engine);
			return -1;
		}
	if (engine_start_loop(engine, err) < 0) {
		engine_close(engine);
		return -1;
	}
	*out = engine;
	return 0;
}

int engine_open(struct engine **out, const struct engine_options *opts, berr *err)
{
	struct engine *engine;
	json_t *config, *ignored;

	if (opts && opts->stateless)
		return engine_open_stateless(out, opts, err);

	/* daemon.json first: a file dockerd would refuse starts nothing */
	if (daemon_config_read(&config, err) < 0)
		return -1;
	ignored = json_array();
	if (daemon_config_check(config, ignored, err) < 0) {
		json_decref(config);
		json_decref(ignored);
		return -1;
	}
	char root[PATH_MAX], run[PATH_MAX];
	const char *data_root = json_string_value(json_object_get(config, "data-root"));
	const char *exec_root = json_string_value(json_object_get(config, "exec-root"));
	snprintf(root, sizeof(root), "%s",
		 opts && opts->root ? opts->root
		 : getenv("BERTH_ROOT") && *getenv("BERTH_ROOT") ? paths_default_root()
		 : data_root ? data_root : paths_default_root());
	snprintf(run, sizeof(run), "%s",
		 opts && opts->run_root ? opts->run_root
		 : getenv("BERTH_RUN") && *getenv("BERTH_RUN") ? paths_default_run()
		 : exec_root ? exec_root : paths_default_run());
	json_decref(config);
	if (root[0] != '/' || run[0] != '/') {
		json_decref(ignored);
		return berr_set(err, BERR_INVALID, "BERTH_ROOT and BERTH_RUN must be absolute paths");
	}
	/* As dockerd does: what the engine and its monitors create (a
	 * container's /etc in its init layer, its device nodes) gets the mode
	 * asked for, not one the caller's umask cut down (0700 would lock a
	 * container's non-root user out of its own /etc). */
	umask(022);
	if (open_private_root(root, 0700, data_root_entries, err) < 0 ||
	    open_private_root(run, 0711, run_root_entries, err) < 0) {
		json_decref(ignored);
		return -1;
	}
	engine = engine_new(opts, err);
	if (!engine) {
		json_decref(ignored);
		return -1;
	}
	engine->ignored_settings = ignored;
	engine->notices = json_array_size(ignored) && daemon_config_first_sight(root)
				  ? json_incref(ignored)
				  : json_array();
	snprintf(engine->root, sizeof(engine->root), "%s", root);
	snprintf(engine->run_root, sizeof(engine->run_root), "%s", run);
	if (!engine_store(engine, err) || modules_startup(engine, err) < 0) {
		engine_close(engine);
		return -1;
	}
	engine_store_release(engine);
	if (engine_start_loop(engine, err) < 0) {
		engine_close(engine);
		return -1;
	}
	*out = engine;
	return 0;
}

void engine_close(struct engine *engine)
{
	if (!engine)
		return;
	if (engine->loop.data) {
		pthread_mutex_lock(&engine->lock);
		engine->stopping = true;
		for (struct cmd_ctx *c = engine->running; c; c = c->next)
			atomic_store(&c->cancelled, true);
		pthread_mutex_unlock(&engine->lock);
		uv_async_send(&engine->wake);
		uv_thread_join(&engine->thread);
		uv_loop_close(&engine->loop);
	}
	while (engine->stores) {
		struct pooled_store *ps = engine->stores;
		engine->stores = ps->next;
		store_close(ps->store);
		free(ps);
	}
	if (tls_engine == engine) {
		tls_engine = NULL;
		tls_store = NULL;
	}
	for (size_t i = 0; engine->module_states && engine->modules[i]; i++)
		if (engine->module_states[i] && engine->modules[i]->free_state)
			engine->modules[i]->free_state(engine->module_states[i]);
	free(engine->module_states);
	while (engine->subscribers) {
		struct subscriber *s = engine->subscribers;
		engine->subscribers = s->next;
		free(s);
	}
	pthread_mutex_destroy(&engine->lock);
	pthread_mutex_destroy(&engine->stores_lock);
	pthread_cond_destroy(&engine->workers_gone);
	json_decref(engine->ignored_settings);
	json_decref(engine->notices);
	free(engine);
}

/* A reply for a command type the engine does not know: answered on the
 * loop thread like any other so callers see one path. */
static int unknown_command(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	(void)args;
	(void)result;
	return berr_set(err, BERR_UNSUPPORTED, "unknown command: %s", ctx->type);
}

uint64_t engine_submit(struct engine *engine, const char *type, json_t *args,
		       engine_progress_fn progress, engine_reply_fn reply, void *user)
{
	struct cmd_ctx *ctx = calloc(1, sizeof(*ctx));
	const struct engine_command *cmd = find_command(engine, type);
	uint64_t id;

	if (!ctx)
		abort();
	ctx->engine = engine;
	ctx->type = strdup(type);
	ctx->args = args ? json_incref(args) : json_object();
	ctx->run = cmd ? cmd->run : unknown_command;
	ctx->progress = progress;
	ctx->reply = reply;
	ctx->user = user;
	if (!ctx->type || !ctx->args)
		abort();
	pthread_mutex_lock(&engine->lock);
	id = ctx->id = engine->next_id++;
	ctx->next = engine->pending;
	engine->pending = ctx;
	pthread_mutex_unlock(&engine->lock);
	uv_async_send(&engine->wake);
	return id;
}

void engine_cancel(struct engine *engine, uint64_t id)
{
	pthread_mutex_lock(&engine->lock);
	for (struct cmd_ctx *c = engine->running; c; c = c->next)
		if (c->id == id)
			atomic_store(&c->cancelled, true);
	for (struct cmd_ctx *c = engine->pending; c; c = c->next)
		if (c->id == id)
			atomic_store(&c->cancelled, true);
	pthread_mutex_unlock(&engine->lock);
}

struct call_wait {
	engine_progress_fn progress;
	void *progress_user;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int status;
	json_t *result;
	berr err;
};

static void call_reply(void *user, int status, json_t *result, const berr *err)
{
	struct call_wait *w = user;

	pthread_mutex_lock(&w->lock);
	w->status = status;
	w->result = result ? json_incref(result) : NULL;
	if (err)
		w->err = *err;
	w->done = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

static void call_progress(void *user, json_t *message)
{
	struct call_wait *w = user;

	w->progress(w->progress_user, message);
}

int engine_call(struct engine *engine, const char *type, json_t *args, json_t **result,
		engine_progress_fn progress, void *user, berr *err)
{
	struct call_wait w = {.progress = progress,
			      .progress_user = user,
			      .lock = PTHREAD_MUTEX_INITIALIZER,
			      .cond = PTHREAD_COND_INITIALIZER};

	engine_submit(engine, type, args, progress ? call_progress : NULL, call_reply, &w);
	pthread_mutex_lock(&w.lock);
	while (!w.done)
		pthread_cond_wait(&w.cond, &w.lock);
	pthread_mutex_unlock(&w.lock);
	if (w.status < 0) {
		if (err)
			*err = w.err;
		json_decref(w.result);
		return -1;
	}
	if (result)
		*result = w.result;
	else
		json_decref(w.result);
	return 0;
}

int engine_subscribe(struct engine *engine, engine_event_fn fn, void *user)
{
	struct subscriber *s = calloc(1, sizeof(*s));
	int id;

	if (!s)
		return -1;
	s->fn = fn;
	s->user = user;
	pthread_mutex_lock(&engine->lock);
	id = s->id = engine->next_subscriber++;
	s->next = engine->subscribers;
	engine->subscribers = s;
	pthread_mutex_unlock(&engine->lock);
	return id;
}

void engine_unsubscribe(struct engine *engine, int subscription)
{
	pthread_mutex_lock(&engine->lock);
	for (struct subscriber **p = &engine->subscribers; *p; p = &(*p)->next) {
		if ((*p)->id == subscription) {
			struct subscriber *s = *p;
			*p = s->next;
			free(s);
			break;
		}
	}
	pthread_mutex_unlock(&engine->lock);
}

void engine_emit(struct engine *engine, const char *type, const char *action, const char *id,
		 json_t *attributes)
{
	int64_t now = clock_now_nanos();
	json_t *event;
	char *attrs_text;
	struct store *st;
	sqlite3_stmt *stmt;

	if (!attributes)
		attributes = json_object();
	attrs_text = json_dumps(attributes, JSON_COMPACT);
	st = engine_store(engine, NULL);
	if (st && attrs_text &&
	    store_prepare(st, &stmt,
			  "INSERT INTO events(time_nano, type, action, actor, attributes)"
			  " VALUES(?, ?, ?, ?, ?)",
			  NULL) == 0) {
		sqlite3_bind_int64(stmt, 1, now);
		sqlite3_bind_text(stmt, 2, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 3, action, -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 4, id ? id : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 5, attrs_text, -1, SQLITE_STATIC);
		sqlite3_step(stmt);
		sqlite3_reset(stmt);
	}
	free(attrs_text);
	/* Docker's event shape: Type, Action, Actor{ID, Attributes}, time, timeNano. */
	event = json_pack("{s:s, s:s, s:{s:s, s:o}, s:s, s:I, s:I}", "Type", type, "Action", action,
			  "Actor", "ID", id ? id : "", "Attributes", attributes, "scope", "local",
			  "time", (json_int_t)(now / 1000000000), "timeNano", (json_int_t)now);
	if (!event)
		return;
	pthread_mutex_lock(&engine->lock);
	for (struct subscriber *s = engine->subscribers; s; s = s->next)
		s->fn(s->user, event);
	pthread_mutex_unlock(&engine->lock);
	json_decref(event);
}
