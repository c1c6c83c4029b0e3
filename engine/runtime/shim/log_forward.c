/* Messages to berth-logger (log_wire.h), which sends them to the receiver.
 * What the socket does not take at once waits in a queue of at most
 * log-max-buffer bytes (headers included, so memory stays bounded
 * however short the lines). When the queue is full, mode decides:
 * non-blocking drops the message and counts it (<run>/log-dropped);
 * blocking stops reading the container's output until there is room
 * (the container then blocks on its next write). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../log_wire.h"
#include "shim.h"

extern char **environ;

static int sock = -1;
static pid_t helper_pid;
static bool nonblocking;
static size_t max_queue;
static struct {
	char *buf;
	size_t head, tail, cap; /* records of [u32 length][packet] in buf[head, tail) */
} queue;
static unsigned long long dropped;
static time_t dropped_written;
static bool dropped_dirty;
static char dropped_path[PATH_MAX];

/* Reads berth-logger's start word; 0 on "ok". */
static int read_start_word(int fd, struct shim_err *err)
{
	char line[512];
	size_t n = 0;
	struct pollfd p = {.fd = fd, .events = POLLIN};

	/* the receiver's own dial timeouts bound this; a minute is a safety net */
	while (n < sizeof(line) - 1 && poll(&p, 1, 60000) > 0) {
		ssize_t r = read(fd, line + n, sizeof(line) - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	line[n] = '\0';
	if (strncmp(line, "ok", 2) == 0)
		return 0;
	line[strcspn(line, "\n")] = '\0';
	if (strncmp(line, "error ", 6) == 0)
		return shim_fail(err, "system", "failed to initialize logging driver: %s", line + 6);
	return shim_fail(err, "system", "failed to initialize logging driver: berth-logger %s",
			 n ? line : "exited without a word");
}

int log_forward_open(const struct spec *s, const char *run_dir, struct shim_err *err)
{
	int pair[2], start[2];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;

	if (!s->log_driver || !s->log_helper || !strcmp(s->log_driver, "json-file") ||
	    !strcmp(s->log_driver, "local") || !strcmp(s->log_driver, "none"))
		return 0;
	nonblocking = s->log_mode && strcmp(s->log_mode, "non-blocking") == 0;
	max_queue = s->log_max_buffer > 0 ? (size_t)s->log_max_buffer : 1000000;
	snprintf(dropped_path, sizeof(dropped_path), "%s/log-dropped", run_dir);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
		return shim_sys(err, "socketpair for berth-logger");
	if (pipe2(start, O_CLOEXEC) < 0) {
		close(pair[0]);
		close(pair[1]);
		return shim_sys(err, "pipe for berth-logger");
	}
	char *argv[] = {s->log_helper, "--forward", s->path, NULL};
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, start[1], LOG_WIRE_START_FD);
	posix_spawn_file_actions_adddup2(&fa, pair[1], LOG_WIRE_SOCKET_FD);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	int rc = posix_spawn(&helper_pid, s->log_helper, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(start[1]);
	close(pair[1]);
	if (rc != 0) {
		close(start[0]);
		close(pair[0]);
		errno = rc;
		return shim_sys(err, "start %s", s->log_helper);
	}
	rc = read_start_word(start[0], err);
	close(start[0]);
	if (rc < 0) {
		close(pair[0]);
		return -1;
	}
	sock = pair[0];
	fcntl(sock, F_SETFL, O_NONBLOCK);
	return 0;
}

/* Writes the count of dropped messages (at most once a second, and at the end). */
static void note_dropped(bool now)
{
	time_t t = time(NULL);
	if (!dropped_dirty || (!now && t == dropped_written))
		return;
	char line[32];
	int n = snprintf(line, sizeof(line), "%llu\n", dropped);
	write_file_atomic(dropped_path, line, (size_t)n);
	dropped_written = t;
	dropped_dirty = false;
}

static void drop(void)
{
	dropped++;
	dropped_dirty = true;
	note_dropped(false);
}

/* berth-logger is gone: nothing more can be sent. */
static void helper_lost(void)
{
	if (sock >= 0)
		close(sock);
	sock = -1;
	size_t at = queue.head;
	while (at < queue.tail) {
		uint32_t len;
		memcpy(&len, queue.buf + at, 4);
		at += 4 + len;
		dropped++;
		dropped_dirty = true;
	}
	queue.head = queue.tail = 0;
	note_dropped(true);
}

/* Sends queued packets while the socket takes them. */
static void flush_queue(void)
{
	while (sock >= 0 && queue.head < queue.tail) {
		uint32_t len;
		memcpy(&len, queue.buf + queue.head, 4);
		ssize_t w = send(sock, queue.buf + queue.head + 4, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (w < 0) {
			helper_lost();
			return;
		}
		queue.head += 4 + len;
	}
	if (queue.head == queue.tail) {
		queue.head = queue.tail = 0;
		/* what a burst took is given back once it is sent */
		if (queue.cap > 65536) {
			free(queue.buf);
			queue.buf = NULL;
			queue.cap = 0;
		}
	}
}

static bool enqueue(const struct log_wire *h, const char *data, size_t len)
{
	size_t need = 4 + sizeof(*h) + len;
	if (queue.head > 0 && queue.tail + need > queue.cap) {
		memmove(queue.buf, queue.buf + queue.head, queue.tail - queue.head);
		queue.tail -= queue.head;
		queue.head = 0;
	}
	if (queue.tail + need > queue.cap) {
		size_t cap = queue.cap ? queue.cap : 65536;
		while (cap < queue.tail + need)
			cap *= 2;
		char *grown = realloc(queue.buf, cap);
		if (!grown)
			return false;
		queue.buf = grown;
		queue.cap = cap;
	}
	uint32_t plen = (uint32_t)(sizeof(*h) + len);
	memcpy(queue.buf + queue.tail, &plen, 4);
	memcpy(queue.buf + queue.tail + 4, h, sizeof(*h));
	memcpy(queue.buf + queue.tail + 4 + sizeof(*h), data, len);
	queue.tail += need;
	return true;
}

void log_forward_send(int stream, const char *data, size_t len, const struct log_meta *meta,
		      const struct timespec *ts)
{
	struct log_wire h = {.stream = (uint8_t)stream,
			     .partial = meta->ordinal > 0,
			     .last = meta->last,
			     .ordinal = meta->ordinal,
			     .time_ns = (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec};

	if (!helper_pid)
		return;
	if (sock < 0) {
		drop();
		return;
	}
	if (meta->ordinal)
		memcpy(h.partial_id, meta->id, sizeof(h.partial_id));
	if (queue.head == queue.tail) {
		struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)data, len}};
		struct msghdr m = {.msg_iov = iov, .msg_iovlen = 2};
		ssize_t w = sendmsg(sock, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w >= 0)
			return;
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			helper_lost();
			drop();
			return;
		}
	}
	/* Docker's ring takes a message into an empty queue whatever its size;
	 * in blocking mode the monitor stops reading before the queue is full,
	 * and what one read brings past it is kept, up to four times the bound */
	size_t queued = queue.tail - queue.head, adding = 4 + sizeof(h) + len;
	if (queued && queued + adding > (nonblocking ? max_queue : 4 * max_queue)) {
		drop();
		return;
	}
	if (!enqueue(&h, data, len))
		drop();
}

