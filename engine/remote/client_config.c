/* The docker CLI's config directory and config.json's currentContext. */
#include "engine/remote/client_config.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/core/json_kind.h"
#include "engine/core/strbuf.h"
#include "engine/remote/files.h"

#define CONFIG_FILE "config.json"
#define CONFIG_MAX (16u << 20)
#define CURRENT_KEY "currentContext"

const char *client_config_dir(const char *dir, char *buf, size_t size)
{
	const char *env = getenv("DOCKER_CONFIG"), *home = getenv("HOME");

	if (dir && *dir) {
		snprintf(buf, size, "%s", dir);
		return buf;
	}
	if (env && *env) {
		snprintf(buf, size, "%s", env);
		return buf;
	}
	if (!home || !*home) {
		struct passwd pw, *found = NULL;
		char pwbuf[4096];
		if (getpwuid_r(getuid(), &pw, pwbuf, sizeof(pwbuf), &found) == 0 && found)
			home = found->pw_dir;
	}
	snprintf(buf, size, "%s/.docker", home ? home : "");
	return buf;
}

/* Whether text holds nothing but JSON whitespace (Go's decoder then
 * meets the end of the input, which docker takes as an empty file). */
static bool blank(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!strchr(" \t\r\n", text[i]))
			return false;
	return true;
}

/* Loads config.json at path: NULL in *config when it is absent (or
 * blank). */
static int load_config(const char *path, json_t **config, berr *err)
{
	json_error_t jerr;
	char *text;
	size_t len;
	bool empty;

	*config = NULL;
	if (remote_file_read(path, CONFIG_MAX, &text, &len, err) < 0) {
		if (err->kind != BERR_NOT_FOUND)
			return berr_prefix(err, "loading config file");
		berr_clear(err);
		return 0;
	}
	empty = blank(text, len);
	if (!empty)
		*config = json_loadb(text, len, 0, &jerr);
	free(text);
	if (empty)
		return 0;
	if (!*config)
		return berr_set(err, BERR_INVALID, "parsing config file (%s): %s", path, jerr.text);
	if (!json_is_object(*config)) {
		berr_set(err, BERR_INVALID,
			 "parsing config file (%s): json: cannot unmarshal %s into Go value of type "
			 "configfile.ConfigFile",
			 path, json_kind_name(*config));
		json_decref(*config);
		*config = NULL;
		return -1;
	}
	return 0;
}

/* The currentContext member, checked to be a string as Go decodes it. */
static int current_member(json_t *config, const char *path, json_t **member, berr *err)
{
	*member = remote_json_get(config, CURRENT_KEY);
	if (*member && !json_is_string(*member) && !json_is_null(*member))
		return berr_set(err, BERR_INVALID,
				"parsing config file (%s): json: cannot unmarshal %s into Go struct "
				"field ConfigFile.currentContext of type string",
				path, json_kind_name(*member));
	return 0;
}

int client_config_current_context(const char *config_dir, char *buf, size_t size, berr *err)
{
	char path[PATH_MAX];
	json_t *config, *member;
	int rc;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/" CONFIG_FILE, config_dir);
	if (load_config(path, &config, err) < 0)
		return -1;
	rc = current_member(config, path, &member, err);
	if (rc == 0 && json_string_value(member))
		snprintf(buf, size, "%s", json_string_value(member));
	json_decref(config);
	return rc;
}

/* config.json as docker's MarshalIndent(.., "", "\t") writes it: each
 * level a tab, Go's escapes, no newline at the end. */
static char *config_text(json_t *config)
{
	char *text = remote_json_dumps(config, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	struct strbuf b = {0};
	bool line_start = true;

	if (!text)
		return NULL;
	/* JSON strings hold no raw newline: spaces at a line's start indent */
	for (const char *p = text; *p; p++) {
		if (line_start && *p == ' ') {
			strbuf_addc(&b, '\t');
			continue;
		}
		line_start = *p == '\n';
		strbuf_addc(&b, *p);
	}
	free(text);
	return strbuf_steal(&b);
}

/* Sets or removes the key in place; a key equal to it but for case (which
 * Go would read as the same field) goes. */
static void set_current(json_t *config, const char *name)
{
	const char *key;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(config, tmp, key, v)
		if (strcasecmp(key, CURRENT_KEY) == 0 && strcmp(key, CURRENT_KEY) != 0)
			json_object_del(config, key);
	if (name && *name)
		json_object_set_new(config, CURRENT_KEY, json_string(name));
	else
		json_object_del(config, CURRENT_KEY);
}

/* The file a write replaces: config.json, or what it links to. */
static void write_target(const char *path, char *target, size_t size)
{
	char resolved[PATH_MAX];

	if (realpath(path, resolved))
		snprintf(target, size, "%s", resolved);
	else
		snprintf(target, size, "%s", path);
}

int client_config_set_current_context(const char *config_dir, const char *name, berr *err)
{
	char path[PATH_MAX], target[PATH_MAX], *text = NULL;
	json_t *config, *member;
	struct stat st;
	bool existed;
	int rc = -1;

	snprintf(path, sizeof(path), "%s/" CONFIG_FILE, config_dir);
	if (load_config(path, &config, err) < 0 || current_member(config, path, &member, err) < 0)
		goto out;
	if (!config)
		config = json_pack("{s:{}}", "auths");
	if (remote_mkdir_all(config_dir, 0700, err) < 0)
		goto out;
	set_current(config, name);
	if (!(text = config_text(config))) {
		berr_errno(err, ENOMEM, "writing %s", path);
		goto out;
	}
	write_target(path, target, sizeof(target));
	existed = stat(target, &st) == 0;
	rc = remote_file_write(target, text, strlen(text), 0600, existed ? &st : NULL, err);
out:
	free(text);
	json_decref(config);
	return rc;
}
