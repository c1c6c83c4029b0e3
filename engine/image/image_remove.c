/* docker tag and docker rmi, with Docker's rules: removing a reference
 * only untags unless it was the last one; removing by id untags and deletes;
 * containers, child images and extra tags block deletion unless forced
 * (running containers and children block even then). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/reference.h"
#include "engine/image/internal.h"
#include "engine/store/store.h"

/* What one removal collects. */
struct removal {
	const struct image_env *env;
	struct image_fs_txn *t;
	json_t *records; /* [{"Untagged": ...}, {"Deleted": ...}] */
	json_t *events;  /* [[action, id, name]] emitted after commit */
	uint64_t reclaimed;
};

/* Queues an event to publish once the transaction is committed. */
static void note_event(struct removal *rm, const char *action, const char *id, const char *name)
{
	json_array_append_new(rm->events, json_pack("[s, s, s]", action, id, name));
}

/* image.tag: points a new reference at an image. */
int image_tag(const struct image_env *env, json_t *args, json_t **result, berr *err)
{
	const char *source = json_string_value(json_object_get(args, "source"));
	const char *target = json_string_value(json_object_get(args, "target"));
	char id[IMAGE_DIGEST_SIZE], full[REF_STRING_SIZE], familiar[REF_STRING_SIZE];

	if (!source || !target)
		return berr_set(err, BERR_INVALID, "source and target are required");
	if (image_lookup(env->st, source, id, NULL, 0, err) < 0)
		return -1;
	if (image_ref_normalize(target, full, sizeof(full), err) < 0)
		return -1;
	if (image_ref_is_digest(full))
		return berr_set(err, BERR_INVALID, "refusing to create a tag with a digest reference");
	if (store_begin(env->st, err) < 0)
		return -1;
	if (image_store_set_tag(env->st, full, id, err) < 0) {
		store_rollback(env->st);
		return -1;
	}
	if (store_commit(env->st, err) < 0)
		return -1;
	image_ref_familiar(full, familiar, sizeof(familiar));
	image_emit(env, "tag", id, familiar);
	*result = json_object();
	return 0;
}

/* Deletes one tags row and records it as untagged. */
static int untag(struct removal *rm, const char *id, const char *full, berr *err)
{
	char familiar[REF_STRING_SIZE];

	if (image_store_untag(rm->env->st, full, err) < 0)
		return -1;
	image_ref_familiar(full, familiar, sizeof(familiar));
	json_array_append_new(rm->records, json_pack("{s:s}", "Untagged", familiar));
	note_event(rm, "untag", id, familiar);
	return 0;
}

/* Docker's isSingleReference: one tag, possibly with digests of the same
 * repository. */
static bool single_reference(json_t *refs)
{
	const char *tag = NULL;
	size_t i, ndigest_names = 0;
	json_t *v;
	char tag_name[REF_STRING_SIZE] = "", first_digest_name[REF_STRING_SIZE] = "";
	bool digest_names_same = true;

	if (json_array_size(refs) <= 1)
		return json_array_size(refs) == 1;
	json_array_foreach(refs, i, v) {
		const char *s = json_string_value(v);
		char name[REF_STRING_SIZE];

		if (!image_ref_is_digest(s)) {
			if (tag)
				return false;
			tag = s;
			continue;
		}
		image_ref_name(s, name, sizeof(name));
		if (ndigest_names++ == 0)
			snprintf(first_digest_name, sizeof(first_digest_name), "%s", name);
		else if (strcmp(first_digest_name, name) != 0)
			digest_names_same = false;
	}
	if (tag)
		image_ref_name(tag, tag_name, sizeof(tag_name));
	else
		snprintf(tag_name, sizeof(tag_name), "%s", first_digest_name);
	return digest_names_same && strcmp(tag_name, first_digest_name) == 0;
}

enum conflict {
	CONFLICT_CHILD = 1,
	CONFLICT_RUNNING = 2,
	CONFLICT_REFERENCE = 4,
	CONFLICT_STOPPED = 8,
	CONFLICT_HARD = CONFLICT_CHILD | CONFLICT_RUNNING,
	CONFLICT_SOFT = CONFLICT_REFERENCE | CONFLICT_STOPPED,
};

/* Docker's checkImageDeleteConflict: 1 with err set on a conflict (*used
 * when a container is the cause), 0 when free, -1 on a store error. */
