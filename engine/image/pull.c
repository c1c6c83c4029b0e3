/* docker pull: an image from a registry into the store.
 *
 *   image.pull {"reference", "platform", "auth"} -> {"Id", "Digest", "Reference", "Status"}
 *
 * Progress is Docker's JSON messages ({"status", "id", "progressDetail",
 * "progress"}), sent from the command's own thread.
 *
 * The manifest (through a list or an index to this platform's), the config
 * and every layer are verified against their digests before they are
 * used. Layers the store has are not downloaded. The others download
 * max-concurrent-downloads at a time, each streamed as it arrives into
 * its extraction (a socket pair between the download and layer_stage), so
 * a layer is unpacked when its last byte lands. The compressed bytes also
 * go to R/downloads/<hex>, locked while in use: a pull that dies (Ctrl-C,
 * kill -9, a lost connection after the last attempt) leaves them there and
 * the next pull replays them from disk and asks the registry only for the
 * rest (an HTTP range). Nothing reaches the store until every layer is
 * verified and unpacked: the layers, the image and its references land in
 * one transaction, and the finished downloads are removed after it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/progress.h"
#include "engine/core/reference.h"
#include "engine/core/sha256.h"
#include "engine/image/internal.h"
#include "engine/registry/hosts.h"
#include "engine/registry/registry.h"
#include "engine/store/store.h"

#define CONFIG_MAX (8u << 20)
#define REPLAY_CHUNK (128u << 10)
#define PULL_LAYERS_MAX 500

enum layer_state {
	LAYER_WAITING,
	LAYER_DOWNLOADING,
	LAYER_RETRYING,
	LAYER_VERIFYING,
	LAYER_EXTRACTING,
	LAYER_DONE,
	LAYER_FAILED,
};

struct pull_layer {
	/* known before the workers start */
	char digest[IMAGE_DIGEST_SIZE]; /* of the compressed blob */
	char diff_id[IMAGE_DIGEST_SIZE];
	char parent[IMAGE_DIGEST_SIZE]; /* chain id below it, "" at the base */
	char chain_id[IMAGE_DIGEST_SIZE];
	char short_id[13];
	int64_t size; /* the manifest's; 0 when it gives none */
	char media_type[128];
	bool present;
	/* the worker's */
	struct image_staging sg;
	struct layer_staged staged;
	char partial[4200]; /* R/downloads/<hex>, "" when a private copy was used */
	berr err;
	/* progress, under pull.crew.lock */
	enum layer_state state, shown;
	int64_t current, shown_current;
	int64_t started; /* unix seconds */
	int retry_in;
	bool said_complete;
};

struct pull {
	const struct image_env *env;
	struct registry_session *session;
	struct registry_limits limits;
	struct pull_layer *layers;
	size_t nlayers;
	size_t next; /* the next layer a worker takes */
	struct image_crew crew;
};

/* --- progress ------------------------------------------------------------- */

static int64_t now_seconds(void)
{
	return (int64_t)time(NULL);
}

static void say(const struct image_env *env, const char *status, const char *id)
{
	if (!env->cmd)
		return;
	cmd_progress(env->cmd, id ? json_pack("{s:s, s:s}", "status", status, "id", id)
				  : json_pack("{s:s}", "status", status));
}

/* A layer's status line: an empty progressDetail, so that a terminal
 * keeps one line per layer (as Docker sends them). */
static void say_layer(const struct image_env *env, const char *status, const char *id)
{
	if (env->cmd)
		cmd_progress(env->cmd, json_pack("{s:s, s:{}, s:s}", "status", status,
						 "progressDetail", "id", id));
}

static void say_bytes(const struct image_env *env, const char *status, const char *id,
		      int64_t current, int64_t total, int64_t started)
{
	char text[200];

	if (!env->cmd)
		return;
	progress_text(current, total, started, now_seconds(), 200, text, sizeof(text));
	cmd_progress(env->cmd, json_pack("{s:s, s:{s:I, s:I, s:I}, s:s, s:s}", "status", status,
					 "progressDetail", "current", (json_int_t)current, "total",
					 (json_int_t)total, "start", (json_int_t)started, "progress",
					 text, "id", id));
}

