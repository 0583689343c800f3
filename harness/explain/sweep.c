// SPDX-License-Identifier: MIT
/*
 * The ramp's plan: rates stepped up by a factor from a low one until a step
 * is not kept up with (achieved under 95% of the rate asked, or p99 over
 * ten times the lowest rate's), then the bracket between the highest rate
 * kept up with and the lowest not halved (geometrically) until they are
 * within 5%. A step that fails on p99 alone, or with the load generator
 * behind, is asked again before it counts: one scheduler hiccup is not a
 * knee. A step the load generator could not keep up with twice ends the
 * ramp: what gave way was the client.
 */
#include "harness/explain/sweep.h"
#include "common/units.h"
#include "harness/explain/say.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *const end_names[] = {
	[SWEEP_KNEE] = "knee",
	[SWEEP_CLIENT_BOUND] = "client_bound",
	[SWEEP_NEVER_SATURATED] = "never_saturated",
	[SWEEP_BELOW_START] = "below_start",
	[SWEEP_OUT_OF_STEPS] = "out_of_steps",
	[SWEEP_INTERRUPTED] = "interrupted",
};

const char *sweep_end_name(enum sweep_end e)
{
	return e >= 0 && e < sizeof(end_names) / sizeof(end_names[0]) ? end_names[e] : "unknown";
}

int sweep_end_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(end_names) / sizeof(end_names[0]); i++)
		if (!strcmp(end_names[i], name))
			return (int)i;
	return -1;
}

void ramp_init(struct ramp_plan *p, double start_rps, double factor, double max_rps)
{
	memset(p, 0, sizeof(*p));
	p->start_rps = start_rps;
	p->factor = factor;
	p->max_rps = max_rps;
	p->low_p99_us = NAN;
	p->lo_rps = p->hi_rps = NAN;
	p->lo_step = p->hi_step = -1;
}

static double p99_bound(const struct ramp_plan *p)
{
	return fmax(SWEEP_P99_FACTOR * p->low_p99_us, SWEEP_P99_FLOOR_US);
}

/* what the client could not do is not the server's knee; but a server
 * whose CPUs were saturated too (by it or by others) gave way as well, and
 * first as far as its requests can tell */
static bool client_gave_way(const struct sweep_step *st)
{
	if (st->cpu_busy >= CPU_SATURATED || st->server_cpus_busy >= CPU_SATURATED)
		return false;
	return st->client_behind || !strcmp(st->limited_by, "load_generator");
}

static double finish(struct ramp_plan *p, enum sweep_end end)
{
	p->end = end;
	p->done = true;
	return 0;
}

double ramp_next(struct ramp_plan *p, struct sweep *s)
{
	struct sweep_step *st;
	bool rate_ok, p99_ok;
	int i = s->n - 1;

	if (p->done)
		return 0;
	if (s->n == 0)
		return p->start_rps;
	st = &s->step[i];
	if (i == 0)
		p->low_p99_us = st->p99_us;
	rate_ok = st->rps >= SWEEP_GOT_IT * st->offered_rps;
	p99_ok = !(st->p99_us > p99_bound(p));
	st->kept_up = rate_ok && p99_ok;
	/* failed on p99 alone, or by the client's lag (a CPU the machine's other
	 * work took for a moment): once more at the same rate before it counts */
	if (!st->kept_up && (rate_ok || client_gave_way(st)) &&
	    p->confirming_rps != st->offered_rps && s->n < SWEEP_MAX_STEPS) {
		p->confirming_rps = st->offered_rps;
		return st->offered_rps;
	}
	p->confirming_rps = 0;
	if (!st->kept_up && client_gave_way(st)) {
		p->client_bound = true;
		p->hi_rps = st->offered_rps;
		p->hi_step = i;
		return finish(p, SWEEP_CLIENT_BOUND);
	}
	if (st->kept_up && !(st->offered_rps <= p->lo_rps)) {
		p->lo_rps = st->offered_rps;
		p->lo_step = i;
	} else if (!st->kept_up && !(st->offered_rps >= p->hi_rps)) {
		p->hi_rps = st->offered_rps;
		p->hi_step = i;
	}
	if (s->n >= SWEEP_MAX_STEPS)
		return finish(p, SWEEP_OUT_OF_STEPS);
	if (isnan(p->hi_rps)) {
		if (p->lo_rps >= p->max_rps)
			return finish(p, SWEEP_NEVER_SATURATED);
		return fmin(p->lo_rps * p->factor, p->max_rps);
	}
	if (isnan(p->lo_rps)) {
		/* not even the first: step down, but not forever */
		if (p->hi_rps / p->factor < p->start_rps / (p->factor * p->factor * p->factor))
			return finish(p, SWEEP_BELOW_START);
		return p->hi_rps / p->factor;
	}
	if (p->hi_rps <= p->lo_rps * (1 + SWEEP_PRECISION))
		return finish(p, SWEEP_KNEE);
	return sqrt(p->lo_rps * p->hi_rps);
}

