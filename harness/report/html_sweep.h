/* SPDX-License-Identifier: MIT */
/* A sweep's charts in report.html, every model on each: ramp's latency
 * and achieved rate against the rate asked, the knees marked; conns' rate,
 * p99 and memory per connection against the connections. */
#ifndef WHYSERVE_HARNESS_HTML_SWEEP_H
#define WHYSERVE_HARNESS_HTML_SWEEP_H

#include "harness/report/html_parts.h"

/* The experiments e[0..n) of one sweep scenario (their "steps"); nothing
 * when none has steps. */
void report_sweep(struct report *r, const json_t *const e[], int n);

#endif
