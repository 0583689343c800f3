// SPDX-License-Identifier: MIT
/*
 * A struct metrics rebuilt from one experiment's record in results.json,
 * for `harness report`: every part from its own from_json, the inverse of
 * the to_json that wrote it, and printed by the printers the run used.
 */
#include "harness/report/figures_json.h"
#include "harness/record/record.h"

#include <errno.h>
#include <stdlib.h>

/* A record's metrics and what they point to. */
struct rebuilt {
	struct metrics m;
	struct figures fig;
	struct finding fs[FINDINGS_MAX];
	struct load_result load;
	struct probes probes;
	struct probes_stats stats;
	cpu_set_t server_cpus;
	int load_cpus[CPU_SETSIZE];
};

static const json_t *get(const json_t *o, const char *a, const char *b)
{
	return json_object_get(json_object_get(o, a), b);
}

static int rebuild(const json_t *e, struct rebuilt *r, const char **argv)
{
	struct metrics *m = &r->m;
	const json_t *v;
	size_t i;

	m->model = model_find(json_string_value(json_object_get(e, "model")) ?: "");
	m->scenario = scenario_find(json_string_value(json_object_get(e, "scenario")) ?: "");
	json_array_foreach(get(e, "server", "argv"), i, v)
		argv[i] = json_string_value(v) ?: "";
	if (!m->model || !m->scenario || !argv[0])
		return -EINVAL;
	m->server_argv = argv;
	m->server_line = json_string_value(get(e, "server", "startup"));
	m->server_stderr = json_string_value(get(e, "server", "stderr"));
	m->server_status = json_integer_value(get(e, "server", "exit_status"));
	json_array_foreach(get(e, "server", "cpus"), i, v)
		CPU_SET(json_integer_value(v), &r->server_cpus);
	m->server_cpus = &r->server_cpus;
	json_array_foreach(get(e, "load_placement", "cpus"), i, v)
		if (i < CPU_SETSIZE)
			r->load_cpus[m->nload_cpus++] = json_integer_value(v);
	m->load_cpus = r->load_cpus;
	m->netns = json_is_true(get(e, "load_placement", "netns"));
	m->sysctls = (json_t *)get(e, "load_placement", "sysctls");
	m->cpu_us = json_number_value(get(e, "cpu", "usage_us"));
	m->cpu_user_us = json_number_value(get(e, "cpu", "user_us"));
	m->cpu_system_us = json_number_value(get(e, "cpu", "system_us"));
	m->load_cpu_us = json_number_value(get(e, "cpu", "load_us"));
	m->load = &r->load;
	m->probes = &r->probes;
	m->stats = &r->stats;
	return figures_from_json(json_object_get(e, "figures"), &r->fig)
	       ?: load_result_from_json(json_object_get(e, "load"), &r->load)
	       ?: probes_from_json(json_object_get(e, "probes"), &r->probes, &r->stats);
}

char *metrics_summary_from_json(const json_t *record, int *err)
{
	const char **argv = calloc(json_array_size(get(record, "server", "argv")) + 1,
				   sizeof(*argv));
	struct rebuilt *r = calloc(1, sizeof(*r));
	char *text = NULL;

	*err = r && argv ? rebuild(record, r, argv) : -ENOMEM;
	if (!*err) {
		/* the findings as the run made them: from the same figures */
		int n = explain_experiment(&r->fig, r->fs, FINDINGS_MAX);

		text = metrics_summary(&r->m, &r->fig, r->fs, n);
		if (!text)
			*err = -ENOMEM;
	}
	if (r)
		load_result_free(&r->load);
	free(r);
	free(argv);
	return text;
}
