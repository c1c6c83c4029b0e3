/* Attach clients on <run>/attach.sock: output goes to each as frames (see
 * shim_protocol.h), stdin and resize frames come back. A client that cannot
 * keep up gets a bounded backlog and is dropped past it: it never stalls
 * the container. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "../shim_protocol.h"
#include "client_frames.h"
#include "monitor.h"
#include "shim.h"

#define CLIENT_MAX 32
/* The kernel keeps this much per client before we buffer anything ourselves. */
#define CLIENT_SNDBUF (4 << 20)
#define CLIENT_BACKLOG_MAX (1u << 20)
/* How long the exit frame may take to reach a client. */
#define CLIENT_FINISH_TIMEOUT_S 2

struct client {
	int fd;
	struct client_frames in;
	int read_eof; /* the client shut down its side: it only listens now */
	char *backlog;
	size_t backlog_len;
};

static struct client clients[CLIENT_MAX];
static size_t n_clients;
static int listen_fd = -1;
/* the container's stdio, where stdin and resizes go */
static struct monitor_io *io;
static char *sock_path;
/* which client each poll entry after the listener belongs to */
static unsigned char poll_client[CLIENT_MAX];
static size_t poll_first;

/* Closes a client; the slot is reclaimed by attach_compact. */
static void client_drop(struct client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	free(c->backlog);
	c->backlog = NULL;
	c->backlog_len = 0;
}

/* Removes dropped clients from the table. */
static void attach_compact(void)
{
	size_t w = 0;
	for (size_t i = 0; i < n_clients; i++)
		if (clients[i].fd >= 0)
			clients[w++] = clients[i];
	n_clients = w;
}

