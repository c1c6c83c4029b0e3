/* `berth daemon`'s serving loop: the endpoints listen, one thread accepts
 * on all of them, and each connection gets a thread of its own that reads
 * requests and runs their routes (blocking on the engine's queue as the
 * CLI does). A signal closes the endpoints; requests that change state are
 * let finish first, streams (logs -f, events, attach) are cut. */
#include "api/api.h"

#include <errno.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "api/endpoint.h"
#include "api/router.h"
#include "api/server.h"
#include "api/tls.h"
#include "engine/core/alloc.h"
#include "engine/core/clock.h"

#define API_MAX_ENDPOINTS 16
#define API_MAX_CONNECTIONS 1024
/* Connections of limited endpoints (read-only, allow-listed) at once: a
 * dashboard's clients can never take what root's own socket needs. */
#define API_MAX_LIMITED_CONNECTIONS 256
#define API_THREAD_STACK (1u << 20)

struct connection {
	struct api_server *server;
	const struct api_endpoint *endpoint;
	struct http_conn http;
};

static atomic_int open_connections, open_limited_connections;

static bool limited(const struct api_endpoint *e)
{
	return e->access != API_ACCESS_FULL;
}

/* Takes a place for a new connection of e; false when there is none. */
static bool take_place(const struct api_endpoint *e)
{
	if (limited(e) &&
	    atomic_fetch_add(&open_limited_connections, 1) >= API_MAX_LIMITED_CONNECTIONS) {
		atomic_fetch_sub(&open_limited_connections, 1);
		return false;
	}
	if (atomic_fetch_add(&open_connections, 1) >= API_MAX_CONNECTIONS) {
		atomic_fetch_sub(&open_connections, 1);
		if (limited(e))
			atomic_fetch_sub(&open_limited_connections, 1);
		return false;
	}
	return true;
}

static void give_place(const struct api_endpoint *e)
{
	atomic_fetch_sub(&open_connections, 1);
	if (limited(e))
		atomic_fetch_sub(&open_limited_connections, 1);
}

/* Ends a connection without losing what the client has yet to read: over
 * TCP, closing with its bytes unread would send a reset, and a reset makes
 * the client's kernel drop what it had received (the end of an attach's
 * output); over either, a client still sending a body we refused fails
 * its write and may never read the answer. Our side is shut, and what the
 * client still sends is read for at most a second. */
static void linger_close(int fd)
{
	char trash[4096];
	int64_t deadline = clock_mono_nanos() / 1000000 + 1000;

	shutdown(fd, SHUT_WR);
	for (;;) {
		int left = (int)(deadline - clock_mono_nanos() / 1000000);
		struct pollfd p = {.fd = fd, .events = POLLIN};
		if (left <= 0 || poll(&p, 1, left) <= 0)
			return;
		if (recv(fd, trash, sizeof(trash), MSG_DONTWAIT) <= 0)
			return;
	}
}

/* Serves one connection until it closes, breaks or stays idle. */
static void *serve_connection(void *arg)
{
	struct connection *conn = arg;
	struct http_conn *c = &conn->http;
	const char *why;

	if (conn->endpoint->tls_server) {
		char reason[256];
		c->tls = api_tls_accept(conn->endpoint->tls_server, c->fd, 10000,
					reason, sizeof(reason));
		if (!c->tls) {
			if (conn->server->debug)
				fprintf(stderr, "berth daemon: %s: TLS handshake failed: %s\n",
					conn->endpoint->address, reason);
			goto out;
		}
		api_tls_set_deadline(c->fd, c->io_timeout_ms);
	}
	/* a new connection has 30 s to send its request; one kept alive
	 * after a request, two minutes for the next */
	c->idle_timeout_ms = 30000;
	for (;;) {
		int rc = http_read_headers(c, &why);
		if (rc == 0)
			break;
		if (rc < 0) {
			/* what Go's server answers a request it cannot read */
			static const char bad[] = "HTTP/1.1 400 Bad Request\r\n"
						  "Content-Type: text/plain; charset=utf-8\r\n"
						  "Connection: close\r\n\r\n400 Bad Request";
			if (!c->broken)
				http_write_all(c, bad, sizeof(bad) - 1);
			if (conn->server->debug)
				fprintf(stderr, "berth daemon: %s: bad request: %s\n",
					conn->endpoint->address, why);
			break;
		}
		int64_t start = clock_mono_nanos();
		rc = api_route_request(conn->server, conn->server->engine, c, conn->endpoint);
		if (conn->server->debug)
			fprintf(stderr, "berth daemon: %s %s%s%s %d %.1f ms\n", c->req.method,
				c->req.path, c->req.query ? "?" : "", c->req.query ? c->req.query : "",
				c->status, (double)(clock_mono_nanos() - start) / 1e6);
		if (rc < 0 || c->broken || !c->req.keep_alive)
			break;
		c->idle_timeout_ms = 120000;
	}
out:
	api_tls_close(c->tls);
	/* (a raw stream's client may still be sending stdin a container
	 * stopped reading: closed under it, its read of our last bytes, and
	 * so the exit code, would fail with a reset) */
	if (conn->endpoint->tcp || c->hijacked ||
	    (c->req.has_body && !c->message_done && !c->broken))
		linger_close(c->fd);
	close(c->fd);
	http_conn_release(c);
	give_place(conn->endpoint);
	free(conn);
	return NULL;
}

