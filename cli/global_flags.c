/* The docker CLI's global options, before the command: which daemon
 * (-H/--host, -c/--context, the TLS flags, --config), and -D/--debug and
 * -l/--log-level, taken for scripts' sake (berth has no client log to
 * tune). They are read before any engine is opened: they decide whether
 * the engine is this host's or a daemon's elsewhere. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* Whether w is the flag long (--name) or short (-c), with its value in
 * the same word (--name=v, -cv) or the next one. 1 taken, 0 not this
 * flag, -1 when the value is missing. */
static int take_value(int argc, char **argv, int *at, const char *shortf, const char *longf,
		      const char **value)
{
	const char *w = argv[*at];
	size_t n = strlen(longf);

	if (strcmp(w, longf) == 0 || (shortf && strcmp(w, shortf) == 0)) {
		if (*at + 1 >= argc)
			return -1;
		*value = argv[++*at];
		return 1;
	}
	if (strncmp(w, longf, n) == 0 && w[n] == '=') {
		*value = w + n + 1;
		return 1;
	}
	if (shortf && strncmp(w, shortf, 2) == 0 && w[2]) {
		*value = w[2] == '=' ? w + 3 : w + 2;
		return 1;
	}
	return 0;
}

/* A boolean flag, bare or with =true/=false. 1 taken, 0 not this flag,
 * -1 for a value that is no boolean. */
static int take_bool(const char *w, const char *longf, bool *out)
{
	size_t n = strlen(longf);

	if (strcmp(w, longf) == 0) {
		*out = true;
		return 1;
	}
	if (strncmp(w, longf, n) != 0 || w[n] != '=')
		return 0;
	if (strcmp(w + n + 1, "true") == 0 || strcmp(w + n + 1, "1") == 0)
		*out = true;
	else if (strcmp(w + n + 1, "false") == 0 || strcmp(w + n + 1, "0") == 0)
		*out = false;
	else
		return -1;
	return 1;
}

int cli_global_flags(int *argc, char **argv, struct remote_choice *choice)
{
	static const char *const levels[] = {"debug", "info", "warn", "error", "fatal", NULL};
	int at = 1, hosts = 0;

	while (at < *argc && argv[at][0] == '-' && argv[at][1]) {
		const char *w = argv[at], *value = NULL, *level = NULL;
		int r = 0;
		bool b;
		int start = at;

		if (strcmp(w, "-D") == 0 || strcmp(w, "--debug") == 0)
			r = 1;
		else if ((r = take_value(*argc, argv, &at, "-l", "--log-level", &level)) == 0 &&
			 (r = take_value(*argc, argv, &at, "-H", "--host", &value)) == 0 &&
			 (r = take_value(*argc, argv, &at, "-c", "--context", &choice->context)) == 0 &&
			 (r = take_value(*argc, argv, &at, NULL, "--tlscacert", &choice->tls_ca)) == 0 &&
			 (r = take_value(*argc, argv, &at, NULL, "--tlscert", &choice->tls_cert)) == 0 &&
			 (r = take_value(*argc, argv, &at, NULL, "--tlskey", &choice->tls_key)) == 0 &&
			 (r = take_value(*argc, argv, &at, NULL, "--config", &choice->config_dir)) == 0) {
			if ((r = take_bool(w, "--tlsverify", &b)) != 0) {
				choice->tls_verify = b;
				choice->tls_verify_set = true;
			} else if ((r = take_bool(w, "--tls", &b)) != 0) {
				choice->tls = b;
			}
		}
		if (r == 0)
			break; /* -v, --help, or the command's own: left for the dispatcher */
		if (r < 0 && strchr(w, '=')) {
			fprintf(stderr,
				"berth: invalid argument \"%s\" for \"%.*s\" flag: strconv.ParseBool: "
				"parsing \"%s\": invalid syntax\n",
				strchr(w, '=') + 1, (int)(strchr(w, '=') - w), w, strchr(w, '=') + 1);
			return 125;
		}
		if (r < 0) {
			fprintf(stderr, "berth: flag needs an argument: %s\n", w);
			return 125;
		}
		if (value) {
			if (++hosts > 1) {
				fprintf(stderr, "berth: Specify only one -H\n");
				return 1;
			}
			choice->host = value;
		}
		if (level) {
			int i = 0;
			while (levels[i] && strcmp(levels[i], level) != 0)
				i++;
			if (!levels[i]) {
				fprintf(stderr, "berth: Unable to parse logging level: %s\n", level);
				return 1;
			}
		}
		at++;
		(void)start;
	}
	memmove(argv + 1, argv + at, (size_t)(*argc - at + 1) * sizeof(*argv));
	*argc -= at - 1;
	return 0;
}
