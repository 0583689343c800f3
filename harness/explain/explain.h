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

/* What a trait of the server is, by the kernel's figures. */
enum trait_state {
	TRAIT_UNKNOWN, /* a figure it needs was not measured */
	TRAIT_NO,
	TRAIT_YES,
};

/* The traits inferred, each by its own figures. */
enum trait {
	TRAIT_PROCESS_PER_CONNECTION, /* one created per connection */
	TRAIT_THREAD_PER_CONNECTION,
	TRAIT_POOL,	  /* tasks alive, none created per connection */
	TRAIT_EVENT_LOOP, /* a task waits on many connections at once */
	TRAIT_SERIAL,	  /* one connection served at a time */
	/* it closes the connection after each response, the load keeping it
	 * alive: a connection per request, whatever the client wants */
	TRAIT_CLOSES_EACH,
	TRAITS,
};

/* One trait inferred: what it is, and why (rule: the trait's name; text:
 * the figures that show it, cited as evidence). */
struct trait_finding {
	enum trait_state is;
	struct finding why;
};

/* What the server is, from what was measured, not from its name: the
 * catalog's traits for a server nobody described. */
struct inferred_traits {
	struct trait_finding t[TRAITS];
};

/* A trait's name in results.json ("event_loop"), and in words ("an event loop"). */
const char *trait_name(enum trait t);
const char *trait_words(enum trait t);

/* Tasks created per connection from which a task is one per connection. */
#define TRAIT_PER_CONNECTION 0.5
/* Tasks alive on average from which there are more than one. */
#define TRAIT_TASKS_MANY 1.75
/* Connections per task from which a task serves many. */
#define TRAIT_CONNS_PER_TASK 2
/* Requests per wait call up to which it waits on connections: at most each
 * in flight ready once per call, twice that for margin. */
#define TRAIT_REQUESTS_PER_WAIT 2
/* Share of the window the tasks spent waiting for their children (wait4)
 * or threads (futex) from which the server waits for each to end. */
#define TRAIT_WAITS_OUT 0.5
/* Connections accepted from which the share accepted while another was
 * open tells, and the share under which it serves one at a time (one
 * that waits each out has none open at its next accept). */
#define TRAIT_ACCEPTS_MIN   10
#define TRAIT_BESIDE_SERIAL 0.05
/* ... and the share of the window spent waiting for them from which it
 * waited each out, rather than each ended before the next came */
#define TRAIT_WAITED_SOME 0.1

/* The calls that wait on many connections at once (epoll_wait, poll,
 * select, io_uring_enter, ...), NULL-terminated. */
extern const char *const WAIT_CALLS[];

void infer_traits(const struct figures *f, struct inferred_traits *out);
/* The traits as the catalog states them; false when any is unknown. */
bool inferred_traits_as(const struct inferred_traits *t, struct traits *out);

/* Share of an event loop's time (waiting for a CPU left out) blocked
 * outside its wait calls from which it is a blocked loop: most of it. */
#define LOOP_BLOCKED 0.5

/* An event loop blocked outside its wait calls. */
struct loop_block {
	double blocked_us;     /* in the window, its tasks summed */
	double share;	       /* of their time off the run queue (the time account's) */
	double loops;	       /* event loops: its tasks alive */
	char call[32];	       /* the call most of it was in */
	double us_per_request; /* blocked, per request served */
	double capacity_rps;   /* what loops blocked so long can answer */
};

/* True when f's event loop was blocked most of its time in calls other
 * than its wait (the time account's; without it, the sleeps' time). */
bool loop_blocked(const struct figures *f, struct loop_block *b);

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

/*
 * Each error the clients saw, joined to what the kernel did: one row per
 * client error class and kernel cause, with both counts. client is the
 * load generator's class as results.json names it ("reset",
 * "connect_refused", "closed", "read_timeout", "bad_response", "non_2xx",
 * ...), or "server" for the server's own failed calls, "" for a kernel
 * event no client error stands for (FINs held until a process exited).
 */
#define ERROR_ROWS_MAX 16
struct error_row {
	char client[24];
	double count;		   /* client errors of the class (NAN: none stands for it) */
	char cause[320];	   /* the kernel's cause, in words, with its numbers */
	char event[RULE_NAME_MAX]; /* the figure that counts it ("" when the kernel saw none) */
	double events;		   /* its count; NAN: not measured */
};

/* The rows for one experiment, client errors first; returns how many. */
int explain_errors(const struct figures *f, struct error_row *out, int max);

/* An experiment explained: its figures, what limited it, and what the
 * rules found in them. */
struct explanation {
	struct figures fig;
	struct verdict verdict;
	struct account cpu, time;      /* where its CPU time and its tasks' time went */
	struct inferred_traits traits; /* what it is, by its figures */
	int nfindings;
	struct finding findings[FINDINGS_MAX]; /* most telling first */
	int nerrors;
	struct error_row errors[ERROR_ROWS_MAX]; /* each client error and its kernel cause */
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
