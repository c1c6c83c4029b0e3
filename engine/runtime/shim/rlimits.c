/* The container's resource limits (--ulimit): `rlimit <name> <soft> <hard>`
 * records set by the init with setrlimit while it still holds
 * CAP_SYS_RESOURCE, so a hard limit may be raised as well as lowered. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "shim.h"

static const struct {
	const char *name;
	int resource;
} names[] = {
    {"core", RLIMIT_CORE},         {"cpu", RLIMIT_CPU},
    {"data", RLIMIT_DATA},         {"fsize", RLIMIT_FSIZE},
    {"locks", RLIMIT_LOCKS},       {"memlock", RLIMIT_MEMLOCK},
    {"msgqueue", RLIMIT_MSGQUEUE}, {"nice", RLIMIT_NICE},
    {"nofile", RLIMIT_NOFILE},     {"nproc", RLIMIT_NPROC},
    {"rss", RLIMIT_RSS},           {"rtprio", RLIMIT_RTPRIO},
    {"rttime", RLIMIT_RTTIME},     {"sigpending", RLIMIT_SIGPENDING},
    {"stack", RLIMIT_STACK},
};

/* A limit value: a decimal or "unlimited". */
static int parse_limit(const char *s, rlim_t *out)
{
	char *end;

	if (!strcmp(s, "unlimited")) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (!*s || *s == '-')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end)
		return -1;
	*out = (rlim_t)v;
	return 0;
}

/* Applies one "<name> <soft> <hard>" record. */
static int apply_one(const char *rec, struct shim_err *err)
{
	char copy[128], *save = NULL;
	struct rlimit rl;

	if (strlen(rec) >= sizeof(copy))
		return shim_fail(err, "system", "bad rlimit record: %s", rec);
	strcpy(copy, rec);
	char *name = strtok_r(copy, " ", &save), *soft = strtok_r(NULL, " ", &save);
	char *hard = strtok_r(NULL, " ", &save);
	if (!name || !soft || !hard || strtok_r(NULL, " ", &save) ||
	    parse_limit(soft, &rl.rlim_cur) < 0 || parse_limit(hard, &rl.rlim_max) < 0)
		return shim_fail(err, "system", "bad rlimit record: %s", rec);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i].name, name))
			continue;
		if (setrlimit(names[i].resource, &rl) < 0)
			return shim_sys(err, "setrlimit %s", name);
		return 0;
	}
	return shim_fail(err, "system", "unknown rlimit %s", name);
}

int rlimits_apply(const struct spec *s, struct shim_err *err)
{
	for (size_t i = 0; i < s->rlimits.n; i++)
		if (apply_one(s->rlimits.v[i], err) < 0)
			return -1;
	return 0;
}
