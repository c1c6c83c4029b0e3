/* Every key of Docker's daemon.json (moby daemon/config, any version), what
 * berth does with it, and the checks dockerd makes of a file as a whole
 * (see daemon_config.h). The subsystems check the values of their own keys
 * (network/config.c, registry/hosts.c, logging/log_config.c); this file
 * checks names, JSON types and the values no subsystem owns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/json_kind.h"
#include "engine/core/daemon_config.h"
#include "engine/core/units.h"

enum key_type { T_ANY, T_STR, T_BOOL, T_INT, T_LIST, T_MAP };

struct daemon_key {
	const char *name;
	enum key_type type;
	const char *ignored; /* NULL: berth honours it; else why it does not */
};

#define NOT_YET_API "the Engine API server comes with `berth daemon`"
#define NO_DAEMON "berth has no long-running daemon"
#define NO_SWARM "swarm mode is not in berth yet"
#define ONE_RUNTIME "berth runs containers with its own runtime"
#define ONE_BRIDGE "berth's default network is set by bip and default-address-pools"
#define NO_FIREWALL_KNOB "berth manages its nftables rules itself"

static const struct daemon_key keys[] = {
	/* honoured */
	{"log-driver", T_STR, NULL},
	{"log-opts", T_MAP, NULL},
	{"data-root", T_STR, NULL},
	{"exec-root", T_STR, NULL},
	{"bip", T_STR, NULL},
	{"default-address-pools", T_LIST, NULL},
	{"mtu", T_INT, NULL},
	{"ip", T_STR, NULL},
	{"ipv6", T_BOOL, NULL},
	{"fixed-cidr-v6", T_STR, NULL},
	{"userland-proxy", T_BOOL, NULL},
	{"default-network-opts", T_MAP, NULL},
	{"dns", T_LIST, NULL},
	{"dns-search", T_LIST, NULL},
	{"dns-opts", T_LIST, NULL},
	{"insecure-registries", T_LIST, NULL},
	{"registry-mirrors", T_LIST, NULL},
	{"max-concurrent-downloads", T_INT, NULL},
	{"max-concurrent-uploads", T_INT, NULL},
	{"max-download-attempts", T_INT, NULL},
	{"default-ulimits", T_MAP, NULL},
	{"default-shm-size", T_ANY, NULL},
	{"labels", T_LIST, NULL},
	{"debug", T_BOOL, NULL},
	{"log-level", T_STR, NULL},
	{"live-restore", T_BOOL, NULL},
	{"features", T_MAP, NULL},
	{"exec-opts", T_LIST, NULL},
	{"storage-driver", T_STR, NULL},
	{"proxies", T_MAP, NULL},
	{"http-proxy", T_STR, NULL},
	{"https-proxy", T_STR, NULL},
	{"no-proxy", T_STR, NULL},
	{"builder", T_MAP, NULL},
	/* Docker's, not berth's (yet) */
	{"hosts", T_LIST, NOT_YET_API},
	{"group", T_STR, NOT_YET_API},
	{"tls", T_BOOL, NOT_YET_API},
	{"tlsverify", T_BOOL, NOT_YET_API},
	{"tlscacert", T_STR, NOT_YET_API},
	{"tlscert", T_STR, NOT_YET_API},
	{"tlskey", T_STR, NOT_YET_API},
	{"api-cors-header", T_STR, NOT_YET_API},
	{"authorization-plugins", T_LIST, "berth has no plugins"},
	{"storage-opts", T_LIST, "berth's overlay2 takes no options"},
	{"network-diagnostic-port", T_INT, NO_SWARM},
	{"pidfile", T_STR, NO_DAEMON},
	{"raw-logs", T_BOOL, NO_DAEMON},
	{"log-format", T_STR, NO_DAEMON},
	{"shutdown-timeout", T_INT, "containers outlive berth: nothing stops them at exit"},
	{"swarm-default-advertise-addr", T_STR, NO_SWARM},
	{"swarm-raft-heartbeat-tick", T_INT, NO_SWARM},
	{"swarm-raft-election-tick", T_INT, NO_SWARM},
	{"metrics-addr", T_STR, "berth has no metrics endpoint"},
	{"host-gateway-ip", T_STR, "host-gateway is the default network's gateway"},
	{"host-gateway-ips", T_LIST, "host-gateway is the default network's gateway"},
	{"bridge", T_STR, ONE_BRIDGE},
	{"fixed-cidr", T_STR, ONE_BRIDGE},
	{"bip6", T_STR, ONE_BRIDGE},
	{"default-gateway", T_STR, ONE_BRIDGE},
	{"default-gateway-v6", T_STR, ONE_BRIDGE},
	{"network-control-plane-mtu", T_INT, NO_SWARM},
	{"firewall-backend", T_STR, NO_FIREWALL_KNOB},
	{"icc", T_BOOL, NULL},
	{"ip-forward", T_BOOL, NO_FIREWALL_KNOB},
	{"ip-forward-no-drop", T_BOOL, NO_FIREWALL_KNOB},
	{"ip-masq", T_BOOL, NO_FIREWALL_KNOB},
	{"iptables", T_BOOL, NO_FIREWALL_KNOB},
	{"ip6tables", T_BOOL, NO_FIREWALL_KNOB},
	{"allow-direct-routing", T_BOOL, NO_FIREWALL_KNOB},
	{"userland-proxy-path", T_STR, "berth's own relay serves published ports"},
	{"allow-nondistributable-artifacts", T_LIST, "deprecated by Docker"},
	{"experimental", T_BOOL, "berth has no experimental mode"},
	{"node-generic-resources", T_LIST, NO_SWARM},
	{"containerd", T_STR, ONE_RUNTIME},
	{"cri-containerd", T_BOOL, ONE_RUNTIME},
	{"containerd-namespace", T_STR, ONE_RUNTIME},
	{"containerd-plugin-namespace", T_STR, ONE_RUNTIME},
	{"default-runtime", T_STR, ONE_RUNTIME},
	{"runtimes", T_MAP, ONE_RUNTIME},
	{"cdi-spec-dirs", T_LIST, "berth has no CDI devices"},
	{"seccomp-profile", T_STR, NULL},
	{"selinux-enabled", T_BOOL, "berth has no SELinux labels"},
	{"userns-remap", T_STR, "user namespaces are not in berth yet"},
	{"cgroup-parent", T_STR, "set BERTH_CGROUP_PARENT"},
	{"init", T_BOOL, "--init is not in berth yet"},
	{"init-path", T_STR, "--init is not in berth yet"},
	{"no-new-privileges", T_BOOL, NULL},
	{"default-ipc-mode", T_STR, "containers get a private IPC namespace"},
	{"default-cgroupns-mode", T_STR, "berth chooses by the host's cgroup version"},
	{"rootless", T_BOOL, "berth runs as root"},
	{"cpu-rt-period", T_INT, "real-time CPU limits are not in berth yet"},
	{"cpu-rt-runtime", T_INT, "real-time CPU limits are not in berth yet"},
	{"oom-score-adjust", T_INT, "removed from Docker"},
	{"deprecated-key-path", T_STR, "removed from Docker"},
	{"disable-legacy-registry", T_BOOL, "removed from Docker"},
	{"graph", T_STR, "removed from Docker: use data-root"},
	{"cluster-store", T_STR, "removed from Docker"},
	{"cluster-advertise", T_STR, "removed from Docker"},
	{"cluster-store-opts", T_MAP, "removed from Docker"},
	{"registry-mirrors-for", T_MAP, NULL}, /* berth's: mirrors of other registries */
};

