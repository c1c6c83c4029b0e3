/* Connections to a daemon (conn.h). */
#include "engine/remote/conn.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/openssl_lazy.h"
#include "engine/remote/files.h"

extern char **environ;

struct remote_conn {
	int fd;
	SSL *ssl;
	pid_t ssh;      /* the ssh process behind fd, or 0 */
	int ssh_stderr; /* its standard error, drained by a thread while it runs */
	pthread_t ssh_drain;
	bool draining;
	atomic_bool drain_stop, drain_done;
	pthread_mutex_t said_lock;
	char ssh_said[512]; /* the last of what ssh wrote to its standard error */
	size_t said_len;
	char tls_said[256]; /* the TLS layer's reason for the last failure */
	char *buf; /* bytes given back by remote_conn_unread */
	size_t off, len;
};

/* Seconds a connection may take to be made (the docker CLI's dial timeout). */
#define CONNECT_TIMEOUT_MS 30000

static int connect_unix(const char *path, berr *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return berr_set(err, BERR_INVALID, "unix socket path too long: %s", path);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return berr_errno(err, errno, "socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		close(fd);
		char text[128];
		return berr_set(err, BERR_SYSTEM, "dial unix %s: connect: %s", path,
				remote_errno_text(e, text, sizeof(text)));
	}
	return fd;
}

