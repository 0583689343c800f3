// SPDX-License-Identifier: MIT
#include "tests/lib/buckets.h"

#include <math.h>

/* how many values all of them hold in buckets starting at low */
static uint64_t count_at(const json_t *const hists[], unsigned n, uint64_t low)
{
	uint64_t count = 0;

	for (unsigned i = 0; i < n; i++) {
		const json_t *lows = json_object_get(hists[i], "low_ns"),
			     *counts = json_object_get(hists[i], "counts");

		for (size_t k = 0; k < json_array_size(lows); k++)
			if ((uint64_t)json_integer_value(json_array_get(lows, k)) == low)
				count += json_integer_value(json_array_get(counts, k));
	}
	return count;
}

/* the lowest bucket start at or above from, or UINT64_MAX */
static uint64_t next_low(const json_t *const hists[], unsigned n, uint64_t from)
{
	uint64_t next = UINT64_MAX;

	for (unsigned i = 0; i < n; i++) {
		const json_t *lows = json_object_get(hists[i], "low_ns");

		for (size_t k = 0; k < json_array_size(lows); k++) {
			uint64_t l = json_integer_value(json_array_get(lows, k));

			if (l >= from && l < next)
				next = l;
		}
	}
	return next;
}

uint64_t buckets_percentile(const json_t *const hists[], unsigned n, double p)
{
	uint64_t total = 0, rank, seen = 0, low = 0;

	for (unsigned i = 0; i < n; i++) {
		const json_t *counts = json_object_get(hists[i], "counts");

		for (size_t k = 0; k < json_array_size(counts); k++)
			total += json_integer_value(json_array_get(counts, k));
	}
	if (!total)
		return 0;
	rank = (uint64_t)ceil(p / 100 * total);
	/* walk the buckets from the lowest, over every histogram at once */
	for (uint64_t from = 0; (low = next_low(hists, n, from)) != UINT64_MAX; from = low + 1) {
		seen += count_at(hists, n, low);
		if (seen >= rank)
			break;
	}
	return low;
}