/* Objects dockerd reads whole; others' members count as keys of their own. */
static bool is_flat(const char *key)
{
	static const char *const flat[] = {"cluster-store-opts", "default-network-opts", "log-opts",
					   "runtimes", "default-ulimits", "features", "builder",
					   "registry-mirrors-for"};
	for (size_t i = 0; i < sizeof(flat) / sizeof(flat[0]); i++)
		if (strcmp(key, flat[i]) == 0)
			return true;
	return false;
}

static const struct daemon_key *find_key(const char *name)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* encoding/json's words for a value of the wrong type. */
static int check_type(const struct daemon_key *k, json_t *v, berr *err)
{
	static const char *const go_types[] = {"", "string", "bool", "int", "[]string",
					       "map[string]string"};
	bool ok = true;
	switch (k->type) {
	case T_STR:
		ok = json_is_string(v);
		break;
	case T_BOOL:
		ok = json_is_boolean(v);
		break;
	case T_INT:
		ok = json_is_integer(v);
		break;
	case T_LIST:
		ok = json_is_array(v);
		break;
	case T_MAP:
		ok = json_is_object(v);
		break;
	default:
		break;
	}
	if (ok && strcmp(k->name, "log-opts") == 0) {
		const char *sub;
		json_t *sv;
		json_object_foreach(v, sub, sv)
			if (!json_is_string(sv)) {
				char detail[256];
				snprintf(detail, sizeof(detail),
					 "json: cannot unmarshal %s into Go struct field Config.log-opts of type string",
					 json_kind_name(sv));
				return daemon_config_bad(err, "%s", detail);
			}
	}
	if (ok || json_is_null(v))
		return 0;
	char detail[256];
	snprintf(detail, sizeof(detail),
		 "json: cannot unmarshal %s into Go struct field Config.%s of type %s", json_kind_name(v),
		 k->name, go_types[k->type]);
	return daemon_config_bad(err, "%s", detail);
}

