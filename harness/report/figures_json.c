// SPDX-License-Identifier: MIT
#include "harness/report/figures_json.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

/* Every number in struct figures, by its name in results.json. */
#define D(field) { #field, offsetof(struct figures, field), false }
#define I(field) { #field, offsetof(struct figures, field), true }
static const struct {
	const char *name;
	size_t offset;
	bool is_int;
} fields[] = {
	I(connections), I(backlog), I(somaxconn), I(workers), I(server_cpus), I(load_cpus),
	D(sleep_us), D(work_us), D(duration_s),
	D(requests), D(rps), D(p50_us), D(p99_us), D(max_us), D(errors), D(timeouts),
	D(resets), D(refused), D(connect_timeouts), D(broken_pipes), D(bad_responses),
	D(unanswered), D(unanswered_wait_us),
	D(cpu_us), D(load_cpu_us),
	D(aq_enqueues), D(aq_max), D(aq_limit), D(aq_at_limit_share),
	D(listen_overflows), D(listen_drops),
	D(vol_switches), D(invol_switches), D(runq_p99_us), D(procs_created),
	D(threads_created), D(max_threads), D(migrations),
	D(syscalls),
	D(uring_sqes), D(uring_cqes), D(uring_punted), D(uring_waits),
};
#undef D
#undef I

static json_t *number(double v)
{
	return isnan(v) ? json_null() : json_real(v);
}

json_t *figures_to_json(const struct figures *f)
{
	json_t *o = json_object(), *sys = json_array();

	json_object_set_new(o, "model", json_string(f->model));
	json_object_set_new(o, "scenario", json_string(f->scenario));
	json_object_set_new(o, "keep_alive", json_boolean(f->keep_alive));
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *p = (const char *)f + fields[i].offset;

		json_object_set_new(o, fields[i].name,
				    fields[i].is_int ? json_integer(*(const int *)p)
						     : number(*(const double *)p));
	}
	for (int i = 0; i < f->nsyscalls; i++)
		json_array_append_new(sys, json_pack("{s:s, s:f, s:f, s:f}", "name",
						     f->sys[i].name, "calls", f->sys[i].calls,
						     "total_us", f->sys[i].total_us, "max_us",
						     f->sys[i].max_us));
	json_object_set_new(o, "syscalls_by_time", sys);
	return o;
}

int figures_from_json(const json_t *j, struct figures *f)
{
	const json_t *sys, *v;
	size_t i;

	figures_init(f);
	if (!json_is_object(j))
		return -EINVAL;
	snprintf(f->model, sizeof(f->model), "%s", json_string_value(json_object_get(j, "model")) ?: "");
	snprintf(f->scenario, sizeof(f->scenario), "%s",
		 json_string_value(json_object_get(j, "scenario")) ?: "");
	f->keep_alive = json_is_true(json_object_get(j, "keep_alive"));
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char *p = (char *)f + fields[i].offset;

		v = json_object_get(j, fields[i].name);
		if (!v || json_is_null(v))
			continue; /* stays NAN: not measured */
		if (!json_is_number(v))
			return -EINVAL;
		if (fields[i].is_int)
			*(int *)p = json_integer_value(v);
		else
			*(double *)p = json_number_value(v);
	}
	sys = json_object_get(j, "syscalls_by_time");
	json_array_foreach(sys, i, v) {
		struct syscall_figure *s;

		if (f->nsyscalls == FIG_MAX_SYSCALLS)
			break;
		s = &f->sys[f->nsyscalls++];
		snprintf(s->name, sizeof(s->name), "%s",
			 json_string_value(json_object_get(v, "name")) ?: "?");
		s->calls = json_number_value(json_object_get(v, "calls"));
		s->total_us = json_number_value(json_object_get(v, "total_us"));
		s->max_us = json_number_value(json_object_get(v, "max_us"));
	}
	return 0;
}

json_t *findings_to_json(const struct finding *fs, int n)
{
	json_t *a = json_array();

	for (int i = 0; i < n; i++) {
		json_t *ev = json_object();

		for (int k = 0; k < fs[i].nevidence; k++)
			json_object_set_new(ev, fs[i].ev[k].name, number(fs[i].ev[k].value));
		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:o}", "rule", fs[i].rule,
						   "confidence", fs[i].confidence, "text",
						   fs[i].text, "evidence", ev));
	}
	return a;
}
