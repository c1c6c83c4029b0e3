/* berth-logger: the monitor's helper for log receivers and compression
 * (contract: engine/runtime/log_wire.h). It runs in the host's namespaces,
 * spawned by a container's monitor; once its receiver is reached it keeps
 * uid 0 (for root-owned sockets) but gives up every capability and sets
 * no_new_privs: it only reads messages and sends them on. It links libc,
 * zlib and OpenSSL, and nothing of berth but a few libc-only helpers. */
#ifndef BERTH_RUNTIME_LOGGER_LOGGER_H
#define BERTH_RUNTIME_LOGGER_LOGGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../log_wire.h"

#define LOGGER_MAX_KV 256

struct logger_kv {
	char *key, *value;
};

enum logger_transport { T_UDP, T_TCP, T_TLS, T_UNIX, T_UNIXGRAM, T_LOCAL };

/* What the spec's log-* records say. */
struct logger_spec {
	char *driver, *tag;
	char *id, *name, *image_id, *image_name, *command;
	int64_t created;
	enum logger_transport transport;
	char *host, *path;
	int port;
	struct logger_kv opts[LOGGER_MAX_KV], attrs[LOGGER_MAX_KV];
	size_t n_opts, n_attrs;
	char hostname[256];
	int pid; /* the monitor's, as syslog's PROCID */
};

/* spec.c */
int logger_spec_read(const char *path, struct logger_spec *s, char *err, size_t errlen);
const char *logger_opt(const struct logger_spec *s, const char *key);
bool logger_opt_true(const struct logger_spec *s, const char *key);

/* A growable byte buffer; packets are kept back to back with their lengths. */
struct out {
	char *buf;
	size_t len, cap;
	bool failed;
};
void out_add(struct out *o, const void *data, size_t n);
void out_adds(struct out *o, const char *s);
void out_addc(struct out *o, char c);
void out_addf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A JSON string (quoted, Go's escaping). */
void out_json_string(struct out *o, const char *s, size_t n);

/* transport.c: one connection to the receiver. */
struct conn;
struct conn *conn_new(const struct logger_spec *s, char *err, size_t errlen);
/* Connects (again); 0, or -1 with err set. */
int conn_open(struct conn *c, char *err, size_t errlen);
bool conn_is_open(const struct conn *c);
bool conn_is_datagram(const struct conn *c);
/* Sends one packet (a datagram, or bytes of the stream); -1 closes it. */
int conn_send(struct conn *c, const void *data, size_t n);
/* Reads a reply (fluentd's ack) within timeout_ms; returns bytes or -1. */
int conn_recv(struct conn *c, void *buf, size_t n, int timeout_ms);
void conn_close(struct conn *c);
/* Loads TLS material while the files can still be read (before the drop). */
int conn_prepare(struct conn *c, char *err, size_t errlen);

/* The drivers: each turns one message into the packets for its receiver. */
struct logger_msg {
	const struct log_wire *h;
	const char *line;
	size_t len;
};
struct driver {
	const char *name;
	/* Builds the packets of one message into pkts (each: u32 length,
	 * bytes); false when the message is not sent (Docker skips it). */
	bool (*format)(const struct logger_spec *s, const struct logger_msg *m, struct out *pkts);
	/* What a failed send does: how many reconnects before the message is
	 * given up (-1: never), and the wait before attempt n (ms). */
	long (*retry_wait_ms)(const struct logger_spec *s, int attempt);
	int max_attempts; /* overridden by options in driver_attempts() */
};
const struct driver *driver_find(const char *name);
int driver_attempts(const struct logger_spec *s);
/* Prepares what a driver computes once (gelf's extras, journald's epoch). */
int driver_prepare(const struct logger_spec *s, char *err, size_t errlen);

/* Adds one packet to pkts. */
void pkt_add(struct out *pkts, const void *data, size_t n);

/* linger.c: the monitor's end and the time left after it. */
extern bool monitor_gone;
extern int64_t give_up_at; /* CLOCK_MONOTONIC ms; -1 while the monitor is there */
int64_t now_ms(void);
/* Sleeps ms; false once the linger is over. */
bool wait_ms(long ms);
/* False once the monitor is gone and the linger is over. */
bool logger_keep_waiting(void);
/* The receiver took a message. */
void logger_progress(void);

/* compress.c */
int compress_file(const char *path);

#endif
