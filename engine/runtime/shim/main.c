/* berth-shim: the per-container monitor. It detaches from berth, starts the
 * container's init, carries its stdio to the log and to attach clients,
 * records its exit and removes its cgroups (contract: shim_protocol.h).
 * One poll loop, woken only by the container, a client or a signal. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../shim_protocol.h"
#include "monitor.h"
#include "shim.h"

/* Docker's split: longer lines are logged as 16 KiB partial messages. */
#define LOG_LINE_MAX 16384
#define POLL_MAX 48

static struct spec spec;
static char *run_dir;
static int sig_fd = -1;

static struct monitor_child init = {.pid = -1};
/* Restart policy state: a stop asked of the shim ends the restarts. */
static int stop_requested;
static int restart_count;
static struct timespec run_started; /* CLOCK_MONOTONIC, of the current run */

static struct monitor_io io = MONITOR_IO_INIT;
static struct {
	char buf[LOG_LINE_MAX];
	size_t len;
} lines[3];

/* Writes "<pid> <starttime>" to a run directory file. */
static int write_pid_file(const char *name, pid_t pid)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/%s", run_dir, name);
	return write_pid_record(path, pid);
}

/* Reads container output once: to the clients at once, to the log by line.
 * Returns 1 after data, 0 when none is ready, -1 once the stream ended. */
static int read_output(int stream)
{
	struct timespec now;
	char *buf = lines[stream].buf;
	size_t *len = &lines[stream].len;
	ssize_t r = read(io.out_fd[stream], buf + *len, LOG_LINE_MAX - *len);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	if (r <= 0) {
		/* EOF, or EIO from a pty whose last slave closed: the rest is
		 * logged as a piece with no end, as Docker's copier logs it */
		logger_write(stream, buf, *len, true, &now);
		logger_flush();
		*len = 0;
		if (io.out_fd[stream] != io.pty_master)
			close(io.out_fd[stream]);
		io.out_fd[stream] = -1;
		return -1;
	}
	attach_broadcast(spec.tty ? SHIM_STREAM_STDOUT : stream, buf + *len, (size_t)r);
	*len += (size_t)r;
	size_t start = 0;
	for (char *nl; (nl = memchr(buf + start, '\n', *len - start));) {
		size_t end = (size_t)(nl - buf) + 1;
		logger_write(stream, buf + start, end - start, false, &now);
		start = end;
	}
	if (start == 0 && *len == LOG_LINE_MAX) {
		logger_write(stream, buf, *len, true, &now); /* a piece of a longer line */
		start = *len;
	}
	logger_flush();
	memmove(buf, buf + start, *len - start);
	*len -= start;
	return 1;
}

/* Drains the signalfd: SIGCHLD reaps; a request to stop the shim kills the init. */
static void handle_signals(void)
{
	struct signalfd_siginfo si;
	while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			monitor_reap(&init, logger_reaped);
		else {
			stop_requested = 1;
			if (init.pid > 0 && !init.done)
				kill(init.pid, SIGKILL);
		}
	}
}

/* Serves the container until its init is gone. */
static void event_loop(void)
{
	struct pollfd pfd[POLL_MAX];
	while (!init.done) {
		size_t n = 0;
		pfd[n++] = (struct pollfd){.fd = sig_fd, .events = POLLIN};
		/* blocking mode with the receiver behind: the output waits */
		bool log_full = log_forward_full();
		for (int s = 1; s <= 2; s++)
			if (io.out_fd[s] >= 0 && !log_full)
				pfd[n++] = (struct pollfd){.fd = io.out_fd[s], .events = POLLIN};
		if (io.in.len && io.in.fd >= 0)
			pfd[n++] = (struct pollfd){.fd = io.in.fd, .events = POLLOUT};
		size_t attach_first = n;
		n += attach_poll_fill(pfd + n, POLL_MAX - n);
		size_t health_first = n;
		n += health_poll_fill(pfd + n, POLL_MAX - n);
		size_t log_first = n;
		n += log_forward_poll_fill(pfd + n, POLL_MAX - n);
		int timeout = health_poll_timeout(), log_timeout = log_forward_poll_timeout();
		if (log_timeout >= 0 && (timeout < 0 || log_timeout < timeout))
			timeout = log_timeout;
		if (poll(pfd, n, timeout) < 0) {
			if (errno == EINTR)
				continue;
			/* unable to watch it any more: end the container rather than lose it */
			monitor_kill_wait(&init);
			return;
		}
		/* a signalfd that went bad can never say the child ended: end
		 * the child rather than spin on it */
		if (pfd[0].revents & (POLLERR | POLLNVAL)) {
			stop_requested = 1; /* nor restart what cannot be watched */
			monitor_kill_wait(&init);
			return;
		}
		if (pfd[0].revents)
			handle_signals();
		for (size_t i = 1; i < attach_first; i++) {
			if (!pfd[i].revents)
				continue;
			if (pfd[i].events & POLLOUT) {
				if (io.in.fd == pfd[i].fd)
					stdin_pipe_flush(&io.in);
			} else {
				for (int s = 1; s <= 2; s++)
					if (io.out_fd[s] == pfd[i].fd)
						read_output(s);
			}
		}
		attach_poll_handle(pfd + attach_first, health_first - attach_first);
		health_poll_handle(pfd + health_first, log_first - health_first);
		log_forward_poll_handle(pfd + log_first, n - log_first);
	}
	health_stop();
}

