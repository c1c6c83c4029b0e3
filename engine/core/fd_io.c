/* Whole reads and writes on a descriptor (fd_io.h). */
#include "engine/core/fd_io.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

/* Writes all of len bytes, with send() on a socket (no SIGPIPE). */
static int put_all(int fd, const void *data, size_t len, bool socket)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = socket ? send(fd, p, len, MSG_NOSIGNAL) : write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fd_write_all(int fd, const void *data, size_t len)
{
	return put_all(fd, data, len, false);
}

int fd_send_all(int fd, const void *data, size_t len)
{
	return put_all(fd, data, len, true);
}

int fd_read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = 0;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int fd_send_draining(int fd, const void *data, size_t len, int (*drain)(void *user), void *user)
{
	const char *p = data;

	while (len > 0) {
		ssize_t sent = send(fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (sent > 0) {
			p += sent;
			len -= (size_t)sent;
			continue;
		}
		if (sent < 0 && errno == EINTR)
			continue;
		if (sent == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			return -1;
		struct pollfd pf = {.fd = fd, .events = POLLIN | POLLOUT};
		if (poll(&pf, 1, -1) < 0 && errno != EINTR)
			return -1;
		if ((pf.revents & POLLIN) && drain(user) < 0)
			return -1;
		if ((pf.revents & (POLLERR | POLLNVAL)) ||
		    ((pf.revents & POLLHUP) && !(pf.revents & POLLIN)))
			return -1;
	}
	return 0;
}
