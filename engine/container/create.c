/* container.create: a new container from an image and Docker's create body
 * ({"name", "Image", "Cmd", "Entrypoint", "Env", ..., "HostConfig": {...}}). */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine/container/create.h"
#include "engine/container/internal.h"
#include "engine/container/etc_hosts.h"
#include "engine/container/links.h"
#include "engine/container/init_layer.h"
#include "engine/container/resources.h"
#include "engine/container/security.h"
#include "engine/core/alloc.h"
#include "engine/core/clock.h"
#include "engine/core/daemon_config.h"
#include "engine/core/units.h"
#include "engine/events/events.h"
#include "engine/logging/log_config.h"
#include "engine/core/fsutil.h"
#include "engine/core/names.h"
#include "engine/core/signals.h"
#include "engine/core/strbuf.h"
#include "engine/image/image.h"
#include "engine/network/network.h"
#include "engine/volume/parse.h"
#include "engine/volume/volume.h"

/* Env lists merge by key: the container's entries replace the image's. */
static json_t *merge_env(json_t *image_env, json_t *user_env)
{
	json_t *out = json_array(), *v;
	size_t i, j;

	json_array_foreach(image_env, i, v) {
		const char *e = json_string_value(v);
		size_t klen = e ? strcspn(e, "=") : 0;
		bool replaced = false;
		json_t *u;
		if (!e)
			continue;
		json_array_foreach(user_env, j, u) {
			const char *ue = json_string_value(u);
			if (ue && strncmp(ue, e, klen) == 0 && (ue[klen] == '=' || ue[klen] == '\0'))
				replaced = true;
		}
		if (!replaced)
			json_array_append(out, v);
	}
	json_array_foreach(user_env, i, v)
		if (json_is_string(v))
			json_array_append(out, v);
	return out;
}

static json_t *merge_objects(json_t *base, json_t *over)
{
	json_t *out = json_is_object(base) ? json_deep_copy(base) : json_object();

	if (json_is_object(over))
		json_object_update(out, over);
	return out;
}

static bool nonempty_array(json_t *v)
{
	return json_is_array(v) && json_array_size(v) > 0;
}

/* Docker's merge of health checks: the user's Test and each non-zero
 * setting win, the image's fill the rest; NULL when neither has one. */
static json_t *merged_healthcheck(json_t *image_hc, json_t *user_hc)
{
	static const char *const keys[] = {"Test", "Interval", "Timeout", "StartPeriod", "Retries"};
	json_t *hc;

	if (!json_is_object(user_hc))
		return json_is_object(image_hc) ? json_deep_copy(image_hc) : NULL;
	hc = json_deep_copy(user_hc);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		json_t *mine = json_object_get(hc, keys[i]), *theirs = json_object_get(image_hc, keys[i]);
		bool unset = i == 0 ? json_array_size(mine) == 0 : json_integer_value(mine) == 0;
		if (unset && theirs)
			json_object_set(hc, keys[i], theirs);
	}
	return hc;
}

