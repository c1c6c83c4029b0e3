/* What Docker puts before a log line when asked: the time (logs -t) and
 * the entry's attributes (logs --details), for every face that prints
 * logs (the CLI writes them, the API streams them). */
#ifndef BERTH_CORE_LOG_PREFIX_H
#define BERTH_CORE_LOG_PREFIX_H

#include <jansson.h>

#include "engine/core/strbuf.h"

/* The time as RFC 3339 with all nine digits of the fraction (the log
 * keeps it with trailing zeros trimmed), then a space; nothing for "". */
void log_prefix_time(struct strbuf *b, const char *time);

/* The attributes as "k=v,k2=v2 " (sorted, query-escaped as Go's
 * url.QueryEscape), or a lone space. */
void log_prefix_details(struct strbuf *b, json_t *attrs);

#endif
