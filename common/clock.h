/* SPDX-License-Identifier: MIT */
/* The monotonic clock, for deadlines and durations: one reading, in ns or
 * ms (through the vDSO: no syscall). */
#ifndef WHYSERVE_CLOCK_H
#define WHYSERVE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline int64_t mono_ms(void)
{
	return mono_ns() / 1000000;
}

#endif