static void start_connection(struct api_server *server, const struct api_endpoint *e, int fd)
{
	pthread_attr_t attr;
	pthread_t thread;
	struct connection *conn;

	if (!take_place(e)) {
		close(fd);
		return;
	}
	conn = xcalloc(1, sizeof(*conn));
	conn->server = server;
	conn->endpoint = e;
	http_conn_init(&conn->http, fd);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, API_THREAD_STACK);
	if (pthread_create(&thread, &attr, serve_connection, conn) != 0) {
		close(fd);
		free(conn);
		give_place(e);
	}
	pthread_attr_destroy(&attr);
}

/* The group the sockets belong to: -1 for root's own. */
static int socket_group(const char *name, gid_t *gid, berr *err)
{
	struct group *g;

	*gid = (gid_t)-1;
	if (name && !*name)
		return 0;
	g = getgrnam(name ? name : "berth");
	if (g) {
		*gid = g->gr_gid;
		return 0;
	}
	if (name)
		return berr_set(err, BERR_INVALID, "group %s not found", name);
	return 0;
}

/* What a tcp:// endpoint is served with: TLS verifying clients, or what
 * --unsafe-tcp allows, said loudly. */
static int tcp_security(const struct api_options *opts, struct api_endpoint *e, void **server,
			berr *err)
{
	static const char *const defaults[] = {"/root/.docker/ca.pem", "/root/.docker/cert.pem",
					       "/root/.docker/key.pem"};
	bool with_tls = opts->tls || opts->tlsverify;

	if (!e->port[0])
		snprintf(e->port, sizeof(e->port), "%s", with_tls ? "2376" : "2375");

	if (!opts->tlsverify) {
		if (!opts->unsafe_tcp)
			return berr_set(err, BERR_INVALID,
					"%s: serving the API on TCP without --tlsverify lets anyone who "
					"can reach the port run anything as root on this host; use "
					"--tlsverify with --tlscacert, --tlscert and --tlskey (or a unix "
					"socket through ssh -L), or --unsafe-tcp to do it anyway",
					e->address);
		fprintf(stderr,
			"WARNING: %s: the API %s: anyone who can reach this port is root on this "
			"host\n",
			e->address,
			with_tls ? "is served with TLS but without verifying clients"
				 : "is served on plain TCP, without TLS");
	}
	if (!with_tls)
		return 0;
	if (!*server) {
		struct api_tls_files files = {
			.ca = opts->tlscacert ? opts->tlscacert : defaults[0],
			.cert = opts->tlscert ? opts->tlscert : defaults[1],
			.key = opts->tlskey ? opts->tlskey : defaults[2],
			.verify_clients = opts->tlsverify,
		};
		if (api_tls_server_new(&files, server, err) < 0)
			return -1;
	}
	e->tls_server = *server;
	return 0;
}

static int open_endpoints(struct engine *engine, const struct api_options *opts,
			  struct api_endpoint *eps, size_t *n, berr *err)
{
	static void *tls_server;
	char fallback[600];
	gid_t gid;

