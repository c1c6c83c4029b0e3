/* Receivers' addresses (see log_address.h), read as Go's url.Parse and
 * net.SplitHostPort read them for Docker's drivers. */
#include "engine/logging/log_address.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Splits "scheme://rest"; *scheme is "" when there is none. */
static void split_scheme(const char *s, char *scheme, size_t n, const char **rest)
{
	const char *sep = strstr(s, "://");
	if (!sep || (size_t)(sep - s) >= n) {
		scheme[0] = '\0';
		*rest = s;
		return;
	}
	snprintf(scheme, n, "%.*s", (int)(sep - s), s);
	*rest = sep + 3;
}

/* "host:port", "[v6]:port", "host" into a; returns 1 when the port is
 * missing, 0 when present, -1 when malformed. */
static int split_host_port(const char *hp, struct log_address *a)
{
	const char *colon;
	size_t hlen;

	if (hp[0] == '[') {
		const char *end = strchr(hp, ']');
		if (!end)
			return -1;
		hlen = (size_t)(end - hp - 1);
		if (hlen >= sizeof(a->host))
			return -1;
		memcpy(a->host, hp + 1, hlen);
		a->host[hlen] = '\0';
		if (!end[1])
			return 1;
		if (end[1] != ':')
			return -1;
		colon = end + 1;
	} else {
		colon = strrchr(hp, ':');
		if (colon && strchr(hp, ':') != colon)
			return -1; /* "too many colons" */
		hlen = colon ? (size_t)(colon - hp) : strlen(hp);
		if (hlen >= sizeof(a->host))
			return -1;
		memcpy(a->host, hp, hlen);
		a->host[hlen] = '\0';
		if (!colon)
			return 1;
	}
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || port < 0 || port > 65535)
		return -1;
	a->port = (int)port;
	return 0;
}

/* A unix path that must name an existing socket (Docker stats it). */
static int unix_path(const char *path, struct log_address *a, berr *err)
{
	struct stat st;
	if (!*path || strlen(path) >= sizeof(a->path))
		return berr_set(err, BERR_INVALID, "path is empty or too long: '%s'", path);
	if (stat(path, &st) < 0)
		return berr_set(err, BERR_INVALID, "stat %s: no such file or directory", path);
	snprintf(a->path, sizeof(a->path), "%s", path);
	return 0;
}

int log_address_parse_syslog(const char *s, struct log_address *a, berr *err)
{
	char scheme[16];
	const char *rest;

	memset(a, 0, sizeof(*a));
	if (!s || !*s) {
		a->transport = LOG_LOCAL_SYSLOG;
		return 0;
	}
	split_scheme(s, scheme, sizeof(scheme), &rest);
	if (strcmp(scheme, "unix") == 0 || strcmp(scheme, "unixgram") == 0) {
		a->transport = scheme[4] ? LOG_UNIXGRAM : LOG_UNIX;
		return unix_path(rest[0] == '/' ? rest : rest - 1, a, err);
	}
	if (strcmp(scheme, "udp") == 0)
		a->transport = LOG_UDP;
	else if (strcmp(scheme, "tcp") == 0)
		a->transport = LOG_TCP;
	else if (strcmp(scheme, "tcp+tls") == 0)
		a->transport = LOG_TLS;
	else
		return berr_set(err, BERR_INVALID, "unsupported scheme: '%s'", scheme);
	char hp[300];
	snprintf(hp, sizeof(hp), "%.*s", (int)strcspn(rest, "/?#"), rest);
	int r = split_host_port(hp, a);
	if (r < 0)
		return berr_set(err, BERR_INVALID, "address %s: invalid address", hp);
	if (r == 1)
		a->port = 514;
	return 0;
}

int log_address_parse_gelf(const char *s, struct log_address *a, berr *err)
{
	char scheme[16];
	const char *rest;

	memset(a, 0, sizeof(*a));
	if (!s || !*s)
		return berr_set(err, BERR_INVALID, "gelf-address is a required parameter");
	split_scheme(s, scheme, sizeof(scheme), &rest);
	if (strcmp(scheme, "udp") == 0)
		a->transport = LOG_UDP;
	else if (strcmp(scheme, "tcp") == 0)
		a->transport = LOG_TCP;
	else
		return berr_set(err, BERR_INVALID, "gelf: endpoint needs to be TCP or UDP");
	char hp[300];
	snprintf(hp, sizeof(hp), "%.*s", (int)strcspn(rest, "/?#"), rest);
	if (split_host_port(hp, a) != 0)
		return berr_set(err, BERR_INVALID,
				"gelf: please provide gelf-address as proto://host:port");
	return 0;
}

int log_address_parse_fluentd(const char *s, struct log_address *a, berr *err)
{
	char scheme[16];
	const char *rest;

	memset(a, 0, sizeof(*a));
	a->transport = LOG_TCP;
	snprintf(a->host, sizeof(a->host), "127.0.0.1");
	a->port = 24224;
	if (!s || !*s)
		return 0;
	split_scheme(s, scheme, sizeof(scheme), &rest);
	if (strcmp(scheme, "unix") == 0) {
		a->transport = LOG_UNIX;
		const char *path = rest[0] == '/' ? rest : rest - 1;
		if (!path[strspn(path, "/")])
			return berr_set(err, BERR_INVALID, "invalid fluentd-address %s: path is empty",
					s);
		snprintf(a->path, sizeof(a->path), "%s", path);
		return 0;
	}
	if (scheme[0] && strcmp(scheme, "tcp") != 0 && strcmp(scheme, "tls") != 0)
		return berr_set(err, BERR_INVALID,
				"invalid fluentd-address %s: unsupported scheme: '%s'", s, scheme);
	if (strcmp(scheme, "tls") == 0)
		a->transport = LOG_TLS;
	size_t hlen = strcspn(rest, "/?#");
	if (rest[hlen] == '/' && rest[hlen + 1])
		return berr_set(err, BERR_INVALID,
				"invalid fluentd-address %s: should not contain a path element", s);
	char hp[300];
	snprintf(hp, sizeof(hp), "%.*s", (int)hlen, rest);
	struct log_address parsed = *a;
	int r = split_host_port(hp, &parsed);
	if (r < 0)
		return berr_set(err, BERR_INVALID, "invalid fluentd-address %s: invalid port", s);
	if (parsed.host[0])
		snprintf(a->host, sizeof(a->host), "%s", parsed.host);
	if (r == 0)
		a->port = parsed.port;
	return 0;
}

int log_syslog_facility(const char *name)
{
	static const char *const names[] = {
		"kern",	  "user",   "mail",   "daemon", "auth",	  "syslog", "lpr",    "news",
		"uucp",	  "cron",   "authpriv", "ftp",  "",	  "",	    "",	      "",
		"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
	char *end;

	if (!name || !*name)
		return 3 << 3; /* daemon */
	for (int i = 0; i < 24; i++)
		if (names[i][0] && strcmp(name, names[i]) == 0)
			return i << 3;
	long n = strtol(name, &end, 10);
	if (*end || n < 0 || n > 23)
		return -1;
	return (int)n << 3;
}

void log_address_format(const struct log_address *a, char *out, size_t size)
{
	static const char *const kinds[] = {"udp", "tcp", "tls", "unix", "unixgram", "local"};
	if (a->transport == LOG_UNIX || a->transport == LOG_UNIXGRAM)
		snprintf(out, size, "%s %s", kinds[a->transport], a->path);
	else if (a->transport == LOG_LOCAL_SYSLOG)
		snprintf(out, size, "local /dev/log");
	else
		snprintf(out, size, "%s %s %d", kinds[a->transport], a->host, a->port);
}
