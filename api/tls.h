/* TLS for tcp:// endpoints: a server context from dockerd's files
 * (--tlscert, --tlskey, and --tlscacert to verify clients), connections
 * accepted with a deadline, and their reads and writes. OpenSSL is loaded
 * at the first context. */
#ifndef BERTH_API_TLS_H
#define BERTH_API_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "engine/core/error.h"

struct api_tls_files {
	const char *ca, *cert, *key;
	bool verify_clients; /* --tlsverify: only clients with a certificate of ca */
};

/* A server context (an SSL_CTX) in *out. */
int api_tls_server_new(const struct api_tls_files *files, void **out, berr *err);

/* The handshake on an accepted socket, within timeout_ms; the connection
 * (an SSL), or NULL with the reason in why. Every later read and write of
 * the socket is bounded by timeout_ms too. */
void *api_tls_accept(void *server, int fd, int timeout_ms, char *why, size_t whylen);
/* Changes that bound. */
void api_tls_set_deadline(int fd, int timeout_ms);

/* As recv and send: -1 with errno (EAGAIN at the deadline), 0 at the end. */
ssize_t api_tls_read(void *ssl, void *buf, size_t len);
ssize_t api_tls_write(void *ssl, const void *buf, size_t len);
/* Whether decrypted bytes wait in the connection (poll would not see them). */
bool api_tls_buffered(void *ssl);
void api_tls_close(void *ssl);

#endif