/* Sends what changed since the last look; called on the command's thread. */
static void report_layers(struct pull *p)
{
	pthread_mutex_lock(&p->crew.lock);
	for (size_t i = 0; i < p->nlayers; i++) {
		struct pull_layer *l = &p->layers[i];
		char line[64];

		if (l->present || (l->state == l->shown && l->current == l->shown_current))
			continue;
		switch (l->state) {
		case LAYER_WAITING:
		case LAYER_FAILED:
			break;
		case LAYER_DOWNLOADING:
			say_bytes(p->env, "Downloading", l->short_id, l->current, l->size, l->started);
			break;
		case LAYER_RETRYING:
			snprintf(line, sizeof(line), "Retrying in %d second%s", l->retry_in,
				 l->retry_in == 1 ? "" : "s");
			say_layer(p->env, line, l->short_id);
			break;
		case LAYER_VERIFYING:
			say_layer(p->env, "Verifying Checksum", l->short_id);
			break;
		case LAYER_EXTRACTING:
		case LAYER_DONE:
			if (!l->said_complete) {
				say_layer(p->env, "Download complete", l->short_id);
				l->said_complete = true;
			}
			say_layer(p->env, l->state == LAYER_DONE ? "Pull complete" : "Extracting", l->short_id);
			break;
		}
		l->shown = l->state;
		l->shown_current = l->current;
	}
	pthread_mutex_unlock(&p->crew.lock);
}

static void set_state(struct pull *p, struct pull_layer *l, enum layer_state state)
{
	pthread_mutex_lock(&p->crew.lock);
	l->state = state;
	image_crew_changed(&p->crew);
	pthread_mutex_unlock(&p->crew.lock);
}

/* --- one layer: download into extraction ---------------------------------- */

struct extraction {
	struct pull *p;
	struct pull_layer *l;
	int fd; /* the socket it reads */
	int rc;
	berr err;
};

static void *extract_main(void *arg)
{
	struct extraction *x = arg;
	const struct image_env *env = x->p->env;

	x->rc = layer_stage(&x->l->sg, NULL, env->root, x->fd, x->l->parent, x->l->diff_id, NULL,
			    &x->l->staged, &x->err);
	/* the download sees EPIPE and, if it still has bytes, goes on
	 * without us (trailing padding after the tar's end) */
	close(x->fd);
	x->fd = -1;
	return NULL;
}

struct feed {
	struct pull *p;
	struct pull_layer *l;
	int file;          /* the download's bytes so far */
	int sock;          /* to the extraction; -1 once it has stopped reading */
	uint64_t have;     /* bytes in file and hashed */
	uint64_t position; /* of the next byte the registry sends (set by
			    * registry_blob_get before the first) */
	struct sha256_ctx hash;
	bool too_long;
};

/* Hands bytes to the extraction until it stops reading. It reads to the
 * end of the stream, so stopping means it failed; the download goes on
 * regardless, to the blob's size (which the manifest must give and which
 * bounds it): a blob is judged by its digest first, as Docker does, so a
 * corrupted one says so rather than "invalid tar". */
static void feed_extraction(struct feed *f, const void *data, size_t len)
{
	const char *p = data;

	while (f->sock >= 0 && len > 0) {
		ssize_t n = send(f->sock, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			close(f->sock);
			f->sock = -1;
			return;
		}
		p += n;
		len -= (size_t)n;
	}
}

static bool feed_data(void *user, const void *data, size_t len)
{
	struct feed *f = user;
	struct pull_layer *l = f->l;
	const char *p = data;

	if (f->p->crew.cancel || f->position > f->have)
		return false;
	/* a registry that ignores the range sends from 0: what we have is
	 * skipped (the same bytes, by the digest) */
	if (f->position < f->have) {
		uint64_t skip = f->have - f->position;

		if (skip >= len) {
			f->position += len;
			return true;
		}
		p += skip;
		len -= skip;
		f->position += skip;
	}
	if ((l->size > 0 && f->have + len > (uint64_t)l->size) ||
	    f->have + len > layer_default_limits.max_bytes) {
		f->too_long = true;
		return false;
	}
	if (pwrite(f->file, p, len, (off_t)f->have) != (ssize_t)len)
		return false;
	sha256_update(&f->hash, p, len);
	f->have += len;
	f->position += len;
	feed_extraction(f, p, len);
	pthread_mutex_lock(&f->p->crew.lock);
	l->current = (int64_t)f->have;
	pthread_mutex_unlock(&f->p->crew.lock);
	return true;
}

