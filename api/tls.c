/* TLS for the API's tcp:// endpoints (tls.h). OpenSSL is loaded when such
 * an endpoint is made (engine/core/openssl_lazy.h). */
#include "api/tls.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

#include "engine/core/openssl_lazy.h"

static int load(berr *err)
{
	char why[256];

	if (openssl_load(why, sizeof(why)) < 0)
		return berr_set(err, BERR_SYSTEM, "TLS: %s", why);
	return 0;
}

static void last_error(char *buf, size_t len)
{
	openssl_last_error(buf, len, errno);
}

int api_tls_server_new(const struct api_tls_files *files, void **out, berr *err)
{
	char why[256];
	void *ctx;

	*out = NULL;
	if (load(err) < 0)
		return -1;
	ctx = openssl.SSL_CTX_new(openssl.TLS_server_method());
	if (!ctx)
		return berr_set(err, BERR_SYSTEM, "TLS: cannot make a context");
	openssl.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
	if (openssl.SSL_CTX_use_certificate_chain_file(ctx, files->cert) != 1) {
		last_error(why, sizeof(why));
		return berr_set(err, BERR_INVALID, "TLS: cannot use the certificate %s: %s",
				files->cert, why);
	}
	if (openssl.SSL_CTX_use_PrivateKey_file(ctx, files->key, 1 /* PEM */) != 1 ||
	    openssl.SSL_CTX_check_private_key(ctx) != 1) {
		last_error(why, sizeof(why));
		return berr_set(err, BERR_INVALID, "TLS: cannot use the key %s: %s", files->key, why);
	}
	if (files->verify_clients) {
		if (openssl.SSL_CTX_load_verify_locations(ctx, files->ca, NULL) != 1) {
			last_error(why, sizeof(why));
			return berr_set(err, BERR_INVALID, "TLS: cannot use the CA %s: %s", files->ca,
					why);
		}
		/* only clients with a certificate of this CA get through */
		openssl.SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	}
	*out = ctx;
	return 0;
}

/* Bounds every blocking read and write of a TLS connection. */
static void socket_deadlines(int fd, int timeout_ms)
{
	struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

void *api_tls_accept(void *server, int fd, int timeout_ms, char *why, size_t whylen)
{
	void *ssl = openssl.SSL_new(server);

	if (!ssl) {
		snprintf(why, whylen, "TLS: out of memory");
		return NULL;
	}
	/* The whole handshake within the deadline, not each read: a client
	 * trickling its hello a byte at a time must not hold the thread. */
	int flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	openssl.SSL_set_fd(ssl, fd);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long deadline = now.tv_sec * 1000LL + now.tv_nsec / 1000000 + timeout_ms;
	for (;;) {
		int r = openssl.SSL_accept(ssl);
		if (r == 1)
			break;
		int e = openssl.SSL_get_error(ssl, r);
		clock_gettime(CLOCK_MONOTONIC, &now);
		long long left = deadline - (now.tv_sec * 1000LL + now.tv_nsec / 1000000);
		struct pollfd p = {.fd = fd, .events = e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN};
		if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || left <= 0 ||
		    poll(&p, 1, (int)left) <= 0) {
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
				snprintf(why, whylen, "TLS handshake took too long");
			else
				last_error(why, whylen);
			openssl.SSL_free(ssl);
			fcntl(fd, F_SETFL, flags);
			return NULL;
		}
	}
	fcntl(fd, F_SETFL, flags);
	socket_deadlines(fd, timeout_ms);
	return ssl;
}

void api_tls_set_deadline(int fd, int timeout_ms)
{
	socket_deadlines(fd, timeout_ms);
}

ssize_t api_tls_read(void *ssl, void *buf, size_t len)
{
	errno = 0;
	int n = openssl.SSL_read(ssl, buf, len > 1 << 30 ? 1 << 30 : (int)len);

	if (n > 0)
		return n;
	int e = openssl.SSL_get_error(ssl, n);
	if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && errno == 0))
		return 0; /* closed, with or without a close_notify */
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		errno = EAGAIN;
	else if (!errno)
		errno = EPROTO;
	return -1;
}

ssize_t api_tls_write(void *ssl, const void *buf, size_t len)
{
	int n = openssl.SSL_write(ssl, buf, len > 1 << 30 ? 1 << 30 : (int)len);

	if (n > 0)
		return n;
	if (!errno)
		errno = EPIPE;
	return -1;
}

bool api_tls_buffered(void *ssl)
{
	return openssl.SSL_pending(ssl) > 0;
}

void api_tls_close(void *ssl)
{
	if (!ssl)
		return;
	openssl.SSL_shutdown(ssl);
	openssl.SSL_free(ssl);
}
