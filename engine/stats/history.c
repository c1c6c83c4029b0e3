/* A short history per container for the console's sparklines: a fixed
 * ring of points, and one process-wide table of rings keyed by container
 * id that every streaming container.stats command feeds. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine/core/clock.h"
#include "engine/stats/stats.h"

/* A ring not fed for this long belongs to a container nobody watches. */
#define HISTORY_STALE_NS (300LL * 1000000000LL)

void stats_ring_push(struct stats_ring *ring, const struct stats_point *p)
{
	size_t at = (ring->start + ring->count) % STATS_HISTORY_LEN;

	ring->points[at] = *p;
	if (ring->count < STATS_HISTORY_LEN)
		ring->count++;
	else
		ring->start = (ring->start + 1) % STATS_HISTORY_LEN;
}

size_t stats_ring_copy(const struct stats_ring *ring, struct stats_point *out, size_t max)
{
	size_t n = ring->count < max ? ring->count : max;
	/* The newest n points, oldest of them first. */
	size_t first = ring->start + ring->count - n;

	for (size_t i = 0; i < n; i++)
		out[i] = ring->points[(first + i) % STATS_HISTORY_LEN];
	return n;
}

/* A rate per second between two counters, 0 when a counter went back. */
static double rate(uint64_t before, uint64_t after, double seconds)
{
	return after >= before && seconds > 0 ? (double)(after - before) / seconds : 0.0;
}

bool stats_point_from_target(const struct stats_target *t, struct stats_point *out)
{
	const struct stats_sample *pre = &t->pre, *cur = &t->cur;
	double seconds;

	if (!pre->read || !cur->read || cur->read <= pre->read)
		return false;
	seconds = (double)(cur->read - pre->read) / 1e9;
	memset(out, 0, sizeof(*out));
	out->time = cur->read;
	out->cpu_percent = stats_cpu_percent(pre->cpu_total, pre->system_cpu, cur->cpu_total,
					     cur->system_cpu, cur->online_cpus);
	out->mem_usage = (double)stats_mem_no_cache(cur->mem_usage, cur->mem_inactive_file);
	out->mem_limit = (double)cur->mem_limit;
	out->net_rx_rate = rate(pre->net_rx, cur->net_rx, seconds);
	out->net_tx_rate = rate(pre->net_tx, cur->net_tx, seconds);
	out->blk_read_rate = rate(pre->blk_read, cur->blk_read, seconds);
	out->blk_write_rate = rate(pre->blk_write, cur->blk_write, seconds);
	out->pids = cur->pids;
	return true;
}

struct history_entry {
	char id[65];
	int64_t fed; /* monotonic ns of the last point */
	struct stats_ring ring;
	struct history_entry *next;
};

static pthread_mutex_t history_lock = PTHREAD_MUTEX_INITIALIZER;
static struct history_entry *history;

/* Drops rings nobody has fed for a while (callers hold the lock). */
static void history_prune(int64_t now)
{
	for (struct history_entry **p = &history; *p;) {
		if (now - (*p)->fed > HISTORY_STALE_NS) {
			struct history_entry *gone = *p;
			*p = gone->next;
			free(gone);
		} else {
			p = &(*p)->next;
		}
	}
}

void stats_history_record(const char *id, const struct stats_point *p)
{
	int64_t now = clock_mono_nanos();
	struct history_entry *e;

	pthread_mutex_lock(&history_lock);
	history_prune(now);
	for (e = history; e; e = e->next)
		if (strcmp(e->id, id) == 0)
			break;
	if (!e && (e = calloc(1, sizeof(*e)))) {
		strncpy(e->id, id, sizeof(e->id) - 1);
		e->next = history;
		history = e;
	}
	if (e) {
		e->fed = now;
		stats_ring_push(&e->ring, p);
	}
	pthread_mutex_unlock(&history_lock);
}

size_t stats_history_get(const char *id, struct stats_point *out, size_t max)
{
	size_t n = 0;

	pthread_mutex_lock(&history_lock);
	for (struct history_entry *e = history; e; e = e->next) {
		if (strcmp(e->id, id) == 0) {
			n = stats_ring_copy(&e->ring, out, max);
			break;
		}
	}
	pthread_mutex_unlock(&history_lock);
	return n;
}

void stats_history_forget(const char *id)
{
	pthread_mutex_lock(&history_lock);
	for (struct history_entry **p = &history; *p; p = &(*p)->next) {
		if (strcmp((*p)->id, id) == 0) {
			struct history_entry *gone = *p;
			*p = gone->next;
			free(gone);
			break;
		}
	}
	pthread_mutex_unlock(&history_lock);
}
