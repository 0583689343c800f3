/* SPDX-License-Identifier: MIT */
/*
 * A sweep across load levels: the steps of `ramp` (open-loop rates,
 * stepped up geometrically until the server stops keeping up, then
 * bisected to the knee) and of `conns` (a closed loop at each number of
 * connections), and what gave way at the knee. Pure: the run measures each
 * step, these decide the next one and read the steps.
 */
#ifndef WHYSERVE_HARNESS_SWEEP_H
#define WHYSERVE_HARNESS_SWEEP_H

#include <stdbool.h>

#include "harness/explain/explain.h"

#define SWEEP_MAX_STEPS 40
/* an open loop that got this share of the rate it asked for kept up */
#define SWEEP_GOT_IT 0.95
/* ... and its p99 stayed under this many times the lowest rate's */
#define SWEEP_P99_FACTOR 10
/* ... or under this, whichever is more: on loopback a p99 of 30 us is one
 * scheduler hiccup from 300 us; a knee is not a tick of noise */
#define SWEEP_P99_FLOOR_US 1000
/* a step that got its rate, not its p99, waited on the run queue when the
 * run queue's p99 was this share of its own, at least */
#define SWEEP_RUNQ_SHARE 0.1
/* the knee is bracketed this close: the rate kept up with, and one 5% above it not */
#define SWEEP_PRECISION 0.05

/* One step of a sweep: what was offered, what came of it, and why. */
struct sweep_step {
	double offered_rps; /* ramp: the rate asked for; conns: NAN */
	int connections;
	int server_cpus;
	double rps, p50_us, p99_us, max_us, errors;
	double starved; /* connections never answered in the step */
	double aq_max, aq_limit, listen_overflows;
	double runq_p99_us;
	double cpu_busy, load_busy; /* server's, load generator's CPUs (0..1) */
	double load_cpus_busy;	    /* the load's CPUs busy with anything (0..1) */
	double server_cpus_busy;    /* the server's CPUs busy with anything (0..1) */
	double cpu_us_per_request, switches_per_request, syscalls_per_request;
	double memory_bytes; /* the server's cgroup, the most during the step (NAN: unread) */
	/* what each connection added over the step before with fewer (the
	 * first: over the idle server); NAN: unknown */
	double memory_per_connection;
	double tasks;			/* the server's tasks alive, the most during the step */
	bool client_behind;		/* the load generator could not keep its schedule */
	bool kept_up;			/* ramp: got the rate within the p99 bound */
	char limited_by[RULE_NAME_MAX]; /* the step's verdict */
	double capacity_rps;		/* ... and the rate it allows */
};

/* How a ramp ended. */
enum sweep_end {
	SWEEP_KNEE,	       /* bracketed within SWEEP_PRECISION */
	SWEEP_CLIENT_BOUND,    /* the load generator gave way first: no server knee */
	SWEEP_NEVER_SATURATED, /* kept up with the highest rate it may ask */
	SWEEP_BELOW_START,     /* not even the lowest rate was kept up with */
	SWEEP_OUT_OF_STEPS,
	SWEEP_INTERRUPTED,
};

/* Where the server stops keeping up, and what gave way. */
struct knee {
	enum sweep_end end;
	int step;	    /* the highest step kept up with (-1: none) */
	int beyond;	    /* the lowest one not (-1: none) */
	double offered_rps; /* the knee step's */
	double rps, p99_us;
	/* what gave way just beyond it: the step's verdict, or when it got its
	 * rate and not its p99, "run_queue" (its tail waited for a CPU) or
	 * "latency" */
	char limited_by[RULE_NAME_MAX];
	double capacity_rps; /* what that limit allows */
	/* CPUs / CPU per request just beyond it: what the server's CPU alone allows */
	double predicted_rps;
	char why[320]; /* in words, with the numbers */
};

/* conns: a model with a task per connection, or serial, against an event
 * loop's sweep: from which step it stays behind (-1: it keeps up). */
struct sweep_behind {
	char event_loop[16]; /* the model held against ("": none compared) */
	int step;
	int connections; /* of that step */
};

/* The steps of one sweep, and its knee (ramp). */
struct sweep {
	int n;
	struct sweep_step step[SWEEP_MAX_STEPS];
	double memory_idle_bytes; /* before the first step: per connection is over this */
	struct knee knee;
	struct sweep_behind behind;
};

/* The ramp's state: rates asked, the bracket around the knee. */
struct ramp_plan {
	double start_rps, factor, max_rps;
	double low_p99_us;     /* the first step's: the bound is a multiple of it */
	double lo_rps, hi_rps; /* highest kept up with, lowest not (NAN: none yet) */
	int lo_step, hi_step;  /* their steps */
	double confirming_rps; /* a step failed on p99 alone: asked again (0: no) */
	bool client_bound;
	enum sweep_end end;
	bool done;
};

void ramp_init(struct ramp_plan *p, double start_rps, double factor, double max_rps);
/*
 * The next rate to offer, given the steps measured so far (s->n of them,
 * the last one new; its kept_up is set here): > 0, or 0 when the ramp is
 * over (p->end says why).
 */
double ramp_next(struct ramp_plan *p, struct sweep *s);
/* The knee from the steps and how the plan ended: fills s->knee. */
void sweep_knee(const struct ramp_plan *p, struct sweep *s);

/* A step's figures from an explained experiment (memory and tasks: the caller's). */
void sweep_step_of(const struct explanation *x, struct sweep_step *st);
/* Memory per connection added since the step before with fewer connections
 * (or the idle server), NAN when either is unknown. */
double sweep_memory_per_connection(const struct sweep *s, const struct sweep_step *st);
/* The step of a from which its rate stays under (1 - margin) of b's at the
 * same numbers of connections (conns, above one), to the last: or -1 (it
 * keeps up). */
int sweep_falls_behind(const struct sweep *a, const struct sweep *b, double margin);
/* behind by more than this share is behind: past the steps' own noise */
#define SWEEP_BEHIND 0.15
/* The word for how a ramp ended ("knee", "client_bound", ...). */
const char *sweep_end_name(enum sweep_end e);
int sweep_end_from_name(const char *name);

#endif
