/* SPDX-License-Identifier: MIT */
/*
 * Why a model performed as it did: rules over an experiment's figures, each
 * stating a cause with the numbers that show it, and the ranking of the
 * models of one scenario. A rule whose evidence was not measured says
 * nothing rather than guess. Pure functions: figures in, findings out.
 */
#ifndef WHYSERVE_HARNESS_EXPLAIN_H
#define WHYSERVE_HARNESS_EXPLAIN_H

#include <stddef.h>

#include "harness/explain/account.h"
#include "harness/explain/figures.h"

#define EVIDENCE_MAX  6
#define FINDINGS_MAX  16
#define RULE_NAME_MAX 32
#define RANKING_MAX   16

struct evidence {
	char name[RULE_NAME_MAX]; /* a figure's name, as in results.json */
	double value;
};

struct finding {
	char rule[RULE_NAME_MAX]; /* stable id, e.g. "accept_queue_full" */
	char confidence[8];	  /* "high": measured directly; "medium": inferred */
	char text[640];
	int nevidence;
	struct evidence ev[EVIDENCE_MAX];
};

/*
 * What limited an experiment, chosen by the utilization and saturation of
 * each resource (the USE method): its reason (rule: "server_cpu",
 * "load_generator", "offered_load", "blocked_loop", "serial_serving",
 * "accept_queue", "waiting", "nothing_answered"), worded with its
 * evidence, and the rate that limit allows against the rate measured.
 */
struct verdict {
	struct finding why;
	double capacity_rps; /* NAN when the limit implies no rate */
	double measured_rps;
};

/* An experiment explained: its figures, what limited it, and what the
 * rules found in them. */
struct explanation {
	struct figures fig;
	struct verdict verdict;
	struct account cpu, time; /* where its CPU time and its tasks' time went */
	int nfindings;
	struct finding findings[FINDINGS_MAX]; /* most telling first */
};

/* The findings for one experiment, most telling first; returns how many. */
int explain_experiment(const struct figures *f, struct finding *out, int max);
/* What limited it. */
void explain_verdict(const struct figures *f, struct verdict *v);

/* A finding of a rule among findings, or NULL. */
const struct finding *finding_find(const struct finding *fs, int n, const char *rule);
double finding_evidence(const struct finding *f, const char *name);

/* Names of rules, e.g. those that fired for one model and not another. */
struct rule_list {
	int n;
	char name[FINDINGS_MAX][RULE_NAME_MAX];
};

/* A line of the CPU account that differs between a model and the best. */
struct gap_part {
	char name[ACCOUNT_NAME_MAX];
	double us_per_request;	   /* the model's less the best's */
	double events_per_request; /* the same for what the line counts (NAN: nothing) */
};

#define GAP_PARTS 4

/* One model against the best of its scenario. */
struct ranking_entry {
	char model[16];
	double rps;
	double rps_ratio; /* of the best's requests/s (1 for the best) */
	double cpu_ratio; /* its CPU per request over the best's */
	/* within the noise of the best's requests/s (noise: the larger of the
	 * two runs' own, and at least RANK_NOISE_MIN): a tie, not a rank */
	bool tie;
	double noise;
	/* the rules that fired for it and not for the best, and the reverse */
	struct rule_list only_here, only_best;
	/* its CPU per request less the best's (NAN: unknown), the share of it
	 * the attributed lines of the two accounts explain, and the lines that
	 * differ most, largest first */
	double gap_us_per_request, gap_explained_share;
	int nparts;
	struct gap_part parts[GAP_PARTS];
};

/* No difference smaller than this share is called one, however steady the run. */
#define RANK_NOISE_MIN 0.03

/* The models of one scenario, the best (by requests/s) first. */
struct ranking {
	char scenario[16];
	int n;
	struct ranking_entry entries[RANKING_MAX];
};

/* An entry's gap to the best, from the CPU accounts of the two (a: its
 * model's, b: the best's). */
void explain_gap(struct ranking_entry *e, const struct account *a, const struct account *b);
/* Ranks n explained experiments of one scenario (at most RANKING_MAX). */
void explain_ranking(const struct explanation *const rows[], int n, struct ranking *out);

#endif
