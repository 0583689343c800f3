/* SPDX-License-Identifier: MIT */
/*
 * A log-linear latency histogram, HDR style: each power of two is split
 * into 2^precision linear sub-buckets, so a value is known to within
 * 1/2^precision of itself (precision 7: at most 0.4% off, reporting the
 * middle of a bucket). Values are nanoseconds, exact below 2^(precision+1)
 * ns and clamped at HISTOGRAM_MAX_NS (60 s). Recording is a few
 * instructions and never allocates; merge adds two histograms of the same
 * precision.
 */
#ifndef WHYSERVE_HARNESS_HISTOGRAM_H
#define WHYSERVE_HARNESS_HISTOGRAM_H

#include <stddef.h>
#include <stdint.h>

#define HISTOGRAM_MAX_NS  60000000000ULL
#define HISTOGRAM_PRECISE 7 /* <= 0.4% error: the run's latency */
#define HISTOGRAM_COARSE  4 /* <= 3.2% error: per-second series */

struct histogram {
	unsigned precision;
	size_t nbuckets;
	uint64_t *counts;
	uint64_t total;
	uint64_t sum; /* exact, for the mean */
	uint64_t min, max;
};

/* 0 or -ENOMEM / -EINVAL (precision 1..12). */
int histogram_init(struct histogram *h, unsigned precision);
void histogram_free(struct histogram *h);
void histogram_reset(struct histogram *h);
/* dst += src; both of one precision. 0 or -EINVAL. */
int histogram_merge(struct histogram *dst, const struct histogram *src);

/* Value at percentile p (0 < p <= 100): the middle of the bucket holding
 * the value of rank ceil(p/100 * total), within [min, max]; 0 if empty. */
uint64_t histogram_percentile(const struct histogram *h, double p);
double histogram_mean(const struct histogram *h);
double histogram_stdev(const struct histogram *h);
/* The smallest value bucket i holds (histogram_index() of it is i). */
uint64_t histogram_bucket_low(unsigned precision, size_t i);

static inline size_t histogram_index(unsigned precision, uint64_t v)
{
	unsigned e = 63 - __builtin_clzll(v | 1); /* floor(log2 v) */
	unsigned shift = e > precision ? e - precision : 0;

	return ((size_t)shift << precision) + (v >> shift);
}

static inline void histogram_record(struct histogram *h, uint64_t ns)
{
	if (ns > HISTOGRAM_MAX_NS)
		ns = HISTOGRAM_MAX_NS;
	h->counts[histogram_index(h->precision, ns)]++;
	h->total++;
	h->sum += ns;
	if (ns < h->min)
		h->min = ns;
	if (ns > h->max)
		h->max = ns;
}

#endif
