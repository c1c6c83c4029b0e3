/* Credentials for registries, where the docker CLI keeps them (see
 * registry.h): config.json's "auths" (base64 "user:password", or an
 * "identitytoken"), or a credential helper named by "credHelpers" (per
 * registry) or "credsStore" (for all): a program docker-credential-<name>
 * spoken to on its stdin and stdout (`get`, `store`, `erase`). The helper
 * runs on the host as the user running berth, with that user's
 * privileges, in no container and with nothing of berth's open: it is the
 * user's own choice of keychain, exactly as the docker CLI runs it. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine/core/base64.h"
#include "engine/core/fsutil.h"
#include "engine/core/strbuf.h"
#include "engine/registry/registry.h"

extern char **environ;

#define HUB_KEY "https://index.docker.io/v1/"
#define HELPER_OUTPUT_MAX 65536

void registry_credentials_key(const char *domain, char *out, size_t size)
{
	snprintf(out, size, "%s", strcmp(domain, "docker.io") == 0 ? HUB_KEY : domain);
}

/* $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
static int config_path(char *out, size_t size, char *dir, size_t dir_size, berr *err)
{
	const char *d = getenv("DOCKER_CONFIG");
	const char *home = getenv("HOME");

	if (d && *d) {
		snprintf(dir, dir_size, "%s", d);
	} else {
		if (!home || !*home) {
			struct passwd *pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : NULL;
		}
		if (!home)
			return berr_set(err, BERR_SYSTEM, "cannot find the home directory for config.json");
		snprintf(dir, dir_size, "%s/.docker", home);
	}
	snprintf(out, size, "%s/config.json", dir);
	return 0;
}

/* config.json as an object; an empty one when there is none. */
static int config_read(json_t **out, berr *err)
{
	char path[4200], dir[4096];
	json_error_t jerr;

	*out = NULL;
	if (config_path(path, sizeof(path), dir, sizeof(dir), err) < 0)
		return -1;
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		*out = json_object();
		return 0;
	}
	*out = json_load_file(path, 0, &jerr);
	if (!*out || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return berr_set(err, BERR_INVALID, "Error parsing config file (%s): %s", path,
				jerr.text[0] ? jerr.text : "not a JSON object");
	}
	return 0;
}

/* Holds an exclusive lock on config.json's directory while a login or a
 * logout reads, changes and writes the file, so that two at once do not
 * lose one another's change; -1 (no lock, carry on) when there is no
 * directory yet. */
static int config_lock(void)
{
	char path[4200], dir[4096];
	int fd;

	if (config_path(path, sizeof(path), dir, sizeof(dir), NULL) < 0 ||
	    fs_mkdir_p(dir, 0700, NULL) < 0)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 && flock(fd, LOCK_EX) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static void config_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}

/* config.json for reading credentials: one that cannot be parsed reads
 * as empty, with Docker's warning kept in warning (as the docker CLI
 * goes on without it). */
static json_t *config_read_or_empty(char *warning, size_t size)
{
	json_t *config;
	berr err = {0};

	if (config_read(&config, &err) == 0)
		return config;
	if (warning)
		snprintf(warning, size, "WARNING: %s", err.msg);
	return json_object();
}

