/* Running a command in a running container (`docker exec`).
 *
 * container.exec {id, Cmd:[..], Env:[..], WorkingDir, User, Tty,
 *                 AttachStdin, Detach, Privileged, ConsoleSize:[rows, cols]}
 *   -> {"Id": <exec id>, "attach_fd": n}   (no attach_fd when Detach)
 * starts the command and answers once it runs (or fails: cmd_not_found,
 * cannot_exec, system). attach_fd is this process's end of a socket pair
 * carrying the shim's attach frames; the exit frame ends it.
 *
 * container.exec_wait {id, exec_id} -> {"ExitCode": n}
 * waits until that exec is over, records it (the exec_die event) and
 * answers its status (255 when its monitor vanished without one). */
#ifndef BERTH_CONTAINER_EXEC_H
#define BERTH_CONTAINER_EXEC_H

#include "engine/container/internal.h"

extern const struct engine_command container_exec_commands[];

/* Emits exec_die for each exec of the container that has ended and was
 * not reported yet (a detached one, or one whose caller went away). */
int container_exec_collect(struct engine *engine, const struct container *c, berr *err);

/* Writes <run>/health.spec, the exec spec of the health command (CMD-SHELL
 * runs under /bin/sh -c), when the container has a check; after spec_write. */
int container_health_spec_write(struct engine *engine, const struct container *c, berr *err);

#endif
