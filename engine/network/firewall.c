/* berth's nftables table, rebuilt from the store (see firewall.h). */
#include "engine/network/firewall.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <nftables/libnftables.h>

#include "engine/core/fsutil.h"
#include "engine/core/intent.h"
#include "engine/core/strbuf.h"
#include "engine/network/config.h"
#include "engine/network/internal.h"

#define OPT_ICC "com.docker.network.bridge.enable_icc"
#define OPT_MASQUERADE "com.docker.network.bridge.enable_ip_masquerade"

static bool option_false(const struct network *n, const char *key)
{
	const char *v = json_string_value(json_object_get(n->options, key));

	return v && (strcmp(v, "false") == 0 || strcmp(v, "0") == 0);
}

/* `{ "a", "b" }` of every bridge network's link; false when there is none. */
static bool bridge_set(const struct network *all, size_t n, struct strbuf *out)
{
	bool any = false;

	strbuf_adds(out, "{ ");
	for (size_t i = 0; i < n; i++)
		if (all[i].bridge[0] && strcmp(all[i].driver, "bridge") == 0) {
			strbuf_addf(out, "%s\"%s\"", any ? ", " : "", all[i].bridge);
			any = true;
		}
	strbuf_adds(out, " }");
	return any;
}

/* The published ports of one family: IPv4's (host_ip a dotted quad)
 * in the ip table, IPv6's in the ip6 one. */
static void published_rules(struct strbuf *b, const char *family,
			    const struct published_port *ports, size_t n)
{
	bool v6 = strcmp(family, "ip6") == 0;

	strbuf_adds(b, "\tchain published {\n");
	for (size_t i = 0; i < n; i++) {
		const struct published_port *p = &ports[i];

		/* other families' ports, and [::1]'s, which the monitor relays */
		if ((strchr(p->host_ip, ':') != NULL) != v6 || strcmp(p->host_ip, "::1") == 0)
			continue;
		strbuf_adds(b, "\t\t");
		if (strcmp(p->host_ip, v6 ? "::" : "0.0.0.0") != 0)
			strbuf_addf(b, "%s daddr %s ", family, p->host_ip);
		if (v6)
			strbuf_addf(b, "%s dport %d dnat to [%s]:%d\n", p->proto, p->host_port,
				    p->address, p->container_port);
		else
			strbuf_addf(b, "%s dport %d dnat to %s:%d\n", p->proto, p->host_port,
				    p->address, p->container_port);
	}
	strbuf_adds(b, "\t}\n");
}

/* A network's subnet in the family, or NULL. */
static const char *subnet_of(const struct network *net, bool v6)
{
	const char *s = v6 ? net->subnet6 : net->subnet;

	return s[0] ? s : NULL;
}

/* One table of the family (ip: IPv4, ip6: IPv6) as nft's language; the
 * IPv6 one only carries rules when some network has IPv6. */
