/* The instructions that change only the image's config: ENV, LABEL,
 * EXPOSE, VOLUME, CMD, ENTRYPOINT, USER, WORKDIR, STOPSIGNAL,
 * HEALTHCHECK, SHELL, ONBUILD, MAINTAINER (and ARG, which changes only the
 * stage's scope). Each makes an image with an empty layer, as BuildKit's
 * history records them. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/build/internal.h"
#include "engine/build/shell_words.h"
#include "engine/core/alloc.h"
#include "engine/core/fsutil.h"
#include "engine/core/strbuf.h"
#include "engine/core/units.h"

static const char *const file_keywords[] = {"RUN", "COPY", "ADD", NULL};

bool build_changes_files(const struct df_instruction *in)
{
	for (size_t i = 0; file_keywords[i]; i++)
		if (strcmp(in->keyword, file_keywords[i]) == 0)
			return true;
	return false;
}

/* Go's %q of a []string: ["a" "b c"], as BuildKit writes history. */
static void add_quoted_list(struct strbuf *b, json_t *list)
{
	size_t i;
	json_t *v;

	strbuf_addc(b, '[');
	json_array_foreach(list, i, v) {
		char *q = json_dumps(v, JSON_ENCODE_ANY);
		strbuf_addf(b, "%s%s", i ? " " : "", q ? q : "\"\"");
		free(q);
	}
	strbuf_addc(b, ']');
}

static json_t *shell_of(struct stage_state *s)
{
	json_t *shell = json_object_get(s->config, "Shell");
	return json_array_size(shell) ? json_deep_copy(shell) : json_pack("[s, s]", "/bin/sh", "-c");
}

/* The command of CMD and ENTRYPOINT: the exec form as it is, the shell
 * form through the stage's shell. */
static json_t *command_of(struct stage_state *s, const struct df_instruction *in)
{
	json_t *cmd;

	if (in->exec_form) {
		cmd = json_array();
		for (size_t i = 0; i < in->nargs; i++)
			json_array_append_new(cmd, json_string(in->args[i]));
		return cmd;
	}
	cmd = shell_of(s);
	json_array_append_new(cmd, json_string(in->nargs ? in->args[0] : ""));
	return cmd;
}

static int refuse_flags(const struct df_instruction *in, const char *const *allowed, berr *err)
{
	for (size_t i = 0; i < in->nflags; i++) {
		bool ok = false;

		for (size_t j = 0; allowed && allowed[j]; j++)
			ok |= strcmp(allowed[j], in->flags[i].name) == 0;
		if (!ok)
			return berr_set(err, BERR_INVALID, "unknown flag: %s", in->flags[i].name);
	}
	return 0;
}

/* `key=value ...` (or the legacy `key value`), each part expanded. */
static int name_values(struct build *b, struct stage_state *s, const struct df_instruction *in,
		       json_t *into, struct strbuf *shown, berr *err)
{
	struct shell_env env;
	json_t *vars = NULL;
	char **raw = NULL;
	size_t n = 0;
	int rc = -1;
	const char *text = in->nargs ? in->args[0] : "";

	build_shell_env(b, s, &env, &vars);
	if (shell_split_raw(text, b->df.escape, &raw, &n, err) < 0)
		goto out;
	if (n == 0) {
		berr_set(err, BERR_INVALID, "%s requires at least one argument", in->keyword);
		goto out;
	}
	if (!strchr(raw[0], '=')) {
		/* ENV key value with spaces */
		const char *rest = text;
		char *key = NULL, *value = NULL;

		while (isspace((unsigned char)*rest))
			rest++;
		rest += strlen(raw[0]);
		while (isspace((unsigned char)*rest))
			rest++;
		if (n < 2) {
			berr_set(err, BERR_INVALID, "%s must have two arguments", in->keyword);
			goto out;
		}
		if (shell_word(&env, raw[0], &key, err) < 0 || shell_word(&env, rest, &value, err) < 0) {
			free(key);
			goto out;
		}
		json_object_set_new(into, key, json_string(value));
		strbuf_addf(shown, " %s=%s", key, value);
		free(key);
		free(value);
		rc = 0;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(raw[i], '='), *key = NULL, *value = NULL;

		if (!eq) {
			berr_set(err, BERR_INVALID, "Syntax error - can't find = in \"%s\". Must be of the form: name=value",
				 raw[i]);
			goto out;
		}
		*eq = '\0';
		if (shell_word(&env, raw[i], &key, err) < 0 || shell_word(&env, eq + 1, &value, err) < 0) {
			free(key);
			goto out;
		}
		if (!*key) {
			berr_set(err, BERR_INVALID, "%s names can not be blank", in->keyword);
			free(key);
			free(value);
			goto out;
		}
		json_object_set_new(into, key, json_string(value));
		strbuf_addf(shown, " %s=%s", key, value);
		free(key);
		free(value);
	}
	rc = 0;
out:
	shell_words_free(raw, n);
	json_decref(vars);
	return rc;
}

