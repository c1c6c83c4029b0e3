/* berth-shim --exec: the monitor of one command run inside a running
 * container (contract: shim_protocol.h). It joins the container's pid
 * namespace for its one child, which joins the rest (exec_enter.c), then
 * carries that command's stdio over the socket berth handed it. Unlike the
 * container's own output, nothing is dropped for a slow client: the
 * command waits, as `docker exec` does. It records the exit status and
 * leaves; with no client (detached) the output goes nowhere. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../shim_protocol.h"
#include "exec_monitor.h"

#define OUT_CHUNK 32768
/* Frames waiting for the client past which the command's output waits too. */
#define CLIENT_OUT_MAX (256u << 10)
/* How long the exit frame may take to reach the client, and how long the
 * client then has to hang up. */
#define EXIT_FRAME_TIMEOUT_S 2
/* How long output still on its way through a pty is waited for. */
#define PTY_SETTLE_MS 100

static struct spec spec;
static char *run_dir;
/* <run>/exec-<id>: the spec path without ".spec"; .pid and .exit go beside it */
static char rec_prefix[PATH_MAX];
static int start_fd = SHIM_START_FD;
static int sig_fd = -1;

static pid_t child;
static int child_status, child_done;
static struct timespec child_finished;

/* out_fd[1] and out_fd[2]: the command's stdout and stderr (the pty master with a tty) */
static int out_fd[3] = {-1, -1, -1};
static int pty_master = -1;
static struct stdin_pipe in = {.fd = -1};

/* The one attach client: the socket berth handed over on fd 4. */
static struct {
	int fd;
	unsigned char hdr[SHIM_FRAME_HEADER];
	unsigned hdr_len;
	uint32_t left; /* payload bytes of the current frame still to read */
	char ctl[32];  /* a resize payload */
	unsigned ctl_len;
	int read_eof;
	char *out; /* frames not yet sent: out[out_off .. out_off + out_len) */
	size_t out_off, out_len, out_cap;
} client = {.fd = -1};

