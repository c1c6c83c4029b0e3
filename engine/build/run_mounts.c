/* RUN --mount, as BuildKit has it: type=cache (a directory kept between
 * builds under R/build-cache, never in a layer), type=bind (a path of the
 * context, read-only), type=tmpfs, type=secret (a --secret file at
 * /run/secrets/<id>, or into an environment variable; never in a layer,
 * the history or a cache key) and type=ssh (the --ssh agent's socket).
 * Each becomes an entry of the step container's HostConfig.Mounts. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/build/internal.h"
#include "engine/build/tree_copy.h"
#include "engine/container/container.h"
#include "engine/core/alloc.h"
#include "engine/core/fsutil.h"
#include "engine/core/sha256.h"
#include "engine/core/strbuf.h"
#include "engine/core/units.h"

/* One --mount=... value, its key=value fields. */
struct mount_spec {
	char type[16];
	char target[PATH_MAX];
	char source[PATH_MAX];
	char id[256];
	char from[256];
	char sharing[16];
	char env[256];
	char size[64];
	long mode, uid, gid;
	bool readonly, readwrite, required, has_target;
};

static int parse_number(const char *key, const char *value, int base, long *out, berr *err)
{
	char *end;

	errno = 0;
	*out = strtol(value, &end, base);
	if (!*value || *end || errno || *out < 0)
		return berr_set(err, BERR_INVALID, "invalid value for %s: %s", key, value);
	return 0;
}

static bool truth(const char *value)
{
	return !value || strcmp(value, "true") == 0 || strcmp(value, "1") == 0;
}

static int parse_spec(const char *text, struct mount_spec *m, berr *err)
{
	char *copy = xstrdup(text), *save = NULL;
	int rc = 0;

	*m = (struct mount_spec){.mode = -1, .uid = -1, .gid = -1};
	snprintf(m->type, sizeof(m->type), "bind");
	for (char *field = strtok_r(copy, ",", &save); field && rc == 0;
	     field = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(field, '=');
		const char *value = eq ? eq + 1 : NULL;

		if (eq)
			*eq = '\0';
		if (!value && strcmp(field, "ro") != 0 && strcmp(field, "readonly") != 0 &&
		    strcmp(field, "rw") != 0 && strcmp(field, "readwrite") != 0 &&
		    strcmp(field, "required") != 0) {
			rc = berr_set(err, BERR_INVALID, "invalid field '%s' must be a key=value pair", field);
			break;
		}
		if (strcmp(field, "type") == 0)
			snprintf(m->type, sizeof(m->type), "%s", value);
		else if (strcmp(field, "target") == 0 || strcmp(field, "dst") == 0 ||
			 strcmp(field, "destination") == 0) {
			snprintf(m->target, sizeof(m->target), "%s", value);
			m->has_target = true;
		} else if (strcmp(field, "source") == 0 || strcmp(field, "src") == 0)
			snprintf(m->source, sizeof(m->source), "%s", value);
		else if (strcmp(field, "id") == 0)
			snprintf(m->id, sizeof(m->id), "%s", value);
		else if (strcmp(field, "from") == 0)
			snprintf(m->from, sizeof(m->from), "%s", value);
		else if (strcmp(field, "sharing") == 0)
			snprintf(m->sharing, sizeof(m->sharing), "%s", value);
		else if (strcmp(field, "env") == 0)
			snprintf(m->env, sizeof(m->env), "%s", value);
		else if (strcmp(field, "size") == 0)
			snprintf(m->size, sizeof(m->size), "%s", value);
		else if (strcmp(field, "mode") == 0)
			rc = parse_number("mode", value, 8, &m->mode, err);
		else if (strcmp(field, "uid") == 0)
			rc = parse_number("uid", value, 10, &m->uid, err);
		else if (strcmp(field, "gid") == 0)
			rc = parse_number("gid", value, 10, &m->gid, err);
		else if (strcmp(field, "ro") == 0 || strcmp(field, "readonly") == 0)
			m->readonly = truth(value);
		else if (strcmp(field, "rw") == 0 || strcmp(field, "readwrite") == 0)
			m->readwrite = truth(value);
		else if (strcmp(field, "required") == 0)
			m->required = truth(value);
		else
			rc = berr_set(err, BERR_INVALID, "unexpected key '%s' in '%s'", field, text);
	}
	free(copy);
	if (rc == 0 && strcmp(m->type, "cache") != 0 && strcmp(m->type, "bind") != 0 &&
	    strcmp(m->type, "tmpfs") != 0 && strcmp(m->type, "secret") != 0 &&
	    strcmp(m->type, "ssh") != 0)
		rc = berr_set(err, BERR_INVALID, "unsupported mount type \"%s\"", m->type);
	if (rc == 0 && m->sharing[0] && strcmp(m->sharing, "shared") != 0 &&
	    strcmp(m->sharing, "private") != 0 && strcmp(m->sharing, "locked") != 0)
		rc = berr_set(err, BERR_INVALID, "unrecognized sharing parameter: %s", m->sharing);
	return rc;
}