static int do_env(struct build *b, struct stage_state *s, const struct df_instruction *in,
		  struct strbuf *shown, berr *err)
{
	json_t *pairs = json_object(), *env, *v;
	const char *key;
	int rc = name_values(b, s, in, pairs, shown, err);

	if (rc < 0) {
		json_decref(pairs);
		return -1;
	}
	env = json_object_get(s->config, "Env");
	if (!json_is_array(env)) {
		env = json_array();
		json_object_set_new(s->config, "Env", env);
	}
	json_object_foreach(pairs, key, v) {
		size_t klen = strlen(key), i;
		json_t *e;
		char *entry = xasprintf("%s=%s", key, json_string_value(v));
		bool replaced = false;

		json_array_foreach(env, i, e) {
			const char *t = json_string_value(e);
			if (t && strncmp(t, key, klen) == 0 && t[klen] == '=') {
				json_array_set_new(env, i, json_string(entry));
				replaced = true;
				break;
			}
		}
		if (!replaced)
			json_array_append_new(env, json_string(entry));
		free(entry);
	}
	json_decref(pairs);
	return 0;
}

static int do_label(struct build *b, struct stage_state *s, const struct df_instruction *in,
		    struct strbuf *shown, berr *err)
{
	json_t *labels = json_object_get(s->config, "Labels");

	if (!json_is_object(labels)) {
		labels = json_object();
		json_object_set_new(s->config, "Labels", labels);
	}
	return name_values(b, s, in, labels, shown, err);
}

/* The words of a shell-form instruction, expanded (or the exec form's). */
static int words_of(struct build *b, struct stage_state *s, const struct df_instruction *in,
		    char ***words, size_t *n, berr *err)
{
	struct shell_env env;
	json_t *vars = NULL;
	int rc;

	if (in->exec_form) {
		*words = xcalloc(in->nargs + 1, sizeof(**words));
		for (size_t i = 0; i < in->nargs; i++)
			(*words)[i] = xstrdup(in->args[i]);
		*n = in->nargs;
		return 0;
	}
	build_shell_env(b, s, &env, &vars);
	rc = shell_words(&env, in->nargs ? in->args[0] : "", words, n, err);
	json_decref(vars);
	return rc;
}

static int port_number(const char *s, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < 0 || v > 65535)
		return -1;
	*out = v;
	return 0;
}

static int do_expose(struct build *b, struct stage_state *s, const struct df_instruction *in,
		     struct strbuf *shown, berr *err)
{
	char **w;
	size_t n;
	json_t *ports = json_object_get(s->config, "ExposedPorts");

