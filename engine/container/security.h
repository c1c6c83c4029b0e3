/* A container's security options as Docker keeps them in HostConfig:
 * CapAdd/CapDrop, SecurityOpt (no-new-privileges, seccomp), Sysctls,
 * Devices and GroupAdd; checked with Docker's words and turned into the
 * monitor's spec records. */
#ifndef BERTH_CONTAINER_SECURITY_H
#define BERTH_CONTAINER_SECURITY_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/core/engine.h"

enum security_seccomp {
	SECURITY_SECCOMP_DEFAULT,    /* Docker's profile ("builtin" or nothing said) */
	SECURITY_SECCOMP_UNCONFINED, /* seccomp=unconfined */
	SECURITY_SECCOMP_PROFILE,    /* seccomp=<profile JSON>, as the docker CLI sends it */
};

struct security_opts {
	bool no_new_privileges;
	enum security_seccomp seccomp;
	const char *profile; /* the JSON text, borrowed from the HostConfig */
};

/* Reads HostConfig.SecurityOpt as dockerd does: "no-new-privileges[=<bool>]",
 * "seccomp=unconfined|builtin|<json>", and "label=..."/"apparmor=..."
 * (accepted, nothing to do on this host). Errors are dockerd's:
 * `invalid --security-opt 2: "x=y"`. */
int security_parse_opts(json_t *hc, struct security_opts *out, berr *err);

/* The capabilities the container keeps: every one for Privileged, else
 * Docker's default set with CapDrop taken off and CapAdd put on. Errors are
 * dockerd's: `invalid CapAdd: unknown capability: "CAP_FOO"`. */
int security_caps(json_t *hc, uint64_t *caps, berr *err);

/* Whether a sysctl is one Docker lets a container set (namespaced ones:
 * net.*, fs.mqueue.*, kernel.msg{max,mnb,mni}, kernel.sem,
 * kernel.shm{all,max,mni}, kernel.shm_rmid_forced). */
bool security_sysctl_allowed(const char *key);

/* "r", "rw", "rwm", "mw"...: each of r, w and m at most once. */
bool security_device_mode_valid(const char *mode);

/* What a create can check: capabilities, security options (a seccomp
 * profile must compile), sysctls (and none of net.* with the host's
 * network), devices' fields. */
int security_check(struct engine *engine, json_t *hc, berr *err);

/* Compiles a seccomp=<json> profile for caps into <bundle>/seccomp.bpf
 * (the JSON is kept next to it as seccomp.json) and puts the program's
 * path in path; returns 1 (nothing written) when the profile asks for no
 * filter at all, as Docker takes one with no default action and no rules. */
int security_seccomp_compile(const struct security_opts *opts, uint64_t caps, const char *bundle,
                             char *path, size_t n, berr *err);

/* Appends the spec records for group-add, device (HostConfig.Devices,
 * looked up on the host now, directories walked) and sysctl to records as
 * [key, value] pairs. Errors are Docker's: `error gathering device
 * information while adding custom device "/dev/nope": no such file or
 * directory`. */
int security_spec_records(json_t *hc, json_t *records, berr *err);

#endif
