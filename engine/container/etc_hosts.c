/* A container's /etc/hosts (see etc_hosts.h). */
#include "engine/container/etc_hosts.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "engine/core/fsutil.h"
#include "engine/core/strbuf.h"

#define DOCKER_HOSTS                                                                               \
	"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"                        \
	"fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\n"                                        \
	"ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"

/* Splits "name:ip" (or "name=ip"; an IPv6 address keeps its colons). */
static bool split_entry(const char *entry, char *name, size_t nname, const char **ip)
{
	const char *sep = strchr(entry, '=');

	if (!sep)
		sep = strchr(entry, ':');
	if (!sep || sep == entry || (size_t)(sep - entry) >= nname || !sep[1])
		return false;
	memcpy(name, entry, (size_t)(sep - entry));
	name[sep - entry] = '\0';
	*ip = sep + 1;
	return true;
}

static bool address_valid(const char *ip)
{
	unsigned char buf[16];

	return inet_pton(AF_INET, ip, buf) == 1 || inet_pton(AF_INET6, ip, buf) == 1;
}

int etc_hosts_check_entry(const char *entry, berr *err)
{
	char name[256];
	const char *ip;

	if (!split_entry(entry, name, sizeof(name), &ip) || strpbrk(name, " \t\n") ||
	    strpbrk(ip, " \t\n"))
		return berr_set(err, BERR_INVALID, "bad format for add-host: \"%s\"", entry);
	if (strcmp(ip, "host-gateway") != 0 && !address_valid(ip))
		return berr_set(err, BERR_INVALID, "invalid IP address in add-host: \"%s\"", ip);
	return 0;
}

static int write_hosts(const char *bundle, json_t *host_config, const char *own,
		       const char *host_gateway, bool in_place, berr *err)
{
	char path[PATH_MAX + 8], name[256];
	struct strbuf b = {0};
	json_t *v;
	size_t i;
	int rc = -1;

	strbuf_adds(&b, DOCKER_HOSTS);
	json_array_foreach(json_object_get(host_config, "ExtraHosts"), i, v) {
		const char *entry = json_string_value(v), *ip;

		if (!entry || etc_hosts_check_entry(entry, err) < 0)
			goto out;
		split_entry(entry, name, sizeof(name), &ip);
		if (strcmp(ip, "host-gateway") == 0) {
			if (!host_gateway || !*host_gateway) {
				berr_set(err, BERR_INVALID,
					 "unable to derive the IP value for host-gateway");
				goto out;
			}
			ip = host_gateway;
		}
		strbuf_addf(&b, "%s\t%s\n", ip, name);
	}
	if (own)
		strbuf_adds(&b, own);
	snprintf(path, sizeof(path), "%s/hosts", bundle);
	if (in_place) {
		int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
		rc = fd >= 0 && write(fd, b.s, b.len) == (ssize_t)b.len ? 0 : berr_sys(err, "writing %s", path);
		if (fd >= 0)
			close(fd);
	} else {
		rc = fs_write_atomic_mode(path, b.s, b.len, 0644, err);
	}
out:
	strbuf_free(&b);
	return rc;
}

int etc_hosts_write(const char *bundle, json_t *host_config, const char *own,
		    const char *host_gateway, berr *err)
{
	return write_hosts(bundle, host_config, own, host_gateway, false, err);
}

int etc_hosts_rewrite(const char *bundle, json_t *host_config, const char *own,
		      const char *host_gateway, berr *err)
{
	return write_hosts(bundle, host_config, own, host_gateway, true, err);
}
