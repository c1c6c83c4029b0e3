/* COPY and ADD: files from the context (or another stage or an image)
 * written into the files of a container made from the step's parent,
 * whose changes become the step's layer. Both trees are walked from the
 * host by fd (tree_copy.c); nothing runs in the container. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/build/internal.h"
#include "engine/build/shell_words.h"
#include "engine/build/tree_copy.h"
#include "engine/container/container.h"
#include "engine/core/alloc.h"
#include "engine/core/fsutil.h"
#include "engine/core/sha256.h"
#include "engine/core/strbuf.h"

static const char *const copy_flags[] = {"from", "chown", "chmod", "link", "parents", "exclude", NULL};
static const char *const add_flags[] = {"chown", "chmod", "link", "checksum", "keep-git-dir", NULL};

/* A tree opened for reading or writing, and what holds it open. */
struct step_tree {
	int root_fd;
	char container[65]; /* the container whose files these are, or "" */
	char staging[PATH_MAX]; /* a directory under R/tmp (FROM scratch), or "" */
};

static void tree_close(struct build *b, struct step_tree *t)
{
	if (t->root_fd >= 0)
		close(t->root_fd);
	t->root_fd = -1;
	if (t->container[0])
		build_container_remove(b, t->container);
	t->container[0] = '\0';
	if (t->staging[0])
		fs_remove_tree(t->staging, NULL);
	t->staging[0] = '\0';
}

/* The files of an image, writable (changes land in the container's upper
 * directory), or an empty directory for no image. */
