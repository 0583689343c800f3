/* SPDX-License-Identifier: MIT */
/* A run's results directory: results.json (the record), one trace summary
 * per model (MODEL.txt), summary.txt and report.html, each a view of it. */
#ifndef WHYSERVE_HARNESS_RESULTS_H
#define WHYSERVE_HARNESS_RESULTS_H

#include <stddef.h>

#include "harness/record/record.h"
#include "harness/report/out_dir.h"

/*
 * Opens o->out_dir (created if missing), or a new results/<timestamp>.
 * 0, or -errno with why saying what is wrong (a link, a directory others
 * may write in) in one line.
 */
int results_dir_open(const struct run_opts *o, struct out_dir *d, char *why, size_t len);
/* Writes results.json, <model>.txt, summary.txt and report.html. 0 or -errno. */
int results_write(const struct out_dir *d, const struct run_record *r);

#endif
