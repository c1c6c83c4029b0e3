/* build: an image from a Dockerfile, as `docker build` (BuildKit) does it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/build_progress.h"
#include "cli/cli.h"
#include "engine/core/alloc.h"
#include "engine/core/reference.h"

static int cmd_build(struct cli *cli, int argc, char **argv);
const struct cli_command cli_cmd_build = {"build", cmd_build, "[OPTIONS] PATH | URL | -",
					  "Build an image from a Dockerfile"};

struct build_flags {
	struct strlist tags, build_args, labels, add_hosts, secrets, ssh, outputs, contexts, no_cache_filter,
		cache_from, cache_to;
	char *file, *target, *iidfile, *network, *progress, *platform;
	bool no_cache, pull, quiet;
};


/* The build as a submitted command, so that Ctrl-C (or SIGTERM, SIGHUP)
 * cancels it: the engine stops the running step, removes its container
 * and answers "build cancelled"; the command then exits 130 (143, 129). */
struct build_wait {
	struct build_view *view; /* NULL: quiet, or the classic stream */
	bool streams;            /* print the classic stream's lines */
	int pipe[2];
	int status;
	json_t *result;
	berr err;
};

static void show_progress(void *user, json_t *message)
{
	struct build_wait *w = user;
	json_t *stream = json_object_get(message, "stream");

	if (json_is_string(stream)) { /* the classic builder's stream */
		if (w->streams)
			fwrite(json_string_value(stream), 1, json_string_length(stream), stdout);
		fflush(stdout);
		return;
	}
	if (w->view)
		build_view_message(w->view, message);
}

static volatile sig_atomic_t build_signal;

static void on_build_signal(int sig)
{
	build_signal = sig;
}

static void on_reply(void *user, int status, json_t *result, const berr *err)
{
	struct build_wait *w = user;

	w->status = status;
	w->result = json_incref(result);
	if (err)
		w->err = *err;
	if (write(w->pipe[1], "x", 1) < 0) {
		/* the waiter sees the closed pipe at worst */
	}
}

static int run_build(struct cli *cli, json_t *args, struct build_view *view, bool streams,
		     json_t **result, berr *err, int *signalled)
{
	struct build_wait w = {.view = view, .streams = streams, .pipe = {-1, -1}};
	struct sigaction on = {.sa_handler = on_build_signal}, old[3];
	const int sigs[3] = {SIGINT, SIGTERM, SIGHUP};
	uint64_t id;
	bool cancelled = false;

	*signalled = 0;
	if (pipe2(w.pipe, O_CLOEXEC) < 0)
		return berr_sys(err, "build");
	sigemptyset(&on.sa_mask);
	build_signal = 0;
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &on, &old[i]);
	id = engine_submit(cli->engine, "image.build", args, show_progress, on_reply, &w);
	for (;;) {
		struct pollfd p = {.fd = w.pipe[0], .events = POLLIN};
		int r = poll(&p, 1, -1);

		if (build_signal && !cancelled) {
			*signalled = build_signal;
			engine_cancel(cli->engine, id);
			cancelled = true;
		}
		if (r > 0)
			break;
	}
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	close(w.pipe[0]);
	close(w.pipe[1]);
	*result = w.result;
	if (w.status < 0)
		*err = w.err;
	return w.status < 0 ? -1 : 0;
}

/* --build-arg K=V, or K alone: its value from this environment (left
 * out when unset, as Docker does). */
static json_t *build_args_object(const struct strlist *list)
{
	json_t *out = json_object();

	for (size_t i = 0; i < list->len; i++) {
		char *kv = list->items[i], *eq = strchr(kv, '=');
		if (eq == kv)
			continue; /* checked before */
		if (eq) {
			char *key = xstrndup(kv, (size_t)(eq - kv));
			json_object_set_new(out, key, json_string(eq + 1));
			free(key);
		} else if (getenv(kv)) {
			json_object_set_new(out, kv, json_string(getenv(kv)));
		}
	}
	return out;
}

