/* The relay of ports published on [::1]: a process the monitor forks when
 * berth gave it listening sockets (fds 7 and up, "proxy" lines of the
 * spec: the container's address and port for each). The kernel cannot
 * forward IPv6 loopback traffic (there is no route_localnet for IPv6: a
 * reply to ::1 arriving on a bridge is dropped), so these connections are
 * accepted on the host and relayed, byte for byte, to the container; a
 * client on ::1 is the host itself, whose address the container could not
 * see anyway.
 *
 * Runs in the host's network namespace (the listeners are there), as
 * uid/gid 65534 with no capabilities, no_new_privs and a seccomp filter
 * of what the loop does: accept, an AF_INET/AF_INET6 stream socket to
 * connect to the container, reads, writes, polls, SO_LINGER to reset a
 * broken relay. It opens no file. It
 * dies with the monitor (PDEATHSIG), that is with the container. Each
 * direction of a connection has a buffer of RELAY_BUFFER bytes (128 KiB:
 * 16 KiB moved a third of what the direct path does, this as much), at
 * most RELAY_MAX connections at once (16 MiB in all, touched only under
 * load): a side that stops reading stalls only its own connection. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "../shim_protocol.h"
#include "shim.h"

#define NOBODY 65534
#define RELAY_MAX 64
#define RELAY_BUFFER 131072

struct target {
	struct sockaddr_storage addr;
	socklen_t len;
};

/* One direction: what was read from one side and not yet written to the other. */
struct pipe_buf {
	char data[RELAY_BUFFER];
	size_t start, end;
	bool eof;  /* the reading side said it is done */
	bool shut; /* and the writing side was told so */
};

struct relay {
	int client, server; /* -1: free */
	bool connected;
	struct pipe_buf up, down; /* client -> server, server -> client */
};

static struct target targets[SHIM_PROXY_MAX];
static size_t ntargets;
static struct relay relays[RELAY_MAX];

/* Ends a relay; after an error on either side, both peers get a reset
 * rather than an end of stream that would pass for a complete one. */
static void relay_close(struct relay *r, bool abort)
{
	struct linger reset = {.l_onoff = 1, .l_linger = 0};

	if (abort) {
		setsockopt(r->client, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
		if (r->server >= 0)
			setsockopt(r->server, SOL_SOCKET, SO_LINGER, &reset, sizeof(reset));
	}
	if (r->client >= 0)
		close(r->client);
	if (r->server >= 0)
		close(r->server);
	memset(r, 0, sizeof(*r));
	r->client = r->server = -1;
}

/* A new client: a non-blocking connect to its listener's target. */
/* Set when an accept failed for want of descriptors or memory: the
 * listeners rest for one poll of BACKOFF_MS instead of waking it at once. */
static bool backoff;
#define BACKOFF_MS 100

static void relay_accept(int listener, const struct target *t)
{
	int client = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC), server;
	struct relay *r = NULL;

	if (client < 0) {
		backoff = errno == EMFILE || errno == ENFILE || errno == ENOMEM || errno == ENOBUFS;
		return;
	}
	for (size_t i = 0; i < RELAY_MAX && !r; i++)
		if (relays[i].client < 0)
			r = &relays[i];
	server = r ? socket(t->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) : -1;
	if (server < 0 ||
	    (connect(server, (const struct sockaddr *)&t->addr, t->len) < 0 && errno != EINPROGRESS)) {
		/* full, or the container does not answer: the client is told at once */
		if (server >= 0)
			close(server);
		close(client);
		return;
	}
	memset(r, 0, sizeof(*r));
	r->client = client;
	r->server = server;
}

/* Moves bytes from `from` into b, and from b into `to`; false when the
 * relay is over (an error, or both directions done). */
static bool pump(int from, int to, struct pipe_buf *b, short from_events, short to_events,
		 bool to_connected)
{
	if ((from_events & (POLLIN | POLLHUP | POLLERR)) && !b->eof && b->end < sizeof(b->data)) {
		ssize_t n = read(from, b->data + b->end, sizeof(b->data) - b->end);
		if (n > 0)
			b->end += (size_t)n;
		else if (n == 0)
			b->eof = true;
		else if (errno != EAGAIN && errno != EINTR)
			return false;
	}
	if ((to_events & POLLOUT) && b->start < b->end) {
		ssize_t n = write(to, b->data + b->start, b->end - b->start);
		if (n > 0)
			b->start += (size_t)n;
		else if (n < 0 && errno != EAGAIN && errno != EINTR)
			return false;
	}
	if (b->start == b->end)
		b->start = b->end = 0;
	/* never while connecting: a shutdown then aborts the connect */
	if (b->eof && b->start == b->end && !b->shut && to_connected) {
		shutdown(to, SHUT_WR);
		b->shut = true;
	}
	return true;
}

/* poll's events for one side: reading while its buffer has room, writing
 * while the other's has bytes (or while connecting). */
static short wanted(const struct pipe_buf *in, const struct pipe_buf *out, bool connecting)
{
	short ev = 0;

	if (!in->eof && in->end < sizeof(in->data))
		ev |= POLLIN;
	if (connecting || out->start < out->end)
		ev |= POLLOUT;
	return ev;
}