static int check_conflict(struct removal *rm, const char *id, int mask, bool *used, berr *err)
{
	char short_id[13], first_stopped[80], first_running[80], cshort[13];
	int children, stopped, running;
	json_t *refs;
	size_t nrefs;

	*used = false;
	image_short_id(id, short_id);
	if (image_store_children(rm->env->st, id, &children, err) < 0 ||
	    image_store_containers(rm->env->st, id, &stopped, &running, first_stopped, first_running,
				   sizeof(first_stopped), err) < 0 ||
	    image_store_refs(rm->env->st, id, &refs, err) < 0)
		return -1;
	nrefs = json_array_size(refs);
	json_decref(refs);
	if ((mask & CONFLICT_CHILD) && children > 0) {
		berr_set(err, BERR_CONFLICT,
			 "conflict: unable to delete %s (cannot be forced) - image has dependent child images",
			 short_id);
		return 1;
	}
	if ((mask & CONFLICT_RUNNING) && running > 0) {
		snprintf(cshort, sizeof(cshort), "%.12s", first_running);
		*used = true;
		berr_set(err, BERR_CONFLICT,
			 "conflict: unable to delete %s (cannot be forced) - image is being used by running container %s",
			 short_id, cshort);
		return 1;
	}
	if ((mask & CONFLICT_REFERENCE) && nrefs > 0) {
		berr_set(err, BERR_CONFLICT,
			 "conflict: unable to delete %s (must be forced) - image is referenced in multiple repositories",
			 short_id);
		return 1;
	}
	if ((mask & CONFLICT_STOPPED) && stopped > 0) {
		snprintf(cshort, sizeof(cshort), "%.12s", first_stopped);
		*used = true;
		berr_set(err, BERR_CONFLICT,
			 "conflict: unable to delete %s (must be forced) - image is being used by stopped container %s",
			 short_id, cshort);
		return 1;
	}
	return 0;
}

/* Docker's imageDeleteHelper: deletes the image unless something blocks it
 * (quietly skipped when quiet and it is not dangling or is in use), then its
 * parents when pruning. */
static int delete_image(struct removal *rm, const char *id, bool force, bool prune, bool quiet,
			berr *err)
{
	char parent[IMAGE_DIGEST_SIZE] = "";
	json_t *refs = NULL;
	bool used;
	int children, conflict;

	conflict = check_conflict(rm, id, CONFLICT_HARD | (force ? 0 : CONFLICT_SOFT), &used, err);
	if (conflict < 0)
		return -1;
	if (conflict > 0) {
		bool dangling;

		if (image_store_refs(rm->env->st, id, &refs, err) < 0 ||
		    image_store_children(rm->env->st, id, &children, err) < 0) {
			json_decref(refs);
			return -1;
		}
		dangling = json_array_size(refs) == 0 && children == 0;
		json_decref(refs);
		if (quiet && (!dangling || used)) {
			berr_clear(err);
			return 0;
		}
		return -1;
	}
	if (image_store_parent(rm->env->st, id, parent, err) < 0)
		return -1;
	if (image_store_refs(rm->env->st, id, &refs, err) < 0)
		return -1;
	for (size_t i = 0; i < json_array_size(refs); i++)
		if (untag(rm, id, json_string_value(json_array_get(refs, i)), err) < 0) {
			json_decref(refs);
			return -1;
		}
	json_decref(refs);
	if (image_store_delete(rm->t, rm->env->st, rm->env->root, id, rm->records, &rm->reclaimed,
			       err) < 0)
		return -1;
	note_event(rm, "delete", id, id);
	if (!prune || !parent[0])
		return 0;
	return delete_image(rm, parent, false, true, true, err);
}

/* True when name is a prefix of the id, with or without "sha256:". */
static bool is_id_prefix(const char *id, const char *name)
{
	size_t n = strlen(name);

	return strncmp(id, name, n) == 0 || strncmp(id + 7, name, n) == 0;
}

