/* SPDX-License-Identifier: MIT */
/*
 * report.html: a run's results as one self-contained page of inline SVG
 * charts, drawn from results.json alone (no script, no fetch).
 */
#ifndef WHYSERVE_HARNESS_REPORT_HTML_H
#define WHYSERVE_HARNESS_REPORT_HTML_H

#include <jansson.h>
#include <stdio.h>

/* The page for the results (the whole of results.json) into f. 0 or -errno. */
int report_html(FILE *f, const json_t *results);
/* The same into the file at path. 0 or -errno. */
int report_html_write(const char *path, const json_t *results);

#endif
