/* `docker load` archives: image_load on a tar the target builds from the
 * input, against a store in a temporary data root. Building the tar keeps
 * the fuzzer on what berth itself parses (member names and links,
 * manifest.json, index.json, the OCI manifests, image configs, RepoTags)
 * rather than on tar checksums. The input is a list of members:
 *
 *   == <name>            a regular file; its content is every line up to
 *   <content>            the next member line (the last newline excluded)
 *   -> <name> <target>   a symbolic link
 *   => <name> <target>   a hard link
 *   // <name>            a directory
 *
 * Text before the first member line is ignored. Layers are unpacked for
 * real (layer_apply); the fuzz_layer target covers them in depth. After a
 * load that succeeds, every image is pruned, so each input meets an empty
 * store. */
#include <jansson.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/fsutil.h"
#include "engine/image/image.h"
#include "engine/image/internal.h"
#include "engine/store/store.h"
#include "fuzz/fuzz.h"
#include "fuzz/ustar.h"

static char root[64];
static struct store *st;
static int tar_fd = -1;

static void teardown(void)
{
	berr err;

	store_close(st);
	fs_remove_tree(root, &err);
}

static void setup(void)
{
	const char *tmp = getenv("BERTH_FUZZ_TMP");
	berr err = {0};

	snprintf(root, sizeof(root), "%s/berth-fuzz-load-XXXXXX", tmp ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(root) != NULL);
	if (store_open(&st, root, &err) < 0) {
		fprintf(stderr, "fuzz_load: %s\n", err.msg);
		abort();
	}
	atexit(teardown);
	tar_fd = memfd_create("load", MFD_CLOEXEC);
	FUZZ_CHECK(tar_fd >= 0);
}

/* A member line: its kind ('=', '-', '>' or '/') and where its name starts. */
static char member_kind(const char *line, size_t n)
{
	if (n < 3 || line[2] != ' ')
		return 0;
	if (line[0] == '=' && line[1] == '=')
		return '=';
	if (line[0] == '-' && line[1] == '>')
		return '-';
	if (line[0] == '=' && line[1] == '>')
		return '>';
	if (line[0] == '/' && line[1] == '/')
		return '/';
	return 0;
}

/* Adds a link member: "<name> <target>". */
static void add_link(struct ustar *t, char type, char *spec)
{
	char *sp = strchr(spec, ' ');

	if (sp)
		*sp = '\0';
	ustar_add(t, type, spec, sp ? sp + 1 : "", NULL, 0);
}

/* Turns the member list into a tar. */
static void build_tar(const uint8_t *data, size_t size, struct ustar *t)
{
	const uint8_t *end = data + size, *p = data, *content = NULL;
	char *name = NULL;

	while (p <= end) {
		const uint8_t *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		char kind = member_kind((const char *)p, n);

		if (kind) {
			char *spec = strndup((const char *)p + 3, n - 3);

			if (!spec)
				abort();
			if (name) {
				ustar_add(t, '0', name, NULL, content,
					  p > content ? (size_t)(p - content) - 1 : 0);
				free(name);
				name = NULL;
			}
			if (kind == '=') {
				name = spec;
				content = nl ? nl + 1 : end;
				if (content > end)
					content = end;
			} else {
				if (kind == '/')
					ustar_add(t, '5', spec, NULL, NULL, 0);
				else
					add_link(t, kind == '-' ? '2' : '1', spec);
				free(spec);
			}
		}
		if (!nl)
			break;
		p = nl + 1;
	}
	if (name) {
		ustar_add(t, '0', name, NULL, content, (size_t)(end - content));
		free(name);
	}
	ustar_finish(t);
}

/* Removes everything a successful load stored. */
static void prune(const struct image_env *env)
{
	json_t *args = json_pack("{s:b}", "all", 1), *result = NULL;
	berr err = {0};

	FUZZ_CHECK(image_prune(env, args, &result, &err) == 0);
	json_decref(result);
	json_decref(args);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct image_env env;
	struct ustar t = {0};
	json_t *args, *result = NULL;
	berr err = {0};

	if (!st)
		setup();
	env = (struct image_env){.st = st, .root = root};
	build_tar(data, size, &t);
	FUZZ_CHECK(ftruncate(tar_fd, 0) == 0);
	FUZZ_CHECK(pwrite(tar_fd, t.data, t.len, 0) == (ssize_t)t.len);
	FUZZ_CHECK(lseek(tar_fd, 0, SEEK_SET) == 0);
	ustar_free(&t);
	args = json_pack("{s:i}", "fd", tar_fd);
	if (image_load(&env, args, &result, &err) == 0) {
		FUZZ_CHECK(json_is_array(json_object_get(result, "loaded")));
		json_decref(result);
		prune(&env);
	} else {
		FUZZ_CHECK(err.kind != BERR_NONE && err.msg[0]);
	}
	json_decref(args);
	return 0;
}
