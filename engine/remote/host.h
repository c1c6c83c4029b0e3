/* Docker's daemon hosts: what -H and $DOCKER_HOST accept and how they
 * are made whole (the docker CLI's opts.ParseHost), and what its client
 * checks before it connects (the ssh connection helper's URL rules,
 * ParseHostURL, the transport). Errors are BERR_INVALID in docker's words. */
#ifndef BERTH_REMOTE_HOST_H
#define BERTH_REMOTE_HOST_H

#include <stdbool.h>
#include <stddef.h>

#include "engine/core/error.h"

/* -H's or $DOCKER_HOST's value made whole as docker does: spaces around
 * it trimmed; no "://" is tcp ("host:2376" -> tcp://host:2376); tcp://
 * gets localhost and port 2375 where they are missing (TLS or not: only
 * docker's default host is on 2376); unix:// with no path is
 * /var/run/docker.sock; ssh:// and fd:// are kept as given. A blank value
 * gives "" (docker's default host). Errors: "invalid bind address format:
 * foo://bar", "invalid proto, expected tcp: ...". */
int remote_host_parse(const char *value, char *out, size_t size, berr *err);

/* The check docker's connection helper makes of any host: it parses as a
 * URL (`parse "tcp://a b": invalid character " " in host name`), and an
 * ssh:// one names a host and has no password, query or fragment ("ssh
 * host connection is not valid: invalid SSH URL: hostname is empty"). A
 * path after an ssh host is the daemon's socket there, as in docker 28. */
int remote_host_check_helper(const char *host, berr *err);

/* The check docker's client makes when it takes a host: "scheme://address"
 * with an address ("unable to parse docker host `foo`"), a tcp address
 * that parses as a URL, a unix path short enough for a socket address,
 * and no npipe ("protocol not available"). Any scheme passes otherwise:
 * docker fails only when it dials. */
int remote_host_check_client(const char *host, berr *err);

/* Whether docker talks to host without TLS whatever the TLS settings:
 * unix://, npipe:// and fd:// (its isSocket), and ssh:// (its helper). */
bool remote_host_skips_tls(const char *host);

#endif
