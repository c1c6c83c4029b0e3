/* docker push: an image of the store to a registry.
 *
 *   image.push {"reference", "auth"} -> {"Tag", "Digest", "Size"}
 *
 * Progress is Docker's JSON messages: "The push refers to repository
 * [...]", a line per layer (top first: "Preparing", "Waiting", "Pushing"
 * with its bytes, "Pushed", "Layer already exists", "Mounted from ..."),
 * then "<tag>: digest: sha256:... size: N".
 *
 * A layer's blob is looked for before anything is compressed: where
 * layer_sources says it is (pulled from, or pushed to, a repository) the
 * registry is asked (HEAD), or it is mounted from another repository of
 * the same registry; only a layer the registry lacks is gzipped (the same
 * bytes every time) and uploaded, max-concurrent-uploads (5) at a time.
 * The manifest goes last, so a registry never names a blob it lacks; the
 * pushed digest becomes a RepoDigest, and where each blob now is goes
 * into layer_sources. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/core/progress.h"
#include "engine/core/reference.h"
#include "engine/core/sha256.h"
#include "engine/image/internal.h"
#include "engine/registry/hosts.h"
#include "engine/registry/registry.h"
#include "engine/store/store.h"


#define DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"

enum push_state {
	PUSH_PREPARING,
	PUSH_WAITING,
	PUSH_PUSHING,
	PUSH_PUSHED,
	PUSH_EXISTS,
	PUSH_MOUNTED,
	PUSH_FAILED,
};

struct push_layer {
	char diff_id[IMAGE_DIGEST_SIZE];
	char short_id[13];
	struct layer_source *known; /* layer_sources' rows for it */
	size_t nknown;
	/* the result: the blob in the registry */
	struct layer_source blob;
	char mounted_from[256];
	berr err;
	/* progress, under push.crew.lock */
	enum push_state state, shown;
	int64_t sent, shown_sent;
	int64_t started;
};

struct push {
	const struct image_env *env;
	struct image_ref ref;
	struct registry_session *session;
	struct registry_limits limits;
	struct image_staging sg;
	struct push_layer *layers;
	size_t nlayers;
	size_t next;
	struct image_crew crew;
};

static void say(const struct image_env *env, const char *status)
{
	if (env->cmd)
		cmd_progress(env->cmd, json_pack("{s:s}", "status", status));
}

static void say_layer(const struct image_env *env, const char *status, const char *id)
{
	if (env->cmd)
		cmd_progress(env->cmd, json_pack("{s:s, s:{}, s:s}", "status", status,
						 "progressDetail", "id", id));
}

/* What changed since the last look, on the command's thread. */
static void report_layers(struct push *p)
{
	pthread_mutex_lock(&p->crew.lock);
	for (size_t i = p->nlayers; i-- > 0;) {
		struct push_layer *l = &p->layers[i];
		char line[400], text[200];

		if (l->state == l->shown && l->sent == l->shown_sent)
			continue;
		switch (l->state) {
		case PUSH_PREPARING:
		case PUSH_FAILED:
			break;
		case PUSH_WAITING:
			say_layer(p->env, "Waiting", l->short_id);
			break;
		case PUSH_PUSHING:
			if (!p->env->cmd)
				break;
			progress_text(l->sent, l->blob.size, l->started, (int64_t)time(NULL), 200, text,
				      sizeof(text));
			cmd_progress(p->env->cmd,
				     json_pack("{s:s, s:{s:I, s:I, s:I}, s:s, s:s}", "status", "Pushing",
					       "progressDetail", "current", (json_int_t)l->sent, "total",
					       (json_int_t)l->blob.size, "start", (json_int_t)l->started,
					       "progress", text, "id", l->short_id));
			break;
		case PUSH_PUSHED:
			say_layer(p->env, "Pushed", l->short_id);
			break;
		case PUSH_EXISTS:
			say_layer(p->env, "Layer already exists", l->short_id);
			break;
		case PUSH_MOUNTED:
			snprintf(line, sizeof(line), "Mounted from %s", l->mounted_from);
			say_layer(p->env, line, l->short_id);
			break;
		}
		l->shown = l->state;
		l->shown_sent = l->sent;
	}
	pthread_mutex_unlock(&p->crew.lock);
}