static void knee_words(struct knee *k, const struct sweep *s)
{
	char r[32], o[32], p[32], c[32], d[32], u[32], bo[32], allows[64] = "";

	switch (k->end) {
	case SWEEP_CLIENT_BOUND: {
		const struct sweep_step *b = &s->step[k->beyond];

		snprintf(k->why, sizeof(k->why),
			 "no server knee: at %s requests/s asked the load generator gave way "
			 "first (its CPUs busy %s, %s by its own threads; %s), the server's "
			 "CPU busy %s; the server kept up to %s requests/s",
			 fmt_count(o, 32, round(b->offered_rps)), fmt_pct(p, 32, b->load_cpus_busy),
			 fmt_pct(d, 32, b->load_busy),
			 b->client_behind ? "its sends late" : "its schedule held",
			 fmt_pct(c, 32, b->cpu_busy),
			 k->step >= 0 ? fmt_count(r, 32, round(k->rps)) : "no rate");
		break;
	}
	case SWEEP_KNEE:
	case SWEEP_OUT_OF_STEPS:
		if (k->step < 0 || k->beyond < 0)
			break;
		if (!strcmp(k->limited_by, "run_queue") || !strcmp(k->limited_by, "latency"))
			snprintf(allows, sizeof(allows), " (p99 %s, run-queue latency p99 %s)",
				 fmt_us(c, 32, s->step[k->beyond].p99_us),
				 fmt_us(d, 32, s->step[k->beyond].runq_p99_us));
		else if (known(k->capacity_rps))
			snprintf(allows, sizeof(allows), " (it allows %s requests/s)",
				 fmt_count(c, 32, round(k->capacity_rps)));
		snprintf(k->why, sizeof(k->why),
			 "kept up with %s requests/s asked (achieved %s, p99 %s); beyond, at %s "
			 "asked, %s gave way%s; measured capacity %s against %s predicted from the "
			 "CPU per request (%d CPU(s) / %s)",
			 fmt_count(o, 32, round(k->offered_rps)), fmt_count(r, 32, round(k->rps)),
			 fmt_us(p, 32, k->p99_us),
			 fmt_count(bo, 32, round(s->step[k->beyond].offered_rps)), k->limited_by,
			 allows, r, fmt_count(d, 32, round(k->predicted_rps)),
			 s->step[k->beyond].server_cpus,
			 fmt_us(u, 32, s->step[k->beyond].cpu_us_per_request));
		break;
	case SWEEP_NEVER_SATURATED:
		snprintf(k->why, sizeof(k->why),
			 "kept up with every rate asked, up to %s requests/s: no knee below it",
			 fmt_count(r, 32, round(k->rps)));
		break;
	case SWEEP_BELOW_START:
		snprintf(k->why, sizeof(k->why),
			 "kept up with no rate asked, down to %s requests/s: %s, %s of %d "
			 "connections never answered",
			 fmt_count(o, 32, round(s->step[k->beyond].offered_rps)), k->limited_by,
			 fmt_count(c, 32, s->step[k->beyond].starved),
			 s->step[k->beyond].connections);
		break;
	case SWEEP_INTERRUPTED:
		snprintf(k->why, sizeof(k->why), "interrupted before the knee was found");
		break;
	}
}

/* A step that got its rate and not its p99: its requests queued for a
 * saturated CPU (the server's own work, or others' on its CPUs), for a
 * CPU on the run queue, or for nothing the figures name. */
static void tail_waited(const struct sweep_step *b, struct knee *k)
{
	const char *why = b->runq_p99_us >= SWEEP_RUNQ_SHARE * b->p99_us ? "run_queue" : "latency";

	if (b->cpu_busy >= CPU_SATURATED) {
		why = "server_cpu";
		if (b->cpu_us_per_request > 0)
			k->capacity_rps = b->server_cpus * 1e6 / b->cpu_us_per_request;
	} else if (b->server_cpus_busy >= CPU_SATURATED) {
		why = "shared_cpus";
	}
	snprintf(k->limited_by, sizeof(k->limited_by), "%s", why);
}