/* The bytes a dead pull left: hashed and handed to the extraction again. */
static int replay(struct feed *f, berr *err)
{
	char *buf = malloc(REPLAY_CHUNK);
	struct stat st;
	uint64_t done = 0;

	if (!buf)
		return berr_errno(err, ENOMEM, "replay download");
	if (fstat(f->file, &st) < 0) {
		free(buf);
		return berr_sys(err, "read %s", f->l->partial);
	}
	/* more than the manifest says: not ours to trust */
	if (f->l->size > 0 && st.st_size > f->l->size && ftruncate(f->file, 0) == 0)
		st.st_size = 0;
	while (done < (uint64_t)st.st_size && !f->p->crew.cancel) {
		ssize_t n = pread(f->file, buf, REPLAY_CHUNK, (off_t)done);

		if (n <= 0)
			break;
		sha256_update(&f->hash, buf, (size_t)n);
		feed_extraction(f, buf, (size_t)n);
		done += (size_t)n;
	}
	free(buf);
	f->have = done;
	pthread_mutex_lock(&f->p->crew.lock);
	f->l->current = (int64_t)done;
	pthread_mutex_unlock(&f->p->crew.lock);
	return 0;
}

/* R/downloads/<hex>, locked; when another berth holds it, a private file
 * in staging (no resuming that one). */
static int open_download(struct pull *p, struct pull_layer *l, berr *err)
{
	char dir[4200];
	int fd;

	snprintf(dir, sizeof(dir), "%s/downloads", p->env->root);
	if (image_mkdir_p(dir, 0700, err) < 0)
		return -1;
	snprintf(l->partial, sizeof(l->partial), "%s/%s", dir, l->digest + 7);
	fd = open(l->partial, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (fd >= 0)
		close(fd);
	l->partial[0] = '\0';
	{
		char path[4200];

		image_staging_name(&l->sg, "download", path, sizeof(path));
		fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd < 0)
			return berr_sys(err, "create %s", path);
	}
	return fd;
}

int image_gc_downloads(const char *root, int64_t older_than, uint64_t *reclaimed, berr *err)
{
	char dir[4200];
	DIR *d;
	struct dirent *de;
	time_t now = time(NULL);

	snprintf(dir, sizeof(dir), "%s/downloads", root);
	d = opendir(dir);
	if (!d)
		return errno == ENOENT ? 0 : berr_sys(err, "open %s", dir);
	while ((de = readdir(d)) != NULL) {
		struct stat st;
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			continue;
		/* one a live pull holds stays, however old */
		if (fstat(fd, &st) == 0 && now - st.st_mtime >= older_than &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0 && unlinkat(dirfd(d), de->d_name, 0) == 0 &&
		    reclaimed)
			*reclaimed += (uint64_t)st.st_size;
		close(fd);
	}
	closedir(d);
	return 0;
}

/* Waits out a retry's delay, showing the countdown; false when cancelled. */
static bool retry_wait(struct pull *p, struct pull_layer *l, int seconds)
{
	for (int left = seconds; left > 0; left--) {
		pthread_mutex_lock(&p->crew.lock);
		l->state = LAYER_RETRYING;
		l->retry_in = left;
		l->shown = LAYER_WAITING; /* show each second */
		pthread_mutex_unlock(&p->crew.lock);
		for (int tick = 0; tick < 10; tick++) {
			if (p->crew.cancel)
				return false;
			usleep(100000);
		}
	}
	set_state(p, l, LAYER_DOWNLOADING);
	return true;
}

/* Downloads the blob into the file and the extraction, retrying. */
static int download(struct pull *p, struct feed *f, berr *err)
{
	struct pull_layer *l = f->l;
	char hex[SHA256_HEX_SIZE];

	for (int attempt = 1;; attempt++) {
		if (l->size > 0 && f->have == (uint64_t)l->size)
			break; /* all of it was on disk */
		berr_clear(err);
		f->position = f->have;
		if (registry_blob_get(p->session, l->digest, f->have, feed_data, f, &f->position,
				      err) == 0) {
			/* a registry may not know the size, or send less */
			if (l->size <= 0 || f->have == (uint64_t)l->size)
				break;
			berr_set(err, BERR_SYSTEM, "unexpected EOF");
		}
		if (f->too_long) {
			if (l->partial[0])
				unlink(l->partial); /* bytes past the blob's size: none kept */
			return berr_set(err, BERR_INVALID,
					"filesystem layer verification failed for digest %s", l->digest);
		}
		if (p->crew.cancel)
			return berr_set(err, BERR_SYSTEM, "context canceled");
		/* a refusal (404, 401...) stays a refusal; the network, a
		 * stall, a 5xx are tried again */
		if (err->kind != BERR_SYSTEM || attempt >= p->limits.max_download_attempts)
			return -1;
		if (!retry_wait(p, l, attempt < 5 ? attempt : 5))
			return berr_set(err, BERR_SYSTEM, "context canceled");
	}
	set_state(p, l, LAYER_VERIFYING);
	sha256_final_hex(&f->hash, hex);
	if (strcmp(hex, l->digest + 7) != 0) {
		/* bad bytes are never resumed from */
		if (l->partial[0])
			unlink(l->partial);
		return berr_set(err, BERR_INVALID, "filesystem layer verification failed for digest %s",
				l->digest);
	}
	return 0;
}

