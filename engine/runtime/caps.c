#include "engine/runtime/caps.h"

#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Indexed by capability number, as in <linux/capability.h>. */
static const char *const cap_names[CAPS_NAMED_LAST + 1] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

/* Numbers of Docker's default set, in the order moby lists them. */
static const int docker_default_caps[] = {
	0,  /* CHOWN */
	1,  /* DAC_OVERRIDE */
	4,  /* FSETID */
	3,  /* FOWNER */
	27, /* MKNOD */
	13, /* NET_RAW */
	6,  /* SETGID */
	7,  /* SETUID */
	31, /* SETFCAP */
	8,  /* SETPCAP */
	10, /* NET_BIND_SERVICE */
	18, /* SYS_CHROOT */
	5,  /* KILL */
	29, /* AUDIT_WRITE */
};

/* Compares a name, upper-cased, to a canonical name without its CAP_ prefix. */
static bool cap_name_matches(const char *name, const char *canonical)
{
	const char *bare = canonical + 4;
	size_t i;

	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	for (i = 0; name[i] && bare[i]; i++)
		if (toupper((unsigned char)name[i]) != bare[i])
			return false;
	return name[i] == '\0' && bare[i] == '\0';
}

int caps_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int cap = 0; cap <= CAPS_NAMED_LAST; cap++)
		if (cap_name_matches(name, cap_names[cap]))
			return cap;
	return -1;
}

const char *caps_name(int cap)
{
	if (cap < 0 || cap > CAPS_NAMED_LAST)
		return NULL;
	return cap_names[cap];
}

int caps_last(void)
{
	char buf[32];
	ssize_t n;
	long last;
	int fd;

	fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return CAPS_NAMED_LAST;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return CAPS_NAMED_LAST;
	buf[n] = '\0';
	last = strtol(buf, NULL, 10);
	if (last <= 0 || last > 63)
		return CAPS_NAMED_LAST;
	return (int)last;
}

/* The capabilities up to caps_last(), as a mask. */
static uint64_t caps_known_mask(void)
{
	int last = caps_last();

	return last >= 63 ? UINT64_MAX : CAPS_BIT(last + 1) - 1;
}

/* Reads CapEff from /proc/self/status; false when it cannot be read. */
static bool caps_read_effective(uint64_t *out)
{
	char buf[4096];
	size_t len = 0;
	ssize_t n;
	char *line;
	int fd;

	fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += (size_t)n;
	close(fd);
	buf[len] = '\0';
	line = strstr(buf, "\nCapEff:");
	if (!line)
		return false;
	return sscanf(line + 8, "%" SCNx64, out) == 1;
}

uint64_t caps_all(void)
{
	uint64_t known = caps_known_mask();
	uint64_t effective;

	/* Docker falls back to every known capability when it cannot tell. */
	if (!caps_read_effective(&effective))
		return known;
	return known & effective;
}

uint64_t caps_docker_default(void)
{
	uint64_t mask = 0;

	for (size_t i = 0; i < sizeof(docker_default_caps) / sizeof(docker_default_caps[0]); i++)
		mask |= CAPS_BIT(docker_default_caps[i]);
	return mask;
}

/* Turns one --cap-add/--cap-drop list into a mask, noting "ALL" apart. */
static int caps_parse_list(const char *const *names, size_t n, uint64_t available,
			   uint64_t *mask, bool *all, berr *err)
{
	*mask = 0;
	*all = false;
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		char shown[128];
		int cap;

		if (strcasecmp(name, "ALL") == 0) {
			*all = true;
			continue;
		}
		/* Docker quotes the name upper-cased with a CAP_ prefix. */
		snprintf(shown, sizeof(shown), "%s%s", strncasecmp(name, "CAP_", 4) == 0 ? "" : "CAP_", name);
		for (char *p = shown; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		cap = caps_from_name(name);
		if (cap < 0)
			return berr_set(err, BERR_INVALID, "unknown capability: \"%s\"", shown);
		if (!(available & CAPS_BIT(cap)))
			return berr_set(err, BERR_INVALID,
					"capability not supported by your kernel or not available in the current environment: \"%s\"",
					shown);
		*mask |= CAPS_BIT(cap);
	}
	return 0;
}

int caps_apply_changes(uint64_t *mask, const char *const *add, size_t nadd,
		       const char *const *drop, size_t ndrop, berr *err)
{
	uint64_t available, add_mask, drop_mask;
	bool add_all, drop_all;

	if (nadd == 0 && ndrop == 0)
		return 0;
	available = caps_all();
	if (caps_parse_list(drop, ndrop, available, &drop_mask, &drop_all, err) < 0)
		return -1;
	if (caps_parse_list(add, nadd, available, &add_mask, &add_all, err) < 0)
		return -1;
	if (add_all)
		*mask = available & ~drop_mask;
	else if (drop_all)
		*mask = add_mask;
	else
		*mask = (*mask & ~drop_mask) | add_mask;
	return 0;
}

size_t caps_names_of(uint64_t mask, const char **names, size_t max)
{
	size_t count = 0;

	for (int cap = 0; cap <= CAPS_NAMED_LAST; cap++) {
		if (!(mask & CAPS_BIT(cap)))
			continue;
		if (count < max)
			names[count] = cap_names[cap];
		count++;
	}
	return count;
}
