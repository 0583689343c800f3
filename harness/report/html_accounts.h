/* SPDX-License-Identifier: MIT */
/* report.html's accounts: per scenario, a stacked bar a model of where each
 * request's CPU time goes, and one of where its tasks' time goes. */
#ifndef WHYSERVE_HARNESS_HTML_ACCOUNTS_H
#define WHYSERVE_HARNESS_HTML_ACCOUNTS_H

#include "harness/explain/explain.h"
#include "harness/report/html_parts.h"

/* The n models of a scenario: their names and what explains them. */
void report_accounts(struct report *r, const char *const model[],
		     const struct explanation *const why[], int n);

#endif