static int fetch_layer(struct pull *p, struct pull_layer *l, berr *err)
{
	struct extraction x = {.p = p, .l = l, .fd = -1};
	struct feed f = {.p = p, .l = l, .sock = -1, .file = -1};
	int sv[2];
	pthread_t thread;
	int ret = -1;

	if (image_staging_open(&l->sg, p->env->root, "pull", err) < 0)
		return -1;
	f.file = open_download(p, l, err);
	if (f.file < 0)
		return -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		close(f.file);
		return berr_sys(err, "socketpair");
	}
	x.fd = sv[0];
	f.sock = sv[1];
	if (pthread_create(&thread, NULL, extract_main, &x) != 0) {
		close(sv[0]);
		close(sv[1]);
		close(f.file);
		return berr_errno(err, EAGAIN, "start extraction");
	}
	sha256_init(&f.hash);
	if (replay(&f, err) == 0 && download(p, &f, err) == 0)
		ret = 0;
	if (f.sock >= 0)
		close(f.sock); /* the end of the stream */
	if (ret == 0) {
		bool extracting;

		pthread_mutex_lock(&p->crew.lock);
		extracting = x.fd >= 0;
		pthread_mutex_unlock(&p->crew.lock);
		if (extracting)
			set_state(p, l, LAYER_EXTRACTING);
	}
	pthread_join(thread, NULL);
	close(f.file);
	if (ret == 0 && x.rc < 0) {
		/* what the registry sent is no layer: never resumed from */
		if (l->partial[0])
			unlink(l->partial);
		*err = x.err;
		berr_prefix(err, "failed to register layer");
		ret = -1;
	}
	return ret;
}

static void *worker_main(void *arg)
{
	struct pull *p = arg;

	for (;;) {
		struct pull_layer *l = NULL;

		pthread_mutex_lock(&p->crew.lock);
		while (p->next < p->nlayers && !l && !p->crew.cancel) {
			struct pull_layer *candidate = &p->layers[p->next++];
			if (!candidate->present)
				l = candidate;
		}
		if (!l) {
			image_crew_leave(&p->crew);
			pthread_mutex_unlock(&p->crew.lock);
			return NULL;
		}
		l->state = LAYER_DOWNLOADING;
		l->started = now_seconds();
		pthread_mutex_unlock(&p->crew.lock);
		if (fetch_layer(p, l, &l->err) < 0) {
			set_state(p, l, LAYER_FAILED);
			p->crew.cancel = 1; /* one layer failing fails the pull */
		} else {
			set_state(p, l, LAYER_DONE);
		}
	}
}

static void report_pull(void *arg)
{
	report_layers(arg);
}

/* Runs the workers, reporting progress on this thread until they end. */
static int download_layers(struct pull *p, berr *err)
{
	if (image_crew_run(&p->crew, p->env, p->limits.max_concurrent_downloads, worker_main,
			   report_pull, p, err) < 0)
		return -1;
	for (size_t i = 0; i < p->nlayers; i++)
		if (p->layers[i].state == LAYER_FAILED && p->layers[i].err.kind != BERR_NONE &&
		    strcmp(p->layers[i].err.msg, "context canceled") != 0) {
			*err = p->layers[i].err;
			return -1;
		}
	for (size_t i = 0; i < p->nlayers; i++)
		if (!p->layers[i].present && p->layers[i].state != LAYER_DONE)
			return berr_set(err, BERR_SYSTEM, "context canceled");
	return 0;
}

/* --- manifests ------------------------------------------------------------ */

static bool is_index(const char *media_type)
{
	return strcmp(media_type, "application/vnd.docker.distribution.manifest.list.v2+json") == 0 ||
	       strcmp(media_type, "application/vnd.oci.image.index.v1+json") == 0;
}

static bool is_schema1(const char *media_type)
{
	return strncmp(media_type, "application/vnd.docker.distribution.manifest.v1+", 48) == 0;
}

