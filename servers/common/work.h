/* SPDX-License-Identifier: MIT */
/*
 * What a request costs besides its I/O: --work-us burns CPU (a computation),
 * --sleep-us blocks the thread (a call to a database). Both run inside the
 * server's own loop, so an event loop stalls for every client while they do.
 */
#ifndef WHYSERVE_WORK_H
#define WHYSERVE_WORK_H

/* Measures how fast this CPU spins (only when work_us > 0). 0 or -errno. */
int work_init(long work_us, long sleep_us);
/* Called once per request answered 200. */
void work_request(void);

#endif
