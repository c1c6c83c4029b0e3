/* berth's nftables tables: one `ip` table per data root ("berth" for
 * /var/lib/berth, "berth-<8 hex>" for any other), and an `ip6` table of
 * the same name while some network has IPv6, rebuilt whole, in one
 * atomic transaction, from the store: masquerade out of every bridge
 * network but internal ones, no traffic between two networks, none in or
 * out of an internal one, the published ports (DNAT, from other hosts,
 * the host's own addresses, 127.0.0.1 and containers), and no way from a
 * container to the host's 127.0.0.0/8. Nothing else on the host is ever
 * touched: not Docker's or Podman's rules, not the host firewall's.
 *
 * Rebuilds are serialised by a lock file in the run root and read the
 * store as committed when they hold it, so the last one always writes
 * what the store says. A table a crash left stale is right again at the
 * next rebuild; every change of networks or published ports makes one. */
#ifndef BERTH_NETWORK_FIREWALL_H
#define BERTH_NETWORK_FIREWALL_H

#include <stdbool.h>

#include "engine/core/engine.h"

/* Rebuilds the table from the store. */
int firewall_apply(struct engine *engine, berr *err);

/* Whether the table is there (one netlink round trip): a reboot, or a
 * host firewall that flushed every table, leaves none. */
bool firewall_present(struct engine *engine);

/* A "firewall" intent of this process, before rows of published ports go
 * (their rules stay until the rebuild); ended once a rebuild succeeded.
 * The next berth rebuilds for the intent of a dead process (startup). */
int firewall_intent_begin(struct engine *engine, berr *err);
void firewall_intent_end(struct engine *engine);
/* Rebuilds for the intents dead processes left, and ends them. */
void firewall_finish_intents(struct engine *engine);

/* Removes the table (no network left that needs it). */
int firewall_remove(struct engine *engine, berr *err);

#endif
