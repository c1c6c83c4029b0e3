/* network connect and disconnect: the container's side (its lookup, its
 * lock, its /etc/hosts, the events); the network's side is
 * network_container_connect and _disconnect.
 *
 *   network.connect    {"network", "Container", "EndpointConfig"} -> {}
 *   network.disconnect {"network", "Container", "Force"} -> {}
 *
 * A running container's change is under a "netchange" intent: a berth
 * killed between the row and the link leaves it, and the next berth
 * makes the two agree (container_finish_netchange). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/container/etc_hosts.h"
#include "engine/container/internal.h"
#include "engine/container/netns.h"
#include "engine/core/intent.h"
#include "engine/network/network.h"

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* A running container's /etc/hosts, its addresses as they are now. */
static void rewrite_hosts(struct engine *engine, const struct container *c)
{
	char bundle[PATH_MAX], gateway[16];
	char *own = network_container_hosts(engine, c->id, str(c->config, "Hostname"), gateway);

	container_bundle_dir(engine, c->id, bundle, sizeof(bundle));
	etc_hosts_rewrite(bundle, c->host_config, own, gateway, NULL);
	free(own);
}

static int change(struct cmd_ctx *ctx, json_t *args, bool connect, berr *err)
{
	struct engine *engine = cmd_engine(ctx);
	const char *network = str(args, "network"), *ref = str(args, "Container");
	char net_id[65], net_name[256];
	struct container c;
	int lock, rc;

	if (!*network || !*ref)
		return berr_set(err, BERR_INVALID, "a network and a container are required");
	if (container_find(engine, ref, &c, err) < 0)
		return -1;
	lock = container_lock(engine, c.id, true, err);
	if (lock < 0) {
		container_free(&c);
		return -1;
	}
	/* what the row says under the lock decides: running or not */
	struct container now;
	if (container_find(engine, c.id, &now, err) < 0) {
		container_unlock(lock);
		container_free(&c);
		return -1;
	}
	container_free(&c);
	c = now;
	/* a running container's namespace by descriptor, never by pid */
	int netns = -1;
	if (container_is_active(&c) && (netns = container_netns_open(engine, &c, err)) < 0) {
		container_unlock(lock);
		container_free(&c);
		return -1;
	}
	/* a running container's link and row change apart: a berth killed
	 * in between leaves this intent, and the next one reconciles */
	char intent[PATH_MAX] = "";
	if (netns >= 0 && intent_begin(engine, "netchange", c.id, intent, sizeof(intent), err) < 0) {
		close(netns);
		container_unlock(lock);
		container_free(&c);
		return -1;
	}
	if (connect)
		rc = network_container_connect(engine, c.id, c.name,
					       str(c.host_config, "NetworkMode"), network,
					       json_object_get(args, "EndpointConfig"), netns, net_id,
					       net_name, err);
	else
		rc = network_container_disconnect(engine, c.id, network, netns, net_id, net_name,
						  err);
	if (rc == 0) {
		if (netns >= 0)
			rewrite_hosts(engine, &c);
		engine_emit(engine, "network", connect ? "connect" : "disconnect", net_id,
			    json_pack("{s:s, s:s, s:s}", "container", c.id, "name", net_name, "type",
				      "bridge"));
	}
	if (netns >= 0)
		close(netns);
	intent_end(intent);
	container_unlock(lock);
	container_free(&c);
	return rc;
}

bool container_finish_netchange(struct engine *engine, const char *id)
{
	struct container c;
	bool settled = true, changed = false;
	int lock, netns;

	/* gone, or not running: its namespace went with it */
	if (container_find(engine, id, &c, NULL) < 0)
		return true;
	if (container_is_active(&c)) {
		settled = false;
		if ((lock = container_lock(engine, c.id, true, NULL)) >= 0) {
			if ((netns = container_netns_open(engine, &c, NULL)) >= 0) {
				settled = network_container_reconcile(engine, c.id, netns, &changed) == 0;
				if (changed)
					rewrite_hosts(engine, &c);
				close(netns);
			}
			container_unlock(lock);
		}
	}
	container_free(&c);
	return settled;
}

static int cmd_connect(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	if (change(ctx, args, true, err) < 0)
		return -1;
	*result = json_object();
	return 0;
}

static int cmd_disconnect(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	if (change(ctx, args, false, err) < 0)
		return -1;
	*result = json_object();
	return 0;
}

const struct engine_command container_network_commands[] = {
	{"network.connect", cmd_connect},
	{"network.disconnect", cmd_disconnect},
	{NULL, NULL},
};
