// SPDX-License-Identifier: MIT
/*
 * The ramp's plan on synthetic steps: a server that keeps up to a known
 * rate, by its achieved rate or by its p99; one noisy step; a load
 * generator that gives way first; a server that never saturates; one that
 * keeps up with nothing. The knee is found within 5%, the plan stops, and
 * says what gave way.
 */
#include "tests/lib/check.h"
#include "harness/explain/sweep.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* what a synthetic server and client do at a rate */
struct synthetic {
	double capacity;     /* achieved rate at most this */
	double p99_knee;     /* p99 explodes above this (0: never) */
	double client_limit; /* the client falls behind above this (0: never) */
	double noisy_rate;   /* the first step at this rate has a p99 spike (0: none) */
	bool noise_spent;
	bool flat_p99;	       /* past capacity it drops, its p99 unchanged */
	double runq_us;	       /* past p99_knee, the run queue's p99 */
	double busy_past_knee; /* ... and its CPU busy (0: as the rate says) */
};

static void measure(struct synthetic *sy, double offered, struct sweep_step *st)
{
	/* p99 explodes past the capacity: the queue grows */
	memset(st, 0, sizeof(*st));
	st->offered_rps = offered;
	st->server_cpus = 1;
	st->rps = fmin(offered, sy->capacity);
	st->p99_us = 50;
	st->cpu_busy = st->rps / sy->capacity;
	st->cpu_us_per_request = 1e6 / sy->capacity;
	snprintf(st->limited_by, sizeof(st->limited_by), "offered_load");
	if (sy->p99_knee && offered > sy->p99_knee && offered <= sy->capacity) {
		st->p99_us = 50000; /* the rate achieved, the latency not */
		if (sy->runq_us)
			st->runq_p99_us = sy->runq_us;
		if (sy->busy_past_knee)
			st->cpu_busy = sy->busy_past_knee;
	} else if (offered > sy->capacity) {
		st->p99_us = sy->flat_p99 ? 50 : 50000;
		snprintf(st->limited_by, sizeof(st->limited_by), "server_cpu");
		st->capacity_rps = sy->capacity;
	}
	if (sy->noisy_rate && offered == sy->noisy_rate && !sy->noise_spent) {
		st->p99_us = 20000;
		sy->noise_spent = true;
	}
	if (sy->client_limit && offered > sy->client_limit) {
		st->rps = fmin(st->rps, sy->client_limit);
		st->client_behind = true;
		st->load_busy = 1;
	}
}

static void ramp(struct synthetic *sy, double start, double max, struct ramp_plan *p,
		 struct sweep *s)
{
	double rate;

	memset(s, 0, sizeof(*s));
	ramp_init(p, start, 2, max);
	while ((rate = ramp_next(p, s)) > 0 && s->n < SWEEP_MAX_STEPS)
		measure(sy, rate, &s->step[s->n++]);
	sweep_knee(p, s);
}

static bool within(double v, double lo, double hi)
{
	return v >= lo && v <= hi;
}

/* achieved at most 7 300/s, the rest queued (its p99 explodes past it):
 * the highest rate kept up with is in [K/1.05, K], bracketed within 5% */
static void knee_by_achieved_rate(void)
{
	struct synthetic sy = { .capacity = 7300 };
	struct ramp_plan p;
	struct sweep s;
	double k = sy.capacity;

	ramp(&sy, 500, 1e6, &p, &s);
	CHECK(s.knee.end == SWEEP_KNEE, "ended %s", sweep_end_name(s.knee.end));
	CHECK(within(s.knee.offered_rps, k / (1 + SWEEP_PRECISION), k),
	      "knee %.0f, not within 5%% under %.0f", s.knee.offered_rps, k);
	CHECK(!strcmp(s.knee.limited_by, "server_cpu"), "limited by %s", s.knee.limited_by);
	CHECK(within(s.knee.predicted_rps, 7299, 7301), "predicted %.0f", s.knee.predicted_rps);
	CHECK(s.n <= 14, "%d steps to bracket it", s.n);
	CHECK(s.step[s.knee.beyond].offered_rps <= s.knee.offered_rps * (1 + SWEEP_PRECISION),
	      "bracket %.0f..%.0f", s.knee.offered_rps, s.step[s.knee.beyond].offered_rps);
}

/* a server that drops what it cannot serve (p99 stays low): the rate alone */
static void knee_by_rate_alone(void)
{
	struct synthetic sy = { .capacity = 7300, .flat_p99 = true };
	struct ramp_plan p;
	struct sweep s;
	double k = sy.capacity / SWEEP_GOT_IT;

	ramp(&sy, 500, 1e6, &p, &s);
	CHECK(s.knee.end == SWEEP_KNEE, "ended %s", sweep_end_name(s.knee.end));
	CHECK(within(s.knee.offered_rps, k / (1 + SWEEP_PRECISION), k), "knee %.0f, not under %.0f",
	      s.knee.offered_rps, k);
}

