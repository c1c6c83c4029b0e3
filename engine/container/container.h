/* Containers: records in the store, their lifecycle, and the commands that
 * act on them. */
#ifndef BERTH_CONTAINER_CONTAINER_H
#define BERTH_CONTAINER_CONTAINER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/engine.h"
#include "engine/store/store.h"

#define CONTAINER_ID_LEN 64

struct container {
	char id[CONTAINER_ID_LEN + 1];
	char name[256];  /* without the leading slash */
	char image_id[80];
	char *image_ref; /* as the user wrote it */
	json_t *layers;  /* chain ids, base first */
	int64_t created; /* unix ns */
	char state[16];  /* created running paused restarting removing exited dead */
	int pid;
	int shim_pid;
	int exit_code;
	int64_t started_at;
	int64_t finished_at;
	bool oom_killed;
	char *error;
	int restart_count;
	json_t *config;      /* Docker's Config */
	json_t *host_config; /* Docker's HostConfig */
};

extern const struct engine_command container_commands[];

/* Finds a container by full id, name, or unique id prefix, bringing its
 * state up to date with its run directory first. */
int container_find(struct engine *engine, const char *ref, struct container *out, berr *err);
void container_free(struct container *c);

/* The row a reference names, as stored (no sync with the run directory). */
int container_lookup(struct store *st, const char *ref, struct container *out, berr *err);

/* Loads every container (state brought up to date). */
int container_load_all(struct engine *engine, struct container **out, size_t *count, berr *err);
void container_free_all(struct container *list, size_t count);

/* A new container's row; a name in use is a conflict. */
int container_insert(struct store *st, const struct container *c, berr *err);
/* Writes a container's state columns (state, pids, exit, times, error,
 * restart count); "No such container" when its row is gone. */
int container_save(struct store *st, const struct container *c, berr *err);
/* Gives the row a new name; a name in use is a conflict. */
int container_rename_row(struct store *st, const char *id, const char *name, berr *err);
int container_delete_row(struct store *st, const char *id, berr *err);

/* Brings one container's state up to date with its run directory
 * (exit recorded by the shim, or the shim gone). Removes --rm containers
 * that have exited. Sets *removed when it did. */
int container_sync(struct engine *engine, struct container *c, bool *removed, berr *err);
/* The same; without may_remove, an --rm container is left for its remover. */
int container_sync_ex(struct engine *engine, struct container *c, bool *removed, bool may_remove,
		      berr *err);

/* Syncs every container that the store believes is running. */
int container_reconcile_all(struct engine *engine, berr *err);

/* The first berth process after a reboot starts the containers whose
 * restart policy says so (always; unless-stopped when they were running). */
int container_boot_restarts(struct engine *engine, berr *err);

/* Removes container directories that no row owns (a crash mid-create). */
int container_gc_orphans(struct engine *engine, berr *err);

/* Takes the container's lock (see lock.c) and returns its fd; with wait
 * false a lock held elsewhere gives -1 with errno EWOULDBLOCK and err
 * untouched. */
int container_lock(struct engine *engine, const char *id, bool wait, berr *err);
void container_unlock(int fd);

/* Finishes or undoes what the container intents (engine/core/intent.h) of
 * dead berth processes describe. */
int container_finish_intents(struct engine *engine, berr *err);

/* Is it running (or paused or restarting)? */
bool container_is_active(const struct container *c);

/* Paths. */
void container_bundle_dir(struct engine *engine, const char *id, char *buf, size_t n);
void container_run_dir(struct engine *engine, const char *id, char *buf, size_t n);

/* Lifecycle pieces shared by several commands. */
void container_mark_stopping(struct engine *engine, const struct container *c);
void container_signal_monitor(struct engine *engine, const struct container *c, int sig);
int container_start(struct engine *engine, struct container *c, int attach_fd, berr *err);
int container_signal(struct engine *engine, struct container *c, int sig, berr *err);
int container_stop(struct engine *engine, struct container *c, int timeout_s, berr *err);
int container_wait_exit(struct engine *engine, struct container *c, int64_t timeout_ms,
			bool (*cancelled)(void *), void *user, berr *err);
int container_remove(struct engine *engine, struct container *c, bool force, berr *err);

/* The Docker-shaped views. */
json_t *container_inspect_json(struct engine *engine, const struct container *c);
json_t *container_summary_json(struct engine *engine, const struct container *c, bool size);
/* State.Health as the monitor last wrote it (<run>/health); NULL when the
 * container has no health check or never ran. */
json_t *container_health_json(struct engine *engine, const struct container *c);
/* "starting", "healthy", "unhealthy" or "none", into buf. */
const char *container_health_status(struct engine *engine, const struct container *c,
				    char *buf, size_t n);

/* A process's environment in the container as Docker builds it: PATH,
 * HOSTNAME, TERM=xterm with a tty, then the container's Env, then extra
 * (an exec's), each KEY=V replacing or adding and a bare KEY removing. */
json_t *container_env(const struct container *c, bool tty, json_t *extra);

/* The 12-hex short id. */
void container_short_id(const char *id, char out[13]);

#endif
