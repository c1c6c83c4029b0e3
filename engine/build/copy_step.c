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
	struct image_staging sg; /* a directory under R/tmp (FROM scratch), or path "" */
};

static void tree_close(struct build *b, struct step_tree *t)
{
	if (t->root_fd >= 0)
		close(t->root_fd);
	t->root_fd = -1;
	if (t->container[0])
		build_container_remove(b, t->container);
	t->container[0] = '\0';
	if (t->sg.path[0])
		image_staging_close(&t->sg);
	t->sg.path[0] = '\0';
}

/* The files of an image, writable (changes land in the container's upper
 * directory), or an empty directory for no image. */
static int tree_open(struct build *b, const char *image_id, struct step_tree *t, berr *err)
{
	struct container c;

	*t = (struct step_tree){.root_fd = -1, .sg = {.fd = -1}};
	if (!image_id[0]) {
		if (image_staging_open(&t->sg, engine_root(b->engine), "build", err) < 0) {
			t->sg.path[0] = '\0';
			return -1;
		}
		t->root_fd = open(t->sg.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (t->root_fd < 0) {
			berr_sys(err, "opening %s", t->sg.path);
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
	if (t->sg.path[0]) {
		int dir = open(t->sg.path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
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
		const struct build_stage *stage = &b->stages[i];
		if ((stage->name && strcasecmp(stage->name, from) == 0) ||
		    (*from && !*end && index == (long)i)) {
			if (!stage->built)
				return berr_set(err, BERR_INVALID, "stage %s is not built yet", from);
			if (!stage->image_id[0])
				return berr_set(err, BERR_INVALID, "stage %s has no files (FROM scratch)",
						from);
			snprintf(image_id, IMAGE_DIGEST_SIZE, "%s", stage->image_id);
			return 0;
		}
	}
	struct store *st = build_store(b, err);
	if (!st || image_resolve(st, from, &info, err) < 0)
		return -1;
	snprintf(image_id, IMAGE_DIGEST_SIZE, "%s", info.id);
	image_info_free(&info);
	return 0;
}

static bool is_url(const char *word)
{
	return strncmp(word, "http://", 7) == 0 || strncmp(word, "https://", 8) == 0;
}

/* A heredoc's file: its name's last part ("." and ".." name none). */
static const char *heredoc_file_name(const struct df_heredoc *doc)
{
	const char *slash = strrchr(doc->name, '/');
	const char *name = slash && slash[1] ? slash + 1 : doc->name;

	return strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ? "__heredoc__" : name;
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

/* One thing to copy: a path of a tree. */
struct copy_entry {
	const struct tree_source *tree;
	char *path;       /* relative to the tree's root, cleaned */
	bool url;         /* a downloaded file: never unpacked */
	const char *pivot; /* --parents: the part of the path dropped ("" for none) */
};

/* What a COPY or ADD works with. */
struct copy_plan {
	struct copy_entry *entries;
	size_t n;
	char *dest;
	bool dest_is_dir;
	bool parents;
	struct dockerignore exclude;
	bool has_exclude;
	struct copy_opts opts;
	struct step_tree from_tree, docs_tree;
	int named_fd; /* COPY --from a --build-context directory, or -1 */
	struct tree_source from_source, docs_source;
	char **pivots;
	size_t npivots;
};

static void plan_free(struct build *b, struct copy_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->entries[i].path);
	free(p->entries);
	free(p->dest);
	for (size_t i = 0; i < p->npivots; i++)
		free(p->pivots[i]);
	free(p->pivots);
	if (p->has_exclude)
		dockerignore_free(&p->exclude);
	tree_close(b, &p->from_tree);
	tree_close(b, &p->docs_tree);
	if (p->named_fd >= 0)
		close(p->named_fd);
}

static void plan_add(struct copy_plan *p, const struct tree_source *tree, const char *path, bool url,
		     const char *pivot)
{
	p->entries = xrealloc(p->entries, (p->n + 1) * sizeof(*p->entries));
	p->entries[p->n++] = (struct copy_entry){tree, xstrdup(path), url, pivot};
}

/* The tree with this entry's --exclude base. */
static struct tree_source entry_tree(const struct copy_plan *p, const struct copy_entry *e)
{
	struct tree_source t = *e->tree;

	if (p->has_exclude) {
		t.exclude = &p->exclude;
		t.exclude_base = e->path;
	}
	return t;
}

/* --parents: the entry's destination keeps its parent directories (those
 * after a "/./" pivot); a directory keeps its own name too. */
static int entry_dest(const struct copy_plan *p, const struct copy_entry *e, char *out, size_t size,
		      bool *is_dir, berr *err)
{
	const char *rel = e->path;
	size_t plen = strlen(e->pivot);
	struct stat st;
	int fd;

	*is_dir = p->dest_is_dir;
	if (!p->parents) {
		snprintf(out, size, "%s", p->dest);
		return 0;
	}
	if (plen && strncmp(rel, e->pivot, plen) == 0 && (rel[plen] == '/' || !rel[plen]))
		rel += plen + (rel[plen] == '/');
	fd = fs_openat_in_root(e->tree->root_fd, e->path, O_PATH, 0, 0);
	if (fd < 0 || fstat(fd, &st) < 0) {
		if (fd >= 0)
			close(fd);
		return berr_sys(err, "opening %s", e->path);
	}
	close(fd);
	if (S_ISDIR(st.st_mode)) {
		snprintf(out, size, "%s/%s", p->dest, rel);
	} else {
		const char *slash = strrchr(rel, '/');
		snprintf(out, size, "%s/%.*s", p->dest, slash ? (int)(slash - rel) : 0, rel);
	}
	*is_dir = true;
	return 0;
}

/* The copy itself: a container's files (or an empty tree for scratch)
 * with the entries written in, committed as the step's layer. */
static int copy_files(struct build *b, struct stage_state *s, struct copy_plan *p, const char *chown,
		      const struct shell_env *env, const struct cache_key *key,
		      const char *created_by, berr *err)
{
	struct step_tree dst;
	int layer_fd = -1, rc = -1;

	if (tree_open(b, s->image_id, &dst, err) < 0)
		return -1;
	if (chown) {
		char *expanded = NULL;
		if (shell_word(env, chown, &expanded, err) < 0)
			goto out;
		int owner = build_lookup_owner(dst.root_fd, expanded, &p->opts.uid, &p->opts.gid, err);
		free(expanded);
		if (owner < 0)
			goto out;
		p->opts.chown = true;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct copy_entry *e = &p->entries[i];
		struct copy_opts one = p->opts;
		struct tree_source tree = entry_tree(p, e);
		char dest[PATH_MAX * 2];
		bool is_dir;

		one.unpack = p->opts.unpack && !e->url; /* a URL's file is never unpacked */
		if (entry_dest(p, e, dest, sizeof(dest), &is_dir, err) < 0 ||
		    tree_copy(&tree, e->path, dst.root_fd, dest, is_dir, &one, err) < 0)
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

/* The words of the instruction, expanded: sources then the destination. */
static int copy_words(struct build *b, struct stage_state *s, const struct df_instruction *in,
		      struct shell_env *env, char ***words, size_t *n, berr *err)
{
	(void)b;
	(void)s;
	*words = NULL;
	*n = 0;
	if (in->exec_form) {
		*words = xcalloc(in->nargs + 1, sizeof(**words));
		for (size_t i = 0; i < in->nargs; i++)
			if (shell_word(env, in->args[i], &(*words)[(*n)++], err) < 0)
				return -1;
	} else if (shell_words(env, in->nargs ? in->args[0] : "", words, n, err) < 0) {
		return -1;
	}
	if (*n < 2)
		return berr_set(err, BERR_INVALID,
				"%s requires at least two arguments, but only one was provided. Destination could not be determined.",
				in->keyword);
	return 0;
}

/* A docs tree (heredocs, downloads) opened on first use. */
static int docs_tree(struct build *b, struct copy_plan *p, const char *shown, berr *err)
{
	if (p->docs_tree.root_fd >= 0)
		return 0;
	if (tree_open(b, "", &p->docs_tree, err) < 0)
		return -1;
	p->docs_source = (struct tree_source){.root_fd = p->docs_tree.root_fd, .shown = shown};
	return 0;
}

/* The sources: context paths (wildcards expanded), another stage's or
 * image's, heredocs and downloads. */
static int plan_sources(struct build *b, const struct df_instruction *in, struct copy_plan *p,
			char **words, size_t nsrc, const struct shell_env *env, berr *err)
{
	bool add = strcmp(in->keyword, "ADD") == 0;
	const char *checksum = df_flag_value(in, "checksum");
	const struct tree_source *source = &p->from_source;
	size_t next_doc = 0;

	for (size_t i = 0; i < nsrc; i++) {
		const char *word = words[i];
		char **paths = NULL, file[256], digest[IMAGE_DIGEST_SIZE];
		size_t count = 0;
		const char *pivot = "";

		if (add && is_url(word)) {
			/* downloaded by the engine into the staging tree */
			if (docs_tree(b, p, "download", err) < 0)
				return -1;
			build_url_file_name(word, file, sizeof(file));
			if (build_fetch_url(b, word, p->docs_tree.root_fd, file, checksum, digest, err) < 0)
				return err->kind == BERR_NOT_FOUND ? berr_prefix(err, "failed to load cache key") : -1;
			plan_add(p, &p->docs_source, file, true, "");
			continue;
		}
		if (strncmp(word, "<<", 2) == 0 && next_doc < in->nheredocs) {
			/* a heredoc: a file of its own, in a tree of its own */
			if (docs_tree(b, p, "heredoc", err) < 0 ||
			    write_heredoc(env, &in->heredocs[next_doc], p->docs_tree.root_fd, err) < 0)
				return -1;
			plan_add(p, &p->docs_source, heredoc_file_name(&in->heredocs[next_doc++]), false, "");
			continue;
		}
		if (p->parents) {
			const char *dot = strstr(word, "/./");
			if (dot || strncmp(word, "./", 2) == 0) {
				char prefix[PATH_MAX], clean[PATH_MAX];
				snprintf(prefix, sizeof(prefix), "%.*s", dot ? (int)(dot - word) : 0, word);
				fs_path_clean(prefix, clean, sizeof(clean), false);
				p->pivots = xrealloc(p->pivots, (p->npivots + 1) * sizeof(*p->pivots));
				p->pivots[p->npivots] = xstrdup(clean);
				pivot = p->pivots[p->npivots++];
			}
		}
		if (tree_expand_sources(source, word, &paths, &count, err) < 0)
			return berr_prefix(err, "failed to compute cache key: failed to calculate checksum");
		for (size_t j = 0; j < count; j++) {
			/* --exclude of a matched file itself: by its name */
			const char *slash = strrchr(paths[j], '/');
			if (p->has_exclude && dockerignore_excludes(&p->exclude, slash ? slash + 1 : paths[j]))
				continue;
			plan_add(p, source, paths[j], false, pivot);
		}
		shell_words_free(paths, count);
	}
	return 0;
}

int build_copy_step(struct build *b, struct build_stage *stage, struct stage_state *s,
		    const struct df_instruction *in, berr *err)
{
	bool add = strcmp(in->keyword, "ADD") == 0, hit = false;
	const char *const *allowed = add ? add_flags : copy_flags;
	const char *from = df_flag_value(in, "from"), *chown = df_flag_value(in, "chown");
	const char *chmod = df_flag_value(in, "chmod"), *checksum = df_flag_value(in, "checksum");
	char **words = NULL, *name, from_id[IMAGE_DIGEST_SIZE] = "", *used = NULL;
	size_t nwords = 0;
	struct strbuf keyed = {0}, created = {0};
	struct copy_plan p = {.opts = {.unpack = add}};
	struct shell_env env;
	json_t *vars = NULL;
	int vertex = 0, rc = -1;
	int64_t started = build_now();

	p.from_tree.root_fd = p.docs_tree.root_fd = p.named_fd = -1;
	p.from_tree.sg.fd = p.docs_tree.sg.fd = -1;
	for (size_t i = 0; i < in->nflags; i++) {
		bool ok = false;
		for (size_t j = 0; allowed[j]; j++)
			ok |= strcmp(in->flags[i].name, allowed[j]) == 0;
		if (!ok)
			return berr_set(err, BERR_INVALID, "unknown flag: %s", in->flags[i].name);
	}
	json_decref(s->used);
	s->used = json_object();
	build_shell_env(b, s, &env, &vars);
	if (copy_words(b, s, in, &env, &words, &nwords, err) < 0)
		goto out;
	bool any_url = false;
	for (size_t i = 0; i + 1 < nwords; i++)
		any_url |= add && is_url(words[i]);
	if (checksum && !any_url) {
		berr_set(err, BERR_INVALID, "checksum can't be specified for non-HTTP(S) sources");
		goto out;
	}
	/* the options */
	const char *parents = df_flag_value(in, "parents");
	p.parents = parents && strcmp(parents, "false") != 0;
	struct strbuf patterns = {0};
	for (size_t i = 0; i < in->nflags; i++)
		if (strcmp(in->flags[i].name, "exclude") == 0 && in->flags[i].value) {
			char *pattern = NULL;
			if (shell_word(&env, in->flags[i].value, &pattern, err) < 0) {
				strbuf_free(&patterns);
				goto out;
			}
			strbuf_addf(&patterns, "%s\n", pattern);
			free(pattern);
		}
	if (patterns.s) {
		dockerignore_parse(patterns.s, patterns.len, &p.exclude, err);
		p.has_exclude = true;
	}
	strbuf_free(&patterns);
	if (chmod && parse_chmod(chmod, &p.opts.mode, err) < 0)
		goto out;
	p.opts.chmod = chmod != NULL;
	/* the destination, against the working directory */
	const char *last = words[nwords - 1];
	const char *wd = json_string_value(json_object_get(s->config, "WorkingDir"));
	size_t llen = strlen(last);
	p.dest_is_dir = llen && (last[llen - 1] == '/' || (llen >= 2 && strcmp(last + llen - 2, "/.") == 0) ||
				 strcmp(last, ".") == 0);
	p.dest = last[0] == '/' ? xstrdup(last) : xasprintf("%s/%s", wd && *wd ? wd : "", last);
	/* the sources */
	p.from_source = (struct tree_source){.root_fd = b->context_fd, .ignore = &b->ignore, .shown = "build context"};
	if (from) {
		char *expanded = NULL;
		if (shell_word(&env, from, &expanded, err) < 0)
			goto out;
		/* a --build-context of that name wins over stages and images */
		json_t *named = json_object_get(b->contexts, expanded);
		const char *dir = json_string_value(json_object_get(named, "dir"));
		const char *image = json_string_value(json_object_get(named, "image"));
		if (dir) {
			p.named_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (p.named_fd < 0) {
				berr_sys(err, "build context %s: %s", expanded, dir);
				free(expanded);
				goto out;
			}
			p.from_source = (struct tree_source){.root_fd = p.named_fd, .shown = from};
			free(expanded);
		} else {
			rc = from_image(b, image ? image : expanded, from_id, err);
			free(expanded);
			if (rc < 0)
				goto out;
			rc = -1;
			if (tree_open(b, from_id, &p.from_tree, err) < 0)
				goto out;
			p.from_source = (struct tree_source){.root_fd = p.from_tree.root_fd, .keep_owner = true, .shown = from};
		}
	}
	if (plan_sources(b, in, &p, words, nwords - 1, &env, err) < 0)
		goto out;
	if (p.n > 1 && !p.dest_is_dir && !p.parents) {
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
	name = xasprintf("[%s%s%d/%d] %s", stage->label ? stage->label : "", stage->label ? " " : "",
			 ++s->step, stage->steps, in->original);
	vertex = build_vertex_start(b, name);
	free(name);
	struct sha256_ctx sum;
	char files[SHA256_HEX_SIZE + 8] = "";
	sha256_init(&sum);
	for (size_t i = 0; i < p.n; i++) {
		const struct copy_entry *e = &p.entries[i];
		if (e->tree == &p.from_source && from_id[0]) {
			/* an image's files are its ID's */
			sha256_update(&sum, from_id, strlen(from_id) + 1);
			sha256_update(&sum, e->path, strlen(e->path) + 1);
			continue;
		}
		struct tree_source tree = entry_tree(&p, e);
		if (tree_checksum(&tree, e->path, &sum, err) < 0)
			goto out;
	}
	sha256_final_hex(&sum, files);
	used = build_used_args_text(s);
	struct cache_key key = {s->image_id, keyed.s, used, files, b->origin, in->line, created.s, true};
	rc = build_cache_find(b, s, &key, vertex, &hit, err);
	if (rc == 0 && !hit)
		rc = copy_files(b, s, &p, chown, &env, &key, created.s, err);
	else if (rc == 0)
		build_vertex_cached(b, vertex);
out:
	free(used);
	plan_free(b, &p);
	if (vertex && rc < 0)
		build_vertex_error(b, vertex, started, err->msg);
	else if (vertex && !hit)
		build_vertex_done(b, vertex, started);
	shell_words_free(words, nwords);
	json_decref(vars);
	strbuf_free(&keyed);
	strbuf_free(&created);
	return rc;
}
