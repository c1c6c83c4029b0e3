/* A container's mount points: resolved from Docker's create body when the
 * container is made, kept in `container_mounts` (which is also how a volume
 * in use is found), shown by inspect, and released when it is removed.
 *
 * A mount point is a JSON object: Type (volume, bind, tmpfs), Name, Source,
 * Destination, Driver, Mode, RW, Propagation as inspect shows them, plus
 * Anonymous (a volume made for this container), CopyData (copy the image's
 * content into an empty volume), CreateSource (-v makes a missing host
 * directory), NonRecursive, Data (tmpfs options), VolumeLabels and
 * VolumeOptions (for a volume --mount creates). */
#include <errno.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>

#include "engine/core/fsutil.h"
#include "engine/volume/internal.h"

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

/* The mount destinations runc's checkProcMount lets through inside /proc:
 * files lxcfs emulates. */
static const char *const proc_exceptions[] = {
	"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo",  "/proc/stat",
	"/proc/swaps",   "/proc/uptime",    "/proc/loadavg",  "/proc/slabinfo",
	"/proc/sys/kernel/ns_last_pid",     "/proc/sys/crypto/fips_enabled", NULL,
};

/* Whether path is dir or lies under it ("/proc/1" is in /proc, "/procs" is not). */
static bool path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Whether a mount point binds a host path on a filesystem of that type. */
static bool binds_fs(json_t *mp, unsigned long magic)
{
	struct statfs fs;

	return mp && strcmp(str(mp, "Type"), "bind") == 0 && statfs(str(mp, "Source"), &fs) == 0 &&
	       (unsigned long)fs.f_type == magic;
}

/* Refuses a destination (a clean absolute path) that would displace the
 * kernel's filesystems the masked paths live on, with runc's words: in or
 * under /proc only a procfs bound on /proc itself and the files lxcfs
 * emulates; under /sys nothing, and on /sys only a sysfs, unless the
 * container is privileged (it has no masked paths). mp is NULL for tmpfs. */
static int check_destination(json_t *mp, const char *dest, bool privileged, berr *err)
{
	if (strcmp(dest, "/proc") == 0) {
		if (binds_fs(mp, PROC_SUPER_MAGIC))
			return 0;
		return berr_set(err, BERR_INVALID,
				"\"%s\" cannot be mounted because it is not of type proc", dest);
	}
	if (path_within(dest, "/proc")) {
		for (const char *const *ok = proc_exceptions; *ok; ok++)
			if (strcmp(dest, *ok) == 0)
				return 0;
		return berr_set(err, BERR_INVALID,
				"\"%s\" cannot be mounted because it is inside /proc", dest);
	}
	if (privileged || !path_within(dest, "/sys"))
		return 0;
	if (strcmp(dest, "/sys") == 0) {
		if (binds_fs(mp, SYSFS_MAGIC))
			return 0;
		return berr_set(err, BERR_INVALID,
				"\"%s\" cannot be mounted because it is not of type sysfs", dest);
	}
	return berr_set(err, BERR_INVALID,
			"\"%s\" cannot be mounted because it is inside /sys "
			"(only a privileged container may mount there)",
			dest);
}

/* Creates (or finds) the volume of a volume mount point and fills in its
 * name, driver and source. */
static int ensure_volume(struct engine *engine, json_t *mp, json_t *created, berr *err)
{
	struct volume_info v;
	char data[PATH_MAX];
	bool made = false;

	if (volume_create(engine, str(mp, "Name"), str(mp, "Driver"),
		       json_object_get(mp, "VolumeLabels"), json_object_get(mp, "VolumeOptions"), &v,
		       &made, err) < 0)
		return -1;
	if (made)
		json_array_append_new(created, json_string(v.name));
	volume_data_dir(engine, v.name, data, sizeof(data));
	json_object_set_new(mp, "Name", json_string(v.name));
	json_object_set_new(mp, "Driver", json_string(v.driver));
	json_object_set_new(mp, "Source", json_string(data));
	json_object_del(mp, "VolumeLabels");
	json_object_del(mp, "VolumeOptions");
	volume_info_free(&v);
	return 0;
}

/* HostConfig.Binds: -v entries; a destination may appear only once. */
static int resolve_binds(struct engine *engine, json_t *binds, bool privileged, json_t *by_dest,
			 json_t *seen, json_t *created, berr *err)
{
	json_t *b;
	size_t i;

	json_array_foreach(binds, i, b) {
		json_t *mp;
		if (!json_is_string(b))
			return berr_set(err, BERR_INVALID, "invalid volume specification: binds must be strings");
		if (volume_parse_bind(json_string_value(b), &mp, err) < 0)
			return -1;
		const char *dest = str(mp, "Destination");
		if (check_destination(mp, dest, privileged, err) < 0) {
			json_decref(mp);
			return -1;
		}
		if (json_object_get(seen, dest)) {
			berr_set(err, BERR_INVALID, "Duplicate mount point: %s", dest);
			json_decref(mp);
			return -1;
		}
		if (strcmp(str(mp, "Type"), "volume") == 0) {
			if (!*str(mp, "Mode"))
				json_object_set_new(mp, "Mode", json_string("z"));
			if (ensure_volume(engine, mp, created, err) < 0) {
				json_decref(mp);
				return -1;
			}
		}
		json_object_set_new(seen, dest, json_true());
		json_object_set_new(by_dest, dest, mp);
	}
	return 0;
}

