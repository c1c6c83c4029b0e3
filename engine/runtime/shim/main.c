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
#include "shim.h"

/* Docker's split: longer lines are logged as 16 KiB partial messages. */
#define LOG_LINE_MAX 16384
#define POLL_MAX 48

static struct spec spec;
static char *run_dir;
static int start_fd = SHIM_START_FD;
static int sig_fd = -1;

static pid_t init_pid;
static int init_status, init_done;
/* Restart policy state: a stop asked of the shim ends the restarts. */
static int stop_requested;
static int restart_count;
static struct timespec run_started; /* CLOCK_MONOTONIC, of the current run */
static struct timespec init_finished;

/* out_fd[1] and out_fd[2]: the container's stdout and stderr (the pty master with a tty) */
static int out_fd[3] = {-1, -1, -1};
static struct {
	char buf[LOG_LINE_MAX];
	size_t len;
} lines[3];

static int pty_master = -1;
static struct stdin_pipe in = {.fd = -1};

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t w = write(fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int write_file_atomic(const char *path, const char *data, size_t len)
{
	char tmp[PATH_MAX];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	int r = write_all(fd, data, len);
	close(fd);
	if (r < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

unsigned long long proc_starttime(pid_t pid)
{
	char path[48], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* the command name may hold spaces and parentheses: count from the last ')' */
	char *p = strrchr(buf, ')');
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

/* Writes "<pid> <starttime>" to a run directory file. */
static int write_pid_file(const char *name, pid_t pid)
{
	char path[PATH_MAX], line[64];
	snprintf(path, sizeof(path), "%s/%s", run_dir, name);
	int n = snprintf(line, sizeof(line), "%d %llu\n", (int)pid, proc_starttime(pid));
	return write_file_atomic(path, line, (size_t)n);
}

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

void io_stdin_write(const char *data, size_t len)
{
	stdin_pipe_write(&in, data, len);
}

void io_stdin_close(void)
{
	stdin_pipe_close(&in);
}

int io_stdin_ready(void)
{
	return in.len == 0;
}

void io_resize(unsigned rows, unsigned cols)
{
	if (pty_master >= 0)
		pty_resize(pty_master, rows, cols);
}

/* Reads container output once: to the clients at once, to the log by line.
 * Returns 1 after data, 0 when none is ready, -1 once the stream ended. */
static int read_output(int stream)
{
	struct timespec now;
	char *buf = lines[stream].buf;
	size_t *len = &lines[stream].len;
	ssize_t r = read(out_fd[stream], buf + *len, LOG_LINE_MAX - *len);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	clock_gettime(CLOCK_REALTIME, &now);
	if (r <= 0) {
		/* EOF, or EIO from a pty whose last slave closed: the rest is a partial line */
		logger_write(stream, buf, *len, &now);
		*len = 0;
		if (out_fd[stream] != pty_master)
			close(out_fd[stream]);
		out_fd[stream] = -1;
		return -1;
	}
	attach_broadcast(spec.tty ? SHIM_STREAM_STDOUT : stream, buf + *len, (size_t)r);
	*len += (size_t)r;
	size_t start = 0;
	for (char *nl; (nl = memchr(buf + start, '\n', *len - start));) {
		size_t end = (size_t)(nl - buf) + 1;
		logger_write(stream, buf + start, end - start, &now);
		start = end;
	}
	if (start == 0 && *len == LOG_LINE_MAX) {
		logger_write(stream, buf, *len, &now); /* a partial message */
		start = *len;
	}
	memmove(buf, buf + start, *len - start);
	*len -= start;
	return 1;
}

/* Reaps every child; notes the init's status. */
static void reap(void)
{
	int st;
	pid_t p;
	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		if (p == init_pid) {
			init_status = st;
			init_done = 1;
			clock_gettime(CLOCK_REALTIME, &init_finished);
		}
}

/* Drains the signalfd: SIGCHLD reaps; a request to stop the shim kills the init. */
static void handle_signals(void)
{
	struct signalfd_siginfo si;
	while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap();
		else {
			stop_requested = 1;
			if (init_pid > 0 && !init_done)
				kill(init_pid, SIGKILL);
		}
	}
}

/* Serves the container until its init is gone. */
static void event_loop(void)
{
	struct pollfd pfd[POLL_MAX];
	while (!init_done) {
		size_t n = 0;
		pfd[n++] = (struct pollfd){.fd = sig_fd, .events = POLLIN};
		for (int s = 1; s <= 2; s++)
			if (out_fd[s] >= 0)
				pfd[n++] = (struct pollfd){.fd = out_fd[s], .events = POLLIN};
		if (in.len && in.fd >= 0)
			pfd[n++] = (struct pollfd){.fd = in.fd, .events = POLLOUT};
		size_t attach_first = n;
		n += attach_poll_fill(pfd + n, POLL_MAX - n);
		size_t health_first = n;
		n += health_poll_fill(pfd + n, POLL_MAX - n);
		if (poll(pfd, n, health_poll_timeout()) < 0) {
			if (errno == EINTR)
				continue;
			/* unable to watch it any more: end the container rather than lose it */
			kill(init_pid, SIGKILL);
			if (waitpid(init_pid, &init_status, 0) == init_pid)
				clock_gettime(CLOCK_REALTIME, &init_finished);
			return;
		}
		if (pfd[0].revents)
			handle_signals();
		for (size_t i = 1; i < attach_first; i++) {
			if (!pfd[i].revents)
				continue;
			if (pfd[i].events & POLLOUT) {
				if (in.fd == pfd[i].fd)
					stdin_pipe_flush(&in);
			} else {
				for (int s = 1; s <= 2; s++)
					if (out_fd[s] == pfd[i].fd)
						read_output(s);
			}
		}
		attach_poll_handle(pfd + attach_first, health_first - attach_first);
		health_poll_handle(pfd + health_first, n - health_first);
	}
	health_stop();
}

/* The container is gone: drain its output, record the exit, clean up, leave. */
static _Noreturn void finish(void)
{
	char line[96], path[PATH_MAX];
	int code = WIFSIGNALED(init_status) ? 128 + WTERMSIG(init_status)
					    : WEXITSTATUS(init_status);
	attach_unlisten();
	for (int s = 1; s <= 2; s++)
		while (out_fd[s] >= 0 && read_output(s) > 0)
			;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	for (int s = 1; s <= 2; s++)
		logger_write(s, lines[s].buf, lines[s].len, &now);
	int oom = cgroup_oom_killed();
	cgroup_remove();
	long long ns = (long long)init_finished.tv_sec * 1000000000LL + init_finished.tv_nsec;
	int n = snprintf(line, sizeof(line), "%d %lld %d\n", code, ns, oom);
	snprintf(path, sizeof(path), "%s/exit", run_dir);
	write_file_atomic(path, line, (size_t)n);
	attach_finish(code);
	_exit(0);
}

/* Pipes (or the pty socket) the init gets; the shim keeps the other ends. */
static int make_stdio(struct init_fds *f, int *pty_sock, struct shim_err *err)
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

/* Closes the init's ends in the shim. */
static void close_init_fds(struct init_fds *f)
{
	int *fds[] = {&f->sync, &f->errpipe, &f->stdin_r, &f->stdout_w, &f->stderr_w, &f->pty_sock};
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0) {
			close(*fds[i]);
			*fds[i] = -1;
		}
}

/* Reads the init's verdict until EOF: nothing means the command is running. */
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
	if (make_stdio(&f, &pty_sock, err) < 0)
		return -1;
	if (cgroup_join_prepare(err) < 0)
		return -1;
	init_pid = container_start(&spec, &f, err);
	close_init_fds(&f);
	if (init_pid < 0)
		return -1;
	/* a failure here closes the sync pipe unwritten: the init exits at once */
	/* The init joins its cgroups itself; the word only says the shim is ready. */
	int ok = write_all(sync[1], "g", 1) == 0;
	close(sync[1]);
	if (ok && spec.tty) {
		struct shim_err perr = {0};
		pty_master = pty_recv_master(pty_sock, &perr);
		if (pty_master >= 0) {
			fcntl(pty_master, F_SETFL, O_NONBLOCK);
			out_fd[1] = pty_master;
			if (spec.open_stdin)
				stdin_pipe_open(&in, pty_master, true);
		}
	}
	if (pty_sock >= 0)
		close(pty_sock);
	size_t n = read_verdict(ep[0], verdict, sizeof(verdict));
	close(ep[0]);
	/* The init's own word first: it may have failed before it was moved
	 * into its cgroups, which then fails too. */
	if (n)
		report_start("error %s", verdict);
	else if (!ok)
		report_start("error %s %s", err->kind ? err->kind : "system", err->msg);
	else if (spec.tty && pty_master < 0)
		report_start("error system the container's terminal never arrived");
	else {
		write_pid_file("init.pid", init_pid);
		report_start("ok %d %d", (int)init_pid, (int)getpid());
	}
	return 0;
}

/* Everything the monitor sets up before the container. */
static int monitor_setup(const char *bundle, struct shim_err *err)
{
	sigset_t set;
	int first_client = -1;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (spec_load(&spec, bundle, err) < 0)
		return -1;
	/* Settle fd 4 before opening anything: a new fd must never land there
	 * and then be closed as if it were the attach client. */
	if (spec.attach_fd && fcntl(SHIM_ATTACH_FD, F_SETFD, FD_CLOEXEC) == 0)
		first_client = SHIM_ATTACH_FD;
	else if (!spec.attach_fd)
		close(SHIM_ATTACH_FD);
	sig_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sig_fd < 0)
		return shim_sys(err, "signalfd");
	if (write_pid_file("shim.pid", getpid()) < 0)
		return shim_sys(err, "write %s/shim.pid", run_dir);
	if (attach_listen(run_dir, first_client, err) < 0 || logger_open(&spec, err) < 0 ||
	    cgroup_create(&spec, err) < 0)
		return -1;
	return 0;
}