/* Docker's refusal of schema 1. */
static int schema1_error(const char *full_ref, berr *err)
{
	return berr_set(err, BERR_INVALID,
			"[DEPRECATION NOTICE] Docker Image Format v1 and Docker Image manifest version 2, "
			"schema 1 support is disabled by default and will be removed in an upcoming "
			"release. Suggest the author of %s to upgrade the image to the OCI Format or "
			"Docker Image manifest v2, schema 2. More information at "
			"https://docs.docker.com/go/deprecated-image-specs/",
			full_ref);
}

/* A descriptor's digest, checked: "sha256:<64 hex>". */
static const char *descriptor_digest(json_t *d)
{
	const char *digest = json_string_value(json_object_get(d, "digest"));

	if (!digest || strncmp(digest, "sha256:", 7) != 0 || !sha256_is_hex(digest + 7) ||
	    strlen(digest) != 71)
		return NULL;
	return digest;
}

/* Docker's words for what the registry refused, by its error code. */
static int translate_error(struct pull *p, const struct image_ref *ref, berr *err)
{
	const char *code = registry_session_error_code(p->session);
	char familiar[REF_STRING_SIZE], name[REF_STRING_SIZE], cause[sizeof(err->msg)];

	ref_familiar(ref, familiar, sizeof(familiar));
	ref_familiar_name(ref, name, sizeof(name));
	snprintf(cause, sizeof(cause), "%s", err->msg);
	if (strcmp(code, "DENIED") == 0 || strcmp(code, "UNAUTHORIZED") == 0)
		return berr_set(err, BERR_NOT_FOUND,
				"pull access denied for %s, repository does not exist or may require 'docker login': %s",
				name, cause);
	if (strcmp(code, "MANIFEST_UNKNOWN") == 0)
		return berr_set(err, BERR_NOT_FOUND, "manifest for %s not found: %s", familiar, cause);
	if (strcmp(code, "NAME_UNKNOWN") == 0)
		return berr_set(err, BERR_NOT_FOUND, "repository %s not found: %s", name, cause);
	return -1;
}

/* The image manifest for the platform: through a list or an index when
 * the reference names one. *top_digest is the digest of what the
 * reference named (the RepoDigest). */
static int fetch_manifest(struct pull *p, const struct image_ref *ref, const char *full_ref,
			  const struct image_platform *platform, json_t **manifest,
			  char top_digest[72], berr *err)
{
	char *body = NULL, media[128], digest[72];
	size_t len;
	json_t *doc;

	if (registry_manifest_get(p->session, ref->digest[0] ? ref->digest : ref->tag, &body, &len,
				  media, top_digest, err) < 0) {
		translate_error(p, ref, err);
		return -1;
	}
	if (is_schema1(media)) {
		free(body);
		return schema1_error(full_ref, err);
	}
	doc = json_loadb(body, len, 0, NULL);
	free(body);
	if (!doc)
		return berr_set(err, BERR_INVALID, "invalid manifest for %s: not JSON", full_ref);
	if (is_index(media)) {
		json_t *chosen = image_platform_pick(platform, json_object_get(doc, "manifests"));
		const char *child = descriptor_digest(chosen);
		char wanted[200];

		if (!chosen || !child) {
			image_platform_format(platform, wanted, sizeof(wanted));
			json_decref(doc);
			return berr_set(err, BERR_NOT_FOUND,
					"no matching manifest for %s in the manifest list entries", wanted);
		}
		snprintf(digest, sizeof(digest), "%s", child);
		json_decref(doc);
		if (registry_manifest_get(p->session, digest, &body, &len, media, digest, err) < 0) {
			translate_error(p, ref, err);
			return -1;
		}
		if (is_schema1(media) || is_index(media)) {
			free(body);
			return is_schema1(media) ? schema1_error(full_ref, err)
						 : berr_set(err, BERR_INVALID,
							    "invalid manifest for %s: an index inside an index",
							    full_ref);
		}
		doc = json_loadb(body, len, 0, NULL);
		free(body);
		if (!doc)
			return berr_set(err, BERR_INVALID, "invalid manifest for %s: not JSON", full_ref);
	}
	*manifest = doc;
	return 0;
}

