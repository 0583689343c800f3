// SPDX-License-Identifier: MIT
#include "harness/report/sweep_json.h"
#include "harness/record/record.h"

#include <errno.h>
#include <stdlib.h>

static const struct jm_field step_fields[] = {
	JM_DOUBLE(struct sweep_step, "offered_rps", offered_rps),
	JM_INT(struct sweep_step, "connections", connections),
	JM_INT(struct sweep_step, "server_cpus", server_cpus),
	JM_DOUBLE(struct sweep_step, "rps", rps),
	JM_DOUBLE(struct sweep_step, "p50_us", p50_us),
	JM_DOUBLE(struct sweep_step, "p99_us", p99_us),
	JM_DOUBLE(struct sweep_step, "max_us", max_us),
	JM_DOUBLE(struct sweep_step, "errors", errors),
	JM_DOUBLE(struct sweep_step, "starved", starved),
	JM_DOUBLE(struct sweep_step, "aq_max", aq_max),
	JM_DOUBLE(struct sweep_step, "aq_limit", aq_limit),
	JM_DOUBLE(struct sweep_step, "listen_overflows", listen_overflows),
	JM_DOUBLE(struct sweep_step, "runq_p99_us", runq_p99_us),
	JM_DOUBLE(struct sweep_step, "cpu_busy", cpu_busy),
	JM_DOUBLE(struct sweep_step, "load_busy", load_busy),
	JM_DOUBLE(struct sweep_step, "load_cpus_busy", load_cpus_busy),
	JM_DOUBLE(struct sweep_step, "server_cpus_busy", server_cpus_busy),
	JM_DOUBLE(struct sweep_step, "cpu_us_per_request", cpu_us_per_request),
	JM_DOUBLE(struct sweep_step, "switches_per_request", switches_per_request),
	JM_DOUBLE(struct sweep_step, "syscalls_per_request", syscalls_per_request),
	JM_DOUBLE(struct sweep_step, "memory_bytes", memory_bytes),
	JM_DOUBLE(struct sweep_step, "memory_per_connection", memory_per_connection),
	JM_DOUBLE(struct sweep_step, "tasks", tasks),
	JM_BOOL(struct sweep_step, "client_behind", client_behind),
	JM_BOOL(struct sweep_step, "kept_up", kept_up),
	JM_STR(struct sweep_step, "limited_by", limited_by),
	JM_DOUBLE(struct sweep_step, "capacity_rps", capacity_rps),
};
JM_TABLE(step_table, step_fields);

static const char *const end_names[] = { "knee",	"client_bound", "never_saturated",
					 "below_start", "out_of_steps", "interrupted",
					 NULL };

static const struct jm_field knee_fields[] = {
	JM_ENUM(struct knee, "end", end, end_names),
	JM_INT(struct knee, "step", step),
	JM_INT(struct knee, "beyond", beyond),
	JM_DOUBLE(struct knee, "offered_rps", offered_rps),
	JM_DOUBLE(struct knee, "rps", rps),
	JM_DOUBLE(struct knee, "p99_us", p99_us),
	JM_STR(struct knee, "limited_by", limited_by),
	JM_DOUBLE(struct knee, "capacity_rps", capacity_rps),
	JM_DOUBLE(struct knee, "predicted_rps", predicted_rps),
	JM_STR(struct knee, "why", why),
};
JM_TABLE(knee_table, knee_fields);

static const struct jm_field behind_fields[] = {
	JM_STR(struct sweep_behind, "event_loop", event_loop),
	JM_INT(struct sweep_behind, "step", step),
	JM_INT(struct sweep_behind, "connections", connections),
};
JM_TABLE(behind_table, behind_fields);

static const struct jm_field sweep_fields[] = {
	JM_ARRAY(struct sweep, "steps", step, n, step_table),
	JM_OBJ(struct sweep, "knee", knee, knee_table),
	JM_DOUBLE(struct sweep, "memory_idle_bytes", memory_idle_bytes),
	JM_OBJ(struct sweep, "behind", behind, behind_table),
};
JM_TABLE(sweep_table, sweep_fields);

bool record_has_sweep(const void *base)
{
	return ((const struct experiment_record *)base)->sweep != NULL;
}

bool record_has_behind(const void *base)
{
	const struct experiment_record *e = base;

	return e->sweep && e->sweep->behind.event_loop[0];
}

bool record_has_knee(const void *base)
{
	const struct experiment_record *e = base;

	return e->sweep && e->scenario && e->scenario->kind == SCENARIO_RAMP;
}

/* one key of the sweep's object, written as the experiment's own */
static json_t *key_to(const void *m, const char *key)
{
	const struct sweep *s = *(struct sweep *const *)m;
	json_t *all = jm_to_json(s, &sweep_table), *v;

	v = json_incref(json_object_get(all, key));
	json_decref(all);
	return v;
}

static int key_from(const json_t *j, void *m, const char *key)
{
	struct sweep **s = m;
	json_t *one = json_object();
	int err;

	if (!*s && !(*s = calloc(1, sizeof(**s)))) {
		json_decref(one);
		return -ENOMEM;
	}
	if (!one || json_object_set(one, key, (json_t *)j)) {
		json_decref(one);
		return -ENOMEM;
	}
	err = jm_read(one, *s, &sweep_table);
	json_decref(one);
	return err;
}

/* the codec of one key of the sweep's object, as the experiment's own */
/* clang-format off */
#define SWEEP_KEY_CODEC(name, key)                                                                 \
	static json_t *name##_to(const void *m, const void *base)                                  \
	{                                                                                          \
		(void)base;                                                                        \
		return key_to(m, key);                                                             \
	}                                                                                          \
	static int name##_from(const json_t *j, void *m, void *base)                               \
	{                                                                                          \
		(void)base;                                                                        \
		return key_from(j, m, key);                                                        \
	}                                                                                          \
	const struct jm_codec sweep_##name##_codec = { name##_to, name##_from }
/* clang-format on */

SWEEP_KEY_CODEC(steps, "steps");
SWEEP_KEY_CODEC(knee, "knee");
SWEEP_KEY_CODEC(idle, "memory_idle_bytes");
SWEEP_KEY_CODEC(behind, "behind");
