/* Dockerfiles, which come with a build context berth does not control:
 * dockerfile_parse. An instruction that parses has a known upper-case
 * keyword, lines in order within the file, and arguments (but for an
 * empty exec form). */
#include <ctype.h>
#include <string.h>

#include "engine/build/dockerfile.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dockerfile df;
	berr err = {0};
	int lines = 1;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	if (dockerfile_parse((const char *)data, size, &df, &err) < 0) {
		FUZZ_CHECK(err.msg[0] && df.n == 0);
		return 0;
	}
	FUZZ_CHECK(df.escape == '\\' || df.escape == '`');
	for (size_t i = 0; i < df.n; i++) {
		const struct df_instruction *in = &df.ins[i];

		FUZZ_CHECK(in->keyword[0]);
		for (const char *c = in->keyword; *c; c++)
			FUZZ_CHECK(!islower((unsigned char)*c));
		FUZZ_CHECK(in->line >= 1 && in->line <= in->end_line && in->end_line <= lines);
		FUZZ_CHECK(i == 0 || df.ins[i - 1].end_line < in->line);
		FUZZ_CHECK(in->nargs > 0 || in->exec_form);
		for (size_t f = 0; f < in->nflags; f++)
			FUZZ_CHECK(in->flags[f].name[0]);
	}
	dockerfile_free(&df);
	return 0;
}