static json_t *labels_object(const struct strlist *list)
{
	json_t *out = json_object();

	for (size_t i = 0; i < list->len; i++) {
		char *kv = list->items[i], *eq = strchr(kv, '=');
		char *key = eq ? xstrndup(kv, (size_t)(eq - kv)) : xstrdup(kv);
		json_object_set_new(out, key, json_string(eq ? eq + 1 : ""));
		free(key);
	}
	return out;
}

/* --secret id=x[,src=path|,env=VAR][,type=file|env]: {id: {"src"} | {"value"}}. */
static int secrets_object(struct cli *cli, const struct strlist *list, json_t **out)
{
	*out = json_object();
	for (size_t i = 0; i < list->len; i++) {
		char *copy = xstrdup(list->items[i]), *save = NULL, *id = NULL, *src = NULL, *env = NULL;
		const char *type = NULL;
		int status = 0;

		for (char *f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(f, '=');
			if (!eq) {
				status = cli_failf(cli, 1, "invalid secret: unexpected key '%s' in '%s'", f, list->items[i]);
				break;
			}
			*eq = '\0';
			if (strcmp(f, "id") == 0)
				id = eq + 1;
			else if (strcmp(f, "src") == 0 || strcmp(f, "source") == 0)
				src = eq + 1;
			else if (strcmp(f, "env") == 0)
				env = eq + 1;
			else if (strcmp(f, "type") == 0)
				type = eq + 1;
			else {
				status = cli_failf(cli, 1, "invalid secret: unexpected key '%s' in '%s'", f, list->items[i]);
				break;
			}
		}
		if (!status && (!id || !*id))
			status = cli_failf(cli, 1, "invalid secret: id must be set in '%s'", list->items[i]);
		if (!status && type && strcmp(type, "env") == 0 && !env) {
			env = src ? src : id;
			src = NULL;
		}
		if (!status && !src && !env)
			env = id; /* id alone: the variable of that name */
		if (!status && src) {
			char abs_src[PATH_MAX];
			struct stat st;
			if (stat(src, &st) < 0 || !realpath(src, abs_src))
				status = cli_failf(cli, 1, "failed to stat %s: %s", src, strerror(errno));
			else
				json_object_set_new(*out, id, json_pack("{s:s}", "src", abs_src));
		} else if (!status) {
			const char *value = getenv(env);
			if (!value)
				status = cli_failf(cli, 1, "secret %s: environment variable %s is not set", id, env);
			else
				json_object_set_new(*out, id, json_pack("{s:s}", "value", value));
		}
		free(copy);
		if (status)
			return status;
	}
	return 0;
}

/* --ssh default|<id>[=<socket>]: {id: socket}. */
static int ssh_object(struct cli *cli, const struct strlist *list, json_t **out)
{
	*out = json_object();
	for (size_t i = 0; i < list->len; i++) {
		char *copy = xstrdup(list->items[i]), *eq = strchr(copy, '=');
		const char *sock;

		if (eq)
			*eq = '\0';
		sock = eq ? eq + 1 : getenv("SSH_AUTH_SOCK");
		if (!sock || !*sock) {
			free(copy);
			return cli_failf(cli, 1, "invalid empty ssh agent socket: make sure SSH_AUTH_SOCK is set");
		}
		if (strchr(sock, ',')) {
			free(copy);
			return cli_failf(cli, 1, "--ssh with key files is not supported; give an agent socket");
		}
		char abs_sock[PATH_MAX];
		if (!realpath(sock, abs_sock)) {
			int e = errno;
			free(copy);
			return cli_failf(cli, 1, "failed to stat %s: %s", sock, strerror(e));
		}
		json_object_set_new(*out, copy, json_string(abs_sock));
		free(copy);
	}
	return 0;
}

