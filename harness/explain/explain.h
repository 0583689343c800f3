/* SPDX-License-Identifier: MIT */
/*
 * Why a model performed as it did: rules over an experiment's figures, each
 * stating a cause with the numbers that show it. A rule whose evidence was
 * not measured says nothing rather than guess.
 */
#ifndef WHYSERVE_HARNESS_EXPLAIN_H
#define WHYSERVE_HARNESS_EXPLAIN_H

#include <stddef.h>

#include "harness/explain/figures.h"

#define EVIDENCE_MAX 6
#define FINDINGS_MAX 16

struct evidence {
	const char *name; /* a figure's name, as in results.json */
	double value;
};

struct finding {
	const char *rule;       /* stable id, e.g. "accept_queue_full" */
	const char *confidence; /* "high": measured directly; "medium": inferred */
	char text[640];
	int nevidence;
	struct evidence ev[EVIDENCE_MAX];
};

/* The findings for one experiment, most telling first; returns how many. */
int explain_experiment(const struct figures *f, struct finding *out, int max);

/* A finding of a rule among findings, or NULL. */
const struct finding *finding_find(const struct finding *fs, int n, const char *rule);
double finding_evidence(const struct finding *f, const char *name);

/*
 * Why the models ranked as they did in one scenario (all figs share it):
 * by requests/s, each model against the best, naming the rules that fired
 * for one and not the other. Writes text lines into buf.
 */
void explain_ranking(const struct figures *const figs[], int n, char *buf, size_t len);

#endif
