/* Small helpers shared by the image commands: events, progress, short ids
 * and the store transaction that carries file changes with it. */
#include <stdio.h>
#include <string.h>

#include "engine/image/internal.h"
#include "engine/store/store.h"

/* Publishes an image event (type "image") when there is an engine. */
void image_emit(const struct image_env *env, const char *action, const char *id,
		const char *name)
{
	if (!env->engine)
		return;
	engine_emit(env->engine, "image", action, id,
		    json_pack("{s:s}", "name", name && *name ? name : id));
}

/* Sends a {"stream": text} progress message when there is a submitter. */
void image_progress(const struct image_env *env, const char *text)
{
	if (env->cmd)
		cmd_progress(env->cmd, json_pack("{s:s}", "stream", text));
}

/* The 12-digit short form of an image id. */
void image_short_id(const char *id, char out[13])
{
	const char *hex = strncmp(id, "sha256:", 7) == 0 ? id + 7 : id;

	snprintf(out, 13, "%.12s", hex);
}

/* Starts a store transaction carrying file changes staged in sg. */
int image_txn_begin(const struct image_env *env, struct image_fs_txn *t, struct image_staging *sg,
		    berr *err)
{
	image_fs_txn_init(t, sg);
	return store_begin(env->st, err);
}

/* Commits (status 0) or undoes both the rows and the files. */
int image_txn_end(const struct image_env *env, struct image_fs_txn *t, int status, berr *err)
{
	if (status == 0 && store_commit(env->st, err) == 0) {
		image_fs_txn_commit(t);
		return 0;
	}
	/* Files first, while the write lock still keeps others out. */
	image_fs_txn_rollback(t);
	store_rollback(env->st);
	return -1;
}
