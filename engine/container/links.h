/* --link, Docker's legacy links: at create, each "name[:alias]" names a
 * container that exists and is written as Docker writes it
 * ("/name:/me/alias"); at start, the linked container must run, and the
 * new one gets its line of /etc/hosts ("<ip>\t<alias> <short id> <name>")
 * and Docker's variables: ALIAS_NAME, ALIAS_PORT and ALIAS_PORT_<n>_<PROTO>
 * (with _ADDR, _PORT, _PROTO) for each exposed port, and ALIAS_ENV_<KEY>
 * for its environment but HOME and PATH. */
#ifndef BERTH_CONTAINER_LINKS_H
#define BERTH_CONTAINER_LINKS_H

#include "engine/container/internal.h"
#include "engine/core/strbuf.h"

int container_links_normalize(struct engine *engine, json_t *host_config, const char *me,
			      berr *err);
int container_links_start(struct engine *engine, const struct container *c, struct strbuf *hosts,
			  json_t *env, berr *err);

#endif