/* The init's exit code as berth reports it: 128+N when killed by signal N. */
static int init_exit_code(void)
{
	return WIFSIGNALED(init_status) ? 128 + WTERMSIG(init_status) : WEXITSTATUS(init_status);
}

/* Whether the restart policy brings the container back. berth writes the
 * file "stop" in the run directory before it stops a container: a stop by
 * the user is never undone. */
static bool restart_wanted(void)
{
	char path[PATH_MAX];
	int code = init_exit_code();

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
	int n = snprintf(line, sizeof(line), "%d\n", init_exit_code());
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
		while (out_fd[s] >= 0 && read_output(s) > 0)
			;
	for (int s = 1; s <= 2; s++) {
		if (out_fd[s] >= 0 && out_fd[s] != pty_master)
			close(out_fd[s]);
		out_fd[s] = -1;
	}
	stdin_pipe_release(&in);
	if (pty_master >= 0)
		close(pty_master);
	pty_master = -1;
	init_done = 0;
	init_pid = -1;
	if (start_container(err) < 0 || init_pid <= 0)
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
	setsid();
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; null >= 0 && fd < 3; fd++)
		dup2(null, fd);
	if (null > 2)
		close(null);
	if (!bundle || !run_dir) {
		shim_sys(&err, "resolve %s", bundle ? run_arg : bundle_arg);
	} else if (chdir("/") == 0 && monitor_setup(bundle, &err) == 0 &&
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
	report_start("error %s %s", err.kind ? err.kind : "system", err.msg);
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
	monitor(argv[1], argv[2]);
}
