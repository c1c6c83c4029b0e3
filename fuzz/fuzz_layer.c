/* Layer tars, as `load`, `import` and `commit` unpack them: the input,
 * compressed or not, is written to a memfd and given to layer_apply, which
 * unpacks it into a fresh directory (removed after each run) and copies the
 * uncompressed tar to a blob memfd. The diff id it reports must be the
 * sha256 of that blob, and nothing may appear next to the directory. A
 * custom mutator repairs the header checksums that mutations break, so
 * that most inputs reach the entries. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/fsutil.h"
#include "engine/core/sha256.h"
#include "engine/image/internal.h"
#include "fuzz/fuzz.h"
#include "fuzz/ustar.h"

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed);

/* Small enough that a compression bomb ends quickly. */
static const struct layer_limits limits = {.max_bytes = 4u << 20, .max_entries = 5000};

static char base[64];
static int in_fd = -1, blob_fd = -1;
static unsigned long counter;

static void remove_base(void)
{
	berr err;

	fs_remove_tree(base, &err);
}

static void setup(void)
{
	const char *tmp = getenv("BERTH_FUZZ_TMP");

	snprintf(base, sizeof(base), "%s/berth-fuzz-layer-XXXXXX", tmp ? tmp : "/tmp");
	FUZZ_CHECK(mkdtemp(base) != NULL);
	atexit(remove_base);
	in_fd = memfd_create("layer", MFD_CLOEXEC);
	blob_fd = memfd_create("blob", MFD_CLOEXEC);
	FUZZ_CHECK(in_fd >= 0 && blob_fd >= 0);
}

/* The diff id must be the digest of the blob written. */
static void check_blob(const struct layer_apply_result *res)
{
	struct sha256_ctx ctx;
	char hex[SHA256_HEX_SIZE], buf[65536];
	uint64_t total = 0;
	ssize_t n;

	sha256_init(&ctx);
	while ((n = pread(blob_fd, buf, sizeof(buf), (off_t)total)) > 0) {
		sha256_update(&ctx, buf, (size_t)n);
		total += (uint64_t)n;
	}
	sha256_final_hex(&ctx, hex);
	FUZZ_CHECK(total == res->tar_size);
	FUZZ_CHECK(strncmp(res->diff_id, "sha256:", 7) == 0 && strcmp(res->diff_id + 7, hex) == 0);
	FUZZ_CHECK(res->size <= limits.max_bytes && res->entries <= limits.max_entries);
}

/* The base directory must hold the run's directory and nothing else: an
 * entry that climbed out with ".." would land here. */
static void check_contained(void)
{
	DIR *d = opendir(base);
	struct dirent *e;
	int n = 0;

	FUZZ_CHECK(d != NULL);
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	FUZZ_CHECK(n == 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct layer_apply_result res = {0};
	char dir[128];
	berr err = {0};
	int root_fd;

	if (in_fd < 0)
		setup();
	FUZZ_CHECK(ftruncate(in_fd, 0) == 0 && ftruncate(blob_fd, 0) == 0);
	FUZZ_CHECK(pwrite(in_fd, data, size, 0) == (ssize_t)size);
	FUZZ_CHECK(lseek(in_fd, 0, SEEK_SET) == 0 && lseek(blob_fd, 0, SEEK_SET) == 0);
	snprintf(dir, sizeof(dir), "%s/%lu", base, counter++);
	FUZZ_CHECK(mkdir(dir, 0755) == 0);
	root_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	FUZZ_CHECK(root_fd >= 0);
	if (layer_apply(in_fd, root_fd, blob_fd, &limits, &res, &err) == 0)
		check_blob(&res);
	else
		FUZZ_CHECK(err.kind != BERR_NONE && err.msg[0]);
	close(root_fd);
	check_contained();
	FUZZ_CHECK(fs_remove_tree(dir, &err) == 0);
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned seed)
{
	(void)seed;
	size = LLVMFuzzerMutate(data, size, max_size);
	ustar_fix_checksums(data, size);
	return size;
}