/* -o type=local,dest=dir | type=tar,dest=file|- | dir | -: [{"type", "dest" | "fd"}]. */
static int outputs_array(struct cli *cli, const struct strlist *list, json_t **out)
{
	*out = json_array();
	for (size_t i = 0; i < list->len; i++) {
		const char *spec = list->items[i];
		char *copy, *save = NULL, *type = NULL, *dest = NULL;
		int status = 0;

		if (strcmp(spec, "-") == 0) {
			if (isatty(STDOUT_FILENO))
				return cli_failf(cli, 1, "refusing to write a tar to the terminal: use -o type=tar,dest=file or redirect");
			json_array_append_new(*out, json_pack("{s:s, s:i}", "type", "tar", "fd", STDOUT_FILENO));
			continue;
		}
		if (!strchr(spec, '=')) {
			char abs_dest[PATH_MAX];
			snprintf(abs_dest, sizeof(abs_dest), "%s", spec);
			if (spec[0] != '/' && getcwd(abs_dest, sizeof(abs_dest)))
				snprintf(abs_dest + strlen(abs_dest), sizeof(abs_dest) - strlen(abs_dest), "/%s", spec);
			json_array_append_new(*out, json_pack("{s:s, s:s}", "type", "local", "dest", abs_dest));
			continue;
		}
		copy = xstrdup(spec);
		for (char *f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(f, '=');
			if (!eq) {
				status = cli_failf(cli, 1, "invalid output: %s", spec);
				break;
			}
			*eq = '\0';
			if (strcmp(f, "type") == 0)
				type = eq + 1;
			else if (strcmp(f, "dest") == 0)
				dest = eq + 1;
			else {
				status = cli_failf(cli, 1, "invalid output: unknown key %s in %s", f, spec);
				break;
			}
		}
		if (!status && (!type || (strcmp(type, "local") != 0 && strcmp(type, "tar") != 0)))
			status = cli_failf(cli, 1, "invalid output: type must be local or tar in %s", spec);
		if (!status && (!dest || !*dest))
			status = cli_failf(cli, 1, "invalid output: dest is required in %s", spec);
		if (!status && strcmp(dest, "-") == 0) {
			if (strcmp(type, "local") == 0 || isatty(STDOUT_FILENO))
				status = cli_failf(cli, 1, "invalid output: only a tar goes to stdout (redirected)");
			else
				json_array_append_new(*out, json_pack("{s:s, s:i}", "type", "tar", "fd", STDOUT_FILENO));
		} else if (!status) {
			char abs_dest[PATH_MAX];
			if (dest[0] == '/' || !getcwd(abs_dest, sizeof(abs_dest)))
				snprintf(abs_dest, sizeof(abs_dest), "%s", dest);
			else
				snprintf(abs_dest + strlen(abs_dest), sizeof(abs_dest) - strlen(abs_dest), "/%s", dest);
			json_array_append_new(*out, json_pack("{s:s, s:s}", "type", type, "dest", abs_dest));
		}
		free(copy);
		if (status)
			return status;
	}
	return 0;
}

/* --build-context name=path | name=docker-image://ref: {name: {"dir"} | {"image"}}. */
static int contexts_object(struct cli *cli, const struct strlist *list, json_t **out)
{
	*out = json_object();
	for (size_t i = 0; i < list->len; i++) {
		char *copy = xstrdup(list->items[i]), *eq = strchr(copy, '=');
		char abs_dir[PATH_MAX];

		if (!eq || eq == copy || !eq[1]) {
			free(copy);
			return cli_failf(cli, 1, "invalid context value: %s, expected key=value", list->items[i]);
		}
		*eq = '\0';
		if (strncmp(eq + 1, "docker-image://", 15) == 0) {
			json_object_set_new(*out, copy, json_pack("{s:s}", "image", eq + 1 + 15));
		} else if (strstr(eq + 1, "://")) {
			int st = cli_failf(cli, 1, "build context %s: only directories and docker-image:// are supported", copy);
			free(copy);
			return st;
		} else if (!realpath(eq + 1, abs_dir)) {
			int e = errno;
			int st = cli_failf(cli, 1, "build context %s: %s: %s", copy, eq + 1, strerror(e));
			free(copy);
			return st;
		} else {
			json_object_set_new(*out, copy, json_pack("{s:s}", "dir", abs_dir));
		}
		free(copy);
	}
	return 0;
}

