/* The engine and its command queue.
 *
 * Every operation is a command: a type ("container.create") and a JSON
 * argument object. A face submits commands; the engine runs each one on a
 * worker thread of its libuv loop and answers with a JSON result or an error.
 * State changes are published as events (JSON) to every subscriber and
 * recorded in the store. Faces never touch the kernel or SQLite themselves. */
#ifndef BERTH_CORE_ENGINE_H
#define BERTH_CORE_ENGINE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/error.h"

struct engine;
struct cmd_ctx;

/* What a command handler runs as. It fills *result (a new reference) on
 * success and returns 0, or fills err and returns -1. */
typedef int (*engine_command_fn)(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err);

struct engine_command {
	const char *type;
	engine_command_fn run;
};

/* A subsystem as the core sees it. The core knows no subsystem by name:
 * the modules an engine is made of are handed to engine_open from above
 * (engine/modules.c), and the core only walks them. */
struct engine_module {
	const char *name;
	/* Its command tables, each ended by a {NULL, NULL} entry; the list
	 * itself ends with NULL. */
	const struct engine_command *const *commands;
	/* Work done when an engine opens (what a crash left, reconciling
	 * with the kernel), in the order of the modules; may be NULL. */
	int (*startup)(struct engine *engine, berr *err);
	/* Adds the subsystem's figures to system.info's object; may be NULL. */
	int (*info)(struct engine *engine, json_t *info, berr *err);
	/* Adds the subsystem's part of system.df (GET /system/df: LayersSize and
	 * Images, Containers, Volumes) to usage; may be NULL. */
	int (*disk_usage)(struct engine *engine, json_t *usage, berr *err);
	/* Brings the store up to date with the kernel (what ended since the
	 * last look); events followers call it about once a second. May be NULL. */
	int (*reconcile)(struct engine *engine, berr *err);
	/* What the module keeps for one engine's life (its caches): made by
	 * new_state at the first engine_module_state, given to free_state
	 * when the engine closes. Both may be NULL. */
	void *(*new_state)(void);
	void (*free_state)(void *state);
};

struct engine_options {
	const char *root;     /* data root; NULL: $BERTH_ROOT or /var/lib/berth */
	const char *run_root; /* run root; NULL: $BERTH_RUN or /run/berth */
	/* The subsystems, NULL-terminated; NULL: an engine that knows no
	 * command (enough for the queue's own tests). */
	const struct engine_module *const *modules;
	/* An engine with no data root, run root, store or daemon.json of its
	 * own: its modules serve every command from elsewhere (a remote
	 * daemon). engine_store answers NULL and events are not recorded. */
	bool stateless;
	/* What the modules serve from (borrowed, kept for the engine's life):
	 * read back with engine_backend. */
	const void *backend;
};

/* Called with each progress message a streaming command sends (log lines,
 * pull progress); runs on the engine's worker thread. */
typedef void (*engine_progress_fn)(void *user, json_t *message);

/* Called with each event published by any command of this engine. */
typedef void (*engine_event_fn)(void *user, json_t *event);

/* Called once when a submitted command finishes; result is borrowed. */
typedef void (*engine_reply_fn)(void *user, int status, json_t *result, const berr *err);

int engine_open(struct engine **out, const struct engine_options *opts, berr *err);

/* What the engine wants its user told once, at start: the settings of
 * daemon.json it does not apply ({"key", "why"} objects; borrowed). Empty
 * unless the file is new to this data root. */
json_t *engine_notices(struct engine *engine);
/* Every setting of daemon.json the engine does not apply (borrowed). */
json_t *engine_ignored_settings(struct engine *engine);
void engine_close(struct engine *engine);

/* Queues a command. args is borrowed (the engine keeps its own reference).
 * Returns an id usable with engine_cancel. */
uint64_t engine_submit(struct engine *engine, const char *type, json_t *args,
		       engine_progress_fn progress, engine_reply_fn reply, void *user);

/* Asks a running command to stop (a follow, a wait). */
void engine_cancel(struct engine *engine, uint64_t id);

/* Submits a command and waits for its reply: the form the CLI uses.
 * On success *result holds a new reference (may be NULL if not wanted). */
int engine_call(struct engine *engine, const char *type, json_t *args, json_t **result,
		engine_progress_fn progress, void *user, berr *err);

/* Subscribes to events; returns a subscription id. */
int engine_subscribe(struct engine *engine, engine_event_fn fn, void *user);
void engine_unsubscribe(struct engine *engine, int subscription);

/* --- for command handlers ------------------------------------------------ */

struct engine *cmd_engine(struct cmd_ctx *ctx);

/* Sends a progress message to the submitter (message is stolen). */
void cmd_progress(struct cmd_ctx *ctx, json_t *message);

/* True once the submitter cancelled the command. */
bool cmd_cancelled(struct cmd_ctx *ctx);

/* Publishes an event: type ("container", "image"), action ("create",
 * "start", "die"...), the object's id and its attributes (stolen, may be
 * NULL). The event is stored and sent to every subscriber. */
void engine_emit(struct engine *engine, const char *type, const char *action, const char *id,
		 json_t *attributes);

/* A member of system.info that several modules add to (the "Plugins"
 * object, each its kind; the "Warnings" array), made by the first: an
 * array when array, else an object. */
json_t *engine_info_member(json_t *info, const char *key, bool array);

/* The state of the engine's module of that name (made on first use; NULL
 * when the module keeps none, is not among the engine's, or is out of
 * memory). By name, so that a module's files need not name the module's
 * own table, which names them. */
void *engine_module_state(struct engine *engine, const char *module_name);

/* The calling thread's connection to the store (opened on first use). */
struct store *engine_store(struct engine *engine, berr *err);
/* Gives it back to the engine's pool: a thread a command started itself
 * calls this before it ends (command threads give theirs back anyway). */
void engine_store_release(struct engine *engine);

/* Asks every module to add its figures to system.info's object. */
int engine_modules_info(struct engine *engine, json_t *info, berr *err);

/* Asks each subsystem for its part of system.df. */
int engine_modules_disk_usage(struct engine *engine, json_t *usage, berr *err);
/* Asks every module to reconcile the store with the kernel. */
int engine_modules_reconcile(struct engine *engine, berr *err);

/* engine_options' backend. */
const void *engine_backend(struct engine *engine);

/* Paths the engine works under ("" for a stateless engine). */
const char *engine_root(struct engine *engine);
const char *engine_run_root(struct engine *engine);

#endif