static int confine(pid_t monitor)
{
#define ALLOW(nr) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1), \
		  BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
#if defined(__x86_64__)
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
#elif defined(__aarch64__)
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_AARCH64, 1, 0),
#else
#error "the relay's filter knows x86_64 and aarch64"
#endif
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		/* socket: only IPv4 or IPv6, to reach the container */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_socket, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET6, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		/* setsockopt: only SO_LINGER, to reset a broken relay */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_setsockopt, 0, 6),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOL_SOCKET, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SO_LINGER, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		ALLOW(__NR_accept4), ALLOW(__NR_connect), ALLOW(__NR_read), ALLOW(__NR_write),
		ALLOW(__NR_shutdown), ALLOW(__NR_close), ALLOW(__NR_ppoll), ALLOW(__NR_exit),
		ALLOW(__NR_exit_group), ALLOW(__NR_rt_sigreturn), ALLOW(__NR_restart_syscall),
#if defined(__x86_64__)
		ALLOW(__NR_poll),
#endif
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
#undef ALLOW
	struct sock_fprog prog = {.len = (unsigned short)(sizeof(filter) / sizeof(filter[0])),
				  .filter = filter};

	if (chdir("/") < 0 || setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
	    setresuid(NOBODY, NOBODY, NOBODY) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	/* the new uid cleared the parent-death signal: again, and a monitor
	 * already gone means the end */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != monitor)
		return -1;
	return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* "<address> <port>" of a proxy line into a target. */
static bool parse_target(const char *line, struct target *t)
{
	char addr[INET6_ADDRSTRLEN];
	unsigned port;
	struct sockaddr_in *v4 = (struct sockaddr_in *)&t->addr;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&t->addr;

	memset(t, 0, sizeof(*t));
	if (sscanf(line, "%45s %u", addr, &port) != 2 || port == 0 || port > 65535)
		return false;
	if (inet_pton(AF_INET, addr, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons((uint16_t)port);
		t->len = sizeof(*v4);
		return true;
	}
	if (inet_pton(AF_INET6, addr, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		t->len = sizeof(*v6);
		return true;
	}
	return false;
}

static _Noreturn void relay_main(const struct spec *s, pid_t monitor)
{
	static struct pollfd pfd[SHIM_PROXY_MAX + 2 * RELAY_MAX];
	static size_t pair[RELAY_MAX]; /* the relay of each pair of pfd entries */

	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	prctl(PR_SET_NAME, "berth-proxy", 0, 0, 0);
	for (size_t i = 0; i < s->proxies.n && ntargets < SHIM_PROXY_MAX; i++)
		if (!parse_target(s->proxies.v[i], &targets[ntargets++]))
			_exit(1);
	if (getppid() != monitor || close_range(0, SHIM_PROXY_FD - 1, 0) < 0 ||
	    close_range(SHIM_PROXY_FD + (unsigned)ntargets, ~0U, 0) < 0)
		_exit(1);
	for (size_t i = 0; i < RELAY_MAX; i++)
		relays[i].client = relays[i].server = -1;
	if (confine(monitor) < 0)
		_exit(1);
	for (;;) {
		size_t n = 0, npairs = 0;

		for (size_t i = 0; i < ntargets; i++)
			pfd[n++] = (struct pollfd){.fd = backoff ? -1 : SHIM_PROXY_FD + (int)i,
						   .events = POLLIN};
		for (size_t i = 0; i < RELAY_MAX; i++) {
			struct relay *r = &relays[i];
			if (r->client < 0)
				continue;
			/* a side with nothing left to read or to be written is not
			 * polled: its hang-up would wake the loop for nothing */
			short cev = wanted(&r->up, &r->down, false);
			short sev = wanted(&r->down, &r->up, !r->connected);
			pair[npairs++] = i;
			pfd[n++] = (struct pollfd){.fd = cev ? r->client : -1, .events = cev};
			pfd[n++] = (struct pollfd){.fd = sev ? r->server : -1, .events = sev};
		}
		int ready = poll(pfd, n, backoff ? BACKOFF_MS : -1);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		backoff = false;
		for (size_t i = 0; i < ntargets; i++) {
			/* a listener that is no socket, or broke: nothing to serve */
			if (pfd[i].revents & (POLLNVAL | POLLERR))
				_exit(1);
			if (pfd[i].revents & POLLIN)
				relay_accept(pfd[i].fd, &targets[i]);
		}
		for (size_t p = 0; p < npairs; p++) {
			struct relay *r = &relays[pair[p]];
			short cev = pfd[ntargets + 2 * p].revents, sev = pfd[ntargets + 2 * p + 1].revents;

			/* a refused connect shows as an error on the first read */
			if (!r->connected && (sev & (POLLOUT | POLLERR | POLLHUP)))
				r->connected = true;
			bool ok = pump(r->client, r->server, &r->up, cev, r->connected ? sev : 0,
				       r->connected) &&
				  pump(r->server, r->client, &r->down, r->connected ? sev : 0, cev,
				       true) &&
				  !(cev & POLLERR) && !(sev & POLLERR);
			if (!ok || (r->up.shut && r->down.shut))
				relay_close(r, !ok);
		}
	}
}

pid_t proxy_start(const struct spec *s, struct shim_err *err)
{
	sigset_t none;
	pid_t monitor = getpid(), pid;

	if (s->proxies.n > SHIM_PROXY_MAX) {
		shim_fail(err, "system", "at most %d ports on [::1]", SHIM_PROXY_MAX);
		return -1;
	}
	if ((pid = fork()) < 0) {
		shim_sys(err, "fork the relay of [::1]");
		return -1;
	}
	if (pid == 0) {
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		relay_main(s, monitor);
	}
	for (size_t i = 0; i < s->proxies.n; i++)
		close(SHIM_PROXY_FD + (int)i);
	return pid;
}