/* A target relative to the working directory, as BuildKit joins it. */
static void absolute_target(struct stage_state *s, struct mount_spec *m)
{
	const char *wd = json_string_value(json_object_get(s->config, "WorkingDir"));
	char joined[PATH_MAX * 2];

	if (m->target[0] == '/')
		return;
	snprintf(joined, sizeof(joined), "%s/%s", wd && *wd ? wd : "", m->target);
	snprintf(m->target, sizeof(m->target), "%s", joined);
}

static json_t *bind_entry(const char *source, const char *target, bool readonly)
{
	return json_pack("{s:s, s:s, s:s, s:b}", "Type", "bind", "Source", source, "Target", target,
			 "ReadOnly", readonly);
}

/* The cache directory of an id, made on first use. With sharing=locked,
 * *lock_fd holds it for the step. */
static int cache_dir(struct build *b, const struct mount_spec *m, char *dir, size_t size,
		     int *lock_fd, berr *err)
{
	char hex[SHA256_HEX_SIZE], base[PATH_MAX];
	struct stat st;

	sha256_data_hex(m->id, strlen(m->id), hex);
	snprintf(base, sizeof(base), "%s/build-cache", engine_root(b->engine));
	if (fs_mkdir_p(base, 0700, err) < 0)
		return -1;
	snprintf(dir, size, "%s/%.32s", base, hex);
	if (stat(dir, &st) < 0) {
		char tmp[PATH_MAX + 16];

		snprintf(tmp, sizeof(tmp), "%s.new-%d", dir, (int)getpid());
		if (mkdir(tmp, 0755) < 0 ||
		    chown(tmp, m->uid >= 0 ? (uid_t)m->uid : 0, m->gid >= 0 ? (gid_t)m->gid : 0) < 0 ||
		    chmod(tmp, m->mode >= 0 ? (mode_t)m->mode : 0755) < 0 ||
		    (rename(tmp, dir) < 0 && errno != EEXIST && errno != ENOTEMPTY)) {
			rmdir(tmp);
			return berr_sys(err, "creating the cache mount %s", m->id);
		}
		rmdir(tmp);
	}
	if (strcmp(m->sharing, "locked") == 0) {
		*lock_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*lock_fd < 0 || flock(*lock_fd, LOCK_EX) < 0)
			return berr_sys(err, "locking the cache mount %s", m->id);
	}
	return 0;
}

/* A context path as a host path for the monitor to bind, resolved inside
 * the context (a symlink never leads out of it). */
static int context_source(struct build *b, const char *source, char *out, size_t size, berr *err)
{
	char proc[64];
	ssize_t n;
	int fd = fs_openat_in_root(b->context_fd, source[0] ? source : ".", O_PATH, 0, 0);

	if (fd < 0)
		return berr_set(err, BERR_NOT_FOUND, "\"/%s\": not found", source);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	n = readlink(proc, out, size - 1);
	close(fd);
	if (n < 0)
		return berr_sys(err, "resolving %s", source);
	out[n] = '\0';
	return 0;
}

/* A secret's id names a file: no path in it. */
static bool valid_id(const char *id)
{
	if (!*id || strcmp(id, ".") == 0 || strcmp(id, "..") == 0 || strlen(id) > 200)
		return false;
	for (const char *p = id; *p; p++)
		if (*p == '/' || *p == '\0' || (unsigned char)*p < 0x20)
			return false;
	return true;
}