/* Fills the layer list from the manifest and the config's diff ids. */
static int plan_layers(struct pull *p, json_t *manifest, json_t *config, berr *err)
{
	json_t *layers = json_object_get(manifest, "layers");
	json_t *diff_ids = json_object_get(json_object_get(config, "rootfs"), "diff_ids");
	char chain[IMAGE_DIGEST_SIZE] = "";

	if (!json_is_array(layers) || json_array_size(layers) != json_array_size(diff_ids))
		return berr_set(err, BERR_INVALID, "layers from manifest don't match image configuration");
	/* overlayfs stacks no more than 500 lower directories */
	if (json_array_size(layers) > PULL_LAYERS_MAX)
		return berr_set(err, BERR_INVALID, "invalid manifest: %zu layers (at most %d)",
				json_array_size(layers), PULL_LAYERS_MAX);
	p->nlayers = json_array_size(layers);
	p->layers = calloc(p->nlayers ? p->nlayers : 1, sizeof(*p->layers));
	if (!p->layers)
		return berr_errno(err, ENOMEM, "pull");
	for (size_t i = 0; i < p->nlayers; i++)
		p->layers[i].sg.fd = -1; /* no staging until a worker opens one */
	for (size_t i = 0; i < p->nlayers; i++) {
		struct pull_layer *l = &p->layers[i];
		json_t *d = json_array_get(layers, i);
		const char *digest = descriptor_digest(d);
		const char *diff_id = json_string_value(json_array_get(diff_ids, i));
		const char *media = json_string_value(json_object_get(d, "mediaType"));

		if (!digest || !diff_id || strncmp(diff_id, "sha256:", 7) != 0 ||
		    !sha256_is_hex(diff_id + 7) || strlen(diff_id) != 71)
			return berr_set(err, BERR_INVALID, "invalid manifest: bad layer descriptor %zu", i);
		if (media && strstr(media, "foreign"))
			return berr_set(err, BERR_UNSUPPORTED, "foreign layers are not supported (layer %s)",
					digest);
		snprintf(l->digest, sizeof(l->digest), "%s", digest);
		snprintf(l->diff_id, sizeof(l->diff_id), "%s", diff_id);
		snprintf(l->short_id, sizeof(l->short_id), "%.12s", digest + 7);
		snprintf(l->parent, sizeof(l->parent), "%s", chain);
		layer_chain_id(chain, diff_id, l->chain_id);
		memcpy(chain, l->chain_id, sizeof(chain));
		snprintf(l->media_type, sizeof(l->media_type), "%s",
			 media ? media : "application/vnd.docker.image.rootfs.diff.tar.gzip");
		/* the size bounds what a registry may send for the blob */
		l->size = json_integer_value(json_object_get(d, "size"));
		if (!json_is_integer(json_object_get(d, "size")) || l->size <= 0)
			return berr_set(err, BERR_INVALID, "invalid manifest: layer %zu has no size", i);
		if (layer_exists(p->env->st, l->chain_id, &l->present, err) < 0)
			return -1;
	}
	return 0;
}

/* --- the store ------------------------------------------------------------ */

/* Layers, image and references in one transaction. */
static int commit_pull(struct pull *p, const struct image_ref *ref, const char *config,
		       size_t config_len, const char *tag_ref, const char *digest_ref,
		       char id[IMAGE_DIGEST_SIZE], berr *err)
{
	struct image_staging sg;
	struct image_fs_txn t;
	bool created;
	int status = 0;

	if (image_staging_open(&sg, p->env->root, "pull", err) < 0)
		return -1;
	if (image_txn_begin(p->env, &t, &sg, err) < 0) {
		image_staging_close(&sg);
		return -1;
	}
	for (size_t i = 0; i < p->nlayers && status == 0; i++) {
		struct pull_layer *l = &p->layers[i];

		if (l->present) {
			memset(&l->staged, 0, sizeof(l->staged));
			l->staged.present = true;
			memcpy(l->staged.chain_id, l->chain_id, sizeof(l->staged.chain_id));
		}
		status = layer_commit_staged(&t, p->env->st, p->env->root, &l->staged, err);
		if (status == 0 && !l->present) {
			/* where a push will find this blob again: only a blob this
			 * pull downloaded and checked (a manifest's word for a layer
			 * the store has already is no proof) */
			struct layer_source src = {.size = l->size};

			memcpy(src.diff_id, l->diff_id, sizeof(src.diff_id));
			memcpy(src.digest, l->digest, sizeof(src.digest));
			snprintf(src.media_type, sizeof(src.media_type), "%s", l->media_type);
			snprintf(src.registry, sizeof(src.registry), "%s", ref->domain);
			snprintf(src.repository, sizeof(src.repository), "%s", ref->path);
			status = layer_source_add(p->env->st, &src, err);
		}
	}
	if (status == 0)
		status = image_store_put(&t, p->env->st, p->env->root, config, config_len, "", &created,
					 id, err);
	if (status == 0 && tag_ref)
		status = image_store_set_tag(p->env->st, tag_ref, id, err);
	if (status == 0)
		status = image_store_set_tag(p->env->st, digest_ref, id, err);
	status = image_txn_end(p->env, &t, status, err);
	image_staging_close(&sg);
	return status;
}

