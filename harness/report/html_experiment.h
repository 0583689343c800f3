/* SPDX-License-Identifier: MIT */
/* One experiment's section of report.html: its figures, charts and
 * explanation. */
#ifndef WHYSERVE_HARNESS_HTML_EXPERIMENT_H
#define WHYSERVE_HARNESS_HTML_EXPERIMENT_H

#include "harness/explain/explain.h"
#include "harness/report/html_parts.h"

/* e: the experiment in results.json; why: its figures and findings */
void report_experiment(struct report *r, const json_t *e, const struct explanation *why,
		       const struct report_scales *sc);

#endif