static int tree_open(struct build *b, const char *image_id, struct step_tree *t, berr *err)
{
	struct container c;

	*t = (struct step_tree){.root_fd = -1};
	if (!image_id[0]) {
		snprintf(t->staging, sizeof(t->staging), "%s/tmp/build-XXXXXX", engine_root(b->engine));
		if (!mkdtemp(t->staging)) {
			t->staging[0] = '\0';
			return berr_sys(err, "creating a staging directory");
		}
		t->root_fd = open(t->staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (t->root_fd < 0) {
			berr_sys(err, "opening %s", t->staging);
			tree_close(b, t);
			return -1;
		}
		return 0;
	}
	json_t *body = json_pack("{s:[s]}", "Cmd", "/nonexistent");
	int rc = build_container_create(b, image_id, body, t->container, err);
	json_decref(body);
	if (rc < 0)
		return -1;
	if (container_find(b->engine, t->container, &c, err) < 0) {
		tree_close(b, t);
		return -1;
	}
	rc = container_rootfs_writable(b->engine, &c, &t->root_fd, err);
	container_free(&c);
	if (rc < 0) {
		t->root_fd = -1;
		tree_close(b, t);
		return -1;
	}
	return 0;
}

/* The changes as a layer tar (an unnamed file, at its start). */
static int tree_layer(struct build *b, struct step_tree *t, int *out_fd, berr *err)
{
	struct container c;
	int rc;

	close(t->root_fd);
	t->root_fd = -1;
	if (t->staging[0]) {
		int dir = open(t->staging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		int fd = open(engine_root(b->engine), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

		if (dir < 0 || fd < 0) {
			if (dir >= 0)
				close(dir);
			if (fd >= 0)
				close(fd);
			return berr_sys(err, "writing the layer");
		}
		rc = image_layer_tar_write(dir, fd, err);
		close(dir);
		if (rc < 0) {
			close(fd);
			return -1;
		}
		lseek(fd, 0, SEEK_SET);
		*out_fd = fd;
		return 0;
	}
	if (container_find(b->engine, t->container, &c, err) < 0)
		return -1;
	rc = container_upper_tar(b->engine, &c, out_fd, err);
	container_free(&c);
	return rc;
}

/* --from: a stage by name or index, else an image. */
static int from_image(struct build *b, const char *from, char image_id[IMAGE_DIGEST_SIZE],
		      berr *err)
{
	char *end;
	long index = strtol(from, &end, 10);
	struct image_info info;

	for (size_t i = 0; i < b->nstages; i++) {
		const struct build_stage *st = &b->stages[i];
		if ((st->name && strcasecmp(st->name, from) == 0) ||
		    (*from && !*end && index == (long)i)) {
			if (!st->built)
				return berr_set(err, BERR_INVALID, "stage %s is not built yet", from);
			if (!st->image_id[0])
				return berr_set(err, BERR_INVALID, "stage %s has no files (FROM scratch)",
						from);
			snprintf(image_id, IMAGE_DIGEST_SIZE, "%s", st->image_id);
			return 0;
		}
	}
	if (image_resolve(b->env.st, from, &info, err) < 0)
		return -1;
	snprintf(image_id, IMAGE_DIGEST_SIZE, "%s", info.id);
	image_info_free(&info);
	return 0;
}

static bool is_url(const char *word)
{
	return strncmp(word, "http://", 7) == 0 || strncmp(word, "https://", 8) == 0;
}

/* A heredoc's file: its name's last part. */
static const char *heredoc_file_name(const struct df_heredoc *doc)
{
	const char *slash = strrchr(doc->name, '/');
	return slash && slash[1] ? slash + 1 : doc->name;
}

/* Writes a heredoc's body (expanded unless its name was quoted) as a
 * file of the tree. */
static int write_heredoc(const struct shell_env *env, const struct df_heredoc *doc, int root,
			 berr *err)
{
	char *content = NULL;
	int fd, rc = 0;
	size_t len;

	if (doc->expand) {
		if (shell_expand_heredoc(env, doc->content, &content, err) < 0)
			return -1;
	} else {
		content = xstrdup(doc->content);
	}
	fd = openat(root, heredoc_file_name(doc), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		    0644);
	if (fd < 0) {
		free(content);
		return berr_sys(err, "writing the heredoc %s", doc->name);
	}
	len = strlen(content);
	if (write(fd, content, len) != (ssize_t)len || fchmod(fd, 0644) < 0)
		rc = berr_sys(err, "writing the heredoc %s", doc->name);
	close(fd);
	free(content);
	return rc;
}

static int parse_chmod(const char *s, mode_t *mode, berr *err)
{
	char *end;
	long v = strtol(s, &end, 8);

	if (!*s || *end || v < 0 || v > 07777)
		return berr_set(err, BERR_INVALID, "invalid chmod parameter: %s", s);
	*mode = (mode_t)v;
	return 0;
}

/* The copy itself: a container's files (or an empty tree for scratch)
 * with the sources written in, committed as the step's layer. */
static int copy_files(struct build *b, struct stage_state *s, const struct tree_source *const *trees,
		      const bool *urls, char ***sources, const size_t *nsources, size_t nsrc, const char *dest,
		      bool dest_is_dir, const char *chown, const struct shell_env *env,
		      struct copy_opts *opts, const struct cache_key *key, const char *created_by,
		      berr *err)
{
	struct step_tree dst;
	int layer_fd = -1, rc = -1;

	if (tree_open(b, s->image_id, &dst, err) < 0)
		return -1;
	if (chown) {
		char *expanded = NULL;
		if (shell_word(env, chown, &expanded, err) < 0)
			goto out;
		int owner = build_lookup_owner(dst.root_fd, expanded, &opts->uid, &opts->gid, err);
		free(expanded);
		if (owner < 0)
			goto out;
		opts->chown = true;
	}
	for (size_t i = 0; i < nsrc; i++) {
		struct copy_opts one = *opts;
		one.unpack = opts->unpack && !urls[i]; /* a URL's file is never unpacked */
		for (size_t j = 0; j < nsources[i]; j++)
			if (tree_copy(trees[i], sources[i][j], dst.root_fd, dest, dest_is_dir, &one, err) < 0)
				goto out;
	}
	if (tree_layer(b, &dst, &layer_fd, err) < 0)
		goto out;
	rc = build_commit_step(b, s, key, layer_fd, created_by, err);
	close(layer_fd);
out:
	tree_close(b, &dst);
	return rc;
}

int build_copy_step(struct build *b, struct build_stage *stage, struct stage_state *s,
		    const struct df_instruction *in, berr *err)
{
	bool add = strcmp(in->keyword, "ADD") == 0, hit = false, dest_is_dir;
	const char *const *allowed = add ? add_flags : copy_flags;
	const char *from = df_flag_value(in, "from"), *chown = df_flag_value(in, "chown");
	const char *chmod = df_flag_value(in, "chmod");
	char **words = NULL, ***sources = NULL, *dest = NULL, *name, from_id[IMAGE_DIGEST_SIZE] = "";
	size_t nwords = 0, *nsources = NULL, nsrc = 0;
	struct strbuf keyed = {0}, created = {0};
	struct step_tree src_tree = {.root_fd = -1}, docs_tree = {.root_fd = -1};
	const struct tree_source **trees = NULL;
	bool *urls = NULL;
	struct tree_source docs = {0};
	size_t next_doc = 0;
	struct shell_env env;
	json_t *vars = NULL;
	int vertex = 0, rc = -1;
	int64_t started = build_now();
	struct copy_opts opts = {.unpack = add};

	for (size_t i = 0; i < in->nflags; i++) {
		bool ok = false;
		for (size_t j = 0; allowed[j]; j++)
			ok |= strcmp(in->flags[i].name, allowed[j]) == 0;
		if (!ok)
			return berr_set(err, BERR_INVALID, "unknown flag: %s", in->flags[i].name);
	}
	if (df_flag_value(in, "parents") || df_flag_value(in, "exclude"))
		return berr_set(err, BERR_UNSUPPORTED, "%s --parents and --exclude are not supported yet",
				in->keyword);
	json_decref(s->used);
	s->used = json_object();
	build_shell_env(b, s, &env, &vars);
	if (in->exec_form) {
		words = xcalloc(in->nargs + 1, sizeof(*words));
		for (size_t i = 0; i < in->nargs; i++)
			if (shell_word(&env, in->args[i], &words[nwords++], err) < 0)
				goto out;
	} else if (shell_words(&env, in->nargs ? in->args[0] : "", &words, &nwords, err) < 0) {
		goto out;
	}
	if (nwords < 2) {
		berr_set(err, BERR_INVALID,
			 "%s requires at least two arguments, but only one was provided. Destination could not be determined.",
			 in->keyword);
		goto out;
	}
	const char *checksum = df_flag_value(in, "checksum");
	bool any_url = false;
	for (size_t i = 0; i + 1 < nwords; i++)
		any_url |= add && is_url(words[i]);
	if (checksum && !any_url) {
		berr_set(err, BERR_INVALID, "checksum can't be specified for non-HTTP(S) sources");
		goto out;
	}
	/* the destination, against the working directory */
	const char *last = words[nwords - 1];
	const char *wd = json_string_value(json_object_get(s->config, "WorkingDir"));
	size_t llen = strlen(last);
	dest_is_dir = llen && (last[llen - 1] == '/' || (llen >= 2 && strcmp(last + llen - 2, "/.") == 0) ||
			       strcmp(last, ".") == 0);
	dest = last[0] == '/' ? xstrdup(last) : xasprintf("%s/%s", wd && *wd ? wd : "", last);
	if (chmod && parse_chmod(chmod, &opts.mode, err) < 0)
		goto out;
	opts.chmod = chmod != NULL;
	/* the sources */
	struct tree_source source = {b->context_fd, &b->ignore, false, "build context"};
	if (from) {
		char *expanded = NULL;
		if (shell_word(&env, from, &expanded, err) < 0)
			goto out;
		rc = from_image(b, expanded, from_id, err);
		free(expanded);
		if (rc < 0)
			goto out;
		rc = -1;
		if (tree_open(b, from_id, &src_tree, err) < 0)
			goto out;
		source = (struct tree_source){src_tree.root_fd, NULL, true, from};
	}
	nsrc = nwords - 1;
	sources = xcalloc(nsrc, sizeof(*sources));
	nsources = xcalloc(nsrc, sizeof(*nsources));
	trees = xcalloc(nsrc, sizeof(*trees));
	urls = xcalloc(nsrc, sizeof(*urls));
	size_t total = 0;
	for (size_t i = 0; i < nsrc; i++) {
		const char *word = words[i];

		trees[i] = &source;
		if (add && is_url(word)) {
			/* downloaded by the engine into the staging tree */
			char file[256], digest[IMAGE_DIGEST_SIZE];
			if (docs_tree.root_fd < 0) {
				if (tree_open(b, "", &docs_tree, err) < 0)
					goto out;
				docs = (struct tree_source){docs_tree.root_fd, NULL, false, "download"};
			}
			build_url_file_name(word, file, sizeof(file));
			if (build_fetch_url(word, docs_tree.root_fd, file, checksum, digest, NULL, err) < 0)
				goto out;
			urls[i] = true;
			trees[i] = &docs;
			sources[i] = xcalloc(2, sizeof(**sources));
			sources[i][0] = xstrdup(file);
			nsources[i] = 1;
			total++;
			continue;
		}
		if (strncmp(word, "<<", 2) == 0 && next_doc < in->nheredocs) {
			/* a heredoc: a file of its own, in a tree of its own */
			if (docs_tree.root_fd < 0) {
				if (tree_open(b, "", &docs_tree, err) < 0)
					goto out;
				docs = (struct tree_source){docs_tree.root_fd, NULL, false, "heredoc"};
			}
			if (write_heredoc(&env, &in->heredocs[next_doc], docs_tree.root_fd, err) < 0)
				goto out;
			word = heredoc_file_name(&in->heredocs[next_doc++]);
			trees[i] = &docs;
		}
		if (tree_expand_sources(trees[i], word, &sources[i], &nsources[i], err) < 0) {
			berr_prefix(err, "failed to compute cache key: failed to calculate checksum");
			goto out;
		}
		total += nsources[i];
	}
	if (total > 1 && !dest_is_dir) {
		berr_set(err, BERR_INVALID,
			 "When using %s with more than one source file, the destination must be a directory and end with a /",
			 in->keyword);
		goto out;
	}
	/* the key: the instruction as written, the stage or image it copies
	 * from, the build args it expanded, and what the files hold */
	strbuf_adds(&keyed, in->original);
	if (from)
		strbuf_addf(&keyed, " (from %s)", from_id);
	strbuf_adds(&created, in->keyword);
	if (from)
		strbuf_addf(&created, " --from=%s", from);
	for (size_t i = 0; i < nwords; i++)
		strbuf_addf(&created, " %s", words[i]);
	strbuf_adds(&created, " # buildkit");
	name = xasprintf("[%s%s%d/%d] %s", stage->name ? stage->name : "", stage->name ? " " : "",
			 ++s->step, stage->steps, in->original);
	vertex = build_vertex_start(b, name);
	free(name);
	struct sha256_ctx sum;
	char files[SHA256_HEX_SIZE + 8] = "";
	sha256_init(&sum);
	if (from) {
		sha256_update(&sum, from_id, strlen(from_id) + 1);
		for (size_t i = 0; i < nsrc; i++)
			for (size_t j = 0; j < nsources[i]; j++)
				sha256_update(&sum, sources[i][j], strlen(sources[i][j]) + 1);
	} else {
		for (size_t i = 0; i < nsrc; i++)
			for (size_t j = 0; j < nsources[i]; j++)
				if (tree_checksum(trees[i], sources[i][j], &sum, err) < 0)
					goto out;
	}
	sha256_final_hex(&sum, files);
	char *used = build_used_args_text(s);
	struct cache_key key = {s->image_id, keyed.s, used, files};
	rc = build_cache_find(b, s, &key, vertex, &hit, err);
	if (rc == 0 && !hit)
		rc = copy_files(b, s, trees, urls, sources, nsources, nsrc, dest, dest_is_dir, chown, &env,
				&opts, &key, created.s, err);
	else if (rc == 0)
		build_vertex_cached(b, vertex);
	free(used);
out:
	tree_close(b, &src_tree);
	tree_close(b, &docs_tree);
	free(trees);
	free(urls);
	if (vertex && rc < 0)
		build_vertex_error(b, vertex, started, err->msg);
	else if (vertex && !hit)
		build_vertex_done(b, vertex, started);
	for (size_t i = 0; i < nsrc && sources; i++)
		shell_words_free(sources[i], nsources[i]);
	free(sources);
	free(nsources);
	shell_words_free(words, nwords);
	free(dest);
	json_decref(vars);
	strbuf_free(&keyed);
	strbuf_free(&created);
	return rc;
}
