/* SPDX-License-Identifier: MIT */
/*
 * A test program is a list of cases. Each case runs in a child process of
 * its own (in its own process group, so whatever it starts is killed with
 * it), under a time limit, and prints one line for tests/run to count:
 *   PASS name | FAIL name: first failed check | SKIP name: why
 *
 *   static void keeps_alive(void)
 *   {
 *           if (!CHECK(x == 1, "x is %d", x))
 *                   return;
 *   }
 *   static const struct test_case cases[] = { TEST(keeps_alive), };
 *   TEST_MAIN(cases)
 */
#ifndef WHYSERVE_TESTS_CHECK_H
#define WHYSERVE_TESTS_CHECK_H

#include <stdbool.h>
#include <stddef.h>

struct test_case {
	const char *name;
	void (*run)(void);
	int timeout_s; /* 0: 60 s */
};

/* clang-format off */
#define TEST(fn) { #fn, fn, 0 }
#define TEST_SLOW(fn, secs) { #fn, fn, secs }
/* clang-format on */

int test_main(int argc, char **argv, const struct test_case *cases, size_t n);
#define TEST_MAIN(cases)                                                                           \
	int main(int argc, char **argv)                                                            \
	{                                                                                          \
		return test_main(argc, argv, cases, sizeof(cases) / sizeof((cases)[0]));           \
	}

/* Records a failure (the first one becomes the FAIL reason) and returns ok. */
bool check_(bool ok, const char *file, int line, const char *expr, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
#define CHECK(cond, ...) check_(!!(cond), __FILE__, __LINE__, #cond, __VA_ARGS__)

/* Ends the current case as skipped. Only after probing the missing feature. */
void test_skip(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void test_require_root(void);

/* Run as a case's process ends (passed, failed or skipped): what it made
 * for itself only, removed. NULL: nothing to do. */
extern void (*test_case_end)(void);

/* Directory holding the built binaries (build/), found from this program. */
const char *test_bin_dir(void);

/* Milliseconds on the monotonic clock, for deadlines. */
long long now_ms(void);

/*
 * Wait for a condition with a deadline, never a fixed sleep:
 *   WAIT_UNTIL(count(pid) == 0, 5000)  -> true if it became true in time
 */
#define WAIT_UNTIL(cond, timeout_ms)                                                               \
	({                                                                                         \
		long long deadline_ = now_ms() + (timeout_ms);                                     \
		bool ok_;                                                                          \
		while (!(ok_ = (cond)) && now_ms() < deadline_)                                    \
			poll_pause_();                                                             \
		ok_;                                                                               \
	})
void poll_pause_(void);

#endif
