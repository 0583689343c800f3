/* SPDX-License-Identifier: MIT */
/* Synthetic figures for the tests of the rules and the accounts. */
#ifndef WHYSERVE_TESTS_SYNTHETIC_H
#define WHYSERVE_TESTS_SYNTHETIC_H

#include "harness/explain/figures.h"

/* A healthy run of model under throughput: 10 000 requests in 1 s on one
 * CPU, 70% busy, nothing wrong. */
void synthetic_healthy(struct figures *f, const char *model);
/* Appends a syscall of calls taking total_us inside them. */
struct syscall_figure *synthetic_syscall(struct figures *f, const char *name, double calls,
					 double total_us);

#endif
