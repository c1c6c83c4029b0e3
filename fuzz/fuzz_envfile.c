/* --env-file files and -e values: the input is written to a memfd and read
 * by envfile_parse through /proc/self/fd, and each of its lines is given to
 * env_from_flag as one -e would be. */
#include <sys/mman.h>
#include <unistd.h>

#include "cli/envfile.h"
#include "fuzz/fuzz.h"

static int memfd = -1;
static char path[64];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strlist out = {0}, flags = {0};
	char *text, *cursor, *line;
	berr err = {0};

	if (memfd < 0) {
		memfd = memfd_create("envfile", MFD_CLOEXEC);
		FUZZ_CHECK(memfd >= 0);
		snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
		setenv("FUZZ_SET", "from the environment", 1);
		unsetenv("FUZZ_UNSET");
	}
	FUZZ_CHECK(ftruncate(memfd, 0) == 0);
	FUZZ_CHECK(pwrite(memfd, data, size, 0) == (ssize_t)size);
	if (envfile_parse(path, &out, &err) == 0) {
		for (size_t i = 0; i < out.len; i++)
			FUZZ_CHECK(strchr(out.items[i], '=') != NULL);
	} else {
		FUZZ_CHECK(err.kind == BERR_INVALID && out.len == 0);
	}
	text = fuzz_string(data, size);
	cursor = text;
	while ((line = fuzz_next_line(&cursor)))
		env_from_flag(line, &flags);
	free(text);
	strlist_free(&out);
	strlist_free(&flags);
	return 0;
}