	*n = 0;
	if (socket_group(opts->group, &gid, err) < 0)
		return -1;
	snprintf(fallback, sizeof(fallback), "unix://%s/berth.sock", engine_run_root(engine));
	size_t count = opts->nhosts ? opts->nhosts : 1;
	for (size_t i = 0; i < count && *n < API_MAX_ENDPOINTS; i++) {
		const char *address = opts->nhosts ? opts->hosts[i] : fallback;
		size_t extra = 0;
		for (size_t j = 0; j < i; j++)
			if (strcmp(opts->hosts[j], address) == 0) {
				berr_set(err, BERR_INVALID, "%s is given twice", address);
				goto fail;
			}
		if (api_endpoint_parse(address, &eps[*n], err) < 0 ||
		    (eps[*n].tcp && tcp_security(opts, &eps[*n], &tls_server, err) < 0))
			goto fail;
		if (api_endpoint_listen(&eps[*n], gid, eps + *n + 1, API_MAX_ENDPOINTS - *n - 1,
					&extra, err) < 0) {
			api_endpoint_close(&eps[*n]);
			goto fail;
		}
		*n += 1 + extra;
	}
	return 0;
fail:
	while (*n > 0)
		api_endpoint_close(&eps[--*n]);
	return -1;
}

int api_serve(struct engine *engine, const struct api_options *opts, berr *err)
{
	/* connection threads use both until the process ends */
	static struct api_endpoint eps[API_MAX_ENDPOINTS];
	static struct api_server server;
	struct pollfd pfd[API_MAX_ENDPOINTS + 1];
	sigset_t stop;
	size_t n;
	int sfd;

	/* every thread made from here on inherits the mask: only the
	 * signalfd sees these */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	sfd = signalfd(-1, &stop, SFD_CLOEXEC);
	if (sfd < 0)
		return berr_sys(err, "waiting for signals");
	if (open_endpoints(engine, opts, eps, &n, err) < 0) {
		close(sfd);
		return -1;
	}
	server.engine = engine;
	server.debug = opts->debug;
	api_exec_table_init(&server.execs);
	attach_waits_init(&server.attach);
	for (size_t i = 0; i < n; i++) {
		if (eps[i].tcp)
			fprintf(stderr, "berth daemon: API listening on %s (%s:%s, %s)\n",
				eps[i].address, eps[i].host[0] ? eps[i].host : "*", eps[i].port,
				eps[i].tls_server ? "TLS" : "no TLS");
		else
			fprintf(stderr, "berth daemon: API listening on %s\n", eps[i].address);
	}
	for (;;) {
		for (size_t i = 0; i < n; i++)
			pfd[i] = (struct pollfd){.fd = eps[i].fd, .events = POLLIN};
		pfd[n] = (struct pollfd){.fd = sfd, .events = POLLIN};
		if (poll(pfd, n + 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			berr_sys(err, "waiting for clients");
			break;
		}
		if (pfd[n].revents) {
			struct signalfd_siginfo si;
			if (read(sfd, &si, sizeof(si)) <= 0)
				continue;
			/* dockerd reloads its configuration on SIGHUP; berth's is
			 * read when it starts */
			if (si.ssi_signo == SIGHUP) {
				fprintf(stderr, "berth daemon: Hangup: nothing reloaded (daemon.json is "
						"read at start: restart the daemon to apply it)\n");
				continue;
			}
			fprintf(stderr, "berth daemon: %s: stopping\n", strsignal((int)si.ssi_signo));
			break;
		}
		for (size_t i = 0; i < n; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			int fd = accept4(eps[i].fd, NULL, NULL, SOCK_CLOEXEC);
			if (fd >= 0) {
				start_connection(&server, &eps[i], fd);
			} else if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
				   errno == ENOMEM) {
				/* out of descriptors: the client waits in the backlog
				 * while connections end, rather than this loop spinning */
				struct timespec pause = {0, 100 * 1000000L};
				nanosleep(&pause, NULL);
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		api_endpoint_close(&eps[i]);
	close(sfd);
	/* the containers go on: only this process's requests end */
	return err->kind == BERR_NONE ? 0 : -1;
}
