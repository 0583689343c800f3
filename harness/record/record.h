/* SPDX-License-Identifier: MIT */
/*
 * The metrics of one experiment: the one record of everything measured for
 * one model in one scenario. Every output is a view of it: the figures the
 * rules reason over, the JSON in results.json, the trace summary.
 */
#ifndef WHYSERVE_HARNESS_METRICS_H
#define WHYSERVE_HARNESS_METRICS_H

#include <jansson.h>
#include <sched.h>
#include <stdbool.h>

#include "harness/record/catalog.h"
#include "harness/explain/explain.h"
#include "harness/explain/figures.h"
#include "harness/load/load.h"
#include "harness/record/options.h"
#include "probes/probes.h"

struct metrics {
	const struct model *model;
	const struct scenario *scenario;
	const struct run_opts *opts;
	/* the server */
	const char *const *server_argv;
	const char *server_line;   /* its start-up line */
	const char *server_stderr; /* what it said, if anything */
	int server_status;         /* its exit status after SIGTERM */
	const cpu_set_t *server_cpus;
	const int *load_cpus;
	int nload_cpus;
	bool netns;                /* in a network namespace of its own */
	json_t *sysctls;           /* that namespace's TCP sysctls */
	/* what was measured */
	const struct load_result *load;
	const struct probes *probes;
	const struct probes_stats *stats;
	double cpu_us, cpu_user_us, cpu_system_us; /* the server's cgroup */
	double load_cpu_us; /* the load generator's threads */
};

void metrics_figures(const struct metrics *m, struct figures *f);
json_t *metrics_to_json(const struct metrics *m, const struct figures *f,
			const struct finding *fs, int n);
/* The trace summary of the experiment, as text (malloc'ed). */
char *metrics_summary(const struct metrics *m, const struct figures *f,
		      const struct finding *fs, int n);
/* The findings as the trace summary lists them. */
void print_findings(FILE *out, const struct finding *fs, int n);

/*
 * The trace summary again, from one experiment's record in results.json
 * (harness/metrics_json.c): the metrics rebuilt from it, the findings
 * explained anew from its figures, and metrics_summary(). Malloc'ed; NULL
 * with *err -ENODATA (recorded before results.json kept the latency
 * histograms), -EINVAL (not such a record) or -ENOMEM.
 */
char *metrics_summary_from_json(const json_t *record, int *err);

#endif
