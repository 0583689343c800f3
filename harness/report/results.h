/* SPDX-License-Identifier: MIT */
/* A run's results directory: results.json (the record), one trace summary
 * per model (MODEL.txt), summary.txt and report.html, each a view of it. */
#ifndef WHYSERVE_HARNESS_RESULTS_H
#define WHYSERVE_HARNESS_RESULTS_H

#include <stddef.h>

#include "harness/record/record.h"

/* Creates o->out_dir, or results/<timestamp>; its path into dir. 0 or -errno. */
int results_dir_create(const struct run_opts *o, char *dir, size_t len);
/* Writes results.json, <model>.txt, summary.txt and report.html. 0 or -errno. */
int results_write(const char *dir, const struct run_record *r);

#endif