static void set_state(struct push *p, struct push_layer *l, enum push_state state)
{
	pthread_mutex_lock(&p->crew.lock);
	l->state = state;
	image_crew_changed(&p->crew);
	pthread_mutex_unlock(&p->crew.lock);
}

struct upload_progress {
	struct push *p;
	struct push_layer *l;
};

static void on_sent(void *user, uint64_t sent)
{
	struct upload_progress *u = user;

	pthread_mutex_lock(&u->p->crew.lock);
	u->l->sent = (int64_t)sent;
	pthread_mutex_unlock(&u->p->crew.lock);
}

/* The registry has the blob already: in this repository (HEAD), or in
 * another of the same registry (mounted). */
static int find_in_registry(struct push *p, struct push_layer *l, bool *found, berr *err)
{
	*found = false;
	for (size_t i = 0; i < l->nknown && !*found; i++) {
		struct layer_source *k = &l->known[i];
		bool exists = false;
		int64_t size = 0;

		if (strcmp(k->registry, p->ref.domain) == 0 && strcmp(k->repository, p->ref.path) != 0) {
			bool mounted = false;

			if (registry_blob_mount(p->session, k->digest, k->repository, &mounted, err) < 0)
				return -1;
			if (mounted) {
				char name[300];

				/* Docker names the repository as users write it */
				snprintf(name, sizeof(name), "%s",
					 strncmp(k->repository, "library/", 8) == 0 &&
							 strcmp(k->registry, "docker.io") == 0
						 ? k->repository + 8
						 : k->repository);
				snprintf(l->mounted_from, sizeof(l->mounted_from), "%s", name);
				l->blob = *k;
				set_state(p, l, PUSH_MOUNTED);
				*found = true;
			}
			continue;
		}
		if (registry_blob_exists(p->session, k->digest, &exists, &size, err) < 0)
			return -1;
		if (exists) {
			l->blob = *k;
			set_state(p, l, PUSH_EXISTS);
			*found = true;
		}
	}
	return 0;
}

/* Compresses the layer and uploads it unless the registry has those bytes. */
static int upload_layer(struct push *p, struct push_layer *l, berr *err)
{
	char path[4200];
	uint64_t size;
	bool exists = false;
	int fd, ret = -1;

	pthread_mutex_lock(&p->crew.lock);
	image_staging_name(&p->sg, "layer", path, sizeof(path));
	pthread_mutex_unlock(&p->crew.lock);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return berr_sys(err, "create %s", path);
	if (layer_compress(p->env->root, l->diff_id, fd, &p->crew.cancel, l->blob.digest, &size, err) < 0)
		goto out;
	memcpy(l->blob.diff_id, l->diff_id, sizeof(l->blob.diff_id));
	l->blob.size = (int64_t)size;
	snprintf(l->blob.media_type, sizeof(l->blob.media_type), "%s", DOCKER_LAYER);
	if (registry_blob_exists(p->session, l->blob.digest, &exists, NULL, err) < 0)
		goto out;
	if (exists) {
		set_state(p, l, PUSH_EXISTS);
		ret = 0;
		goto out;
	}
	pthread_mutex_lock(&p->crew.lock);
	l->started = (int64_t)time(NULL);
	l->state = PUSH_PUSHING;
	pthread_mutex_unlock(&p->crew.lock);
	{
		struct upload_progress u = {.p = p, .l = l};

		if (registry_blob_upload(p->session, l->blob.digest, fd, size, on_sent, &u, err) < 0)
			goto out;
	}
	set_state(p, l, PUSH_PUSHED);
	ret = 0;
out:
	close(fd);
	unlink(path);
	return ret;
}