/* Writes the start line to berth and closes the pipe. */
static void report_start(const char *fmt, ...)
{
	char line[640];
	va_list ap;
	if (start_fd < 0)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
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

/* <rec_prefix><suffix>, e.g. ".exit". */
static const char *record_path(const char *suffix)
{
	static char path[PATH_MAX + 8];
	snprintf(path, sizeof(path), "%s%s", rec_prefix, suffix);
	return path;
}

/* The client is gone: its output is dropped from now on and a stdin pipe
 * is closed (nobody can type into it any more). */
static void client_drop(void)
{
	if (client.fd < 0)
		return;
	close(client.fd);
	client.fd = -1;
	free(client.out);
	client.out = NULL;
	client.out_off = client.out_len = client.out_cap = 0;
	if (in.fd >= 0 && !in.tty)
		stdin_pipe_close(&in);
}

/* Appends one frame to what goes to the client. */
static void client_queue(int stream, const char *data, size_t len)
{
	size_t need = SHIM_FRAME_HEADER + len;
	if (client.fd < 0)
		return;
	if (client.out_off) {
		memmove(client.out, client.out + client.out_off, client.out_len);
		client.out_off = 0;
	}
	if (client.out_len + need > client.out_cap) {
		size_t cap = client.out_len + need + OUT_CHUNK;
		char *grown = realloc(client.out, cap);
		if (!grown) {
			client_drop();
			return;
		}
		client.out = grown;
		client.out_cap = cap;
	}
	unsigned char *h = (unsigned char *)client.out + client.out_len;
	h[0] = (unsigned char)stream;
	h[1] = h[2] = h[3] = 0;
	for (int i = 0; i < 4; i++)
		h[4 + i] = (unsigned char)(len >> (24 - 8 * i));
	memcpy(h + SHIM_FRAME_HEADER, data, len);
	client.out_len += need;
}

/* Sends what the socket takes now. */
static void client_flush(void)
{
	while (client.fd >= 0 && client.out_len) {
		ssize_t w = send(client.fd, client.out + client.out_off, client.out_len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return;
		if (w <= 0) {
			client_drop();
			return;
		}
		client.out_off += (size_t)w;
		client.out_len -= (size_t)w;
	}
	client.out_off = 0;
}

/* Whether the command's output may be read now (the client keeps up). */
static int output_room(void)
{
	return client.fd < 0 || client.out_len < CLIENT_OUT_MAX;
}

/* Ends a frame from the client: applies a resize, then waits for the next header. */
static void client_frame_done(void)
{
	unsigned rows, cols;
	if (client.hdr[0] == SHIM_STREAM_RESIZE && client.ctl_len < sizeof(client.ctl)) {
		client.ctl[client.ctl_len] = '\0';
		if (sscanf(client.ctl, "%u %u", &rows, &cols) == 2 && pty_master >= 0)
			pty_resize(pty_master, rows, cols);
	}
	client.hdr_len = 0;
	client.ctl_len = 0;
}

/* A read that got nothing: the end of what the client sends, or an error. */
static void client_read_end(ssize_t r, short ev)
{
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r == 0 && !(ev & POLLHUP))
		client.read_eof = 1;
	else
		client_drop();
}

/* Reads what the client sent: a header, or part of a payload. */
static void client_read(short ev)
{
	char payload[sizeof(in.pend)];
	ssize_t r;
	if (client.hdr_len < SHIM_FRAME_HEADER) {
		r = read(client.fd, client.hdr + client.hdr_len,
			 SHIM_FRAME_HEADER - client.hdr_len);
		if (r <= 0) {
			client_read_end(r, ev);
			return;
		}
		client.hdr_len += (unsigned)r;
		if (client.hdr_len < SHIM_FRAME_HEADER)
			return;
		client.left = (uint32_t)client.hdr[4] << 24 | (uint32_t)client.hdr[5] << 16 |
			      (uint32_t)client.hdr[6] << 8 | client.hdr[7];
		if (client.left == 0) {
			if (client.hdr[0] == SHIM_STREAM_STDIN)
				stdin_pipe_close(&in);
			client_frame_done();
		}
		return;
	}
	r = read(client.fd, payload, client.left < sizeof(payload) ? client.left : sizeof(payload));
	if (r <= 0) {
		client_read_end(r, ev);
		return;
	}
	client.left -= (uint32_t)r;
	if (client.hdr[0] == SHIM_STREAM_STDIN) {
		stdin_pipe_write(&in, payload, (size_t)r);
	} else if (client.hdr[0] == SHIM_STREAM_RESIZE) {
		size_t room = sizeof(client.ctl) - client.ctl_len;
		size_t take = (size_t)r < room ? (size_t)r : room;
		memcpy(client.ctl + client.ctl_len, payload, take);
		client.ctl_len += (unsigned)take;
	}
	if (client.left == 0)
		client_frame_done();
}

/* A pty hands the slave's last writes to the master asynchronously: once
 * the command is gone, waits a moment for them (or for EIO, when nothing
 * else holds the slave) before taking "nothing ready" for the end. */
static int pty_pending(void)
{
	struct pollfd p = {.fd = pty_master, .events = POLLIN};
	return poll(&p, 1, PTY_SETTLE_MS) > 0;
}

/* Reads the command's output once and queues it for the client. Once the
 * command is gone (draining), "nothing ready" ends the stream too: whatever
 * still holds it open is not waited for. Returns 1 after data, 0 when none
 * is ready, -1 once the stream ended. */
static int read_output(int s, int draining)
{
	char buf[OUT_CHUNK];
	ssize_t r = read(out_fd[s], buf, sizeof(buf));
	if (r < 0 && (errno == EINTR || (errno == EAGAIN && !draining)))
		return 0;
	if (r < 0 && errno == EAGAIN && out_fd[s] == pty_master && pty_pending())
		return 0;
	if (r <= 0) {
		/* EOF, or EIO from a pty whose last slave closed */
		if (out_fd[s] != pty_master)
			close(out_fd[s]);
		out_fd[s] = -1;
		return -1;
	}
	client_queue(spec.tty ? SHIM_STREAM_STDOUT : s, buf, (size_t)r);
	return 1;
}

/* The command is gone: takes what its output still holds, while the client keeps up. */
static void drain_outputs(void)
{
	for (int s = 1; s <= 2; s++)
		while (out_fd[s] >= 0 && output_room() && read_output(s, 1) > 0)
			;
}

/* Reaps the child; notes its status. */
static void reap(void)
{
	int st;
	pid_t p;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		if (p == child) {
			child_status = st;
			child_done = 1;
			clock_gettime(CLOCK_REALTIME, &child_finished);
		}
}

/* Drains the signalfd: SIGCHLD reaps; a request to stop the monitor kills the command. */
static void handle_signals(void)
{
	struct signalfd_siginfo si;
	while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap();
		else if (!child_done)
			kill(child, SIGKILL);
	}
}

