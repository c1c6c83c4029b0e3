/* Endpoints, TLS material and daemon.json limits of registries (see hosts.h). */
#include "engine/registry/hosts.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "engine/core/daemon_config.h"
#include "engine/core/fsutil.h"

#define SYSTEM_CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"

static const char *certs_dir(void)
{
	const char *d = getenv("BERTH_CERTS_D");

	return d && *d ? d : "/etc/berth/certs.d";
}

/* "host" of "host:port" or "[v6]:port" (no brackets). */
static void domain_host(const char *domain, char *out, size_t size)
{
	const char *colon;

	if (domain[0] == '[') {
		const char *end = strchr(domain, ']');
		snprintf(out, size, "%.*s", end ? (int)(end - domain - 1) : 0, domain + 1);
		return;
	}
	colon = strchr(domain, ':');
	snprintf(out, size, "%.*s", colon ? (int)(colon - domain) : (int)strlen(domain), domain);
}

/* Whether addr (a binary v4 or v6 address of family af) is in "a.b.c.d/n" or "x::/n". */
static bool cidr_contains(const char *cidr, int af, const unsigned char *addr)
{
	char net_text[INET6_ADDRSTRLEN + 1];
	unsigned char net[16];
	const char *slash = strchr(cidr, '/');
	int bits, size = af == AF_INET ? 4 : 16;

	if (!slash || (size_t)(slash - cidr) >= sizeof(net_text))
		return false;
	snprintf(net_text, sizeof(net_text), "%.*s", (int)(slash - cidr), cidr);
	if (inet_pton(af, net_text, net) != 1)
		return false;
	bits = atoi(slash + 1);
	if (bits < 0 || bits > size * 8)
		return false;
	for (int i = 0; i < size; i++) {
		int take = bits >= 8 ? 8 : bits > 0 ? bits : 0;
		unsigned char mask = (unsigned char)(take ? 0xff << (8 - take) : 0);

		if ((addr[i] & mask) != (net[i] & mask))
			return false;
		bits -= take;
	}
	return true;
}

/* Docker's isSecureIndex: a name listed as insecure, or an address of the
 * host in an insecure CIDR (loopback always). */
