/* Files moved between trees by descriptor, for COPY and ADD: a source tree
 * (the build context, or another stage's or image's files) and a
 * destination tree (the step's container files). Every name is opened
 * relative to its directory's fd without following symlinks and checked
 * with fstat after the open; paths given by the Dockerfile are resolved
 * with openat2(RESOLVE_IN_ROOT), so neither tree's owner can lead a copy
 * outside its root. */
#ifndef BERTH_BUILD_TREE_COPY_H
#define BERTH_BUILD_TREE_COPY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "engine/core/dockerignore.h"
#include "engine/core/error.h"

/* A tree files are read from. */
struct tree_source {
	int root_fd;                     /* a directory fd: the tree's "/" */
	const struct dockerignore *ignore; /* entries left out (the context's), or NULL */
	bool keep_owner;                 /* keep uid/gid (stages, images); else root (the context) */
	const char *shown;               /* how messages name it ("build context", "stage build") */
	/* COPY --exclude: patterns matched against paths below exclude_base
	 * (the source being copied), or NULL */
	const struct dockerignore *exclude;
	const char *exclude_base;
};

/* The sources a COPY names: each pattern (relative to the root, wildcards
 * allowed in any part) expanded to the paths it matches, sorted; a
 * pattern matching nothing is BERR_NOT_FOUND "\"/x\": not found". The
 * paths are cleaned and relative ("" is the root itself). */
int tree_expand_sources(const struct tree_source *src, const char *pattern, char ***out,
			size_t *count, berr *err);

/* Feeds a checksum of the entries at and below rel (ignore-filtered, names
 * sorted) into hex: names, kinds, permission bits, link targets and
 * contents (owners only with keep_owner), never times. */
struct sha256_ctx;
int tree_checksum(const struct tree_source *src, const char *rel, struct sha256_ctx *sum,
		  berr *err);

struct copy_opts {
	bool chown;
	uid_t uid;
	gid_t gid;
	bool chmod;
	mode_t mode;
	bool unpack; /* ADD: a local tar archive is extracted instead of copied */
};

/* Copies the source entry rel to the path dest (relative to dest_root,
 * resolved inside it). A directory's contents go into dest (made with
 * its parents when missing); a file becomes dest itself, or dest/<name>
 * when dest_is_dir or dest is an existing directory. */
int tree_copy(const struct tree_source *src, const char *rel, int dest_root, const char *dest,
	      bool dest_is_dir, const struct copy_opts *opts, berr *err);

/* mkdir -p of path inside root (resolved inside it), new directories 0755
 * owned by uid:gid. */
int tree_mkdir_p(int root, const char *path, uid_t uid, gid_t gid, berr *err);

#endif
