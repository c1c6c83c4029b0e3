/* The query, the body and the answers of one API request (request.h). */
#include "api/request.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "engine/core/filters.h"
#include "engine/core/strbuf.h"
#include "engine/system/system.h"

/* Largest JSON body taken: a create body is a few KiB, and a parsed body
 * takes tens of times its size in memory. */
#define API_MAX_JSON_BODY (2u << 20)

const char *api_query(const struct api_req *r, const char *key)
{
	const char *found = NULL;
	json_t *pair;
	size_t i;

	json_array_foreach(r->query, i, pair)
		if (strcmp(json_string_value(json_array_get(pair, 0)), key) == 0)
			found = json_string_value(json_array_get(pair, 1));
	return found;
}

json_t *api_query_all(const struct api_req *r, const char *key)
{
	json_t *out = json_array(), *pair;
	size_t i;

	json_array_foreach(r->query, i, pair)
		if (strcmp(json_string_value(json_array_get(pair, 0)), key) == 0)
			json_array_append(out, json_array_get(pair, 1));
	return out;
}

bool api_query_bool(const struct api_req *r, const char *key)
{
	const char *v = api_query(r, key);
	static const char *const no[] = {"", "0", "no", "false", "none"};

	if (!v)
		return false;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcasecmp(v, no[i]) == 0)
			return false;
	return true;
}

int api_query_int(struct api_req *r, const char *key, long long def, long long *out)
{
	const char *v = api_query(r, key);
	char *end;

	*out = def;
	if (!v || !*v)
		return 0;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (errno || *end) {
		api_reply_errorf(r, 400, "strconv.Atoi: parsing \"%s\": invalid syntax", v);
		return -1;
	}
	*out = n;
	return 0;
}

int api_query_filters(struct api_req *r, json_t **out)
{
	const char *v = api_query(r, "filters");
	json_error_t jerr;

	*out = NULL;
	if (!v || !*v)
		return 0;
	*out = json_loads(v, JSON_DECODE_ANY, &jerr);
	json_t *normal = *out ? filters_from_api(*out) : NULL;
	if (!normal && *out) {
		json_decref(*out);
		*out = NULL;
		api_reply_errorf(r, 400, "invalid filter: values must be a list of strings or a "
					 "map of strings to booleans");
		return -1;
	}
	json_decref(normal);
	if (!*out || !json_is_object(*out)) {
		bool parsed = *out != NULL;
		json_decref(*out);
		*out = NULL;
		api_reply_errorf(r, 400, "invalid filter: %s", parsed ? "not an object" : jerr.text);
		return -1;
	}
	return 0;
}

int api_body_json(struct api_req *r, bool empty_ok, json_t **out)
{
	const char *type = http_header(r->http, "Content-Type");
	json_error_t jerr;
	char *body = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	/* a body announced larger than is taken is refused before it comes */
	if (!(r->conn->parser.flags & F_CHUNKED) && r->conn->parser.content_length != ULLONG_MAX &&
	    r->conn->parser.content_length > API_MAX_JSON_BODY) {
		r->conn->req.keep_alive = false;
		api_reply_errorf(r, 413, "request body larger than %u bytes", API_MAX_JSON_BODY);
		return -1;
	}
	rc = http_read_body_all(r->conn, API_MAX_JSON_BODY, &body, &len);
	if (rc < 0) {
		r->conn->broken = true;
		return -1;
	}
	if (rc > 0) {
		api_reply_errorf(r, 413, "request body larger than %u bytes", API_MAX_JSON_BODY);
		return -1;
	}
	if (len == 0) {
		free(body);
		if (empty_ok) {
			*out = json_object();
			return 0;
		}
		api_reply_errorf(r, 400, "invalid JSON: EOF");
		return -1;
	}
	if (type && strncasecmp(type, "application/json", 16) != 0) {
		free(body);
		api_reply_errorf(r, 400, "unsupported Content-Type header (%s): must be 'application/json'",
				 type);
		return -1;
	}
	/* no NUL in strings: every name and path the engine takes is a C string */
	*out = json_loadb(body, len, 0, &jerr);
	free(body);
	if (!*out) {
		api_reply_errorf(r, 400, "invalid JSON: %s", jerr.text);
		return -1;
	}
	if (!json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		api_reply_errorf(r, 400, "invalid JSON: the body is not an object");
		return -1;
	}
	return 0;
}

const char *api_common_headers(void)
{
	return "Api-Version: " BERTH_API_VERSION "\r\n"
	       "Docker-Experimental: false\r\n"
	       "Ostype: linux\r\n"
	       "Server: berth/" BERTH_VERSION " (linux)\r\n";
}

int api_reply_json(struct api_req *r, int status, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
	struct strbuf b = {0};
	int rc;

	json_decref(body);
	strbuf_adds(&b, text ? text : "null");
	strbuf_addc(&b, '\n');
	free(text);
	r->answered = true;
	rc = http_respond(r->conn, status, api_common_headers(), "application/json", b.s, b.len);
	strbuf_free(&b);
	return rc;
}

int api_reply_status(struct api_req *r, int status)
{
	r->answered = true;
	return http_respond(r->conn, status, api_common_headers(), NULL, NULL, 0);
}

int api_error_status(const berr *err)
{
	switch (err->kind) {
	case BERR_INVALID:
	case BERR_CANNOT_EXEC:
	case BERR_CMD_NOT_FOUND:
		return 400;
	case BERR_NOT_FOUND:
		return 404;
	case BERR_CONFLICT:
		return 409;
	case BERR_UNSUPPORTED:
		return 501;
	default:
		return 500;
	}
}

static int reply_message(struct api_req *r, int status, const char *message)
{
	if (r->answered) {
		/* a stream already began: the error can only end it */
		r->conn->broken = true;
		return -1;
	}
	return api_reply_json(r, status, json_pack("{s:s}", "message", message));
}

int api_reply_error(struct api_req *r, const berr *err)
{
	return reply_message(r, api_error_status(err), err->msg[0] ? err->msg : "internal error");
}

int api_reply_errorf(struct api_req *r, int status, const char *fmt, ...)
{
	char message[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	return reply_message(r, status, message);
}

int api_call(struct api_req *r, const char *type, json_t *args, json_t **result)
{
	berr err = {0};

	*result = NULL;
	if (engine_call(r->engine, type, args, result, NULL, NULL, &err) < 0) {
		api_reply_error(r, &err);
		return -1;
	}
	return 0;
}

int api_answer(struct api_req *r, const char *type, json_t *args, int status)
{
	json_t *result;
	int rc = api_call(r, type, args, &result);

	json_decref(args);
	if (rc < 0)
		return 0;
	if (status == 204) {
		json_decref(result);
		return api_reply_status(r, 204);
	}
	return api_reply_json(r, status, result);
}

json_t *api_filters_args(struct api_req *r)
{
	json_t *filters, *args;

	if (api_query_filters(r, &filters) < 0)
		return NULL;
	args = json_object();
	if (filters)
		json_object_set_new(args, "filters", filters);
	return args;
}
