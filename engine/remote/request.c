/* What the remote module's command files share (internal.h): the client
 * of the engine a command runs in, arguments, paths and answers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/base64.h"
#include "engine/core/reference.h"
#include "engine/registry/registry.h"
#include "engine/remote/internal.h"

struct remote_client *remote_of(struct cmd_ctx *ctx)
{
	return (struct remote_client *)engine_backend(cmd_engine(ctx));
}

const char *remote_arg(json_t *args, const char *key)
{
	return json_string_value(json_object_get(args, key));
}

void remote_path(struct strbuf *p, const char *before, const char *segment, const char *after)
{
	strbuf_adds(p, before);
	remote_path_segment(p, segment ? segment : "");
	/* after may carry its own query ("/logs?timestamps=1") */
	strbuf_adds(p, after);
}

int remote_answer(struct cmd_ctx *ctx, const char *method, const char *path, json_t *body,
		  json_t **result, berr *err)
{
	if (remote_json(remote_of(ctx), method, path, body, result, err) < 0)
		return -1;
	if (!*result)
		*result = json_object();
	return 0;
}

void remote_query_filters(struct strbuf *path, json_t *args)
{
	json_t *filters = json_object_get(args, "filters");

	if (!json_is_object(filters) || !json_object_size(filters))
		return;
	char *text = json_dumps(filters, JSON_COMPACT);
	if (text)
		remote_query(path, "filters", text);
	free(text);
}

void remote_query_nanos(struct strbuf *path, const char *key, json_t *value)
{
	char text[40];
	long long v = (long long)json_integer_value(value);

	if (json_is_string(value) && json_string_length(value)) {
		remote_query(path, key, json_string_value(value));
		return;
	}
	if (!json_is_integer(value) || v == 0)
		return;
	snprintf(text, sizeof(text), "%lld.%09lld", v / 1000000000, llabs(v % 1000000000));
	remote_query(path, key, text);
}

/* Each progress message to the face; an error in the stream ends it. */
int remote_pass_progress(void *user, json_t *message, berr *err)
{
	struct cmd_ctx *ctx = user;
	const char *error = json_string_value(json_object_get(message, "error"));

	if (error) {
		const char *lower = error;
		return berr_set(err, strstr(lower, "not found") || strstr(lower, "unknown") ||
					     strstr(lower, "does not exist")
					     ? BERR_NOT_FOUND
					     : BERR_SYSTEM,
				"%s", error);
	}
	cmd_progress(ctx, json_incref(message));
	return 0;
}

int remote_json_stream(struct cmd_ctx *ctx, const struct remote_request *req,
		       int (*fn)(void *user, json_t *message, berr *err), void *user, berr *err)
{
	struct remote_response *resp;

	if (remote_send(remote_of(ctx), req, &resp, err) < 0)
		return -1;
	int rc = remote_response_json_lines(resp, ctx, fn, user, err);
	remote_response_free(resp);
	/* the face stopped following: an end, not a failure */
	return rc < 0 && cmd_cancelled(ctx) ? 0 : rc;
}

char *remote_registry_auth(json_t *args, const char *reference)
{
	struct registry_credentials cred;
	struct image_ref ref;
	berr ignored = {0};
	json_t *auth;

	/* the face's own, else the user's stored ones for the image's
	 * registry, as the docker CLI sends them; "{}" without any */
	if (ref_parse_normalized(reference ? reference : "", &ref, &ignored) < 0 ||
	    registry_credentials_for(json_object_get(args, "auth"), ref.domain, &cred, &ignored) < 0)
		memset(&cred, 0, sizeof(cred));
	auth = json_object();
	if (cred.identity_token[0])
		json_object_set_new(auth, "identitytoken", json_string(cred.identity_token));
	else if (cred.username[0])
		json_object_set_new(auth, "username", json_string(cred.username));
	if (cred.password[0] && !cred.identity_token[0])
		json_object_set_new(auth, "password", json_string(cred.password));
	if (cred.registry_token[0])
		json_object_set_new(auth, "registrytoken", json_string(cred.registry_token));
	if (json_object_size(auth))
		json_object_set_new(auth, "serveraddress", json_string(ref.domain));
	char *text = json_dumps(auth, JSON_COMPACT);
	explicit_bzero(&cred, sizeof(cred));
	json_decref(auth);
	char *encoded = base64_encode(text ? text : "{}", text ? strlen(text) : 2);
	/* Go's URL alphabet, which dockerd decodes */
	for (char *c = encoded; c && *c; c++)
		*c = *c == '+' ? '-' : *c == '/' ? '_' : *c;
	if (text) {
		explicit_bzero(text, strlen(text));
		free(text);
	}
	return encoded;
}