static bool insecure_in(json_t *config, const char *domain)
{
	static const char *const always[] = {"127.0.0.0/8", "::1/128"};
	json_t *list = json_object_get(config, "insecure-registries"), *v;
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
	char host[256];
	bool insecure = false;
	size_t i;

	json_array_foreach(list, i, v)
		if (json_string_value(v) && strcmp(json_string_value(v), domain) == 0)
			return true;
	domain_host(domain, host, sizeof(host));
	if (getaddrinfo(host, NULL, &hints, &res) != 0)
		return false;
	for (struct addrinfo *ai = res; ai && !insecure; ai = ai->ai_next) {
		const unsigned char *addr;
		int af = ai->ai_family;

		if (af == AF_INET)
			addr = (const unsigned char *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;
		else if (af == AF_INET6)
			addr = (const unsigned char *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		else
			continue;
		for (size_t k = 0; k < 2 && !insecure; k++)
			insecure = cidr_contains(always[k], af, addr);
		json_array_foreach(list, i, v)
			if (json_string_value(v) && cidr_contains(json_string_value(v), af, addr))
				insecure = true;
	}
	freeaddrinfo(res);
	return insecure;
}

bool registry_is_insecure(const char *domain, berr *err)
{
	json_t *config;
	bool insecure;

	if (daemon_config_read(&config, err) < 0)
		return false;
	insecure = insecure_in(config, domain);
	json_decref(config);
	return insecure;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Appends a file to a growing buffer. */
static int append_file(const char *path, char **buf, size_t *len, berr *err)
{
	char *data;
	size_t n;
	char *bigger;

	if (fs_read_file(path, &data, &n, err) < 0)
		return -1;
	bigger = realloc(*buf, *len + n + 2);
	if (!bigger) {
		free(data);
		return berr_errno(err, ENOMEM, "read %s", path);
	}
	*buf = bigger;
	memcpy(*buf + *len, data, n);
	*len += n;
	(*buf)[(*len)++] = '\n';
	(*buf)[*len] = '\0';
	free(data);
	return 0;
}

/* certs.d/<host:port>: CAs (*.crt) added to the system's, and a client
 * certificate (*.cert with its *.key), as Docker reads the directory. */
static int load_certs(const char *name, struct registry_transport *t, berr *err)
{
	char dir[4096];
	struct dirent **names = NULL;
	int n, ret = 0;

	snprintf(dir, sizeof(dir), "%s/%s", certs_dir(), name);
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0)
		return errno == ENOENT || errno == ENOTDIR ? 0 : berr_sys(err, "read %s", dir);
	for (int i = 0; i < n; i++) {
		const char *f = names[i]->d_name;
		char path[8300];

		snprintf(path, sizeof(path), "%s/%s", dir, f);
		if (ret == 0 && has_suffix(f, ".crt")) {
			if (!t->ca_bundle && append_file(SYSTEM_CA_BUNDLE, &t->ca_bundle,
							 &t->ca_bundle_len, NULL) < 0)
				t->ca_bundle_len = 0; /* no system bundle: only ours */
			ret = append_file(path, &t->ca_bundle, &t->ca_bundle_len, err);
		} else if (ret == 0 && has_suffix(f, ".cert")) {
			char key[8300];

			snprintf(key, sizeof(key), "%.*s.key", (int)(strlen(path) - 5), path);
			if (access(key, R_OK) < 0)
				ret = berr_set(err, BERR_INVALID, "missing key %.*s.key for client certificate %s",
					       (int)(strlen(f) - 5), f, f);
			snprintf(t->client_cert, sizeof(t->client_cert), "%s", path);
			snprintf(t->client_key, sizeof(t->client_key), "%s", key);
		} else if (ret == 0 && has_suffix(f, ".key")) {
			char cert[8300];

			snprintf(cert, sizeof(cert), "%.*s.cert", (int)(strlen(path) - 4), path);
			if (access(cert, R_OK) < 0)
				ret = berr_set(err, BERR_INVALID, "missing client certificate %.*s.cert for key %s",
					       (int)(strlen(f) - 4), f, f);
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

/* The proxies of daemon.json, when it names any. */
static void load_proxies(json_t *config, struct registry_transport *t)
{
	json_t *p = json_object_get(config, "proxies");
	const char *v;

	if ((v = json_string_value(json_object_get(p, "http-proxy"))))
		snprintf(t->proxy_http, sizeof(t->proxy_http), "%s", v);
	if ((v = json_string_value(json_object_get(p, "https-proxy"))))
		snprintf(t->proxy_https, sizeof(t->proxy_https), "%s", v);
	if ((v = json_string_value(json_object_get(p, "no-proxy"))))
		snprintf(t->no_proxy, sizeof(t->no_proxy), "%s", v);
}

/* Adds one endpoint: base URL, TLS material of its host. */
static int add_endpoint(json_t *config, struct registry_endpoints *out, const char *scheme,
			const char *host, bool verify, bool mirror, berr *err)
{
	struct registry_endpoint *e;

	if (out->count == REGISTRY_ENDPOINTS_MAX)
		return 0;
	e = &out->list[out->count];
	memset(e, 0, sizeof(*e));
	snprintf(e->base, sizeof(e->base), "%s://%s", scheme, host);
	e->mirror = mirror;
	e->transport.verify = verify;
	load_proxies(config, &e->transport);
	if (strcmp(scheme, "https") == 0 && load_certs(host, &e->transport, err) < 0) {
		free(e->transport.ca_bundle);
		return -1;
	}
	out->count++;
	return 0;
}

/* A mirror URL ("https://mirror:5000/", "http://10.0.0.1") as an endpoint. */
static int add_mirror(json_t *config, struct registry_endpoints *out, const char *url, berr *err)
{
	char host[600];
	const char *rest;
	bool tls;

	if (strncmp(url, "https://", 8) == 0)
		tls = true, rest = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		tls = false, rest = url + 7;
	else
		return daemon_config_bad(err, "invalid mirror: unsupported scheme in %s", url);
	snprintf(host, sizeof(host), "%.*s", (int)strcspn(rest, "/"), rest);
	if (!*host)
		return daemon_config_bad(err, "invalid mirror: no host in %s", url);
	return add_endpoint(config, out, tls ? "https" : "http", host,
			    !tls || !insecure_in(config, host), true, err);
}

int registry_endpoints_for(const char *domain, bool for_push, struct registry_endpoints *out,
			   berr *err)
{
	json_t *config, *mirrors, *v;
	const char *host = strcmp(domain, "docker.io") == 0 ? "registry-1.docker.io" : domain;
	bool insecure;
	size_t i;
	int ret = -1;

	memset(out, 0, sizeof(*out));
	if (daemon_config_read(&config, err) < 0)
		return -1;
	if (!for_push) {
		mirrors = strcmp(domain, "docker.io") == 0
				  ? json_object_get(config, "registry-mirrors")
				  : json_object_get(json_object_get(config, "registry-mirrors-for"), domain);
		json_array_foreach(mirrors, i, v)
			if (json_string_value(v) && add_mirror(config, out, json_string_value(v), err) < 0)
				goto out;
	}
	insecure = insecure_in(config, domain);
	if (add_endpoint(config, out, "https", host, !insecure, false, err) < 0)
		goto out;
	if (insecure && add_endpoint(config, out, "http", host, false, false, err) < 0)
		goto out;
	ret = 0;
out:
	json_decref(config);
	if (ret < 0)
		registry_endpoints_free(out);
	return ret;
}

void registry_endpoints_free(struct registry_endpoints *eps)
{
	for (size_t i = 0; i < eps->count; i++)
		free(eps->list[i].transport.ca_bundle);
	eps->count = 0;
}

/* A positive integer key, or its default. */
static int limit(json_t *config, const char *key, int fallback, int *out, berr *err)
{
	json_t *v = json_object_get(config, key);

	if (!v) {
		*out = fallback;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 1000)
		return daemon_config_bad(err, "invalid %s: must be a positive number", key);
	*out = (int)json_integer_value(v);
	return 0;
}

int registry_limits_load(struct registry_limits *out, berr *err)
{
	json_t *config;
	int ret;

	if (daemon_config_read(&config, err) < 0)
		return -1;
	ret = limit(config, "max-concurrent-downloads", 3, &out->max_concurrent_downloads, err) < 0 ||
			      limit(config, "max-concurrent-uploads", 5, &out->max_concurrent_uploads, err) < 0 ||
			      limit(config, "max-download-attempts", 5, &out->max_download_attempts, err) < 0
		      ? -1
		      : 0;
	json_decref(config);
	return ret;
}
