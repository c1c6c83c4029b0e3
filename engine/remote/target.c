/* The docker CLI's choice of a daemon: the context's name, the default
 * context made up from -H, $DOCKER_HOST and the TLS flags, a stored
 * context's endpoint, and the checks docker's client makes of them. */
#include "engine/remote/target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "engine/remote/client_config.h"
#include "engine/remote/files.h"
#include "engine/remote/host.h"

#define TLS_FILE_MAX (10u << 20)

/* The default context's endpoint: host ("" for this host's engine), and
 * TLS as the flags and environment ask for it (for a host only: docker
 * would go to tcp://localhost:2376 with TLS and no host, berth to its
 * own engine). */
struct default_endpoint {
	char host[1024];
	bool skip_verify;
	bool has_tls; /* TLS files were read (docker's TLSData is not nil) */
	struct context_tls tls;
	char ca[PATH_MAX], cert[PATH_MAX], key[PATH_MAX]; /* the files read */
};

/* Whether an environment variable is set to something. */
static bool env_set(const char *name)
{
	const char *v = getenv(name);

	return v && *v;
}

const char *remote_config_dir(const struct remote_choice *choice, char *buf, size_t size)
{
	return client_config_dir(choice ? choice->config_dir : NULL, buf, size);
}

void remote_context_name(const struct remote_choice *choice, char *buf, size_t size,
			 berr *warning)
{
	char dir[PATH_MAX], current[256] = "";

	berr_clear(warning);
	if (choice && choice->context && *choice->context) {
		snprintf(buf, size, "%s", choice->context);
		return;
	}
	if ((choice && choice->host) || env_set("DOCKER_HOST")) {
		snprintf(buf, size, "%s", CONTEXT_DEFAULT);
		return;
	}
	if (env_set("DOCKER_CONTEXT")) {
		snprintf(buf, size, "%s", getenv("DOCKER_CONTEXT"));
		return;
	}
	remote_config_dir(choice, dir, sizeof(dir));
	if (client_config_current_context(dir, current, sizeof(current), warning) < 0)
		current[0] = '\0';
	snprintf(buf, size, "%s", current[0] ? current : CONTEXT_DEFAULT);
}

/* Where the TLS files are looked for when no flag names them: docker
 * sets this before it reads --config. */
static void cert_dir(char *buf, size_t size)
{
	if (env_set("DOCKER_CERT_PATH"))
		snprintf(buf, size, "%s", getenv("DOCKER_CERT_PATH"));
	else
		client_config_dir(NULL, buf, size);
}

/* One TLS file of the default context: the flag's path, else the one in
 * the certificate folder; a certificate or key nobody named that is not
 * there is left out (docker's SetDefaultOptions), the CA never is. */
static int read_tls_file(const char *flag, const char *dir, const char *file, bool optional,
			 char *path, char **data, size_t *len, berr *err)
{
	struct stat st;

	if (flag)
		snprintf(path, PATH_MAX, "%s", flag);
	else
		snprintf(path, PATH_MAX, "%s/%s", dir, file);
	if (!flag && optional && stat(path, &st) < 0 && errno == ENOENT)
		path[0] = '\0';
	if (!path[0])
		return 0;
	return remote_file_read(path, TLS_FILE_MAX, data, len, err);
}

/* The default context's endpoint (docker's resolveDefaultDockerEndpoint). */
static int default_endpoint(const struct remote_choice *choice, struct default_endpoint *ep,
			    berr *err)
{
	const char *value = choice && choice->host ? choice->host : getenv("DOCKER_HOST");
	bool tls = (choice && choice->tls) || env_set("DOCKER_TLS");
	bool verify = choice && choice->tls_verify_set ? choice->tls_verify
						       : env_set("DOCKER_TLS_VERIFY");
	char dir[PATH_MAX];

	memset(ep, 0, sizeof(*ep));
	if (remote_host_parse(value ? value : "", ep->host, sizeof(ep->host), err) < 0)
		return -1;
	if ((choice && choice->tls_verify_set) || verify)
		tls = true;
	/* without a host it is this host's engine, which no TLS is for */
	if (!tls || !ep->host[0])
		return 0;
	ep->skip_verify = !verify;
	cert_dir(dir, sizeof(dir));
	if (read_tls_file(choice ? choice->tls_ca : NULL, dir, "ca.pem", false, ep->ca, &ep->tls.ca,
			  &ep->tls.ca_len, err) < 0 ||
	    read_tls_file(choice ? choice->tls_cert : NULL, dir, "cert.pem", true, ep->cert,
			  &ep->tls.cert, &ep->tls.cert_len, err) < 0 ||
	    read_tls_file(choice ? choice->tls_key : NULL, dir, "key.pem", true, ep->key,
			  &ep->tls.key, &ep->tls.key_len, err) < 0) {
		context_tls_free(&ep->tls);
		return -1;
	}
	ep->has_tls = context_tls_any(&ep->tls);
	return 0;
}