/* The container is gone: drain its output, record the exit, clean up, leave. */
static _Noreturn void finish(void)
{
	char line[96], path[PATH_MAX];
	int code = monitor_exit_code(&init);
	attach_unlisten();
	/* what is left in the pipes: all of it to the log kept here; to the
	 * receiver's queue what fits in four times its bound (the rest is
	 * counted as not delivered), handed over after the exit is recorded */
	for (int s = 1; s <= 2; s++)
		while (io.out_fd[s] >= 0 && read_output(s) > 0)
			;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	for (int s = 1; s <= 2; s++)
		logger_write(s, lines[s].buf, lines[s].len, true, &now);
	logger_flush();
	int oom = cgroup_oom_killed();
	cgroup_remove();
	long long ns = (long long)init.finished.tv_sec * 1000000000LL + init.finished.tv_nsec;
	int n = snprintf(line, sizeof(line), "%d %lld %d\n", code, ns, oom);
	snprintf(path, sizeof(path), "%s/exit", run_dir);
	write_file_atomic(path, line, (size_t)n);
	attach_finish(code);
	/* The receiver gets what is queued after the exit is on record, from a
	 * child of the monitor's own: whoever waits for the monitor (stop,
	 * wait) is not held up by a slow receiver. */
	if (logger_pending() && fork() > 0)
		_exit(0);
	logger_close();
	_exit(0);
}

/* Clones the init, lets it into its cgroups and waits until it has exec'd.
 * Returns -1 only when there is no container process at all. */
static int start_container(struct shim_err *err)
{
	struct init_fds f = {-1, -1, -1, -1, -1, -1};
	int sync[2] = {-1, -1}, ep[2] = {-1, -1}, pty_sock = -1;
	char verdict[600];

	if (pipe2(sync, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0)
		return shim_sys(err, "pipe");
	f.sync = sync[0];
	f.errpipe = ep[1];
	io.stdin_once = spec.stdin_once;
	if (monitor_io_open(&io, spec.tty, spec.open_stdin,
			    (struct monitor_child_stdio){&f.stdin_r, &f.stdout_w, &f.stderr_w,
							 &f.pty_sock},
			    &pty_sock, err) < 0)
		return -1;
	if (cgroup_join_prepare(err) < 0)
		return -1;
	init.pid = container_start(&spec, &f, err);
	monitor_close_fds((int *const[]){&f.sync, &f.errpipe, &f.stdin_r, &f.stdout_w, &f.stderr_w,
					 &f.pty_sock},
			  6);
	if (init.pid < 0)
		return -1;
	/* a failure here closes the sync pipe unwritten: the init exits at once */
	/* The init joins its cgroups itself; the word only says the shim is ready. */
	int ok = write_all(sync[1], "g", 1) == 0;
	close(sync[1]);
	if (ok && spec.tty)
		monitor_io_take_pty(&io, pty_sock, spec.open_stdin);
	if (pty_sock >= 0)
		close(pty_sock);
	size_t n = monitor_read_verdict(ep[0], verdict, sizeof(verdict));
	close(ep[0]);
	/* The init's own word first: it may have failed before it was moved
	 * into its cgroups, which then fails too. */
	if (n)
		monitor_report_start("error %s", verdict);
	else if (!ok)
		monitor_report_error(err);
	else if (spec.tty && io.pty_master < 0)
		monitor_report_start("error system the container's terminal never arrived");
	else {
		write_pid_file("init.pid", init.pid);
		monitor_report_start("ok %d %d", (int)init.pid, (int)getpid());
	}
	return 0;
}

/* Everything the monitor sets up before the container. */
static int monitor_setup(const char *bundle, struct shim_err *err)
{
	int first_client = -1;
	monitor_block_signals();
	if (spec_load(&spec, bundle, err) < 0)
		return -1;
	/* Settle fd 4 before opening anything: a new fd must never land there
	 * and then be closed as if it were the attach client. */
	if (spec.attach_fd && fcntl(SHIM_ATTACH_FD, F_SETFD, FD_CLOEXEC) == 0)
		first_client = SHIM_ATTACH_FD;
	else if (!spec.attach_fd)
		close(SHIM_ATTACH_FD);
	/* fd 5 stays open (close-on-exec) while the monitor lives: the
	 * namespace outlives restarts of the init */
	if (spec.net_join && fcntl(SHIM_NETNS_FD, F_SETFD, FD_CLOEXEC) < 0)
		return shim_sys(err, "the network namespace (fd %d) is not open", SHIM_NETNS_FD);
	if (!spec.net_join)
		close(SHIM_NETNS_FD);
	/* the resolver takes fd 6 with it */
	if (spec.dns_fd && dns_start(&spec, err) < 0)
		return -1;
	if (!spec.dns_fd)
		close(SHIM_DNS_FD);
	/* the relay of [::1] takes fds 7.. with it; the rest of that range
	 * was never berth's to give */
	if (spec.proxies.n > SHIM_PROXY_MAX)
		return shim_fail(err, "system", "at most %d ports on [::1]", SHIM_PROXY_MAX);
	close_range(SHIM_PROXY_FD + (unsigned)spec.proxies.n, SHIM_PROXY_FD + SHIM_PROXY_MAX - 1, 0);
	if (spec.proxies.n && proxy_start(&spec, err) < 0)
		return -1;
	if ((sig_fd = monitor_signalfd(err)) < 0)
		return -1;
	if (write_pid_file("shim.pid", getpid()) < 0)
		return shim_sys(err, "write %s/shim.pid", run_dir);
	if (attach_listen(run_dir, first_client, &io, err) < 0 || logger_open(&spec, run_dir, err) < 0 ||
	    cgroup_create(&spec, err) < 0)
		return -1;
	return 0;
}

/* Whether the restart policy brings the container back. berth writes the
 * file "stop" in the run directory before it stops a container: a stop by
 * the user is never undone. */
static bool restart_wanted(void)
{
	char path[PATH_MAX];
	int code = monitor_exit_code(&init);

	if (stop_requested || spec.restart == RESTART_NO)
		return false;
	snprintf(path, sizeof(path), "%s/stop", run_dir);
	if (access(path, F_OK) == 0)
		return false;
	if (spec.restart == RESTART_ON_FAILURE)
		return code != 0 && (spec.restart_max == 0 || restart_count < spec.restart_max);
	return true;
}

/* Docker's back-off: 100 ms, doubling at each restart up to a minute, back
 * to 100 ms after a run of ten seconds or more. Waits on the signalfd, so a
 * stop ends the wait at once. Returns false when the restart is off. */
static bool restart_backoff(void)
{
	static long delay_ms = 100;
	struct timespec now;
	char path[PATH_MAX], line[64];

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec - run_started.tv_sec >= 10)
		delay_ms = 100;
	snprintf(path, sizeof(path), "%s/restarting", run_dir);
	int n = snprintf(line, sizeof(line), "%d\n", monitor_exit_code(&init));
	write_file_atomic(path, line, (size_t)n);
	struct pollfd p = {.fd = sig_fd, .events = POLLIN};
	long left = delay_ms;
	while (left > 0 && !stop_requested) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (poll(&p, 1, (int)left) > 0)
			handle_signals();
		clock_gettime(CLOCK_MONOTONIC, &b);
		left -= (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	}
	delay_ms = delay_ms * 2 > 60000 ? 60000 : delay_ms * 2;
	return !stop_requested && restart_wanted();
}