/* Handles the client's poll events. */
static void client_events(short ev)
{
	if (ev & POLLOUT)
		client_flush();
	if (client.fd >= 0 && (ev & POLLIN))
		client_read(ev);
	else if (client.fd >= 0 && (ev & (POLLHUP | POLLERR | POLLNVAL)))
		client_drop();
}

/* Carries stdio until the command is gone and its output delivered. */
static void relay(void)
{
	struct pollfd pfd[6];
	for (;;) {
		if (child_done)
			drain_outputs();
		if (child_done && out_fd[1] < 0 && out_fd[2] < 0 && !client.out_len)
			return;
		size_t n = 0, at_out[3] = {0, 0, 0}, at_in = 0, at_client = 0;
		pfd[n++] = (struct pollfd){.fd = sig_fd, .events = POLLIN};
		for (int s = 1; s <= 2 && !child_done && output_room(); s++)
			if (out_fd[s] >= 0) {
				at_out[s] = n;
				pfd[n++] = (struct pollfd){.fd = out_fd[s], .events = POLLIN};
			}
		if (in.len && in.fd >= 0) {
			at_in = n;
			pfd[n++] = (struct pollfd){.fd = in.fd, .events = POLLOUT};
		}
		if (client.fd >= 0) {
			short ev = (short)((!client.read_eof && !in.len ? POLLIN : 0) |
					   (client.out_len ? POLLOUT : 0));
			at_client = n;
			pfd[n++] = (struct pollfd){.fd = client.fd, .events = ev};
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			/* unable to watch it any more: end the command rather than lose it */
			kill(child, SIGKILL);
			if (waitpid(child, &child_status, 0) == child)
				clock_gettime(CLOCK_REALTIME, &child_finished);
			return;
		}
		if (pfd[0].revents)
			handle_signals();
		for (int s = 1; s <= 2; s++)
			if (at_out[s] && pfd[at_out[s]].revents && out_fd[s] == pfd[at_out[s]].fd)
				read_output(s, 0);
		if (at_in && pfd[at_in].revents && in.fd == pfd[at_in].fd)
			stdin_pipe_flush(&in);
		if (at_client && client.fd == pfd[at_client].fd)
			client_events(pfd[at_client].revents);
	}
}

/* After the exit frame: waits (bounded) for the client to hang up, so a
 * frame it was writing meanwhile (a resize) never meets a closed socket. */
static void client_linger(const struct timeval *tv)
{
	char sink[512];
	shutdown(client.fd, SHUT_WR);
	setsockopt(client.fd, SOL_SOCKET, SO_RCVTIMEO, tv, sizeof(*tv));
	while (read(client.fd, sink, sizeof(sink)) > 0)
		;
}

