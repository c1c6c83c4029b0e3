/* Challenges, basic credentials, token servers and error bodies (see auth.h). */
#include "engine/registry/auth.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "engine/core/base64.h"
#include "engine/core/strbuf.h"
#include "engine/registry/curl_lazy.h"

/* Reads one auth-param value (quoted with escapes, or a token) into out. */
static const char *read_value(const char *p, char *out, size_t size)
{
	size_t n = 0;

	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (n + 1 < size)
				out[n++] = *p;
		}
		if (*p == '"')
			p++;
	} else {
		for (; *p && *p != ',' && !isspace((unsigned char)*p); p++)
			if (n + 1 < size)
				out[n++] = *p;
	}
	out[n] = '\0';
	return p;
}

int auth_parse_challenge(const char *header, struct auth_challenge *out)
{
	const char *p = header;

	memset(out, 0, sizeof(*out));
	while (isspace((unsigned char)*p))
		p++;
	if (strncasecmp(p, "bearer", 6) == 0 && (isspace((unsigned char)p[6]) || !p[6]))
		out->scheme = AUTH_BEARER, p += 6;
	else if (strncasecmp(p, "basic", 5) == 0 && (isspace((unsigned char)p[5]) || !p[5]))
		out->scheme = AUTH_BASIC, p += 5;
	else
		return -1;
	while (*p) {
		char key[64], value[1024];
		size_t k = 0;

		while (isspace((unsigned char)*p) || *p == ',')
			p++;
		while (*p && *p != '=' && !isspace((unsigned char)*p) && *p != ',')
			if (k + 1 < sizeof(key))
				key[k++] = *p++;
			else
				p++;
		key[k] = '\0';
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=')
			break; /* another scheme or junk: what came first is enough */
		p++;
		while (isspace((unsigned char)*p))
			p++;
		p = read_value(p, value, sizeof(value));
		if (strcasecmp(key, "realm") == 0)
			snprintf(out->realm, sizeof(out->realm), "%s", value);
		else if (strcasecmp(key, "service") == 0)
			snprintf(out->service, sizeof(out->service), "%s", value);
	}
	if (out->scheme == AUTH_BEARER && !out->realm[0])
		return -1;
	return 0;
}

int auth_basic_header(const struct registry_credentials *cred, char *out, size_t size)
{
	char pair[1400];
	char *encoded;

	if (!cred || !cred->username[0])
		return -1;
	snprintf(pair, sizeof(pair), "%s:%s", cred->username, cred->password);
	encoded = base64_encode(pair, strlen(pair));
	if (!encoded)
		return -1;
	snprintf(out, size, "Basic %s", encoded);
	free(encoded);
	return 0;
}

void auth_error_text(long status, const char *body, size_t len, char *text, size_t size,
		     char *code, size_t code_size)
{
	json_t *doc = body && len ? json_loadb(body, len, 0, NULL) : NULL;
	json_t *first = json_array_get(json_object_get(doc, "errors"), 0);
	const char *c = json_string_value(json_object_get(first, "code"));
	const char *message = json_string_value(json_object_get(first, "message"));

	if (code_size)
		code[0] = '\0';
	if (c) {
		char words[64];
		size_t i;

		for (i = 0; c[i] && i + 1 < sizeof(words); i++)
			words[i] = c[i] == '_' ? ' ' : (char)tolower((unsigned char)c[i]);
		words[i] = '\0';
		snprintf(text, size, "%s: %s", words, message ? message : words);
		if (code_size)
			snprintf(code, code_size, "%s", c);
	} else if (status == 401) {
		snprintf(text, size, "unauthorized: authentication required");
		if (code_size)
			snprintf(code, code_size, "UNAUTHORIZED");
	} else if (status == 403) {
		snprintf(text, size, "denied: requested access to the resource is denied");
		if (code_size)
			snprintf(code, code_size, "DENIED");
	} else {
		const char *reason = status == 404   ? "Not Found"
				     : status == 500 ? "Internal Server Error"
				     : status == 502 ? "Bad Gateway"
				     : status == 503 ? "Service Unavailable"
				     : status == 400 ? "Bad Request"
						     : "";
		snprintf(text, size, "received unexpected HTTP status: %ld %s", status, reason);
	}
	json_decref(doc);
}

