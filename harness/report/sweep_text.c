// SPDX-License-Identifier: MIT
/*
 * A sweep as text: each model's steps, one row each, and the comparison a
 * sweep makes. ramp: per model the knee (the highest rate kept up with,
 * its p99, what gave way beyond it, the capacity measured against the one
 * the CPU per request predicts). conns: per step the rate, the latency and
 * the memory per connection, and where a model with a task per connection
 * falls behind an event loop, with the figures that say why.
 */
#include "common/units.h"
#include "harness/report/text.h"

#include <string.h>

static void print_steps(FILE *f, const struct sweep *s, bool ramp)
{
	fprintf(f, "  %9s %6s %9s %9s %9s %6s %7s %9s %8s %9s %6s %6s %7s %7s %9s %9s %6s  %s\n",
		ramp ? "asked/s" : "", "conns", "req/s", "p50", "p99", "errors", "starved",
		"aq max", "overflow", "runq p99", "cpu", "load", "cs/req", "sys/req", "memory",
		"mem/conn", "tasks", "limited by");
	for (int i = 0; i < s->n; i++) {
		const struct sweep_step *st = &s->step[i];
		char a[32], r[32], p50[32], p99[32], e[32], aq[32], ov[32], rq[32], cb[16], lb[16];
		char cs[32], sy[32], m[32], mc[32], t[32], sv[32];

		if (isnan(st->aq_max))
			snprintf(aq, sizeof(aq), "-");
		else
			snprintf(aq, sizeof(aq), "%.0f/%.0f", st->aq_max, st->aq_limit);
		snprintf(cs, sizeof(cs), "%.2f", st->switches_per_request);
		snprintf(sy, sizeof(sy), "%.2f", st->syscalls_per_request);
		fprintf(f,
			"  %9s %6d %9s %9s %9s %6s %7s %9s %8s %9s %6s %6s %7s %7s %9s %9s %6s  %s%s\n",
			ramp ? fmt_count(a, 32, round(st->offered_rps)) : "", st->connections,
			fmt_count(r, 32, round(st->rps)), fmt_us(p50, 32, st->p50_us),
			fmt_us(p99, 32, st->p99_us), fmt_count(e, 32, st->errors),
			fmt_count(sv, 32, st->starved), aq, fmt_count(ov, 32, st->listen_overflows),
			fmt_us(rq, 32, st->runq_p99_us), fmt_pct(cb, 16, st->cpu_busy),
			fmt_pct(lb, 16, st->load_busy), cs, sy, fmt_bytes(m, 32, st->memory_bytes),
			fmt_bytes(mc, 32, st->memory_per_connection), fmt_count(t, 32, st->tasks),
			st->limited_by, ramp ? (st->kept_up ? "" : " (not kept up)") : "");
	}
}

void print_sweep(FILE *f, const struct experiment_record *e)
{
	bool ramp = e->scenario->kind == SCENARIO_RAMP;

	if (!e->sweep)
		return;
	fprintf(f, "%s, %d steps:\n", ramp ? "the ramp" : "the connections", e->sweep->n);
	print_steps(f, e->sweep, ramp);
	if (ramp)
		fprintf(f, "the knee (%s): %s\n", sweep_end_name(e->sweep->knee.end),
			e->sweep->knee.why);
}

static void print_knees(FILE *f, const struct experiment_record *const row[], int n)
{
	fprintf(f, "%-15s %11s %9s %9s %-16s %9s %9s  %s\n", "model", "knee asked", "req/s", "p99",
		"what gave way", "allows", "cpu says", "how it ended");
	for (int i = 0; i < n; i++) {
		const struct knee *k = &row[i]->sweep->knee;
		char a[32], r[32], p[32], c[32], d[32];

		fprintf(f, "%-15s %11s %9s %9s %-16s %9s %9s  %s\n", row[i]->why.fig.model,
			fmt_count(a, 32, round(k->offered_rps)), fmt_count(r, 32, round(k->rps)),
			fmt_us(p, 32, k->p99_us), k->limited_by[0] ? k->limited_by : "-",
			fmt_count(c, 32, round(k->capacity_rps)),
			fmt_count(d, 32, round(k->predicted_rps)), sweep_end_name(k->end));
	}
}

/* The experiment of model among row, or NULL. */
static const struct experiment_record *of_model(const struct experiment_record *const row[], int n,
						const char *model)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(row[i]->why.fig.model, model))
			return row[i];
	return NULL;
}

/* Where each model was found to fall behind an event loop, as recorded. */
static void print_behind(FILE *f, const struct experiment_record *const row[], int n)
{
	for (int i = 0; i < n; i++) {
		const struct sweep_behind *bh = &row[i]->sweep->behind;
		const struct experiment_record *loop = of_model(row, n, bh->event_loop);
		const struct sweep_step *a, *b = NULL;
		char r[32], rl[32], m[32], ml[32], tk[32], tl[32], p[32], pl[32];

		if (!bh->event_loop[0] || !loop)
			continue;
		if (bh->step < 0 || bh->step >= row[i]->sweep->n) {
			fprintf(f, "%s keeps up with %s at every step (within %.0f%%)\n",
				row[i]->why.fig.model, bh->event_loop, 100 * SWEEP_BEHIND);
			continue;
		}
		a = &row[i]->sweep->step[bh->step];
		for (int j = 0; j < loop->sweep->n; j++)
			if (loop->sweep->step[j].connections == a->connections)
				b = &loop->sweep->step[j];
		if (!b)
			continue;
		fprintf(f,
			"%s falls behind %s at %d connections: %s against %s requests/s, p99 %s "
			"against %s; %s tasks alive against %s, %.2f context switches per request "
			"against %.2f, %s per connection against %s; limited by %s\n",
			row[i]->why.fig.model, loop->why.fig.model, a->connections,
			fmt_count(r, 32, round(a->rps)), fmt_count(rl, 32, round(b->rps)),
			fmt_us(p, 32, a->p99_us), fmt_us(pl, 32, b->p99_us),
			fmt_count(tk, 32, a->tasks), fmt_count(tl, 32, b->tasks),
			a->switches_per_request, b->switches_per_request,
			fmt_bytes(m, 32, a->memory_per_connection),
			fmt_bytes(ml, 32, b->memory_per_connection), a->limited_by);
		/* a rate of CPUs others took says little of the model */
		if (!strcmp(a->limited_by, "shared_cpus") || !strcmp(b->limited_by, "shared_cpus"))
			fprintf(f,
				"  (the CPUs were shared with other work there: compare the CPU "
				"per request, %s against %s, and run it again on a quiet machine)\n",
				fmt_us(r, 32, a->cpu_us_per_request),
				fmt_us(rl, 32, b->cpu_us_per_request));
	}
}

void print_sweep_summary(FILE *f, const struct scenario *s,
			 const struct experiment_record *const row[], int n)
{
	const struct experiment_record *swept[RANKING_MAX];
	int m = 0;

	for (int i = 0; i < n; i++)
		if (row[i]->sweep)
			swept[m++] = row[i];
	if (!m)
		return;
	if (s->kind == SCENARIO_RAMP) {
		fprintf(f, "\nknees:\n");
		print_knees(f, swept, m);
		for (int i = 0; i < m; i++)
			fprintf(f, "%s: %s\n", swept[i]->why.fig.model, swept[i]->sweep->knee.why);
	} else {
		fprintf(f, "\n");
		print_behind(f, swept, m);
	}
	for (int i = 0; i < m; i++) {
		fprintf(f, "\n%s, ", swept[i]->why.fig.model);
		print_sweep(f, swept[i]);
	}
}
