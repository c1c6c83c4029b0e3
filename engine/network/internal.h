/* Inside the network subsystem: a network's row, its SQL (record.c), the
 * operations of the network commands (network.c). */
#ifndef BERTH_NETWORK_INTERNAL_H
#define BERTH_NETWORK_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/engine.h"
#include "engine/network/ipam.h"
#include "engine/network/ipam6.h"
#include "engine/network/network.h"
#include "engine/store/store.h"

/* The bridge of the default network, the prefix of every link berth
 * makes (bridges berth-<id>, veths berthv<hex>), and its nftables table. */
#define NETWORK_DEFAULT_BRIDGE "berth0"
#define NETWORK_LINK_PREFIX "berth"
#define NETWORK_VETH_PREFIX "berthv"
#define NETWORK_TABLE "berth"
/* Docker's option keys a bridge network takes. */
#define OPT_BRIDGE_NAME "com.docker.network.bridge.name"
#define OPT_MTU "com.docker.network.driver.mtu"

struct network {
	char id[65];
	char name[256];
	char driver[32];    /* bridge, host, null */
	int64_t created;    /* unix ns */
	char subnet[IPV4_PREFIX_TEXT];
	char gateway[IPV4_ADDR_TEXT];
	char ip_range[IPV4_PREFIX_TEXT];
	char subnet6[IPV6_PREFIX_TEXT]; /* "": no IPv6 */
	char gateway6[IPV6_ADDR_TEXT];
	unsigned subnet_given; /* NETWORK_GIVEN_*: the user's subnets */
	json_t *aux;        /* object: name -> address */
	bool internal;
	char bridge[16];    /* the link's name; "" for host and none */
	json_t *labels;     /* object of strings */
	json_t *options;    /* object of strings: -o */
};

#define NETWORK_GIVEN_V4 1u
#define NETWORK_GIVEN_V6 2u

void network_free(struct network *n);

/* base itself for the data root /var/lib/berth, base-<8 hex of the
 * root's path> for any other: two engines on one host never share a
 * bridge or a table. */
void network_instance_name(struct engine *engine, const char *base, char out[16]);
/* The MTU a network's links get (-o com.docker.network.driver.mtu), 0 = default. */
unsigned network_mtu(const struct network *n);
/* The network's link made, or kept, as its row says (bridge.c): a
 * bridge with its gateways, or the parent berth made for a macvlan or
 * ipvlan network; *created (when not NULL) tells a new bridge. */
int network_link_ensure(const struct network *n, bool *created, berr *err);

/* --- rows (record.c) ------------------------------------------------------ */

int network_insert(struct store *st, const struct network *n, berr *err);
/* By full name, then full id, then unique id prefix, as Docker looks
 * networks up; BERR_NOT_FOUND "network <ref> not found". */
int network_lookup(struct store *st, const char *ref, struct network *out, berr *err);
/* By full id only (an endpoint's network): one query. */
int network_by_id(struct store *st, const char *id, struct network *out, berr *err);
/* Every network, by name (*out malloc'd; free with network_free_all). */
int network_load_all(struct store *st, struct network **out, size_t *count, berr *err);
void network_free_all(struct network *list, size_t count);
int network_delete_row(struct store *st, const char *id, berr *err);
/* Writes a network's subnets, gateways and options (daemon.json's bip,
 * mtu, ipv6 and fixed-cidr-v6 for the default bridge). */
int network_update_ipam(struct store *st, const struct network *n, berr *err);
/* The containers with a live endpoint (an address leased: running) on
 * the network (a new array of ids). */
json_t *network_endpoint_containers(struct store *st, const char *network_id, berr *err);
/* The running containers with an address (a new object: id -> whether
 * one of its networks is not internal: its names may leave). */
json_t *network_containers_with_way_out(struct store *st, berr *err);

/* --- endpoints and published ports (endpoint_record.c) ------------------ */

/* A container's place on a network: from its create (or connect) to its
 * removal (or disconnect); address, mac and endpoint_id while it runs. */
