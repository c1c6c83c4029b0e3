/* The container's (or an exec'd command's) stdin as a monitor feeds it:
 * bytes the pipe cannot take now wait here, and nothing more is read from
 * the client until they are written, so a slow reader slows the writer
 * instead of losing input. Closing waits for what is pending; on a
 * terminal, closing means sending ^D (the pty master also carries output). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "shim.h"

void stdin_pipe_open(struct stdin_pipe *p, int fd, bool tty)
{
	p->fd = fd;
	p->tty = tty;
	p->off = p->len = 0;
	p->close_wanted = false;
}

void stdin_pipe_shut(struct stdin_pipe *p)
{
	if (p->fd < 0)
		return;
	if (p->tty) {
		ssize_t w = write(p->fd, "\004", 1);
		(void)w;
	} else {
		close(p->fd);
	}
	p->fd = -1;
	p->len = 0;
}

void stdin_pipe_write(struct stdin_pipe *p, const char *data, size_t len)
{
	if (p->fd < 0)
		return;
	if (len > sizeof(p->pend))
		len = sizeof(p->pend);
	ssize_t w = write(p->fd, data, len);
	if (w < 0 && errno != EAGAIN && errno != EINTR) {
		stdin_pipe_shut(p); /* the reader closed its end */
		return;
	}
	if (w < 0)
		w = 0;
	p->off = 0;
	p->len = len - (size_t)w;
	memcpy(p->pend, data + w, p->len);
}

void stdin_pipe_flush(struct stdin_pipe *p)
{
	if (p->fd < 0 || !p->len)
		return;
	ssize_t w = write(p->fd, p->pend + p->off, p->len);
	if (w < 0 && errno != EAGAIN && errno != EINTR) {
		stdin_pipe_shut(p);
		return;
	}
	if (w > 0) {
		p->off += (size_t)w;
		p->len -= (size_t)w;
	}
	if (!p->len && p->close_wanted)
		stdin_pipe_shut(p);
}

void stdin_pipe_close(struct stdin_pipe *p)
{
	if (p->len)
		p->close_wanted = true;
	else
		stdin_pipe_shut(p);
}

void stdin_pipe_release(struct stdin_pipe *p)
{
	if (p->fd >= 0 && !p->tty)
		close(p->fd);
	stdin_pipe_open(p, -1, false);
}
