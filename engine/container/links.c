/* Docker's legacy links (see links.h). */
#include "engine/container/links.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/network/network.h"

int container_links_normalize(struct engine *engine, json_t *hc, const char *me, berr *err)
{
	json_t *links = json_object_get(hc, "Links"), *out, *v;
	size_t i;

	if (!json_array_size(links))
		return 0;
	out = json_array();
	json_array_foreach(links, i, v) {
		const char *spec = json_string_value(v), *colon;
		char name[256], alias[256], text[800];
		struct container other;

		if (!spec || !*spec) {
			json_decref(out);
			return berr_set(err, BERR_INVALID, "invalid link: empty");
		}
		colon = strchr(spec, ':');
		snprintf(name, sizeof(name), "%.*s", colon ? (int)(colon - spec) : (int)strlen(spec),
			 spec[0] == '/' ? spec + 1 : spec);
		snprintf(alias, sizeof(alias), "%s", colon ? colon + 1 : name);
		if (strchr(alias, '/') || !*alias || strpbrk(alias, " \t\n")) {
			json_decref(out);
			return berr_set(err, BERR_INVALID, "invalid link alias: %s", alias);
		}
		if (container_find(engine, name, &other, NULL) < 0) {
			json_decref(out);
			return berr_set(err, BERR_NOT_FOUND, "could not get container for %s", name);
		}
		snprintf(text, sizeof(text), "/%s:/%s/%s", other.name, me, alias);
		container_free(&other);
		json_array_append_new(out, json_string(text));
	}
	json_object_set_new(hc, "Links", out);
	return 0;
}

/* ALIAS as a variable's prefix: upper case, '-' and '.' as '_'. */
static void env_prefix(const char *alias, char *out, size_t n)
{
	size_t i;

	for (i = 0; alias[i] && i + 1 < n; i++)
		out[i] = alias[i] == '-' || alias[i] == '.' ? '_' : (char)toupper((unsigned char)alias[i]);
	out[i] = '\0';
}

static int by_port(const void *a, const void *b)
{
	return atoi(*(const char *const *)a) - atoi(*(const char *const *)b);
}

/* The linked container's address: the default bridge's, else its first. */
static void address_of(struct engine *engine, const struct container *o, char *out, size_t n)
{
	json_t *s = network_container_settings(engine, o->id, o->config, o->host_config, o->pid, true);
	const char *ip = json_string_value(json_object_get(s, "IPAddress")), *key;
	json_t *net;

	if (!ip || !*ip)
		json_object_foreach(json_object_get(s, "Networks"), key, net) {
			ip = json_string_value(json_object_get(net, "IPAddress"));
			if (ip && *ip)
				break;
		}
	snprintf(out, n, "%s", ip ? ip : "");
	json_decref(s);
}

static void add_env(json_t *env, const char *prefix, const char *o_name, const char *me,
		    const char *alias, const char *ip, const struct container *o)
{
	json_t *exposed = json_object_get(o->config, "ExposedPorts"), *v;
	const char *key, *ports[256];
	size_t n = 0, i;
	char line[1024];

	(void)o_name;
	snprintf(line, sizeof(line), "%s_NAME=/%s/%s", prefix, me, alias);
	json_array_append_new(env, json_string(line));
	json_object_foreach(exposed, key, v)
		if (n < sizeof(ports) / sizeof(ports[0]))
			ports[n++] = key;
	qsort(ports, n, sizeof(ports[0]), by_port);
	for (i = 0; i < n && *ip; i++) {
		int port = atoi(ports[i]);
		const char *slash = strchr(ports[i], '/');
		char proto[8], upper[8];

		snprintf(proto, sizeof(proto), "%s", slash ? slash + 1 : "tcp");
		env_prefix(proto, upper, sizeof(upper));
		if (i == 0) {
			snprintf(line, sizeof(line), "%s_PORT=%s://%s:%d", prefix, proto, ip, port);
			json_array_append_new(env, json_string(line));
		}
		snprintf(line, sizeof(line), "%s_PORT_%d_%s=%s://%s:%d", prefix, port, upper, proto, ip,
			 port);
		json_array_append_new(env, json_string(line));
		snprintf(line, sizeof(line), "%s_PORT_%d_%s_ADDR=%s", prefix, port, upper, ip);
		json_array_append_new(env, json_string(line));
		snprintf(line, sizeof(line), "%s_PORT_%d_%s_PORT=%d", prefix, port, upper, port);
		json_array_append_new(env, json_string(line));
		snprintf(line, sizeof(line), "%s_PORT_%d_%s_PROTO=%s", prefix, port, upper, proto);
		json_array_append_new(env, json_string(line));
	}
	json_array_foreach(json_object_get(o->config, "Env"), i, v) {
		const char *kv = json_string_value(v), *eq = kv ? strchr(kv, '=') : NULL;

		if (!eq || (eq - kv == 4 && strncmp(kv, "HOME", 4) == 0) ||
		    (eq - kv == 4 && strncmp(kv, "PATH", 4) == 0))
			continue;
		snprintf(line, sizeof(line), "%s_ENV_%s", prefix, kv);
		json_array_append_new(env, json_string(line));
	}
}

int container_links_start(struct engine *engine, const struct container *c, struct strbuf *hosts,
			  json_t *env, berr *err)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(c->host_config, "Links"), i, v) {
		const char *spec = json_string_value(v), *colon = spec ? strchr(spec, ':') : NULL;
		const char *alias = colon ? strrchr(colon, '/') : NULL;
		char name[256], prefix[256], ip[16];
		struct container o = {0};

		if (!colon || !alias || spec[0] != '/')
			continue;
		alias++;
		snprintf(name, sizeof(name), "%.*s", (int)(colon - spec - 1), spec + 1);
		if (container_find(engine, name, &o, NULL) < 0 || strcmp(o.state, "running") != 0) {
			if (o.config)
				container_free(&o);
			return berr_set(err, BERR_CONFLICT,
					"Cannot link to a non running container: /%s AS /%s/%s", name,
					c->name, alias);
		}
		address_of(engine, &o, ip, sizeof(ip));
		if (*ip)
			strbuf_addf(hosts, "%s\t%s %.12s %s\n", ip, alias, o.id, o.name);
		env_prefix(alias, prefix, sizeof(prefix));
		add_env(env, prefix, o.name, c->name, alias, ip, &o);
		container_free(&o);
	}
	return 0;
}