/* every rate achieved, the latency explodes above 12 000 */
static void knee_by_p99(void)
{
	struct synthetic sy = { .capacity = 1e9, .p99_knee = 12000 };
	struct ramp_plan p;
	struct sweep s;

	ramp(&sy, 500, 1e6, &p, &s);
	CHECK(s.knee.end == SWEEP_KNEE, "ended %s", sweep_end_name(s.knee.end));
	CHECK(within(s.knee.offered_rps, 12000 / (1 + SWEEP_PRECISION), 12000), "knee %.0f",
	      s.knee.offered_rps);
	CHECK(s.knee.p99_us == 50, "p99 at the knee %.0f", s.knee.p99_us);
	/* the rate got, its p99 not, nothing saturated: the tail's wait named */
	CHECK(!strcmp(s.knee.limited_by, "latency"), "limited by %s", s.knee.limited_by);
}

/* the same, its tasks waiting for a CPU: the run queue */
static void knee_by_run_queue(void)
{
	struct synthetic sy = { .capacity = 1e9, .p99_knee = 12000, .runq_us = 20000 };
	struct ramp_plan p;
	struct sweep s;

	ramp(&sy, 500, 1e6, &p, &s);
	CHECK(!strcmp(s.knee.limited_by, "run_queue"), "limited by %s", s.knee.limited_by);
	CHECK(strstr(s.knee.why, "run-queue latency p99 20.0 ms"), "says: %s", s.knee.why);
}

/* the rate got, its p99 not, its CPU saturated: the server's CPU, where it queued */
static void knee_by_saturated_cpu(void)
{
	struct synthetic sy = { .capacity = 1e9, .p99_knee = 12000, .busy_past_knee = 0.95 };
	struct ramp_plan p;
	struct sweep s;

	ramp(&sy, 500, 1e6, &p, &s);
	CHECK(!strcmp(s.knee.limited_by, "server_cpu"), "limited by %s", s.knee.limited_by);
}

/* a p99 spike at 1 000 requests/s, once: asked again, not a knee */
static void one_noisy_step_is_no_knee(void)
{
	struct synthetic sy = { .capacity = 7300, .noisy_rate = 1000 };
	struct ramp_plan p;
	struct sweep s;
	int at_1000 = 0;

	ramp(&sy, 500, 1e6, &p, &s);
	for (int i = 0; i < s.n; i++)
		at_1000 += s.step[i].offered_rps == 1000;
	CHECK(at_1000 == 2, "1 000 requests/s asked %d times", at_1000);
	CHECK(s.knee.offered_rps > 6000, "knee %.0f: the noise was taken for it",
	      s.knee.offered_rps);
}

/* the client falls behind at 20 000, the server would do 50 000: no server knee */
static void client_bound_claims_no_knee(void)
{
	struct synthetic sy = { .capacity = 50000, .client_limit = 20000 };
	struct ramp_plan p;
	struct sweep s;

	ramp(&sy, 500, 1e6, &p, &s);
	CHECK(s.knee.end == SWEEP_CLIENT_BOUND, "ended %s", sweep_end_name(s.knee.end));
	CHECK(!strcmp(s.knee.limited_by, "load_generator"), "limited by %s", s.knee.limited_by);
	CHECK(strstr(s.knee.why, "no server knee"), "says: %s", s.knee.why);
	CHECK(s.knee.offered_rps <= 20000, "kept up to %.0f", s.knee.offered_rps);
	CHECK(s.n <= 9, "%d steps", s.n);
	CHECK(s.step[s.n - 1].offered_rps == s.step[s.n - 2].offered_rps,
	      "ended on one late step, not asked again");
}

/* the client lags where the server's CPU is saturated too: the server's knee */
static void saturated_server_is_the_knee(void)
{
	struct synthetic sy = { .capacity = 7300, .client_limit = 7000 };
	struct ramp_plan p;
	struct sweep s;

	ramp(&sy, 500, 1e6, &p, &s);
	CHECK(s.knee.end == SWEEP_KNEE, "ended %s: %s", sweep_end_name(s.knee.end), s.knee.why);
	CHECK(s.knee.offered_rps <= 7300 && s.knee.offered_rps > 6000, "knee %.0f",
	      s.knee.offered_rps);
}

/* kept up with everything up to the highest rate asked */
static void never_saturated_stops(void)
{
	struct synthetic sy = { .capacity = 1e9 };
	struct ramp_plan p;
	struct sweep s;

	ramp(&sy, 500, 40000, &p, &s);
	CHECK(s.knee.end == SWEEP_NEVER_SATURATED, "ended %s", sweep_end_name(s.knee.end));
	CHECK(s.knee.offered_rps == 40000, "last %.0f", s.knee.offered_rps);
	CHECK(s.n == 8, "%d steps (500 .. 32 000, then 40 000)", s.n);
}