/* Docker's merge of the image's config under the user's. */
static json_t *merged_config(json_t *body, json_t *image_config, const char *image_ref,
			     const char *hostname)
{
	json_t *ic = json_object_get(image_config, "config");
	json_t *c = json_object();
	json_t *user_entry = json_object_get(body, "Entrypoint");
	json_t *user_cmd = json_object_get(body, "Cmd");
	const char *s;

	s = json_string_value(json_object_get(body, "Hostname"));
	json_object_set_new(c, "Hostname", json_string(s && *s ? s : hostname));
	json_object_set_new(c, "Domainname", json_string(""));
	s = json_string_value(json_object_get(body, "User"));
	if (!s || !*s)
		s = json_string_value(json_object_get(ic, "User"));
	json_object_set_new(c, "User", json_string(s ? s : ""));
	json_object_set_new(c, "AttachStdin", json_boolean(json_is_true(json_object_get(body, "AttachStdin"))));
	json_object_set_new(c, "AttachStdout", json_boolean(json_is_true(json_object_get(body, "AttachStdout"))));
	json_object_set_new(c, "AttachStderr", json_boolean(json_is_true(json_object_get(body, "AttachStderr"))));
	json_t *ports = merge_objects(json_object_get(ic, "ExposedPorts"), json_object_get(body, "ExposedPorts"));
	if (json_object_size(ports))
		json_object_set_new(c, "ExposedPorts", ports);
	else
		json_decref(ports);
	json_object_set_new(c, "Tty", json_boolean(json_is_true(json_object_get(body, "Tty"))));
	json_object_set_new(c, "OpenStdin", json_boolean(json_is_true(json_object_get(body, "OpenStdin"))));
	json_object_set_new(c, "StdinOnce", json_boolean(json_is_true(json_object_get(body, "StdinOnce"))));
	json_object_set_new(c, "Env", merge_env(json_object_get(ic, "Env"), json_object_get(body, "Env")));
	/* A user entrypoint (even an empty one) drops the image's Cmd. */
	if (json_is_array(user_entry)) {
		json_t *entry = json_array();
		json_t *v;
		size_t i;
		json_array_foreach(user_entry, i, v)
			if (json_string_length(v) || json_array_size(user_entry) > 1)
				json_array_append(entry, v);
		json_object_set_new(c, "Cmd", nonempty_array(user_cmd) ? json_deep_copy(user_cmd) : json_null());
		json_object_set_new(c, "Entrypoint", json_array_size(entry) ? entry : json_null());
		if (!json_array_size(entry))
			json_decref(entry);
	} else {
		json_t *cmd = nonempty_array(user_cmd) ? user_cmd : json_object_get(ic, "Cmd");
		json_t *entry = json_object_get(ic, "Entrypoint");
		json_object_set_new(c, "Cmd", nonempty_array(cmd) ? json_deep_copy(cmd) : json_null());
		json_object_set_new(c, "Entrypoint", nonempty_array(entry) ? json_deep_copy(entry) : json_null());
	}
	json_object_set_new(c, "Image", json_string(image_ref));
	json_t *volumes = merge_objects(json_object_get(ic, "Volumes"), json_object_get(body, "Volumes"));
	json_object_set_new(c, "Volumes", json_object_size(volumes) ? volumes : json_null());
	if (!json_object_size(volumes))
		json_decref(volumes);
	s = json_string_value(json_object_get(body, "WorkingDir"));
	if (!s || !*s)
		s = json_string_value(json_object_get(ic, "WorkingDir"));
	json_object_set_new(c, "WorkingDir", json_string(s ? s : ""));
	json_object_set_new(c, "OnBuild", json_null());
	json_object_set_new(c, "Labels", merge_objects(json_object_get(ic, "Labels"), json_object_get(body, "Labels")));
	s = json_string_value(json_object_get(body, "StopSignal"));
	if (!s || !*s)
		s = json_string_value(json_object_get(ic, "StopSignal"));
	if (s && *s)
		json_object_set_new(c, "StopSignal", json_string(s));
	json_t *timeout = json_object_get(body, "StopTimeout");
	if (json_is_integer(timeout))
		json_object_set(c, "StopTimeout", timeout);
	json_t *health = merged_healthcheck(json_object_get(ic, "Healthcheck"),
					    json_object_get(body, "Healthcheck"));
	if (health)
		json_object_set_new(c, "Healthcheck", health);
	return c;
}

