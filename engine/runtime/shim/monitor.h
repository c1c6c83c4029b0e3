/* The skeleton both monitors share: the container's (main.c) and an exec'd
 * command's (exec_monitor.c). Leaving berth, the start line, signals
 * through a signalfd, the child's stdio, its start verdict, reaping. */
#ifndef BERTH_RUNTIME_SHIM_MONITOR_H
#define BERTH_RUNTIME_SHIM_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "shim.h"

/* First thing in a monitor's main: checks berth's start pipe, closes every
 * other descriptor of berth's past the attach socket and forks. Returns 0
 * in the detached child only (the parent exits 0 at once, so berth's
 * spawn returns), or the exit status to leave with. */
int monitor_detach(void);
/* In the detached child: a session of its own, /dev/null on 0, 1 and 2,
 * and "/" as its directory; -1 when the directory could not change. */
int monitor_session(void);

/* Writes the start line ("ok ..." or "error <kind> <msg>") to berth, once,
 * and closes the pipe; later calls do nothing. */
void monitor_report_start(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The same for an error: "error <kind> <msg>". */
void monitor_report_error(const struct shim_err *err);

/* Blocks SIGCHLD, SIGTERM, SIGINT and SIGHUP and ignores SIGPIPE: the
 * first thing a monitor does. */
void monitor_block_signals(void);
/* A non-blocking signalfd for the four; opened only once fd 4 (the attach
 * socket) is settled, so that it can never land there. */
int monitor_signalfd(struct shim_err *err);

/* Reads the child's verdict until EOF: nothing means it has exec'd. */
size_t monitor_read_verdict(int fd, char *msg, size_t size);

/* Closes each descriptor that is open and sets it to -1. */
void monitor_close_fds(int *const fds[], size_t n);

/* The one process a monitor watches. */
struct monitor_child {
	pid_t pid;
	int status;
	bool done;
	struct timespec finished; /* CLOCK_REALTIME */
};
/* Reaps every child (a subreaper inherits more), noting the watched one's end. */
void monitor_reap(struct monitor_child *c, void (*other)(pid_t));
/* The monitor can no longer watch it: kills it and waits for it. */
void monitor_kill_wait(struct monitor_child *c);
/* Its exit code as berth reports it: 128+N when killed by signal N. */
int monitor_exit_code(const struct monitor_child *c);

/* The child's stdio as the monitor holds it. */
struct monitor_io {
	int out_fd[3]; /* [1] stdout, [2] stderr (the pty master with a tty); -1: closed */
	int pty_master;
	struct stdin_pipe in;
	/* Docker's StdinOnce: a client's end of input ends the child's stdin;
	 * otherwise stdin stays open for the next client to attach */
	bool stdin_once;
};
#define MONITOR_IO_INIT                                                                            \
	{                                                                                          \
		.out_fd = {-1, -1, -1}, .pty_master = -1, .in = {.fd = -1 }                        \
	}

/* The child's ends of its stdio, where they go in its descriptor set. */
struct monitor_child_stdio {
	int *stdin_r, *stdout_w, *stderr_w;
	int *pty_sock; /* tty only: the socket it sends the pty master back over */
};
/* Makes the pipes (or, with a tty, the socket: *pty_sock is the monitor's
 * end) and keeps the monitor's ends in io. */
int monitor_io_open(struct monitor_io *io, bool tty, bool open_stdin,
                    struct monitor_child_stdio child, int *pty_sock, struct shim_err *err);
/* Takes the pty master the child sends over sock: stdout, and stdin too
 * with open_stdin. */
int monitor_io_take_pty(struct monitor_io *io, int sock, bool open_stdin);
/* Closes the outputs and the pty, and forgets stdin, for a new run. */
void monitor_io_release(struct monitor_io *io);

/* What the attach code (attach.c) asks of the child's stdio. */
/* Writes stdin bytes (at most 4096, only when ready); the rest waits here. */
void monitor_io_stdin_write(struct monitor_io *io, const char *data, size_t len);
/* Closes the child's stdin once what waits is written. */
void monitor_io_stdin_close(struct monitor_io *io);
/* Whether stdin can take data now (nothing more is read from clients otherwise). */
bool monitor_io_stdin_ready(const struct monitor_io *io);
/* Resizes the pty, if there is one. */
void monitor_io_resize(struct monitor_io *io, unsigned rows, unsigned cols);

#endif
