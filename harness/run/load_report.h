/* SPDX-License-Identifier: MIT */
/*
 * What a load tool the harness knows says of its own run: Locust's final
 * summary, else its --csv PREFIX_stats.csv (its "Aggregated" row);
 * Artillery's --output JSON; wrk's and wrk2's summary
 * (with --latency: the percentiles). Each tool, the flags it needs for it.
 */
#ifndef WHYSERVE_HARNESS_LOAD_REPORT_H
#define WHYSERVE_HARNESS_LOAD_REPORT_H

#include "harness/record/load_tool.h"

/* Locust's PREFIX_stats.csv: 0, -ENOENT (no such file), -EPROTO (no
 * Aggregated row) or -errno. */
int locust_csv_read(const char *path, struct load_tool_report *r);
/* Locust's final summary as it prints it at its end (its stats table and
 * its percentiles): Locust 2.12 (Debian's) writes its CSV once a second
 * and not at its end, so the CSV misses up to its last second. 0 or
 * -EPROTO. */
int locust_summary_read(const char *text, struct load_tool_report *r);
/* Artillery's --output JSON (its "aggregate"): 0, -ENOENT, -EPROTO. */
int artillery_json_read(const char *path, struct load_tool_report *r);
/* wrk's or wrk2's summary, from all it printed: 0 or -EPROTO. */
int wrk_summary_read(const char *text, struct load_tool_report *r);

#endif