/* The HostConfig as inspect shows it: the user's values over Docker's defaults. */
static json_t *merged_host_config(json_t *user)
{
	json_t *hc = json_object();
	static const char *const null_keys[] = {
		"Binds", "VolumesFrom", "CapAdd", "CapDrop", "ExtraHosts", "GroupAdd",
		"Links", "SecurityOpt", "MaskedPaths", "ReadonlyPaths", "Devices", "Ulimits",
	};
	static const char *const empty_string_keys[] = {
		"ContainerIDFile", "VolumeDriver", "Cgroup", "PidMode", "UTSMode", "UsernsMode",
		"CgroupParent", "Isolation", "CpusetCpus", "CpusetMems",
	};
	static const char *const empty_array_keys[] = {"Dns", "DnsOptions", "DnsSearch"};
	static const char *const false_keys[] = {"AutoRemove", "Privileged", "PublishAllPorts",
						 "ReadonlyRootfs", "OomKillDisable"};
	static const char *const zero_keys[] = {"OomScoreAdj", "CpuShares", "Memory", "NanoCpus",
						"MemorySwap", "PidsLimit", "BlkioWeight",
						"CpuPeriod", "CpuQuota", "MemoryReservation"};
	size_t i;

	if (!hc)
		return NULL;
	for (i = 0; i < sizeof(null_keys) / sizeof(null_keys[0]); i++)
		json_object_set_new(hc, null_keys[i], json_null());
	for (i = 0; i < sizeof(empty_string_keys) / sizeof(empty_string_keys[0]); i++)
		json_object_set_new(hc, empty_string_keys[i], json_string(""));
	for (i = 0; i < sizeof(empty_array_keys) / sizeof(empty_array_keys[0]); i++)
		json_object_set_new(hc, empty_array_keys[i], json_array());
	for (i = 0; i < sizeof(false_keys) / sizeof(false_keys[0]); i++)
		json_object_set_new(hc, false_keys[i], json_false());
	for (i = 0; i < sizeof(zero_keys) / sizeof(zero_keys[0]); i++)
		json_object_set_new(hc, zero_keys[i], json_integer(0));
	/* the daemon's driver unless the user names one (log_config_resolve) */
	json_object_set_new(hc, "LogConfig", json_pack("{s:s, s:{}}", "Type", "", "Config"));
	json_object_set_new(hc, "NetworkMode", json_string("bridge"));
	json_object_set_new(hc, "PortBindings", json_object());
	json_object_set_new(hc, "RestartPolicy", json_pack("{s:s, s:i}", "Name", "no",
							     "MaximumRetryCount", 0));
	json_object_set_new(hc, "ConsoleSize", json_pack("[i, i]", 0, 0));
	json_object_set_new(hc, "CgroupnsMode", json_string("private"));
	json_object_set_new(hc, "IpcMode", json_string("private"));
	json_object_set_new(hc, "ShmSize", json_integer(67108864));
	json_object_set_new(hc, "Runtime", json_string("berth"));
	if (json_is_object(user)) {
		const char *key;
		json_t *v;
		json_object_foreach(user, key, v)
			if (!json_is_null(v))
				json_object_set(hc, key, v);
	}
	const char *mode = json_string_value(json_object_get(hc, "NetworkMode"));
	if (!mode || !*mode || strcmp(mode, "default") == 0)
		json_object_set_new(hc, "NetworkMode", json_string("bridge"));
	return hc;
}

/* Docker's checks of HostConfig.RestartPolicy. */
static int check_restart_policy(json_t *hc, berr *err)
{
	json_t *rp = json_object_get(hc, "RestartPolicy");
	const char *name = json_string_value(json_object_get(rp, "Name"));
	json_int_t max = json_integer_value(json_object_get(rp, "MaximumRetryCount"));

	if (!name || !*name)
		name = "no";
	if (strcmp(name, "no") != 0 && strcmp(name, "always") != 0 &&
	    strcmp(name, "unless-stopped") != 0 && strcmp(name, "on-failure") != 0)
		return berr_set(err, BERR_INVALID,
				"invalid restart policy: unknown policy '%s'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'",
				name);
	if (max < 0)
		return berr_set(err, BERR_INVALID,
				"invalid restart policy: maximum retry count cannot be negative");
	if (max > 0 && strcmp(name, "on-failure") != 0)
		return berr_set(err, BERR_INVALID,
				"invalid restart policy: maximum retry count can only be used with 'on-failure'");
	if (strcmp(name, "no") != 0 && json_is_true(json_object_get(hc, "AutoRemove")))
		return berr_set(err, BERR_INVALID,
				"can't create 'AutoRemove' container with restart policy");
	return 0;
}

