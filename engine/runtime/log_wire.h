/* How the monitor hands log messages to berth-logger (engine/runtime/logger):
 *
 *   berth-logger --forward <bundle>/spec      with
 *     fd 3  the write end of a pipe: one line, "ok\n" once the receiver is
 *           reached (or at once when it connects later: fluentd-async, udp),
 *           or "error <message>\n", then closed;
 *     fd 4  a SOCK_SEQPACKET socket: one message per packet, a struct
 *           log_wire followed by the line's bytes (no newline). The monitor
 *           closing it means the container is gone: berth-logger sends what
 *           it holds, and gives up once the receiver has taken nothing for
 *           LOG_WIRE_LINGER_S (the monitor's queue is handed over the same
 *           way, by a child the monitor leaves behind when it exits).
 *           The other way, berth-logger sends a uint64_t (host order) for
 *           each message it had to give up (a driver's retries ran out), so
 *           the monitor's count of dropped lines includes them.
 *   berth-logger --compress <file>
 *     writes <file>.gz (gzip, through a temporary name) and removes <file>.
 *
 * The spec's log-* records (shim_protocol.h) say which receiver and how. */
#ifndef BERTH_RUNTIME_LOG_WIRE_H
#define BERTH_RUNTIME_LOG_WIRE_H

#include <stdint.h>

#define LOG_WIRE_START_FD 3
#define LOG_WIRE_SOCKET_FD 4
#define LOG_WIRE_LINGER_S 10
/* Docker's copier buffer: longer lines come in pieces of this size. */
#define LOG_WIRE_LINE_MAX 16384

struct log_wire {
	uint8_t stream;	 /* 1 stdout, 2 stderr */
	uint8_t partial; /* a piece of a longer line (ordinal > 0) */
	uint8_t last;	 /* the piece that ends it */
	uint8_t pad;
	int32_t ordinal;  /* 1, 2, ... within the line; 0: a whole line */
	int64_t time_ns;  /* unix ns */
	char partial_id[64]; /* hex, the same for every piece of the line */
};

#endif
