/* The network keys of berth's daemon.json (BERTH_CONFIG, else
 * /etc/berth/daemon.json), as Docker's daemon.json has them: bip,
 * default-address-pools, mtu, ip, default-network-opts, icc; userland-proxy is
 * accepted (berth has no proxy: published ports are always the kernel's
 * DNAT); ipv6 and fixed-cidr-v6 give the default bridge IPv6.
 * Other keys are left to the subsystems that read them. Read by every
 * berth process that needs them: a missing file is the defaults. */
#ifndef BERTH_NETWORK_CONFIG_H
#define BERTH_NETWORK_CONFIG_H

#include <jansson.h>
#include <stdbool.h>

#include "engine/core/error.h"
#include "engine/network/ipam.h"
#include "engine/network/ipam6.h"

#define NETWORK_CONFIG_POOLS_MAX 32

struct network_config {
	bool has_bip;                /* bip: the default bridge's gateway/prefix */
	struct ipv4_prefix bip_net;
	uint32_t bip_gateway;
	struct ipam_pool pools[NETWORK_CONFIG_POOLS_MAX];
	size_t npools;               /* 0: Docker's default pools */
	unsigned mtu;                /* the default bridge's; 0: the kernel's */
	char ip[16];                 /* where -p without an address binds */
	bool ipv6;                   /* the default bridge has IPv6 */
	char fixed_cidr_v6[IPV6_PREFIX_TEXT]; /* its subnet; "": a ULA one */
	json_t *default_opts;        /* driver -> {option: value} */
	bool icc;                    /* the default bridge's containers reach each other */
};

/* The file's network keys, checked: Docker's words for a bad file
 * ("unable to configure the berth engine with file ...: ..."). */
int network_config_load(struct network_config *out, berr *err);
void network_config_free(struct network_config *c);

#endif
