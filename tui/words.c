/* The words of a ":" command line: splitting them as a shell would, and
 * telling the commands that need the terminal from those whose output the
 * console can show. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/format.h"

/* Appends a character to a growing word. */
static void word_put(char **w, size_t *len, size_t *cap, char c)
{
	if (*len + 2 > *cap) {
		*cap = *cap ? *cap * 2 : 32;
		*w = realloc(*w, *cap);
		if (!*w)
			abort();
	}
	(*w)[(*len)++] = c;
	(*w)[*len] = '\0';
}

/* Adds a finished word to the list. */
static void words_push(char ***argv, int *argc, char *word)
{
	char **grown = realloc(*argv, (size_t)(*argc + 2) * sizeof(**argv));

	if (!grown)
		abort();
	*argv = grown;
	(*argv)[(*argc)++] = word;
	(*argv)[*argc] = NULL;
}

/* Shell-like splitting of a command line. */
int fmt_split_words(const char *line, char ***argv_out, char *msg, size_t msg_size)
{
	char **argv = NULL, *w = NULL;
	size_t len = 0, cap = 0;
	int argc = 0;
	char quote = 0;
	bool in_word = false;

	for (const char *p = line; *p; p++) {
		char c = *p;
		if (quote == '\'') {
			if (c == '\'')
				quote = 0;
			else
				word_put(&w, &len, &cap, c);
			continue;
		}
		if (quote == '"') {
			if (c == '"')
				quote = 0;
			else if (c == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '$'))
				word_put(&w, &len, &cap, *++p);
			else
				word_put(&w, &len, &cap, c);
			continue;
		}
		if (c == ' ' || c == '\t' || c == '\n') {
			if (in_word) {
				words_push(&argv, &argc, w ? w : strdup(""));
				w = NULL;
				len = cap = 0;
				in_word = false;
			}
			continue;
		}
		in_word = true;
		if (c == '\'' || c == '"')
			quote = c;
		else if (c == '\\' && p[1])
			word_put(&w, &len, &cap, *++p);
		else
			word_put(&w, &len, &cap, c);
	}
	if (quote) {
		free(w);
		fmt_free_words(argv);
		snprintf(msg, msg_size, "unclosed %s quote", quote == '"' ? "double" : "single");
		return -1;
	}
	if (in_word)
		words_push(&argv, &argc, w ? w : strdup(""));
	if (!argv && !(argv = calloc(1, sizeof(*argv))))
		abort();
	*argv_out = argv;
	return argc;
}

/* Frees what fmt_split_words made. */
void fmt_free_words(char **argv)
{
	if (!argv)
		return;
	for (char **p = argv; *p; p++)
		free(*p);
	free(argv);
}

/* Run's options that take a value (so the value is not the image). */
static const char *const run_value_flags[] = {
	"--name", "-e", "--env", "--env-file", "-w", "--workdir", "-u", "--user", "-h",
	"--hostname", "--entrypoint", "-l", "--label", "--network", "--net", "-v", "--volume",
	"--mount", "--tmpfs", "--volumes-from", "--stop-signal", "--stop-timeout",
	"--detach-keys", "-m", "--memory", "--cpus", "--restart", "-p", "--publish", NULL,
};

/* True when word is in the NULL-terminated list. */
static bool in_list(const char *const *list, const char *word)
{
	for (; *list; list++)
		if (strcmp(*list, word) == 0)
			return true;
	return false;
}

/* True when a word is a cluster of short options ("-dit", "-f") holding c. */
static bool cluster_has(const char *w, char c)
{
	if (w[0] != '-' || w[1] == '-' || !w[1])
		return false;
	for (const char *p = w + 1; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
			return false;
	return strchr(w + 1, c) != NULL;
}

/* True when an option is among the words: before the first positional
 * when value_flags is given (run: what follows the image is the
 * container's), else anywhere (the CLI takes options after names too). */
static bool has_flag(int argc, char **argv, const char *long_name, char short_name,
		     const char *const *value_flags)
{
	for (int i = 1; i < argc; i++) {
		const char *w = argv[i];
		size_t ln = strlen(long_name);
		if (strcmp(w, "--") == 0 || (w[0] != '-' && value_flags))
			return false;
		if (strcmp(w, long_name) == 0 ||
		    (strncmp(w, long_name, ln) == 0 && strcmp(w + ln, "=true") == 0))
			return true;
		if (short_name && cluster_has(w, short_name))
			return true;
		if (value_flags && in_list(value_flags, w))
			i++;
	}
	return false;
}

/* True when any word is exactly w. */
static bool has_word(int argc, char **argv, const char *w)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], w) == 0)
			return true;
	return false;
}

/* Does the command need the terminal (input, a stream that never ends,
 * or a tar on stdout)? */
bool words_need_terminal(int argc, char **argv)
{
	const char *cmd;

	if (argc > 1 && (strcmp(argv[0], "container") == 0 || strcmp(argv[0], "image") == 0 ||
			 strcmp(argv[0], "network") == 0 || strcmp(argv[0], "volume") == 0 ||
			 strcmp(argv[0], "system") == 0)) {
		argc--;
		argv++;
	}
	cmd = argv[0];
	if (strcmp(cmd, "exec") == 0 || strcmp(cmd, "attach") == 0 || strcmp(cmd, "events") == 0 ||
	    strcmp(cmd, "wait") == 0)
		return true;
	if (strcmp(cmd, "run") == 0)
		return !has_flag(argc, argv, "--detach", 'd', run_value_flags);
	if (strcmp(cmd, "start") == 0)
		return has_flag(argc, argv, "--attach", 'a', NULL) ||
		       has_flag(argc, argv, "--interactive", 'i', NULL);
	if (strcmp(cmd, "logs") == 0)
		return has_flag(argc, argv, "--follow", 'f', NULL);
	if (strcmp(cmd, "stats") == 0)
		return !has_word(argc, argv, "--no-stream");
	if (strcmp(cmd, "save") == 0 || strcmp(cmd, "export") == 0)
		return !has_word(argc, argv, "-o") && !has_word(argc, argv, "--output");
	if (strcmp(cmd, "load") == 0)
		return !has_word(argc, argv, "-i") && !has_word(argc, argv, "--input");
	if (strcmp(cmd, "import") == 0 || strcmp(cmd, "cp") == 0)
		return has_word(argc, argv, "-");
	/* a prune without -f asks on the terminal */
	if (strcmp(cmd, "prune") == 0)
		return !has_flag(argc, argv, "--force", 'f', NULL);
	return false;
}