/* --network container:<name|id> names the container by its full id. */
static int check_host_config(struct engine *engine, json_t *hc, berr *err)
{
	const char *mode = json_string_value(json_object_get(hc, "NetworkMode"));

	if (strncmp(mode, "container:", 10) == 0) {
		struct container other;
		char full[CONTAINER_ID_LEN + 16];

		if (!mode[10])
			return berr_set(err, BERR_INVALID, "invalid network mode: %s", mode);
		if (container_find(engine, mode + 10, &other, err) < 0)
			return -1;
		snprintf(full, sizeof(full), "container:%s", other.id);
		container_free(&other);
		json_object_set_new(hc, "NetworkMode", json_string(full));
	}
	json_t *v;
	size_t i;
	json_array_foreach(json_object_get(hc, "ExtraHosts"), i, v)
		if (etc_hosts_check_entry(json_is_string(v) ? json_string_value(v) : "", err) < 0)
			return -1;
	/* resolv.conf takes them as lines: addresses, and words without blanks */
	unsigned char addr[16];
	json_array_foreach(json_object_get(hc, "Dns"), i, v) {
		const char *s = json_is_string(v) ? json_string_value(v) : "";
		if (inet_pton(AF_INET, s, addr) != 1 && inet_pton(AF_INET6, s, addr) != 1)
			return berr_set(err, BERR_INVALID, "%s is not an ip address", s);
	}
	static const char *const words[] = {"DnsSearch", "DnsOptions"};
	for (size_t k = 0; k < 2; k++)
		json_array_foreach(json_object_get(hc, words[k]), i, v) {
			const char *s = json_is_string(v) ? json_string_value(v) : "";
			if (!*s || strpbrk(s, " \t\n\r"))
				return berr_set(err, BERR_INVALID, "invalid %s: \"%s\"",
						k ? "DNS option" : "DNS search domain", s);
		}
	if (check_restart_policy(hc, err) < 0)
		return -1;
	/* the log driver and its options, the daemon's defaults merged in */
	json_t *log_config;
	if (log_config_resolve(json_object_get(hc, "LogConfig"), &log_config, err) < 0)
		return -1;
	json_object_set_new(hc, "LogConfig", log_config);
	return 0;
}

/* dockerd's checks of the capability, resource and security fields, in
 * its order; adjusts the resources as it does (MemorySwap, ShmSize...). */
static int check_limits(struct engine *engine, json_t *hc, json_t *warnings, berr *err)
{
	struct cgroup_features f;
	uint64_t caps;

	resources_probe(&f);
	if (security_caps(hc, &caps, err) < 0 || resources_check(hc, false, &f, warnings, err) < 0)
		return -1;
	return security_check(engine, hc, err);
}

/* The host's resolv.conf with --dns, --dns-search and --dns-option in
 * place of its nameserver, search and options lines (as Docker). */
static char *custom_resolv(const char *host, json_t *hc)
{
	static const struct {
		const char *key, *line, *sep;
	} parts[] = {{"Dns", "nameserver", "\nnameserver "},
		     {"DnsSearch", "search", " "},
		     {"DnsOptions", "options", " "}};
	struct strbuf b = {0};
	const char *line = host;

	while (*line) {
		size_t n = strcspn(line, "\n");
		bool replaced = false;

		for (size_t k = 0; k < 3; k++)
			if (json_array_size(json_object_get(hc, parts[k].key)) &&
			    strncmp(line, parts[k].line, strlen(parts[k].line)) == 0)
				replaced = true;
		if (!replaced) {
			strbuf_addn(&b, line, n);
			strbuf_addc(&b, '\n');
		}
		line += n + (line[n] == '\n');
	}
	for (size_t k = 0; k < 3; k++) {
		json_t *list = json_object_get(hc, parts[k].key), *v;
		size_t i;

		if (!json_array_size(list))
			continue;
		strbuf_addf(&b, "%s ", parts[k].line);
		json_array_foreach(list, i, v)
			strbuf_addf(&b, "%s%s", i ? parts[k].sep : "",
				    json_is_string(v) ? json_string_value(v) : "");
		strbuf_addc(&b, '\n');
	}
	return b.s ? strbuf_steal(&b) : strdup("");
}

/* daemon.json's dns, dns-search and dns-opts stand in for the container's
 * --dns, --dns-search and --dns-option when it has none (as dockerd). */
static int write_etc_text(const char *bundle, json_t *config, json_t *hc, berr *err);

static json_t *with_daemon_dns(json_t *hc)
{
	static const char *const pairs[][2] = {
		{"Dns", "dns"}, {"DnsSearch", "dns-search"}, {"DnsOptions", "dns-opts"}};
	json_t *view = json_copy(hc), *config;

	if (!view || daemon_config_read(&config, NULL) < 0)
		return view;
	for (size_t i = 0; i < 3; i++) {
		json_t *daemon = json_object_get(config, pairs[i][1]);
		if (!json_array_size(json_object_get(hc, pairs[i][0])) && json_is_array(daemon))
			json_object_set(view, pairs[i][0], daemon);
	}
	json_decref(config);
	return view;
}

/* daemon.json's default-shm-size and default-ulimits, for what the user
 * did not set (dockerd merges them into the HostConfig at create). */