int log_forward_poll_timeout(void)
{
	/* a count not yet written is written within a second */
	return dropped_dirty ? 1000 : -1;
}

bool log_forward_full(void)
{
	return !nonblocking && sock >= 0 && queue.tail - queue.head >= max_queue;
}

size_t log_forward_poll_fill(struct pollfd *pfd, size_t max)
{
	if (sock < 0 || max < 1)
		return 0;
	/* a hang-up is reported whatever is asked; berth-logger's counts of
	 * messages it gave up come in */
	pfd[0] = (struct pollfd){.fd = sock,
				 .events = (short)(POLLIN | (queue.tail > queue.head ? POLLOUT : 0))};
	return 1;
}

void log_forward_poll_handle(const struct pollfd *pfd, size_t n)
{
	if (n < 1 || sock < 0 || pfd[0].fd != sock)
		return;
	if (pfd[0].revents & POLLIN) {
		uint64_t given_up;
		while (recv(sock, &given_up, sizeof(given_up), MSG_DONTWAIT) == sizeof(given_up)) {
			dropped += given_up;
			dropped_dirty = true;
		}
	}
	if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
		helper_lost();
	else if (pfd[0].revents & POLLOUT)
		flush_queue();
	note_dropped(false);
}

void log_forward_reaped(pid_t pid)
{
	if (pid == helper_pid && sock >= 0)
		helper_lost();
}

bool log_forward_pending(void)
{
	return sock >= 0 && queue.tail > queue.head;
}

void log_forward_close(void)
{
	struct timespec start, now;

	if (!helper_pid)
		return;
	clock_gettime(CLOCK_MONOTONIC, &start);
	/* what is queued still goes while berth-logger takes it: given up
	 * once it has taken nothing for LOG_WIRE_LINGER_S */
	while (sock >= 0 && queue.tail > queue.head) {
		struct pollfd p = {.fd = sock, .events = POLLOUT};
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = LOG_WIRE_LINGER_S * 1000L - (now.tv_sec - start.tv_sec) * 1000L -
			    (now.tv_nsec - start.tv_nsec) / 1000000L;
		if (left <= 0 || poll(&p, 1, (int)left) <= 0 || (p.revents & (POLLHUP | POLLERR)))
			break;
		size_t before = queue.head;
		flush_queue();
		if (queue.head != before || queue.tail == 0)
			clock_gettime(CLOCK_MONOTONIC, &start);
	}
	if (queue.tail > queue.head)
		helper_lost();
	if (sock >= 0)
		close(sock);
	sock = -1;
	note_dropped(true);
}
