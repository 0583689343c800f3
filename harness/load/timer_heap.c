// SPDX-License-Identifier: MIT
#include "harness/load/timer_heap.h"

#include <errno.h>
#include <stdlib.h>

int timer_heap_init(struct timer_heap *h, uint32_t cap)
{
	h->len = 0;
	h->cap = cap;
	h->items = calloc(cap ? cap : 1, sizeof(*h->items));
	return h->items ? 0 : -ENOMEM;
}

void timer_heap_free(struct timer_heap *h)
{
	free(h->items);
	h->items = NULL;
	h->len = h->cap = 0;
}

static void place(struct timer_heap *h, uint32_t i, struct timer *t)
{
	h->items[i] = t;
	t->index = i;
}

static void sift_up(struct timer_heap *h, uint32_t i)
{
	struct timer *t = h->items[i];

	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (h->items[parent]->due_ns <= t->due_ns)
			break;
		place(h, i, h->items[parent]);
		i = parent;
	}
	place(h, i, t);
}

static void sift_down(struct timer_heap *h, uint32_t i)
{
	struct timer *t = h->items[i];

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= h->len)
			break;
		if (c + 1 < h->len && h->items[c + 1]->due_ns < h->items[c]->due_ns)
			c++;
		if (t->due_ns <= h->items[c]->due_ns)
			break;
		place(h, i, h->items[c]);
		i = c;
	}
	place(h, i, t);
}

int timer_heap_add(struct timer_heap *h, struct timer *t, uint64_t due_ns)
{
	if (timer_pending(t))
		timer_heap_remove(h, t);
	if (h->len == h->cap)
		return -ENOSPC;
	t->due_ns = due_ns;
	place(h, h->len++, t);
	sift_up(h, t->index);
	return 0;
}

void timer_heap_remove(struct timer_heap *h, struct timer *t)
{
	uint32_t i = t->index;
	struct timer *last;

	if (!timer_pending(t))
		return;
	t->index = TIMER_IDLE;
	last = h->items[--h->len];
	if (i == h->len)
		return;
	place(h, i, last);
	sift_up(h, i);
	sift_down(h, last->index);
}
