/* SPDX-License-Identifier: MIT */
/* The models side by side for one scenario: one row each, key figures. */
#ifndef WHYSERVE_HARNESS_COMPARISON_H
#define WHYSERVE_HARNESS_COMPARISON_H

#include <stdio.h>

#include "harness/explain/figures.h"

void print_comparison(FILE *f, const char *scenario, const struct figures *const figs[], int n);

#endif
