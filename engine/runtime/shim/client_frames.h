/* Reading what an attach client sends (see shim_protocol.h): stdin frames
 * go to the child's stdin, resize frames to its pty, and an empty stdin
 * frame (the client's end of input) closes its stdin when io->stdin_once. The container's attach clients (attach.c) and an
 * exec's one client (exec_monitor.c) read through this. */
#ifndef BERTH_SHIM_CLIENT_FRAMES_H
#define BERTH_SHIM_CLIENT_FRAMES_H

#include <stdint.h>

#include "../shim_protocol.h"
#include "monitor.h"

struct client_frames {
	unsigned char hdr[SHIM_FRAME_HEADER];
	unsigned hdr_len;
	uint32_t left; /* payload bytes of the current frame still to read */
	char ctl[32];  /* a resize payload */
	unsigned ctl_len;
};

enum client_frames_read {
	CLIENT_FRAMES_OPEN,     /* read what there was (or nothing yet): the client stays */
	CLIENT_FRAMES_SHUT,     /* the client shut its sending side: it only listens now */
	CLIENT_FRAMES_GONE,     /* hung up or failed: drop it */
};

/* Reads once from a client's socket (revents: what poll said of it) and
 * applies what came to io. */
enum client_frames_read client_frames_read(struct client_frames *f, int fd, short revents,
					   struct monitor_io *io);

#endif
