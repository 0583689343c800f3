/* SPDX-License-Identifier: MIT */
/* A binary min-heap of timers, each embedded in its owner (container_of):
 * the load generator's scheduled sends, think times and retries. */
#ifndef WHYSERVE_HARNESS_TIMER_HEAP_H
#define WHYSERVE_HARNESS_TIMER_HEAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIMER_IDLE UINT32_MAX /* not in the heap */

struct timer {
	uint64_t due_ns;
	uint32_t index;
};

struct timer_heap {
	struct timer **items;
	uint32_t len, cap;
};

/* Room for cap timers: adding never allocates. 0 or -ENOMEM. */
int timer_heap_init(struct timer_heap *h, uint32_t cap);
void timer_heap_free(struct timer_heap *h);
/* Sets t->due_ns and (re)places t. -ENOSPC if full. */
int timer_heap_add(struct timer_heap *h, struct timer *t, uint64_t due_ns);
void timer_heap_remove(struct timer_heap *h, struct timer *t);
/* The earliest timer, or NULL. */
static inline struct timer *timer_heap_first(const struct timer_heap *h)
{
	return h->len ? h->items[0] : NULL;
}
static inline bool timer_pending(const struct timer *t)
{
	return t->index != TIMER_IDLE;
}

#endif