/* HostConfig.Mounts: --mount entries, checked as Docker checks them. */
static int resolve_api_mounts(struct engine *engine, json_t *mounts, bool privileged,
			      json_t *by_dest, json_t *seen, json_t *created, berr *err)
{
	json_t *m;
	size_t i;

	json_array_foreach(mounts, i, m) {
		json_t *mp;
		if (volume_mount_from_api(m, &mp, err) < 0)
			return -1;
		const char *dest = str(mp, "Destination");
		if (check_destination(mp, dest, privileged, err) < 0) {
			json_decref(mp);
			return -1;
		}
		if (json_object_get(seen, dest)) {
			berr_set(err, BERR_INVALID, "Duplicate mount point: %s", dest);
			json_decref(mp);
			return -1;
		}
		if (strcmp(str(mp, "Type"), "volume") == 0) {
			json_object_set_new(mp, "Mode", json_string("z"));
			if (ensure_volume(engine, mp, created, err) < 0) {
				json_decref(mp);
				return -1;
			}
		}
		json_object_set_new(seen, dest, json_true());
		json_object_set_new(by_dest, dest, mp);
	}
	return 0;
}

/* Config.Volumes (the image's VOLUMEs and -v /path): an anonymous volume
 * for each destination nothing else covers. */
static int resolve_config_volumes(struct engine *engine, json_t *volumes, json_t *tmpfs,
				  bool privileged, json_t *by_dest, json_t *created, berr *err)
{
	const char *key;
	json_t *v;

	json_object_foreach(volumes, key, v) {
		json_t *mp;
		if (strchr(key, ':')) /* only a path is a valid VOLUME */
			return berr_set(err, BERR_INVALID, "invalid volume specification: '%s'", key);
		if (volume_parse_bind(key, &mp, err) < 0)
			return -1;
		const char *dest = str(mp, "Destination");
		if (json_object_get(by_dest, dest) || json_object_get(tmpfs, dest)) {
			json_decref(mp);
			continue;
		}
		if (check_destination(mp, dest, privileged, err) < 0) {
			json_decref(mp);
			return -1;
		}
		if (ensure_volume(engine, mp, created, err) < 0) {
			json_decref(mp);
			return -1;
		}
		json_object_set_new(by_dest, dest, mp);
	}
	return 0;
}

/* HostConfig.Tmpfs: checked here, mounted from the HostConfig at start. */
static int check_tmpfs(json_t *tmpfs, bool privileged, berr *err)
{
	const char *dest;
	json_t *opts;
	char merged[1024], clean[PATH_MAX];

	json_object_foreach(tmpfs, dest, opts) {
		if (dest[0] != '/')
			return berr_set(err, BERR_INVALID,
					"invalid mount path: '%s' mount path must be absolute", dest);
		if (strcmp(dest, "/") == 0)
			return berr_set(err, BERR_INVALID,
					"invalid specification: destination can't be '/'");
		volume_clean_path(dest, clean, sizeof(clean));
		if (check_destination(NULL, clean, privileged, err) < 0)
			return -1;
		if (volume_tmpfs_options(json_is_string(opts) ? json_string_value(opts) : "", merged,
				      sizeof(merged), err) < 0)
			return -1;
	}
	return 0;
}

int volume_resolve(struct engine *engine, struct store *st, json_t *config, json_t *host_config,
		json_t *inherited, json_t **mounts, json_t *created, berr *err)
{
	json_t *by_dest = json_object(), *seen = json_object(), *mp;
	json_t *tmpfs = json_object_get(host_config, "Tmpfs");
	bool privileged = json_is_true(json_object_get(host_config, "Privileged"));
	const char *dest;
	size_t i;
	int rc = -1;

	(void)st;
	*mounts = NULL;
	json_array_foreach(inherited, i, mp) {
		/* a container made by an older berth may hold such a mount */
		if (check_destination(mp, str(mp, "Destination"), privileged, err) < 0)
			goto out;
		json_object_set(by_dest, str(mp, "Destination"), mp);
	}
	if (resolve_binds(engine, json_object_get(host_config, "Binds"), privileged, by_dest, seen,
			  created, err) < 0 ||
	    resolve_api_mounts(engine, json_object_get(host_config, "Mounts"), privileged, by_dest,
			       seen, created, err) < 0 ||
	    resolve_config_volumes(engine, json_object_get(config, "Volumes"), tmpfs, privileged,
				   by_dest, created, err) < 0 ||
	    check_tmpfs(tmpfs, privileged, err) < 0)
		goto out;
	*mounts = json_array();
	json_object_foreach(by_dest, dest, mp)
		json_array_append(*mounts, mp);
	rc = 0;
out:
	json_decref(by_dest);
	json_decref(seen);
	return rc;
}

