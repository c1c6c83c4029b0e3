/* The HEALTHCHECK probe, run by the container's monitor. Every interval it
 * runs `berth-shim --exec <bundle> <run> <run>/health.spec` (the exec spec
 * berth wrote), reads the command's output and exit code from the attach
 * frames on a socket pair, kills it after the timeout, keeps Docker's state
 * machine and writes <run>/health as Docker's State.Health JSON. Timers are
 * the poll timeout of the monitor's loop: nothing here ever blocks. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../shim_protocol.h"
#include "engine/core/strbuf.h"
#include "shim.h"

/* Docker keeps the last five results, each with at most 4 KiB of output. */
#define HEALTH_LOG_MAX 5
#define HEALTH_OUTPUT_MAX 4096

/* One probe's result, as in State.Health.Log. */
struct health_result {
	struct timespec start, end;
	int exit_code;
	char output[HEALTH_OUTPUT_MAX];
	size_t output_len;
};

static const struct spec *hspec;
static const char *bundle, *run;
static char spec_path[PATH_MAX], status_path[PATH_MAX];

static const char *status = "starting";
static int failing_streak;
static struct health_result log_ring[HEALTH_LOG_MAX];
static size_t log_count, log_first;

static struct timespec started; /* CLOCK_MONOTONIC, of the container */
static struct timespec next_run; /* CLOCK_MONOTONIC, when the next probe starts */

/* The probe in flight: the start pipe, the frame socket, the timers. */
static struct {
	int active;
	pid_t launcher;  /* our child: the first process of `berth-shim --exec`, gone at once */
	pid_t monitor;   /* the exec monitor, from the start line (its process group) */
	int start_fd, sock;
	char line[640];
	size_t line_len;
	unsigned char frame[SHIM_FRAME_HEADER];
	size_t hdr_len;
	uint32_t left;
	int stream;
	char code[16];
	size_t code_len;
	struct timespec deadline;
	struct health_result res;
} probe = {.start_fd = -1, .sock = -1};

/* Nanoseconds from a to b. */
static long long ts_diff_ns(const struct timespec *a, const struct timespec *b)
{
	return (long long)(b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
}

/* t plus ns. */
static struct timespec ts_add_ns(struct timespec t, long long ns)
{
	t.tv_sec += ns / 1000000000LL;
	t.tv_nsec += ns % 1000000000LL;
	if (t.tv_nsec >= 1000000000L) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000L;
	}
	return t;
}

/* Appends text to a result's output, keeping the first 4 KiB as Docker does. */
static void output_add(struct health_result *r, const char *data, size_t len)
{
	size_t room = HEALTH_OUTPUT_MAX - r->output_len;
	if (len > room)
		len = room;
	memcpy(r->output + r->output_len, data, len);
	r->output_len += len;
}

/* Writes <run>/health: {"Status","FailingStreak","Log":[...]}. */
static void write_status(void)
{
	static char escaped[HEALTH_OUTPUT_MAX * 6];
	struct strbuf b = {0};
	char when[40];

	strbuf_addf(&b, "{\"Status\":\"%s\",\"FailingStreak\":%d,\"Log\":[", status,
		    failing_streak);
	for (size_t i = 0; i < log_count; i++) {
		const struct health_result *r = &log_ring[(log_first + i) % HEALTH_LOG_MAX];
		strbuf_adds(&b, i ? ",{\"Start\":\"" : "{\"Start\":\"");
		strbuf_addn(&b, when, shim_format_time(when, &r->start));
		strbuf_adds(&b, "\",\"End\":\"");
		strbuf_addn(&b, when, shim_format_time(when, &r->end));
		strbuf_addf(&b, "\",\"ExitCode\":%d,\"Output\":\"", r->exit_code);
		strbuf_addn(&b, escaped, shim_json_escape(escaped, r->output, r->output_len));
		strbuf_adds(&b, "\"}");
	}
	strbuf_adds(&b, "]}\n");
	write_file_atomic(status_path, b.s, b.len);
	strbuf_free(&b);
}