/* The command is gone and its output delivered: record the exit, tell the client, leave. */
static _Noreturn void finish(void)
{
	char line[64], num[16];
	int code = WIFSIGNALED(child_status) ? 128 + WTERMSIG(child_status)
					     : WEXITSTATUS(child_status);
	long long ns = (long long)child_finished.tv_sec * 1000000000LL + child_finished.tv_nsec;
	int n = snprintf(line, sizeof(line), "%d %lld\n", code, ns);
	write_file_atomic(record_path(".exit"), line, (size_t)n);
	if (client.fd >= 0) {
		struct timeval tv = {EXIT_FRAME_TIMEOUT_S, 0};
		int len = snprintf(num, sizeof(num), "%d", code);
		client_queue(SHIM_STREAM_EXIT, num, (size_t)len);
		fcntl(client.fd, F_SETFL, fcntl(client.fd, F_GETFL) & ~O_NONBLOCK);
		setsockopt(client.fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (client.fd >= 0 && write_all(client.fd, client.out + client.out_off,
						 client.out_len) == 0)
			client_linger(&tv);
		client_drop();
	}
	unlink(record_path(".pid"));
	_exit(0);
}

/* Pipes (or the pty socket) the command gets; detached without a tty it
 * gets the container's /dev/null. */
static int make_stdio(struct exec_fds *f, int *pty_sock, struct shim_err *err)
{
	int p[2];
	if (spec.tty) {
		int sv[2];
		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
			return shim_sys(err, "socketpair");
		*pty_sock = sv[0];
		f->pty_sock = sv[1];
		return 0;
	}
	if (!spec.attach_fd)
		return 0;
	for (int s = 1; s <= 2; s++) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return shim_sys(err, "pipe");
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		out_fd[s] = p[0];
		if (s == 1)
			f->stdout_w = p[1];
		else
			f->stderr_w = p[1];
	}
	if (spec.open_stdin) {
		if (pipe2(p, O_CLOEXEC) < 0)
			return shim_sys(err, "pipe");
		fcntl(p[1], F_SETFL, O_NONBLOCK);
		stdin_pipe_open(&in, p[1], false);
		f->stdin_r = p[0];
	}
	return 0;
}

/* Closes the child's ends in the monitor. */
static void close_child_fds(struct exec_fds *f)
{
	int *fds[] = {&f->errpipe,  &f->alive_r,  &f->stdin_r,
		      &f->stdout_w, &f->stderr_w, &f->pty_sock};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

/* Reads the child's verdict until EOF: nothing means the command is running. */
static size_t read_verdict(int fd, char *msg, size_t size)
{
	size_t got = 0;
	ssize_t r;
	while (got < size - 1 && ((r = read(fd, msg + got, size - 1 - got)) > 0 ||
				  (r < 0 && errno == EINTR)))
		got += r > 0 ? (size_t)r : 0;
	msg[got] = '\0';
	return got;
}

/* Takes the pty master the child sends; the command's stdout (and stdin with -i). */
static int take_pty(int pty_sock)
{
	struct shim_err perr = {0};
	pty_master = pty_recv_master(pty_sock, &perr);
	if (pty_master < 0)
		return -1;
	fcntl(pty_master, F_SETFL, O_NONBLOCK);
	out_fd[1] = pty_master;
	if (spec.open_stdin)
		stdin_pipe_open(&in, pty_master, true);
	return 0;
}

/* Writes "<pid> <starttime>" of the monitor beside the spec. */
static int write_pid_record(void)
{
	char line[64];
	int n = snprintf(line, sizeof(line), "%d %llu\n", (int)getpid(), proc_starttime(getpid()));
	return write_file_atomic(record_path(".pid"), line, (size_t)n);
}

/* The child did not make it to exec: it must not stay a zombie under the
 * container's init, which may never reap it. Returns -1. */
static int reap_failed(void)
{
	kill(child, SIGKILL);
	while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
		;
	return -1;
}

/* Forks the command into the container and waits until it has exec'd.
 * Returns -1 when it did not (the start line says why). */
static int start_command(struct exec_target *t, struct shim_err *err)
{
	struct exec_fds f = {-1, -1, -1, -1, -1, -1, -1};
	int ep[2], alive[2], pty_sock = -1;
	char verdict[600];

	if (pipe2(ep, O_CLOEXEC) < 0)
		return shim_sys(err, "pipe");
	f.errpipe = ep[1];
	/* the write end stays open in the monitor for its whole life */
	if (pipe2(alive, O_CLOEXEC) < 0)
		return shim_sys(err, "pipe");
	f.alive_r = alive[0];
	f.alive_w = alive[1];
	if (make_stdio(&f, &pty_sock, err) < 0)
		return -1;
	/* only the children of the monitor land in the container's pid namespace */
	if (t->pid_ns >= 0 && setns(t->pid_ns, CLONE_NEWPID) < 0)
		return shim_sys(err, "join the container's pid namespace");
	child = fork();
	if (child < 0)
		return shim_sys(err, "fork");
	if (child == 0)
		exec_child(&spec, t, &f);
	exec_target_close(t);
	free(t->filter);
	t->filter = NULL;
	close_child_fds(&f);
	int pty_ok = !spec.tty || take_pty(pty_sock) == 0;
	if (pty_sock >= 0)
		close(pty_sock);
	size_t n = read_verdict(ep[0], verdict, sizeof(verdict));
	close(ep[0]);
	if (n) {
		report_start("error %s", verdict);
		return reap_failed();
	}
	if (!pty_ok) {
		shim_fail(err, "system", "the command's terminal never arrived");
		return reap_failed();
	}
	if (write_pid_record() < 0) {
		shim_sys(err, "write %s", record_path(".pid"));
		return reap_failed();
	}
	report_start("ok %d %d", (int)child, (int)getpid());
	return 0;
}

/* Everything before the command: signals, the spec, fd 4, the container. */
static int setup(const char *bundle, const char *spec_path, struct exec_target *t,
		 struct shim_err *err)
{
	sigset_t set;
	size_t len = strlen(spec_path);

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (len <= 5 || strcmp(spec_path + len - 5, ".spec") || len - 5 >= sizeof(rec_prefix))
		return shim_fail(err, "system", "exec spec %s: the name must end in .spec",
				 spec_path);
	memcpy(rec_prefix, spec_path, len - 5);
	rec_prefix[len - 5] = '\0';
	if (spec_read_file(&spec, spec_path, err) < 0)
		return -1;
	if (!spec.id || !spec.args.n)
		return shim_fail(err, "system", "exec spec: missing %s", spec.id ? "arg" : "id");
	char *copy = strdup(bundle);
	int same = copy && !strcmp(basename(copy), spec.id);
	free(copy);
	if (!same)
		return shim_fail(err, "system", "exec spec: %s is not the bundle of container %s",
				 bundle, spec.id);
	/* Settle fd 4 before opening anything else: a new fd must never land
	 * there and then be taken for the client. */
	if (spec.attach_fd && fcntl(SHIM_ATTACH_FD, F_SETFD, FD_CLOEXEC) == 0) {
		client.fd = SHIM_ATTACH_FD;
		fcntl(client.fd, F_SETFL, fcntl(client.fd, F_GETFL) | O_NONBLOCK);
	} else if (spec.attach_fd) {
		return shim_fail(err, "system", "the attach socket (fd %d) is not open",
				 SHIM_ATTACH_FD);
	} else {
		close(SHIM_ATTACH_FD);
	}
	sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0)
		return shim_sys(err, "signalfd");
	/* before anything of the container is joined: nothing in it may
	 * reach this host binary through /proc/<pid>/exe (CVE-2019-5736) */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return shim_sys(err, "prctl");
	return exec_target_open(t, &spec, run_dir, err);
}

