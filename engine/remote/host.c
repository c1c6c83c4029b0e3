/* Docker's host strings: opts.ParseHost for -H and $DOCKER_HOST, and the
 * client's and ssh helper's checks, with Go's net/url rules where docker
 * leans on them. */
#include "engine/remote/host.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/remote/files.h"

#define DEFAULT_TCP_PORT "2375"
#define DEFAULT_UNIX_SOCKET "/var/run/docker.sock"
#define DEFAULT_NAMED_PIPE "//./pipe/docker_engine"
#define UNIX_PATH_MAX 108 /* sizeof(struct sockaddr_un.sun_path) */

/* A URL cut into the parts Go's url.Parse gives, as offsets into a copy. */
struct url_parts {
	char scheme[32];
	char user[256];
	bool has_user, has_password;
	char host[512]; /* host[:port] as written (url.URL's Host) */
	char hostname[512];
	char path[1024];
	char query[256];
	char fragment[256];
};

/* Sets err to Go's *url.Error: `parse "raw": msg`. */
static int url_error(berr *err, const char *raw, const char *msg)
{
	char quoted[1100];

	return berr_set(err, BERR_INVALID, "parse %s: %s",
			remote_go_quote(raw, quoted, sizeof(quoted)), msg);
}

/* Go's validOptionalPort: "" or ":" followed by digits only. */
static bool valid_optional_port(const char *port)
{
	if (!*port)
		return true;
	if (*port != ':')
		return false;
	for (port++; *port; port++)
		if (!isdigit((unsigned char)*port))
			return false;
	return true;
}

/* Whether Go's url package takes c unescaped in a host name. */
static bool host_char_ok(unsigned char c)
{
	return c >= 0x80 || isalnum(c) || strchr("-._~!$&'()*+,;=:[]<>\"%", c);
}

/* Go's parseHost: an [IPv6] literal or a name, then an optional port. */
static int parse_host(const char *raw, const char *host, struct url_parts *u, berr *err)
{
	const char *colon, *end = host + strlen(host);
	char msg[600], quoted[560];

	if (host[0] == '[') {
		const char *close = strrchr(host, ']');
		if (!close)
			return url_error(err, raw, "missing ']' in host");
		if (!valid_optional_port(close + 1))
			goto bad_port;
		snprintf(u->hostname, sizeof(u->hostname), "%.*s", (int)(close - host - 1), host + 1);
	} else {
		colon = strrchr(host, ':');
		if (colon && !valid_optional_port(colon))
			goto bad_port;
		snprintf(u->hostname, sizeof(u->hostname), "%.*s",
			 (int)((colon ? colon : end) - host), host);
	}
	for (const char *p = host; *p; p++) {
		if (!host_char_ok((unsigned char)*p)) {
			snprintf(msg, sizeof(msg), "invalid character %s in host name",
				 remote_go_quote((char[]){*p, '\0'}, quoted, sizeof(quoted)));
			return url_error(err, raw, msg);
		}
	}
	snprintf(u->host, sizeof(u->host), "%s", host);
	return 0;
bad_port:
	colon = host[0] == '[' ? strrchr(host, ']') + 1 : strrchr(host, ':');
	snprintf(msg, sizeof(msg), "invalid port %s after host",
		 remote_go_quote(colon, quoted, sizeof(quoted)));
	return url_error(err, raw, msg);
}

/* Go's getScheme: letters, then letters, digits, '+', '-' or '.', up to
 * a ':'. 0 when raw has no scheme, -1 for "missing protocol scheme". */
static int url_scheme(const char *raw, size_t *len)
{
	for (size_t i = 0; raw[i]; i++) {
		unsigned char c = (unsigned char)raw[i];
		if (isalpha(c))
			continue;
		if (isdigit(c) || c == '+' || c == '-' || c == '.') {
			if (i == 0)
				return 0;
			continue;
		}
		if (c == ':') {
			if (i == 0)
				return -1;
			*len = i;
			return 1;
		}
		return 0;
	}
	return 0;
}

