/* The attach stream on the terminal's side: output frames to stdout and
 * stderr, the terminal's input (raw with a tty) to the container, window
 * size changes, and the detach keys. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/core/fd_io.h"
#include "engine/core/detach_keys.h"
#include "engine/runtime/shim_protocol.h"

static volatile sig_atomic_t window_changed;
static volatile sig_atomic_t pending_signal;
static void (*signal_proxy)(int sig, void *user);
static void *signal_proxy_user;

static void on_winch(int sig)
{
	(void)sig;
	window_changed = 1;
}

static void on_proxied_signal(int sig)
{
	pending_signal = sig;
}

void cli_console_size(json_t *obj)
{
	struct winsize ws;

	if ((ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 ||
	     ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0) &&
	    ws.ws_row && ws.ws_col)
		json_object_set_new(obj, "ConsoleSize", json_pack("[i, i]", ws.ws_row, ws.ws_col));
}

void cli_stream_set_signal_proxy(void (*proxy)(int sig, void *user), void *user)
{
	signal_proxy = proxy;
	signal_proxy_user = user;
}

static int send_frame(int fd, int stream, const void *data, size_t len)
{
	unsigned char header[SHIM_FRAME_HEADER] = {(unsigned char)stream, 0, 0, 0,
						   (unsigned char)(len >> 24), (unsigned char)(len >> 16),
						   (unsigned char)(len >> 8), (unsigned char)len};

	if (fd_send_all(fd, header, sizeof(header)) < 0)
		return -1;
	return len ? fd_send_all(fd, data, len) : 0;
}

static void send_window_size(int fd)
{
	struct winsize ws;
	char text[32];

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0)
		return;
	int n = snprintf(text, sizeof(text), "%u %u", ws.ws_row, ws.ws_col);
	send_frame(fd, SHIM_STREAM_RESIZE, text, (size_t)n);
}

/* Reads one whole frame payload; returns the stream or -1 at end. */
static int read_frame(int fd, char **buf, size_t *cap, size_t *len)
{
	unsigned char header[SHIM_FRAME_HEADER];
	size_t got = 0;

	while (got < sizeof(header)) {
		ssize_t n = read(fd, header + got, sizeof(header) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	*len = (size_t)header[4] << 24 | (size_t)header[5] << 16 | (size_t)header[6] << 8 | header[7];
	if (*len + 1 > *cap) {
		char *grown = realloc(*buf, *len + 1);
		if (!grown)
			return -1;
		*buf = grown;
		*cap = *len + 1;
	}
	got = 0;
	while (got < *len) {
		ssize_t n = read(fd, *buf + got, *len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		got += (size_t)n;
	}
	(*buf)[*len] = '\0';
	return header[0];
}

/* Output frames read while stdin waits to be sent. */
struct drain {
	int fd;
	char **buf;
	size_t *cap;
	int *exit_code;
	bool ended; /* the stream ended (or its exit frame came) meanwhile */
};

/* One output frame to stdout or stderr; false at the stream's end or its
 * exit frame (*exit_code then). */
static bool write_output_frame(struct drain *d)
{
	size_t len;
	int stream = read_frame(d->fd, d->buf, d->cap, &len);

	if (stream < 0)
		return false;
	if (stream == SHIM_STREAM_EXIT) {
		*d->exit_code = atoi(*d->buf);
		return false;
	}
	fd_write_all(stream == SHIM_STREAM_STDERR ? STDERR_FILENO : STDOUT_FILENO, *d->buf, len);
	return true;
}

/* An output frame written out while stdin waits for room
 * (fd_send_draining's drain). */
static int drain_output(void *user)
{
	struct drain *d = user;

	if (write_output_frame(d))
		return 0;
	d->ended = true;
	return -1;
}

static int send_stdin(struct drain *d, const void *data, size_t len)
{
	unsigned char header[SHIM_FRAME_HEADER] = {SHIM_STREAM_STDIN, 0, 0, 0,
						   (unsigned char)(len >> 24), (unsigned char)(len >> 16),
						   (unsigned char)(len >> 8), (unsigned char)len};

	if (fd_send_draining(d->fd, header, sizeof(header), drain_output, d) < 0)
		return -1;
	return len ? fd_send_draining(d->fd, data, len, drain_output, d) : 0;
}

/* What a terminal holds before it goes raw, read while it is still in
 * canonical mode: a line typed ahead goes to the container first, and an
 * end of input already given (a ^D, or `script` relaying the end of its
 * own input) is taken now, as the end it is: in raw mode the line
 * discipline would hand it over as a NUL byte. False once input ended. */
static bool take_canonical_input(int fd)
{
	unsigned char in[4096];
	struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};

	while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN)) {
		ssize_t n = read(STDIN_FILENO, in, sizeof(in));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			send_frame(fd, SHIM_STREAM_STDIN, NULL, 0);
			return false;
		}
		if (send_frame(fd, SHIM_STREAM_STDIN, in, (size_t)n) < 0)
			return false;
	}
	return true;
}