int remote_default_context(const struct remote_choice *choice, json_t **meta,
			   struct context_tls *tls, berr *err)
{
	struct default_endpoint ep;
	json_t *docker;

	if (default_endpoint(choice, &ep, err) < 0)
		return -1;
	docker = json_object();
	if (ep.host[0])
		json_object_set_new(docker, "Host", json_string(ep.host));
	json_object_set_new(docker, "SkipTLSVerify", json_boolean(ep.skip_verify));
	*meta = json_pack("{s:s, s:{}, s:{s:o}}", "Name", CONTEXT_DEFAULT, "Metadata", "Endpoints",
			  CONTEXT_DOCKER_ENDPOINT, docker);
	if (tls)
		*tls = ep.tls;
	else
		context_tls_free(&ep.tls);
	return 0;
}

/* Whether data holds a PEM block of the type ("CERTIFICATE"), or of any
 * type when type is NULL. */
static bool pem_has(const char *data, size_t len, const char *type)
{
	char begin[64];

	snprintf(begin, sizeof(begin), "-----BEGIN %s", type ? type : "");
	return data && memmem(data, len, begin, strlen(begin)) && memmem(data, len, "-----END ", 9);
}

/* The PEM checks docker's tlsConfig makes before any connection: a CA
 * with a certificate, and a key pair that is PEM and not encrypted. What
 * only the TLS library can tell (a key that does not match) is left to
 * the connection. */
static int tls_material_check(const struct context_tls *tls, berr *err)
{
	if (!tls)
		return 0;
	if (tls->ca && !pem_has(tls->ca, tls->ca_len, "CERTIFICATE"))
		return berr_set(err, BERR_INVALID,
				"failed to retrieve context tls info: ca.pem seems invalid");
	if (!tls->key || !tls->cert)
		return 0;
	if (!pem_has(tls->key, tls->key_len, NULL))
		return berr_set(err, BERR_INVALID, "no valid private key found");
	if (memmem(tls->key, tls->key_len, "Proc-Type: 4,ENCRYPTED", 22))
		return berr_set(err, BERR_INVALID,
				"private key is encrypted - support for encrypted private keys has "
				"been removed, see https://docs.docker.com/go/deprecated/");
	if (!pem_has(tls->cert, tls->cert_len, "CERTIFICATE"))
		return berr_set(err, BERR_INVALID,
				"failed to retrieve context tls info: tls: failed to find any PEM "
				"data in certificate input");
	return 0;
}

int remote_endpoint_check(const char *host, const struct context_tls *tls, bool skip_verify,
			  berr *err)
{
	if (!host || !*host)
		return 0;
	if (remote_host_check_helper(host, err) < 0)
		return -1;
	if (!remote_host_skips_tls(host) && (tls || skip_verify) && tls_material_check(tls, err) < 0)
		return -1;
	if (remote_host_check_client(host, err) < 0)
		return -2;
	return 0;
}

/* The schemes berth's client dials; docker takes any scheme until it dials. */
static int dialable(const char *host, berr *err)
{
	static const char *const schemes[] = {"unix://", "tcp://", "ssh://"};
	const char *sep = strstr(host, "://");

	for (size_t i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++)
		if (strncmp(host, schemes[i], strlen(schemes[i])) == 0)
			return 0;
	return berr_set(err, BERR_UNSUPPORTED, "dial %.*s: unknown network %.*s",
			(int)(sep - host), host, (int)(sep - host), host);
}