/* The values dockerd's Validate checks that no subsystem of berth owns. */
static int check_values(json_t *root, berr *err)
{
	const char *s;
	json_t *v;
	size_t i;
	char detail[512];

	if ((s = json_string_value(json_object_get(root, "log-level"))) &&
	    strcmp(s, "panic") && strcmp(s, "fatal") && strcmp(s, "error") && strcmp(s, "warn") &&
	    strcmp(s, "info") && strcmp(s, "debug") && strcmp(s, "trace"))
		return daemon_config_bad(err, "invalid logging level: %s", s);
	static const char *const counts[][2] = {
		{"max-concurrent-downloads", "invalid max concurrent downloads: %s"},
		{"max-concurrent-uploads", "invalid max concurrent uploads: %s"},
		{"max-download-attempts", "invalid max download attempts: %s"},
		{"mtu", "invalid default MTU: %s"},
	};
	for (i = 0; i < 4; i++) {
		json_t *n = json_object_get(root, counts[i][0]);
		if (json_is_integer(n) && json_integer_value(n) < 0) {
			char num[32];
			snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(n));
			return daemon_config_bad(err, counts[i][1], num);
		}
	}
	json_array_foreach(json_object_get(root, "labels"), i, v) {
		s = json_string_value(v);
		if (!s || !strchr(s, '=') || s[0] == '=')
			return daemon_config_bad(err, "bad attribute format: %s", s ? s : "");
	}
	json_array_foreach(json_object_get(root, "exec-opts"), i, v) {
		s = json_string_value(v);
		const char *eq = s ? strchr(s, '=') : NULL;
		if (!eq || eq == s || !eq[1]) {
			snprintf(detail, sizeof(detail),
				 "invalid exec-opt (%s): must be formatted 'opt=value'", s ? s : "");
			return daemon_config_bad(err, "%s", detail);
		}
		if (strncmp(s, "native.cgroupdriver=", 20) == 0 && strcmp(eq + 1, "cgroupfs") &&
		    strcmp(eq + 1, "systemd")) {
			snprintf(detail, sizeof(detail),
				 "invalid exec-opt (%s): native.cgroupdriver option only supports systemd or cgroupfs",
				 s);
			return daemon_config_bad(err, "%s", detail);
		}
	}
	v = json_object_get(root, "default-shm-size");
	if (json_is_string(v)) {
		int64_t n;
		berr inner = {0};
		if (units_ram_in_bytes(json_string_value(v), &n, &inner) < 0)
			return daemon_config_bad(err, "%s", inner.msg);
	} else if (v && !json_is_integer(v) && !json_is_null(v)) {
		return daemon_config_bad(err, "%s", "default-shm-size must be a size (\"64M\")");
	}
	const char *const roots[] = {"data-root", "exec-root"};
	for (i = 0; i < 2; i++)
		if ((s = json_string_value(json_object_get(root, roots[i]))) && s[0] != '/')
			return daemon_config_bad(err, "%s must be an absolute path", roots[i]);
	if ((s = json_string_value(json_object_get(root, "storage-driver"))) && *s &&
	    strcmp(s, "overlay2") && strcmp(s, "overlay") && strcmp(s, "vfs") &&
	    strcmp(s, "btrfs") && strcmp(s, "zfs") && strcmp(s, "devicemapper") &&
	    strcmp(s, "fuse-overlayfs") && strcmp(s, "aufs"))
		return daemon_config_bad(err, "error initializing graphdriver: driver not supported: %s",
					 s);
	if ((s = json_string_value(json_object_get(root, "seccomp-profile"))) && *s &&
	    strcmp(s, "builtin") && strcmp(s, "unconfined")) {
		char *text = NULL;
		int rc = daemon_config_seccomp_profile(s, &text, err);
		free(text);
		if (rc < 0)
			return -1;
	}
	const char *key;
	json_object_foreach(json_object_get(root, "default-ulimits"), key, v) {
		if (!json_is_object(v) || !json_is_integer(json_object_get(v, "Soft")) ||
		    !json_is_integer(json_object_get(v, "Hard")))
			return daemon_config_bad(err,
						 "default-ulimits: %s must be {\"Name\", \"Soft\", \"Hard\"}",
						 key);
	}
	return 0;
}

