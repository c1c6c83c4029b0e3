/* pull, push, login, logout: images from and to registries, and the
 * credentials for them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/jsonmessage.h"
#include "engine/core/reference.h"

static void show_progress(void *user, json_t *message)
{
	jsonmessage_show(user, message);
}

int cli_pull(struct cli *cli, const char *reference, const char *platform, FILE *progress,
	     berr *err)
{
	return cli_pull_tags(cli, reference, platform, false, progress, err);
}

int cli_pull_tags(struct cli *cli, const char *reference, const char *platform, bool all_tags,
		  FILE *progress, berr *err)
{
	struct jsonmessage_view view;
	json_t *args = json_pack("{s:s, s:b}", "reference", reference, "all_tags", all_tags);
	int rc;

	if (platform)
		json_object_set_new(args, "platform", json_string(platform));
	if (progress)
		jsonmessage_view_init(&view, progress);
	rc = engine_call(cli->engine, "image.pull", args, NULL, progress ? show_progress : NULL,
			 progress ? &view : NULL, err);
	if (progress)
		jsonmessage_view_free(&view);
	json_decref(args);
	return rc;
}

/* Whether a reference as written names a tag ("a/b:1", not "host:5000/b"). */
static bool names_tag(const char *text)
{
	const char *last = strrchr(text, '/');

	return strchr(last ? last : text, ':') != NULL;
}

/* What pull and push share: the flags parsed, one reference, no tag with
 * -a, and Docker's "Using default tag" line. first is -1 after --help. */
static int transfer_args(struct cli *cli, const struct cli_command *cmd,
			 const struct flag_spec *specs, int argc, char **argv, const bool *all,
			 const bool *quiet, struct image_ref *ref, int *first)
{
	berr err = {0};
	bool done;
	int status;

	*first = -1;
	if ((status = cli_parse(cli, specs, cmd, argc, argv, true, first, &done)) || done) {
		if (done)
			*first = -1;
		return status;
	}
	if ((status = cli_require_args(cli, cmd, argc - *first, 1, 1)))
		return status;
	if (ref_parse_normalized(argv[*first], ref, &err) < 0)
		return cli_fail(cli, &err, 1);
	if (*all && (ref->digest[0] || names_tag(argv[*first])))
		return cli_failf(cli, 1, "tag can't be used with --all-tags/-a");
	if (!*quiet && !*all && !ref->digest[0] && !names_tag(argv[*first]))
		printf("Using default tag: latest\n");
	return 0;
}

