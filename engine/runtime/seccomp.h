/* Seccomp filters for containers, compiled with libseccomp into the raw BPF
 * program (an array of struct sock_filter) that berth-shim loads with
 * seccomp(SECCOMP_SET_MODE_FILTER) right before it execs the container's
 * command. The filter is loaded while the process still changes its
 * credentials, so every profile must allow capset, prctl, setgroups,
 * setres[ug]id and execve (Docker's default profile does).
 *
 * Rules are conditioned as in Docker's profiles: on the container's bounding
 * capabilities, on the host's architecture and on its kernel version.
 * Syscall names libseccomp does not know are skipped, except a few recent ones
 * berth numbers itself on the native architecture. Syscalls numbered past
 * every one berth can name return ENOSYS rather than the default action, so
 * that a libc falls back from calls newer than the profile (as under runc). */
#ifndef BERTH_RUNTIME_SECCOMP_H
#define BERTH_RUNTIME_SECCOMP_H

#include <stddef.h>
#include <stdint.h>

#include "engine/core/error.h"

/* Compiles Docker's default profile for this machine (the native architecture
 * plus the compat ones Docker lists for it: x86 and x32 on amd64) with the
 * rules that depend on capabilities chosen by `caps` (the bounding set), and
 * writes the BPF to `path` atomically (temporary file and rename, mode 0644). */
int seccomp_write_default(uint64_t caps, const char *path, berr *err);

/* Same from a Docker seccomp profile in JSON (--security-opt seccomp=<file>).
 * Returns 0 when the filter was written, 1 when the profile has neither a
 * defaultAction nor syscalls, which Docker takes as "no seccomp" (nothing is
 * written), and -1 with BERR_INVALID for a file that cannot be used. */
int seccomp_write_profile(const char *profile_json_path, uint64_t caps, const char *path,
			  berr *err);

/* The profile model shared by the built-in default profile and the JSON
 * reader; nothing outside engine/runtime needs it. Actions and comparison
 * operators hold libseccomp's values (SCMP_ACT_*, SCMP_CMP_*). */

#define SECCOMP_RULE_MAX_ARGS 6

struct seccomp_arg {
	unsigned int index;
	int op;
	uint64_t value;
	uint64_t value_two;
};

/* A condition on a rule: every capability in caps, an architecture in
 * arches (Docker's names: "amd64", "arm64", "s390x"...), a kernel at least
 * min_kernel. For "includes" all given parts must hold; for "excludes" any. */
struct seccomp_cond {
	uint64_t caps;
	int unknown_cap;          /* names a capability berth does not know */
	const char *const *arches; /* NULL-terminated, or NULL */
	unsigned int min_kernel_major;
	unsigned int min_kernel_minor; /* 0.0: no kernel condition */
};

struct seccomp_rule {
	const char *const *names; /* NULL-terminated */
	uint32_t action;
	struct seccomp_arg args[SECCOMP_RULE_MAX_ARGS];
	size_t nargs;
	struct seccomp_cond includes;
	struct seccomp_cond excludes;
};

/* An architecture and the ones a filter for it also covers. */
struct seccomp_arch_map {
	uint32_t arch;
	uint32_t sub_arches[3];
	size_t nsub;
};

/* The built-in default profile's rules and architecture map. */
const struct seccomp_rule *seccomp_default_rules(size_t *count);
const struct seccomp_arch_map *seccomp_default_arch_map(size_t *count);

#endif
