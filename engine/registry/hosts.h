/* Where a registry is reached and how: its endpoints (mirrors first, then
 * the registry itself; https, and for an insecure registry https without
 * verification then plain http), the TLS material of
 * /etc/berth/certs.d/<host:port>/ (BERTH_CERTS_D overrides the directory)
 * and the daemon.json keys of registries:
 *   insecure-registries      names ("host:port") and CIDRs; 127.0.0.0/8
 *                            and ::1 are always insecure, as in Docker
 *   registry-mirrors         mirrors of Docker Hub
 *   registry-mirrors-for     {"host:port": [mirror URLs]}: any registry's
 *   max-concurrent-downloads (3), max-concurrent-uploads (5),
 *   max-download-attempts    (5)
 *   proxies                  {"http-proxy", "https-proxy", "no-proxy"};
 *                            else HTTPS_PROXY, HTTP_PROXY, NO_PROXY */
#ifndef BERTH_REGISTRY_HOSTS_H
#define BERTH_REGISTRY_HOSTS_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/error.h"

/* How to talk to one endpoint. */
struct registry_transport {
	bool verify;        /* check the server's certificate */
	char *ca_bundle;    /* system CAs plus certs.d's *.crt; NULL: libcurl's default */
	size_t ca_bundle_len;
	char client_cert[4096]; /* certs.d's <name>.cert and <name>.key, or "" */
	char client_key[4096];
	char proxy_http[512], proxy_https[512], no_proxy[1024]; /* from daemon.json, or "" */
};

struct registry_endpoint {
	char base[600]; /* "https://host:port" or "http://host:port", no slash */
	bool mirror;
	struct registry_transport transport;
};

#define REGISTRY_ENDPOINTS_MAX 16

struct registry_endpoints {
	struct registry_endpoint list[REGISTRY_ENDPOINTS_MAX];
	size_t count;
};

struct registry_limits {
	int max_concurrent_downloads;
	int max_concurrent_uploads;
	int max_download_attempts;
};

/* The endpoints for a registry domain ("docker.io", "localhost:5000"),
 * mirrors first unless for_push (a push goes to the registry itself). */
int registry_endpoints_for(const char *domain, bool for_push, struct registry_endpoints *out,
			   berr *err);
void registry_endpoints_free(struct registry_endpoints *eps);

/* The daemon.json limits, defaults filled in. */
int registry_limits_load(struct registry_limits *out, berr *err);

/* True when the registry is insecure (daemon.json or loopback). */
bool registry_is_insecure(const char *domain, berr *err);

#endif
