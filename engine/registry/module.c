/* The registry.* commands of the engine's queue:
 *
 *   registry.login  {"serveraddress", "username", "password", "identitytoken",
 *                    "save", "stored"} -> {"Status": "Login Succeeded", "ServerAddress"}
 *       checks the credentials against the registry (POST /auth) and,
 *       unless "save" is false, stores them for the user (config.json or
 *       its credential helper); with "stored", the credentials stored for
 *       it are checked instead
 *   registry.logout {"serveraddress"} -> {"Removed": bool, "ServerAddress"}
 *   registry.manifest {"reference", "auth", "verbose"} -> {"Raw", "MediaType", "Digest"}
 *   registry.search {"term", "limit", "filters", "auth"} -> [results] (search.c)
 *
 * A server address is what docker login takes: empty for Docker Hub, a
 * "host:port", or a URL whose host is used. */
#include <stdio.h>
#include <string.h>

#include <stdlib.h>

#include "engine/core/base64.h"
#include "engine/core/daemon_config.h"
#include "engine/core/engine.h"
#include "engine/core/reference.h"
#include "engine/registry/hosts.h"
#include "engine/registry/registry.h"
#include "engine/registry/registry_module.h"
#include "engine/registry/search.h"

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
	char domain[300], key[300], plaintext[4200] = "";
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
	    (!json_is_false(save) && registry_credentials_save(domain, &cred, plaintext, err) < 0)) {
		explicit_bzero(&cred, sizeof(cred));
		return -1;
	}
	explicit_bzero(&cred, sizeof(cred));
	registry_credentials_key(domain, key, sizeof(key));
	*result = json_pack("{s:s, s:s}", "Status", "Login Succeeded", "ServerAddress", key);
	if (plaintext[0])
		json_object_set_new(*result, "PlaintextFile", json_string(plaintext));
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

/* A manifest as a descriptor, and its parsed form, for --verbose. */
static json_t *verbose_entry(const char *full_ref, const char *body, size_t len,
			     const char *media_type, const char *digest, json_t *platform)
{
	json_t *parsed = json_loadb(body, len, 0, NULL);
	char *raw = base64_encode(body, len);
	json_t *desc = json_pack("{s:s, s:s, s:I}", "mediaType", media_type, "digest", digest, "size",
				 (json_int_t)len);
	json_t *entry;

	if (platform)
		json_object_set(desc, "platform", platform);
	entry = json_pack("{s:s, s:o, s:s}", "Ref", full_ref, "Descriptor", desc, "Raw",
			  raw ? raw : "");
	json_object_set_new(entry, strstr(media_type, "vnd.oci.") ? "OCIManifest" : "SchemaV2Manifest",
			    parsed ? parsed : json_null());
	free(raw);
	return entry;
}

/* A platform as OCI types it, from a registry's object: its string
 * fields (and os.features' strings) alone, so that no client fails to
 * decode what a hostile registry sent. */
static json_t *typed_platform(json_t *from)
{
	static const char *const keys[] = {"architecture", "os", "variant", "os.version"};
	json_t *p = json_object(), *v, *features;
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_is_string(v = json_object_get(from, keys[i])))
			json_object_set(p, keys[i], v);
	if (json_is_array(json_object_get(from, "os.features"))) {
		features = json_array();
		json_array_foreach(json_object_get(from, "os.features"), i, v)
			if (json_is_string(v))
				json_array_append(features, v);
		json_object_set_new(p, "os.features", features);
	}
	return p;
}

/* The platforms a manifest serves (GET /distribution's Platforms): a
 * list's entries', or a manifest's config's (read from the registry). */
static json_t *manifest_platforms(struct registry_session *s, const char *body, size_t len,
				  berr *err)
{
	json_t *doc = json_loadb(body, len, 0, NULL), *out = json_array(), *m;
	size_t i;

	if (json_is_array(json_object_get(doc, "manifests"))) {
		json_array_foreach(json_object_get(doc, "manifests"), i, m)
			if (json_is_object(json_object_get(m, "platform")))
				json_array_append_new(out, typed_platform(json_object_get(m, "platform")));
		json_decref(doc);
		return out;
	}
	const char *config = json_string_value(json_object_get(json_object_get(doc, "config"), "digest"));
	char *text = NULL;
	size_t tlen = 0;
	if (!config || registry_blob_read(s, config, 1u << 20, &text, &tlen, err) < 0) {
		if (!config)
			berr_set(err, BERR_INVALID, "the manifest names no config");
		json_decref(doc);
		json_decref(out);
		return NULL;
	}
	json_t *cfg = json_loadb(text, tlen, 0, NULL);
	json_array_append_new(out, typed_platform(cfg));
	json_decref(cfg);
	free(text);
	json_decref(doc);
	return out;
}

