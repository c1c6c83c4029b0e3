/* Receivers' addresses as Docker's drivers read them: syslog-address,
 * gelf-address and fluentd-address. The engine checks them at create and
 * hands berth-logger the parsed form (a log-address record). */
#ifndef BERTH_LOGGING_LOG_ADDRESS_H
#define BERTH_LOGGING_LOG_ADDRESS_H

#include "engine/core/error.h"

enum log_transport { LOG_UDP, LOG_TCP, LOG_TLS, LOG_UNIX, LOG_UNIXGRAM, LOG_LOCAL_SYSLOG };

struct log_address {
	enum log_transport transport;
	char host[256]; /* udp, tcp, tls */
	int port;
	char path[108]; /* unix, unixgram */
};

/* "" (the host's /dev/log), udp://host[:514], tcp://, tcp+tls://,
 * unix:///path, unixgram:///path (the socket must exist). */
int log_address_parse_syslog(const char *s, struct log_address *a, berr *err);
/* udp://host:port or tcp://host:port, required. */
int log_address_parse_gelf(const char *s, struct log_address *a, berr *err);
/* "" (tcp 127.0.0.1:24224), host:port, tcp://, tls://, unix:///path. */
int log_address_parse_fluentd(const char *s, struct log_address *a, berr *err);

/* A syslog facility by name or number (0..23), as its code << 3; -1 when bad. */
int log_syslog_facility(const char *name);

/* The record berth-logger reads: "<udp|tcp|tls|unix|unixgram|local> <host> <port>"
 * or "<kind> <path>". */
void log_address_format(const struct log_address *a, char *out, size_t size);

#endif
