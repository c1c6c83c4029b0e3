/* Which daemon a command drives: this host's engine, or one elsewhere
 * named by -H, $DOCKER_HOST or a docker CLI context, decided as the
 * docker CLI 28 decides it (cli/command/cli.go, cli/flags/options.go,
 * cli/context/docker/load.go). */
#ifndef BERTH_REMOTE_TARGET_H
#define BERTH_REMOTE_TARGET_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "engine/core/error.h"
#include "engine/remote/context_store.h"

/* The daemon a face drives when it is not this host's engine. */
struct remote_target {
	char host[1024];   /* unix:///path, tcp://host:port, ssh://[user@]host[:port][/socket] */
	char context[256]; /* the context it came from; "" for -H or DOCKER_HOST */
	bool tls;          /* TLS on tcp:// */
	bool tls_verify;   /* verify the daemon's certificate against ca */
	char ca[PATH_MAX], cert[PATH_MAX], key[PATH_MAX]; /* "" when absent */
};

/* The global flags that choose the daemon, as the docker CLI has them.
 * NULL/false when not given. */
struct remote_choice {
	const char *host;     /* -H/--host (last one given) */
	const char *context;  /* -c/--context */
	bool tls, tls_verify; /* --tls, --tlsverify (tls_verify_set says whether
			       * --tlsverify was given at all) */
	bool tls_verify_set;
	const char *tls_ca, *tls_cert, *tls_key; /* --tlscacert, --tlscert, --tlskey */
	const char *config_dir; /* --config (else $DOCKER_CONFIG, else ~/.docker) */
};

/* Picks the daemon the way the docker CLI 28 does. Returns 1 with *out
 * filled when a daemon elsewhere is chosen, 0 when this host's own engine
 * is (the "default" context with no host given, or a context with no
 * host), -1 with err.
 *
 * The context: --context, else "default" when -H or $DOCKER_HOST is
 * given, else $DOCKER_CONTEXT, else config.json's currentContext, else
 * "default". The default context's host is -H's or $DOCKER_HOST's, made
 * whole as docker does; its TLS comes from --tls/$DOCKER_TLS,
 * --tlsverify/$DOCKER_TLS_VERIFY and the certificate flags, else
 * $DOCKER_CERT_PATH/{ca,cert,key}.pem, else the files in $DOCKER_CONFIG
 * or ~/.docker (docker looks there, not in --config's folder). A
 * context's host is used as stored (docker adds no port to it) and its
 * TLS is its stored files; unix://, ssh:// and fd:// never use TLS.
 *
 * err->msg holds docker's words. "conflicting options: cannot specify
 * both --host and --context" (BERR_CONFLICT) docker prints as it is; it
 * prints the others after "Failed to initialize: " when it needs a
 * client: "unable to resolve docker endpoint: context \"x\": context not
 * found: open PATH: no such file or directory" (BERR_NOT_FOUND),
 * "unable to resolve docker endpoint: invalid bind address format: ...",
 * "ssh host connection is not valid: invalid SSH URL: hostname is empty",
 * "unable to parse docker host `x`" (BERR_INVALID). A scheme docker
 * accepts but cannot dial is BERR_UNSUPPORTED ("dial fd: unknown network
 * fd"). */
int remote_target_resolve(const struct remote_choice *choice, struct remote_target *out, berr *err);

/* The config directory: choice's, $DOCKER_CONFIG, or $HOME/.docker. */
const char *remote_config_dir(const struct remote_choice *choice, char *buf, size_t size);

/* The name of the current context as above (docker's CurrentContext: not
 * checked to exist). When config.json cannot be read or parsed, warning
 * says why (docker prints "WARNING: Error <message>") and the name is
 * found as without the file. */
void remote_context_name(const struct remote_choice *choice, char *buf, size_t size,
			 berr *warning);

/* The "default" context as the docker CLI makes it up from -H or
 * $DOCKER_HOST and the TLS flags: its meta.json object {"Name":"default",
 * "Metadata":{},"Endpoints":{"docker":{"Host":...,"SkipTLSVerify":...}}},
 * no "Host" when neither is given (this host's engine), and in tls (when
 * not NULL) the TLS files it carries. Errors as docker's ("invalid bind
 * address format: ...", "open PATH: no such file or directory"). */
int remote_default_context(const struct remote_choice *choice, json_t **meta,
			   struct context_tls *tls, berr *err);

/* Checks an endpoint as docker's client does before it takes one: the
 * connection helper's URL rules, then (on a host that uses TLS, when
 * there is TLS material or skip_verify) the PEM files, then the client's
 * own rules. An empty host passes. Returns -1 when the first two refuse
 * it (docker's "invalid docker endpoint options" when a context is
 * made), -2 when the client does ("unable to apply docker endpoint
 * options"), 0 when it is fine. */
int remote_endpoint_check(const char *host, const struct context_tls *tls, bool skip_verify,
			  berr *err);

#endif
