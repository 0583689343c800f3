/* SPDX-License-Identifier: MIT */
/* A log2 histogram in results.json: {"unit": "nsecs", "counts": [c0, c1, ...]}
 * where counts[s] is the number of values in [2^s, 2^(s+1)) (slot 0 also
 * holds 0), trimmed after the last non-zero slot. */
#ifndef WHYSERVE_HIST_JSON_H
#define WHYSERVE_HIST_JSON_H

#include <jansson.h>
#include "probes/hist.h"

json_t *log2_hist_to_json(const struct log2_hist *h, const char *unit);
/* The inverse: 0, or -EINVAL when j is not such a histogram. */
int log2_hist_from_json(const json_t *j, struct log2_hist *h);

#endif