static void *worker_main(void *arg)
{
	struct push *p = arg;

	for (;;) {
		struct push_layer *l = NULL;
		bool found = false;

		pthread_mutex_lock(&p->crew.lock);
		if (p->next < p->nlayers && !p->crew.cancel)
			l = &p->layers[p->next++];
		if (!l) {
			image_crew_leave(&p->crew);
			pthread_mutex_unlock(&p->crew.lock);
			return NULL;
		}
		l->state = PUSH_PREPARING;
		pthread_mutex_unlock(&p->crew.lock);
		if (find_in_registry(p, l, &found, &l->err) < 0 ||
		    (!found && upload_layer(p, l, &l->err) < 0)) {
			set_state(p, l, PUSH_FAILED);
			p->crew.cancel = 1;
		}
	}
}

static void report_push(void *arg)
{
	report_layers(arg);
}

/* The workers, with progress reported on this thread. */
static int push_layers(struct push *p, berr *err)
{
	pthread_mutex_lock(&p->crew.lock);
	for (size_t i = (size_t)p->limits.max_concurrent_uploads; i < p->nlayers; i++)
		p->layers[i].state = PUSH_WAITING;
	pthread_mutex_unlock(&p->crew.lock);
	if (image_crew_run(&p->crew, p->env, p->limits.max_concurrent_uploads, worker_main,
			   report_push, p, err) < 0)
		return -1;
	for (size_t i = 0; i < p->nlayers; i++)
		if (p->layers[i].state == PUSH_FAILED && strcmp(p->layers[i].err.msg, "context canceled") != 0) {
			*err = p->layers[i].err;
			return -1;
		}
	for (size_t i = 0; i < p->nlayers; i++)
		if (p->layers[i].state == PUSH_FAILED || p->layers[i].state < PUSH_PUSHED)
			return berr_set(err, BERR_SYSTEM, "context canceled");
	return 0;
}

/* Docker's schema 2 manifest (OCI's when a layer is an OCI blob, zstd
 * say), indented as Docker indents it. */
static char *build_manifest(struct push *p, const char *config_digest, size_t config_len,
			    const char **media_type)
{
	bool oci = false;
	json_t *layers = json_array(), *doc;
	char *text;

	for (size_t i = 0; i < p->nlayers; i++)
		if (strstr(p->layers[i].blob.media_type, "vnd.oci."))
			oci = true;
	for (size_t i = 0; i < p->nlayers; i++) {
		const char *mt = p->layers[i].blob.media_type;

		if (oci && strcmp(mt, DOCKER_LAYER) == 0)
			mt = OCI_LAYER_GZIP;
		json_array_append_new(layers, json_pack("{s:s, s:I, s:s}", "mediaType", mt, "size",
							(json_int_t)p->layers[i].blob.size, "digest",
							p->layers[i].blob.digest));
	}
	*media_type = oci ? OCI_MANIFEST : DOCKER_MANIFEST;
	doc = json_pack("{s:i, s:s, s:{s:s, s:I, s:s}, s:o}", "schemaVersion", 2, "mediaType",
			*media_type, "config", "mediaType", oci ? OCI_CONFIG : DOCKER_CONFIG, "size",
			(json_int_t)config_len, "digest", config_digest, "layers", layers);
	text = json_dumps(doc, JSON_INDENT(3) | JSON_PRESERVE_ORDER);
	json_decref(doc);
	return text;
}

/* Uploads the config unless the registry has it. */
static int push_config(struct push *p, const char *id, const char *config, size_t len, berr *err)
{
	char path[4200];
	bool exists = false;
	int fd, ret;

	if (registry_blob_exists(p->session, id, &exists, NULL, err) < 0)
		return -1;
	if (exists)
		return 0;
	image_staging_name(&p->sg, "config", path, sizeof(path));
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return berr_sys(err, "create %s", path);
	ret = image_write_all(fd, config, len, err);
	if (ret == 0)
		ret = registry_blob_upload(p->session, id, fd, len, NULL, NULL, err);
	close(fd);
	unlink(path);
	return ret;
}