/* Appends "&key=value", the value escaped. */
static void add_param(const struct curl_api *c, CURL *curl, struct strbuf *b, const char *key,
		      const char *value)
{
	char *escaped = c->easy_escape(curl, value, 0);

	strbuf_addf(b, "%s%s=%s", b->len ? "&" : "", key, escaped ? escaped : "");
	c->free(escaped);
}

/* The scopes, one parameter each. */
static void add_scopes(const struct curl_api *c, CURL *curl, struct strbuf *b, const char *scopes)
{
	char copy[4096], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", scopes);
	for (char *s = strtok_r(copy, " ", &save); s; s = strtok_r(NULL, " ", &save))
		add_param(c, curl, b, "scope", s);
}

int auth_fetch_token(CURL *curl, const struct registry_transport *transport,
		     const struct auth_challenge *ch, const char *scopes,
		     const struct registry_credentials *cred, const volatile int *cancel, char *out,
		     size_t size, berr *err)
{
	const struct curl_api *c = curl_api(err);
	struct strbuf query = {0}, url = {0};
	struct http_call call = {.body_fd = -1, .max_body = 1 << 20, .cancel = cancel,
				 .transport = transport};
	struct http_reply reply;
	char basic[2048];
	json_t *doc = NULL;
	const char *token;
	int ret = -1;

	if (!c)
		return -1;
	if (cred && cred->identity_token[0]) {
		/* OAuth2: the identity token is a refresh token */
		add_param(c, curl, &query, "grant_type", "refresh_token");
		add_param(c, curl, &query, "refresh_token", cred->identity_token);
		add_param(c, curl, &query, "service", ch->service);
		add_param(c, curl, &query, "client_id", "berth");
		add_scopes(c, curl, &query, scopes);
		call.method = "POST";
		call.url = ch->realm;
		call.body = query.s;
		call.body_len = query.len;
		call.content_type = "application/x-www-form-urlencoded";
	} else {
		if (ch->service[0])
			add_param(c, curl, &query, "service", ch->service);
		add_scopes(c, curl, &query, scopes);
		if (cred && cred->username[0])
			add_param(c, curl, &query, "account", cred->username);
		strbuf_addf(&url, "%s%s%s", ch->realm, strchr(ch->realm, '?') ? "&" : "?",
			    query.s ? query.s : "");
		call.method = "GET";
		call.url = url.s;
		if (auth_basic_header(cred, basic, sizeof(basic)) == 0)
			call.authorization = basic;
	}
	if (http_perform(curl, &call, &reply, err) < 0)
		goto out;
	if (reply.status != 200) {
		char text[512], code[64];

		auth_error_text(reply.status, reply.body, reply.body_len, text, sizeof(text), code,
				sizeof(code));
		berr_set(err, reply.status == 401 ? BERR_INVALID : BERR_SYSTEM, "%s \"%s\": %s",
			 http_method_word(call.method), ch->realm, text);
		http_reply_free(&reply);
		goto out;
	}
	doc = json_loadb(reply.body ? reply.body : "", reply.body_len, 0, NULL);
	http_reply_free(&reply);
	token = json_string_value(json_object_get(doc, "token"));
	if (!token || !*token)
		token = json_string_value(json_object_get(doc, "access_token"));
	if (!token || !*token) {
		berr_set(err, BERR_SYSTEM, "%s \"%s\": authorization server did not include a token in the response",
			 http_method_word(call.method), ch->realm);
		goto out;
	}
	if ((size_t)snprintf(out, size, "Bearer %s", token) >= size) {
		berr_set(err, BERR_SYSTEM, "token from %s too long", ch->realm);
		goto out;
	}
	ret = 0;
out:
	json_decref(doc);
	strbuf_free(&query);
	strbuf_free(&url);
	return ret;
}
