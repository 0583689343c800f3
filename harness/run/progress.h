/* SPDX-License-Identifier: MIT */
/* Where a run is: one line rewritten in place on a terminal, plain lines
 * (one per experiment) when the output goes to a file or a pipe. */
#ifndef WHYSERVE_HARNESS_PROGRESS_H
#define WHYSERVE_HARNESS_PROGRESS_H

#include <stdbool.h>

#include "harness/load/load.h"

struct experiment;

struct experiment_progress {
	const struct experiment *e;
	bool warming_up;
	char step[48]; /* a sweep's step, "" else */
	double left_s; /* the run's time left, about (0: not said) */
};

struct sweep;

/* A load_opts.progress callback. */
void progress_report(const struct load_progress *p, void *arg);
void progress_done(const struct experiment_progress *pr, const struct load_result *r);
/* A sweep's step begins: which, and the time left (a step is shorter
 * than the load's once-a-second progress). */
void progress_step(const struct experiment_progress *pr);
/* A sweep's end: its steps, and its knee or last step. */
void progress_sweep_done(const struct experiment_progress *pr, const struct sweep *s);

#endif
