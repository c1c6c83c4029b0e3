/* The registry.* commands of the engine's queue:
 *
 *   registry.login  {"serveraddress", "username", "password", "identitytoken",
 *                    "save", "stored"} -> {"Status": "Login Succeeded", "ServerAddress"}
 *       checks the credentials against the registry (POST /auth) and,
 *       unless "save" is false, stores them for the user (config.json or
 *       its credential helper); with "stored", the credentials stored for
 *       it are checked instead
 *   registry.logout {"serveraddress"} -> {"Removed": bool, "ServerAddress"}
 *
 * A server address is what docker login takes: empty for Docker Hub, a
 * "host:port", or a URL whose host is used. */
#include <stdio.h>
#include <string.h>

#include "engine/core/daemon_config.h"
#include "engine/core/engine.h"
#include "engine/registry/hosts.h"
#include "engine/registry/registry.h"
#include "engine/registry/registry_module.h"

/* "https://localhost:5000/v2/" -> "localhost:5000"; Docker Hub's names -> "docker.io". */
void registry_server_domain(const char *server, char *out, size_t size)
{
	const char *p = server ? strstr(server, "://") : NULL;

	p = p ? p + 3 : server ? server : "";
	snprintf(out, size, "%.*s", (int)strcspn(p, "/"), p);
	if (!*out || strcmp(out, "index.docker.io") == 0 || strcmp(out, "registry-1.docker.io") == 0 ||
	    strcmp(out, "registry.hub.docker.com") == 0)
		snprintf(out, size, "docker.io");
}

static int cmd_login(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	struct registry_credentials cred;
	char domain[300], key[300];
	json_t *save = json_object_get(args, "save");

	(void)ctx;
	registry_server_domain(json_string_value(json_object_get(args, "serveraddress")), domain,
			       sizeof(domain));
	registry_credentials_from_json(args, &cred);
	/* "stored": the credentials the user has for it, checked again */
	if (json_is_true(json_object_get(args, "stored"))) {
		if (registry_credentials_lookup(domain, &cred, err) < 0)
			return -1;
		if (!cred.username[0] && !cred.identity_token[0])
			return berr_set(err, BERR_NOT_FOUND, "no stored credentials for %s", domain);
		save = json_false();
	}
	if (!cred.username[0] && !cred.identity_token[0])
		return berr_set(err, BERR_INVALID, "Username is required");
	if (registry_login_check(domain, &cred, err) < 0 ||
	    (!json_is_false(save) && registry_credentials_save(domain, &cred, err) < 0)) {
		explicit_bzero(&cred, sizeof(cred));
		return -1;
	}
	explicit_bzero(&cred, sizeof(cred));
	registry_credentials_key(domain, key, sizeof(key));
	*result = json_pack("{s:s, s:s}", "Status", "Login Succeeded", "ServerAddress", key);
	return 0;
}

static int cmd_logout(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	char domain[300], key[300];
	bool found;

	(void)ctx;
	registry_server_domain(json_string_value(json_object_get(args, "serveraddress")), domain,
			       sizeof(domain));
	if (registry_credentials_erase(domain, &found, err) < 0)
		return -1;
	registry_credentials_key(domain, key, sizeof(key));
	*result = json_pack("{s:b, s:s}", "Removed", found, "ServerAddress", key);
	return 0;
}

static const struct engine_command registry_commands[] = {
	{"registry.login", cmd_login},
	{"registry.logout", cmd_logout},
	{NULL, NULL},
};

/* docker info's registry part: IndexServerAddress and RegistryConfig. */
static int registry_info(struct engine *engine, json_t *info, berr *err)
{
	json_t *cidrs = json_array(), *mirrors = json_array(), *indexes = json_object();
	json_t *config, *v;
	size_t i;

	(void)engine;
	if (daemon_config_read(&config, err) < 0) {
		json_decref(cidrs);
		json_decref(mirrors);
		json_decref(indexes);
		return -1;
	}
	json_array_append_new(cidrs, json_string("::1/128"));
	json_array_append_new(cidrs, json_string("127.0.0.0/8"));
	json_array_foreach(json_object_get(config, "insecure-registries"), i, v) {
		const char *name = json_string_value(v);
		if (name && strchr(name, '/'))
			json_array_append(cidrs, v);
		else if (name)
			json_object_set_new(indexes, name,
					    json_pack("{s:s, s:[], s:b, s:b}", "Name", name, "Mirrors",
						      "Secure", 0, "Official", 0));
	}
	json_array_foreach(json_object_get(config, "registry-mirrors"), i, v)
		if (json_is_string(v))
			json_array_append(mirrors, v);
	json_decref(config);
	json_object_set_new(info, "IndexServerAddress", json_string("https://index.docker.io/v1/"));
	json_object_set_new(info, "RegistryConfig",
			    json_pack("{s:o, s:o, s:o}", "InsecureRegistryCIDRs", cidrs, "IndexConfigs",
				      indexes, "Mirrors", mirrors));
	return 0;
}

const struct engine_module registry_module = {
	.name = "registry",
	.commands = (const struct engine_command *const[]){registry_commands, NULL},
	.info = registry_info,
};