static int cmd_pull(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_pull = {"pull", cmd_pull, "[OPTIONS] NAME[:TAG|@DIGEST]",
					 "Download an image from a registry"};

static int cmd_pull(struct cli *cli, int argc, char **argv)
{
	bool all = false, quiet = false, no_trust = false;
	char *platform = NULL;
	struct flag_spec specs[] = {
		{"all-tags", 'a', FLAG_BOOL, &all, NULL, "Download all tagged images in the repository"},
		{"disable-content-trust", 0, FLAG_BOOL, &no_trust, NULL, "Skip image verification (default true)"},
		{"platform", 0, FLAG_STRING, &platform, "string", "Set platform if server is multi-platform capable"},
		{"quiet", 'q', FLAG_BOOL, &quiet, NULL, "Suppress verbose output"},
		{0},
	};
	struct image_ref ref;
	char full[REF_STRING_SIZE];
	berr err = {0};
	int first, status;

	if ((status = transfer_args(cli, &cli_cmd_pull, specs, argc, argv, &all, &quiet, &ref,
				    &first)) ||
	    first < 0)
		goto out;
	if (cli_pull_tags(cli, argv[first], platform, all, quiet ? NULL : stdout, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	if (all)
		ref_name(&ref, full, sizeof(full)); /* -a: the repository */
	else
		ref_string(&ref, full, sizeof(full));
	printf("%s\n", full);
out:
	flags_free(specs);
	return status;
}

/* Reads a line from the terminal, without echo for a password. */
static char *prompt(const char *label, bool secret)
{
	struct termios old, quiet;
	char *line = NULL;
	size_t size = 0;
	ssize_t n;
	bool restore = false;

	fputs(label, stderr);
	fflush(stderr);
	if (secret && tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	n = getline(&line, &size, stdin);
	if (restore) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	if (n < 0) {
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

static int cmd_login(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_login = {"login", cmd_login, "[OPTIONS] [SERVER]",
					  "Log in to a registry"};

static int cmd_login(struct cli *cli, int argc, char **argv)
{
	char *username = NULL, *password = NULL;
	bool from_stdin = false, done;
	struct flag_spec specs[] = {
		{"password", 'p', FLAG_STRING, &password, "string", "Password"},
		{"password-stdin", 0, FLAG_BOOL, &from_stdin, NULL, "Take the password from stdin"},
		{"username", 'u', FLAG_STRING, &username, "string", "Username"},
		{0},
	};
	json_t *args = NULL, *result = NULL;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_login, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_login, argc - first, 0, 1)))
		goto out;
	/* the docker CLI 28's words */
	if (password && from_stdin) {
		status = cli_failf(cli, 1, "conflicting options: cannot specify both --password and --password-stdin");
		goto out;
	}
	if (from_stdin && !username) {
		status = cli_failf(cli, 1, "the --password-stdin option requires --username to be set");
		goto out;
	}
	if (username && !*username) {
		status = cli_failf(cli, 1, "username is empty");
		goto out;
	}
	if (password && !*password) {
		status = cli_failf(cli, 1, "password is empty");
		goto out;
	}
	if (password)
		fprintf(stderr, "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n");
	if (from_stdin) {
		size_t size = 0;
		ssize_t n = getdelim(&password, &size, '\0', stdin);

		if (n < 0) {
			status = cli_failf(cli, 1, "read the password from stdin: empty input");
			goto out;
		}
		while (n > 0 && (password[n - 1] == '\n' || password[n - 1] == '\r'))
			password[--n] = '\0';
	}
	args = json_pack("{s:s}", "serveraddress", argc - first == 1 ? argv[first] : "");
	if (!username && !password) {
		/* stored credentials first, as docker login does */
		json_object_set_new(args, "stored", json_true());
		if (cli_call(cli, "registry.login", args, &result, NULL) == 0) {
			printf("Authenticating with existing credentials...\nLogin Succeeded\n");
			goto out;
		}
		json_object_del(args, "stored");
	}
	if (!username || !password) {
		if (!isatty(STDIN_FILENO)) {
			status = cli_failf(cli, 1, "Cannot perform an interactive login from a non TTY device");
			goto out;
		}
		if (!username && !(username = prompt("Username: ", false))) {
			status = cli_failf(cli, 1, "Username is required");
			goto out;
		}
		if (!password && !(password = prompt("Password: ", true))) {
			status = cli_failf(cli, 1, "Password is required");
			goto out;
		}
	}
	if (!*username) {
		status = cli_failf(cli, 1, "Username is required");
		goto out;
	}
	if (!*password) {
		status = cli_failf(cli, 1, "Password is required");
		goto out;
	}
	json_object_set_new(args, "username", json_string(username));
	json_object_set_new(args, "password", json_string(password));
	if (cli_call(cli, "registry.login", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	if (json_string_value(json_object_get(result, "PlaintextFile")))
		fprintf(stderr,
			"\nWARNING! Your credentials are stored unencrypted in '%s'.\n"
			"Configure a credential helper to remove this warning. See\n"
			"https://docs.docker.com/go/credential-store/\n\n",
			json_string_value(json_object_get(result, "PlaintextFile")));
	printf("Login Succeeded\n");
out:
	if (password)
		explicit_bzero(password, strlen(password));
	json_decref(args);
	json_decref(result);
	flags_free(specs);
	return status;
}

static int cmd_logout(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_logout = {"logout", cmd_logout, "[SERVER]",
					   "Log out from a registry"};

static int cmd_logout(struct cli *cli, int argc, char **argv)
{
	bool done;
	struct flag_spec specs[] = {{0}};
	json_t *args = NULL, *result = NULL;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_logout, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_logout, argc - first, 0, 1)))
		goto out;
	args = json_pack("{s:s}", "serveraddress", argc - first == 1 ? argv[first] : "");
	if (cli_call(cli, "registry.logout", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	if (json_is_true(json_object_get(result, "Removed")))
		printf("Removing login credentials for %s\n",
		       json_string_value(json_object_get(result, "ServerAddress")));
	else
		printf("Not logged in to %s\n", json_string_value(json_object_get(result, "ServerAddress")));
out:
	json_decref(args);
	json_decref(result);
	flags_free(specs);
	return status;
}

static int cmd_push(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_push = {"push", cmd_push, "[OPTIONS] NAME[:TAG]",
					 "Upload an image to a registry"};

static int cmd_push(struct cli *cli, int argc, char **argv)
{
	bool all = false, quiet = false, no_trust = false;
	char *platform = NULL;
	struct flag_spec specs[] = {
		{"all-tags", 'a', FLAG_BOOL, &all, NULL, "Push all tags of an image to the repository"},
		{"disable-content-trust", 0, FLAG_BOOL, &no_trust, NULL, "Skip image signing (default true)"},
		{"platform", 0, FLAG_STRING, &platform, "string", "Push a platform-specific manifest as a single-platform image to the registry"},
		{"quiet", 'q', FLAG_BOOL, &quiet, NULL, "Suppress verbose output"},
		{0},
	};
	struct jsonmessage_view view;
	struct image_ref ref;
	char full[REF_STRING_SIZE];
	json_t *args = NULL;
	berr err = {0};
	int first, status;

	if ((status = transfer_args(cli, &cli_cmd_push, specs, argc, argv, &all, &quiet, &ref,
				    &first)) ||
	    first < 0)
		goto out;
	args = json_object();
	if (platform)
		json_object_set_new(args, "platform", json_string(platform));
	json_object_set_new(args, "reference", json_string(argv[first]));
	json_object_set_new(args, "all_tags", json_boolean(all));
	if (!quiet)
		jsonmessage_view_init(&view, stdout);
	if (engine_call(cli->engine, "image.push", args, NULL, quiet ? NULL : show_progress,
			quiet ? NULL : &view, &err) < 0)
		status = cli_fail(cli, &err, 1);
	else if (quiet) {
		ref_string(&ref, full, sizeof(full));
		printf("%s\n", full);
	}
	if (!quiet)
		jsonmessage_view_free(&view);
out:
	json_decref(args);
	flags_free(specs);
	return status;
}

/* Go's json.Indent with a tab: each member on a line of its own, ": "
 * after keys, empty objects and arrays left as they are. */
static void print_indented(const char *json)
{
	int depth = 0;
	bool in_string = false;

	for (const char *p = json; *p; p++) {
		char c = *p;

		if (in_string) {
			putchar(c);
			if (c == '\\' && p[1])
				putchar(*++p);
			else if (c == '"')
				in_string = false;
			continue;
		}
		switch (c) {
		case ' ':
		case '\t':
		case '\n':
		case '\r':
			break;
		case '"':
			in_string = true;
			putchar(c);
			break;
		case '{':
		case '[': {
			const char *q = p + 1;

			while (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
				q++;
			if (*q == (c == '{' ? '}' : ']')) {
				printf("%c%c", c, *q);
				p = q;
				break;
			}
			putchar(c);
			depth++;
			putchar('\n');
			for (int i = 0; i < depth; i++)
				putchar('\t');
			break;
		}
		case '}':
		case ']':
			depth--;
			putchar('\n');
			for (int i = 0; i < depth; i++)
				putchar('\t');
			putchar(c);
			break;
		case ',':
			putchar(c);
			putchar('\n');
			for (int i = 0; i < depth; i++)
				putchar('\t');
			break;
		case ':':
			fputs(": ", stdout);
			break;
		default:
			putchar(c);
		}
	}
	putchar('\n');
}

static int cmd_manifest_inspect(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_manifest_inspect = {
	"inspect", cmd_manifest_inspect, "[OPTIONS] [MANIFEST_LIST] MANIFEST",
	"Display an image manifest, or manifest list"};

static int cmd_manifest_inspect(struct cli *cli, int argc, char **argv)
{
	bool insecure = false, verbose = false, done;
	struct flag_spec specs[] = {
		{"insecure", 0, FLAG_BOOL, &insecure, NULL, "Allow communication with an insecure registry"},
		{"verbose", 'v', FLAG_BOOL, &verbose, NULL, "Output additional info including layers and platform"},
		{0},
	};
	json_t *args = NULL, *result = NULL;
	berr err = {0};
	int first, status;

	if ((status = cli_parse(cli, specs, &cli_cmd_manifest_inspect, argc, argv, true, &first,
				&done)) ||
	    done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_manifest_inspect, argc - first, 1, 2)))
		goto out;
	if (argc - first == 2) {
		status = cli_failf(cli, 1, "No such manifest list: %s (berth keeps no local manifest lists)",
				   argv[first]);
		goto out;
	}
	args = json_pack("{s:s, s:b}", "reference", argv[first], "verbose", verbose);
	if (cli_call(cli, "registry.manifest", args, &result, &err) < 0) {
		status = cli_fail(cli, &err, 1);
		goto out;
	}
	if (verbose) {
		char *text = json_dumps(json_object_get(result, "Verbose"), JSON_COMPACT | JSON_PRESERVE_ORDER);

		if (text)
			print_indented(text);
		free(text);
	} else {
		print_indented(json_string_value(json_object_get(result, "Raw")));
	}
out:
	json_decref(args);
	json_decref(result);
	flags_free(specs);
	return status;
}