/* registry.manifest {"reference", "auth", "verbose", "platforms"} -> {"Raw",
 * "MediaType", "Digest"} (docker manifest inspect; with verbose also
 * "Verbose": the manifest, or a list's every manifest, as Docker's
 * --verbose shows them; with platforms also "Platforms", GET
 * /distribution's). */
static int cmd_manifest(struct cmd_ctx *ctx, json_t *args, json_t **result, berr *err)
{
	const char *text = json_string_value(json_object_get(args, "reference"));
	struct registry_credentials cred;
	struct registry_session *s = NULL;
	struct image_ref ref;
	char full[REF_STRING_SIZE], media[128], digest[72];
	char *body = NULL;
	size_t len;
	int ret = -1;

	(void)ctx;
	if (ref_parse_normalized(text ? text : "", &ref, err) < 0)
		return -1;
	ref_string(&ref, full, sizeof(full));
	if (registry_credentials_for(json_object_get(args, "auth"), ref.domain, &cred, err) < 0)
		return -1;
	ret = registry_session_open(ref.domain, ref.path, false, &cred, NULL, &s, err);
	explicit_bzero(&cred, sizeof(cred));
	if (ret < 0)
		return -1;
	/* a registry that trickles holds no thread for long */
	registry_session_deadline(s, 60);
	ret = -1;
	if (registry_manifest_get(s, ref.digest[0] ? ref.digest : ref.tag, &body, &len, media, digest,
				  err) < 0) {
		const char *code = registry_session_error_code(s);
		if (strcmp(code, "MANIFEST_UNKNOWN") == 0 || strcmp(code, "NAME_UNKNOWN") == 0)
			berr_set(err, BERR_NOT_FOUND, "no such manifest: %s", full);
		goto out;
	}
	*result = json_pack("{s:s%, s:s, s:s}", "Raw", body, len, "MediaType", media, "Digest", digest);
	if (json_is_true(json_object_get(args, "platforms"))) {
		json_t *platforms = manifest_platforms(s, body, len, err);
		if (!platforms) {
			json_decref(*result);
			*result = NULL;
			goto out;
		}
		json_object_set_new(*result, "Platforms", platforms);
	}
	if (json_is_true(json_object_get(args, "verbose"))) {
		json_t *doc = json_loadb(body, len, 0, NULL), *d;
		size_t i;

		if (json_object_get(doc, "manifests")) {
			json_t *list = json_array();

			json_array_foreach(json_object_get(doc, "manifests"), i, d) {
				const char *child = json_string_value(json_object_get(d, "digest"));
				char *cbody = NULL, cmedia[128], cdigest[72];
				size_t clen;

				if (!child || registry_manifest_get(s, child, &cbody, &clen, cmedia,
								    cdigest, err) < 0) {
					json_decref(list);
					json_decref(doc);
					json_decref(*result);
					*result = NULL;
					if (!child)
						berr_set(err, BERR_INVALID, "invalid manifest list: no digest");
					goto out;
				}
				json_array_append_new(list, verbose_entry(full, cbody, clen, cmedia, cdigest,
									  json_object_get(d, "platform")));
				free(cbody);
			}
			json_object_set_new(*result, "Verbose", list);
		} else {
			json_object_set_new(*result, "Verbose",
					    verbose_entry(full, body, len, media, digest, NULL));
		}
		json_decref(doc);
	}
	ret = 0;
out:
	free(body);
	registry_session_close(s);
	return ret;
}

static const struct engine_command registry_commands[] = {
	{"registry.login", cmd_login},
	{"registry.logout", cmd_logout},
	{"registry.manifest", cmd_manifest},
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
	.commands = (const struct engine_command *const[]){registry_commands,
							    registry_search_commands, NULL},
	.info = registry_info,
};
