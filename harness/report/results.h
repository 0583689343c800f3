/* SPDX-License-Identifier: MIT */
/* A run's results directory: results.json (the record), one trace summary
 * per model, summary.txt (the comparison and the explanation). */
#ifndef WHYSERVE_HARNESS_RESULTS_H
#define WHYSERVE_HARNESS_RESULTS_H

#include <jansson.h>
#include <stdio.h>

#include "harness/run/experiment.h"
#include "harness/record/options.h"

/* Creates o->out_dir, or results/<timestamp>; its path into dir. 0 or -errno. */
int results_dir_create(const struct run_opts *o, char *dir, size_t len);
json_t *run_opts_to_json(const struct run_opts *o);
/* The comparison and the explanation of every scenario, from the records. */
void print_run_summary(FILE *f, json_t *experiments);
/* Writes results.json, <model>.txt and summary.txt. 0 or -errno. */
int results_write(const char *dir, json_t *results, struct experiment *const exps[], int n);

#endif