/* The layers of the image, base first, with what is known of their blobs. */
static int plan_layers(struct push *p, const char *id, berr *err)
{
	json_t *chains = NULL;
	int ret = -1;

	if (image_store_chain_ids(p->env->st, id, &chains, err) < 0)
		return -1;
	p->nlayers = json_array_size(chains);
	p->layers = calloc(p->nlayers ? p->nlayers : 1, sizeof(*p->layers));
	if (!p->layers) {
		berr_errno(err, ENOMEM, "push");
		goto out;
	}
	for (size_t i = 0; i < p->nlayers; i++) {
		struct push_layer *l = &p->layers[i];
		char parent[IMAGE_DIGEST_SIZE];
		uint64_t size;
		bool found;

		if (layer_get(p->env->st, json_string_value(json_array_get(chains, i)), l->diff_id,
			      parent, &size, &found, err) < 0)
			goto out;
		if (!found) {
			berr_set(err, BERR_CONFLICT, "layer %s was removed meanwhile; try again",
				 json_string_value(json_array_get(chains, i)));
			goto out;
		}
		snprintf(l->short_id, sizeof(l->short_id), "%.12s", l->diff_id + 7);
		if (layer_sources_of(p->env->st, l->diff_id, p->ref.domain, &l->known, &l->nknown,
				     err) < 0)
			goto out;
		/* mounts need pull access to where the blob is */
		for (size_t k = 0; k < l->nknown; k++)
			if (strcmp(l->known[k].registry, p->ref.domain) == 0 &&
			    strcmp(l->known[k].repository, p->ref.path) != 0 &&
			    registry_session_also_pull(p->session, l->known[k].repository, err) < 0)
				goto out;
	}
	ret = 0;
out:
	json_decref(chains);
	return ret;
}

/* Where the blobs now are, and the pushed digest as a RepoDigest. */
static int record_push(struct push *p, const char *id, const char *digest, berr *err)
{
	char name[REF_STRING_SIZE], digest_ref[REF_STRING_SIZE + 80];
	int status;

	ref_name(&p->ref, name, sizeof(name));
	snprintf(digest_ref, sizeof(digest_ref), "%s@%s", name, digest);
	if (store_begin(p->env->st, err) < 0)
		return -1;
	status = image_store_set_tag(p->env->st, digest_ref, id, err);
	for (size_t i = 0; i < p->nlayers && status == 0; i++) {
		struct layer_source src = p->layers[i].blob;

		snprintf(src.registry, sizeof(src.registry), "%s", p->ref.domain);
		snprintf(src.repository, sizeof(src.repository), "%s", p->ref.path);
		status = layer_source_add(p->env->st, &src, err);
	}
	if (status == 0)
		return store_commit(p->env->st, err);
	store_rollback(p->env->st);
	return -1;
}

