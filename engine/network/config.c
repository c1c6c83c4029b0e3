/* daemon.json's network keys (see config.h). */
#include "engine/network/config.h"

#include "engine/core/daemon_config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int network_config_load(struct network_config *out, berr *err)
{
	json_t *root, *v, *pool;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (daemon_config_read(&root, err) < 0)
		return -1;
	if ((v = json_object_get(root, "bip"))) {
		const char *text = json_string_value(v);
		char addr[IPV4_ADDR_TEXT + 4];
		const char *slash = text ? strchr(text, '/') : NULL;
		if (!slash || (size_t)(slash - text) >= sizeof(addr) ||
		    !ipv4_parse_prefix(text, &out->bip_net) ||
		    (snprintf(addr, sizeof(addr), "%.*s", (int)(slash - text), text),
		     !ipv4_parse_addr(addr, &out->bip_gateway)) ||
		    out->bip_gateway == out->bip_net.addr) {
			int rc = daemon_config_bad(err, "invalid bip: %s", text ? text : "(not a string)");
			json_decref(root);
			return rc;
		}
		out->has_bip = true;
	}
	json_array_foreach(json_object_get(root, "default-address-pools"), i, pool) {
		const char *base = json_string_value(json_object_get(pool, "base"));
		json_int_t size = json_integer_value(json_object_get(pool, "size"));
		struct ipam_pool *p = &out->pools[out->npools];
		if (out->npools == NETWORK_CONFIG_POOLS_MAX || !base ||
		    !ipv4_parse_prefix(base, &p->base) || size < (json_int_t)p->base.len ||
		    size > 30) {
			int rc = daemon_config_bad(err, "invalid default-address-pools entry: %s", base ? base : "(no base)");
			json_decref(root);
			return rc;
		}
		p->size = (unsigned)size;
		out->npools++;
	}
	if ((v = json_object_get(root, "mtu"))) {
		json_int_t mtu = json_integer_value(v);
		if (!json_is_integer(v) || mtu < 68 || mtu > 65535) {
			int rc = daemon_config_bad(err, "%s", "invalid mtu");
			json_decref(root);
			return rc;
		}
		out->mtu = (unsigned)mtu;
	}
	if ((v = json_object_get(root, "ip"))) {
		uint32_t a;
		const char *text = json_string_value(v);
		if (!text || !ipv4_parse_addr(text, &a)) {
			int rc = daemon_config_bad(err, "invalid ip: %s", text ? text : "(not a string)");
			json_decref(root);
			return rc;
		}
		snprintf(out->ip, sizeof(out->ip), "%s", text);
	}
	/* icc: false stops traffic between the default bridge's containers */
	out->icc = !json_is_false(json_object_get(root, "icc"));
	if ((v = json_object_get(root, "ipv6")) && !json_is_boolean(v)) {
		int rc = daemon_config_bad(err, "%s", "ipv6 must be true or false");
		json_decref(root);
		return rc;
	}
	out->ipv6 = json_is_true(v);
	if ((v = json_object_get(root, "fixed-cidr-v6"))) {
		const char *text = json_string_value(v);
		struct ipv6_prefix p;
		if (!text || !ipv6_parse_prefix(text, &p) || p.len > 126) {
			int rc = daemon_config_bad(err, "invalid fixed-cidr-v6: %s", text ? text : "(not a string)");
			json_decref(root);
			return rc;
		}
		ipv6_format_prefix(&p, out->fixed_cidr_v6);
	}
	if ((v = json_object_get(root, "userland-proxy")) && !json_is_boolean(v)) {
		int rc = daemon_config_bad(err, "%s", "userland-proxy must be true or false");
		json_decref(root);
		return rc;
	}
	if ((v = json_object_get(root, "default-network-opts"))) {
		if (!json_is_object(v)) {
			int rc = daemon_config_bad(err, "%s", "default-network-opts must be an object");
			json_decref(root);
			return rc;
		}
		out->default_opts = json_incref(v);
	}
	json_decref(root);
	return 0;
}

void network_config_free(struct network_config *c)
{
	json_decref(c->default_opts);
	c->default_opts = NULL;
}
