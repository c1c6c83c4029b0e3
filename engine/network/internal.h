/* Inside the network subsystem: a network's row, its SQL (record.c), the
 * operations of the network commands (network.c). */
#ifndef BERTH_NETWORK_INTERNAL_H
#define BERTH_NETWORK_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/engine.h"
#include "engine/network/ipam.h"
#include "engine/network/network.h"
#include "engine/store/store.h"

/* The bridge of the default network, and the prefix of every link berth makes. */
#define NETWORK_DEFAULT_BRIDGE "berth0"
#define NETWORK_LINK_PREFIX "berth"

struct network {
	char id[65];
	char name[256];
	char driver[32];    /* bridge, host, null */
	int64_t created;    /* unix ns */
	char subnet[IPV4_PREFIX_TEXT];
	char gateway[IPV4_ADDR_TEXT];
	char ip_range[IPV4_PREFIX_TEXT];
	json_t *aux;        /* object: name -> address */
	bool internal;
	char bridge[16];    /* the link's name; "" for host and none */
	json_t *labels;     /* object of strings */
	json_t *options;    /* object of strings: -o */
};

void network_free(struct network *n);

/* --- rows (record.c) ------------------------------------------------------ */

int network_insert(struct store *st, const struct network *n, berr *err);
/* By full name, then full id, then unique id prefix, as Docker looks
 * networks up; BERR_NOT_FOUND "network <ref> not found". */
int network_lookup(struct store *st, const char *ref, struct network *out, berr *err);
/* Every network, by name (*out malloc'd; free with network_free_all). */
int network_load_all(struct store *st, struct network **out, size_t *count, berr *err);
void network_free_all(struct network *list, size_t count);
int network_delete_row(struct store *st, const char *id, berr *err);
/* The containers with an endpoint on the network (a new array of ids). */
json_t *network_endpoint_containers(struct store *st, const char *network_id, berr *err);

/* --- operations (network.c) ---------------------------------------------- */

/* network create: Docker's body {Name, Driver, Internal, Labels, Options,
 * IPAM: {Config: [{Subnet, Gateway, IPRange, AuxiliaryAddresses}]}}. */
int network_create(struct engine *engine, json_t *body, struct network *out, berr *err);
/* network rm of one network (by name, id or prefix). */
int network_remove(struct engine *engine, const char *ref, berr *err);
/* Docker's network inspect object. */
json_t *network_inspect_json(struct engine *engine, const struct network *n);
/* The predefined networks (bridge, host, none) made when missing, and
 * berth's links that no network owns any more removed. */
int network_startup(struct engine *engine, berr *err);

#endif
