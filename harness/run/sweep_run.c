// SPDX-License-Identifier: MIT
/*
 * A sweep's steps, the server and its probes staying up between them: each
 * step a window of its own (the probes reset before it and read after,
 * the cgroup's and the CPUs' times read around it), explained as any
 * experiment is, and kept as a step of the sweep. ramp asks its plan
 * (explain/sweep.c) for each rate; conns runs each number of connections.
 * The server's memory and tasks are sampled through each window: a
 * connection's cost shows while it is open, not after the load closed it.
 */
#include "harness/run/bench.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* the ramp starts low enough for every model to keep up (blocking aside),
 * and asks at most what no 2-CPU loopback run reaches */
#define RAMP_START_RPS 500
#define RAMP_FACTOR    2
#define RAMP_MAX_RPS   400000
/* unmeasured time at each step's start: its connections made, its rate on */
#define STEP_SETTLE_S 0.1
/* conns: connecting takes time too, the more so for fork */
#define CONNECT_S_PER_CONNECTION 150e-6
#define SAMPLE_NS		 20000000L

/* The server's memory and tasks, their largest over a window. */
struct sampler {
	const struct bench *b;
	pthread_t thread;
	volatile int stop;
	double memory_max, tasks_max;
};

static void sample(struct sampler *s)
{
	double m = cgroup_memory_bytes(&s->b->memory);
	int t = cgroup_tasks(&s->b->cg);

	if (!isnan(m) && (isnan(s->memory_max) || m > s->memory_max))
		s->memory_max = m;
	if (t >= 0 && (isnan(s->tasks_max) || t > s->tasks_max))
		s->tasks_max = t;
}

static void *sampling(void *arg)
{
	struct sampler *s = arg;
	struct timespec pause = { .tv_nsec = SAMPLE_NS };

	while (!s->stop) {
		sample(s);
		nanosleep(&pause, NULL);
	}
	sample(s);
	return NULL;
}

/* How long a step takes, start to end, for the time left. */
static double step_time_s(const struct run_opts *o, const struct load_opts *l)
{
	return o->step_s + l->warmup_s + 0.05;
}

/* One step: measured, explained, kept. */
static int step(struct experiment *e, const struct run_opts *o, struct bench *b,
		struct load_opts *l)
{
	struct sweep *s = b->sweep;
	struct sampler sm = { .b = b, .memory_max = NAN, .tasks_max = NAN };
	struct experiment_record *r;
	struct sweep_step *st;
	bool sampling_on;
	int err;

	if (s->n >= SWEEP_MAX_STEPS)
		return -E2BIG;
	if (l->rate > 0)
		snprintf(b->progress.step, sizeof(b->progress.step), "step %d: %.0f/s asked",
			 s->n + 1, l->rate);
	else
		snprintf(b->progress.step, sizeof(b->progress.step), "step %d: %u conns", s->n + 1,
			 l->connections);
	if (!o->quiet)
		progress_step(&b->progress);
	sampling_on = !pthread_create(&sm.thread, NULL, sampling, &sm);
	err = bench_window(e, o, b, l);
	sm.stop = 1;
	if (sampling_on)
		pthread_join(sm.thread, NULL);
	if (err && err != -EINTR)
		return err;
	if (!b->have_load)
		return err;
	r = bench_record(e, o, b);
	if (!r)
		return -ENOMEM;
	b->steps[s->n] = r;
	st = &s->step[s->n++];
	sweep_step_of(&r->why, st);
	st->offered_rps = l->rate > 0 ? l->rate : NAN;
	st->client_behind = r->load.client_behind;
	st->memory_bytes = sm.memory_max;
	st->memory_per_connection = sweep_memory_per_connection(s, st);
	st->tasks = sm.tasks_max;
	b->progress.left_s -= step_time_s(o, l);
	return err;
}

static int ramp(struct experiment *e, const struct run_opts *o, struct bench *b,
		struct load_opts *l)
{
	struct ramp_plan plan;
	double rate;
	int err = 0;

	ramp_init(&plan, RAMP_START_RPS, RAMP_FACTOR, RAMP_MAX_RPS);
	l->warmup_s = STEP_SETTLE_S;
	l->duration_s = o->step_s;
	while ((rate = ramp_next(&plan, b->sweep)) > 0) {
		l->rate = rate;
		err = step(e, o, b, l);
		if (err)
			break;
	}
	sweep_knee(&plan, b->sweep);
	/* the step beyond the knee shows what gave way; else the knee's, else the last */
	b->main_step = b->sweep->knee.beyond >= 0 ? b->sweep->knee.beyond
		       : b->sweep->knee.step >= 0 ? b->sweep->knee.step
						  : b->sweep->n - 1;
	return err == -E2BIG ? 0 : err;
}

static int conns(struct experiment *e, const struct run_opts *o, struct bench *b,
		 struct load_opts *l)
{
	int err = 0;

	l->rate = 0;
	l->duration_s = o->step_s;
	for (int i = 0; i < o->nconns_steps && !err; i++) {
		l->connections = o->conns_steps[i];
		l->threads = b->nload_cpus < o->conns_steps[i] ? b->nload_cpus : o->conns_steps[i];
		l->warmup_s = STEP_SETTLE_S + o->conns_steps[i] * CONNECT_S_PER_CONNECTION;
		err = step(e, o, b, l);
	}
	b->main_step = b->sweep->n - 1;
	return err;
}

/* What the sweep will take, about, start to end. */
double sweep_estimate_s(const struct run_opts *o, const struct scenario *s)
{
	struct load_opts l = { .warmup_s = STEP_SETTLE_S };
	double t = 0;

	if (s->kind == SCENARIO_RAMP)
		return 14 * step_time_s(o, &l);
	for (int i = 0; i < o->nconns_steps; i++) {
		l.warmup_s = STEP_SETTLE_S + o->conns_steps[i] * CONNECT_S_PER_CONNECTION;
		t += step_time_s(o, &l);
	}
	return t;
}

int sweep_measure(struct experiment *e, const struct run_opts *o, struct bench *b,
		  struct load_opts *l)
{
	int err;

	b->sweep = calloc(1, sizeof(*b->sweep));
	if (!b->sweep)
		return -ENOMEM;
	/* the idle server's memory: what each connection adds is over it */
	b->sweep->memory_idle_bytes = NAN;
	if (!cgroup_memory_open(&b->memory, &b->cg) &&
	    !cgroup_memory_join(&b->memory, b->server.pid))
		b->sweep->memory_idle_bytes = cgroup_memory_bytes(&b->memory);
	b->progress.left_s += sweep_estimate_s(o, e->scenario);
	err = e->scenario->kind == SCENARIO_RAMP ? ramp(e, o, b, l) : conns(e, o, b, l);
	if (!o->quiet)
		progress_sweep_done(&b->progress, b->sweep);
	return err;
}
