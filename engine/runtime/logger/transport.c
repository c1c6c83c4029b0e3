/* One connection to a receiver: udp, tcp, tls (OpenSSL), unix stream or
 * datagram sockets, or the host's syslog socket. Dials time out after 3 s
 * (fluentd's and Go's defaults for a refused or silent peer). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "logger.h"
#include "engine/core/openssl_lazy.h"

#define DIAL_TIMEOUT_MS 3000

struct conn {
	const struct logger_spec *spec;
	int fd;
	bool datagram;
	SSL_CTX *ctx;
	SSL *ssl;
	const char *path; /* the socket in use (unix, unixgram, local) */
};

static const char *tls_error(void)
{
	static char buf[256];
	unsigned long e = openssl.ERR_get_error();
	if (!e)
		return "handshake failed";
	openssl.ERR_error_string_n(e, buf, sizeof(buf));
	return buf;
}

/* strerror as Go's syscall errors read: "connection refused". */
static const char *go_error(int e)
{
	static char buf[128];
	snprintf(buf, sizeof(buf), "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

struct conn *conn_new(const struct logger_spec *s, char *err, size_t errlen)
{
	struct conn *c = calloc(1, sizeof(*c));
	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->spec = s;
	c->fd = -1;
	c->datagram = s->transport == T_UDP || s->transport == T_UNIXGRAM;
	return c;
}

int conn_prepare(struct conn *c, char *err, size_t errlen)
{
	const struct logger_spec *s = c->spec;
	if (s->transport != T_TLS)
		return 0;
	char why[256];
	if (openssl_load(why, sizeof(why)) < 0) {
		snprintf(err, errlen, "tls: %s", why);
		return -1;
	}
	c->ctx = openssl.SSL_CTX_new(openssl.TLS_client_method());
	if (!c->ctx) {
		snprintf(err, errlen, "tls: %s", tls_error());
		return -1;
	}
	openssl.SSL_CTX_ctrl(c->ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
	openssl.SSL_CTX_set_default_verify_paths(c->ctx);
	const char *ca = logger_opt(s, "syslog-tls-ca-cert");
	const char *cert = logger_opt(s, "syslog-tls-cert");
	const char *key = logger_opt(s, "syslog-tls-key");
	if (ca && *ca && openssl.SSL_CTX_load_verify_locations(c->ctx, ca, NULL) != 1) {
		snprintf(err, errlen, "could not read CA certificate \"%s\": %s", ca, tls_error());
		return -1;
	}
	if (cert && *cert && openssl.SSL_CTX_use_certificate_chain_file(c->ctx, cert) != 1) {
		snprintf(err, errlen, "could not load X509 key pair: %s", tls_error());
		return -1;
	}
	if (key && *key && openssl.SSL_CTX_use_PrivateKey_file(c->ctx, key, SSL_FILETYPE_PEM) != 1) {
		snprintf(err, errlen, "could not load X509 key pair: %s", tls_error());
		return -1;
	}
	/* Docker: the option's presence skips verification, whatever its value */
	bool skip = logger_opt(s, "syslog-tls-skip-verify") != NULL;
	openssl.SSL_CTX_set_verify(c->ctx, skip ? SSL_VERIFY_NONE : SSL_VERIFY_PEER, NULL);
	return 0;
}

/* connect(2) within DIAL_TIMEOUT_MS. */
static int dial(int fd, const struct sockaddr *sa, socklen_t len)
{
	int flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	int rc = connect(fd, sa, len);
	if (rc < 0 && errno == EINPROGRESS) {
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		rc = poll(&p, 1, DIAL_TIMEOUT_MS);
		if (rc == 0) {
			errno = ETIMEDOUT;
			rc = -1;
		} else if (rc > 0) {
			getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
			errno = soerr;
			rc = soerr ? -1 : 0;
		}
	}
	int saved = errno;
	fcntl(fd, F_SETFL, flags);
	errno = saved;
	return rc;
}

static int open_unix(struct conn *c, const char *path, int type, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "dial unix %s: path too long", path);
		return -1;
	}
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
	if (fd < 0 || dial(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		snprintf(err, errlen, "dial %s %s: connect: %s",
			 type == SOCK_DGRAM ? "unixgram" : "unix", path, go_error(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	c->fd = fd;
	c->datagram = type == SOCK_DGRAM;
	c->path = path;
	return 0;
}

/* The host's syslog: unixgram then unix, at /dev/log, /var/run/syslog, /var/run/log. */
static int open_local_syslog(struct conn *c, char *err, size_t errlen)
{
	static const char *const paths[] = {"/dev/log", "/var/run/syslog", "/var/run/log"};
	for (size_t i = 0; i < 3; i++)
		for (int t = 0; t < 2; t++)
			if (open_unix(c, paths[i], t ? SOCK_STREAM : SOCK_DGRAM, err, errlen) == 0)
				return 0;
	snprintf(err, errlen, "Unix syslog delivery error");
	return -1;
}

static int open_inet(struct conn *c, char *err, size_t errlen)
{
	const struct logger_spec *s = c->spec;
	const char *proto = s->transport == T_UDP ? "udp" : "tcp";
	struct addrinfo hints = {.ai_socktype = s->transport == T_UDP ? SOCK_DGRAM : SOCK_STREAM},
			*res = NULL;
	char port[16], shown[300];
	snprintf(port, sizeof(port), "%d", s->port);
	snprintf(shown, sizeof(shown), strchr(s->host, ':') ? "[%s]:%d" : "%s:%d", s->host, s->port);
	int g = getaddrinfo(s->host, port, &hints, &res);
	if (g != 0) {
		snprintf(err, errlen, "dial %s %s: lookup %s: %s", proto, shown, s->host,
			 gai_strerror(g));
		return -1;
	}
	int saved = 0;
	for (struct addrinfo *ai = res; ai; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (dial(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
			c->fd = fd;
			break;
		}
		saved = errno;
		close(fd);
	}
	freeaddrinfo(res);
	if (c->fd < 0) {
		snprintf(err, errlen, "dial %s %s: connect: %s", proto, shown, go_error(saved));
		return -1;
	}
	if (s->transport != T_TLS)
		return 0;
	c->ssl = openssl.SSL_new(c->ctx);
	if (!c->ssl) {
		snprintf(err, errlen, "tls: %s", tls_error());
		conn_close(c);
		return -1;
	}
	openssl.SSL_set_fd(c->ssl, c->fd);
	openssl.SSL_ctrl(c->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, (void *)s->host);
	if (!logger_opt(s, "syslog-tls-skip-verify"))
		openssl.SSL_set1_host(c->ssl, s->host);
	/* the handshake, non-blocking, within the dial's time in all: a peer
	 * that trickles it is given up */
	fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
	int64_t deadline = now_ms() + DIAL_TIMEOUT_MS;
	int r;
	bool timed_out = false;
	while ((r = openssl.SSL_connect(c->ssl)) != 1) {
		int e = openssl.SSL_get_error(c->ssl, r);
		int64_t left = deadline - now_ms();
		struct pollfd pw = {.fd = c->fd, .events = e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN};
		if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE)
			break;
		if (left <= 0 || poll(&pw, 1, (int)left) <= 0) {
			timed_out = true;
			break;
		}
	}
	if (r != 1 && timed_out) {
		snprintf(err, errlen, "tls: handshake with %s timed out", shown);
		conn_close(c);
		return -1;
	}
	if (r != 1) {
		long verify = openssl.SSL_get_verify_result(c->ssl);
		if (verify != X509_V_OK)
			snprintf(err, errlen, "tls: failed to verify certificate: %s",
				 openssl.X509_verify_cert_error_string(verify));
		else
			snprintf(err, errlen, "tls: %s", tls_error());
		conn_close(c);
		return -1;
	}
	return 0;
}

int conn_open(struct conn *c, char *err, size_t errlen)
{
	const struct logger_spec *s = c->spec;
	conn_close(c);
	switch (s->transport) {
	case T_UNIX:
		return open_unix(c, s->path, SOCK_STREAM, err, errlen);
	case T_UNIXGRAM:
		return open_unix(c, s->path, SOCK_DGRAM, err, errlen);
	case T_LOCAL:
		return open_local_syslog(c, err, errlen);
	default:
		return open_inet(c, err, errlen);
	}
}

bool conn_is_open(const struct conn *c)
{
	return c->fd >= 0;
}

bool conn_is_datagram(const struct conn *c)
{
	return c->datagram;
}

static int send_memfd(struct conn *c, const char *p, size_t n)
{
	int fd = memfd_create("journal-entry", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -1;
	int rc = -1;
	size_t done = 0;
	while (done < n) {
		ssize_t w = write(fd, p + done, n - done);
		if (w <= 0)
			goto out;
		done += (size_t)w;
	}
	fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
	char ctl[CMSG_SPACE(sizeof(int))] = {0};
	struct msghdr m = {.msg_control = ctl, .msg_controllen = sizeof(ctl)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	rc = sendmsg(c->fd, &m, MSG_NOSIGNAL) < 0 ? -1 : 0;
out:
	close(fd);
	return rc;
}

int conn_send(struct conn *c, const void *data, size_t n)
{
	const char *p = data;
	if (c->fd < 0)
		return -1;
	if (c->datagram) {
		ssize_t w;
		for (;;) {
			w = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (w >= 0 || (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK))
				break;
			/* a receiver that stopped reading (a hung syslog or journal):
			 * wait while there is reason to */
			struct pollfd pw = {.fd = c->fd, .events = POLLOUT};
			if (errno != EINTR && poll(&pw, 1, 1000) == 0 && !logger_keep_waiting()) {
				conn_close(c);
				return -1;
			}
		}
		/* udp: a refusal reported by ICMP is the receiver's absence, not
		 * a reason to stall; the datagram is gone either way */
		if (w < 0 && c->spec->transport == T_UDP && errno == ECONNREFUSED)
			return 0;
		/* journald takes an entry too big for a datagram as a sealed memfd */
		if (w < 0 && (errno == EMSGSIZE || errno == ENOBUFS) &&
		    strcmp(c->spec->driver, "journald") == 0)
			return send_memfd(c, p, n);
		if (w < 0) {
			conn_close(c);
			return -1;
		}
		return 0;
	}
	/* a peer that closed (a receiver restarting) takes a first write
	 * without a word and drops it: look before writing */
	struct pollfd hup = {.fd = c->fd, .events = POLLIN | POLLRDHUP};
	if (poll(&hup, 1, 0) > 0 && (hup.revents & (POLLRDHUP | POLLHUP | POLLERR))) {
		conn_close(c);
		return -1;
	}
	while (n) {
		int w;
		if (c->ssl) {
			w = openssl.SSL_write(c->ssl, p, (int)(n > (1u << 30) ? 1u << 30 : n));
			if (w <= 0) {
				int e = openssl.SSL_get_error(c->ssl, w);
				struct pollfd pw = {.fd = c->fd,
						    .events = e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT};
				if ((e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) &&
				    (poll(&pw, 1, 1000) > 0 || logger_keep_waiting()))
					continue; /* the same bytes again, as OpenSSL asks */
				conn_close(c);
				return -1;
			}
		} else {
			ssize_t sw = send(c->fd, p, n, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (sw < 0 && errno == EINTR)
				continue;
			if (sw < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
				/* a receiver that does not read: wait while there is
				 * reason to (the container still runs, or the linger) */
				struct pollfd pw = {.fd = c->fd, .events = POLLOUT};
				if (poll(&pw, 1, 1000) == 0 && !logger_keep_waiting()) {
					conn_close(c);
					return -1;
				}
				continue;
			}
			if (sw <= 0) {
				conn_close(c);
				return -1;
			}
			w = (int)sw;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int conn_recv(struct conn *c, void *buf, size_t n, int timeout_ms)
{
	struct pollfd p = {.fd = c->fd, .events = POLLIN};
	if (c->fd < 0)
		return -1;
	if (!(c->ssl && openssl.SSL_pending(c->ssl)) && poll(&p, 1, timeout_ms) <= 0)
		return -1;
	int r = c->ssl ? openssl.SSL_read(c->ssl, buf, (int)n) : (int)recv(c->fd, buf, n, 0);
	return r > 0 ? r : -1;
}

void conn_close(struct conn *c)
{
	if (c->ssl) {
		openssl.SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