/* Connects within the deadline, trying each address the name has. */
static int connect_tcp(const char *hostport, berr *err)
{
	char host[256], port[16];
	const char *colon = strrchr(hostport, ':');
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	int fd = -1, e = ECONNREFUSED;

	if (!colon || (size_t)(colon - hostport) >= sizeof(host) || strlen(colon + 1) >= sizeof(port))
		return berr_set(err, BERR_INVALID, "invalid address %s", hostport);
	snprintf(host, sizeof(host), "%.*s", (int)(colon - hostport), hostport);
	snprintf(port, sizeof(port), "%s", colon + 1);
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host));
		host[strlen(host) - 1] = '\0';
	}
	int gai = getaddrinfo(host, port, &hints, &res);
	if (gai != 0)
		return berr_set(err, BERR_SYSTEM, "dial tcp: lookup %s: %s", host, gai_strerror(gai));
	for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0 && errno != EINPROGRESS) {
			e = errno;
			close(fd);
			fd = -1;
			continue;
		}
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		socklen_t len = sizeof(e);
		e = ETIMEDOUT;
		if (poll(&p, 1, CONNECT_TIMEOUT_MS) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0 || e != 0) {
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	if (fd < 0) {
		char text[128];
		return berr_set(err, BERR_SYSTEM, "dial tcp %s: connect: %s", hostport,
				remote_errno_text(e, text, sizeof(text)));
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

/* Reads ssh's standard error as it comes, keeping its last bytes: a
 * chatty ssh must never block on a full pipe, and its last words are the
 * reason a connection failed. */
static void *drain_ssh_stderr(void *arg)
{
	struct remote_conn *c = arg;
	char buf[1024];

	while (!atomic_load(&c->drain_stop)) {
		struct pollfd p = {.fd = c->ssh_stderr, .events = POLLIN};
		if (poll(&p, 1, 100) <= 0)
			continue;
		ssize_t n = read(c->ssh_stderr, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		pthread_mutex_lock(&c->said_lock);
		size_t keep = sizeof(c->ssh_said) - 1;
		if ((size_t)n >= keep) {
			memcpy(c->ssh_said, buf + n - keep, keep);
			c->said_len = keep;
		} else {
			if (c->said_len + (size_t)n > keep) {
				size_t drop = c->said_len + (size_t)n - keep;
				memmove(c->ssh_said, c->ssh_said + drop, c->said_len - drop);
				c->said_len -= drop;
			}
			memcpy(c->ssh_said + c->said_len, buf, (size_t)n);
			c->said_len += (size_t)n;
		}
		c->ssh_said[c->said_len] = '\0';
		pthread_mutex_unlock(&c->said_lock);
	}
	atomic_store(&c->drain_done, true);
	return NULL;
}

/* ssh://[user@]host[:port]: ssh runs dial-stdio there, berth's when the
 * other host has berth, the docker CLI's otherwise, as `docker -H ssh://`
 * does. ssh's own input and output are one end of a socketpair. */
static int connect_ssh(struct remote_conn *c, const char *target, berr *err)
{
	char user[128] = "", host[256], port[16] = "", hostport[300], command[1400];
	const char *path = strchr(target, '/');
	size_t before_path = path ? (size_t)(path - target) : strlen(target);
	const char *at = memrchr(target, '@', before_path), *hp = at ? at + 1 : target;
	int sv[2], errpipe[2];

	if (at && (size_t)(at - target) >= sizeof(user))
		return berr_set(err, BERR_INVALID, "ssh: the user name is too long");
	if (at)
		snprintf(user, sizeof(user), "%.*s", (int)(at - target), target);
	/* a user name goes to ssh, and through its config's %r to a shell:
	 * only the characters user names have */
	if (strspn(user, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
	    strlen(user))
		return berr_set(err, BERR_INVALID, "ssh: invalid user name in %s", target);
	/* ssh://host/path names the daemon's socket there (docker 28's rule) */
	snprintf(hostport, sizeof(hostport), "%.*s", path ? (int)(path - hp) : (int)strlen(hp), hp);
	const char *close_bracket = strchr(hostport, ']');
	const char *colon = strrchr(close_bracket ? close_bracket : hostport, ':');
	size_t host_len = colon ? (size_t)(colon - hostport) : strlen(hostport);
	if (colon)
		snprintf(port, sizeof(port), "%s", colon + 1);
	/* [::1]: the address without its brackets */
	if (hostport[0] == '[' && close_bracket)
		snprintf(host, sizeof(host), "%.*s", (int)(close_bracket - hostport - 1), hostport + 1);
	else
		snprintf(host, sizeof(host), "%.*s", (int)host_len, hostport);
	/* a host name or an address: never an option of ssh's */
	if (!host[0] || host[0] == '-' ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:%") !=
		    strlen(host) ||
	    strspn(port, "0123456789") != strlen(port))
		return berr_set(err, BERR_INVALID, "ssh: invalid host in ssh://%s", target);
	/* the path is quoted for the far shell: only what a socket path may hold */
	if (path && strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-") !=
			    strlen(path))
		return berr_set(err, BERR_INVALID, "ssh: the socket path %s has characters berth will not "
				"pass to a shell", path);
	char host_flag[1100] = "";
	if (path)
		snprintf(host_flag, sizeof(host_flag), "--host unix://%s ", path);
	snprintf(command, sizeof(command),
		 "if command -v berth >/dev/null 2>&1; then exec berth %ssystem dial-stdio; "
		 "else exec docker %ssystem dial-stdio; fi",
		 host_flag, host_flag);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return berr_errno(err, errno, "socketpair");
	if (pipe2(errpipe, O_CLOEXEC) < 0) {
		close(sv[0]);
		close(sv[1]);
		return berr_errno(err, errno, "pipe");
	}
	const char *argv[16];
	int n = 0;
	argv[n++] = "ssh";
	argv[n++] = "-T";
	argv[n++] = "-o";
	argv[n++] = "ConnectTimeout=30";
	if (*user) {
		argv[n++] = "-l";
		argv[n++] = user;
	}
	if (*port) {
		argv[n++] = "-p";
		argv[n++] = port;
	}
	argv[n++] = "--";
	argv[n++] = host;
	argv[n++] = command;
	argv[n] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, sv[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, errpipe[1], STDERR_FILENO);
	posix_spawnattr_init(&attr);
	/* its own process group: a Ctrl-C on berth's terminal is berth's to
	 * handle, not a reason for ssh to drop the stream under it */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
						POSIX_SPAWN_SETPGROUP);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setpgroup(&attr, 0);
	int rc = posix_spawnp(&c->ssh, "ssh", &fa, &attr, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(sv[1]);
	close(errpipe[1]);
	if (rc != 0) {
		close(sv[0]);
		close(errpipe[0]);
		c->ssh = 0;
		return berr_set(err, BERR_SYSTEM, "cannot run ssh: %s", strerror(rc));
	}
	c->ssh_stderr = errpipe[0];
	if (pthread_create(&c->ssh_drain, NULL, drain_ssh_stderr, c) == 0)
		c->draining = true;
	return sv[0];
}

int remote_tls_context(const struct remote_target *target, void **out, berr *err)
{
	char why[256];
	SSL_CTX *ctx;

	*out = NULL;
	if (!target->tls || strncmp(target->host, "tcp://", 6) != 0)
		return 0;
	if (openssl_load(why, sizeof(why)) < 0)
		return berr_set(err, BERR_SYSTEM, "TLS: %s", why);
	ctx = openssl.SSL_CTX_new(openssl.TLS_client_method());
	if (!ctx)
		return berr_set(err, BERR_SYSTEM, "TLS: cannot make a context");
	openssl.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
	if (target->ca[0] ? openssl.SSL_CTX_load_verify_locations(ctx, target->ca, NULL) != 1
			  : openssl.SSL_CTX_set_default_verify_paths(ctx) != 1) {
		openssl_last_error(why, sizeof(why), errno);
		openssl.SSL_CTX_free(ctx);
		return berr_set(err, BERR_INVALID, "could not read CA certificate \"%s\": %s",
				target->ca, why);
	}
	if (target->cert[0] || target->key[0]) {
		if (openssl.SSL_CTX_use_certificate_chain_file(ctx, target->cert) != 1 ||
		    openssl.SSL_CTX_use_PrivateKey_file(ctx, target->key, SSL_FILETYPE_PEM) != 1 ||
		    openssl.SSL_CTX_check_private_key(ctx) != 1) {
			openssl_last_error(why, sizeof(why), errno);
			openssl.SSL_CTX_free(ctx);
			return berr_set(err, BERR_INVALID,
					"could not load X509 key pair (%s, %s): %s", target->cert,
					target->key, why);
		}
	}
	openssl.SSL_CTX_set_verify(ctx, target->tls_verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
				   NULL);
	*out = ctx;
	return 0;
}

void remote_tls_context_free(void *ctx)
{
	if (ctx)
		openssl.SSL_CTX_free(ctx);
}

/* The TLS handshake on a connected socket, the daemon's name checked. */
static int tls_connect(struct remote_conn *c, void *ctx, const char *hostport, bool verify,
		       berr *err)
{
	char host[256], why[256];
	const char *colon = strrchr(hostport, ':');

	snprintf(host, sizeof(host), "%.*s", colon ? (int)(colon - hostport) : (int)strlen(hostport),
		 hostport);
	c->ssl = openssl.SSL_new(ctx);
	if (!c->ssl)
		return berr_set(err, BERR_SYSTEM, "TLS: out of memory");
	openssl.SSL_set_fd(c->ssl, c->fd);
	openssl.SSL_ctrl(c->ssl, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, host);
	if (verify)
		openssl.SSL_set1_host(c->ssl, host);
	if (openssl.SSL_connect(c->ssl) == 1)
		return 0;
	long verified = openssl.SSL_get_verify_result(c->ssl);
	if (verified != X509_V_OK)
		snprintf(why, sizeof(why), "tls: failed to verify certificate: %s",
			 openssl.X509_verify_cert_error_string(verified));
	else
		openssl_last_error(why, sizeof(why), errno);
	return berr_set(err, BERR_SYSTEM, "error during connect: %s", why);
}

void remote_dial_failed(const char *host, berr *err)
{
	char why[sizeof(err->msg)];

	if (strncmp(err->msg, "Cannot connect to ", 18) == 0)
		return;
	snprintf(why, sizeof(why), "%s", err->msg);
	berr_set(err, BERR_SYSTEM,
		 "Cannot connect to the Docker daemon at %s. Is the docker daemon running? (%s)", host,
		 why);
}

int remote_conn_open(const struct remote_target *target, void *tls_ctx, struct remote_conn **out,
		     berr *err)
{
	struct remote_conn *c = calloc(1, sizeof(*c));
	const char *host = target->host;

	if (!c)
		return berr_errno(err, ENOMEM, "connecting");
	c->fd = -1;
	c->ssh_stderr = -1;
	pthread_mutex_init(&c->said_lock, NULL);
	if (strncmp(host, "unix://", 7) == 0)
		c->fd = connect_unix(host + 7, err);
	else if (strncmp(host, "tcp://", 6) == 0)
		c->fd = connect_tcp(host + 6, err);
	else if (strncmp(host, "ssh://", 6) == 0)
		c->fd = connect_ssh(c, host + 6, err);
	else
		berr_set(err, BERR_INVALID, "unsupported protocol scheme in %s", host);
	if (c->fd >= 0 && tls_ctx && tls_connect(c, tls_ctx, host + 6, target->tls_verify, err) < 0) {
		remote_conn_close(c);
		return -1;
	}
	if (c->fd < 0) {
		/* a daemon that is not there, at any dial (a console's retry, a
		 * stream's), is said as the docker CLI says it */
		if (err && err->kind == BERR_SYSTEM)
			remote_dial_failed(host, err);
		remote_conn_close(c);
		return -1;
	}
	*out = c;
	return 0;
}

void remote_conn_close(struct remote_conn *c)
{
	if (!c)
		return;
	if (c->ssl) {
		openssl.SSL_shutdown(c->ssl);
		openssl.SSL_free(c->ssl);
	}
	if (c->fd >= 0)
		close(c->fd);
	if (c->ssh > 0) {
		/* ssh ends when its input does; a stuck one is not waited for */
		int status;
		for (int i = 0; i < 50 && waitpid(c->ssh, &status, WNOHANG) == 0; i++)
			usleep(2000);
		if (waitpid(c->ssh, &status, WNOHANG) == 0) {
			kill(c->ssh, SIGTERM);
			waitpid(c->ssh, &status, 0);
		}
	}
	if (c->draining) {
		atomic_store(&c->drain_stop, true);
		pthread_join(c->ssh_drain, NULL);
	}
	if (c->ssh_stderr >= 0)
		close(c->ssh_stderr);
	pthread_mutex_destroy(&c->said_lock);
	free(c->buf);
	free(c);
}

int remote_conn_fd(struct remote_conn *c)
{
	return c->fd;
}

bool remote_conn_pending(struct remote_conn *c)
{
	return c->len > c->off || (c->ssl && openssl.SSL_pending(c->ssl) > 0);
}

void remote_conn_unread(struct remote_conn *c, const void *buf, size_t len)
{
	size_t left = c->len - c->off;
	char *joined;

	if (!len)
		return;
	joined = malloc(len + left);
	if (!joined)
		abort();
	memcpy(joined, buf, len);
	if (left)
		memcpy(joined + len, c->buf + c->off, left);
	free(c->buf);
	c->buf = joined;
	c->off = 0;
	c->len = len + left;
}

ssize_t remote_conn_read(struct remote_conn *c, void *buf, size_t len, int timeout_ms)
{
	if (c->len > c->off) {
		size_t n = c->len - c->off < len ? c->len - c->off : len;
		memcpy(buf, c->buf + c->off, n);
		c->off += n;
		return (ssize_t)n;
	}
	if (!remote_conn_pending(c) && timeout_ms >= 0) {
		struct pollfd p = {.fd = c->fd, .events = POLLIN};
		int r;
		while ((r = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
			;
		if (r == 0) {
			errno = ETIMEDOUT;
			return -1;
		}
	}
	for (;;) {
		ssize_t n;
		if (c->ssl) {
			errno = 0;
			int r = openssl.SSL_read(c->ssl, buf, len > 1 << 30 ? 1 << 30 : (int)len);
			if (r > 0)
				return r;
			int e = openssl.SSL_get_error(c->ssl, r);
			if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && errno == 0))
				return 0;
			int saved = errno ? errno : EPROTO;
			openssl_last_error(c->tls_said, sizeof(c->tls_said), saved);
			errno = saved;
			return -1;
		}
		n = read(c->fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		return n;
	}
}

int remote_conn_write_all(struct remote_conn *c, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n;
		if (c->ssl) {
			int r = openssl.SSL_write(c->ssl, p, len > 1 << 30 ? 1 << 30 : (int)len);
			n = r > 0 ? r : -1;
			if (n < 0 && !errno)
				errno = EPIPE;
		} else {
			n = send(c->fd, p, len, MSG_NOSIGNAL);
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void remote_conn_close_write(struct remote_conn *c)
{
	if (c->ssl)
		openssl.SSL_shutdown(c->ssl); /* close_notify: the end of input */
	shutdown(c->fd, SHUT_WR);
}

const char *remote_conn_error(struct remote_conn *c, int errnum)
{
	static __thread char text[128];

	if (c->tls_said[0])
		return c->tls_said;
	return remote_errno_text(errnum, text, sizeof(text));
}

const char *remote_conn_stderr(struct remote_conn *c)
{
	static __thread char text[512];

	if (!c->draining)
		return "";
	/* ssh has said its piece once it closed our stream; give it a moment */
	for (int i = 0; i < 40 && !atomic_load(&c->drain_done); i++)
		nanosleep(&(struct timespec){0, 50 * 1000000L}, NULL);
	pthread_mutex_lock(&c->said_lock);
	snprintf(text, sizeof(text), "%s", c->ssh_said);
	pthread_mutex_unlock(&c->said_lock);
	size_t len = strlen(text);
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		text[--len] = '\0';
	for (char *p = text; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return text;
}