/* Whether a value is what Docker does anyway (nothing to warn about):
 * off, empty, or the default of the few switches that are on. */
static bool is_docker_default(const struct daemon_key *k, json_t *v)
{
	static const char *const on_by_default[] = {"iptables", "ip6tables", "ip-forward",
						    "ip-masq", "icc"};
	bool on = false;
	for (size_t i = 0; i < sizeof(on_by_default) / sizeof(on_by_default[0]); i++)
		on |= strcmp(k->name, on_by_default[i]) == 0;
	if (json_is_boolean(v))
		return json_is_true(v) == on;
	if (json_is_string(v))
		return json_string_length(v) == 0;
	if (json_is_array(v))
		return json_array_size(v) == 0;
	if (json_is_object(v))
		return json_object_size(v) == 0;
	if (json_is_integer(v))
		return json_integer_value(v) == 0;
	return json_is_null(v);
}

/* Adds "key (why)" for a Docker key berth does not apply. */
static void note_ignored(json_t *ignored, const char *key, const char *why)
{
	if (ignored)
		json_array_append_new(ignored, json_pack("{s:s, s:s}", "key", key, "why", why));
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int daemon_config_check(json_t *root, json_t *ignored, berr *err)
{
	const char *key, *unknown[64];
	size_t n_unknown = 0;
	json_t *v;

	json_object_foreach(root, key, v) {
		const struct daemon_key *k = find_key(key);
		if (json_is_object(v) && !is_flat(key)) {
			/* dockerd reads nested objects' members as keys ("proxies") */
			const char *sub;
			json_t *sv;
			if (k && k->ignored)
				note_ignored(ignored, key, k->ignored);
			json_object_foreach(v, sub, sv) {
				const struct daemon_key *sk = find_key(sub);
				if (!sk && n_unknown < 64)
					unknown[n_unknown++] = sub;
				else if (sk && sk->ignored && !(k && k->ignored) &&
					 !is_docker_default(sk, sv))
					note_ignored(ignored, sub, sk->ignored);
				else if (sk && check_type(sk, sv, err) < 0)
					return -1;
			}
			continue;
		}
		if (!k) {
			if (n_unknown < 64)
				unknown[n_unknown++] = key;
			continue;
		}
		if (check_type(k, v, err) < 0)
			return -1;
		if (k->ignored && !is_docker_default(k, v))
			note_ignored(ignored, key, k->ignored);
	}
	if (n_unknown) {
		char list[1024] = "";
		qsort(unknown, n_unknown, sizeof(unknown[0]), compare_names);
		for (size_t i = 0; i < n_unknown; i++) {
			size_t at = strlen(list);
			snprintf(list + at, sizeof(list) - at, "%s%s", i ? ", " : "", unknown[i]);
		}
		return daemon_config_bad(
			err, "the following directives don't match any configuration option: %s",
			list);
	}
	json_t *api_cors = json_object_get(root, "api-cors-header");
	if (json_string_length(api_cors))
		return daemon_config_bad(
			err, "%s",
			"DEPRECATED: The \"api-cors-header\" config parameter and the dockerd \"--api-cors-header\" option have been removed; use a reverse proxy if you need CORS headers");
	/* values berth would ignore but Docker would act on */
	const char *driver = json_string_value(json_object_get(root, "storage-driver"));
	if (driver && *driver && strcmp(driver, "overlay2") && strcmp(driver, "overlay"))
		note_ignored(ignored, "storage-driver", "berth stores layers with overlay2");
	json_t *opts;
	size_t i;
	json_array_foreach(json_object_get(root, "exec-opts"), i, opts)
		if (json_string_value(opts) &&
		    strcmp(json_string_value(opts), "native.cgroupdriver=systemd") == 0)
			note_ignored(ignored, "exec-opts",
				     "berth manages cgroups itself (native.cgroupdriver=cgroupfs)");
	return check_values(root, err);
}
