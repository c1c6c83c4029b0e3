/* The host's architecture in Go's words (host_arch.h). */
#include "engine/core/host_arch.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

const char *host_go_arch(void)
{
	static const char *const map[][2] = {
		{"x86_64", "amd64"}, {"aarch64", "arm64"}, {"armv7l", "arm"}, {"armv6l", "arm"},
		{"i686", "386"},     {"i386", "386"},      {"ppc64le", "ppc64le"},
		{"s390x", "s390x"},  {"riscv64", "riscv64"},
	};
	static char machine[65];
	struct utsname u;

	if (uname(&u) < 0)
		return "amd64";
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(u.machine, map[i][0]) == 0)
			return map[i][1];
	snprintf(machine, sizeof(machine), "%s", u.machine);
	return machine;
}
