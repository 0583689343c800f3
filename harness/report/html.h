/* SPDX-License-Identifier: MIT */
/*
 * report.html: a run's results as one self-contained page of inline SVG
 * charts, drawn from results.json alone (no script, no fetch).
 */
#ifndef WHYSERVE_HARNESS_HTML_H
#define WHYSERVE_HARNESS_HTML_H

#include <jansson.h>
#include <stdio.h>

#include "harness/record/record.h"

/* The page for a run's record, into f: its measurements drawn from
 * results (its results.json, as written), its findings and rankings from
 * r (read from it). 0 or -errno. */
int report_html(FILE *f, const struct run_record *r, const json_t *results);

#endif
