/* SPDX-License-Identifier: MIT */
/*
 * A log2 histogram in results.json, {"unit": "nsecs", "counts": [c0, c1, ...]},
 * where counts[s] is the number of values in [2^s, 2^(s+1)) (slot 0 also
 * holds 0), trimmed after the last non-zero slot: a codec for the
 * common/json_map.h tables of the probes' stats, one per unit written
 * (reading takes any unit).
 *
 *   JM_CODEC(struct sched_stats, "runq", runq, log2_hist_nsecs_json),
 */
#ifndef WHYSERVE_HIST_JSON_H
#define WHYSERVE_HIST_JSON_H

#include "common/json_map.h"
#include "probes/hist.h"

extern const struct jm_codec log2_hist_nsecs_json; /* "unit": "nsecs" */
extern const struct jm_codec log2_hist_depth_json; /* "unit": "depth" */

#endif