static void family_ruleset(struct strbuf *b, const char *family, const char *table,
			   const struct network *all, size_t n, const struct published_port *ports,
			   size_t nports)
{
	struct strbuf set = {0};
	bool bridges = bridge_set(all, n, &set), v6 = strcmp(family, "ip6") == 0;

	/* add, then delete: the delete never fails, and the new table
	 * replaces the old one in the same transaction */
	strbuf_addf(b, "add table %s %s\ndelete table %s %s\n", family, table, family, table);
	if (v6) {
		bool any = false;
		for (size_t i = 0; i < n; i++)
			any |= all[i].subnet6[0] != '\0';
		if (!any) {
			strbuf_free(&set);
			return;
		}
	}
	strbuf_addf(b, "table %s %s {\n", family, table);
	published_rules(b, family, ports, nports);
	strbuf_adds(b, "\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
		       "\t\tfib daddr type local jump published\n\t}\n"
		       "\tchain output {\n\t\ttype nat hook output priority -100; policy accept;\n");
	/* ::1 cannot be forwarded (IPv6 has no route_localnet): refused at
	 * once, a client falls back to 127.0.0.1 instead of timing out */
	if (v6)
		strbuf_adds(b, "\t\tip6 daddr ::1 return\n");
	strbuf_adds(b, "\t\tfib daddr type local jump published\n\t}\n");
	strbuf_adds(b, "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
	if (bridges && !v6)
		/* a client on 127.0.0.1: its address cannot leave the host */
		strbuf_addf(b, "\t\toifname %s ip saddr 127.0.0.0/8 masquerade\n", set.s);
	for (size_t i = 0; i < n; i++) {
		const struct network *net = &all[i];
		const char *subnet = subnet_of(net, v6);

		if (!net->bridge[0] || !subnet || strcmp(net->driver, "bridge") != 0)
			continue;
		/* a container reaching a published port of its own network
		 * through the host: the answer must come back the same way */
		strbuf_addf(b, "\t\toifname \"%s\" %s saddr %s ct status dnat masquerade\n",
			    net->bridge, family, subnet);
		if (!net->internal && !option_false(net, OPT_MASQUERADE))
			strbuf_addf(b, "\t\toifname != \"%s\" %s saddr %s masquerade\n", net->bridge,
				    family, subnet);
	}
	strbuf_adds(b, "\t}\n");
	strbuf_adds(b, "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n");
	for (size_t i = 0; i < n; i++) {
		const struct network *net = &all[i];

		if (!net->bridge[0] || strcmp(net->driver, "bridge") != 0)
			continue;
		if (net->internal)
			strbuf_addf(b, "\t\tiifname \"%s\" oifname != \"%s\" drop\n"
				       "\t\toifname \"%s\" iifname != \"%s\" drop\n",
				    net->bridge, net->bridge, net->bridge, net->bridge);
		strbuf_addf(b, "\t\tiifname \"%s\" oifname \"%s\" %s\n", net->bridge, net->bridge,
			    option_false(net, OPT_ICC) ? "drop" : "accept");
	}
	if (bridges)
		/* published ports are open to every network; otherwise no
		 * traffic between two of berth's networks, nor to or from the
		 * bridges of another data root's berth (each root's table
		 * knows only its own: the prefix covers the others') */
		strbuf_addf(b, "\t\tct status dnat accept\n\t\tiifname %s oifname %s drop\n"
			       "\t\tiifname %s oifname \"" NETWORK_LINK_PREFIX "*\" drop\n"
			       "\t\toifname %s iifname \"" NETWORK_LINK_PREFIX "*\" drop\n",
			    set.s, set.s, set.s, set.s);
	strbuf_adds(b, "\t}\n");
	if (bridges && !v6)
		/* route_localnet is on for the bridges (127.0.0.1 ports): none
		 * of it may open the host's loopback to a container */
		strbuf_addf(b, "\tchain guard {\n\t\ttype filter hook prerouting priority raw; policy accept;\n"
			       "\t\tiifname %s ip daddr 127.0.0.0/8 drop\n\t}\n",
			    set.s);
	strbuf_adds(b, "}\n");
	strbuf_free(&set);
}

/* Both tables, in one transaction. */
static void ruleset(struct strbuf *b, const char *table, const struct network *all, size_t n,
		    const struct published_port *ports, size_t nports)
{
	family_ruleset(b, "ip", table, all, n, ports, nports);
	family_ruleset(b, "ip6", table, all, n, ports, nports);
}

/* libnftables, loaded on first use: only a change of networks or ports
 * needs it, and its chain of libraries would slow every berth process. */
static struct {
	struct nft_ctx *(*ctx_new)(uint32_t flags);
	void (*ctx_free)(struct nft_ctx *ctx);
	int (*buffer_output)(struct nft_ctx *ctx);
	int (*buffer_error)(struct nft_ctx *ctx);
	const char *(*error_buffer)(struct nft_ctx *ctx);
	int (*run)(struct nft_ctx *nft, const char *buf);
} nft;
static pthread_once_t nft_once = PTHREAD_ONCE_INIT;

static void nft_load(void)
{
	void *lib = dlopen("libnftables.so.1", RTLD_NOW | RTLD_LOCAL);

	if (!lib)
		return;
	*(void **)&nft.ctx_free = dlsym(lib, "nft_ctx_free");
	*(void **)&nft.buffer_output = dlsym(lib, "nft_ctx_buffer_output");
	*(void **)&nft.buffer_error = dlsym(lib, "nft_ctx_buffer_error");
	*(void **)&nft.error_buffer = dlsym(lib, "nft_ctx_get_error_buffer");
	*(void **)&nft.run = dlsym(lib, "nft_run_cmd_from_buffer");
	if (nft.ctx_free && nft.buffer_output && nft.buffer_error && nft.error_buffer && nft.run)
		*(void **)&nft.ctx_new = dlsym(lib, "nft_ctx_new");
}

static int run_nft(const char *text, berr *err)
{
	struct nft_ctx *ctx;
	int rc;

	pthread_once(&nft_once, nft_load);
	if (!nft.ctx_new)
		return berr_set(err, BERR_SYSTEM,
				"nftables: cannot load libnftables.so.1 (install libnftables1)");
	if (!(ctx = nft.ctx_new(NFT_CTX_DEFAULT)))
		return berr_set(err, BERR_SYSTEM, "nftables: cannot start");
	nft.buffer_output(ctx);
	nft.buffer_error(ctx);
	rc = nft.run(ctx, text);
	if (rc != 0) {
		const char *msg = nft.error_buffer(ctx);
		size_t len = msg ? strcspn(msg, "\n") : 0;

		berr_set(err, BERR_SYSTEM, "nftables: %.*s", (int)len, msg ? msg : "failed");
	}
	nft.ctx_free(ctx);
	return rc != 0 ? -1 : 0;
}

static int lock_rebuilds(struct engine *engine, berr *err)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/network", engine_run_root(engine));
	if (fs_mkdir_p(path, 0700, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/network/firewall.lock", engine_run_root(engine));
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return berr_sys(err, "opening %s", path);
	while (flock(fd, LOCK_EX) < 0)
		;
	return fd;
}

int firewall_apply(struct engine *engine, berr *err)
{
	struct store *st = engine_store(engine, err);
	struct network *all = NULL;
	struct published_port *ports = NULL;
	size_t n = 0, nports = 0;
	struct strbuf text = {0};
	char table[16];
	int lock, rc = -1;

	if (!st)
		return -1;
	if ((lock = lock_rebuilds(engine, err)) < 0)
		return -1;
	struct network_config cfg = {0};
	if (network_load_all(st, &all, &n, err) < 0 || port_load_all(st, &ports, &nports, err) < 0 ||
	    network_config_load(&cfg, err) < 0)
		goto out;
	/* daemon.json's icc is the default bridge's enable_icc */
	for (size_t i = 0; i < n && !cfg.icc; i++)
		if (strcmp(all[i].name, "bridge") == 0 && strcmp(all[i].driver, "bridge") == 0)
			json_object_set_new(all[i].options, OPT_ICC, json_string("false"));
	network_config_free(&cfg);
	network_instance_name(engine, NETWORK_TABLE, table);
	ruleset(&text, table, all, n, ports, nports);
	rc = run_nft(text.s, err);
out:
	strbuf_free(&text);
	network_free_all(all, n);
	free(ports);
	close(lock);
	return rc;
}

bool firewall_present(struct engine *engine)
{
	struct nfgenmsg head = {.nfgen_family = AF_INET, .version = NFNETLINK_V0};
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_msg *msg = NULL;
	char table[16];
	int rc = -1;

	network_instance_name(engine, NETWORK_TABLE, table);
	if (!sk || nl_connect(sk, NETLINK_NETFILTER) < 0)
		goto out;
	msg = nlmsg_alloc_simple((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE, NLM_F_REQUEST);
	if (!msg || nlmsg_append(msg, &head, sizeof(head), NLMSG_ALIGNTO) < 0 ||
	    nla_put_string(msg, NFTA_TABLE_NAME, table) < 0 || nl_send_auto(sk, msg) < 0)
		goto out;
	/* one answer: the table, or an error (ENOENT) */
	rc = nl_recvmsgs_default(sk);
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	return rc >= 0;
}

int firewall_remove(struct engine *engine, berr *err)
{
	char table[16], text[160];
	int lock = lock_rebuilds(engine, err), rc;

	if (lock < 0)
		return -1;
	network_instance_name(engine, NETWORK_TABLE, table);
	snprintf(text, sizeof(text),
		 "add table ip %s\ndelete table ip %s\nadd table ip6 %s\ndelete table ip6 %s\n",
		 table, table, table, table);
	rc = run_nft(text, err);
	close(lock);
	return rc;
}

int firewall_intent_begin(struct engine *engine, berr *err)
{
	char id[32], path[PATH_MAX];

	snprintf(id, sizeof(id), "%d", (int)getpid());
	return intent_begin(engine, "firewall", id, path, sizeof(path), err);
}

void firewall_intent_end(struct engine *engine)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/intents/firewall-%d", engine_run_root(engine), (int)getpid());
	intent_end(path);
}

void firewall_finish_intents(struct engine *engine)
{
	json_t *orphans = intent_orphans(engine, "firewall"), *o;
	size_t i;

	if (json_array_size(orphans) && firewall_apply(engine, NULL) == 0)
		json_array_foreach(orphans, i, o)
			intent_end(json_string_value(json_array_get(o, 1)));
	json_decref(orphans);
}
