/* berth-shim's exec mode: what the exec monitor (exec_monitor.c) and the
 * code that joins a running container (exec_enter.c) share. */
#ifndef BERTH_RUNTIME_SHIM_EXEC_MONITOR_H
#define BERTH_RUNTIME_SHIM_EXEC_MONITOR_H

#include <stddef.h>

#include "shim.h"

/* The namespaces the exec'd process joins after its cgroups, in order. */
enum exec_ns { EXEC_NS_MNT, EXEC_NS_IPC, EXEC_NS_UTS, EXEC_NS_NET, EXEC_NS_CGROUP, EXEC_NS_COUNT };

#define EXEC_CGROUP_MAX 24

/* The running container as the exec monitor found it: every descriptor is
 * CLOEXEC and opened on the host before anything joins the container. */
struct exec_target {
	int pid_ns;                    /* -1 when the init shares the monitor's */
	int ns[EXEC_NS_COUNT];         /* -1 where the init shares the monitor's */
	int cg_procs[EXEC_CGROUP_MAX]; /* cgroup.procs of each hierarchy the init is in */
	size_t n_cg;
	void *filter; /* the seccomp program, read from the host */
	size_t filter_len;
};

/* What the exec'd process is handed (the monitor keeps the other ends). */
struct exec_fds {
	int errpipe;  /* write end: "<kind> <msg>" when it cannot exec */
	int alive_r;  /* read end of a pipe only the monitor writes: hangs up when it dies */
	int alive_w;  /* the monitor's end, closed at once in the child */
	int stdin_r;  /* -1: the container's /dev/null */
	int stdout_w; /* -1 with stderr_w: detached, the container's /dev/null */
	int stderr_w;
	int pty_sock; /* tty only: socket to send the pty master over */
};

/* exec_enter.c (monitor side) */
/* Opens the namespaces and cgroups of the container's init (from
 * <run>/init.pid, verified by start time) and reads the seccomp program. */
int exec_target_open(struct exec_target *t, const struct spec *s, const char *run_dir,
		     struct shim_err *err);
/* Closes what exec_target_open opened. */
void exec_target_close(struct exec_target *t);

/* exec_enter.c (child side) */
/* The exec'd process from fork to exec: cgroups, namespaces, stdio, cwd,
 * user, privileges; reports a failure on errpipe and exits 126/127/128. */
_Noreturn void exec_child(const struct spec *s, struct exec_target *t, const struct exec_fds *f);

#endif
