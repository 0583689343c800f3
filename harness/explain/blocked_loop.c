// SPDX-License-Identifier: MIT
/*
 * An event loop that blocks outside its wait call serves none of its
 * connections meanwhile. Told from what the kernel saw, not from what the
 * handler was asked to do: the time account's blocked time by syscall,
 * every call but those that wait on connections (a nanosleep, a blocking
 * read, a futex), for most of the time it did not wait for a CPU; without
 * the time account, the time inside the sleeps.
 */
#include "harness/explain/explain.h"
#include "harness/explain/say.h"

#include <stdio.h>
#include <string.h>

static const char *const SLEEPS[] = { "nanosleep", "clock_nanosleep", NULL };

static bool waits_on_connections(const char *name)
{
	for (int i = 0; WAIT_CALLS[i]; i++)
		if (!strcmp(WAIT_CALLS[i], name))
			return true;
	return false;
}

/* The time account's: blocked in calls other than the waits, and in which most. */
static double blocked_elsewhere(const struct figures *f, char *call, size_t len)
{
	double sum = 0, most = 0;

	for (int i = 0; i < f->nsyscalls; i++) {
		const struct syscall_figure *s = &f->sys[i];

		if (!known(s->blocked_us) || waits_on_connections(s->name))
			continue;
		sum += s->blocked_us;
		if (s->blocked_us > most) {
			most = s->blocked_us;
			snprintf(call, len, "%s", s->name);
		}
	}
	return sum;
}

bool loop_blocked(const struct figures *f, struct loop_block *b)
{
	double alive;

	memset(b, 0, sizeof(*b));
	if (!f->traits.event_loop || !(f->requests > 0) || !(f->duration_s > 0))
		return false;
	if (known(f->life_us) && f->life_us > 0) {
		b->blocked_us = blocked_elsewhere(f, b->call, sizeof(b->call));
		/* of the time it did not wait for a CPU: that is the machine's */
		b->share =
			b->blocked_us / (f->life_us - (known(f->runnable_us) ? f->runnable_us : 0));
		/* the loops: the tasks alive, one a loop */
		alive = round(f->life_us / (f->duration_s * 1e6));
		b->loops = alive >= 1 ? alive : 1;
	} else {
		b->blocked_us = figures_syscall_time_us(f, SLEEPS);
		b->loops = f->workers;
		b->share = b->blocked_us / (f->duration_s * 1e6 * b->loops);
		snprintf(b->call, sizeof(b->call), "nanosleep");
	}
	if (!known(b->share) || b->share < LOOP_BLOCKED)
		return false;
	b->us_per_request = per_request(f, b->blocked_us);
	b->capacity_rps = b->loops * 1e6 / b->us_per_request;
	return true;
}