/* A Dockerfile's largest size, as the engine reads one. */
#define DOCKERFILE_MAX (16u << 20)

/* Reads all of stdin (a Dockerfile given with -f -); NULL past
 * DOCKERFILE_MAX. */
static char *read_stdin(void)
{
	size_t len = 0, cap = 65536;
	char *buf = xmalloc(cap + 1);
	ssize_t n;

	while ((n = read(STDIN_FILENO, buf + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len > DOCKERFILE_MAX) {
			free(buf);
			return NULL;
		}
		if (len == cap)
			buf = xrealloc(buf, (cap *= 2) + 1);
	}
	buf[len] = '\0';
	return buf;
}

/* Where the Dockerfile is: -f as given relative to this directory (as the
 * docker CLI reads it); inside the context it is sent relative to it. */
static char *dockerfile_arg(const char *context, const char *file)
{
	char abs_file[PATH_MAX];
	size_t clen = strlen(context);

	if (!file)
		return xstrdup("Dockerfile");
	if (!realpath(file, abs_file))
		return xstrdup(file); /* the engine says it is missing */
	if (strncmp(abs_file, context, clen) == 0 && abs_file[clen] == '/')
		return xstrdup(abs_file + clen + 1);
	return xstrdup(abs_file);
}

static int cmd_build(struct cli *cli, int argc, char **argv)
{
	struct build_flags f = {0};
	struct flag_spec specs[] = {
		{"add-host", 0, FLAG_LIST, &f.add_hosts, "list", "Add a custom host-to-IP mapping (\"host:ip\")"},
		{"build-arg", 0, FLAG_LIST, &f.build_args, "list", "Set build-time variables"},
		{"build-context", 0, FLAG_LIST, &f.contexts, "stringArray", "Additional build contexts (e.g., name=path, name=docker-image://ref)"},
		{"cache-from", 0, FLAG_LIST, &f.cache_from, "stringArray", "Images to consider as cache sources (name, or type=registry,ref=name)"},
		{"cache-to", 0, FLAG_LIST, &f.cache_to, "stringArray", "Cache export destinations (type=inline: the image's history is its cache)"},
		{"file", 'f', FLAG_STRING, &f.file, "string", "Name of the Dockerfile (default: \"PATH/Dockerfile\")"},
		{"iidfile", 0, FLAG_STRING, &f.iidfile, "string", "Write the image ID to the file"},
		{"label", 0, FLAG_LIST, &f.labels, "list", "Set metadata for an image"},
		{"network", 0, FLAG_STRING, &f.network, "string", "Set the networking mode for the RUN instructions during build (default \"default\")"},
		{"no-cache", 0, FLAG_BOOL, &f.no_cache, NULL, "Do not use cache when building the image"},
		{"no-cache-filter", 0, FLAG_LIST, &f.no_cache_filter, "stringArray", "Do not cache specified stages"},
		{"output", 'o', FLAG_LIST, &f.outputs, "stringArray", "Output destination (format: \"type=local,dest=path\", \"type=tar,dest=path\", \"-\")"},
		{"platform", 0, FLAG_STRING, &f.platform, "string", "Set platform if server is multi-platform capable"},
		{"progress", 0, FLAG_STRING, &f.progress, "string", "Set type of progress output (\"auto\", \"plain\", \"tty\", \"quiet\")"},
		{"pull", 0, FLAG_BOOL, &f.pull, NULL, "Always attempt to pull a newer version of the image"},
		{"quiet", 'q', FLAG_BOOL, &f.quiet, NULL, "Suppress the build output and print image ID on success"},
		{"secret", 0, FLAG_LIST, &f.secrets, "stringArray", "Secret to expose to the build (format: \"id=mysecret[,src=/local/secret]\")"},
		{"ssh", 0, FLAG_LIST, &f.ssh, "stringArray", "SSH agent socket or keys to expose to the build (format: \"default|<id>[=<socket>]\")"},
		{"tag", 't', FLAG_LIST, &f.tags, "list", "Name and optionally a tag in the \"name:tag\" format"},
		{"target", 0, FLAG_STRING, &f.target, "string", "Set the target build stage to build"},
		{0},
	};
	struct build_view view;
	json_t *args = NULL, *result = NULL, *list;
	char context[PATH_MAX];
	berr err = {0};
	int first, status;
	bool done, from_stdin, viewing = false;

	if ((status = cli_parse(cli, specs, &cli_cmd_build, argc, argv, true, &first, &done)) || done)
		goto out;
	if ((status = cli_require_args(cli, &cli_cmd_build, argc - first, 1, 1)))
		goto out;
	if (f.progress && strcmp(f.progress, "auto") != 0 && strcmp(f.progress, "plain") != 0 &&
	    strcmp(f.progress, "tty") != 0 && strcmp(f.progress, "quiet") != 0 &&
	    strcmp(f.progress, "rawjson") != 0) {
		status = cli_failf(cli, 1, "invalid progress mode \"%s\"", f.progress);
		goto out;
	}
	if (f.platform && strcmp(f.platform, "linux/amd64") != 0 && strcmp(f.platform, "linux") != 0) {
		status = cli_failf(cli, 1, "platform %s: this engine builds for linux/amd64 only", f.platform);
		goto out;
	}
	for (size_t i = 0; i < f.build_args.len; i++)
		if (f.build_args.items[i][0] == '=' || !f.build_args.items[i][0]) {
			status = cli_failf(cli, 125, "invalid argument \"%s\" for \"--build-arg\" flag: a build arg needs a name",
					   f.build_args.items[i]);
			goto out;
		}
	for (size_t i = 0; i < f.tags.len; i++) {
		struct image_ref ref;
		berr tag_err = {0};
		if (ref_parse_normalized(f.tags.items[i], &ref, &tag_err) < 0 || ref.digest[0]) {
			status = cli_failf(cli, 125, "invalid argument \"%s\" for \"-t, --tag\" flag: %s",
					   f.tags.items[i], tag_err.msg[0] ? tag_err.msg : "invalid reference format");
			goto out;
		}
	}
	from_stdin = strcmp(argv[first], "-") == 0;
	if (from_stdin && f.file && strcmp(f.file, "-") == 0) {
		status = cli_failf(cli, 1, "invalid argument: can't use stdin for both build context and dockerfile");
		goto out;
	}
	args = json_object();
	if (from_stdin) {
		json_object_set_new(args, "context_fd", json_integer(STDIN_FILENO));
		if (f.file)
			json_object_set_new(args, "dockerfile", json_string(f.file));
	} else {
		struct stat st;
		if (strncmp(argv[first], "http://", 7) == 0 || strncmp(argv[first], "https://", 8) == 0 ||
		    strncmp(argv[first], "git://", 6) == 0 || strncmp(argv[first], "git@", 4) == 0 ||
		    strncmp(argv[first], "github.com/", 11) == 0) {
			/* a remote context: the engine fetches it */
			json_object_set_new(args, "remote", json_string(argv[first]));
			if (f.file && strcmp(f.file, "-") == 0) {
				char *text = read_stdin();
				if (!text) {
					status = cli_failf(cli, 1, "the Dockerfile on stdin is larger than 16 MiB");
					goto out;
				}
				json_object_set_new(args, "dockerfile_text", json_string(text));
				free(text);
			} else if (f.file) {
				json_object_set_new(args, "dockerfile", json_string(f.file));
			}
			goto remote;
		}
		if (strstr(argv[first], "://")) {
			status = cli_failf(cli, 1, "unable to prepare context: unsupported URL %s", argv[first]);
			goto out;
		}
		const char *hash = strchr(argv[first], '#');
		if (hash && stat(argv[first], &st) < 0) {
			/* a local git repository at a ref: path#ref[:subdir] */
			char *path = xstrndup(argv[first], (size_t)(hash - argv[first]));
			char abs_repo[PATH_MAX];
			bool ok = realpath(path, abs_repo) != NULL;
			free(path);
			if (!ok) {
				status = cli_failf(cli, 1, "unable to prepare context: path \"%s\" not found", argv[first]);
				goto out;
			}
			char *remote_url = xasprintf("%s%s", abs_repo, hash);
			json_object_set_new(args, "remote", json_string(remote_url));
			free(remote_url);
			if (f.file)
				json_object_set_new(args, "dockerfile", json_string(f.file));
			goto remote;
		}
		if (stat(argv[first], &st) < 0 || !realpath(argv[first], context)) {
			status = cli_failf(cli, 1, "unable to prepare context: path \"%s\" not found", argv[first]);
			goto out;
		}
		if (!S_ISDIR(st.st_mode)) {
			status = cli_failf(cli, 1, "unable to prepare context: context must be a directory: %s",
					   context);
			goto out;
		}
		json_object_set_new(args, "context", json_string(context));
		if (f.file && strcmp(f.file, "-") == 0) {
			char *text = read_stdin();
			if (!text) {
				status = cli_failf(cli, 1, "the Dockerfile on stdin is larger than 16 MiB");
				goto out;
			}
			json_object_set_new(args, "dockerfile_text", json_string(text));
			free(text);
		} else {
			char *file = dockerfile_arg(context, f.file);
			json_object_set_new(args, "dockerfile", json_string(file));
			free(file);
		}
	}
remote:
	list = json_array();
	for (size_t i = 0; i < f.tags.len; i++)
		json_array_append_new(list, json_string(f.tags.items[i]));
	json_object_set_new(args, "tags", list);
	json_object_set_new(args, "build_args", build_args_object(&f.build_args));
	json_object_set_new(args, "labels", labels_object(&f.labels));
	list = json_array();
	for (size_t i = 0; i < f.add_hosts.len; i++)
		json_array_append_new(list, json_string(f.add_hosts.items[i]));
	json_object_set_new(args, "add_hosts", list);
	if (f.target)
		json_object_set_new(args, "target", json_string(f.target));
	if (f.network)
		json_object_set_new(args, "network", json_string(f.network));
	json_t *secrets, *ssh;
	if ((status = secrets_object(cli, &f.secrets, &secrets))) {
		json_decref(secrets);
		goto out;
	}
	json_object_set_new(args, "secrets", secrets);
	if ((status = ssh_object(cli, &f.ssh, &ssh))) {
		json_decref(ssh);
		goto out;
	}
	json_object_set_new(args, "ssh", ssh);
	json_t *outputs, *contexts, *filter = json_array();
	if ((status = outputs_array(cli, &f.outputs, &outputs))) {
		json_decref(outputs);
		json_decref(filter);
		goto out;
	}
	json_object_set_new(args, "outputs", outputs);
	if ((status = contexts_object(cli, &f.contexts, &contexts))) {
		json_decref(contexts);
		json_decref(filter);
		goto out;
	}
	json_object_set_new(args, "build_contexts", contexts);
	for (size_t i = 0; i < f.no_cache_filter.len; i++) {
		char *copy = xstrdup(f.no_cache_filter.items[i]), *save = NULL;
		for (char *n = strtok_r(copy, ",", &save); n; n = strtok_r(NULL, ",", &save))
			json_array_append_new(filter, json_string(n));
		free(copy);
	}
	json_object_set_new(args, "no_cache_filter", filter);
	json_t *cache_from = json_array();
	json_object_set_new(args, "cache_from", cache_from);
	for (size_t i = 0; i < f.cache_from.len; i++) {
		const char *spec = f.cache_from.items[i], *ref = spec;
		char buf[1024];
		if (strncmp(spec, "type=local", 10) == 0) {
			const char *src = strstr(spec, "src=");
			char abs_src[PATH_MAX];
			if (!src) {
				status = cli_failf(cli, 1, "--cache-from %s: src is required", spec);
				goto out;
			}
			snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(src + 4, ","), src + 4);
			if (!realpath(buf, abs_src)) {
				fprintf(stderr, "WARNING: --cache-from %s: %s\n", spec, strerror(errno));
				continue;
			}
			json_array_append_new(cache_from, json_pack("{s:s}", "local", abs_src));
			continue;
		}
		if (strchr(spec, '=')) {
			const char *r = strstr(spec, "ref=");
			if (strncmp(spec, "type=registry", 13) != 0 || !r) {
				status = cli_failf(cli, 1, "--cache-from %s: give an image (name, type=registry,ref=name) or type=local,src=dir",
						   spec);
				goto out;
			}
			snprintf(buf, sizeof(buf), "%.*s", (int)strcspn(r + 4, ","), r + 4);
			ref = buf;
		}
		json_array_append_new(cache_from, json_string(ref));
	}
	for (size_t i = 0; i < f.cache_to.len; i++) {
		const char *spec = f.cache_to.items[i];
		if (strcmp(spec, "type=inline") == 0)
			continue; /* the image's history and notes are its cache */
		if (strncmp(spec, "type=local", 10) != 0 || !strstr(spec, "dest=")) {
			status = cli_failf(cli, 1, "--cache-to %s: give type=inline or type=local,dest=dir[,mode=max]", spec);
			goto out;
		}
		const char *d = strstr(spec, "dest=") + 5;
		char dest[PATH_MAX], abs_dest[PATH_MAX];
		snprintf(dest, sizeof(dest), "%.*s", (int)strcspn(d, ","), d);
		if (dest[0] == '/' || !getcwd(abs_dest, sizeof(abs_dest)))
			snprintf(abs_dest, sizeof(abs_dest), "%s", dest);
		else
			snprintf(abs_dest + strlen(abs_dest), sizeof(abs_dest) - strlen(abs_dest), "/%s", dest);
		json_object_set_new(args, "cache_to", json_pack("{s:s, s:b}", "dest", abs_dest, "max",
								 strstr(spec, "mode=max") != NULL));
	}
	json_object_set_new(args, "no_cache", json_boolean(f.no_cache));
	json_object_set_new(args, "pull", json_boolean(f.pull));
	viewing = !f.quiet && !(f.progress && strcmp(f.progress, "quiet") == 0);
	/* DOCKER_BUILDKIT=0: the classic builder's output, as the docker CLI
	 * prints it then */
	const char *buildkit = getenv("DOCKER_BUILDKIT");
	bool legacy = buildkit && (strcmp(buildkit, "0") == 0 || strcmp(buildkit, "false") == 0);
	json_object_set_new(args, "legacy_stream", json_boolean(legacy));
	bool tty = f.progress && strcmp(f.progress, "tty") == 0 ? true
		   : f.progress && strcmp(f.progress, "plain") == 0 ? false
								 : isatty(STDERR_FILENO);
	bool streams = viewing && legacy;
	if (legacy)
		viewing = false;
	if (viewing)
		build_view_init(&view, stderr, tty);
	int signalled;
	if (run_build(cli, args, viewing ? &view : NULL, streams, &result, &err, &signalled) < 0) {
		if (viewing) {
			build_view_end(&view, false);
			build_view_failure(&view);
		}
		fflush(stdout);
		fprintf(stderr, "ERROR: failed to solve: %s\n", err.msg);
		status = signalled ? 128 + signalled : 1;
		goto out;
	}
	if (viewing)
		build_view_end(&view, true);
	const char *id = json_string_value(json_object_get(result, "Id"));
	if (f.quiet)
		printf("%s\n", id);
	if (f.iidfile) {
		FILE *file = fopen(f.iidfile, "w");
		if (!file || fputs(id, file) < 0 || fclose(file) != 0) {
			status = cli_failf(cli, 1, "failed to write image ID to %s: %s", f.iidfile, strerror(errno));
			goto out;
		}
	}
out:
	if (viewing)
		build_view_free(&view);
	json_decref(args);
	json_decref(result);
	flags_free(specs);
	return status;
}
