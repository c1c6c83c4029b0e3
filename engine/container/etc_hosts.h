/* A container's /etc/hosts (<bundle>/hosts, bind-mounted by the monitor):
 * Docker's lines, the --add-host entries, then the container's own
 * addresses with its hostname. Written at create, again at every start
 * (its addresses are leased then). */
#ifndef BERTH_CONTAINER_ETC_HOSTS_H
#define BERTH_CONTAINER_ETC_HOSTS_H

#include <jansson.h>

#include "engine/core/error.h"

/* own: "<address>\t<hostname>\n" lines, or NULL. host_gateway: what
 * "host-gateway" in --add-host stands for ("" when the container has no
 * network of berth's: the entry is then refused). */
int etc_hosts_write(const char *bundle, json_t *host_config, const char *own,
		    const char *host_gateway, berr *err);
/* The same, written into the file itself: a running container has it
 * bind-mounted, and a rename would leave it the old one. */
int etc_hosts_rewrite(const char *bundle, json_t *host_config, const char *own,
		      const char *host_gateway, berr *err);

/* Docker's check of one --add-host entry ("name:ip" or "name=ip"). */
int etc_hosts_check_entry(const char *entry, berr *err);

#endif