void sweep_knee(const struct ramp_plan *p, struct sweep *s)
{
	struct knee *k = &s->knee;

	memset(k, 0, sizeof(*k));
	k->end = p->done ? p->end : SWEEP_INTERRUPTED;
	k->step = p->lo_step;
	k->beyond = p->hi_step;
	k->offered_rps = k->rps = k->p99_us = NAN;
	k->capacity_rps = k->predicted_rps = NAN;
	if (k->step >= 0) {
		k->offered_rps = s->step[k->step].offered_rps;
		k->rps = s->step[k->step].rps;
		k->p99_us = s->step[k->step].p99_us;
	}
	if (k->beyond >= 0) {
		const struct sweep_step *b = &s->step[k->beyond];

		snprintf(k->limited_by, sizeof(k->limited_by), "%s",
			 k->end == SWEEP_CLIENT_BOUND ? "load_generator" : b->limited_by);
		k->capacity_rps = b->capacity_rps;
		/* the rate got, its latency not: where the tail waited */
		if (k->end != SWEEP_CLIENT_BOUND && !strcmp(b->limited_by, "offered_load"))
			tail_waited(b, k);
		if (b->cpu_us_per_request > 0 && b->server_cpus > 0)
			k->predicted_rps = b->server_cpus * 1e6 / b->cpu_us_per_request;
	} else if (k->end == SWEEP_NEVER_SATURATED) {
		snprintf(k->limited_by, sizeof(k->limited_by), "offered_load");
	}
	knee_words(k, s);
}

void sweep_step_of(const struct explanation *x, struct sweep_step *st)
{
	const struct figures *f = &x->fig;

	st->connections = f->connections;
	st->server_cpus = f->server_cpus;
	st->offered_rps = f->rate_target;
	st->rps = f->rps;
	st->p50_us = f->p50_us;
	st->p99_us = f->p99_us;
	st->max_us = f->max_us;
	st->errors = f->errors;
	st->starved = f->starved;
	st->aq_max = f->aq_max;
	st->aq_limit = f->aq_limit;
	st->listen_overflows = f->listen_overflows;
	st->runq_p99_us = f->runq_p99_us;
	st->cpu_busy = cpu_busy_share(f);
	st->load_busy = load_busy_share(f);
	st->load_cpus_busy = f->load_cpus_busy;
	st->server_cpus_busy = f->server_cpus_busy;
	st->cpu_us_per_request = cpu_us_per_request(f);
	st->switches_per_request = per_request(f, f->vol_switches + f->invol_switches);
	st->syscalls_per_request = per_request(f, f->syscalls);
	snprintf(st->limited_by, sizeof(st->limited_by), "%s", x->verdict.why.rule);
	st->capacity_rps = x->verdict.capacity_rps;
}

double sweep_memory_per_connection(const struct sweep *s, const struct sweep_step *st)
{
	double before = s->memory_idle_bytes;
	int conns = 0;

	/* the step before with fewer connections: what the server touched once
	 * (its stacks, buffers, arenas) is in both, the connections' cost not */
	for (const struct sweep_step *p = s->step; p < st; p++)
		if (p->connections < st->connections && p->connections >= conns) {
			before = p->memory_bytes;
			conns = p->connections;
		}
	if (!known(st->memory_bytes) || !known(before) || st->connections <= conns)
		return NAN;
	return (st->memory_bytes - before) / (st->connections - conns);
}

/* a's step i against b's of as many connections: 1 behind, 0 not, -1 no such step */
static int behind_at(const struct sweep *a, int i, const struct sweep *b, double margin)
{
	for (int j = 0; j < b->n; j++)
		if (a->step[i].connections == b->step[j].connections)
			return a->step[i].rps < (1 - margin) * b->step[j].rps;
	return -1;
}

int sweep_falls_behind(const struct sweep *a, const struct sweep *b, double margin)
{
	int from = -1;

	/* behind from a step on, at every one after: one noisy step is not it;
	 * one connection is served alike by every model (a task, blocked on
	 * it): a difference there is noise */
	for (int i = 0; i < a->n; i++) {
		int behind = a->step[i].connections > 1 ? behind_at(a, i, b, margin) : -1;

		if (behind == 0)
			from = -1;
		else if (behind == 1 && from < 0)
			from = i;
	}
	return from;
}