static int apply_daemon_defaults(json_t *hc, json_t *user, berr *err)
{
	json_t *config, *v;
	const char *key;

	if (daemon_config_read(&config, err) < 0)
		return -1;
	v = json_object_get(config, "default-shm-size");
	if (v && !json_integer_value(json_object_get(user, "ShmSize"))) {
		int64_t bytes = json_integer_value(v);
		if (json_is_string(v) && units_ram_in_bytes(json_string_value(v), &bytes, err) < 0) {
			json_decref(config);
			return -1;
		}
		if (bytes > 0)
			json_object_set_new(hc, "ShmSize", json_integer(bytes));
	}
	/* no-new-privileges and seccomp-profile: the default of containers
	 * that do not say (dockerd's) */
	json_t *sec = json_object_get(hc, "SecurityOpt"), *o;
	bool has_nnp = false, has_seccomp = false;
	size_t k;
	json_array_foreach(sec, k, o) {
		const char *text = json_string_value(o) ?: "";
		has_nnp |= strncmp(text, "no-new-privileges", 17) == 0;
		has_seccomp |= strncmp(text, "seccomp", 7) == 0;
	}
	const char *profile = json_string_value(json_object_get(config, "seccomp-profile"));
	bool nnp = json_is_true(json_object_get(config, "no-new-privileges"));
	if ((nnp && !has_nnp) || (profile && *profile && strcmp(profile, "builtin") && !has_seccomp)) {
		if (!json_is_array(sec)) {
			sec = json_array();
			json_object_set_new(hc, "SecurityOpt", sec);
		}
		if (nnp && !has_nnp)
			json_array_append_new(sec, json_string("no-new-privileges=true"));
		if (profile && *profile && strcmp(profile, "builtin") && !has_seccomp) {
			char *text = NULL;
			if (strcmp(profile, "unconfined") != 0 &&
			    daemon_config_seccomp_profile(profile, &text, err) < 0) {
				json_decref(config);
				return -1;
			}
			char *opt = xasprintf("seccomp=%s", text ? text : "unconfined");
			json_array_append_new(sec, json_string(opt));
			free(opt);
			free(text);
		}
	}
	json_t *ulimits = json_object_get(hc, "Ulimits");
	json_object_foreach(json_object_get(config, "default-ulimits"), key, v) {
		json_t *u;
		size_t i;
		bool set = false;
		json_array_foreach(ulimits, i, u)
			set |= json_string_value(json_object_get(u, "Name")) &&
			       strcmp(json_string_value(json_object_get(u, "Name")), key) == 0;
		if (set)
			continue;
		if (!json_is_array(ulimits)) {
			ulimits = json_array();
			json_object_set_new(hc, "Ulimits", ulimits);
		}
		json_array_append_new(ulimits, json_pack("{s:s, s:O, s:O}", "Name", key, "Hard",
							 json_object_get(v, "Hard"), "Soft",
							 json_object_get(v, "Soft")));
	}
	json_decref(config);
	return 0;
}

static int write_etc_files(const char *bundle, json_t *config, json_t *hc_given, berr *err)
{
	json_t *hc = with_daemon_dns(hc_given);
	int rc = write_etc_text(bundle, config, hc ? hc : hc_given, err);
	json_decref(hc);
	return rc;
}

