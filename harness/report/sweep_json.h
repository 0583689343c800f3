/* SPDX-License-Identifier: MIT */
/* A sweep's steps and knee in results.json, and back: an experiment's
 * "steps", "knee" (ramp), "behind" (conns) and "memory_idle_bytes",
 * written only for a sweep. */
#ifndef WHYSERVE_HARNESS_SWEEP_JSON_H
#define WHYSERVE_HARNESS_SWEEP_JSON_H

#include "common/json_map.h"

/* codecs of an experiment_record's sweep member (a struct sweep *) */
extern const struct jm_codec sweep_steps_codec, sweep_knee_codec, sweep_idle_codec,
	sweep_behind_codec;
/* the record's a sweep; it's a ramp (a knee to say) */
bool record_has_sweep(const void *experiment_record);
bool record_has_knee(const void *experiment_record);
/* conns: it was held against an event loop */
bool record_has_behind(const void *experiment_record);

#endif
