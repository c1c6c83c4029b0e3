/* The client of a daemon (client.h). */
#include "engine/remote/client.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/remote/conn.h"
#include "engine/remote/http.h"

/* Connections kept for reuse: a console refreshes its panes with a few
 * requests at once; more than this are closed when done. */
#define KEPT_CONNECTIONS 4

/* The newest API version berth speaks as a client. */
#define CLIENT_API_MAX 147
/* The oldest a daemon may offer (Docker 1.12's). */
#define CLIENT_API_MIN 124

struct remote_client {
	struct remote_target target;
	void *tls_ctx;
	pthread_mutex_t lock;
	struct remote_conn *kept[KEPT_CONNECTIONS];
	int nkept;
	int api;            /* 0 until the daemon was asked */
	char prefix[16];    /* "/v1.41" */
};

int remote_client_open(const struct remote_target *target, struct remote_client **out, berr *err)
{
	struct remote_client *cl = calloc(1, sizeof(*cl));

	if (!cl)
		return berr_errno(err, ENOMEM, "connecting to %s", target->host);
	cl->target = *target;
	pthread_mutex_init(&cl->lock, NULL);
	if (remote_tls_context(target, &cl->tls_ctx, err) < 0) {
		remote_client_close(cl);
		return -1;
	}
	*out = cl;
	return 0;
}

void remote_client_close(struct remote_client *cl)
{
	if (!cl)
		return;
	for (int i = 0; i < cl->nkept; i++)
		remote_conn_close(cl->kept[i]);
	remote_tls_context_free(cl->tls_ctx);
	pthread_mutex_destroy(&cl->lock);
	free(cl);
}

const struct remote_target *remote_client_target(struct remote_client *cl)
{
	return &cl->target;
}

int remote_client_connect(struct remote_client *cl, struct remote_conn **out, bool *reused,
			  berr *err)
{
	pthread_mutex_lock(&cl->lock);
	*out = cl->nkept ? cl->kept[--cl->nkept] : NULL;
	pthread_mutex_unlock(&cl->lock);
	*reused = *out != NULL;
	if (*out)
		return 0;
	return remote_conn_open(&cl->target, cl->tls_ctx, out, err);
}

void remote_client_keep(struct remote_client *cl, struct remote_conn *c)
{
	pthread_mutex_lock(&cl->lock);
	if (cl->nkept < KEPT_CONNECTIONS) {
		cl->kept[cl->nkept++] = c;
		c = NULL;
	}
	pthread_mutex_unlock(&cl->lock);
	remote_conn_close(c);
}

/* "1.41" as 141; 0 when it is not a version. */
static int parse_version(const char *text)
{
	int major, minor;
	char tail;

	if (!text || sscanf(text, "%d.%d%c", &major, &minor, &tail) != 2 || major != 1 || minor < 0)
		return 0;
	return 100 + minor;
}

int remote_client_version(struct remote_client *cl, const char **prefix, berr *err)
{
	pthread_mutex_lock(&cl->lock);
	int api = cl->api;
	pthread_mutex_unlock(&cl->lock);
	if (!api) {
		/* the daemon's newest version, from its _ping, as the docker CLI
		 * negotiates it; the request itself has no version */
		struct remote_request req = {.method = "GET", .path = "/_ping", .body_fd = -1};
		struct remote_response *resp;
		berr why = {0};
		if (remote_send(cl, &req, &resp, &why) < 0) {
			if (why.kind == BERR_SYSTEM)
				return berr_set(err, BERR_SYSTEM,
						"Cannot connect to the Docker daemon at %s. Is the docker "
						"daemon running? (%s)",
						cl->target.host, why.msg);
			*err = why;
			return -1;
		}
		api = parse_version(remote_response_header(resp, "API-Version"));
		struct strbuf body = {0};
		remote_response_body(resp, &body, 4096, &why);
		strbuf_free(&body);
		remote_response_free(resp);
		if (!api)
			api = CLIENT_API_MIN;
		if (api > CLIENT_API_MAX)
			api = CLIENT_API_MAX;
		pthread_mutex_lock(&cl->lock);
		cl->api = api;
		snprintf(cl->prefix, sizeof(cl->prefix), "/v1.%d", api - 100);
		pthread_mutex_unlock(&cl->lock);
	}
	*prefix = cl->prefix;
	return 0;
}

int remote_client_api(struct remote_client *cl)
{
	return cl->api;
}