void volume_discard(struct engine *engine, json_t *created)
{
	struct store *st = engine_store(engine, NULL);
	char data[PATH_MAX], dir[PATH_MAX];
	json_t *v;
	size_t i;

	json_array_foreach(created, i, v) {
		struct volume_info info;
		const char *name = json_string_value(v);
		/* a row that survived (another process made it since) keeps its directory */
		if (!name || (st && volume_get(st, name, &info, NULL) == 0)) {
			if (name)
				volume_info_free(&info);
			continue;
		}
		volume_data_dir(engine, name, data, sizeof(data));
		snprintf(dir, sizeof(dir), "%.*s", (int)(strlen(data) - strlen("/_data")), data);
		fs_remove_tree(dir, NULL);
	}
}

json_t *volume_mounts_inherit(json_t *mounts, bool readonly)
{
	json_t *out = json_array(), *mp;
	size_t i;

	json_array_foreach(mounts, i, mp) {
		json_t *copy = json_deep_copy(mp);
		if (readonly)
			json_object_set_new(copy, "RW", json_false());
		json_object_set_new(copy, "CopyData", json_false());
		json_array_append_new(out, copy);
	}
	return out;
}

int volume_mounts_delete(struct store *st, const char *container_id, berr *err)
{
	sqlite3_stmt *stmt;
	int rc;

	if (store_prepare(st, &stmt, "DELETE FROM container_mounts WHERE container_id = ?", err) < 0)
		return -1;
	sqlite3_bind_text(stmt, 1, container_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_error(st, err, "removing a container's mounts");
	return 0;
}

int volume_mounts_save(struct store *st, const char *container_id, json_t *mounts, berr *err)
{
	sqlite3_stmt *stmt;
	json_t *mp;
	size_t i;

	if (volume_mounts_delete(st, container_id, err) < 0)
		return -1;
	json_array_foreach(mounts, i, mp) {
		char *spec = json_dumps(mp, JSON_COMPACT);
		bool volume = strcmp(str(mp, "Type"), "volume") == 0;
		if (!spec)
			return berr_errno(err, ENOMEM, "saving mounts");
		if (store_prepare(st, &stmt,
				  "INSERT INTO container_mounts(container_id, position, volume, spec)"
				  " VALUES (?, ?, ?, ?)",
				  err) < 0) {
			free(spec);
			return -1;
		}
		sqlite3_bind_text(stmt, 1, container_id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)i);
		sqlite3_bind_text(stmt, 3, volume ? str(mp, "Name") : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 4, spec, -1, SQLITE_STATIC);
		int rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		free(spec);
		if (rc != SQLITE_DONE)
			return store_error(st, err, "saving mounts");
	}
	return 0;
}

json_t *volume_mounts_load(struct store *st, const char *container_id, berr *err)
{
	sqlite3_stmt *stmt;
	json_t *out;
	int rc;

	if (store_prepare(st, &stmt,
			  "SELECT spec FROM container_mounts WHERE container_id = ? ORDER BY position",
			  err) < 0)
		return NULL;
	out = json_array();
	sqlite3_bind_text(stmt, 1, container_id, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		json_t *mp = json_loads(store_text(stmt, 0), 0, NULL);
		if (json_is_object(mp))
			json_array_append_new(out, mp);
		else
			json_decref(mp);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE) {
		json_decref(out);
		store_error(st, err, "reading mounts");
		return NULL;
	}
	return out;
}

json_t *volume_mounts_inspect(struct engine *engine, const char *container_id)
{
	struct store *st = engine_store(engine, NULL);
	json_t *mounts = st ? volume_mounts_load(st, container_id, NULL) : NULL;
	json_t *out = json_array(), *mp;
	size_t i;

	json_array_foreach(mounts, i, mp) {
		json_t *row = json_pack("{s:s}", "Type", str(mp, "Type"));
		bool volume = strcmp(str(mp, "Type"), "volume") == 0;
		if (volume)
			json_object_set_new(row, "Name", json_string(str(mp, "Name")));
		json_object_set_new(row, "Source", json_string(str(mp, "Source")));
		json_object_set_new(row, "Destination", json_string(str(mp, "Destination")));
		if (volume)
			json_object_set_new(row, "Driver", json_string(str(mp, "Driver")));
		json_object_set_new(row, "Mode", json_string(str(mp, "Mode")));
		json_object_set_new(row, "RW", json_boolean(json_is_true(json_object_get(mp, "RW"))));
		json_object_set_new(row, "Propagation", json_string(str(mp, "Propagation")));
		json_array_append_new(out, row);
	}
	json_decref(mounts);
	return out;
}

void volume_remove_anonymous(struct engine *engine, json_t *mounts)
{
	json_t *mp;
	size_t i;

	json_array_foreach(mounts, i, mp)
		if (strcmp(str(mp, "Type"), "volume") == 0 &&
		    json_is_true(json_object_get(mp, "Anonymous")))
			volume_remove(engine, str(mp, "Name"), NULL);
}
