// SPDX-License-Identifier: MIT
#include "probes/stats_json.h"

static const struct jm_field cost_fields[] = {
	JM_U64(struct prog_cost, "events", events),
	JM_U64(struct prog_cost, "run_ns", run_ns),
};

const struct jm_table prog_cost_json = {
	cost_fields,
	sizeof(cost_fields) / sizeof(cost_fields[0]),
};
