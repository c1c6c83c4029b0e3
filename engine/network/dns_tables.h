/* The names each user network resolves, for the containers' resolvers
 * (the monitor's berth-dns process, engine/runtime/shim/dns.c): one file
 * per network in <run root>/network/dns, named by the network's id, with
 * "name address" lines for every running container on it (its name with
 * the network's, "web.back", first: PTR answers it; then its name, its
 * short id, its aliases; an IPv6 address is a line of its own), and one
 * per running container, c-<id>, listing the networks whose names it
 * sees (first DNS_LIST_INTERNAL when all its networks are internal). Rebuilt whole from the store, as
 * committed, whenever an address is leased or given back (start, stop,
 * connect, disconnect); a resolver reads the files again as soon as one
 * changes, so the change is visible to the next query. The directory and
 * files are root's, readable by group 65534 (the resolver's) and no one
 * else. The default bridge resolves no names, as Docker's. */
#ifndef BERTH_NETWORK_DNS_TABLES_H
#define BERTH_NETWORK_DNS_TABLES_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/engine.h"

struct network;

void dns_tables_dir(struct engine *engine, char *out, size_t n);
bool dns_network_resolves(const struct network *n);
int dns_tables_write(struct engine *engine, berr *err);

#endif
