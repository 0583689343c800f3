/* SPDX-License-Identifier: MIT */
/*
 * What the stats of every probe write alike in results.json, as fields of
 * their common/json_map.h tables: "cost" ({"events": N, "run_ns": N}, its
 * struct prog_cost) and "missing" (its why).
 *
 *   static const struct jm_field sched_fields[] = {
 *           JM_U64(struct sched_stats, "voluntary", voluntary), ...
 *           STATS_COST(struct sched_stats),
 *           STATS_MISSING(struct sched_stats, has_why),
 *   };
 */
#ifndef WHYSERVE_STATS_JSON_H
#define WHYSERVE_STATS_JSON_H

#include "common/json_map.h"
#include "probes/prog_stats.h"

extern const struct jm_table prog_cost_json;

#define STATS_COST(type) JM_OBJ(type, "cost", cost, prog_cost_json)
/* written when when(stats) says so; NULL: always */
/* clang-format off */
#define STATS_MISSING(type, when)                                                   \
	{ JM_FIELD("missing", JM_M(type, why), JM_STR), .size = sizeof(((type *)0)->why), \
	  .present = (when) }
/* clang-format on */

#endif
