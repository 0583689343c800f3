// SPDX-License-Identifier: MIT
#include "harness/load/histogram.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int histogram_init(struct histogram *h, unsigned precision)
{
	memset(h, 0, sizeof(*h));
	if (precision < 1 || precision > 12)
		return -EINVAL;
	h->precision = precision;
	h->nbuckets = histogram_index(precision, HISTOGRAM_MAX_NS) + 1;
	h->counts = calloc(h->nbuckets, sizeof(*h->counts));
	if (!h->counts)
		return -ENOMEM;
	h->min = UINT64_MAX;
	return 0;
}

void histogram_free(struct histogram *h)
{
	free(h->counts);
	h->counts = NULL;
	h->nbuckets = 0;
}

void histogram_reset(struct histogram *h)
{
	memset(h->counts, 0, h->nbuckets * sizeof(*h->counts));
	h->total = h->sum = h->max = 0;
	h->min = UINT64_MAX;
}

int histogram_merge(struct histogram *dst, const struct histogram *src)
{
	if (dst->precision != src->precision)
		return -EINVAL;
	for (size_t i = 0; i < src->nbuckets; i++)
		dst->counts[i] += src->counts[i];
	dst->total += src->total;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	return 0;
}

uint64_t histogram_bucket_low(unsigned precision, size_t i)
{
	size_t sub = (size_t)1 << precision;
	unsigned shift;

	if (i < 2 * sub)
		return i;
	shift = (i >> precision) - 1;
	return (uint64_t)(i - ((size_t)shift << precision)) << shift;
}

/* The middle of bucket i: its values are [low, low + width). */
static uint64_t bucket_middle(unsigned precision, size_t i)
{
	size_t sub = (size_t)1 << precision;

	if (i < 2 * sub)
		return i;
	return histogram_bucket_low(precision, i) + ((1ULL << ((i >> precision) - 1)) >> 1);
}

static uint64_t clamp(const struct histogram *h, uint64_t v)
{
	return v < h->min ? h->min : v > h->max ? h->max : v;
}

uint64_t histogram_percentile(const struct histogram *h, double p)
{
	uint64_t rank, seen = 0;

	if (!h->total)
		return 0;
	if (p >= 100)
		return h->max;
	rank = (uint64_t)ceil(p / 100 * h->total);
	if (rank < 1)
		rank = 1;
	for (size_t i = 0; i < h->nbuckets; i++) {
		seen += h->counts[i];
		if (seen >= rank)
			return clamp(h, bucket_middle(h->precision, i));
	}
	return h->max;
}

double histogram_mean(const struct histogram *h)
{
	return h->total ? (double)h->sum / h->total : 0;
}

double histogram_stdev(const struct histogram *h)
{
	double mean = histogram_mean(h), var = 0;

	if (h->total < 2)
		return 0;
	for (size_t i = 0; i < h->nbuckets; i++)
		if (h->counts[i]) {
			double d = clamp(h, bucket_middle(h->precision, i)) - mean;
			var += d * d * h->counts[i];
		}
	return sqrt(var / (h->total - 1));
}
