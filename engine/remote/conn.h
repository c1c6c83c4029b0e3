/* One connection to a daemon: a unix socket, TCP (with TLS when the target
 * says so), or ssh running `system dial-stdio` on the other host, behind a
 * socketpair. Reads go through a buffer that http.c parses from. */
#ifndef BERTH_REMOTE_CONN_H
#define BERTH_REMOTE_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "engine/core/error.h"
#include "engine/remote/target.h"

struct remote_conn;

/* Connects to the target; ctx is the client's TLS context (NULL without
 * TLS). err says what could not be reached, as the docker CLI says it. */
/* err as the docker CLI words a daemon it cannot reach: "Cannot connect
 * to the Docker daemon at HOST. Is the docker daemon running?", with
 * err's own words after it (left alone when it says so already). */
void remote_dial_failed(const char *host, berr *err);

int remote_conn_open(const struct remote_target *target, void *tls_ctx, struct remote_conn **out,
		     berr *err);
void remote_conn_close(struct remote_conn *c);

/* Up to len bytes: what the buffer holds first, then the connection.
 * Waits at most timeout_ms (-1: forever); -1 with errno ETIMEDOUT then,
 * 0 at the end of the stream. */
ssize_t remote_conn_read(struct remote_conn *c, void *buf, size_t len, int timeout_ms);
/* Gives bytes read too far back to the buffer, ahead of the rest. */
void remote_conn_unread(struct remote_conn *c, const void *buf, size_t len);
int remote_conn_write_all(struct remote_conn *c, const void *buf, size_t len);
/* Ends the sending half (a hijacked stream's end of input). */
void remote_conn_close_write(struct remote_conn *c);
/* The descriptor to poll, and whether bytes wait where poll cannot see
 * them (the buffer, the TLS layer). */
int remote_conn_fd(struct remote_conn *c);
bool remote_conn_pending(struct remote_conn *c);
/* Why the last read or write failed: the TLS layer's reason when it has
 * one (a certificate the daemon refused), else errnum's text. */
const char *remote_conn_error(struct remote_conn *c, int errnum);
/* What ssh wrote to its standard error (a refused key, an unknown host),
 * "" for other connections. */
const char *remote_conn_stderr(struct remote_conn *c);

/* A TLS client context from the target's files; NULL in *out without TLS. */
int remote_tls_context(const struct remote_target *target, void **out, berr *err);
void remote_tls_context_free(void *ctx);

#endif