/* Docker's state machine for one result, then the record. */
static void record_result(void)
{
	struct timespec now;
	struct health_result *r = &probe.res;

	clock_gettime(CLOCK_REALTIME, &r->end);
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (r->exit_code == 0) {
		failing_streak = 0;
		status = "healthy";
	} else if (!strcmp(status, "starting") && hspec->health_start_period > 0 &&
		   ts_diff_ns(&started, &now) < hspec->health_start_period) {
		/* failures in the start period do not count */
	} else if (++failing_streak >= hspec->health_retries) {
		status = "unhealthy";
	}
	if (log_count == HEALTH_LOG_MAX) {
		log_ring[log_first] = *r;
		log_first = (log_first + 1) % HEALTH_LOG_MAX;
	} else {
		log_ring[(log_first + log_count++) % HEALTH_LOG_MAX] = *r;
	}
	write_status();
}

/* Ends the probe in flight: kills what is left, closes, schedules the next. */
static void probe_end(void)
{
	struct timespec now;
	if (probe.monitor > 0)
		kill(-probe.monitor, SIGKILL);
	if (probe.start_fd >= 0)
		close(probe.start_fd);
	if (probe.sock >= 0)
		close(probe.sock);
	probe.start_fd = probe.sock = -1;
	probe.active = 0;
	/* the exec monitor's own records: nobody else takes them */
	char path[PATH_MAX + 16];
	snprintf(path, sizeof(path), "%s/health.exit", run);
	unlink(path);
	snprintf(path, sizeof(path), "%s/health.pid", run);
	unlink(path);
	clock_gettime(CLOCK_MONOTONIC, &now);
	next_run = ts_add_ns(now, hspec->health_interval);
}

/* The probe finished with a code (or failed with -1 and a message). */
static void probe_done(int code, const char *msg)
{
	probe.res.exit_code = code;
	if (msg)
		output_add(&probe.res, msg, strlen(msg));
	record_result();
	probe_end();
}

/* Forks `berth-shim --exec` with the start pipe on fd 3 and the frame
 * socket on fd 4; a failure to start is a failed check. */
static void probe_start(void)
{
	int sv[2] = {-1, -1}, pp[2] = {-1, -1};
	struct timespec now;

	memset(&probe, 0, sizeof(probe));
	probe.start_fd = probe.sock = -1;
	probe.active = 1;
	clock_gettime(CLOCK_REALTIME, &probe.res.start);
	clock_gettime(CLOCK_MONOTONIC, &now);
	probe.deadline = ts_add_ns(now, hspec->health_timeout);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0 || pipe2(pp, O_CLOEXEC) < 0)
		goto fail;
	probe.launcher = fork();
	if (probe.launcher < 0)
		goto fail;
	if (probe.launcher == 0) {
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(pp[1], SHIM_START_FD) < 0 || dup2(sv[1], SHIM_ATTACH_FD) < 0)
			_exit(127);
		execl("/proc/self/exe", "berth-shim", "--exec", bundle, run, spec_path, (char *)NULL);
		_exit(127);
	}
	close(pp[1]);
	close(sv[1]);
	probe.start_fd = pp[0];
	probe.sock = sv[0];
	fcntl(probe.start_fd, F_SETFL, O_NONBLOCK);
	fcntl(probe.sock, F_SETFL, O_NONBLOCK);
	return;
fail:
	for (int i = 0; i < 2; i++) {
		if (sv[i] >= 0)
			close(sv[i]);
		if (pp[i] >= 0)
			close(pp[i]);
	}
	probe_done(-1, "cannot start the health check");
}

/* Reads the start line: "ok <pid> <monitor>" or "error <kind> <message>". */
static void read_start_line(void)
{
	ssize_t r = read(probe.start_fd, probe.line + probe.line_len,
			 sizeof(probe.line) - 1 - probe.line_len);
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r > 0) {
		probe.line_len += (size_t)r;
		if (probe.line_len < sizeof(probe.line) - 1)
			return;
	}
	probe.line[probe.line_len] = '\0';
	close(probe.start_fd);
	probe.start_fd = -1;
	int pid, mon;
	if (sscanf(probe.line, "ok %d %d", &pid, &mon) == 2) {
		probe.monitor = mon;
		return;
	}
	/* Docker reports an exec that could not start as exit -1 with its error */
	char *msg = probe.line;
	if (!strncmp(msg, "error ", 6)) {
		msg += 6;
		msg += strcspn(msg, " ");
		msg += *msg == ' ';
	}
	msg[strcspn(msg, "\n")] = '\0';
	probe_done(-1, *msg ? msg : "the health check did not start");
}