	if (words_of(b, s, in, &w, &n, err) < 0)
		return -1;
	if (n == 0) {
		shell_words_free(w, n);
		return berr_set(err, BERR_INVALID, "EXPOSE requires at least one argument");
	}
	if (!json_is_object(ports)) {
		ports = json_object();
		json_object_set_new(s->config, "ExposedPorts", ports);
	}
	for (size_t i = 0; i < n; i++) {
		char spec[64], *proto, *dash;
		long lo, hi;

		snprintf(spec, sizeof(spec), "%s", w[i]);
		proto = strchr(spec, '/');
		if (proto)
			*proto++ = '\0';
		if (proto && strcasecmp(proto, "tcp") != 0 && strcasecmp(proto, "udp") != 0 &&
		    strcasecmp(proto, "sctp") != 0) {
			berr_set(err, BERR_INVALID, "invalid proto: %s", proto);
			shell_words_free(w, n);
			return -1;
		}
		dash = strchr(spec, '-');
		if (dash)
			*dash++ = '\0';
		if (port_number(spec, &lo) < 0 || (dash && (port_number(dash, &hi) < 0 || hi < lo))) {
			berr_set(err, BERR_INVALID, "invalid containerPort: %s", w[i]);
			shell_words_free(w, n);
			return -1;
		}
		if (!dash)
			hi = lo;
		for (long p = lo; p <= hi; p++) {
			char key[32];
			snprintf(key, sizeof(key), "%ld/%s", p, proto ? proto : "tcp");
			for (char *c = key; *c; c++)
				*c = (char)tolower((unsigned char)*c);
			json_object_set_new(ports, key, json_object());
			strbuf_addf(shown, " %s", key);
		}
	}
	shell_words_free(w, n);
	return 0;
}

static int do_volume(struct build *b, struct stage_state *s, const struct df_instruction *in,
		     struct strbuf *shown, berr *err)
{
	char **w;
	size_t n;
	json_t *vols = json_object_get(s->config, "Volumes"), *list = json_array();

	if (words_of(b, s, in, &w, &n, err) < 0) {
		json_decref(list);
		return -1;
	}
	if (!json_is_object(vols)) {
		vols = json_object();
		json_object_set_new(s->config, "Volumes", vols);
	}
	for (size_t i = 0; i < n; i++) {
		if (!*w[i]) {
			shell_words_free(w, n);
			json_decref(list);
			return berr_set(err, BERR_INVALID, "VOLUME specified can not be an empty string");
		}
		json_object_set_new(vols, w[i], json_object());
		json_array_append_new(list, json_string(w[i]));
	}
	shell_words_free(w, n);
	if (n == 0) {
		json_decref(list);
		return berr_set(err, BERR_INVALID, "VOLUME requires at least one argument");
	}
	strbuf_addc(shown, ' ');
	add_quoted_list(shown, list);
	json_decref(list);
	return 0;
}

static int one_word(struct build *b, struct stage_state *s, const struct df_instruction *in,
		    char **out, berr *err)
{
	struct shell_env env;
	json_t *vars = NULL;
	int rc;

	if (in->exec_form || in->nargs != 1)
		return berr_set(err, BERR_INVALID, "%s requires exactly one argument", in->keyword);
	build_shell_env(b, s, &env, &vars);
	rc = shell_word(&env, in->args[0], out, err);
	json_decref(vars);
	return rc;
}

static int do_workdir(struct build *b, struct stage_state *s, const struct df_instruction *in,
		      struct strbuf *shown, berr *err)
{
	char *dir, joined[8192], clean[4096];
	const char *was = json_string_value(json_object_get(s->config, "WorkingDir"));

	if (one_word(b, s, in, &dir, err) < 0)
		return -1;
	if (dir[0] == '/')
		snprintf(joined, sizeof(joined), "%s", dir);
	else
		snprintf(joined, sizeof(joined), "%s/%s", was && *was ? was : "/", dir);
	free(dir);
	if (fs_path_clean(joined, clean, sizeof(clean), false) < 0)
		return berr_set(err, BERR_INVALID, "WORKDIR: path too long");
	char *abs = xasprintf("/%s", clean);
	json_object_set_new(s->config, "WorkingDir", json_string(abs));
	strbuf_addf(shown, " %s", abs);
	free(abs);
	return 0;
}

static int do_healthcheck(struct build *b, struct stage_state *s, const struct df_instruction *in,
			  struct strbuf *shown, berr *err)
{
	static const char *const flags[] = {"interval", "timeout", "start-period", "start-interval",
					    "retries", NULL};
	static const char *const keys[] = {"Interval", "Timeout", "StartPeriod", "StartInterval"};
	const char *text = in->nargs ? in->args[0] : "";
	json_t *hc;