/* Pushes one tag. */
static int push_one(const struct image_env *env, json_t *args, const char *text, bool announce,
		    json_t **result, berr *err)
{
	struct push p = {.env = env, .sg = {.fd = -1}};
	struct registry_credentials cred;
	char full[REF_STRING_SIZE], familiar[REF_STRING_SIZE], id[IMAGE_DIGEST_SIZE];
	char digest[72], line[REF_STRING_SIZE + 200];
	const char *media_type;
	char *config = NULL, *manifest = NULL;
	size_t config_len = 0;
	int ret = -1;

	image_crew_init(&p.crew);
	if (ref_parse_normalized(text ? text : "", &p.ref, err) < 0 ||
	    registry_limits_load(&p.limits, err) < 0)
		goto out;
	if (p.ref.digest[0]) {
		berr_set(err, BERR_INVALID, "cannot push a digest reference");
		goto out;
	}
	ref_string(&p.ref, full, sizeof(full));
	ref_familiar(&p.ref, familiar, sizeof(familiar));
	if (image_lookup(env->st, full, id, NULL, 0, NULL) < 0) {
		char name[REF_STRING_SIZE], repo[REF_STRING_SIZE];
		json_t *tags = NULL;

		/* Docker's two words: the repository has no tag here at all,
		 * or not this one */
		ref_name(&p.ref, repo, sizeof(repo));
		ref_familiar_name(&p.ref, name, sizeof(name));
		if (image_store_repo_tags(env->st, repo, &tags, NULL) == 0 && json_array_size(tags))
			berr_set(err, BERR_NOT_FOUND, "tag does not exist: %s", familiar);
		else
			berr_set(err, BERR_NOT_FOUND, "An image does not exist locally with the tag: %s",
				 name);
		json_decref(tags);
		goto out;
	}
	if (image_store_config(env->st, id, &config, &config_len, err) < 0 ||
	    image_staging_open(&p.sg, env->root, "push", err) < 0 ||
	    registry_credentials_for(json_object_get(args, "auth"), p.ref.domain, &cred, err) < 0)
		goto out;
	{
		char name[REF_STRING_SIZE];

		ref_name(&p.ref, name, sizeof(name));
		snprintf(line, sizeof(line), "The push refers to repository [%s]", name);
		if (announce)
			say(env, line);
		if (cred.warning[0])
			say(env, cred.warning);
	}
	ret = registry_session_open(p.ref.domain, p.ref.path, true, &cred, &p.crew.cancel, &p.session, err);
	explicit_bzero(&cred, sizeof(cred));
	if (ret < 0)
		goto out;
	ret = -1;
	if (plan_layers(&p, id, err) < 0)
		goto out;
	for (size_t i = p.nlayers; i-- > 0;)
		say_layer(env, "Preparing", p.layers[i].short_id);
	if (push_layers(&p, err) < 0 || push_config(&p, id, config, config_len, err) < 0)
		goto out;
	manifest = build_manifest(&p, id, config_len, &media_type);
	if (!manifest) {
		berr_errno(err, ENOMEM, "push");
		goto out;
	}
	if (registry_manifest_put(p.session, p.ref.tag, media_type, manifest, strlen(manifest),
				  digest, err) < 0 ||
	    record_push(&p, id, digest, err) < 0)
		goto out;
	snprintf(line, sizeof(line), "%s: digest: %s size: %zu", p.ref.tag, digest, strlen(manifest));
	say(env, line);
	if (env->cmd)
		cmd_progress(env->cmd, json_pack("{s:{s:s, s:s, s:I}}", "aux", "Tag", p.ref.tag,
						 "Digest", digest, "Size",
						 (json_int_t)strlen(manifest)));
	image_emit(env, "push", familiar, familiar);
	*result = json_pack("{s:s, s:s, s:I}", "Tag", p.ref.tag, "Digest", digest, "Size",
			    (json_int_t)strlen(manifest));
	ret = 0;
out:
	for (size_t i = 0; i < p.nlayers; i++)
		free(p.layers[i].known);
	free(p.layers);
	free(config);
	free(manifest);
	registry_session_close(p.session);
	if (p.sg.fd >= 0)
		image_staging_close(&p.sg);
	image_crew_destroy(&p.crew);
	return ret;
}

int image_push(const struct image_env *env, json_t *args, json_t **result, berr *err)
{
	const char *text = json_string_value(json_object_get(args, "reference"));
	struct image_ref ref;
	char name[REF_STRING_SIZE];
	json_t *tags, *pair, *one;
	size_t i;

	if (!json_is_true(json_object_get(args, "all_tags")))
		return push_one(env, args, text, true, result, err);
	/* -a: every tag of the repository, one after the other */
	if (ref_parse_normalized(text ? text : "", &ref, err) < 0)
		return -1;
	ref_name(&ref, name, sizeof(name));
	if (image_store_repo_tags(env->st, name, &tags, err) < 0) {
		json_decref(tags);
		return -1;
	}
	if (json_array_size(tags) == 0) {
		ref_familiar_name(&ref, name, sizeof(name));
		json_decref(tags);
		return berr_set(err, BERR_NOT_FOUND, "An image does not exist locally with the tag: %s",
				name);
	}
	*result = json_array();
	json_array_foreach(tags, i, pair) {
		one = NULL;
		/* Docker names the repository once, then pushes each tag */
		if (push_one(env, args, json_string_value(json_array_get(pair, 0)), i == 0, &one,
			     err) < 0) {
			json_decref(tags);
			json_decref(*result);
			*result = NULL;
			return -1;
		}
		json_array_append_new(*result, one);
	}
	json_decref(tags);
	return 0;
}
