/* Exec instances as the Engine API knows them: made by POST
 * /containers/{id}/exec, run by POST /exec/{id}/start, read by GET
 * /exec/{id}/json. The engine runs an exec when it starts; what comes
 * before and after (its settings, its exit code) lives here, in the
 * daemon's memory, as Docker keeps it in dockerd's. */
#ifndef BERTH_API_EXEC_TABLE_H
#define BERTH_API_EXEC_TABLE_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>

#define API_EXEC_KEEP 1024 /* ended execs kept for inspection */

struct api_exec_table {
	pthread_mutex_t lock;
	json_t *execs; /* id -> {"ContainerID", "Config", "Running", "ExitCode", "Pid", "fd"} */
	json_t *order; /* ids, oldest first */
};

void api_exec_table_init(struct api_exec_table *t);

/* Records a new exec of a container; fills id (65 bytes). */
int api_exec_add(struct api_exec_table *t, const char *container_id, json_t *config, char *id);

/* A copy of an exec's record, or NULL when there is none. */
json_t *api_exec_get(struct api_exec_table *t, const char *id);

/* Marks an exec started (false when it was already: Docker's 409). */
bool api_exec_begin(struct api_exec_table *t, const char *id, int attach_fd);

/* Records its end. */
void api_exec_end(struct api_exec_table *t, const char *id, int exit_code);

/* Sends bytes on the exec's stream to its monitor (a resize frame), under
 * the lock the relay holds for its own writes. Returns -1 when it does not
 * run. */
int api_exec_send(struct api_exec_table *t, const char *id, const void *data, size_t len);

#endif