int cli_stream_attach(int fd, bool forward_stdin, bool tty, const char *detach_keys)
{
	struct termios saved, raw;
	bool raw_mode = false, stdin_open = forward_stdin;
	unsigned char keys[16];
	size_t nkeys = detach_keys_parse(detach_keys ? detach_keys : "ctrl-p,ctrl-q", keys, 16);
	size_t matched = 0, cap = 0;
	char *buf = NULL;
	int exit_code = -1;
	struct drain d = {.fd = fd, .buf = &buf, .cap = &cap, .exit_code = &exit_code};
	struct sigaction sa = {.sa_handler = on_winch}, old_winch;

	/* Without a terminal, signals to berth go to the container (docker's
	 * --sig-proxy): a Ctrl-C reaches the container's process. */
	struct sigaction proxied = {.sa_handler = on_proxied_signal}, old_int, old_term, old_hup;
	bool proxying = signal_proxy && !tty;
	if (proxying) {
		sigaction(SIGINT, &proxied, &old_int);
		sigaction(SIGTERM, &proxied, &old_term);
		sigaction(SIGHUP, &proxied, &old_hup);
	}
	if (tty && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		if (stdin_open)
			stdin_open = take_canonical_input(fd);
		raw = saved;
		cfmakeraw(&raw);
		if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) == 0)
			raw_mode = true;
		sigaction(SIGWINCH, &sa, &old_winch);
		send_window_size(fd);
	}
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN}, {.fd = STDIN_FILENO, .events = POLLIN}};
		int r = poll(p, stdin_open ? 2 : 1, -1);
		if (window_changed) {
			window_changed = 0;
			send_window_size(fd);
		}
		if (pending_signal) {
			int sig = pending_signal;
			pending_signal = 0;
			signal_proxy(sig, signal_proxy_user);
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (p[0].revents && !write_output_frame(&d))
			break;
		if (stdin_open && p[1].revents) {
			unsigned char in[4096];
			ssize_t n = read(STDIN_FILENO, in, sizeof(in));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				send_stdin(&d, NULL, 0);
				if (d.ended)
					break;
				stdin_open = false;
				continue;
			}
			if (tty && nkeys) {
				/* Hold back a partial detach sequence; detach on a full one. */
				unsigned char pass[sizeof(in) + sizeof(keys)];
				bool detached;
				size_t len = detach_keys_filter(keys, nkeys, &matched, in, (size_t)n, pass,
								&detached);
				if (len && send_stdin(&d, pass, len) < 0 && d.ended)
					goto out;
				if (detached) {
					exit_code = -2;
					goto out;
				}
			} else if (send_stdin(&d, in, (size_t)n) < 0) {
				if (d.ended)
					break;
				stdin_open = false;
			}
		}
	}
out:
	if (proxying) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
	}
	if (raw_mode) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		sigaction(SIGWINCH, &old_winch, NULL);
	}
	free(buf);
	return exit_code;
}