	(void)b;
	if (refuse_flags(in, flags, err) < 0)
		return -1;
	while (isspace((unsigned char)*text))
		text++;
	if (strncasecmp(text, "NONE", 4) == 0 && (!text[4] || isspace((unsigned char)text[4]))) {
		if (text[4] && text[strspn(text + 4, " \t") + 4])
			return berr_set(err, BERR_INVALID, "HEALTHCHECK NONE takes no arguments");
		json_object_set_new(s->config, "Healthcheck", json_pack("{s:[s]}", "Test", "NONE"));
		strbuf_adds(shown, " NONE");
		return 0;
	}
	if (strncasecmp(text, "CMD", 3) != 0 || (text[3] && !isspace((unsigned char)text[3])))
		return berr_set(err, BERR_INVALID, "Unknown type \"%.20s\" in HEALTHCHECK (try CMD)", text);
	text += 3;
	while (isspace((unsigned char)*text))
		text++;
	if (!*text)
		return berr_set(err, BERR_INVALID, "Missing command after HEALTHCHECK CMD");
	json_t *array = text[0] == '[' ? json_loads(text, JSON_DECODE_ANY, NULL) : NULL;
	json_t *test;
	if (json_is_array(array)) {
		test = json_pack("[s]", "CMD");
		json_array_extend(test, array);
	} else {
		test = json_pack("[s, s]", "CMD-SHELL", text);
	}
	json_decref(array);
	hc = json_pack("{s:o}", "Test", test);
	for (size_t i = 0; i < 4; i++) {
		const char *v = df_flag_value(in, flags[i]);
		int64_t ns;

		if (!v)
			continue;
		if (units_parse_duration(v, &ns, err) < 0) {
			json_decref(hc);
			return -1;
		}
		json_object_set_new(hc, keys[i], json_integer(ns));
	}
	const char *retries = df_flag_value(in, "retries");
	if (retries) {
		char *end;
		long r = strtol(retries, &end, 10);
		if (end == retries || *end || r < 0) {
			json_decref(hc);
			return berr_set(err, BERR_INVALID, "invalid --retries: %s", retries);
		}
		json_object_set_new(hc, "Retries", json_integer(r));
	}
	json_object_set_new(s->config, "Healthcheck", hc);
	strbuf_addf(shown, " %s", in->original + strlen("HEALTHCHECK") + 1);
	return 0;
}

