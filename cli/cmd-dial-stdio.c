/* system dial-stdio: standard input and output joined to the daemon's
 * socket. What `berth -H ssh://host` (and `docker -H ssh://host`) runs on
 * the other host: ssh carries the bytes, this relays them to the daemon
 * there. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/core/paths.h"

static int cmd_dial_stdio(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_system_dial_stdio = {
	"system dial-stdio", cmd_dial_stdio, "",
	"Proxy the stdio stream to the daemon connection. Should not be invoked manually."};

/* Copies what one side has to the other; false at its end. */
static bool pump(int from, int to)
{
	char buf[65536];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	for (ssize_t off = 0; off < n;) {
		ssize_t w = send(to, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
		if (w < 0 && errno == ENOTSOCK)
			w = write(to, buf + off, (size_t)(n - off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		off += w;
	}
	return true;
}

static int cmd_dial_stdio(struct cli *cli, int argc, char **argv)
{
	struct flag_spec specs[] = {{0}};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char path[sizeof(sa.sun_path)];
	int first, status, fd;
	bool done;

	if ((status = cli_parse(cli, specs, &cli_cmd_system_dial_stdio, argc, argv, true, &first,
				&done)) ||
	    done)
		return status;
	if ((status = cli_require_args(cli, &cli_cmd_system_dial_stdio, argc - first, 0, 0)))
		return status;
	/* the daemon -H or the context names, else this host's berth daemon */
	if (cli->remote && strncmp(cli->remote->host, "unix://", 7) != 0)
		return cli_failf(cli, 1, "dial-stdio relays to a unix socket only, not %s",
				 cli->remote->host);
	if ((size_t)snprintf(path, sizeof(path), "%s%s",
			     cli->remote ? cli->remote->host + 7 : paths_default_run(),
			     cli->remote ? "" : "/berth.sock") >= sizeof(path))
		return cli_failf(cli, 1, "socket path too long");
	memcpy(sa.sun_path, path, sizeof(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return cli_failf(cli, 1,
				 "Cannot connect to the berth daemon at unix://%s. Is `berth daemon` "
				 "running? (%s)",
				 path, strerror(e));
	}
	bool in_open = true;
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
				      {.fd = STDIN_FILENO, .events = POLLIN}};
		if (poll(p, in_open ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[0].revents && !pump(fd, STDOUT_FILENO))
			break; /* the daemon is done: so is the stream */
		if (in_open && p[1].revents && !pump(STDIN_FILENO, fd)) {
			shutdown(fd, SHUT_WR);
			in_open = false;
		}
	}
	close(fd);
	return 0;
}
