/* Whole reads and writes on a descriptor, retried across signals and
 * short transfers: one helper for every face and subsystem. libc only. */
#ifndef BERTH_CORE_FD_IO_H
#define BERTH_CORE_FD_IO_H

#include <stddef.h>

/* Writes all of len bytes; 0, or -1 with errno (a write of 0 is EIO). */
int fd_write_all(int fd, const void *data, size_t len);
/* The same on a socket, without SIGPIPE when the peer is gone (EPIPE). */
int fd_send_all(int fd, const void *data, size_t len);
/* Reads exactly len bytes; 0, or -1 at an error or at the end of the
 * stream first (errno 0 then). */
int fd_read_full(int fd, void *buf, size_t len);

/* Sends all of len bytes on a stream socket; while it is full and the
 * other end has something to say, drain(user) reads it (returning -1 to
 * give up): the other end may be waiting for us to read before it reads
 * on (a command echoing a large stdin), and a send that only waited
 * would never end. 0, or -1. */
int fd_send_draining(int fd, const void *data, size_t len, int (*drain)(void *user), void *user);

#endif
