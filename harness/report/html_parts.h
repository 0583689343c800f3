/* SPDX-License-Identifier: MIT */
/* What the parts of report.html share: the page being written, the JSON
 * look-ups, escaping, and each model's style. */
#ifndef WHYSERVE_HARNESS_HTML_PARTS_H
#define WHYSERVE_HARNESS_HTML_PARTS_H

#include <jansson.h>
#include <math.h>
#include <stdio.h>

#define REPORT_MAX 32 /* models, and scenarios, on one page */

struct run_record;

struct report {
	FILE *f;
	const struct run_record *run; /* what the JSON was written from */
	const json_t *results, *exps;
	const char *model[REPORT_MAX];
	int nmodels;
	const char *scenario[REPORT_MAX];
	int nscenarios;
};

/* Scales the experiments of one scenario share, so their charts compare. */
struct report_scales {
	double switches_per_req; /* context switches per request */
	double syscalls_per_req; /* the most calls of one syscall per request */
	double rps;		 /* per-second requests/s */
};

/* o's member at the path of keys (NULL-terminated), or NULL. */
const json_t *jget(const json_t *o, ...) __attribute__((sentinel));
/* A number at the path, NAN when absent or null. */
double jnum(const json_t *o, ...) __attribute__((sentinel));
const char *jstr(const json_t *o, const char *key);

/* Style of a model: fixed for the catalog's, so colours stay put. */
int report_style(const struct report *r, const char *model);
/* name as an id: letters, digits, '-' and '_' kept, the rest '_' */
void report_id(FILE *f, const char *prefix, const char *a, const char *b);
void report_esc(FILE *f, const char *s);
/* A ratio as people read it: "2.07", "0.003" rather than "0.00". */
char *report_fmt_ratio(char *buf, size_t len, double v);
/* A raw number for a data-v attribute: what results.json holds. */
void report_num_attr(FILE *f, double v);

#endif