static int do_onbuild(struct stage_state *s, const struct df_instruction *in, struct strbuf *shown,
		      berr *err)
{
	const char *text = in->nargs ? in->args[0] : "";
	char word[16] = "";
	json_t *list;

	sscanf(text, "%15s", word);
	if (!*word)
		return berr_set(err, BERR_INVALID, "ONBUILD requires at least one argument");
	if (strcasecmp(word, "ONBUILD") == 0)
		return berr_set(err, BERR_INVALID, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
	if (strcasecmp(word, "FROM") == 0 || strcasecmp(word, "MAINTAINER") == 0)
		return berr_set(err, BERR_INVALID, "%s isn't allowed as an ONBUILD trigger", word);
	list = json_object_get(s->config, "OnBuild");
	if (!json_is_array(list)) {
		list = json_array();
		json_object_set_new(s->config, "OnBuild", list);
	}
	json_array_append_new(list, json_string(text));
	strbuf_addf(shown, " %s", text);
	return 0;
}

/* ARG name[=default] ...: into the stage's scope. */
static int do_arg(struct build *b, struct stage_state *s, const struct df_instruction *in, berr *err)
{
	struct shell_env env;
	json_t *vars = NULL;
	char **raw = NULL;
	size_t n = 0;
	int rc = -1;

	build_shell_env(b, s, &env, &vars);
	if (shell_split_raw(in->nargs ? in->args[0] : "", b->df.escape, &raw, &n, err) < 0)
		goto out;
	if (n == 0) {
		berr_set(err, BERR_INVALID, "ARG requires exactly one argument");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		char *eq = strchr(raw[i], '='), *value = NULL;
		json_t *given;

		if (eq)
			*eq = '\0';
		if (!*raw[i]) {
			berr_set(err, BERR_INVALID, "ARG names can not be blank");
			goto out;
		}
		given = json_object_get(b->build_args, raw[i]);
		if (json_is_string(given)) {
			value = xstrdup(json_string_value(given));
		} else if (eq) {
			if (shell_word(&env, eq + 1, &value, err) < 0)
				goto out;
		} else if (json_is_string(json_object_get(b->meta_args, raw[i]))) {
			value = xstrdup(json_string_value(json_object_get(b->meta_args, raw[i])));
		}
		json_object_set_new(s->args, raw[i], value ? json_string(value) : json_null());
		free(value);
	}
	rc = 0;
out:
	shell_words_free(raw, n);
	json_decref(vars);
	return rc;
}

int build_metadata_step(struct build *b, struct build_stage *stage, struct stage_state *s,
			const struct df_instruction *in, berr *err)
{
	const char *kw = in->keyword;
	struct strbuf shown = {0};
	char *word = NULL;
	int rc = -1;

	(void)stage;
	if (strcmp(kw, "ARG") == 0) {
		return refuse_flags(in, NULL, err) < 0 ? -1 : do_arg(b, s, in, err);
	}
	strbuf_adds(&shown, kw);
	json_decref(s->used);
	s->used = json_object();
	if (strcmp(kw, "HEALTHCHECK") != 0 && refuse_flags(in, NULL, err) < 0)
		goto out;
	if (strcmp(kw, "ENV") == 0) {
		rc = do_env(b, s, in, &shown, err);
	} else if (strcmp(kw, "LABEL") == 0) {
		rc = do_label(b, s, in, &shown, err);
	} else if (strcmp(kw, "EXPOSE") == 0) {
		rc = do_expose(b, s, in, &shown, err);
	} else if (strcmp(kw, "VOLUME") == 0) {
		rc = do_volume(b, s, in, &shown, err);
	} else if (strcmp(kw, "CMD") == 0 || strcmp(kw, "ENTRYPOINT") == 0) {
		json_t *cmd = command_of(s, in);

		strbuf_addc(&shown, ' ');
		add_quoted_list(&shown, cmd);
		json_object_set_new(s->config, strcmp(kw, "CMD") == 0 ? "Cmd" : "Entrypoint", cmd);
		if (strcmp(kw, "CMD") == 0)
			s->cmd_set = true;
		else if (!s->cmd_set)
			json_object_set_new(s->config, "Cmd", json_null());
		rc = 0;
	} else if (strcmp(kw, "SHELL") == 0) {
		json_t *shell = command_of(s, in);

		if (!in->exec_form || !json_array_size(shell)) {
			json_decref(shell);
			berr_set(err, BERR_INVALID, "SHELL requires the arguments to be in JSON form");
			goto out;
		}
		strbuf_addc(&shown, ' ');
		add_quoted_list(&shown, shell);
		json_object_set_new(s->config, "Shell", shell);
		rc = 0;
	} else if (strcmp(kw, "USER") == 0 || strcmp(kw, "STOPSIGNAL") == 0) {
		if (one_word(b, s, in, &word, err) < 0)
			goto out;
		if (!*word) {
			berr_set(err, BERR_INVALID, "%s requires exactly one argument", kw);
			goto out;
		}
		json_object_set_new(s->config, strcmp(kw, "USER") == 0 ? "User" : "StopSignal",
				    json_string(word));
		strbuf_addf(&shown, " %s", word);
		rc = 0;
	} else if (strcmp(kw, "WORKDIR") == 0) {
		rc = do_workdir(b, s, in, &shown, err);
	} else if (strcmp(kw, "HEALTHCHECK") == 0) {
		rc = do_healthcheck(b, s, in, &shown, err);
	} else if (strcmp(kw, "ONBUILD") == 0) {
		rc = do_onbuild(s, in, &shown, err);
	} else if (strcmp(kw, "MAINTAINER") == 0) {
		strbuf_addf(&shown, " %s", in->nargs ? in->args[0] : "");
		rc = 0;
	} else {
		berr_set(err, BERR_INVALID, "unknown instruction: %s", kw);
	}
	if (rc < 0)
		goto out;
	/* the image: found again, or made */
	/* keyed as written, with the build args it expanded: a changed arg
	 * is named when the step misses */
	char *used = build_used_args_text(s);
	struct cache_key key = {s->image_id, in->original, used, "", b->origin, in->line, NULL, false};
	rc = build_commit_step(b, s, &key, -1, shown.s, err);
	free(used);
out:
	free(word);
	strbuf_free(&shown);
	return rc;
}