static void pull_free(struct pull *p)
{
	for (size_t i = 0; i < p->nlayers; i++)
		image_staging_close(&p->layers[i].sg);
	free(p->layers);
	registry_session_close(p->session);
	image_crew_destroy(&p->crew);
}

/* Pulls one reference. */
static int pull_one(const struct image_env *env, json_t *args, const char *text, json_t **result,
		    berr *err)
{
	struct pull p = {.env = env};
	struct image_ref ref;
	struct image_platform platform;
	struct registry_credentials cred;
	char full_ref[REF_STRING_SIZE], name[REF_STRING_SIZE], familiar[REF_STRING_SIZE];
	char digest_ref[REF_STRING_SIZE + 80], top_digest[72], id[IMAGE_DIGEST_SIZE];
	char old_id[IMAGE_DIGEST_SIZE] = "", line[REF_STRING_SIZE + 100];
	const char *config_digest;
	char *config = NULL;
	size_t config_len = 0;
	json_t *manifest = NULL, *config_doc = NULL;
	bool had_ref = false, have_image;
	const char *asked = json_string_value(json_object_get(args, "platform"));
	bool platform_asked = asked && *asked;
	int ret = -1;

	image_crew_init(&p.crew);
	if (ref_parse_normalized(text ? text : "", &ref, err) < 0 ||
	    image_platform_parse(json_string_value(json_object_get(args, "platform")), &platform,
				 err) < 0 ||
	    registry_limits_load(&p.limits, err) < 0)
		goto out;
	if (ref.digest[0])
		ref.tag[0] = '\0'; /* name:tag@digest pulls the digest */
	ref_string(&ref, full_ref, sizeof(full_ref));
	ref_name(&ref, name, sizeof(name));
	ref_familiar(&ref, familiar, sizeof(familiar));
	if (registry_credentials_for(json_object_get(args, "auth"), ref.domain, &cred, err) < 0)
		goto out;
	if (cred.warning[0])
		say(env, cred.warning, NULL);
	ret = registry_session_open(ref.domain, ref.path, false, &cred, &p.crew.cancel, &p.session, err);
	explicit_bzero(&cred, sizeof(cred));
	if (ret < 0)
		goto out;
	ret = -1;
	if (fetch_manifest(&p, &ref, full_ref, &platform, &manifest, top_digest, err) < 0)
		goto out;
	{
		char path[300];
		/* Docker's first line, once the registry has the manifest:
		 * "<tag>: Pulling from library/busybox" */
		snprintf(path, sizeof(path), "Pulling from %s", ref.path);
		if (env->cmd)
			cmd_progress(env->cmd, json_pack("{s:s, s:s}", "status", path, "id",
							 ref.digest[0] ? ref.digest : ref.tag));
	}
	config_digest = descriptor_digest(json_object_get(manifest, "config"));
	if (!config_digest) {
		berr_set(err, BERR_INVALID, "invalid manifest for %s: no config", full_ref);
		goto out;
	}
	/* an image the store has: its config is read from the store, its
	 * layers are all there, only its references (and where its blobs
	 * are) are new */
	have_image = image_lookup(env->st, config_digest, id, NULL, 0, NULL) == 0 &&
		     strcmp(id, config_digest) == 0;
	if (have_image ? image_store_config(env->st, id, &config, &config_len, err) < 0
		       : registry_blob_read(p.session, config_digest, CONFIG_MAX, &config, &config_len,
					    err) < 0)
		goto out;
	config_doc = json_loadb(config, config_len, 0, NULL);
	if (!json_is_object(config_doc)) {
		berr_set(err, BERR_INVALID, "invalid image config %s", config_digest);
		goto out;
	}
	/* a config of the wrong types would break every client that lists it */
	if (image_config_types_check(config_doc, err) < 0)
		goto out;
	if (json_string_value(json_object_get(config_doc, "os")) &&
	    strcmp(json_string_value(json_object_get(config_doc, "os")), "linux") != 0) {
		berr_set(err, BERR_INVALID, "image operating system \"%s\" cannot be used on this platform",
			 json_string_value(json_object_get(config_doc, "os")));
		goto out;
	}
	if (platform_asked && !image_platform_matches(&platform, config_doc)) {
		char wanted[200], actual[200];
		struct image_platform have = {0};

		snprintf(have.os, sizeof(have.os), "%s",
			 json_string_value(json_object_get(config_doc, "os")) ?: "unknown");
		snprintf(have.architecture, sizeof(have.architecture), "%s",
			 json_string_value(json_object_get(config_doc, "architecture")) ?: "unknown");
		snprintf(have.variant, sizeof(have.variant), "%s",
			 json_string_value(json_object_get(config_doc, "variant")) ?: "");
		image_platform_format(&platform, wanted, sizeof(wanted));
		image_platform_format(&have, actual, sizeof(actual));
		berr_set(err, BERR_NOT_FOUND,
			 "image with reference %s was found but does not match the specified platform: wanted %s, actual: %s",
			 familiar, wanted, actual);
		goto out;
	}
	if (plan_layers(&p, manifest, config_doc, err) < 0)
		goto out;
	for (size_t i = 0; i < p.nlayers; i++)
		if (p.layers[i].present && !have_image)
			say_layer(env, "Already exists", p.layers[i].short_id);
	for (size_t i = 0; i < p.nlayers; i++)
		if (!p.layers[i].present)
			say_layer(env, "Pulling fs layer", p.layers[i].short_id);
	for (size_t i = 0, queued = 0; i < p.nlayers; i++)
		if (!p.layers[i].present && queued++ >= (size_t)p.limits.max_concurrent_downloads)
			say_layer(env, "Waiting", p.layers[i].short_id);
	if (!have_image && download_layers(&p, err) < 0)
		goto out;
	snprintf(digest_ref, sizeof(digest_ref), "%s@%s", name, top_digest);
	had_ref = image_lookup(env->st, full_ref, old_id, NULL, 0, NULL) == 0;
	if (commit_pull(&p, &ref, config, config_len, ref.tag[0] ? full_ref : NULL, digest_ref, id,
			err) < 0)
		goto out;
	for (size_t i = 0; i < p.nlayers; i++)
		if (p.layers[i].partial[0])
			unlink(p.layers[i].partial);
	snprintf(line, sizeof(line), "Digest: %s", top_digest);
	say(env, line, NULL);
	{
		bool up_to_date = had_ref && strcmp(old_id, id) == 0;
		const char *status = up_to_date ? "Image is up to date" : "Downloaded newer image";

		snprintf(line, sizeof(line), "Status: %s for %s", status, familiar);
		say(env, line, NULL);
		image_emit(env, "pull", familiar, familiar);
		*result = json_pack("{s:s, s:s, s:s, s:s}", "Id", id, "Digest", top_digest, "Reference",
				    full_ref, "Status", status);
	}
	ret = 0;
out:
	free(config);
	json_decref(config_doc);
	json_decref(manifest);
	pull_free(&p);
	return ret;
}

