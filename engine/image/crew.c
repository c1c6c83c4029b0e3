/* The worker threads of a pull or a push (see internal.h): n threads take
 * jobs until none is left, while the command's own thread wakes every
 * 100 ms (or when a worker changes something) to report progress and to
 * pass a cancellation on. Only the command's thread reports: a face's
 * progress callback never runs on two threads at once. */
#include <errno.h>
#include <time.h>

#include "engine/image/internal.h"

#define REPORT_INTERVAL_NS 100000000L
#define CREW_MAX 64

void image_crew_init(struct image_crew *c)
{
	pthread_mutex_init(&c->lock, NULL);
	pthread_cond_init(&c->changed, NULL);
	c->running = 0;
	c->cancel = 0;
}

void image_crew_destroy(struct image_crew *c)
{
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->changed);
}

void image_crew_changed(struct image_crew *c)
{
	pthread_cond_broadcast(&c->changed);
}

void image_crew_leave(struct image_crew *c)
{
	c->running--;
	pthread_cond_broadcast(&c->changed);
}

int image_crew_run(struct image_crew *c, const struct image_env *env, int n,
		   void *(*work)(void *arg), void (*report)(void *arg), void *arg, berr *err)
{
	pthread_t threads[CREW_MAX];
	int started = 0;

	if (n > CREW_MAX)
		n = CREW_MAX;
	pthread_mutex_lock(&c->lock);
	c->running = n;
	pthread_mutex_unlock(&c->lock);
	for (; started < n; started++)
		if (pthread_create(&threads[started], NULL, work, arg) != 0)
			break;
	pthread_mutex_lock(&c->lock);
	c->running -= n - started;
	pthread_mutex_unlock(&c->lock);
	if (started == 0)
		return berr_errno(err, EAGAIN, "start worker threads");
	for (;;) {
		struct timespec until;
		bool running;

		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += REPORT_INTERVAL_NS;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_mutex_lock(&c->lock);
		if (c->running > 0)
			pthread_cond_timedwait(&c->changed, &c->lock, &until);
		running = c->running > 0;
		pthread_mutex_unlock(&c->lock);
		if (env->cmd && cmd_cancelled(env->cmd))
			c->cancel = 1;
		report(arg);
		if (!running)
			break;
	}
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	return 0;
}