/* Go's url.Parse, as far as docker's checks of a host need it. */
static int url_parse(const char *raw, struct url_parts *u, berr *err)
{
	char rest[2048], *p, *hash, *query, *slash, *at;
	size_t scheme_len = 0;
	int has_scheme;

	memset(u, 0, sizeof(*u));
	for (const char *c = raw; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return url_error(err, raw, "net/url: invalid control character in URL");
	snprintf(rest, sizeof(rest), "%s", raw);
	if ((hash = strchr(rest, '#'))) {
		*hash = '\0';
		snprintf(u->fragment, sizeof(u->fragment), "%s", hash + 1);
	}
	if ((has_scheme = url_scheme(rest, &scheme_len)) < 0)
		return url_error(err, raw, "missing protocol scheme");
	p = rest;
	if (has_scheme) {
		snprintf(u->scheme, sizeof(u->scheme), "%.*s", (int)scheme_len, rest);
		for (char *c = u->scheme; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		p += scheme_len + 1;
	}
	if ((query = strchr(p, '?'))) {
		*query = '\0';
		snprintf(u->query, sizeof(u->query), "%s", query + 1);
	}
	if (strncmp(p, "//", 2) != 0) {
		snprintf(u->path, sizeof(u->path), "%s", p);
		return 0; /* no authority: an opaque URL or a bare path */
	}
	p += 2;
	slash = strchr(p, '/');
	if (slash) {
		snprintf(u->path, sizeof(u->path), "%s", slash);
		*slash = '\0';
	}
	if ((at = strrchr(p, '@'))) {
		*at = '\0';
		u->has_user = true;
		u->has_password = strchr(p, ':') != NULL;
		snprintf(u->user, sizeof(u->user), "%.*s", (int)strcspn(p, ":"), p);
		p = at + 1;
	}
	return parse_host(raw, p, u, err);
}

int remote_host_check_helper(const char *host, berr *err)
{
	struct url_parts u;
	char quoted[300];
	const char *why = NULL;

	if (url_parse(host, &u, err) < 0)
		return -1;
	if (strcmp(u.scheme, "ssh") != 0)
		return 0;
	if (u.has_password)
		why = "plain-text password is not supported";
	else if (!u.hostname[0])
		why = "hostname is empty";
	if (why)
		return berr_set(err, BERR_INVALID,
				"ssh host connection is not valid: invalid SSH URL: %s", why);
	if (u.query[0])
		return berr_set(err, BERR_INVALID,
				"ssh host connection is not valid: invalid SSH URL: query parameters "
				"are not allowed: %s",
				remote_go_quote(u.query, quoted, sizeof(quoted)));
	if (u.fragment[0])
		return berr_set(err, BERR_INVALID,
				"ssh host connection is not valid: invalid SSH URL: fragments are not "
				"allowed: %s",
				remote_go_quote(u.fragment, quoted, sizeof(quoted)));
	return 0;
}

int remote_host_check_client(const char *host, berr *err)
{
	const char *sep = strstr(host, "://"), *addr;
	char quoted[1100];
	struct url_parts u;

	if (!sep || !sep[3])
		return berr_set(err, BERR_INVALID, "unable to parse docker host `%s`", host);
	addr = sep + 3;
	if (sep - host == 3 && strncmp(host, "tcp", 3) == 0) {
		char url[2048];
		snprintf(url, sizeof(url), "tcp://%s", addr);
		return url_parse(url, &u, err);
	}
	if (sep - host == 4 && strncmp(host, "unix", 4) == 0 && strlen(addr) > UNIX_PATH_MAX)
		return berr_set(err, BERR_INVALID, "unix socket path %s is too long",
				remote_go_quote(addr, quoted, sizeof(quoted)));
	if (sep - host == 5 && strncmp(host, "npipe", 5) == 0)
		return berr_set(err, BERR_UNSUPPORTED, "protocol not available");
	return 0;
}

bool remote_host_skips_tls(const char *host)
{
	static const char *const schemes[] = {"unix://", "npipe://", "fd://", "ssh://"};

	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncmp(host, schemes[i], strlen(schemes[i])) == 0)
			return true;
	return false;
}

/* Go's net.SplitHostPort: "host:port" or "[host]:port", no other colon
 * or bracket. */
static bool split_host_port(const char *hostport, char *host, size_t hsize, char *port,
			    size_t psize)
{
	const char *colon = strrchr(hostport, ':'), *rest = hostport;

	if (!colon)
		return false; /* missing port in address */
	if (hostport[0] == '[') {
		const char *close = strchr(hostport, ']');
		if (!close || close + 1 != colon)
			return false;
		snprintf(host, hsize, "%.*s", (int)(close - hostport - 1), hostport + 1);
		if (strchr(hostport + 1, '['))
			return false;
		rest = close + 1;
	} else {
		if (strchr(hostport, ':') != colon || strchr(hostport, '['))
			return false; /* too many colons, or a stray bracket */
		snprintf(host, hsize, "%.*s", (int)(colon - hostport), hostport);
	}
	if (strchr(rest, ']'))
		return false;
	snprintf(port, psize, "%s", colon + 1);
	return true;
}

/* Go's net.JoinHostPort: brackets around a host with a colon. */
static void join_host_port(const char *host, const char *port, char *out, size_t size)
{
	snprintf(out, size, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
}

/* Docker's ParseTCPAddr with its default tcp://localhost:2375. */
static int parse_tcp(const char *try_addr, char *out, size_t size, berr *err)
{
	char addr[1100], url[1200], host[600], port[64], joined[700];
	struct url_parts u;
	const char *a = try_addr;

	if (!*a || strcmp(a, "tcp://") == 0) {
		snprintf(out, size, "tcp://localhost:" DEFAULT_TCP_PORT);
		return 0;
	}
	if (strncmp(a, "tcp://", 6) == 0)
		a += 6;
	if (strstr(a, "://") || !*a)
		return berr_set(err, BERR_INVALID, "invalid proto, expected tcp: %s", try_addr);
	snprintf(addr, sizeof(addr), "%s", a);
	if (strlen(addr) >= 2 && strcmp(addr + strlen(addr) - 2, "]:") == 0)
		strncat(addr, DEFAULT_TCP_PORT, sizeof(addr) - strlen(addr) - 1);
	snprintf(url, sizeof(url), "tcp://%s", addr);
	if (url_parse(url, &u, err) < 0)
		return -1;
	if (!split_host_port(u.host, host, sizeof(host), port, sizeof(port))) {
		join_host_port(u.host, DEFAULT_TCP_PORT, joined, sizeof(joined));
		if (!split_host_port(joined, host, sizeof(host), port, sizeof(port)))
			return berr_set(err, BERR_INVALID, "invalid bind address format: %s", try_addr);
	}
	if (!host[0])
		snprintf(host, sizeof(host), "localhost");
	if (!port[0])
		snprintf(port, sizeof(port), DEFAULT_TCP_PORT);
	join_host_port(host, port, joined, sizeof(joined));
	snprintf(out, size, "tcp://%s%s", joined, u.path);
	return 0;
}

/* Docker's parseSimpleProtoAddr: "unix://" or "npipe://" and a path. */
static int parse_simple(const char *proto, const char *addr, const char *fallback, char *out,
			size_t size, berr *err)
{
	size_t plen = strlen(proto);

	if (strncmp(addr, proto, plen) == 0 && strncmp(addr + plen, "://", 3) == 0)
		addr += plen + 3;
	if (strstr(addr, "://"))
		return berr_set(err, BERR_INVALID, "invalid proto, expected %s: %s", proto, addr);
	snprintf(out, size, "%s://%s", proto, *addr ? addr : fallback);
	return 0;
}

int remote_host_parse(const char *value, char *out, size_t size, berr *err)
{
	char host[1100];
	const char *start = value, *sep;
	size_t len;

	while (isspace((unsigned char)*start))
		start++;
	len = strlen(start);
	while (len && isspace((unsigned char)start[len - 1]))
		len--;
	snprintf(host, sizeof(host), "%.*s", (int)len, start);
	out[0] = '\0';
	if (!host[0])
		return 0;
	if (!(sep = strstr(host, "://")))
		return parse_tcp(host, out, size, err);
	if (sep - host == 3 && strncmp(host, "tcp", 3) == 0)
		return parse_tcp(sep + 3, out, size, err);
	if (sep - host == 4 && strncmp(host, "unix", 4) == 0)
		return parse_simple("unix", sep + 3, DEFAULT_UNIX_SOCKET, out, size, err);
	if (sep - host == 5 && strncmp(host, "npipe", 5) == 0)
		return parse_simple("npipe", sep + 3, DEFAULT_NAMED_PIPE, out, size, err);
	if ((sep - host == 2 && strncmp(host, "fd", 2) == 0) ||
	    (sep - host == 3 && strncmp(host, "ssh", 3) == 0)) {
		snprintf(out, size, "%s", host);
		return 0;
	}
	return berr_set(err, BERR_INVALID, "invalid bind address format: %s", host);
}
