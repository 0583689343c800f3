/* SPDX-License-Identifier: MIT */
/*
 * One experiment: one model under one scenario, the probes watching. Start
 * the server (own network namespace, own cgroup, pinned, as nobody), wait
 * until it answers, attach the probes, warm up, measure, read, stop; then
 * its record, with its figures and findings.
 */
#ifndef WHYSERVE_HARNESS_EXPERIMENT_H
#define WHYSERVE_HARNESS_EXPERIMENT_H

#include <signal.h>
#include <stdbool.h>

#include "harness/record/record.h"

struct load_hosts;

struct experiment {
	const struct model *model;
	const struct scenario *scenario;
	int index, count; /* for progress: 3 of 15 */
	double later_s;	  /* what the experiments after it will take, about */
	volatile sig_atomic_t *stop;
	bool check_only;	  /* start the server, see it answer, stop it: no load */
	struct load_hosts *hosts; /* the load from these (NULL: from here) */

	struct experiment_record *record; /* once experiment_run returned 0 or -EINTR */
	char error[512];		  /* why it failed, in one line */
};

/*
 * Runs it. 0; -EINTR when *stop was set (what was measured is kept); or
 * another -errno with e->error saying why. Usage-like failures (the port
 * is busy, not root) are -EINVAL or -EACCES. The record, if any, is the
 * caller's.
 */
int experiment_run(struct experiment *e, const struct run_opts *o);

/* What a sweep (ramp, conns) will take, about, in seconds (run/sweep_run.c). */
double sweep_estimate_s(const struct run_opts *o, const struct scenario *s);

/* The figures of a record, from what it measured (run/figures_of.c). */
void figures_of(const struct experiment_record *r, const struct run_opts *o, struct figures *f);

#endif
