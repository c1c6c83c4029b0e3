/* What the files of engine/container share among themselves. */
#ifndef BERTH_CONTAINER_INTERNAL_H
#define BERTH_CONTAINER_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/container/container.h"

/* The container.* commands of commands.c. */
extern const struct engine_command container_commands[];
/* network.connect and network.disconnect (network_commands.c). */
extern const struct engine_command container_network_commands[];

/* Every row as stored, newest first (no sync). */
int container_list_rows(struct store *st, struct container **out, size_t *count, berr *err);
/* Is there a row for this id? (true when the store cannot tell) */
bool container_row_exists(struct store *st, const char *id);
/* The state and start time stored now (state "" when the row is gone). */
int container_state_row(struct store *st, const char *id, char *state, size_t n, int64_t *started,
			berr *err);
/* The state and HostConfig stored now; "No such container" when gone. */
int container_host_config_row(struct store *st, const char *id, char *state, size_t n, json_t **hc,
			      berr *err);
/* Writes the HostConfig column alone. */
int container_host_config_save(struct store *st, const char *id, json_t *hc, berr *err);
/* Whether a container has this name; its id into owner. */
bool container_name_owner(struct store *st, const char *name, char *owner, size_t n);
/* What a reconcile needs of a row that may lag behind the kernel
 * (running, paused, restarting, being removed, or an exited --rm one),
 * read without parsing its configuration. */
struct container_pulse {
	char id[CONTAINER_ID_LEN + 1];
	char state[16];
	int restart_count;
	char restart[32]; /* RestartPolicy.Name */
};
int container_list_unsettled(struct store *st, struct container_pulse **out, size_t *count,
			     berr *err);
/* What a listing of many containers needs from each row, without parsing
 * their configurations. */
struct container_brief {
	char id[CONTAINER_ID_LEN + 1];
	char name[256];
	char state[16];
	int pid, shim_pid;
	char restart[32]; /* RestartPolicy.Name */
};
/* Every container's brief row, newest first (*out malloc'd). */
int container_list_brief(struct store *st, struct container_brief **out, size_t *count, berr *err);
/* The store's container list generation: it grows with every write to
 * a table a list reads (migration 11). */
int container_list_generation(struct store *st, int64_t *out, berr *err);
/* Every container's id. */
int container_ids_all(struct store *st, struct store_strings *out, berr *err);

/* Brings one container's row up to date with its run directory and
 * nothing more (no removal); *gone when its row is gone (another process
 * removed it). sync.c */
int container_sync_state(struct engine *engine, struct container *c, bool *gone, berr *err);

/* Is only its removal left: a removal under way, or an --rm container
 * that has exited? */
bool container_awaits_removal(const struct container *c);

/* A container event's attributes as Docker gives them (labels, image,
 * name), then extra (stolen, may be NULL). */
json_t *container_event_attributes(const struct container *c, json_t *extra);
/* Publishes a container event: engine_emit with those attributes. */
void container_emit(struct engine *engine, const struct container *c, const char *action,
                    json_t *extra);

/* The row a reference names, as stored (no sync with the run directory). */
int container_lookup(struct store *st, const char *ref, struct container *out, berr *err);

/* A new container's row; a name in use is a conflict. */
int container_insert(struct store *st, const struct container *c, berr *err);
/* Writes a container's state columns (state, pids, exit, times, error,
 * restart count); "No such container" when its row is gone. */
int container_save(struct store *st, const struct container *c, berr *err);
/* Gives the row a new name; a name in use is a conflict. */
int container_rename_row(struct store *st, const char *id, const char *name, berr *err);
int container_delete_row(struct store *st, const char *id, berr *err);

/* Adds Containers, ContainersRunning, ContainersPaused and
 * ContainersStopped to system.info's object. */
int container_count_states(struct store *st, json_t *info, berr *err);

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
/* A running container's network change a dead berth left (its
 * "netchange" intent): endpoints and links made to agree
 * (network_commands.c); false when that could not be done now. */
