/* The daemon's listening endpoints (endpoint.h). */
#include "api/endpoint.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netdb.h>
#include <sys/un.h>
#include <unistd.h>

#include "engine/core/alloc.h"

#define SD_LISTEN_FDS_START 3

/* One setting after '?': access=ro, allow=METHOD:/path,..., group=NAME. */
static int parse_setting(char *q, struct api_endpoint *e, berr *err)
{
	if (strcmp(q, "access=ro") == 0) {
		e->access = API_ACCESS_READ_ONLY;
		return 0;
	}
	if (strncmp(q, "group=", 6) == 0) {
		struct group *g = q[6] ? getgrnam(q + 6) : NULL;
		if (!g)
			return berr_set(err, BERR_INVALID, "%s: group %s not found", e->address, q + 6);
		e->gid = g->gr_gid;
		e->own_group = true;
		return 0;
	}
	if (strncmp(q, "allow=", 6) != 0 || !q[6])
		return berr_set(err, BERR_INVALID,
				"%s: unknown endpoint setting \"%s\" (access=ro, allow=METHOD:/path,..., "
				"group=NAME)",
				e->address, q);
	e->access = API_ACCESS_ALLOW_LIST;
	json_decref(e->allow);
	e->allow = json_array();
	char *list = xstrdup(q + 6), *save = NULL;
	for (char *item = strtok_r(list, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');
		if (!colon || colon == item || colon[1] != '/') {
			berr_set(err, BERR_INVALID,
				 "%s: \"%s\" is not METHOD:/path (e.g. GET:/containers/json)",
				 e->address, item);
			free(list);
			return -1;
		}
		*colon = '\0';
		/* methods in any case; paths as the router sees them, without /v1.NN */
		for (char *m = item; *m; m++)
			*m = (char)toupper((unsigned char)*m);
		const char *path = colon + 1;
		if (path[1] == 'v' && path[2] >= '0' && path[2] <= '9' && strchr(path + 1, '/'))
			path = strchr(path + 1, '/');
		json_array_append_new(e->allow, json_pack("[s, s]", item, path));
	}
	free(list);
	return 0;
}

/* The settings after '?', joined by '&'. */
static int parse_settings(const char *q, struct api_endpoint *e, berr *err)
{
	char *copy = xstrdup(q), *save = NULL;
	int rc = 0;

	for (char *one = strtok_r(copy, "&", &save); one && rc == 0; one = strtok_r(NULL, "&", &save))
		rc = parse_setting(one, e, err);
	free(copy);
	return rc;
}

int api_endpoint_parse(const char *address, struct api_endpoint *e, berr *err)
{
	char base[512];
	const char *q;

	memset(e, 0, sizeof(*e));
	e->fd = -1;
	e->passed_fd = -1;
	snprintf(e->address, sizeof(e->address), "%s", address);
	q = strchr(address, '?');
	snprintf(base, sizeof(base), "%.*s", q ? (int)(q - address) : (int)strlen(address), address);
	if (q && parse_settings(q + 1, e, err) < 0)
		return -1;
	if (strncmp(base, "unix://", 7) == 0) {
		const char *path = base + 7;
		if (path[0] != '/')
			return berr_set(err, BERR_INVALID, "%s: the socket's path must be absolute",
					address);
		if (strlen(path) >= sizeof(e->path))
			return berr_set(err, BERR_INVALID, "%s: the socket's path is too long", address);
		snprintf(e->path, sizeof(e->path), "%s", path);
		return 0;
	}
	if (strncmp(base, "fd://", 5) == 0) {
		if (base[5]) {
			char *end;
			long n = strtol(base + 5, &end, 10);
			if (*end || n < SD_LISTEN_FDS_START)
				return berr_set(err, BERR_INVALID, "%s: not a passed descriptor", address);
			e->passed_fd = (int)n;
		}
		return 0;
	}
	if (strncmp(base, "tcp://", 6) == 0) {
		const char *hp = base + 6, *colon;
		e->tcp = true;
		if (hp[0] == '[') {
			const char *close = strchr(hp, ']');
			if (!close)
				return berr_set(err, BERR_INVALID, "%s: bad IPv6 address", address);
			snprintf(e->host, sizeof(e->host), "%.*s", (int)(close - hp - 1), hp + 1);
			colon = close[1] == ':' ? close + 1 : NULL;
		} else {
			colon = strrchr(hp, ':');
			snprintf(e->host, sizeof(e->host), "%.*s",
				 colon ? (int)(colon - hp) : (int)strlen(hp), hp);
		}
		/* no port: dockerd's, chosen once it is known whether TLS is used */
		snprintf(e->port, sizeof(e->port), "%s", colon && colon[1] ? colon + 1 : "");
		if (strspn(e->port, "0123456789") != strlen(e->port) || atoi(e->port) > 65535)
			return berr_set(err, BERR_INVALID, "%s: bad port", address);
		return 0;
	}
	return berr_set(err, BERR_INVALID,
			"%s: unsupported address (unix:///path, tcp://host:port or fd://)", address);
}

/* Whether something answers on the socket path. */
static bool socket_answers(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool live;

	if (fd < 0)
		return false;
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	live = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
	close(fd);
	return live;
}

static int listen_unix(struct api_endpoint *e, gid_t gid, berr *err)
{
	if (e->own_group)
		gid = e->gid;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	struct stat st;
	mode_t old;
	int fd;

	if (lstat(e->path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return berr_set(err, BERR_CONFLICT, "%s exists and is not a socket", e->path);
		if (socket_answers(e->path))
			return berr_set(err, BERR_CONFLICT,
					"%s: another daemon is listening there already", e->path);
		unlink(e->path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return berr_sys(err, "creating a socket for %s", e->address);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", e->path);
	/* made 0600, then opened to the group once its owner is right */
	old = umask(0177);
	int rc = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (rc < 0) {
		berr_sys(err, "listening on %s", e->path);
		close(fd);
		return -1;
	}
	e->made_socket = true;
	if (gid != (gid_t)-1 && chown(e->path, 0, gid) < 0) {
		berr_sys(err, "giving %s to group %u", e->path, (unsigned)gid);
		goto fail;
	}
	if (chmod(e->path, gid != (gid_t)-1 ? 0660 : 0600) < 0) {
		berr_sys(err, "setting the mode of %s", e->path);
		goto fail;
	}
	if (listen(fd, 512) < 0) {
		berr_sys(err, "listening on %s", e->path);
		goto fail;
	}
	e->fd = fd;
	return 0;
fail:
	close(fd);
	unlink(e->path);
	e->made_socket = false;
	return -1;
}

/* The descriptors systemd's socket activation passed to this process. */
static int passed_fds(int *count)
{
	const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");

	*count = 0;
	if (!pid || !fds || atol(pid) != (long)getpid())
		return -1;
	*count = atoi(fds);
	return *count > 0 ? 0 : -1;
}

static int listen_passed(struct api_endpoint *e, struct api_endpoint *more, size_t max,
			 size_t *nmore, berr *err)
{
	int count;

	if (passed_fds(&count) < 0)
		return berr_set(err, BERR_INVALID,
				"%s: no sockets were passed to this process (LISTEN_FDS, LISTEN_PID: "
				"run it from berth.socket)",
				e->address);
	for (int i = 0; i < count; i++) {
		int fd = SD_LISTEN_FDS_START + i;
		if (e->passed_fd >= 0 && fd != e->passed_fd)
			continue;
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		if (e->fd < 0) {
			e->fd = fd;
		} else if (*nmore < max) {
			more[*nmore] = *e;
			more[*nmore].fd = fd;
			more[*nmore].allow = json_incref(e->allow);
			(*nmore)++;
		}
	}
	if (e->fd < 0)
		return berr_set(err, BERR_INVALID, "%s: that descriptor was not passed",
				e->address);
	return 0;
}

static int listen_tcp(struct api_endpoint *e, berr *err)
{
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				 .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
	struct addrinfo *res = NULL;
	int one = 1, fd, rc;

	rc = getaddrinfo(e->host[0] ? e->host : NULL, e->port, &hints, &res);
	if (rc != 0)
		return berr_set(err, BERR_INVALID, "%s: %s", e->address, gai_strerror(rc));
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		freeaddrinfo(res);
		return berr_sys(err, "creating a socket for %s", e->address);
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 512) < 0) {
		berr_sys(err, "listening on %s", e->address);
		freeaddrinfo(res);
		close(fd);
		return -1;
	}
	freeaddrinfo(res);
	e->fd = fd;
	return 0;
}

int api_endpoint_listen(struct api_endpoint *e, gid_t gid, struct api_endpoint *more,
			size_t max, size_t *nmore, berr *err)
{
	if (e->tcp)
		return listen_tcp(e, err);
	if (e->path[0])
		return listen_unix(e, gid, err);
	return listen_passed(e, more, max, nmore, err);
}

void api_endpoint_close(struct api_endpoint *e)
{
	if (e->fd >= 0)
		close(e->fd);
	if (e->made_socket)
		unlink(e->path);
	json_decref(e->allow);
	e->fd = -1;
	e->allow = NULL;
	e->made_socket = false;
}

/* A path against an allow-list pattern: '*' is one segment. */
static bool path_matches(const char *pattern, const char *path)
{
	while (*pattern && *path) {
		if (*pattern == '*') {
			path += strcspn(path, "/");
			pattern++;
			continue;
		}
		if (*pattern != *path)
			return false;
		pattern++;
		path++;
	}
	return *pattern == '\0' && (*path == '\0' || strcmp(path, "/") == 0);
}

bool api_endpoint_allows(const struct api_endpoint *e, const struct api_route *route,
			 const char *method, const char *path)
{
	json_t *pair;
	size_t i;

	if (strcmp(path, "/_ping") == 0 || strcmp(path, "/version") == 0)
		return true;
	switch (e->access) {
	case API_ACCESS_FULL:
		return true;
	case API_ACCESS_READ_ONLY:
		return !(route->flags & (API_ROUTE_WRITE | API_ROUTE_OUTBOUND));
	case API_ACCESS_ALLOW_LIST:
		json_array_foreach(e->allow, i, pair)
			if (strcmp(json_string_value(json_array_get(pair, 0)), method) == 0 &&
			    path_matches(json_string_value(json_array_get(pair, 1)), path))
				return true;
		return false;
	}
	return false;
}