/* The monitor: detached from berth, it lives as long as the command. */
static _Noreturn void exec_monitor(const char *bundle_arg, const char *run_arg,
				   const char *spec_arg)
{
	struct shim_err err = {0};
	struct exec_target t;
	char *bundle = realpath(bundle_arg, NULL), *spec_path = realpath(spec_arg, NULL);
	run_dir = realpath(run_arg, NULL);
	setsid();
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; null >= 0 && fd < 3; fd++)
		dup2(null, fd);
	if (null > 2)
		close(null);
	if (!bundle || !spec_path || !run_dir) {
		shim_sys(&err, "resolve %s",
			 !bundle ? bundle_arg : !spec_path ? spec_arg : run_arg);
	} else if (chdir("/") == 0 && setup(bundle, spec_path, &t, &err) == 0 &&
		   start_command(&t, &err) == 0) {
		relay();
		finish();
	}
	report_start("error %s %s", err.kind ? err.kind : "system", err.msg);
	_exit(1);
}

int exec_main(const char *bundle_dir, const char *run_dir_arg, const char *spec_path)
{
	if (fcntl(SHIM_START_FD, F_SETFD, FD_CLOEXEC) < 0) {
		fprintf(stderr, "berth-shim: the start pipe (fd %d) is not open\n", SHIM_START_FD);
		return 2;
	}
	/* nothing else of berth's may stay open in a process that outlives it */
	close_range(SHIM_ATTACH_FD + 1, ~0U, 0);
	pid_t pid = fork();
	if (pid < 0) {
		dprintf(SHIM_START_FD, "error system fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid > 0)
		_exit(0);
	exec_monitor(bundle_dir, run_dir_arg, spec_path);
}
