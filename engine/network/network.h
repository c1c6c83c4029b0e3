/* Networks: the default bridge and user-defined bridge networks with their
 * addresses (IPAM), the predefined host and none, the kernel links and
 * nftables rules behind them, and a container's place on them. */
#ifndef BERTH_NETWORK_NETWORK_H
#define BERTH_NETWORK_NETWORK_H

#include <jansson.h>
#include <stdbool.h>

#include "engine/core/engine.h"
#include "engine/store/store.h"

extern const struct engine_module network_module;

/* --- a container's networks (attach.c) ----------------------------------- */

/* Whether HostConfig.NetworkMode names a network (not host, none or
 * container:<id>). */
bool network_mode_is_network(const char *mode);

/* At create, inside the caller's transaction: the networks of
 * HostConfig.NetworkMode ("" and "default" are "bridge"; a name, id or id
 * prefix) and of NetworkingConfig.EndpointsConfig (name -> {Aliases,
 * IPAMConfig: {IPv4Address}, MacAddress}), checked as Docker checks them
 * and recorded; NetworkMode becomes the network's name (or host, none). */
int network_container_create(struct store *st, const char *container_id,
			     const char *container_name, json_t *host_config, json_t *endpoints,
			     berr *err);

/* What a start gets of its networks. */
struct network_sandbox {
	int netns_fd;    /* the namespace the container joins; -1: no network */
	int dns_fd;      /* 127.0.0.11:53 in it, for the resolver; -1: none */
	char *hosts;     /* "<address>\t<hostname>\n" per network (malloc'd) */
	char gateway[16]; /* its first network's gateway ("host-gateway") */
	char dns_dir[4096];    /* the resolver's tables (dns_tables.h) */
	json_t *dns_tables;    /* the tables of its networks (names in dns_dir) */
	json_t *dns_upstreams; /* where other names go: --dns, else the host's */
	/* ports published on [::1]: listeners on the host, relayed by the
	 * monitor to proxy_targets ("<address> <port>") */
	int proxy_fds[16];
	char proxy_targets[16][64];
	size_t nproxy;
};

/* At start: addresses and published ports (PortBindings, PublishAllPorts
 * with config's ExposedPorts) leased, bridges and firewall made when
 * missing, the namespace made with a veth per network. A container with
 * no endpoint (host, none, container:) gets netns_fd -1. A failure
 * leaves nothing leased. network_sandbox_close frees what it holds. */
int network_container_start(struct engine *engine, const char *id, json_t *config,
			    json_t *host_config, struct network_sandbox *out, berr *err);
void network_sandbox_close(struct network_sandbox *s);

/* What a release changed, for network_refresh after the commit. */
#define NETWORK_CHANGED_LEASES 1u /* the name tables */
#define NETWORK_CHANGED_PORTS 2u  /* the firewall */

/* Inside the caller's transaction, once the container has stopped: its
 * addresses and ports given back; *changes says what network_refresh
 * must rebuild after the commit. */
int network_container_release(struct engine *engine, struct store *st, const char *id,
			      unsigned *changes, berr *err);
void network_refresh(struct engine *engine, unsigned changes);
/* The same in a transaction of its own, and refreshed. */
void network_container_stopped(struct engine *engine, const char *id);

/* At rename, inside the caller's transaction: its endpoints carry the
 * new name (then network_refresh: the names tables). */
int network_container_renamed(struct store *st, const char *id, const char *name, berr *err);

/* At removal, inside the caller's transaction: its endpoints gone. */
int network_container_removed(struct engine *engine, struct store *st, const char *id,
			      unsigned *changes, berr *err);

/* network connect: an endpoint for the container on the network (a name,
 * id or prefix; settings as NetworkingConfig's); a running one (netns_fd,
 * its namespace, >= 0) gets its address and link eth<n> at once. The network's id and name
 * into net_id and net_name. Docker's refusals: connected already, a
 * container of host, none or container: mode, the host and none networks. */
int network_container_connect(struct engine *engine, const char *id, const char *name,
			      const char *mode, const char *ref, json_t *settings, int netns_fd,
			      char net_id[65], char net_name[256], berr *err);
/* network disconnect: the endpoint gone (its link first, when running),
 * and the published ports with it when it was the first network. */
int network_container_disconnect(struct engine *engine, const char *id, const char *ref,
				 int netns_fd, char net_id[65], char net_name[256], berr *err);
/* After a connect or disconnect killed midway (its intent): every leased
 * endpoint of the running container whose link is not up in its
 * namespace (the kernel is the truth) loses its row, then its link, as a
 * disconnect; *changed when one did. -1 when it could not be settled
 * (the intent stays for the next berth). */
int network_container_reconcile(struct engine *engine, const char *id, int netns_fd,
				bool *changed);
/* The container's lines of /etc/hosts now ("<address>\t<hostname>\n" per
 * leased address, malloc'd), and its first network's gateway. */
char *network_container_hosts(struct engine *engine, const char *id, const char *hostname,
			      char gateway[16]);

/* --- what a container shows of them (settings.c) ------------------------- */

/* Docker's NetworkSettings: Networks (every endpoint, with its address
 * while running), Ports, the legacy top-level fields of "bridge", and the
 * SandboxKey (/proc/<pid>/ns/net while running). */
json_t *network_container_settings(struct engine *engine, const char *id, json_t *config,
				   json_t *host_config, int pid, bool running);

/* The Ports of a ps row: [{IP, PrivatePort, PublicPort, Type}], and the
 * exposed ports without a binding ({PrivatePort, Type}); [] when stopped. */
json_t *network_container_ports(struct engine *engine, const char *id, json_t *config,
				 bool running);

#endif
