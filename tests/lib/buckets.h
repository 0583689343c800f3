/* SPDX-License-Identifier: MIT */
/* Percentiles counted from histograms' buckets as results.json keeps them
 * ({"low_ns": [...], "counts": [...]}), several together as if merged:
 * an independent check of a merged histogram's percentiles. */
#ifndef WHYSERVE_TESTS_BUCKETS_H
#define WHYSERVE_TESTS_BUCKETS_H

#include <jansson.h>
#include <stdint.h>

/* The low end of the bucket holding the value of rank ceil(p/100 * total)
 * over all n histograms' buckets; 0 if they are empty. */
uint64_t buckets_percentile(const json_t *const hists[], unsigned n, double p);

#endif