/* A secret as a file of its own in the step's private directory. */
static int secret_file(struct build *b, const struct mount_spec *m, const char *id,
		       struct image_staging *dir, char *path, size_t size, berr *err)
{
	json_t *secret = json_object_get(b->secrets, id);
	const char *src = json_string_value(json_object_get(secret, "src"));
	const char *value = json_string_value(json_object_get(secret, "value"));
	char *data = NULL;
	size_t len = 0;
	int fd;

	if (!dir->path[0] && image_staging_open(dir, engine_root(b->engine), "build-secrets", err) < 0) {
		dir->path[0] = '\0';
		return -1;
	}
	if (src) {
		if (fs_read_file(src, &data, &len, err) < 0)
			return berr_prefix(err, "secret %s", id);
	} else {
		data = xstrdup(value ? value : "");
		len = strlen(data);
	}
	snprintf(path, size, "%s/%s", dir->path, id);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
	if (fd < 0 || write(fd, data, len) != (ssize_t)len ||
	    fchown(fd, m->uid >= 0 ? (uid_t)m->uid : 0, m->gid >= 0 ? (gid_t)m->gid : 0) < 0 ||
	    fchmod(fd, m->mode >= 0 ? (mode_t)m->mode : 0400) < 0) {
		if (fd >= 0)
			close(fd);
		free(data);
		return berr_sys(err, "writing the secret %s", id);
	}
	close(fd);
	free(data);
	return 0;
}

int build_run_mounts(struct build *b, struct stage_state *s, const struct df_instruction *in,
		     struct run_mounts *out, berr *err)
{
	out->key = NULL;
	out->mounts = json_array();
	out->env = json_array();
	out->lock_fds = NULL;
	out->nlocks = 0;
	out->secrets = (struct image_staging){.fd = -1};
	struct strbuf key = {0};
	for (size_t i = 0; i < in->nflags; i++) {
		struct mount_spec m;
		char path[PATH_MAX];

		if (strcmp(in->flags[i].name, "mount") != 0)
			continue;
		strbuf_addf(&key, " --mount=%s", in->flags[i].value ? in->flags[i].value : "");
		free(out->key);
		out->key = xstrdup(key.s);
		if (parse_spec(in->flags[i].value ? in->flags[i].value : "", &m, err) < 0)
			return -1;
		if (m.from[0])
			return berr_set(err, BERR_UNSUPPORTED, "--mount from= is not supported yet");
		if (strcmp(m.type, "secret") == 0 || strcmp(m.type, "ssh") == 0) {
			const char *id = m.id[0] ? m.id : strcmp(m.type, "ssh") == 0 ? "default" : NULL;

			if (!id && m.has_target) {
				const char *slash = strrchr(m.target, '/');
				id = slash ? slash + 1 : m.target;
			}
			if (!id || !*id)
				return berr_set(err, BERR_INVALID, "secret ID missing for \"secret\" mount");
			if (!valid_id(id))
				return berr_set(err, BERR_INVALID, "invalid %s id \"%s\"", m.type, id);
			if (strcmp(m.type, "ssh") == 0) {
				const char *sock = json_string_value(json_object_get(b->ssh, id));
				if (!sock) /* BuildKit: an ssh mount is required by default */
					return berr_set(err, BERR_INVALID,
							"no SSH key \"%s\" forwarded from the client", id);
				if (!m.has_target)
					snprintf(m.target, sizeof(m.target), "/run/buildkit/ssh_agent.%zu", i);
				json_array_append_new(out->mounts, bind_entry(sock, m.target, false));
				char *kv = xasprintf("SSH_AUTH_SOCK=%s", m.target);
				json_array_append_new(out->env, json_string(kv));
				free(kv);
				continue;
			}
			if (!json_object_get(b->secrets, id)) {
				if (m.required)
					return berr_set(err, BERR_NOT_FOUND, "secret %s: not found", id);
				continue;
			}
			if (m.env[0]) {
				json_t *secret = json_object_get(b->secrets, id);
				char *data = NULL;
				size_t len = 0;
				const char *src = json_string_value(json_object_get(secret, "src"));
				if (src ? fs_read_file(src, &data, &len, err) < 0 : 0)
					return berr_prefix(err, "secret %s", id);
				char *kv = xasprintf("%s=%s", m.env,
						     src ? data : json_string_value(json_object_get(secret, "value")));
				json_array_append_new(out->env, json_string(kv));
				free(kv);
				free(data);
				if (!m.has_target)
					continue;
			}
			if (!m.has_target)
				snprintf(m.target, sizeof(m.target), "/run/secrets/%s", id);
			absolute_target(s, &m);
			if (secret_file(b, &m, id, &out->secrets, path, sizeof(path), err) < 0)
				return -1;
			json_array_append_new(out->mounts, bind_entry(path, m.target, true));
			continue;
		}
		if (!m.has_target || !m.target[0])
			return berr_set(err, BERR_INVALID, "mount destination not specified");
		absolute_target(s, &m);
		if (strcmp(m.type, "tmpfs") == 0) {
			json_t *t = json_pack("{s:s, s:s}", "Type", "tmpfs", "Target", m.target);
			if (m.size[0]) {
				int64_t bytes;
				if (units_ram_in_bytes(m.size, &bytes, err) < 0) {
					json_decref(t);
					return -1;
				}
				json_object_set_new(t, "TmpfsOptions", json_pack("{s:I}", "SizeBytes", (json_int_t)bytes));
			}
			json_array_append_new(out->mounts, t);
		} else if (strcmp(m.type, "cache") == 0) {
			int lock = -1;
			if (!m.id[0])
				snprintf(m.id, sizeof(m.id), "%s", m.target);
			if (cache_dir(b, &m, path, sizeof(path), &lock, err) < 0) {
				if (lock >= 0)
					close(lock);
				return -1;
			}
			if (lock >= 0) {
				out->lock_fds = xrealloc(out->lock_fds, (out->nlocks + 1) * sizeof(int));
				out->lock_fds[out->nlocks++] = lock;
			}
			json_array_append_new(out->mounts, bind_entry(path, m.target, m.readonly));
		} else { /* bind */
			if (m.readwrite)
				return berr_set(err, BERR_UNSUPPORTED,
						"--mount type=bind,rw is not supported yet");
			if (context_source(b, m.source, path, sizeof(path), err) < 0) {
				strbuf_free(&key);
				return -1;
			}
			/* what it binds is part of the step's key, as a COPY's files */
			struct tree_source ctx = {.root_fd = b->context_fd, .ignore = &b->ignore, .shown = "build context"};
			struct sha256_ctx sum;
			char hex[SHA256_HEX_SIZE], clean[PATH_MAX];
			fs_path_clean(m.source, clean, sizeof(clean), false);
			sha256_init(&sum);
			if (tree_checksum(&ctx, clean, &sum, err) < 0) {
				strbuf_free(&key);
				return -1;
			}
			sha256_final_hex(&sum, hex);
			strbuf_addf(&key, " (%s)", hex);
			free(out->key);
			out->key = xstrdup(key.s);
			json_array_append_new(out->mounts, bind_entry(path, m.target, true));
		}
	}
	strbuf_free(&key);
	return 0;
}