bool container_finish_netchange(struct engine *engine, const char *id);

/* How long a SIGKILLed container may take to be reported gone. */
#define CONTAINER_KILL_WAIT_MS 30000

/* Lifecycle pieces shared by several commands. */
void container_mark_stopping(struct engine *engine, const struct container *c);
void container_signal_monitor(struct engine *engine, const struct container *c, int sig);
/* SIGKILL for the container, or for its monitor when its init cannot be
 * signalled; -1 when neither could be. */
int container_kill(struct engine *engine, struct container *c);
int container_start(struct engine *engine, struct container *c, int attach_fd, berr *err);
int container_signal(struct engine *engine, struct container *c, int sig, berr *err);
int container_stop(struct engine *engine, struct container *c, int timeout_s, berr *err);
int container_wait_exit(struct engine *engine, struct container *c, int64_t timeout_ms,
                        bool (*cancelled)(void *), void *user, berr *err);
int container_remove(struct engine *engine, struct container *c, bool force, berr *err);

/* Would a sync change this row (container_sync_state's checks, read from
 * its run directory: an exit, a dead monitor, a health status not yet
 * announced...), or is its removal all that is left? */
bool container_may_lag(struct engine *engine, const struct container *c);

/* memory.c: what the module keeps for one engine (its new_state and
 * free_state), */
void *container_memory_new(void);
void container_memory_free(void *memory);
/* the last full reconcile (container_reconcile_all), which a list right
 * after it trusts, */
void container_note_reconciled(struct engine *engine);
bool container_reconciled_just_now(struct engine *engine);
/* and the rows a list shows: read-only once made, shared by every
 * thread's lists, counted (refs, under the memory's lock). */
struct container_rows {
	int64_t generation; /* the store's when they were read */
	size_t count;
	struct container *list; /* newest first, synced */
	json_t **summaries;     /* container_summary_base of each, made on first need */
	int refs;
};
/* The kept rows when they are of this generation (a new reference), else NULL. */
struct container_rows *container_rows_fetch(struct engine *engine, int64_t generation);
/* Keeps rows for the next lists, unless newer ones are kept already. */
void container_rows_keep(struct engine *engine, struct container_rows *rows);
void container_rows_put(struct engine *engine, struct container_rows *rows);
/* list_rows.c: every container's row and summary as a list shows them now
 * (kept ones when the store has not moved, each checked against its run
 * directory); give them back with container_rows_put. */
int container_rows_get(struct engine *engine, struct container_rows **out, berr *err);
/* Row i's container_summary_base (borrowed: it lives as long as rows). */
json_t *container_rows_summary(struct engine *engine, struct container_rows *rows, size_t i);

/* The Docker-shaped views. */
json_t *container_inspect_json(struct engine *engine, const struct container *c);
json_t *container_summary_json(struct engine *engine, const struct container *c, bool size);
/* The summary in two parts: what only the store's rows decide (everything
 * but Status and the sizes), and a row made from it for this moment (its
 * Status, the health check's word, SizeRw and SizeRootFs when asked);
 * base is only read, so that lists can share it. */
json_t *container_summary_base(struct engine *engine, const struct container *c);
json_t *container_summary_row(struct engine *engine, const struct container *c, json_t *base,
			      bool size);
/* Bytes the container wrote to its own layer (Docker's SizeRw). */
int64_t container_rw_size(struct engine *engine, const struct container *c);
/* A process's environment in the container as Docker builds it: PATH,
 * HOSTNAME, TERM=xterm with a tty, then the container's Env, then extra
 * (an exec's), each KEY=V replacing or adding and a bare KEY removing. */
json_t *container_env(const struct container *c, bool tty, json_t *extra);

/* log_dropped.c: how many log lines the monitor could not deliver. */
long long container_log_dropped(struct engine *engine, const struct container *c);

#endif
