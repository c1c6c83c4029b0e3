/* An attach client's frames: header, then payload, applied as they come. */
#include "client_frames.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Ends a frame: applies a resize, then waits for the next header. */
static void frame_done(struct client_frames *f, struct monitor_io *io)
{
	unsigned rows, cols;

	if (f->hdr[0] == SHIM_STREAM_RESIZE && f->ctl_len < sizeof(f->ctl)) {
		f->ctl[f->ctl_len] = '\0';
		if (sscanf(f->ctl, "%u %u", &rows, &cols) == 2)
			monitor_io_resize(io, rows, cols);
	}
	f->hdr_len = 0;
	f->ctl_len = 0;
}

/* A read that got nothing: the end of what the client sends, or an error. */
static enum client_frames_read read_end(ssize_t r, short revents)
{
	if (r < 0 && (errno == EAGAIN || errno == EINTR))
		return CLIENT_FRAMES_OPEN;
	if (r == 0 && !(revents & POLLHUP))
		return CLIENT_FRAMES_SHUT;
	return CLIENT_FRAMES_GONE;
}

enum client_frames_read client_frames_read(struct client_frames *f, int fd, short revents,
					   struct monitor_io *io)
{
	/* no more than stdin takes at once (monitor_io_stdin_write) */
	char payload[sizeof(io->in.pend)];
	ssize_t r;

	if (f->hdr_len < SHIM_FRAME_HEADER) {
		r = read(fd, f->hdr + f->hdr_len, SHIM_FRAME_HEADER - f->hdr_len);
		if (r <= 0)
			return read_end(r, revents);
		f->hdr_len += (unsigned)r;
		if (f->hdr_len < SHIM_FRAME_HEADER)
			return CLIENT_FRAMES_OPEN;
		f->left = (uint32_t)f->hdr[4] << 24 | (uint32_t)f->hdr[5] << 16 |
			  (uint32_t)f->hdr[6] << 8 | f->hdr[7];
		if (f->left == 0) {
			if (f->hdr[0] == SHIM_STREAM_STDIN && io->stdin_once)
				monitor_io_stdin_close(io);
			frame_done(f, io);
		}
		return CLIENT_FRAMES_OPEN;
	}
	r = read(fd, payload, f->left < sizeof(payload) ? f->left : sizeof(payload));
	if (r <= 0)
		return read_end(r, revents);
	f->left -= (uint32_t)r;
	if (f->hdr[0] == SHIM_STREAM_STDIN) {
		monitor_io_stdin_write(io, payload, (size_t)r);
	} else if (f->hdr[0] == SHIM_STREAM_RESIZE) {
		size_t room = sizeof(f->ctl) - f->ctl_len;
		size_t take = (size_t)r < room ? (size_t)r : room;

		memcpy(f->ctl + f->ctl_len, payload, take);
		f->ctl_len += (unsigned)take;
	}
	if (f->left == 0)
		frame_done(f, io);
	return CLIENT_FRAMES_OPEN;
}
