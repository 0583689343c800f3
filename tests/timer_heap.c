// SPDX-License-Identifier: MIT
/* The load generator's timer heap: timers come out in due order, removed
 * and re-added ones included. */
#include "harness/load/timer_heap.h"
#include "tests/lib/check.h"

#include <errno.h>
#include <stdlib.h>

#define N 5000

static void pops_in_due_order(void)
{
	static struct timer t[N];
	struct timer_heap h;
	uint64_t last = 0, x = 12345;
	unsigned n = 0;

	if (!CHECK(timer_heap_init(&h, N) == 0, "init"))
		return;
	for (int i = 0; i < N; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		t[i].index = TIMER_IDLE;
		timer_heap_add(&h, &t[i], x >> 40);
	}
	/* move some, remove some */
	for (int i = 0; i < N; i += 7)
		timer_heap_add(&h, &t[i], t[i].due_ns / 2);
	for (int i = 3; i < N; i += 11)
		timer_heap_remove(&h, &t[i]);
	CHECK(!timer_pending(&t[3]) && timer_pending(&t[4]), "pending flags");
	CHECK(timer_heap_add(&h, &t[3], 1) == 0, "re-add");
	for (struct timer *f; (f = timer_heap_first(&h)); n++) {
		if (!CHECK(f->due_ns >= last, "out of order: %llu after %llu",
			   (unsigned long long)f->due_ns, (unsigned long long)last))
			break;
		last = f->due_ns;
		timer_heap_remove(&h, f);
	}
	CHECK(n == N - (N - 3 + 10) / 11 + 1, "popped %u", n);
	timer_heap_free(&h);
}

static void full_heap_refuses(void)
{
	struct timer a = { .index = TIMER_IDLE }, b = { .index = TIMER_IDLE };
	struct timer_heap h;

	timer_heap_init(&h, 1);
	CHECK(timer_heap_add(&h, &a, 5) == 0, "first");
	CHECK(timer_heap_add(&h, &b, 5) == -ENOSPC, "no room");
	CHECK(timer_heap_add(&h, &a, 9) == 0 && a.due_ns == 9, "moving one needs no room");
	timer_heap_free(&h);
}

static const struct test_case cases[] = {
	TEST(pops_in_due_order),
	TEST(full_heap_refuses),
};

TEST_MAIN(cases)
