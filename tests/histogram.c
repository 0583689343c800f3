// SPDX-License-Identifier: MIT
/* The load generator's latency histogram: percentiles within 1% of the
 * exact ones, merge, reset, range. */
#include "harness/load/histogram.h"
#include "tests/lib/check.h"

#include <math.h>
#include <errno.h>
#include <stdlib.h>

#define N 1000000

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t rng = 88172645463325252ULL;

static double uniform(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (rng >> 11) * (1.0 / 9007199254740992.0);
}

/* exact: the value of rank ceil(p/100 * n), as the histogram defines it */
static uint64_t exact(const uint64_t *sorted, size_t n, double p)
{
	size_t rank = (size_t)ceil(p / 100 * n);

	return sorted[(rank ? rank : 1) - 1];
}

static void compare(uint64_t *v, size_t n, const char *what)
{
	static const double ps[] = { 0.1, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100 };
	struct histogram h;
	double sum = 0, sq = 0, mean;

	if (!CHECK(histogram_init(&h, HISTOGRAM_PRECISE) == 0, "init"))
		return;
	for (size_t i = 0; i < n; i++)
		histogram_record(&h, v[i]);
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t i = 0; i < sizeof(ps) / sizeof(ps[0]); i++) {
		double want = exact(v, n, ps[i]), got = histogram_percentile(&h, ps[i]);

		CHECK(fabs(got - want) <= 0.01 * want, "%s p%g: %.0f ns, exact %.0f ns", what,
		      ps[i], got, want);
	}
	CHECK(h.min == v[0] && h.max == v[n - 1], "%s min/max exact", what);
	CHECK(h.total == n, "%s total %llu", what, (unsigned long long)h.total);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	mean = sum / n;
	for (size_t i = 0; i < n; i++)
		sq += (v[i] - mean) * (v[i] - mean);
	CHECK(fabs(histogram_mean(&h) - mean) <= 1e-9 * mean, "%s mean %.1f, exact %.1f", what,
	      histogram_mean(&h), mean);
	CHECK(fabs(histogram_stdev(&h) - sqrt(sq / (n - 1))) <= 0.01 * sqrt(sq / (n - 1)),
	      "%s stdev %.1f, exact %.1f", what, histogram_stdev(&h), sqrt(sq / (n - 1)));
	histogram_free(&h);
}

/* 1,000,000 values spread evenly over the logarithm of 1 µs .. 60 s */
static void percentiles_match_sorted_log_uniform(void)
{
	uint64_t *v = malloc(N * sizeof(*v));

	for (size_t i = 0; i < N; i++)
		v[i] = (uint64_t)exp(log(1e3) + uniform() * (log(60e9) - log(1e3)));
	compare(v, N, "log-uniform");
	free(v);
}

/* 1,000,000 loopback-like latencies: most near 80 µs, a tail to 50 ms */
static void percentiles_match_sorted_loopback_like(void)
{
	uint64_t *v = malloc(N * sizeof(*v));

	for (size_t i = 0; i < N; i++) {
		double u = uniform();

		v[i] = u < 0.99 ? 60000 + uniform() * 40000 : 100000 + uniform() * 50e6;
	}
	compare(v, N, "loopback-like");
	free(v);
}

static void merge_equals_recording_all(void)
{
	struct histogram a, b, all;
	bool same = true;

	histogram_init(&a, HISTOGRAM_PRECISE);
	histogram_init(&b, HISTOGRAM_PRECISE);
	histogram_init(&all, HISTOGRAM_PRECISE);
	for (int i = 0; i < 100000; i++) {
		uint64_t x = (uint64_t)(uniform() * 1e9);

		histogram_record(i % 3 ? &a : &b, x);
		histogram_record(&all, x);
	}
	CHECK(histogram_merge(&a, &b) == 0, "merge");
	for (size_t i = 0; i < all.nbuckets; i++)
		same &= a.counts[i] == all.counts[i];
	CHECK(same && a.total == all.total && a.sum == all.sum && a.min == all.min &&
		      a.max == all.max,
	      "merged differs from recorded");
	histogram_init(&b, HISTOGRAM_COARSE);
	CHECK(histogram_merge(&a, &b) == -EINVAL, "precisions differ: refused");
	histogram_free(&a);
	histogram_free(&b);
	histogram_free(&all);
}

static void reset_and_range(void)
{
	struct histogram h;

	histogram_init(&h, HISTOGRAM_PRECISE);
	CHECK(histogram_percentile(&h, 50) == 0 && histogram_mean(&h) == 0, "empty is 0");
	histogram_record(&h, 120 * HISTOGRAM_MAX_NS);
	CHECK(h.max == HISTOGRAM_MAX_NS && histogram_percentile(&h, 99) == HISTOGRAM_MAX_NS,
	      "clamped at 60 s: %llu", (unsigned long long)h.max);
	histogram_reset(&h);
	CHECK(h.total == 0 && h.max == 0 && histogram_percentile(&h, 99) == 0, "reset");
	/* exact at the low end: 1 µs resolves to within 1% */
	for (uint64_t ns = 1000; ns < 2000; ns += 7) {
		histogram_reset(&h);
		histogram_record(&h, ns);
		histogram_record(&h, ns);
		CHECK(fabs((double)histogram_percentile(&h, 50) - ns) <= 0.01 * ns, "%llu ns",
		      (unsigned long long)ns);
	}
	histogram_free(&h);
}

static const struct test_case cases[] = {
	TEST(percentiles_match_sorted_log_uniform),
	TEST(percentiles_match_sorted_loopback_like),
	TEST(merge_equals_recording_all),
	TEST(reset_and_range),
};

TEST_MAIN(cases)
