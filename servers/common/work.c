// SPDX-License-Identifier: MIT
#include "servers/common/work.h"

#include <errno.h>
#include <stdint.h>
#include <time.h>

static uint64_t work_iters; /* spins that take --work-us of CPU */
static struct timespec sleep_ts;
static volatile uint64_t sink; /* keeps the spin from being optimised away */

/* xorshift: a dependent chain of ALU operations the compiler cannot shorten */
static uint64_t spin(uint64_t iters)
{
	uint64_t x = 88172645463325252ULL;

	for (uint64_t i = 0; i < iters; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

static double thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/*
 * Spins per microsecond of this thread's CPU time: CPU time, not wall time,
 * so being preempted while measuring does not skew it. The best of three.
 */
static double spins_per_us(void)
{
	double best = 0;

	for (int run = 0; run < 3; run++) {
		uint64_t iters = 1 << 16;

		for (;;) {
			double t0 = thread_cpu_us(), dt;

			sink = spin(iters);
			dt = thread_cpu_us() - t0;
			if (dt >= 10000) {
				if (iters / dt > best)
					best = iters / dt;
				break;
			}
			iters *= 2;
		}
	}
	return best;
}

int work_init(long work_us, long sleep_us)
{
	if (work_us < 0 || sleep_us < 0)
		return -EINVAL;
	if (work_us)
		work_iters = (uint64_t)(work_us * spins_per_us());
	sleep_ts.tv_sec = sleep_us / 1000000;
	sleep_ts.tv_nsec = sleep_us % 1000000 * 1000;
	return 0;
}

void work_request(void)
{
	struct timespec left = sleep_ts;

	if (work_iters)
		sink = spin(work_iters);
	if (left.tv_sec || left.tv_nsec)
		while (nanosleep(&left, &left) && errno == EINTR)
			;
}
