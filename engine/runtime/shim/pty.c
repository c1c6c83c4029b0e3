/* The container's terminal: allocated inside its own devpts by the init,
 * whose master end travels back to the shim over a socket. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "shim.h"

/* Sends one descriptor with SCM_RIGHTS. */
static int send_fd(int sock, int fd)
{
	char byte = 'm';
	struct iovec iov = {&byte, 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

int pty_setup_child(int rootfd, int sock, struct shim_err *err)
{
	char p[32];
	int unlock = 0, n = -1, master = -1, slave = -1;
	int ptmx = root_path_open(rootfd, "/dev/pts/ptmx", 0, 0, err);
	if (ptmx < 0)
		return -1;
	snprintf(p, sizeof(p), "/proc/self/fd/%d", ptmx);
	master = open(p, O_RDWR | O_NOCTTY | O_CLOEXEC);
	close(ptmx);
	if (master < 0)
		return shim_sys(err, "open the container's /dev/pts/ptmx");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0) {
		shim_sys(err, "unlock the pty");
		goto fail;
	}
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (slave < 0) {
		shim_sys(err, "open the pty slave");
		goto fail;
	}
	/* the init is a session leader already (setsid): take the terminal */
	if (ioctl(slave, TIOCSCTTY, 0) < 0) {
		shim_sys(err, "make the pty the controlling terminal");
		goto fail;
	}
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0) {
			shim_sys(err, "dup the pty slave");
			goto fail;
		}
	if (send_fd(sock, master) < 0) {
		shim_sys(err, "send the pty master");
		goto fail;
	}
	close(slave);
	close(master);
	return n;
fail:
	if (slave >= 0)
		close(slave);
	close(master);
	return -1;
}

int pty_recv_master(int sock, struct shim_err *err)
{
	char byte;
	struct iovec iov = {&byte, 1};
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	ssize_t r;
	do
		r = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (r < 0 && errno == EINTR);
	struct cmsghdr *c = r == 1 ? CMSG_FIRSTHDR(&msg) : NULL;
	if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(sizeof(int)))
		return r < 0 ? shim_sys(err, "receive the pty master")
			     : shim_fail(err, "system", "receive the pty master: none sent");
	int fd;
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

void pty_resize(int master, unsigned rows, unsigned cols)
{
	struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
	ioctl(master, TIOCSWINSZ, &ws);
}