void build_run_mounts_free(struct run_mounts *m)
{
	json_decref(m->mounts);
	json_decref(m->env);
	json_decref(m->stubs);
	for (size_t i = 0; i < m->nlocks; i++)
		close(m->lock_fds[i]);
	free(m->lock_fds);
	free(m->key);
	if (m->secrets.path[0])
		image_staging_close(&m->secrets);
	*m = (struct run_mounts){0};
}

/* The parts of the mounts' targets the image lacks: the runtime makes
 * them as mount points in the container's upper directory, and they must
 * not end up in the step's layer. Each is recorded as the path of its
 * first missing component and the target under it. */
/* The path inside root that path names, its symlinks followed inside the
 * root (at most 40) as the runtime follows them when it makes the mount
 * point; the part that does not exist is kept as written. */
static int resolve_path(int root, const char *path, char *out, size_t size)
{
	char cur[PATH_MAX], rest[PATH_MAX * 2];
	int links = 0;

	if (fs_path_clean(path, rest, sizeof(rest), false) < 0)
		return -1;
	cur[0] = '\0';
	while (rest[0]) {
		char *slash = strchr(rest, '/'), name[NAME_MAX + 1], next[PATH_MAX * 2];
		size_t len = slash ? (size_t)(slash - rest) : strlen(rest);
		struct stat st;
		int parent;

		if (len > NAME_MAX)
			return -1;
		memcpy(name, rest, len);
		name[len] = '\0';
		memmove(rest, slash ? slash + 1 : rest + len, strlen(slash ? slash + 1 : rest + len) + 1);
		parent = fs_openat_in_root(root, cur[0] ? cur : ".", O_PATH | O_DIRECTORY, 0, 0);
		if (parent < 0 || fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISLNK(st.st_mode)) {
			if (parent >= 0)
				close(parent);
			if (strlen(cur) + len + 2 > sizeof(cur))
				return -1;
			if (cur[0])
				strcat(cur, "/");
			strcat(cur, name);
			continue;
		}
		char target[PATH_MAX];
		ssize_t n = readlinkat(parent, name, target, sizeof(target) - 1);
		close(parent);
		if (n < 0 || ++links > 40)
			return -1;
		target[n] = '\0';
		/* the link's target, then what was left */
		snprintf(next, sizeof(next), "%s%s%s%s%s", target[0] == '/' ? "" : cur,
			 target[0] == '/' || !cur[0] ? "" : "/", target, rest[0] ? "/" : "", rest);
		/* a path from the root again: walked from the top */
		if (fs_path_clean(next, rest, sizeof(rest), false) < 0)
			return -1;
		cur[0] = '\0';
	}
	snprintf(out, size, "%s", cur);
	return 0;
}

