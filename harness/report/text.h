/* SPDX-License-Identifier: MIT */
/* The record as text: each experiment's trace summary (MODEL.txt), and the
 * run's summary (summary.txt): per scenario the models side by side, the
 * ranking and the findings. What the terminal shows is the same text. */
#ifndef WHYSERVE_HARNESS_REPORT_TEXT_H
#define WHYSERVE_HARNESS_REPORT_TEXT_H

#include <stdio.h>

#include "harness/record/record.h"

/* One experiment's trace summary, malloc'ed; NULL when out of memory. */
char *trace_summary(const struct experiment_record *e);
/* Every experiment's trace summary, in the order they ran. */
void print_trace_summaries(FILE *f, const struct run_record *r);
/* The comparison, the ranking and the findings of every scenario. */
void print_run_summary(FILE *f, const struct run_record *r);

/* A sweep's steps (and a ramp's knee), for its trace summary. */
void print_sweep(FILE *f, const struct experiment_record *e);
/* A sweep scenario's models: their knees (ramp) or where one falls behind
 * an event loop (conns), then each one's steps. */
void print_sweep_summary(FILE *f, const struct scenario *s,
			 const struct experiment_record *const row[], int n);

/* "limited by ...": the verdict, one line. */
void print_verdict(FILE *f, const struct verdict *v);
/* A failed experiment in place of its verdict: why, and the server's last lines. */
void print_failed(FILE *f, const struct experiment_record *e);
/* "the server wrote 1 024 000 bytes (stdout and stderr) while measured, 1024
 * bytes per request, to fork-users.log", after indent; nothing when unknown. */
void print_server_output(FILE *f, const struct experiment_record *e, const char *indent);
/* "what it is, from the kernel's figures: ...": the inferred traits, one line. */
void print_traits(FILE *f, const struct inferred_traits *t);
/* The findings as the trace summary lists them. */
void print_findings(FILE *f, const struct finding *fs, int n);
/* The errors table: client error, its count, the kernel's count and cause. */
void print_errors(FILE *f, const struct error_row *rows, int n);
/* The ranking of one scenario, one line a model. */
void print_ranking(FILE *f, const struct ranking *r);
/* What the ranking says of entry i, after its model's name and a colon. */
void ranking_entry_text(char *buf, size_t len, const struct ranking *r, int i);

/* An account as a table under a heading: each line's time per request,
 * its share, its count and cost per event, its source. */
void print_account(FILE *f, const char *title, const struct account *a);
/* The same on one line: the whole = its larger lines; the share attributed. */
void print_account_compact(FILE *f, const struct account *a);
/* A ranking entry's gap in CPU per request split into the accounts' lines;
 * "" when the accounts were not measured; within GAP_SAME of the best's
 * CPU per request, the same. */
#define GAP_SAME 0.05
void gap_text(char *buf, size_t len, const struct ranking_entry *e);

#endif
