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
#include "client_frames.h"
#include "exec_monitor.h"
#include "monitor.h"

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
static int sig_fd = -1;

static struct monitor_child child = {.pid = -1};
static struct monitor_io io = MONITOR_IO_INIT;

/* The one attach client: the socket berth handed over on fd 4. */
static struct {
	int fd;
	struct client_frames in;
	int read_eof;
	char *out; /* frames not yet sent: out[out_off .. out_off + out_len) */
	size_t out_off, out_len, out_cap;
} client = {.fd = -1};

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
	if (io.in.fd >= 0 && !io.in.tty)
		stdin_pipe_close(&io.in);
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

/* Reads what the client sent. */
static void client_read(short ev)
{
	switch (client_frames_read(&client.in, client.fd, ev, &io)) {
	case CLIENT_FRAMES_OPEN:
		break;
	case CLIENT_FRAMES_SHUT:
		client.read_eof = 1;
		break;
	case CLIENT_FRAMES_GONE:
		client_drop();
		break;
	}
}

/* A pty hands the slave's last writes to the master asynchronously: once
 * the command is gone, waits a moment for them (or for EIO, when nothing
 * else holds the slave) before taking "nothing ready" for the end. */
static int pty_pending(void)
{
	struct pollfd p = {.fd = io.pty_master, .events = POLLIN};
	return poll(&p, 1, PTY_SETTLE_MS) > 0;
}

/* Reads the command's output once and queues it for the client. Once the
 * command is gone (draining), "nothing ready" ends the stream too: whatever
 * still holds it open is not waited for. Returns 1 after data, 0 when none
 * is ready, -1 once the stream ended. */
static int read_output(int s, int draining)
{
	char buf[OUT_CHUNK];
	ssize_t r = read(io.out_fd[s], buf, sizeof(buf));
	if (r < 0 && (errno == EINTR || (errno == EAGAIN && !draining)))
		return 0;
	if (r < 0 && errno == EAGAIN && io.out_fd[s] == io.pty_master && pty_pending())
		return 0;
	if (r <= 0) {
		/* EOF, or EIO from a pty whose last slave closed */
		if (io.out_fd[s] != io.pty_master)
			close(io.out_fd[s]);
		io.out_fd[s] = -1;
		return -1;
	}
	client_queue(spec.tty ? SHIM_STREAM_STDOUT : s, buf, (size_t)r);
	return 1;
}

/* The command is gone: takes what its output still holds, while the client keeps up. */
static void drain_outputs(void)
{
	for (int s = 1; s <= 2; s++)
		while (io.out_fd[s] >= 0 && output_room() && read_output(s, 1) > 0)
			;
}