/* Fills out with a host and its TLS, and copies the paths of the files. */
static int fill_target(struct remote_target *out, const char *host, const char *context,
		       bool uses_tls, bool skip_verify, const char *ca, const char *cert,
		       const char *key, berr *err)
{
	memset(out, 0, sizeof(*out));
	if (strlen(host) >= sizeof(out->host) || strlen(context) >= sizeof(out->context))
		return berr_set(err, BERR_INVALID, "unable to parse docker host `%s`", host);
	snprintf(out->host, sizeof(out->host), "%s", host);
	snprintf(out->context, sizeof(out->context), "%s", context);
	out->tls = uses_tls && !remote_host_skips_tls(host);
	out->tls_verify = out->tls && !skip_verify;
	if (!out->tls)
		return 0;
	snprintf(out->ca, sizeof(out->ca), "%s", ca);
	snprintf(out->cert, sizeof(out->cert), "%s", cert);
	snprintf(out->key, sizeof(out->key), "%s", key);
	return 0;
}

/* The default context: 0 without a host, 1 with one. */
static int resolve_default(const struct remote_choice *choice, struct remote_target *out,
			   berr *err)
{
	struct default_endpoint ep;
	int rc;

	if (default_endpoint(choice, &ep, err) < 0)
		return berr_prefix(err, "unable to resolve docker endpoint");
	rc = ep.host[0] ? 1 : 0;
	if (rc && (remote_endpoint_check(ep.host, ep.has_tls ? &ep.tls : NULL, ep.skip_verify,
					 err) < 0 ||
		   dialable(ep.host, err) < 0 ||
		   fill_target(out, ep.host, "", ep.has_tls || ep.skip_verify, ep.skip_verify,
			       ep.tls.ca ? ep.ca : "", ep.tls.cert ? ep.cert : "",
			       ep.tls.key ? ep.key : "", err) < 0))
		rc = -1;
	context_tls_free(&ep.tls);
	return rc;
}

/* A stored context: 0 when it names no host, 1 with one. */
static int resolve_stored(const char *config_dir, const char *name, struct remote_target *out,
			  berr *err)
{
	char ca[PATH_MAX], cert[PATH_MAX], key[PATH_MAX];
	struct context_tls tls;
	json_t *meta, *docker;
	const char *host;
	bool found, skip;
	int rc;

	if (context_store_get(config_dir, name, &meta, err) < 0)
		return berr_prefix(err, "unable to resolve docker endpoint");
	docker = remote_json_get(remote_json_get(meta, "Endpoints"), CONTEXT_DOCKER_ENDPOINT);
	if (!json_is_object(docker)) {
		json_decref(meta);
		return berr_set(err, BERR_INVALID,
				"unable to resolve docker endpoint: cannot find docker endpoint in "
				"context");
	}
	host = json_string_value(remote_json_get(docker, "Host"));
	skip = json_is_true(remote_json_get(docker, "SkipTLSVerify"));
	if (context_store_tls_get(config_dir, name, CONTEXT_DOCKER_ENDPOINT, &tls, &found, err) < 0) {
		json_decref(meta);
		return berr_prefix(err, "unable to resolve docker endpoint");
	}
	context_store_tls_path(config_dir, name, CONTEXT_DOCKER_ENDPOINT, "ca.pem", ca);
	context_store_tls_path(config_dir, name, CONTEXT_DOCKER_ENDPOINT, "cert.pem", cert);
	context_store_tls_path(config_dir, name, CONTEXT_DOCKER_ENDPOINT, "key.pem", key);
	rc = host && *host ? 1 : 0;
	if (rc && (remote_endpoint_check(host, found ? &tls : NULL, skip, err) < 0 ||
		   dialable(host, err) < 0 ||
		   fill_target(out, host, name, found || skip, skip, tls.ca ? ca : "",
			       tls.cert ? cert : "", tls.key ? key : "", err) < 0))
		rc = -1;
	context_tls_free(&tls);
	json_decref(meta);
	return rc;
}

int remote_target_resolve(const struct remote_choice *choice, struct remote_target *out, berr *err)
{
	char dir[PATH_MAX], name[256];
	berr warning = {0};

	if (choice && choice->context && *choice->context && choice->host)
		return berr_set(err, BERR_CONFLICT,
				"conflicting options: cannot specify both --host and --context");
	remote_context_name(choice, name, sizeof(name), &warning);
	if (strcmp(name, CONTEXT_DEFAULT) == 0)
		return resolve_default(choice, out, err);
	return resolve_stored(remote_config_dir(choice, dir, sizeof(dir)), name, out, err);
}