/* Consumes frames: output into the result, the exit frame ends the probe. */
static void read_frames(void)
{
	char buf[8192];
	ssize_t r = read(probe.sock, buf, sizeof(buf));
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (r <= 0) {
		probe_done(-1, "the health check ended without a status");
		return;
	}
	for (size_t i = 0; i < (size_t)r;) {
		if (probe.hdr_len < SHIM_FRAME_HEADER) {
			probe.frame[probe.hdr_len++] = (unsigned char)buf[i++];
			if (probe.hdr_len == SHIM_FRAME_HEADER) {
				probe.stream = probe.frame[0];
				probe.left = (uint32_t)probe.frame[4] << 24 |
					     (uint32_t)probe.frame[5] << 16 |
					     (uint32_t)probe.frame[6] << 8 | probe.frame[7];
			}
		} else {
			size_t take = (size_t)r - i < probe.left ? (size_t)r - i : probe.left;
			if (probe.stream == SHIM_STREAM_STDOUT || probe.stream == SHIM_STREAM_STDERR)
				output_add(&probe.res, buf + i, take);
			else if (probe.stream == SHIM_STREAM_EXIT)
				for (size_t k = 0; k < take; k++)
					if (probe.code_len < sizeof(probe.code) - 1)
						probe.code[probe.code_len++] = buf[i + k];
			i += take;
			probe.left -= (uint32_t)take;
		}
		if (probe.hdr_len == SHIM_FRAME_HEADER && probe.left == 0) {
			probe.hdr_len = 0;
			if (probe.stream == SHIM_STREAM_EXIT) {
				probe.code[probe.code_len] = '\0';
				probe_done(atoi(probe.code), NULL);
				return;
			}
		}
	}
}

void health_start(const struct spec *s, const char *bundle_dir, const char *run_dir)
{
	if (s->health_interval <= 0)
		return;
	hspec = s;
	bundle = bundle_dir;
	run = run_dir;
	snprintf(spec_path, sizeof(spec_path), "%s/health.spec", run_dir);
	snprintf(status_path, sizeof(status_path), "%s/health", run_dir);
	status = "starting";
	failing_streak = 0;
	clock_gettime(CLOCK_MONOTONIC, &started);
	next_run = ts_add_ns(started, s->health_interval);
	write_status();
}

int health_poll_timeout(void)
{
	struct timespec now;
	if (!hspec)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ns = ts_diff_ns(&now, probe.active ? &probe.deadline : &next_run);
	if (ns <= 0)
		return 0;
	long long ms = (ns + 999999) / 1000000;
	return ms > INT_MAX ? INT_MAX : (int)ms;
}

size_t health_poll_fill(struct pollfd *pfd, size_t max)
{
	size_t n = 0;
	if (!hspec || !probe.active)
		return 0;
	if (probe.start_fd >= 0 && n < max)
		pfd[n++] = (struct pollfd){.fd = probe.start_fd, .events = POLLIN};
	if (probe.sock >= 0 && n < max)
		pfd[n++] = (struct pollfd){.fd = probe.sock, .events = POLLIN};
	return n;
}

void health_poll_handle(const struct pollfd *pfd, size_t n)
{
	struct timespec now;
	char msg[96];
	if (!hspec)
		return;
	for (size_t i = 0; i < n && probe.active; i++) {
		if (!pfd[i].revents)
			continue;
		if (pfd[i].fd == probe.start_fd)
			read_start_line();
		else if (pfd[i].fd == probe.sock)
			read_frames();
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (probe.active && ts_diff_ns(&probe.deadline, &now) >= 0) {
		long long t = hspec->health_timeout;
		if (t % 1000000000LL == 0)
			snprintf(msg, sizeof(msg), "Health check exceeded timeout (%llds)",
				 t / 1000000000LL);
		else
			snprintf(msg, sizeof(msg), "Health check exceeded timeout (%lldms)",
				 t / 1000000LL);
		probe_done(-1, msg);
	} else if (!probe.active && ts_diff_ns(&next_run, &now) >= 0) {
		probe_start();
	}
}

void health_stop(void)
{
	if (hspec && probe.active)
		probe_end();
}
