/* Attaches that come before the start. `docker run` attaches to a
 * container it has only created, then starts it: the attach waits here,
 * and the start that finds it waiting starts the container with its
 * stream held from the first instant (nothing the command prints is
 * missed), handing the stream to the first waiter; the others attach
 * once it runs. */
#ifndef BERTH_API_ATTACH_WAIT_H
#define BERTH_API_ATTACH_WAIT_H

#include <pthread.h>
#include <stdbool.h>

struct attach_waiter {
	char container[65];
	int fd;              /* the stream handed over, or -1 */
	bool started;        /* the container started (attach on your own) */
	bool abandoned;      /* the client left */
	pthread_cond_t cond;
	struct attach_waiter *next;
};

struct attach_start {
	char container[65];
	struct attach_start *next;
};

struct attach_waits {
	pthread_mutex_t lock;
	struct attach_waiter *head;
	/* starts of this daemon under way: their waiters wait for the
	 * hand-over, not for the container to be seen running */
	struct attach_start *starting;
};

void attach_waits_init(struct attach_waits *w);

/* Waits for the container's start, watching client_fd for a hang-up and,
 * five times a second, asking running(user) (1: a start by another face,
 * the CLI or the console; -1: the container is gone). Returns 1 with *fd a
 * stream handed over, 0 when the container started without one for this
 * waiter, -1 when the client left or the container went. */
int attach_wait(struct attach_waits *w, const char *container_id, int client_fd,
		int (*running)(void *user), void *user, int *fd);

/* A start of this daemon begins: whether an attach waits for it. Each
 * call is followed by attach_hand_over. */
bool attach_start_begin(struct attach_waits *w, const char *container_id);

/* After a start: the stream to the first waiter (closed when none
 * remains, or -1 when the start made none), and every waiter woken. */
void attach_hand_over(struct attach_waits *w, const char *container_id, int fd);

#endif