static int config_write(json_t *config, berr *err)
{
	char path[4200], dir[4096];
	char *text;
	int ret;

	if (config_path(path, sizeof(path), dir, sizeof(dir), err) < 0)
		return -1;
	if (fs_mkdir_p(dir, 0700, err) < 0)
		return -1;
	text = json_dumps(config, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	if (!text)
		return berr_errno(err, ENOMEM, "write %s", path);
	ret = fs_write_atomic_mode(path, text, strlen(text), 0600, err);
	free(text);
	return ret;
}

/* The host part of a config.json key: "https://host:port/v1/" -> "host:port". */
static void key_host(const char *key, char *out, size_t size)
{
	const char *p = strstr(key, "://");

	p = p ? p + 3 : key;
	snprintf(out, size, "%.*s", (int)strcspn(p, "/"), p);
}

/* The auths entry for a registry, however its key is written. */
static json_t *find_auth(json_t *config, const char *domain, const char **key_out)
{
	json_t *auths = json_object_get(config, "auths"), *v;
	char full[300], want[300], host[300];
	const char *key;

	registry_credentials_key(domain, full, sizeof(full));
	if ((v = json_object_get(auths, full))) {
		*key_out = json_object_iter_key(json_object_iter_at(auths, full));
		return v;
	}
	key_host(full, want, sizeof(want));
	json_object_foreach(auths, key, v) {
		key_host(key, host, sizeof(host));
		if (strcmp(host, want) == 0) {
			*key_out = key;
			return v;
		}
	}
	return NULL;
}

/* The helper for a registry: credHelpers's, else credsStore; NULL for none. */
static const char *helper_for(json_t *config, const char *domain)
{
	char key[300];
	const char *h;

	registry_credentials_key(domain, key, sizeof(key));
	h = json_string_value(json_object_get(json_object_get(config, "credHelpers"), domain));
	if (!h)
		h = json_string_value(json_object_get(json_object_get(config, "credHelpers"), key));
	if (!h)
		h = json_string_value(json_object_get(config, "credsStore"));
	return h && *h ? h : NULL;
}

/* Runs docker-credential-<helper> <action>, input on its stdin; its
 * stdout into output. *status receives its exit status. */
static int run_helper(const char *helper, const char *action, const char *input,
		      struct strbuf *output, int *status, berr *err)
{
	char program[300];
	char *argv[] = {program, (char *)action, NULL};
	int in[2] = {-1, -1}, out[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none;
	pid_t pid;
	size_t written = 0, len = strlen(input);
	int rc, wstatus;

	/* a name, looked up in PATH: never a path of its own */
	if (!*helper || strchr(helper, '/'))
		return berr_set(err, BERR_INVALID, "invalid credential helper name \"%s\" in config.json",
				helper);
	snprintf(program, sizeof(program), "docker-credential-%s", helper);
	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0) {
		berr_sys(err, "run %s", program);
		goto fail;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], 0);
	posix_spawn_file_actions_adddup2(&fa, out[1], 1);
	posix_spawnattr_init(&attr);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawnp(&pid, program, &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	if (rc != 0) {
		berr_errno(err, rc, "error getting credentials - err: exec: \"%s\"", program);
		goto fail;
	}
	/* the input is small (a URL or one JSON object): the pipe holds it */
	while (written < len) {
		ssize_t n = write(in[1], input + written, len - written);
		if (n <= 0)
			break;
		written += (size_t)n;
	}
	close(in[1]);
	in[1] = -1;
	for (;;) {
		char buf[4096];
		ssize_t n = read(out[0], buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (output->len + (size_t)n <= HELPER_OUTPUT_MAX)
			strbuf_addn(output, buf, (size_t)n);
	}
	close(out[0]);
	while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR)
		;
	*status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128;
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	return -1;
}

void registry_credentials_from_json(json_t *auth, struct registry_credentials *out)
{
	const char *v;

	memset(out, 0, sizeof(*out));
	if ((v = json_string_value(json_object_get(auth, "username"))))
		snprintf(out->username, sizeof(out->username), "%s", v);
	if ((v = json_string_value(json_object_get(auth, "password"))))
		snprintf(out->password, sizeof(out->password), "%s", v);
	if ((v = json_string_value(json_object_get(auth, "identitytoken"))))
		snprintf(out->identity_token, sizeof(out->identity_token), "%s", v);
	if ((v = json_string_value(json_object_get(auth, "registrytoken"))))
		snprintf(out->registry_token, sizeof(out->registry_token), "%s", v);
}

/* From a helper's `get`. */
static int helper_get(const char *helper, const char *domain, struct registry_credentials *out,
		      berr *err)
{
	struct strbuf output = {0};
	char key[300];
	json_t *doc;
	int status;
	const char *user, *secret;

	registry_credentials_key(domain, key, sizeof(key));
	if (run_helper(helper, "get", key, &output, &status, err) < 0)
		return -1;
	if (status != 0) {
		int ret = 0;
		/* "credentials not found in native keychain": not logged in */
		if (!output.s || !strstr(output.s, "credentials not found"))
			ret = berr_set(err, BERR_SYSTEM, "error getting credentials - err: exit status %d, out: `%s`",
				       status, output.s ? output.s : "");
		strbuf_free(&output);
		return ret;
	}
	doc = json_loadb(output.s ? output.s : "", output.len, 0, NULL);
	strbuf_free(&output);
	user = json_string_value(json_object_get(doc, "Username"));
	secret = json_string_value(json_object_get(doc, "Secret"));
	if (user && strcmp(user, "<token>") == 0)
		snprintf(out->identity_token, sizeof(out->identity_token), "%s", secret ? secret : "");
	else {
		snprintf(out->username, sizeof(out->username), "%s", user ? user : "");
		snprintf(out->password, sizeof(out->password), "%s", secret ? secret : "");
	}
	json_decref(doc);
	return 0;
}

int registry_credentials_lookup(const char *domain, struct registry_credentials *out, berr *err)
{
	json_t *config, *entry;
	const char *helper, *key, *auth, *token;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	config = config_read_or_empty(out->warning, sizeof(out->warning));
	helper = helper_for(config, domain);
	if (helper) {
		ret = helper_get(helper, domain, out, err);
		json_decref(config);
		return ret;
	}
	entry = find_auth(config, domain, &key);
	auth = json_string_value(json_object_get(entry, "auth"));
	token = json_string_value(json_object_get(entry, "identitytoken"));
	if (auth && *auth) {
		size_t len;
		char *pair = base64_decode(auth, &len);
		char *colon = pair ? strchr(pair, ':') : NULL;

		if (!colon) {
			ret = berr_set(err, BERR_INVALID, "invalid auth configuration file");
		} else {
			*colon = '\0';
			snprintf(out->username, sizeof(out->username), "%s", pair);
			snprintf(out->password, sizeof(out->password), "%s", colon + 1);
		}
		if (pair)
			explicit_bzero(pair, len);
		free(pair);
	}
	if (token && *token)
		snprintf(out->identity_token, sizeof(out->identity_token), "%s", token);
	json_decref(config);
	return ret;
}

static int save_locked(const char *domain, const struct registry_credentials *cred,
		       char plaintext[4200], berr *err);

int registry_credentials_save(const char *domain, const struct registry_credentials *cred,
			      char plaintext[4200], berr *err)
{
	int lock = config_lock(), ret = save_locked(domain, cred, plaintext, err);

	config_unlock(lock);
	return ret;
}

static int save_locked(const char *domain, const struct registry_credentials *cred,
		       char plaintext[4200], berr *err)
{
	json_t *config, *auths;
	const char *helper;
	char key[300], dir[4096];
	int ret = -1;

	plaintext[0] = '\0';
	if (config_read(&config, err) < 0)
		return berr_prefix(err, "cannot store credentials");
	registry_credentials_key(domain, key, sizeof(key));
	helper = helper_for(config, domain);
	if (helper) {
		json_t *doc = json_pack("{s:s, s:s, s:s}", "ServerURL", key, "Username",
					cred->identity_token[0] ? "<token>" : cred->username, "Secret",
					cred->identity_token[0] ? cred->identity_token : cred->password);
		char *text = json_dumps(doc, JSON_COMPACT);
		struct strbuf output = {0};
		int status = 0;

		ret = text ? run_helper(helper, "store", text, &output, &status, err) : -1;
		if (ret == 0 && status != 0)
			ret = berr_set(err, BERR_SYSTEM, "error storing credentials - err: exit status %d, out: `%s`",
				       status, output.s ? output.s : "");
		if (text)
			explicit_bzero(text, strlen(text));
		free(text);
		json_decref(doc);
		strbuf_free(&output);
		json_decref(config);
		return ret;
	}
	auths = json_object_get(config, "auths");
	if (!json_is_object(auths)) {
		auths = json_object();
		json_object_set_new(config, "auths", auths);
	} else {
		const char *old;
		while (find_auth(config, domain, &old))
			json_object_del(auths, old);
	}
	if (cred->identity_token[0]) {
		json_object_set_new(auths, key, json_pack("{s:s}", "identitytoken", cred->identity_token));
	} else {
		char pair[1400];
		char *encoded;

		snprintf(pair, sizeof(pair), "%s:%s", cred->username, cred->password);
		encoded = base64_encode(pair, strlen(pair));
		explicit_bzero(pair, sizeof(pair));
		if (!encoded) {
			json_decref(config);
			return berr_errno(err, ENOMEM, "store credentials");
		}
		json_object_set_new(auths, key, json_pack("{s:s}", "auth", encoded));
		free(encoded);
	}
	ret = config_write(config, err);
	if (ret == 0 && config_path(plaintext, 4200, dir, sizeof(dir), NULL) < 0)
		plaintext[0] = '\0';
	json_decref(config);
	return ret;
}

static int erase_locked(const char *domain, bool *found, berr *err);

int registry_credentials_erase(const char *domain, bool *found, berr *err)
{
	int lock = config_lock(), ret = erase_locked(domain, found, err);

	config_unlock(lock);
	return ret;
}

static int erase_locked(const char *domain, bool *found, berr *err)
{
	json_t *config;
	const char *helper, *key;
	int ret = 0;

	*found = false;
	if (config_read(&config, NULL) < 0)
		return 0; /* nothing to forget in a file that cannot be read */
	helper = helper_for(config, domain);
	if (helper) {
		struct strbuf output = {0};
		char hub[300];
		int status = 0;

		registry_credentials_key(domain, hub, sizeof(hub));
		ret = run_helper(helper, "erase", hub, &output, &status, err);
		*found = ret == 0 && status == 0;
		strbuf_free(&output);
	}
	while (find_auth(config, domain, &key)) {
		json_object_del(json_object_get(config, "auths"), key);
		*found = true;
	}
	if (*found && ret == 0)
		ret = config_write(config, err);
	json_decref(config);
	return ret;
}

int registry_credentials_for(json_t *auth, const char *domain, struct registry_credentials *out,
			     berr *err)
{
	if (json_is_object(auth)) {
		registry_credentials_from_json(auth, out);
		return 0;
	}
	return registry_credentials_lookup(domain, out, err);
}
