/* SPDX-License-Identifier: MIT */
/* The one printer of log2 histograms, in the picture bcc's tools draw:
 *
 *      usecs               : count     distribution
 *          0 -> 1          : 3        |*                                       |
 *          2 -> 3          : 81       |****************************************|
 */
#ifndef WHYSERVE_HIST_PRINT_H
#define WHYSERVE_HIST_PRINT_H

#include <stdio.h>
#include "probes/hist.h"

/*
 * unit names the values ("nsecs", "usecs", "depth"); with scale_ns_to_us
 * nanosecond slots are drawn as microseconds (slots below 1 µs fold into
 * the first line), which is what bcc users read.
 */
void print_log2_hist(FILE *f, const struct log2_hist *h, const char *unit);
void print_log2_hist_ns_as_us(FILE *f, const struct log2_hist *h);

__u64 log2_hist_total(const struct log2_hist *h);
/* The upper bound of the slot holding the p-th percentile (0 < p <= 100). */
__u64 log2_hist_percentile(const struct log2_hist *h, double p);

#endif
