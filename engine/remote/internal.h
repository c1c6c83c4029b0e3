/* What the remote module's command files share: the client of the engine
 * a command runs in, and the shapes every translation needs. Each command
 * is the engine's own (same arguments, same result), served by the
 * daemon's Engine API instead of this host. */
#ifndef BERTH_REMOTE_INTERNAL_H
#define BERTH_REMOTE_INTERNAL_H

#include <jansson.h>

#include "engine/core/engine.h"
#include "engine/core/strbuf.h"
#include "engine/remote/client.h"
#include "engine/remote/http.h"

struct remote_client *remote_of(struct cmd_ctx *ctx);

/* args' string (NULL when absent or not a string). */
const char *remote_arg(json_t *args, const char *key);

/* Starts a path with a formatted prefix and one escaped segment:
 * remote_path(&p, "/containers/", id, "/json"). */
void remote_path(struct strbuf *p, const char *before, const char *segment, const char *after);

/* A request whose answer the command returns as it is (an empty body: {}). */
int remote_answer(struct cmd_ctx *ctx, const char *method, const char *path, json_t *body,
		  json_t **result, berr *err);

/* args' "filters" as the query's filters (JSON), when there are any. */
void remote_query_filters(struct strbuf *path, json_t *args);

/* A time the engine gives in nanoseconds (since, until) as the API's
 * seconds with a fraction; a string is passed as it is; nothing for 0. */
void remote_query_nanos(struct strbuf *path, const char *key, json_t *value);

/* For remote_response_json_lines: each message to the face (ctx is the
 * user) as its progress; an {"error"} in the stream ends it with err. */
int remote_pass_progress(void *user, json_t *message, berr *err);

/* A request whose body streams to args' "fd" (an archive the face
 * writes out), or from it (one the face reads in, its progress passed on). */
int remote_to_fd(struct cmd_ctx *ctx, const char *path, json_t *args, berr *err);
int remote_from_fd(struct cmd_ctx *ctx, const char *path, json_t *args, json_t **last,
		   berr *err);
/* The same, with the path's stat from the archive route's header (the
 * engine's stat object, or NULL), and with another method (PUT). */
int remote_to_fd_stat(struct cmd_ctx *ctx, const char *path, json_t *args, json_t **stat,
		      berr *err);
int remote_from_fd_method(struct cmd_ctx *ctx, const char *method, const char *path, json_t *args,
			  json_t **last, berr *err);

/* A request whose answer is JSON lines (events, progress, stats), each
 * handed to fn as it comes; the face's cancel ends it as a success. */
int remote_json_stream(struct cmd_ctx *ctx, const struct remote_request *req,
		       int (*fn)(void *user, json_t *message, berr *err), void *user, berr *err);

/* X-Registry-Auth for a pull or push of reference: args' "auth", else the
 * user's stored credentials for its registry (config.json and its
 * helpers, as the docker CLI sends them), base64url of their JSON ("{}"
 * without any). A new string, to free. */
char *remote_registry_auth(json_t *args, const char *reference);

extern const struct engine_command remote_container_commands[];
extern const struct engine_command remote_stream_commands[];
extern const struct engine_command remote_stats_commands[];
extern const struct engine_command remote_image_commands[];
extern const struct engine_command remote_object_commands[];
extern const struct engine_command remote_system_commands[];
extern const struct engine_command remote_transfer_commands[];
extern const struct engine_command remote_build_commands[];

#endif
