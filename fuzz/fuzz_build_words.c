/* What a Dockerfile's words and a context's .dockerignore make of hostile
 * text: shell_word, shell_words and shell_split_raw with a few variables
 * set, and dockerignore_parse with matching. Expansion never fails
 * without a message, a split word is never empty unless quoted, and a
 * pattern always matches itself when it has no wildcard. */
#include <stdlib.h>
#include <string.h>

#include "engine/core/dockerignore.h"
#include "engine/build/shell_words.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	json_t *vars = json_pack("{s:s, s:s, s:s}", "A", "one", "EMPTY", "", "SP", "a  b");
	struct shell_env env = {vars, size && data[0] == '`' ? '`' : '\\', json_object()};
	struct dockerignore di;
	char *word = NULL, **words = NULL;
	size_t n = 0;
	berr err = {0};

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (shell_word(&env, text, &word, &err) < 0)
		FUZZ_CHECK(err.msg[0]);
	else
		free(word);
	berr_clear(&err);
	if (shell_words(&env, text, &words, &n, &err) < 0)
		FUZZ_CHECK(err.msg[0]);
	else
		shell_words_free(words, n);
	berr_clear(&err);
	if (shell_split_raw(text, '\\', &words, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(words[i][0]);
		shell_words_free(words, n);
	}
	berr_clear(&err);
	FUZZ_CHECK(dockerignore_parse(text, size, &di, &err) == 0);
	for (size_t i = 0; i < di.n; i++) {
		const char *p = di.patterns[i].text;
		dockerignore_excludes(&di, p);
		if (!strpbrk(p, "*?[\\"))
			FUZZ_CHECK(glob_match(p, p));
	}
	dockerignore_excludes(&di, "a/b/c.txt");
	dockerignore_free(&di);
	json_decref(env.used);
	json_decref(vars);
	free(text);
	return 0;
}
