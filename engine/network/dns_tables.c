/* The name tables the containers' resolvers read (see dns_tables.h). */
#include "engine/network/dns_tables.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/fsutil.h"
#include "engine/core/strbuf.h"
#include "engine/network/internal.h"
#include "engine/runtime/shim_protocol.h"

/* The resolver runs as uid/gid 65534: the group may read, no one else. */
#define RESOLVER_GID 65534

void dns_tables_dir(struct engine *engine, char *out, size_t n)
{
	snprintf(out, n, "%s/network/dns", engine_run_root(engine));
}

bool dns_network_resolves(const struct network *n)
{
	return n->subnet[0] && strcmp(n->name, "bridge") != 0;
}

/* Whether dir/name holds exactly text already (a rebuild rewrites only
 * what changed: a start among a hundred containers touches two files). */
static bool same_content(const char *path, const struct strbuf *b)
{
	char buf[4096];
	size_t off = 0;
	ssize_t n;
	bool same = true;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return false;
	while (same && (n = read(fd, buf, sizeof(buf))) > 0) {
		same = off + (size_t)n <= b->len && memcmp(buf, b->s + off, (size_t)n) == 0;
		off += (size_t)n;
	}
	close(fd);
	return same && off == b->len;
}

/* Writes dir/name, readable by the resolver's group, by rename. */
static int write_file(const char *dir, const char *name, const struct strbuf *b, berr *err)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (same_content(path, b))
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640);
	if (fd < 0)
		return berr_sys(err, "writing %s", tmp);
	if ((b->len && write(fd, b->s, b->len) != (ssize_t)b->len) ||
	    fchown(fd, 0, RESOLVER_GID) < 0 || fchmod(fd, 0640) < 0) {
		berr_sys(err, "writing %s", tmp);
		close(fd);
		unlink(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		berr_sys(err, "writing %s", path);
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* One network's table; each running container on it gets the network in
 * lists (container id -> array of network ids). */
static int write_table(const char *dir, const struct network *n, struct store *st, json_t *lists,
		       berr *err)
{
	struct endpoint *eps = NULL;
	struct strbuf b = {0};
	size_t count = 0, i, k;
	json_t *alias;
	int rc;

	if (endpoint_load_network(st, n->id, &eps, &count, err) < 0)
		return -1;
	for (i = 0; i < count; i++) {
		const char *name = json_string_value(json_object_get(eps[i].config, "Container"));
		json_t *list;

		if (!eps[i].address[0])
			continue;
		if (!(list = json_object_get(lists, eps[i].container_id)))
			json_object_set_new(lists, eps[i].container_id, list = json_array());
		json_array_append_new(list, json_string(n->id));
		/* one line per name and address: IPv4's, then IPv6's */
		for (int family = 0; family < 2; family++) {
			const char *addr = family ? eps[i].address6 : eps[i].address;
			if (!addr[0])
				continue;
			/* <name>.<network> first: the name PTR answers, as Docker's */
			if (name && *name)
				strbuf_addf(&b, "%s.%s %s\n%s %s\n", name, n->name, addr, name, addr);
			strbuf_addf(&b, "%.12s %s\n", eps[i].container_id, addr);
			json_array_foreach(eps[i].aliases, k, alias)
				if (json_is_string(alias))
					strbuf_addf(&b, "%s %s\n", json_string_value(alias), addr);
		}
	}
	endpoint_free_all(eps, count);
	rc = write_file(dir, n->id, &b, err);
	strbuf_free(&b);
	return rc;
}

/* c-<id> for every running container on a network that resolves; the
 * lists of containers that no longer are, tables of networks gone, and
 * what a crash left half-written (*.tmp) removed. */
static int write_lists(const char *dir, json_t *lists, json_t *tables, json_t *way_out,
		       berr *err)
{
	const char *id;
	json_t *nets, *v;
	struct dirent *de;
	DIR *d;
	size_t i;

	json_object_foreach(lists, id, nets) {
		struct strbuf b = {0};
		char name[80];
		int rc;

		/* on internal networks only (now: a disconnect may have made it
		 * so): its resolver sends no name out */
		if (!json_is_true(json_object_get(way_out, id)))
			strbuf_adds(&b, DNS_LIST_INTERNAL "\n");
		json_array_foreach(nets, i, v)
			strbuf_addf(&b, "%s\n", json_string_value(v));
		snprintf(name, sizeof(name), "c-%.64s", id);
		rc = write_file(dir, name, &b, err);
		strbuf_free(&b);
		if (rc < 0)
			return -1;
	}
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (strncmp(de->d_name, "c-", 2) == 0 ? !json_object_get(lists, de->d_name + 2)
							 : !json_object_get(tables, de->d_name))
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
	return 0;
}

int dns_tables_write(struct engine *engine, berr *err)
{
	struct store *st = engine_store(engine, err);
	struct network *all = NULL;
	char dir[PATH_MAX], lock_path[PATH_MAX + 8];
	size_t n = 0;
	int lock, rc = 0;

	if (!st)
		return -1;
	dns_tables_dir(engine, dir, sizeof(dir));
	if (fs_mkdir_p(dir, 0750, err) < 0)
		return -1;
	if (chown(dir, 0, RESOLVER_GID) < 0 || chmod(dir, 0750) < 0)
		return berr_sys(err, "preparing %s", dir);
	/* one writer at a time, reading the store as committed */
	snprintf(lock_path, sizeof(lock_path), "%s.lock", dir);
	lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0)
		return berr_sys(err, "opening %s", lock_path);
	while (flock(lock, LOCK_EX) < 0)
		;
	if (network_load_all(st, &all, &n, err) < 0) {
		close(lock);
		return -1;
	}
	json_t *lists = json_object(), *tables = json_object();
	for (size_t i = 0; i < n && rc == 0; i++)
		if (dns_network_resolves(&all[i])) {
			json_object_set_new(tables, all[i].id, json_true());
			rc = write_table(dir, &all[i], st, lists, err);
		}
	json_t *way_out = rc == 0 ? network_containers_with_way_out(st, err) : NULL;
	if (rc == 0 && !way_out)
		rc = -1;
	/* every running container with an address has a list, its tables or
	 * none: a resolver whose list is missing forwards nothing */
	const char *cid;
	json_t *flag;
	json_object_foreach(way_out, cid, flag)
		if (!json_object_get(lists, cid))
			json_object_set_new(lists, cid, json_array());
	if (rc == 0)
		rc = write_lists(dir, lists, tables, way_out, err);
	json_decref(way_out);
	json_decref(lists);
	json_decref(tables);
	network_free_all(all, n);
	close(lock);
	return rc;
}
