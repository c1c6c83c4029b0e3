/* Reading a container's logs. */
#ifndef BERTH_CONTAINER_LOGS_H
#define BERTH_CONTAINER_LOGS_H

#include "engine/container/internal.h"

#include "engine/logging/log_read.h"

/* args: {"stdout","stderr","follow","tail","since","until"}; sends progress. */
int container_logs(struct cmd_ctx *ctx, const struct container *c, json_t *args, berr *err);

/* What to read of a journald container's journal (logs_journal.c). */
struct journal_query {
	int64_t since, until; /* ns, 0: unset */
	long tail;	      /* -1: all */
	bool follow;
	bool (*stop)(void *user);      /* polled while following, when quiet */
	bool (*cancelled)(void *user); /* polled after every read */
	void *stop_user;
};
/* Sends its entries to fn; 1 once done, 0 when there is no journalctl here
 * (the cache is read instead), -1 on error. */
int container_journal_read(const struct container *c, const struct journal_query *q,
			   log_entry_fn fn, void *user, berr *err);

#endif
