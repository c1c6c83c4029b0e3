/* A hijacked connection relayed to a container's monitor (relay.h). */
#include "api/relay.h"
#include "engine/core/fd_io.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine/core/detach_keys.h"
#include "engine/runtime/shim_protocol.h"

/* One relay's state: both directions run on one thread. */
struct relay {
	const struct relay_options *o;
	struct http_conn *c;
	char *buf;        /* the last output frame */
	size_t cap;
	int *exit_code;
	int output_rc;    /* forward_output's last answer while stdin was being sent */
};

static int forward_output(struct relay *r);

/* The monitor's next output frame to the client, while stdin waits for
 * room (fd_send_draining's drain). */
static int drain_output(void *user)
{
	struct relay *r = user;

	r->output_rc = forward_output(r);
	return r->output_rc != 0 ? -1 : 0;
}

/* The client's bytes to the container's stdin, as one frame (whole: the
 * lock keeps a resize's frame from another thread out of its middle). */
static int send_stdin(struct relay *r, const void *data, size_t len)
{
	unsigned char h[SHIM_FRAME_HEADER] = {SHIM_STREAM_STDIN, 0, 0, 0, (unsigned char)(len >> 24),
					      (unsigned char)(len >> 16), (unsigned char)(len >> 8),
					      (unsigned char)len};
	pthread_mutex_t *lock = r->o->write_lock;
	int rc;

	if (lock)
		pthread_mutex_lock(lock);
	rc = fd_send_draining(r->o->shim_fd, h, sizeof(h), drain_output, r);
	if (rc == 0 && len)
		rc = fd_send_draining(r->o->shim_fd, data, len, drain_output, r);
	if (lock)
		pthread_mutex_unlock(lock);
	return rc;
}

/* One frame from the monitor to the client: raw with a tty, Docker's
 * multiplexed framing (the monitor's own) without. Returns 1 at the exit
 * frame, 0 to go on, -1 when either side is gone. */
static int forward_output(struct relay *r)
{
	const struct relay_options *o = r->o;
	struct http_conn *c = r->c;
	char **buf = &r->buf;
	size_t *cap = &r->cap;
	int *exit_code = r->exit_code;
	unsigned char h[SHIM_FRAME_HEADER];
	size_t len;

	if (fd_read_full(o->shim_fd, h, sizeof(h)) < 0)
		return -1;
	len = (size_t)h[4] << 24 | (size_t)h[5] << 16 | (size_t)h[6] << 8 | h[7];
	if (len + 1 > *cap) {
		char *grown = realloc(*buf, len + 1);
		if (!grown)
			return -1;
		*buf = grown;
		*cap = len + 1;
	}
	if (fd_read_full(o->shim_fd, *buf, len) < 0)
		return -1;
	(*buf)[len] = '\0';
	if (h[0] == SHIM_STREAM_EXIT) {
		*exit_code = atoi(*buf);
		return 1;
	}
	if ((h[0] == SHIM_STREAM_STDOUT && !o->want_stdout) ||
	    (h[0] == SHIM_STREAM_STDERR && !o->want_stderr) || len == 0)
		return 0;
	if (!o->tty && http_write_all(c, h, sizeof(h)) < 0)
		return -1;
	return http_write_all(c, *buf, len) < 0 ? -1 : 0;
}

/* Input with the detach sequence held back; true once it is complete. */
static bool forward_input(struct relay *r, const unsigned char *in, size_t n,
			  const unsigned char *keys, size_t nkeys, size_t *matched, bool *failed)
{
	bool detached;

	if (!nkeys) {
		*failed = send_stdin(r, in, n) < 0;
		return false;
	}
	unsigned char *pass = malloc(n + nkeys);
	if (!pass) {
		*failed = true;
		return false;
	}
	size_t len = detach_keys_filter(keys, nkeys, matched, in, n, pass, &detached);
	if (len && send_stdin(r, pass, len) < 0)
		*failed = true;
	free(pass);
	return detached;
}

int api_relay(struct http_conn *c, const struct relay_options *o, int *exit_code)
{
	unsigned char keys[16], in[16384];
	size_t nkeys = 0, matched = 0;
	bool stdin_open = o->attach_stdin, failed = false;
	struct relay r = {.o = o, .c = c, .exit_code = exit_code};
	int rc = 0;

	*exit_code = -1;
	if (o->tty && o->attach_stdin)
		nkeys = detach_keys_parse(o->detach_keys ? o->detach_keys : "ctrl-p,ctrl-q", keys,
					  sizeof(keys));
	/* what the client sent right after its request */
	if (stdin_open && c->in_off < c->in_len) {
		bool detached = forward_input(&r, (unsigned char *)c->in + c->in_off,
					      c->in_len - c->in_off, keys, nkeys, &matched, &failed);
		c->in_off = c->in_len;
		if (detached)
			goto out;
	}
	while (!failed) {
		struct pollfd p[2] = {{.fd = o->shim_fd, .events = POLLIN},
				      {.fd = c->fd, .events = stdin_open ? POLLIN : 0}};
		bool buffered = stdin_open && http_conn_buffered(c);
		if (poll(p, 2, buffered ? 0 : -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents) {
			rc = forward_output(&r);
			if (rc != 0)
				break;
		}
		if (p[1].revents & (POLLERR | POLLNVAL))
			break;
		if (buffered)
			p[1].revents |= POLLIN;
		if (p[1].revents & (POLLIN | POLLHUP)) {
			if (!stdin_open) {
				/* the client hung up while only reading: nobody listens */
				if (p[1].revents & POLLHUP)
					break;
				continue;
			}
			ssize_t n = http_conn_read(c, in, sizeof(in));
			if (n < 0 && (errno == EINTR || errno == EAGAIN))
				continue;
			if (n <= 0) {
				/* the client closed its writing half: stdin ends,
				 * unless a terminal holds it (Docker keeps a tty's
				 * stdin open: the docker CLI closes its half when the
				 * user detaches) */
				/* (a monitor that no longer reads stdin has more to say:
				 * only an exit frame met meanwhile ends the relay) */
				if (!o->tty && send_stdin(&r, NULL, 0) < 0 && r.output_rc != 0)
					failed = true;
				stdin_open = false;
				if (n < 0)
					break;
				continue;
			}
			if (forward_input(&r, in, (size_t)n, keys, nkeys, &matched, &failed))
				break;
		}
	}
out:
	/* an exit frame (or a broken client) met while stdin was being sent */
	if (failed && r.output_rc != 0)
		rc = r.output_rc;
	free(r.buf);
	return rc < 0 ? -1 : 0;
}
