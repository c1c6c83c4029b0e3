/* Attaches waiting for a start (attach_wait.h). */
#include "api/attach_wait.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void attach_waits_init(struct attach_waits *w)
{
	pthread_mutex_init(&w->lock, NULL);
	w->head = NULL;
	w->starting = NULL;
}

static void unlink_waiter(struct attach_waits *w, struct attach_waiter *me)
{
	for (struct attach_waiter **p = &w->head; *p; p = &(*p)->next)
		if (*p == me) {
			*p = me->next;
			return;
		}
}

static bool start_under_way(struct attach_waits *w, const char *container_id)
{
	for (struct attach_start *p = w->starting; p; p = p->next)
		if (strcmp(p->container, container_id) == 0)
			return true;
	return false;
}

static bool client_left(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLRDHUP};

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

int attach_wait(struct attach_waits *w, const char *container_id, int client_fd,
		int (*running)(void *user), void *user, int *fd)
{
	struct attach_waiter me = {.fd = -1};
	pthread_condattr_t attr;

	snprintf(me.container, sizeof(me.container), "%s", container_id);
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&me.cond, &attr);
	pthread_condattr_destroy(&attr);
	pthread_mutex_lock(&w->lock);
	me.next = w->head;
	w->head = &me;
	while (me.fd < 0 && !me.started) {
		struct timespec until;
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += 200 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&me.cond, &w->lock, &until);
		if (me.fd >= 0 || me.started)
			break;
		if (client_left(client_fd)) {
			me.abandoned = true;
			break;
		}
		/* a start of this daemon hands its stream over: wait for it */
		if (start_under_way(w, container_id))
			continue;
		/* asked without the lock: it runs a command */
		pthread_mutex_unlock(&w->lock);
		int started = running(user);
		pthread_mutex_lock(&w->lock);
		if (started < 0 && me.fd < 0) {
			me.abandoned = true;
			break;
		}
		if (started > 0 && me.fd < 0 && !start_under_way(w, container_id))
			me.started = true;
	}
	unlink_waiter(w, &me);
	pthread_mutex_unlock(&w->lock);
	pthread_cond_destroy(&me.cond);
	if (me.abandoned)
		return -1;
	*fd = me.fd;
	return me.fd >= 0 ? 1 : 0;
}

bool attach_start_begin(struct attach_waits *w, const char *container_id)
{
	struct attach_start *s = calloc(1, sizeof(*s));
	bool found = false;

	pthread_mutex_lock(&w->lock);
	for (struct attach_waiter *p = w->head; p && !found; p = p->next)
		found = strcmp(p->container, container_id) == 0 && !p->abandoned;
	if (s) {
		snprintf(s->container, sizeof(s->container), "%s", container_id);
		s->next = w->starting;
		w->starting = s;
	}
	pthread_mutex_unlock(&w->lock);
	return found && s;
}

void attach_hand_over(struct attach_waits *w, const char *container_id, int fd)
{
	pthread_mutex_lock(&w->lock);
	for (struct attach_start **p = &w->starting; *p; p = &(*p)->next)
		if (strcmp((*p)->container, container_id) == 0) {
			struct attach_start *done = *p;
			*p = done->next;
			free(done);
			break;
		}
	for (struct attach_waiter *p = w->head; p; p = p->next) {
		if (strcmp(p->container, container_id) != 0 || p->abandoned)
			continue;
		if (fd >= 0) {
			p->fd = fd;
			fd = -1;
		} else {
			p->started = true;
		}
		pthread_cond_signal(&p->cond);
	}
	pthread_mutex_unlock(&w->lock);
	if (fd >= 0)
		close(fd);
}
