/* The relay between a daemon's raw stream and a face (relay.h). */
#include "engine/remote/relay.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/core/fd_io.h"
#include "engine/remote/conn.h"
#include "engine/runtime/shim_protocol.h"

/* Docker's stream types in a multiplexed stream (stdcopy). */
#define DOCKER_STREAM_SYSTEMERR 3

struct relay {
	struct remote_client *client;
	struct remote_conn *conn;
	int face;
	struct remote_relay_options o;
	unsigned char header[SHIM_FRAME_HEADER]; /* a multiplexed frame's, as it comes */
	size_t header_len;
	size_t frame_left; /* bytes of the current frame still to come */
	int frame_stream;
	bool daemon_done;  /* the daemon's stream ended while stdin was being sent */
};

static int send_frame(int fd, int stream, const void *data, size_t len)
{
	unsigned char h[SHIM_FRAME_HEADER] = {(unsigned char)stream, 0, 0, 0,
					      (unsigned char)(len >> 24), (unsigned char)(len >> 16),
					      (unsigned char)(len >> 8), (unsigned char)len};
	struct iovec iov[2] = {{h, sizeof(h)}, {(void *)data, len}};
	struct msghdr m = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
	size_t total = sizeof(h) + len;

	while (total > 0) {
		ssize_t n = sendmsg(fd, &m, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		total -= (size_t)n;
		while (n > 0 && m.msg_iovlen) {
			size_t take = (size_t)n < m.msg_iov->iov_len ? (size_t)n : m.msg_iov->iov_len;
			m.msg_iov->iov_base = (char *)m.msg_iov->iov_base + take;
			m.msg_iov->iov_len -= take;
			n -= (ssize_t)take;
			if (!m.msg_iov->iov_len) {
				m.msg_iov++;
				m.msg_iovlen--;
			}
		}
	}
	return 0;
}

/* The daemon's bytes, framed for the face: raw with a tty, else split at
 * the daemon's own frame boundaries. */
static int from_daemon(struct relay *r, const unsigned char *p, size_t n)
{
	if (r->o.tty)
		return send_frame(r->face, SHIM_STREAM_STDOUT, p, n);
	while (n > 0) {
		if (r->frame_left == 0) {
			size_t take = SHIM_FRAME_HEADER - r->header_len;
			if (take > n)
				take = n;
			memcpy(r->header + r->header_len, p, take);
			r->header_len += take;
			p += take;
			n -= take;
			if (r->header_len < SHIM_FRAME_HEADER)
				return 0;
			r->header_len = 0;
			r->frame_stream = r->header[0] == DOCKER_STREAM_SYSTEMERR ? SHIM_STREAM_STDERR
					  : r->header[0] == SHIM_STREAM_STDERR	 ? SHIM_STREAM_STDERR
										 : SHIM_STREAM_STDOUT;
			r->frame_left = (size_t)r->header[4] << 24 | (size_t)r->header[5] << 16 |
					(size_t)r->header[6] << 8 | r->header[7];
			continue;
		}
		size_t take = r->frame_left < n ? r->frame_left : n;
		if (send_frame(r->face, r->frame_stream, p, take) < 0)
			return -1;
		r->frame_left -= take;
		p += take;
		n -= take;
	}
	return 0;
}

/* Stdin to the daemon; while its socket is full, its output goes to the
 * face meanwhile: the daemon may be waiting for us to read before it
 * reads on (a command echoing a large stdin), and a write that only
 * waited would never end. Small writes, each after poll says there is
 * room, so that none blocks for long. */
static int to_daemon(struct relay *r, const unsigned char *p, size_t n)
{
	unsigned char buf[16384];
	int fd = remote_conn_fd(r->conn);

	while (n > 0) {
		struct pollfd pf = {.fd = fd, .events = POLLOUT};
		/* writing whenever there is room; reading only when there is
		 * none (with TLS, readable bytes may be a record with no data
		 * for us, a session ticket, and a read would wait) */
		if (poll(&pf, 1, 0) < 0 && errno != EINTR)
			return -1;
		if (pf.revents & POLLOUT) {
			size_t chunk = n < 4096 ? n : 4096;
			if (remote_conn_write_all(r->conn, p, chunk) < 0)
				return -1;
			p += chunk;
			n -= chunk;
			continue;
		}
		if (pf.revents & (POLLERR | POLLHUP | POLLNVAL))
			return -1;
		pf.events = POLLIN | POLLOUT;
		if (!remote_conn_pending(r->conn) && poll(&pf, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (!remote_conn_pending(r->conn) && !(pf.revents & POLLIN))
			continue; /* room again */
		ssize_t got = remote_conn_read(r->conn, buf, sizeof(buf), 0);
		if (got < 0 && errno == ETIMEDOUT)
			continue;
		if (got <= 0) {
			r->daemon_done = true;
			return -1;
		}
		if (from_daemon(r, buf, (size_t)got) < 0)
			return -1;
	}
	return 0;
}

/* One frame from the face: input for the container, its end, a resize. */
static int from_face(struct relay *r)
{
	unsigned char h[SHIM_FRAME_HEADER];
	char data[65536];

	if (fd_read_full(r->face, h, sizeof(h)) < 0)
		return -1;
	size_t len = (size_t)h[4] << 24 | (size_t)h[5] << 16 | (size_t)h[6] << 8 | h[7];
	while (len > 0 || h[0] == SHIM_STREAM_STDIN) {
		size_t take = len < sizeof(data) ? len : sizeof(data) - 1;
		if (take && fd_read_full(r->face, data, take) < 0)
			return -1;
		len -= take;
		data[take] = '\0';
		if (h[0] == SHIM_STREAM_STDIN && take == 0) {
			remote_conn_close_write(r->conn);
			return 0;
		}
		if (h[0] == SHIM_STREAM_STDIN && to_daemon(r, (unsigned char *)data, take) < 0)
			return -1;
		if (h[0] == SHIM_STREAM_RESIZE && r->o.resize_path[0]) {
			unsigned rows = 0, cols = 0;
			struct strbuf p = {0};
			char num[16];
			berr ignored = {0};
			sscanf(data, "%u %u", &rows, &cols);
			strbuf_adds(&p, r->o.resize_path);
			snprintf(num, sizeof(num), "%u", rows);
			remote_query(&p, "h", num);
			snprintf(num, sizeof(num), "%u", cols);
			remote_query(&p, "w", num);
			remote_json(r->client, "POST", p.s, NULL, NULL, &ignored);
			strbuf_free(&p);
		}
		if (len == 0)
			break;
	}
	return 0;
}

/* The exit frame from the wait's answer, when there is one. */
static void send_exit(struct relay *r)
{
	struct strbuf body = {0};
	berr err = {0};
	char code[24];

	if (!r->o.wait || remote_response_body(r->o.wait, &body, 65536, &err) < 0 || !body.len) {
		strbuf_free(&body);
		return;
	}
	json_t *j = json_loadb(body.s, body.len, 0, NULL);
	json_t *status = json_object_get(j, "StatusCode");
	/* an exit status is 0..255 (-1 when unknown); anything else is no status */
	json_int_t value = json_integer_value(status);
	if (json_is_integer(status) && value >= -1 && value <= 255) {
		int n = snprintf(code, sizeof(code), "%lld", (long long)value);
		send_frame(r->face, SHIM_STREAM_EXIT, code, (size_t)n);
	}
	json_decref(j);
	strbuf_free(&body);
}

static void *relay_thread(void *arg)
{
	struct relay *r = arg;
	unsigned char buf[65536];
	bool face_open = true;

	for (;;) {
		struct pollfd p[2] = {{.fd = remote_conn_fd(r->conn), .events = POLLIN},
				      {.fd = r->face, .events = POLLIN}};
		if (!remote_conn_pending(r->conn) && poll(p, face_open ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (remote_conn_pending(r->conn) || p[0].revents) {
			ssize_t n = remote_conn_read(r->conn, buf, sizeof(buf), 0);
			if (n < 0 && errno == ETIMEDOUT)
				continue;
			if (n <= 0) {
				send_exit(r);
				break;
			}
			if (from_daemon(r, buf, (size_t)n) < 0)
				break; /* the face left (a detach) */
		}
		if (face_open && p[1].revents && from_face(r) < 0) {
			/* the face hung up (a detach, or its end), or the
			 * daemon's stream ended while stdin was being sent */
			if (r->daemon_done)
				send_exit(r);
			break;
		}
	}
	remote_conn_close(r->conn);
	remote_response_free(r->o.wait);
	close(r->face);
	free(r);
	return NULL;
}

int remote_relay_start(struct remote_client *cl, struct remote_conn *conn,
		       struct remote_relay_options *o, int *face_fd, berr *err)
{
	struct relay *r = calloc(1, sizeof(*r));
	int pair[2];
	pthread_t thread;
	pthread_attr_t attr;

	if (!r || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) {
		free(r);
		remote_conn_close(conn);
		remote_response_free(o->wait);
		return berr_errno(err, errno ? errno : ENOMEM, "making the attach socket");
	}
	r->client = cl;
	r->conn = conn;
	r->face = pair[1];
	r->o = *o;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	if (pthread_create(&thread, &attr, relay_thread, r) != 0) {
		pthread_attr_destroy(&attr);
		close(pair[0]);
		close(pair[1]);
		remote_conn_close(conn);
		remote_response_free(o->wait);
		free(r);
		return berr_set(err, BERR_SYSTEM, "starting the attach relay");
	}
	pthread_attr_destroy(&attr);
	*face_fd = pair[0];
	return 0;
}