int image_pull(const struct image_env *env, json_t *args, json_t **result, berr *err)
{
	const char *text = json_string_value(json_object_get(args, "reference"));
	struct registry_credentials cred;
	struct registry_session *session;
	struct image_ref ref;
	char name[REF_STRING_SIZE], one[REF_STRING_SIZE + 140];
	volatile int cancel = 0;
	json_t *tags = NULL, *tag;
	size_t i;
	int ret;

	if (!json_is_true(json_object_get(args, "all_tags")))
		return pull_one(env, args, text, result, err);
	/* -a: every tag the repository lists, one after the other */
	if (ref_parse_normalized(text ? text : "", &ref, err) < 0)
		return -1;
	if (ref.digest[0] || strcmp(ref.tag, "latest") != 0)
		return berr_set(err, BERR_INVALID, "tag can't be used with --all-tags/-a");
	if (registry_credentials_for(json_object_get(args, "auth"), ref.domain, &cred, err) < 0)
		return -1;
	ret = registry_session_open(ref.domain, ref.path, false, &cred, &cancel, &session, err);
	explicit_bzero(&cred, sizeof(cred));
	if (ret < 0)
		return -1;
	ret = registry_tags_list(session, &tags, err);
	if (ret < 0) {
		struct pull p = {.env = env, .session = session};
		translate_error(&p, &ref, err);
	}
	registry_session_close(session);
	if (ret < 0) {
		json_decref(tags);
		return -1;
	}
	ref_name(&ref, name, sizeof(name));
	*result = json_array();
	json_array_foreach(tags, i, tag) {
		json_t *pulled = NULL;

		snprintf(one, sizeof(one), "%s:%s", name, json_string_value(tag));
		if (pull_one(env, args, one, &pulled, err) < 0) {
			json_decref(*result);
			*result = NULL;
			json_decref(tags);
			return -1;
		}
		json_array_append_new(*result, pulled);
	}
	json_decref(tags);
	return 0;
}
