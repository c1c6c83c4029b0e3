/* How long berth-logger keeps trying: while the container's monitor is
 * there, and after it has gone (fd 4 hung up) until the receiver has
 * taken nothing for LOG_WIRE_LINGER_S. */
#include <poll.h>
#include <time.h>

#include "logger.h"

int64_t now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

bool monitor_gone;
int64_t give_up_at = -1;
int64_t last_progress = -1;

/* The monitor is gone: what is left goes while the receiver takes it. */
static void monitor_went(void)
{
	monitor_gone = true;
	if (last_progress < 0)
		last_progress = now_ms();
	give_up_at = last_progress + LOG_WIRE_LINGER_S * 1000L;
}

void logger_progress(void)
{
	last_progress = now_ms();
	if (monitor_gone)
		give_up_at = last_progress + LOG_WIRE_LINGER_S * 1000L;
}

/* Sleeps ms, watching fd 4 for the monitor's end; false once past the
 * linger time. */
bool wait_ms(long ms)
{
	int64_t until = now_ms() + ms;
	for (;;) {
		int64_t left = until - now_ms();
		if (give_up_at >= 0 && now_ms() >= give_up_at)
			return false;
		if (left <= 0)
			return true;
		if (give_up_at >= 0 && until > give_up_at)
			left = give_up_at - now_ms();
		/* once the monitor is gone its socket always polls ready: sleep */
		struct pollfd p = {.fd = monitor_gone ? -1 : LOG_WIRE_SOCKET_FD, .events = POLLRDHUP};
		if (poll(&p, 1, left > 0 ? (int)left : 0) > 0 && (p.revents & (POLLHUP | POLLRDHUP)))
			monitor_went();
	}
}

bool logger_keep_waiting(void)
{
	if (!monitor_gone) {
		struct pollfd p = {.fd = LOG_WIRE_SOCKET_FD, .events = POLLRDHUP};
		if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLRDHUP)))
			monitor_went();
	}
	return give_up_at < 0 || now_ms() < give_up_at;
}