static int write_etc_text(const char *bundle, json_t *config, json_t *hc, berr *err)
{
	char path[PATH_MAX + 32], text[1024], *host_resolv = NULL;
	const char *hostname = json_string_value(json_object_get(config, "Hostname"));
	bool host_net = strcmp(json_string_value(json_object_get(hc, "NetworkMode")), "host") == 0;
	size_t len;

	snprintf(path, sizeof(path), "%s/hostname", bundle);
	len = (size_t)snprintf(text, sizeof(text), "%s\n", hostname);
	if (fs_write_atomic_mode(path, text, len, 0644, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/hosts", bundle);
	len = (size_t)snprintf(text, sizeof(text),
			       "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
			       "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\n"
			       "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
	if (fs_write_atomic_mode(path, text, len, 0644, err) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/resolv.conf", bundle);
	if (fs_read_file("/etc/resolv.conf", &host_resolv, &len, NULL) < 0) {
		host_resolv = strdup("");
		len = 0;
	}
	if (!host_net) {
		/* Loopback resolvers of the host are unreachable from another netns. */
		char *out = calloc(1, len + 1), *line, *save = NULL;
		size_t olen = 0;
		for (line = strtok_r(host_resolv, "\n", &save); line && out; line = strtok_r(NULL, "\n", &save)) {
			if (strncmp(line, "nameserver", 10) == 0 &&
			    (strstr(line, " 127.") || strstr(line, " ::1")))
				continue;
			olen += (size_t)sprintf(out + olen, "%s\n", line);
		}
		free(host_resolv);
		host_resolv = out;
		len = olen;
	}
	/* on a user network the container asks its resolver, which knows
	 * the network's names and asks the host's resolvers (or --dns) for
	 * the rest, as Docker's 127.0.0.11 */
	const char *mode = json_string_value(json_object_get(hc, "NetworkMode"));
	if (network_mode_is_network(mode) && strcmp(mode, "bridge") != 0) {
		struct strbuf r = {0};
		const char *line = host_resolv ? host_resolv : "";
		while (*line) {
			size_t n = strcspn(line, "\n");
			if (strncmp(line, "nameserver", 10) != 0 && strncmp(line, "options", 7) != 0) {
				strbuf_addn(&r, line, n);
				strbuf_addc(&r, '\n');
			}
			line += n + (line[n] == '\n');
		}
		strbuf_adds(&r, "nameserver 127.0.0.11\noptions ndots:0\n");
		free(host_resolv);
		host_resolv = r.s ? strbuf_steal(&r) : strdup("");
		json_t *saved = json_incref(json_object_get(hc, "Dns"));
		json_object_del(hc, "Dns");
		char *custom = custom_resolv(host_resolv, hc);
		if (saved)
			json_object_set_new(hc, "Dns", saved);
		int rc = fs_write_atomic_mode(path, custom ? custom : "", custom ? strlen(custom) : 0,
					      0644, err);
		free(custom);
		free(host_resolv);
		return rc;
	}
	char *custom = custom_resolv(host_resolv ? host_resolv : "", hc);
	int rc = fs_write_atomic_mode(path, custom ? custom : "", custom ? strlen(custom) : 0, 0644,
				      err);
	free(custom);
	free(host_resolv);
	return rc;
}

/* A hostname the kernel and /etc/hostname can hold: at most 64 bytes
 * (HOST_NAME_MAX, where sethostname stops), no spaces or control
 * characters (a newline would forge a line of /etc/hosts). Docker finds
 * the length only when the runtime fails at start; berth says so here. */
/* What a container sharing another's network namespace, or the host's,
 * cannot have: Docker's refusals and its warning, in Docker's order. */
static int check_network_mode(json_t *args, json_t *hc, json_t *warnings, berr *err)
{
	const char *mode = json_string_value(json_object_get(hc, "NetworkMode"));
	const char *hostname = json_string_value(json_object_get(args, "Hostname"));
	const char *mac = json_string_value(json_object_get(args, "MacAddress"));
	bool shared = mode && strncmp(mode, "container:", 10) == 0;
	bool host = mode && strcmp(mode, "host") == 0;
	bool publishes = json_object_size(json_object_get(hc, "PortBindings")) ||
			 json_is_true(json_object_get(hc, "PublishAllPorts"));

	if (shared && hostname && *hostname)
		return berr_set(err, BERR_INVALID, "conflicting options: hostname and the network mode");
	if ((shared || host) && json_array_size(json_object_get(hc, "Links")))
		return berr_set(err, BERR_INVALID,
				"conflicting options: %s type network%s can't be used with links. This would result in undefined behavior",
				shared ? "container" : "host", shared ? "" : "ing");
	if (shared && (json_array_size(json_object_get(hc, "Dns")) ||
		       json_array_size(json_object_get(hc, "DnsSearch")) ||
		       json_array_size(json_object_get(hc, "DnsOptions"))))
		return berr_set(err, BERR_INVALID, "conflicting options: dns and the network mode");
	if (shared && json_array_size(json_object_get(hc, "ExtraHosts")))
		return berr_set(err, BERR_INVALID,
				"conflicting options: custom host-to-IP mapping and the network mode");
	/* the MAC address comes top-level, or with an endpoint (API 1.44) */
	const char *key;
	json_t *ep;
	json_object_foreach(json_object_get(json_object_get(args, "NetworkingConfig"), "EndpointsConfig"),
			    key, ep)
		if (!(mac && *mac))
			mac = json_string_value(json_object_get(ep, "MacAddress"));
	if ((shared || host) && mac && *mac)
		return berr_set(err, BERR_INVALID, "conflicting options: mac-address and the network mode");
	if (shared && publishes)
		return berr_set(err, BERR_INVALID,
				"conflicting options: port publishing and the container type network mode");
	if (shared && json_object_size(json_object_get(args, "ExposedPorts")))
		return berr_set(err, BERR_INVALID,
				"conflicting options: port exposing and the container type network mode");
	if (host && publishes)
		json_array_append_new(warnings,
				      json_string("Published ports are discarded when using host network mode"));
	return 0;
}

static int check_hostname(const char *what, const char *hostname, berr *err)
{
	if (!hostname)
		return 0;
	if (strlen(hostname) > HOST_NAME_MAX)
		return berr_set(err, BERR_INVALID, "invalid %s \"%.64s...\": longer than %d bytes",
				what, hostname, HOST_NAME_MAX);
	for (const unsigned char *p = (const unsigned char *)hostname; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return berr_set(err, BERR_INVALID,
					"invalid %s \"%s\": spaces and control characters are not "
					"allowed",
					what, hostname);
	return 0;
}

static int choose_name(struct store *st, json_t *args, char *name, size_t n, berr *err)
{
	const char *wanted = json_string_value(json_object_get(args, "name"));
	char owner[CONTAINER_ID_LEN + 1];

	if (wanted && *wanted) {
		if (wanted[0] == '/')
			wanted++;
		if (!names_valid(wanted))
			return berr_set(err, BERR_INVALID,
					"Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
					wanted);
		if (container_name_owner(st, wanted, owner, sizeof(owner)))
			return berr_set(err, BERR_CONFLICT,
					"Conflict. The container name \"/%s\" is already in use by container \"%s\". You have to remove (or rename) that container to be able to reuse that name.",
					wanted, owner);
		snprintf(name, n, "%s", wanted);
		return 0;
	}
	for (unsigned retry = 0; retry < 32; retry++) {
		names_generate(name, n, retry);
		if (!container_name_owner(st, name, owner, sizeof(owner)))
			return 0;
	}
	return berr_set(err, BERR_CONFLICT, "could not find a free container name");
}

/* The mount points of HostConfig.VolumesFrom's containers ("c[:ro|rw]"). */
static int volumes_from(struct engine *engine, struct store *st, json_t *hc, json_t **out,
			berr *err)
{
	json_t *v;
	size_t i;

	*out = json_array();
	json_array_foreach(json_object_get(hc, "VolumesFrom"), i, v) {
		struct container src;
		char ref[256];
		bool readonly;
		if (volume_parse_volumes_from(json_is_string(v) ? json_string_value(v) : "", ref,
					   sizeof(ref), &readonly, err) < 0 ||
		    container_find(engine, ref, &src, err) < 0)
			return -1;
		json_t *mounts = volume_mounts_load(st, src.id, err);
		container_free(&src);
		if (!mounts)
			return -1;
		json_t *inherited = volume_mounts_inherit(mounts, readonly);
		json_array_extend(*out, inherited);
		json_decref(inherited);
		json_decref(mounts);
	}
	return 0;
}

int container_create(struct engine *engine, json_t *args, struct container *out, json_t *warnings,
		     berr *err)
{
	struct store *st = engine_store(engine, err);
	struct image_info image = {0};
	struct container c = {0};
	char bundle[PATH_MAX], dir[PATH_MAX + 16], hostname[HOST_NAME_MAX + 1];
	const char *image_ref = json_string_value(json_object_get(args, "Image"));
	bool made_bundle = false, in_txn = false;
	json_t *inherited = NULL, *mounts = NULL, *made_volumes = json_array();

	if (!st || container_create_check(args, err) < 0) {
		json_decref(made_volumes);
		return -1;
	}
	image_ref = json_string_value(json_object_get(args, "Image"));
	if (!image_ref || !*image_ref)
		return berr_set(err, BERR_INVALID, "no image specified");
	/* Everything the container is made of — its image, the volumes it
	 * inherits, its name — is looked up, and its files and row made, under
	 * the store's write lock: an image or a volume removed by another berth
	 * meanwhile cannot end up under a new container, two creates of one
	 * name cannot both win, and files a crash leaves here belong to no row
	 * and no create in progress, so the next engine removes them at once. */
	if (store_begin(st, err) < 0)
		return -1;
	in_txn = true;
	if (image_resolve(st, image_ref, &image, err) < 0)
		goto fail;
	if (random_hex_id(c.id, err) < 0)
		goto fail;
	c.host_config = merged_host_config(json_object_get(args, "HostConfig"));
	if (!c.host_config) {
		berr_errno(err, ENOMEM, "creating container");
		goto fail;
	}
	if (apply_daemon_defaults(c.host_config, json_object_get(args, "HostConfig"), err) < 0 ||
	    check_host_config(engine, c.host_config, err) < 0 ||
	    check_network_mode(args, c.host_config, warnings, err) < 0 ||
	    check_limits(engine, c.host_config, warnings, err) < 0)
		goto fail;
	if (strcmp(json_string_value(json_object_get(c.host_config, "NetworkMode")), "host") == 0)
		gethostname(hostname, sizeof(hostname));
	else
		snprintf(hostname, sizeof(hostname), "%.12s", c.id);
	c.config = merged_config(args, image.config, image_ref, hostname);
	if (check_hostname("hostname", json_string_value(json_object_get(c.config, "Hostname")),
			   err) < 0 ||
	    check_hostname("domain name",
			   json_string_value(json_object_get(c.config, "Domainname")), err) < 0)
		goto fail;
	const char *wd = json_string_value(json_object_get(c.config, "WorkingDir"));
	if (wd && *wd && wd[0] != '/') {
		/* Docker's words (daemon/create.go) */
		berr_set(err, BERR_INVALID,
			 "the working directory '%s' is invalid, it needs to be an absolute path", wd);
		goto fail;
	}
	if (!json_array_size(json_object_get(c.config, "Cmd")) &&
	    !json_array_size(json_object_get(c.config, "Entrypoint"))) {
		berr_set(err, BERR_INVALID, "no command specified");
		goto fail;
	}
	const char *stop_signal = json_string_value(json_object_get(c.config, "StopSignal"));
	if (stop_signal && signal_from_name(stop_signal) < 0) {
		berr_set(err, BERR_INVALID, "Invalid signal: %s", stop_signal);
		goto fail;
	}
	if (volumes_from(engine, st, c.host_config, &inherited, err) < 0)
		goto fail;
	snprintf(c.image_id, sizeof(c.image_id), "%s", image.id);
	c.image_ref = strdup(image_ref);
	c.layers = json_incref(image.chain_ids);
	c.error = strdup("");
	c.created = clock_now_nanos();
	snprintf(c.state, sizeof(c.state), "created");

	if (choose_name(st, args, c.name, sizeof(c.name), err) < 0 ||
	    container_links_normalize(engine, c.host_config, c.name, err) < 0 ||
	    network_container_create(st, c.id, c.name, c.host_config,
				     json_object_get(json_object_get(args, "NetworkingConfig"),
						     "EndpointsConfig"),
				     err) < 0)
		goto fail;
	container_bundle_dir(engine, c.id, bundle, sizeof(bundle));
	if (fs_mkdir_p(bundle, 0710, err) < 0)
		goto fail;
	made_bundle = true;
	static const char *const subdirs[] = {"upper", "work", "rootfs"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", bundle, subdirs[i]);
		if (fs_mkdir_p(dir, 0755, err) < 0)
			goto fail;
	}
	if (container_make_init_layer(bundle, err) < 0 ||
	    write_etc_files(bundle, c.config, c.host_config, err) < 0)
		goto fail;
	if (volume_resolve(engine, st, c.config, c.host_config, inherited, &mounts, made_volumes,
			err) < 0 ||
	    volume_mounts_save(st, c.id, mounts, err) < 0 || container_insert(st, &c, err) < 0)
		goto fail;
	container_emit(engine, &c, "create", NULL);
	in_txn = false;
	if (store_commit(st, err) < 0)
		goto fail;
	image_info_free(&image);
	json_decref(inherited);
	json_decref(mounts);
	json_decref(made_volumes);
	*out = c;
	return 0;
fail:
	if (in_txn)
		store_rollback(st);
	if (made_bundle)
		fs_remove_tree(bundle, NULL);
	volume_discard(engine, made_volumes);
	json_decref(inherited);
	json_decref(mounts);
	json_decref(made_volumes);
	image_info_free(&image);
	container_free(&c);
	return -1;
}
