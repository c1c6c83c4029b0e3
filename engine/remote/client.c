/* The client of a daemon (client.h). */
#include "engine/remote/client.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/remote/conn.h"

/* Connections kept for reuse: a console refreshes its panes with a few
 * requests at once; more than this are closed when done. */
#define KEPT_CONNECTIONS 4

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

int remote_client_dial(struct remote_client *cl, struct remote_conn **out, berr *err)
{
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

void remote_client_set_api(struct remote_client *cl, int api)
{
	pthread_mutex_lock(&cl->lock);
	cl->api = api;
	snprintf(cl->prefix, sizeof(cl->prefix), "/v1.%d", api - 100);
	pthread_mutex_unlock(&cl->lock);
}

const char *remote_client_prefix(struct remote_client *cl)
{
	return cl->prefix;
}

int remote_client_api(struct remote_client *cl)
{
	pthread_mutex_lock(&cl->lock);
	int api = cl->api;
	pthread_mutex_unlock(&cl->lock);
	return api;
}