/* a server that answers 10 requests/s: stepped down, then given up on */
static void below_start_stops(void)
{
	struct synthetic sy = { .capacity = 10 };
	struct ramp_plan p;
	struct sweep s;

	ramp(&sy, 500, 1e6, &p, &s);
	CHECK(s.knee.end == SWEEP_BELOW_START, "ended %s", sweep_end_name(s.knee.end));
	CHECK(s.knee.step == -1 && isnan(s.knee.rps), "claims a knee at %.0f", s.knee.rps);
	CHECK(s.n <= 4, "%d steps", s.n);
}

static void conns_sweep(struct sweep *s, const double *rps, const double *memory, int n)
{
	static const int conns[] = { 1, 10, 100, 1000, 10000 };

	memset(s, 0, sizeof(*s));
	s->memory_idle_bytes = 100000;
	for (int i = 0; i < n; i++) {
		s->step[i].connections = conns[i];
		s->step[i].rps = rps[i];
		s->step[i].memory_bytes = memory ? memory[i] : NAN;
		s->n++;
	}
}

/* behind from 1 000 connections on; one noisy step at 10 is not it */
static void falls_behind_from_a_step_on(void)
{
	const double loop[] = { 10000, 30000, 30000, 29000, 28000 };
	const double threads[] = { 10000, 20000, 29000, 15000, 6000 };
	const double steady[] = { 9900, 29000, 29500, 28000, 27000 };
	struct sweep a, b, c;

	conns_sweep(&a, threads, NULL, 5);
	conns_sweep(&b, loop, NULL, 5);
	conns_sweep(&c, steady, NULL, 5);
	CHECK(sweep_falls_behind(&a, &b, SWEEP_BEHIND) == 3, "behind from step %d",
	      sweep_falls_behind(&a, &b, SWEEP_BEHIND));
	CHECK(sweep_falls_behind(&c, &b, SWEEP_BEHIND) == -1, "steady said behind at %d",
	      sweep_falls_behind(&c, &b, SWEEP_BEHIND));
	a.step[0].rps = 100; /* at one connection: noise, not a model's */
	CHECK(sweep_falls_behind(&a, &b, SWEEP_BEHIND) == 3, "behind from step %d, one connection",
	      sweep_falls_behind(&a, &b, SWEEP_BEHIND));
	c.step[4].connections = 5000; /* a step the loop never ran: not compared */
	CHECK(sweep_falls_behind(&c, &b, SWEEP_BEHIND) == -1, "compared to a step not run");
}

/* each connection's memory: what it added over the step before */
static void memory_per_connection_is_marginal(void)
{
	const double rps[] = { 1, 1, 1 };
	const double memory[] = { 300000, 660000, 4260000 };
	struct sweep s;
	double one, ten, hundred;

	conns_sweep(&s, rps, memory, 3);
	one = sweep_memory_per_connection(&s, &s.step[0]);
	ten = sweep_memory_per_connection(&s, &s.step[1]);
	hundred = sweep_memory_per_connection(&s, &s.step[2]);
	CHECK(one == 200000, "1 connection: %.0f over the idle 100 000", one);
	CHECK(ten == 40000, "10: %.0f (360 000 more over 9 more)", ten);
	CHECK(hundred == 40000, "100: %.0f (3.6 MB more over 90 more)", hundred);
	s.step[1].memory_bytes = NAN; /* not read: nothing to tell, here or after */
	CHECK(isnan(sweep_memory_per_connection(&s, &s.step[1])), "told of no reading");
	CHECK(isnan(sweep_memory_per_connection(&s, &s.step[2])), "told over no reading");
}

/* the end's names go to results.json and come back */
static void end_names_round_trip(void)
{
	for (int e = SWEEP_KNEE; e <= SWEEP_INTERRUPTED; e++)
		CHECK(sweep_end_from_name(sweep_end_name(e)) == e, "%d", e);
	CHECK(sweep_end_from_name("nonsense") == -1, "nonsense read");
}

static const struct test_case cases[] = {
	TEST(knee_by_achieved_rate),
	TEST(knee_by_rate_alone),
	TEST(knee_by_p99),
	TEST(knee_by_run_queue),
	TEST(knee_by_saturated_cpu),
	TEST(one_noisy_step_is_no_knee),
	TEST(client_bound_claims_no_knee),
	TEST(saturated_server_is_the_knee),
	TEST(never_saturated_stops),
	TEST(below_start_stops),
	TEST(falls_behind_from_a_step_on),
	TEST(memory_per_connection_is_marginal),
	TEST(end_names_round_trip),
};
TEST_MAIN(cases)