/* Drains the signalfd: SIGCHLD reaps; a request to stop the monitor kills the command. */
static void handle_signals(void)
{
	struct signalfd_siginfo si;
	while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			monitor_reap(&child, NULL);
		else if (!child.done)
			kill(child.pid, SIGKILL);
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
		if (child.done)
			drain_outputs();
		if (child.done && io.out_fd[1] < 0 && io.out_fd[2] < 0 && !client.out_len)
			return;
		size_t n = 0, at_out[3] = {0, 0, 0}, at_in = 0, at_client = 0;
		pfd[n++] = (struct pollfd){.fd = sig_fd, .events = POLLIN};
		for (int s = 1; s <= 2 && !child.done && output_room(); s++)
			if (io.out_fd[s] >= 0) {
				at_out[s] = n;
				pfd[n++] = (struct pollfd){.fd = io.out_fd[s], .events = POLLIN};
			}
		if (io.in.len && io.in.fd >= 0) {
			at_in = n;
			pfd[n++] = (struct pollfd){.fd = io.in.fd, .events = POLLOUT};
		}
		if (client.fd >= 0) {
			short ev = (short)((!client.read_eof && !io.in.len ? POLLIN : 0) |
					   (client.out_len ? POLLOUT : 0));
			at_client = n;
			pfd[n++] = (struct pollfd){.fd = client.fd, .events = ev};
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			/* unable to watch it any more: end the command rather than lose it */
			monitor_kill_wait(&child);
			return;
		}
		/* a signalfd that went bad can never say the child ended: end
		 * the child rather than spin on it */
		if (pfd[0].revents & (POLLERR | POLLNVAL)) {
			monitor_kill_wait(&child);
			return;
		}
		if (pfd[0].revents)
			handle_signals();
		for (int s = 1; s <= 2; s++)
			if (at_out[s] && pfd[at_out[s]].revents && io.out_fd[s] == pfd[at_out[s]].fd)
				read_output(s, 0);
		if (at_in && pfd[at_in].revents && io.in.fd == pfd[at_in].fd)
			stdin_pipe_flush(&io.in);
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
	int code = monitor_exit_code(&child);
	long long ns = (long long)child.finished.tv_sec * 1000000000LL + child.finished.tv_nsec;
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

/* Writes "<pid> <starttime>" of the monitor beside the spec. */
static int write_monitor_pid(void)
{
	return write_pid_record(record_path(".pid"), getpid());
}

/* The child did not make it to exec: it must not stay a zombie under the
 * container's init, which may never reap it. Returns -1. */
static int reap_failed(void)
{
	kill(child.pid, SIGKILL);
	while (waitpid(child.pid, NULL, 0) < 0 && errno == EINTR)
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
	/* an exec's stdin ends with its one client's input, as Docker's does */
	io.stdin_once = true;
	/* detached without a tty, the command gets the container's /dev/null */
	if ((spec.tty || spec.attach_fd) &&
	    monitor_io_open(&io, spec.tty, spec.open_stdin,
			    (struct monitor_child_stdio){&f.stdin_r, &f.stdout_w, &f.stderr_w,
							 &f.pty_sock},
			    &pty_sock, err) < 0)
		return -1;
	/* only the children of the monitor land in the container's pid namespace */
	if (t->pid_ns >= 0 && setns(t->pid_ns, CLONE_NEWPID) < 0)
		return shim_sys(err, "join the container's pid namespace");
	child.pid = fork();
	if (child.pid < 0)
		return shim_sys(err, "fork");
	if (child.pid == 0)
		exec_child(&spec, t, &f);
	exec_target_close(t);
	free(t->filter);
	t->filter = NULL;
	monitor_close_fds((int *const[]){&f.errpipe, &f.alive_r, &f.stdin_r, &f.stdout_w, &f.stderr_w,
					 &f.pty_sock},
			  6);
	int pty_ok = !spec.tty || monitor_io_take_pty(&io, pty_sock, spec.open_stdin) == 0;
	if (pty_sock >= 0)
		close(pty_sock);
	size_t n = monitor_read_verdict(ep[0], verdict, sizeof(verdict));
	close(ep[0]);
	if (n) {
		monitor_report_start("error %s", verdict);
		return reap_failed();
	}
	if (!pty_ok) {
		shim_fail(err, "system", "the command's terminal never arrived");
		return reap_failed();
	}
	if (write_monitor_pid() < 0) {
		shim_sys(err, "write %s", record_path(".pid"));
		return reap_failed();
	}
	monitor_report_start("ok %d %d", (int)child.pid, (int)getpid());
	return 0;
}

/* Everything before the command: signals, the spec, fd 4, the container. */
static int setup(const char *bundle, const char *spec_path, struct exec_target *t,
		 struct shim_err *err)
{
	size_t len = strlen(spec_path);

	monitor_block_signals();
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
	close(SHIM_NETNS_FD); /* an exec joins the init's namespaces */
	close(SHIM_DNS_FD);
	if ((sig_fd = monitor_signalfd(err)) < 0)
		return -1;
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
	if (!bundle || !spec_path || !run_dir) {
		shim_sys(&err, "resolve %s",
			 !bundle ? bundle_arg : !spec_path ? spec_arg : run_arg);
	} else if (monitor_session() == 0 && setup(bundle, spec_path, &t, &err) == 0 &&
		   start_command(&t, &err) == 0) {
		relay();
		finish();
	}
	monitor_report_error(&err);
	_exit(1);
}

int exec_main(const char *bundle_dir, const char *run_dir_arg, const char *spec_path)
{
	int status = monitor_detach();
	if (status != 0)
		return status;
	exec_monitor(bundle_dir, run_dir_arg, spec_path);
}