int build_mount_stubs_find(struct build *b, const char *container_id, struct run_mounts *m,
			   berr *err)
{
	struct container c;
	size_t i;
	json_t *mp;
	int root;

	m->stubs = json_array();
	if (!json_array_size(m->mounts))
		return 0;
	if (container_find(b->engine, container_id, &c, err) < 0)
		return -1;
	int rc = container_rootfs_writable(b->engine, &c, &root, err);
	container_free(&c);
	if (rc < 0)
		return -1;
	json_array_foreach(m->mounts, i, mp) {
		char clean[PATH_MAX], prefix[PATH_MAX];
		const char *target = json_string_value(json_object_get(mp, "Target"));

		/* through the image's symlinks, as the runtime goes */
		if (!target || resolve_path(root, target, clean, sizeof(clean)) < 0 || !clean[0])
			continue;
		for (size_t k = 1, len = strlen(clean); k <= len; k++) {
			if (clean[k] != '/' && clean[k] != '\0')
				continue;
			memcpy(prefix, clean, k);
			prefix[k] = '\0';
			int fd = fs_openat_in_root(root, prefix, O_PATH, 0, RESOLVE_NO_SYMLINKS);
			if (fd >= 0) {
				close(fd);
				continue;
			}
			if (errno == ENOENT)
				json_array_append_new(m->stubs, json_pack("[s, s]", prefix, clean));
			break;
		}
	}
	close(root);
	return 0;
}

/* Removes the mount points recorded by build_mount_stubs_find from the
 * upper directory: the target when it is an empty directory or an empty
 * file, then each directory above it up to the first missing one, when
 * empty. What the step itself put there stays. */
void build_mount_stubs_remove(struct build *b, const char *container_id, struct run_mounts *m)
{
	char bundle[PATH_MAX], upper[PATH_MAX + 8];
	size_t i;
	json_t *stub;
	int root;

	if (!json_array_size(m->stubs))
		return;
	container_bundle_dir(b->engine, container_id, bundle, sizeof(bundle));
	snprintf(upper, sizeof(upper), "%s/upper", bundle);
	root = open(upper, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (root < 0)
		return;
	json_array_foreach(m->stubs, i, stub) {
		char path[PATH_MAX];
		const char *first = json_string_value(json_array_get(stub, 0));
		size_t first_len = strlen(first);

		snprintf(path, sizeof(path), "%s", json_string_value(json_array_get(stub, 1)));
		for (bool target = true;; target = false) {
			char *slash = strrchr(path, '/');
			const char *name = slash ? slash + 1 : path;
			struct stat st;
			int parent;

			if (slash)
				*slash = '\0';
			parent = fs_openat_in_root(root, slash ? path : "", O_PATH | O_DIRECTORY, 0,
						   RESOLVE_NO_SYMLINKS);
			if (parent < 0)
				break;
			if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
				if (S_ISDIR(st.st_mode))
					unlinkat(parent, name, AT_REMOVEDIR); /* only when empty */
				else if (target && S_ISREG(st.st_mode) && st.st_size == 0)
					unlinkat(parent, name, 0);
			}
			close(parent);
			if (!slash || strlen(path) < first_len)
				break;
		}
	}
	close(root);
}
