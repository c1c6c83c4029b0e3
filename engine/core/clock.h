/* Wall-clock and monotonic time in nanoseconds. */
#ifndef BERTH_CORE_CLOCK_H
#define BERTH_CORE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t clock_now_nanos(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int64_t clock_mono_nanos(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