/* Removing by reference: untag, and delete only when it was the last one. */
static int remove_reference(struct removal *rm, const char *id, const char *name, bool force,
			    bool *done, berr *err)
{
	char full[REF_STRING_SIZE], ref_name[REF_STRING_SIZE], cshort[13], short_id[13];
	char first_stopped[80], first_running[80];
	int stopped, running;
	json_t *refs;
	bool same_repo_tag = false;
	size_t i;

	*done = false;
	if (image_store_refs(rm->env->st, id, &refs, err) < 0)
		return -1;
	if (!force && single_reference(refs)) {
		if (image_store_containers(rm->env->st, id, &stopped, &running, first_stopped,
					   first_running, sizeof(first_stopped), err) < 0) {
			json_decref(refs);
			return -1;
		}
		if (stopped + running > 0) {
			snprintf(cshort, sizeof(cshort), "%.12s",
				 running ? first_running : first_stopped);
			image_short_id(id, short_id);
			json_decref(refs);
			return berr_set(err, BERR_CONFLICT,
					"conflict: unable to remove repository reference \"%s\" (must force) - container %s is using its referenced image %s",
					name, cshort, short_id);
		}
	}
	json_decref(refs);
	if (image_ref_normalize(name, full, sizeof(full), err) < 0 || untag(rm, id, full, err) < 0)
		return -1;
	if (image_store_refs(rm->env->st, id, &refs, err) < 0)
		return -1;
	if (!image_ref_is_digest(full)) {
		/* Digests of the same repository go with its last tag. */
		image_ref_name(full, ref_name, sizeof(ref_name));
		for (i = 0; i < json_array_size(refs); i++) {
			const char *r = json_string_value(json_array_get(refs, i));
			char n2[REF_STRING_SIZE];

			image_ref_name(r, n2, sizeof(n2));
			if (!image_ref_is_digest(r) && strcmp(n2, ref_name) == 0)
				same_repo_tag = true;
		}
		for (i = 0; !same_repo_tag && i < json_array_size(refs); i++) {
			const char *r = json_string_value(json_array_get(refs, i));
			char n2[REF_STRING_SIZE];

			image_ref_name(r, n2, sizeof(n2));
			if (image_ref_is_digest(r) && strcmp(n2, ref_name) == 0) {
				if (untag(rm, id, r, err) < 0) {
					json_decref(refs);
					return -1;
				}
				json_array_remove(refs, i--);
			}
		}
	}
	*done = json_array_size(refs) > 0;
	json_decref(refs);
	return 0;
}

/* Removing by id: with a single reference it is untagged first (unless a
 * conflict other than that reference stands in the way). */
static int remove_by_id(struct removal *rm, const char *id, bool force, berr *err)
{
	json_t *refs;
	bool used;
	int conflict;

	if (image_store_refs(rm->env->st, id, &refs, err) < 0)
		return -1;
	if (single_reference(refs)) {
		conflict = check_conflict(rm, id, CONFLICT_HARD | (force ? 0 : CONFLICT_STOPPED),
					  &used, err);
		if (conflict != 0) {
			json_decref(refs);
			return -1;
		}
		for (size_t i = 0; i < json_array_size(refs); i++)
			if (untag(rm, id, json_string_value(json_array_get(refs, i)), err) < 0) {
				json_decref(refs);
				return -1;
			}
	}
	json_decref(refs);
	return 0;
}

/* Removes one image name in its own transaction. */
int image_remove_one(const struct image_env *env, const char *name, bool force, bool prune,
		     json_t *records, uint64_t *reclaimed, berr *err)
{
	struct image_staging sg;
	struct image_fs_txn t;
	struct removal rm = {.env = env, .t = &t, .records = json_array(), .events = json_array()};
	char id[IMAGE_DIGEST_SIZE];
	bool by_ref = false, done = false;
	int status, ret = -1;

	if (image_staging_open(&sg, env->root, "remove", err) < 0)
		goto out;
	if (image_txn_begin(env, &t, &sg, err) < 0) {
		image_staging_close(&sg);
		goto out;
	}
	status = image_lookup(env->st, name, id, NULL, 0, err);
	if (status == 0) {
		by_ref = !is_id_prefix(id, name);
		if (by_ref)
			status = remove_reference(&rm, id, name, force, &done, err);
		else
			status = remove_by_id(&rm, id, force, err);
	}
	if (status == 0 && !done)
		status = delete_image(&rm, id, force, prune, by_ref, err);
	status = image_txn_end(env, &t, status, err);
	image_staging_close(&sg);
	if (status < 0)
		goto out;
	for (size_t i = 0; i < json_array_size(rm.events); i++) {
		json_t *e = json_array_get(rm.events, i);

		image_emit(env, json_string_value(json_array_get(e, 0)),
			   json_string_value(json_array_get(e, 1)),
			   json_string_value(json_array_get(e, 2)));
	}
	json_array_extend(records, rm.records);
	if (reclaimed)
		*reclaimed += rm.reclaimed;
	ret = 0;
out:
	json_decref(rm.records);
	json_decref(rm.events);
	return ret;
}

/* image.remove: docker rmi of one name. */
int image_remove(const struct image_env *env, json_t *args, json_t **result, berr *err)
{
	const char *name = json_string_value(json_object_get(args, "name"));
	json_t *records = json_array();

	if (!name || !*name) {
		json_decref(records);
		return berr_set(err, BERR_INVALID, "an image name is required");
	}
	if (image_remove_one(env, name, json_is_true(json_object_get(args, "force")),
			     !json_is_true(json_object_get(args, "noprune")), records, NULL,
			     err) < 0) {
		json_decref(records);
		return -1;
	}
	*result = records;
	return 0;
}
