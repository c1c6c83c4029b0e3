/* A daemon's raw stream (attach, exec) as the faces read this host's: the
 * monitor's frames (shim_protocol.h) on a socket, both ways. A thread
 * relays between the two until either ends. */
#ifndef BERTH_REMOTE_RELAY_H
#define BERTH_REMOTE_RELAY_H

#include <stdbool.h>

#include "engine/core/error.h"
#include "engine/remote/client.h"
#include "engine/remote/http.h"

struct remote_relay_options {
	bool tty;                /* the stream is raw, not multiplexed */
	char resize_path[512];   /* where a resize frame goes ("/containers/ID/resize") */
	/* A wait's response, read once the stream ends: its StatusCode is
	 * sent as the exit frame (taken over; NULL: no exit frame). */
	struct remote_response *wait;
};

/* Starts relaying the hijacked connection (taken over); *face_fd is the
 * face's end of the socket. */
int remote_relay_start(struct remote_client *cl, struct remote_conn *conn,
		       struct remote_relay_options *o, int *face_fd, berr *err);

#endif