/* Drains what the last run wrote, then starts the command again in fresh
 * namespaces; records the count and the time for berth. */
static int restart_container(struct shim_err *err)
{
	char path[PATH_MAX], line[96];
	struct timespec now;

	for (int s = 1; s <= 2; s++)
		while (io.out_fd[s] >= 0 && read_output(s) > 0)
			;
	monitor_io_release(&io);
	logger_restart();
	init = (struct monitor_child){.pid = -1};
	if (start_container(err) < 0 || init.pid <= 0)
		return -1;
	restart_count++;
	clock_gettime(CLOCK_MONOTONIC, &run_started);
	clock_gettime(CLOCK_REALTIME, &now);
	snprintf(path, sizeof(path), "%s/restarts", run_dir);
	int n = snprintf(line, sizeof(line), "%d %lld\n", restart_count,
			 (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
	write_file_atomic(path, line, (size_t)n);
	snprintf(path, sizeof(path), "%s/restarting", run_dir);
	unlink(path);
	return 0;
}

/* The monitor: detached from berth, it lives as long as the container. */
static _Noreturn void monitor(const char *bundle_arg, const char *run_arg)
{
	struct shim_err err = {0};
	char *bundle = realpath(bundle_arg, NULL);
	run_dir = realpath(run_arg, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	if (!bundle || !run_dir) {
		shim_sys(&err, "resolve %s", bundle ? run_arg : bundle_arg);
	} else if (monitor_session() == 0 && monitor_setup(bundle, &err) == 0 &&
		   start_container(&err) == 0) {
		clock_gettime(CLOCK_MONOTONIC, &run_started);
		health_start(&spec, bundle, run_dir);
		event_loop();
		while (restart_wanted() && restart_backoff() && restart_container(&err) == 0) {
			health_start(&spec, bundle, run_dir);
			event_loop();
		}
		finish();
	}
	monitor_report_error(&err);
	cgroup_remove();
	_exit(1);
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "--exec") == 0)
		return exec_main(argv[2], argv[3], argv[4]);
	if (argc != 3) {
		fprintf(stderr, "usage: berth-shim <bundle-dir> <run-dir>\n"
				"       berth-shim --exec <bundle-dir> <run-dir> <exec-spec>\n");
		return 2;
	}
	int status = monitor_detach();
	if (status != 0)
		return status;
	monitor(argv[1], argv[2]);
}
