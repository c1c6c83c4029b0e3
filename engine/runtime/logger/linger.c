/* How long berth-logger keeps trying: while the container's monitor is
 * there, and LOG_WIRE_LINGER_S after it has gone (fd 4 hung up). */
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
		if (poll(&p, 1, left > 0 ? (int)left : 0) > 0 && (p.revents & (POLLHUP | POLLRDHUP))) {
			monitor_gone = true;
			give_up_at = now_ms() + LOG_WIRE_LINGER_S * 1000L;
		}
	}
}

bool logger_keep_waiting(void)
{
	if (!monitor_gone) {
		struct pollfd p = {.fd = LOG_WIRE_SOCKET_FD, .events = POLLRDHUP};
		if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLRDHUP))) {
			monitor_gone = true;
			give_up_at = now_ms() + LOG_WIRE_LINGER_S * 1000L;
		}
	}
	return give_up_at < 0 || now_ms() < give_up_at;
}

