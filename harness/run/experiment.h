/* SPDX-License-Identifier: MIT */
/*
 * One experiment: one model under one scenario, the probes watching. Start
 * the server (own network namespace, own cgroup, pinned, as nobody), wait
 * until it answers, attach the probes, warm up, measure, read, stop. What
 * it measured is kept as a record (JSON) and as figures and findings.
 */
#ifndef WHYSERVE_HARNESS_EXPERIMENT_H
#define WHYSERVE_HARNESS_EXPERIMENT_H

#include <jansson.h>
#include <signal.h>

#include "harness/record/catalog.h"
#include "harness/explain/explain.h"
#include "harness/explain/figures.h"
#include "harness/record/options.h"

struct experiment {
	const struct model *model;
	const struct scenario *scenario;
	int index, count;          /* for progress: 3 of 15 */
	volatile sig_atomic_t *stop;

	/* results, once experiment_run returned 0 */
	json_t *record;            /* everything measured, as in results.json */
	char *summary;             /* its trace summary, as text */
	struct figures fig;
	struct finding findings[FINDINGS_MAX];
	int nfindings;
	char error[512];           /* why it failed, in one line */
};

/*
 * Runs it. 0; -EINTR when *stop was set (what was measured is kept); or
 * another -errno with e->error saying why. Usage-like failures (the port
 * is busy, not root) are -EINVAL or -EACCES.
 */
int experiment_run(struct experiment *e, const struct run_opts *o);
void experiment_free(struct experiment *e);

#endif
