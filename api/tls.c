/* TLS for the API's tcp:// endpoints (tls.h). OpenSSL is loaded when such
 * an endpoint is made: linked in, it would cost every berth command its
 * loading and relocations. */
#include "api/tls.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>

/* The few OpenSSL calls a server makes, by their C signatures. */
#define SSL_VERIFY_PEER 0x01
#define SSL_VERIFY_FAIL_IF_NO_PEER_CERT 0x02
#define SSL_CTRL_SET_MIN_PROTO_VERSION 123
#define TLS1_2_VERSION 0x0303
#define SSL_ERROR_WANT_READ 2
#define SSL_ERROR_WANT_WRITE 3
#define SSL_ERROR_SYSCALL 5
#define SSL_ERROR_ZERO_RETURN 6

static struct {
	bool loaded;
	const void *(*TLS_server_method)(void);
	void *(*SSL_CTX_new)(const void *method);
	long (*SSL_CTX_ctrl)(void *ctx, int cmd, long larg, void *parg);
	int (*SSL_CTX_use_certificate_chain_file)(void *ctx, const char *file);
	int (*SSL_CTX_use_PrivateKey_file)(void *ctx, const char *file, int type);
	int (*SSL_CTX_check_private_key)(const void *ctx);
	int (*SSL_CTX_load_verify_locations)(void *ctx, const char *file, const char *path);
	void (*SSL_CTX_set_verify)(void *ctx, int mode, void *callback);
	void *(*SSL_new)(void *ctx);
	int (*SSL_set_fd)(void *ssl, int fd);
	int (*SSL_accept)(void *ssl);
	int (*SSL_read)(void *ssl, void *buf, int num);
	int (*SSL_write)(void *ssl, const void *buf, int num);
	int (*SSL_pending)(const void *ssl);
	int (*SSL_get_error)(const void *ssl, int ret);
	int (*SSL_shutdown)(void *ssl);
	void (*SSL_free)(void *ssl);
	unsigned long (*ERR_get_error)(void);
	void (*ERR_error_string_n)(unsigned long e, char *buf, size_t len);
} ossl;

static int load(berr *err)
{
	static const char *const libs[] = {"libssl.so.3", "libssl.so"};
	void *h = NULL;

	if (ossl.loaded)
		return 0;
	for (size_t i = 0; !h && i < sizeof(libs) / sizeof(libs[0]); i++)
		h = dlopen(libs[i], RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return berr_set(err, BERR_SYSTEM, "TLS: cannot load OpenSSL (libssl.so.3): %s",
				dlerror());
#define LOAD(name)                                                                        \
	do {                                                                              \
		*(void **)&ossl.name = dlsym(h, #name);                                   \
		if (!ossl.name)                                                           \
			return berr_set(err, BERR_SYSTEM, "TLS: OpenSSL has no %s", #name); \
	} while (0)
	LOAD(TLS_server_method);
	LOAD(SSL_CTX_new);
	LOAD(SSL_CTX_ctrl);
	LOAD(SSL_CTX_use_certificate_chain_file);
	LOAD(SSL_CTX_use_PrivateKey_file);
	LOAD(SSL_CTX_check_private_key);
	LOAD(SSL_CTX_load_verify_locations);
	LOAD(SSL_CTX_set_verify);
	LOAD(SSL_new);
	LOAD(SSL_set_fd);
	LOAD(SSL_accept);
	LOAD(SSL_read);
	LOAD(SSL_write);
	LOAD(SSL_pending);
	LOAD(SSL_get_error);
	LOAD(SSL_shutdown);
	LOAD(SSL_free);
	LOAD(ERR_get_error);
	LOAD(ERR_error_string_n);
#undef LOAD
	ossl.loaded = true;
	return 0;
}

static void last_error(char *buf, size_t len)
{
	unsigned long e = ossl.ERR_get_error();

	if (e)
		ossl.ERR_error_string_n(e, buf, len);
	else
		snprintf(buf, len, "%s", errno ? strerror(errno) : "connection closed");
}

int api_tls_server_new(const struct api_tls_files *files, void **out, berr *err)
{
	char why[256];
	void *ctx;

	*out = NULL;
	if (load(err) < 0)
		return -1;
	ctx = ossl.SSL_CTX_new(ossl.TLS_server_method());
	if (!ctx)
		return berr_set(err, BERR_SYSTEM, "TLS: cannot make a context");
	ossl.SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, NULL);
	if (ossl.SSL_CTX_use_certificate_chain_file(ctx, files->cert) != 1) {
		last_error(why, sizeof(why));
		return berr_set(err, BERR_INVALID, "TLS: cannot use the certificate %s: %s",
				files->cert, why);
	}
	if (ossl.SSL_CTX_use_PrivateKey_file(ctx, files->key, 1 /* PEM */) != 1 ||
	    ossl.SSL_CTX_check_private_key(ctx) != 1) {
		last_error(why, sizeof(why));
		return berr_set(err, BERR_INVALID, "TLS: cannot use the key %s: %s", files->key, why);
	}
	if (files->verify_clients) {
		if (ossl.SSL_CTX_load_verify_locations(ctx, files->ca, NULL) != 1) {
			last_error(why, sizeof(why));
			return berr_set(err, BERR_INVALID, "TLS: cannot use the CA %s: %s", files->ca,
					why);
		}
		/* only clients with a certificate of this CA get through */
		ossl.SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
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
	void *ssl = ossl.SSL_new(server);

	if (!ssl) {
		snprintf(why, whylen, "TLS: out of memory");
		return NULL;
	}
	/* The whole handshake within the deadline, not each read: a client
	 * trickling its hello a byte at a time must not hold the thread. */
	int flags = fcntl(fd, F_GETFL);
	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	ossl.SSL_set_fd(ssl, fd);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long deadline = now.tv_sec * 1000LL + now.tv_nsec / 1000000 + timeout_ms;
	for (;;) {
		int r = ossl.SSL_accept(ssl);
		if (r == 1)
			break;
		int e = ossl.SSL_get_error(ssl, r);
		clock_gettime(CLOCK_MONOTONIC, &now);
		long long left = deadline - (now.tv_sec * 1000LL + now.tv_nsec / 1000000);
		struct pollfd p = {.fd = fd, .events = e == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN};
		if ((e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) || left <= 0 ||
		    poll(&p, 1, (int)left) <= 0) {
			if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
				snprintf(why, whylen, "TLS handshake took too long");
			else
				last_error(why, whylen);
			ossl.SSL_free(ssl);
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
	int n = ossl.SSL_read(ssl, buf, len > 1 << 30 ? 1 << 30 : (int)len);

	if (n > 0)
		return n;
	int e = ossl.SSL_get_error(ssl, n);
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
	int n = ossl.SSL_write(ssl, buf, len > 1 << 30 ? 1 << 30 : (int)len);

	if (n > 0)
		return n;
	if (!errno)
		errno = EPIPE;
	return -1;
}

bool api_tls_buffered(void *ssl)
{
	return ossl.SSL_pending(ssl) > 0;
}

void api_tls_close(void *ssl)
{
	if (!ssl)
		return;
	ossl.SSL_shutdown(ssl);
	ossl.SSL_free(ssl);
}