/* Takes a connected socket as a client. */
static void client_add(int fd)
{
	int sz = CLIENT_SNDBUF;
	if (n_clients == CLIENT_MAX) {
		close(fd);
		return;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	clients[n_clients++] = (struct client){.fd = fd};
}

int attach_listen(const char *run_dir, int first_client, struct monitor_io *stdio,
		  struct shim_err *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int dir = open(run_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

	io = stdio;
	if (dir < 0)
		return shim_sys(err, "open %s", run_dir);
	if (asprintf(&sock_path, "%s/attach.sock", run_dir) < 0) {
		close(dir);
		return shim_sys(err, "attach socket path");
	}
	/* through the directory fd, so a long run dir still fits sun_path */
	snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/attach.sock", dir);
	unlink(sa.sun_path);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	mode_t old = umask(0177);
	int r = listen_fd < 0 ? -1 : bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (r < 0 || listen(listen_fd, 16) < 0) {
		shim_sys(err, "listen on %s", sock_path);
		close(dir);
		return -1;
	}
	close(dir);
	if (first_client >= 0)
		client_add(first_client);
	return 0;
}

/* Adds bytes to a client's backlog; drops the client past the bound. */
static void client_queue(struct client *c, const struct iovec *iov, int n, size_t skip)
{
	size_t add = 0;
	for (int i = 0; i < n; i++)
		add += iov[i].iov_len;
	add -= skip;
	if (c->backlog_len + add > CLIENT_BACKLOG_MAX) {
		client_drop(c);
		return;
	}
	char *b = realloc(c->backlog, c->backlog_len + add);
	if (!b) {
		client_drop(c);
		return;
	}
	c->backlog = b;
	for (int i = 0; i < n; i++) {
		size_t l = iov[i].iov_len;
		const char *p = iov[i].iov_base;
		if (skip >= l) {
			skip -= l;
			continue;
		}
		memcpy(c->backlog + c->backlog_len, p + skip, l - skip);
		c->backlog_len += l - skip;
		skip = 0;
	}
}

/* Sends one frame, or queues what the socket does not take. */
static void client_send(struct client *c, int stream, const char *data, size_t len)
{
	unsigned char h[SHIM_FRAME_HEADER] = {(unsigned char)stream, 0, 0, 0};
	for (int i = 0; i < 4; i++)
		h[4 + i] = (unsigned char)(len >> (24 - 8 * i));
	struct iovec iov[2] = {{h, sizeof(h)}, {(void *)data, len}};
	ssize_t w = 0;
	if (c->fd < 0)
		return;
	if (!c->backlog_len) {
		struct msghdr msg = {.msg_iov = iov, .msg_iovlen = 2};
		w = sendmsg(c->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			client_drop(c);
			return;
		}
		if (w < 0)
			w = 0;
	}
	if ((size_t)w < sizeof(h) + len)
		client_queue(c, iov, 2, (size_t)w);
}

/* Writes out as much of the backlog as the socket takes. */
static void client_flush(struct client *c)
{
	ssize_t w = send(c->fd, c->backlog, c->backlog_len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (w < 0) {
		if (errno != EAGAIN && errno != EINTR)
			client_drop(c);
		return;
	}
	c->backlog_len -= (size_t)w;
	memmove(c->backlog, c->backlog + w, c->backlog_len);
	if (!c->backlog_len) {
		free(c->backlog);
		c->backlog = NULL;
	}
}

void attach_broadcast(int stream, const char *data, size_t len)
{
	for (size_t i = 0; i < n_clients; i++)
		client_send(&clients[i], stream, data, len);
	attach_compact();
}

/* Reads what a client sent. */
static void client_read(struct client *c, short ev)
{
	switch (client_frames_read(&c->in, c->fd, ev, io)) {
	case CLIENT_FRAMES_OPEN:
		break;
	case CLIENT_FRAMES_SHUT:
		c->read_eof = 1;
		break;
	case CLIENT_FRAMES_GONE:
		client_drop(c);
		break;
	}
}

size_t attach_poll_fill(struct pollfd *pfd, size_t max)
{
	size_t n = 0;
	if (listen_fd >= 0 && n < max)
		pfd[n++] = (struct pollfd){.fd = listen_fd, .events = POLLIN};
	poll_first = n;
	/* stdin frames are read only while the container's stdin can take them */
	short in = monitor_io_stdin_ready(io) ? POLLIN : 0;
	for (size_t i = 0; i < n_clients && n < max; i++) {
		const struct client *c = &clients[i];
		poll_client[n - poll_first] = (unsigned char)i;
		pfd[n++] = (struct pollfd){
			.fd = c->fd,
			.events = (short)((c->read_eof ? 0 : in) | (c->backlog_len ? POLLOUT : 0))};
	}
	return n;
}

void attach_poll_handle(const struct pollfd *pfd, size_t n)
{
	if (poll_first && n > 0 && (pfd[0].revents & POLLIN)) {
		int fd;
		while ((fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0)
			client_add(fd);
	}
	for (size_t i = poll_first; i < n; i++) {
		struct client *c = &clients[poll_client[i - poll_first]];
		short ev = pfd[i].revents;
		if (c->fd != pfd[i].fd || !ev)
			continue;
		if (ev & POLLOUT)
			client_flush(c);
		if (c->fd >= 0 && (ev & POLLIN))
			client_read(c, ev);
		else if (c->fd >= 0 && (ev & (POLLHUP | POLLERR | POLLNVAL)))
			client_drop(c);
	}
	attach_compact();
}

void attach_unlisten(void)
{
	if (listen_fd >= 0) {
		close(listen_fd);
		listen_fd = -1;
		unlink(sock_path);
	}
}

void attach_finish(int code)
{
	char num[16];
	int n = snprintf(num, sizeof(num), "%d", code);
	struct timeval tv = {CLIENT_FINISH_TIMEOUT_S, 0};
	attach_unlisten();
	for (size_t i = 0; i < n_clients; i++) {
		struct client *c = &clients[i];
		client_send(c, SHIM_STREAM_EXIT, num, (size_t)n);
		if (c->fd < 0)
			continue;
		/* the last words may wait a little for a slow reader, not forever */
		fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) & ~O_NONBLOCK);
		setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (c->backlog_len)
			write_all(c->fd, c->backlog, c->backlog_len);
		client_drop(c);
	}
	n_clients = 0;
}