struct endpoint {
	char network_id[65];
	char container_id[65];
	char address[IPV4_ADDR_TEXT]; /* "" when not running */
	char address6[IPV6_ADDR_TEXT]; /* "" when not running or no IPv6 */
	char mac[18];
	char endpoint_id[65];
	int position;                 /* eth<position> */
	json_t *aliases;              /* array of strings */
	json_t *config;               /* {Network, Container, IPv4Address, IPv6Address,
				       * MacAddress} asked */
};

/* One host port forwarded to a container while it runs. */
struct published_port {
	char container_id[65];
	char proto[8];                /* tcp udp sctp */
	char host_ip[IPV6_ADDR_TEXT]; /* 0.0.0.0, ::: every address of the host */
	int host_port;
	int container_port;
	char address[IPV6_ADDR_TEXT]; /* the container's, of host_ip's family */
};

void endpoint_free(struct endpoint *e);
void endpoint_free_all(struct endpoint *list, size_t count);
/* A conflict "endpoint with name <c> already exists in network <n>". */
int endpoint_insert(struct store *st, const struct endpoint *e, berr *err);
/* A container's endpoints, eth0's first. */
int endpoint_load_container(struct store *st, const char *container_id, struct endpoint **out,
			    size_t *count, berr *err);
int endpoint_load_network(struct store *st, const char *network_id, struct endpoint **out,
			  size_t *count, berr *err);
/* Writes address, mac and endpoint_id; an address another endpoint of the
 * network holds is the conflict "Address already in use". */
int endpoint_set_lease(struct store *st, const struct endpoint *e, berr *err);
/* A stopped container's addresses and ports given back. */
int endpoint_clear_leases(struct store *st, const char *container_id, berr *err);
/* A removed container's endpoints and ports gone. */
int endpoint_delete_container(struct store *st, const char *container_id, berr *err);
/* The container's name in its endpoints' config (rename). */
int endpoint_rename(struct store *st, const char *container_id, const char *name, berr *err);
/* One endpoint gone (disconnect); a container's published ports gone. */
int endpoint_delete(struct store *st, const char *network_id, const char *container_id, berr *err);
int endpoint_delete_ports(struct store *st, const char *container_id, berr *err);
/* A removed network's endpoints (of stopped containers) gone. */
int endpoint_delete_network(struct store *st, const char *network_id, berr *err);
/* Whether the container holds an address or a port (true when unsure). */
bool endpoint_container_has_leases(struct store *st, const char *container_id);

/* A conflict "Bind for <ip>:<port> failed: port is already allocated". */
int port_insert(struct store *st, const struct published_port *p, berr *err);
int port_load_all(struct store *st, struct published_port **out, size_t *count, berr *err);
int port_load_container(struct store *st, const char *container_id,
			struct published_port **out, size_t *count, berr *err);

/* --- operations (network.c) ---------------------------------------------- */

/* network create: Docker's body {Name, Driver, Internal, Labels, Options,
 * IPAM: {Config: [{Subnet, Gateway, IPRange, AuxiliaryAddresses}]}}. */
int network_create(struct engine *engine, json_t *body, struct network *out, berr *err);
/* network rm of one network (by name, id or prefix). */
int network_remove(struct engine *engine, const char *ref, berr *err);
/* Docker's network inspect object. */
json_t *network_inspect_json(struct engine *engine, const struct network *n);
/* Before the default bridge's link is made (a first start, a reboot),
 * inside the caller's transaction: its subnet, picked from the pools when
 * its row was made, may since have been taken by a link of the host
 * (another data root's default bridge, Docker's docker0): it moves to a
 * free one while no container holds an address on it; a bip that
 * overlaps is refused. n is updated. */
int network_default_bridge_recheck(struct store *st, struct network *n, berr *err);
/* The predefined networks (bridge, host, none) made when missing, and
 * berth's links that no network owns any more removed. */
int network_startup(struct engine *engine, berr *err);

#endif
