/* The skeleton both monitors share (see monitor.h). */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../shim_protocol.h"

static int start_fd = SHIM_START_FD;

int monitor_detach(void)
{
	pid_t pid;

	if (fcntl(SHIM_START_FD, F_SETFD, FD_CLOEXEC) < 0) {
		fprintf(stderr, "berth-shim: the start pipe (fd %d) is not open\n", SHIM_START_FD);
		return 2;
	}
	/* nothing else of berth's may stay open in a process that outlives
	 * it: what berth passes ends with the listeners of [::1] (fds 7..,
	 * closed by the monitor unless the spec names them) */
	close_range(SHIM_PROXY_FD + SHIM_PROXY_MAX, ~0U, 0);
	pid = fork();
	if (pid < 0) {
		dprintf(SHIM_START_FD, "error system fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid > 0)
		_exit(0);
	return 0;
}

int monitor_session(void)
{
	int null;

	setsid();
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; null >= 0 && fd < 3; fd++)
		dup2(null, fd);
	if (null > 2)
		close(null);
	return chdir("/");
}

void monitor_report_start(const char *fmt, ...)
{
	char line[640];
	va_list ap;
	int n;

	if (start_fd < 0)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	for (int i = 0; i < n; i++)
		if (line[i] == '\n')
			line[i] = ' ';
	line[n++] = '\n';
	write_all(start_fd, line, (size_t)n);
	close(start_fd);
	start_fd = -1;
}

void monitor_report_error(const struct shim_err *err)
{
	monitor_report_start("error %s %s", err->kind ? err->kind : "system", err->msg);
}

static void monitor_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGCHLD);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

void monitor_block_signals(void)
{
	sigset_t set;

	monitor_signals(&set);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int monitor_signalfd(struct shim_err *err)
{
	sigset_t set;
	int fd;

	monitor_signals(&set);
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	return fd < 0 ? shim_sys(err, "signalfd") : fd;
}

size_t monitor_read_verdict(int fd, char *msg, size_t size)
{
	size_t got = 0;
	ssize_t r;

	while (got < size - 1 &&
	       ((r = read(fd, msg + got, size - 1 - got)) > 0 || (r < 0 && errno == EINTR)))
		got += r > 0 ? (size_t)r : 0;
	msg[got] = '\0';
	return got;
}

void monitor_close_fds(int *const fds[], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

void monitor_reap(struct monitor_child *c, void (*other)(pid_t))
{
	int st;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0) {
		if (p == c->pid) {
			c->status = st;
			c->done = true;
			clock_gettime(CLOCK_REALTIME, &c->finished);
		} else if (other) {
			other(p);
		}
	}
}

void monitor_kill_wait(struct monitor_child *c)
{
	if (c->done || c->pid <= 0)
		return; /* reaped already: its pid may be another process's now */
	kill(c->pid, SIGKILL);
	if (waitpid(c->pid, &c->status, 0) == c->pid) {
		c->done = true;
		clock_gettime(CLOCK_REALTIME, &c->finished);
	}
}

int monitor_exit_code(const struct monitor_child *c)
{
	return WIFSIGNALED(c->status) ? 128 + WTERMSIG(c->status) : WEXITSTATUS(c->status);
}

int monitor_io_open(struct monitor_io *io, bool tty, bool open_stdin,
                    struct monitor_child_stdio child, int *pty_sock, struct shim_err *err)
{
	int p[2];

	if (tty) {
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, p) < 0)
			return shim_sys(err, "socketpair");
		*pty_sock = p[0];
		*child.pty_sock = p[1];
		return 0;
	}
	for (int s = 1; s <= 2; s++) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return shim_sys(err, "pipe");
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		io->out_fd[s] = p[0];
		*(s == 1 ? child.stdout_w : child.stderr_w) = p[1];
	}
	if (open_stdin) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return shim_sys(err, "pipe");
		fcntl(p[1], F_SETFL, O_NONBLOCK);
		stdin_pipe_open(&io->in, p[1], false);
		*child.stdin_r = p[0];
	}
	return 0;
}

int monitor_io_take_pty(struct monitor_io *io, int sock, bool open_stdin)
{
	struct shim_err err = {0};

	io->pty_master = pty_recv_master(sock, &err);
	if (io->pty_master < 0)
		return -1;
	fcntl(io->pty_master, F_SETFL, O_NONBLOCK);
	io->out_fd[1] = io->pty_master;
	if (open_stdin)
		stdin_pipe_open(&io->in, io->pty_master, true);
	return 0;
}

void monitor_io_release(struct monitor_io *io)
{
	for (int s = 1; s <= 2; s++) {
		if (io->out_fd[s] >= 0 && io->out_fd[s] != io->pty_master)
			close(io->out_fd[s]);
		io->out_fd[s] = -1;
	}
	stdin_pipe_release(&io->in);
	if (io->pty_master >= 0)
		close(io->pty_master);
	io->pty_master = -1;
}

void monitor_io_stdin_write(struct monitor_io *io, const char *data, size_t len)
{
	stdin_pipe_write(&io->in, data, len);
}

void monitor_io_stdin_close(struct monitor_io *io)
{
	stdin_pipe_close(&io->in);
}

bool monitor_io_stdin_ready(const struct monitor_io *io)
{
	return io->in.len == 0;
}

void monitor_io_resize(struct monitor_io *io, unsigned rows, unsigned cols)
{
	if (io->pty_master >= 0)
		pty_resize(io->pty_master, rows, cols);
}
