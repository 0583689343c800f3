// SPDX-License-Identifier: MIT
#include "harness/run/progress.h"
#include "harness/run/experiment.h"
#include "common/units.h"
#include "harness/explain/sweep.h"

#include <stdio.h>
#include <unistd.h>

static bool on_terminal(void)
{
	static int tty = -1;

	if (tty < 0)
		tty = isatty(STDERR_FILENO);
	return tty;
}

void progress_report(const struct load_progress *p, void *arg)
{
	const struct experiment_progress *pr = arg;
	char rps[32], p99[32];

	if (!on_terminal())
		return;
	fprintf(stderr, "\r\033[K[%d/%d] %-8s %-10s %s%s%5.1f s %s %s req/s  p99 %s", pr->e->index,
		pr->e->count, pr->e->model->name, pr->e->scenario->name, pr->step,
		pr->step[0] ? " " : "", p->elapsed_s, pr->warming_up ? "warm-up" : "       ",
		fmt_count(rps, 32, (double)(long long)p->rate), fmt_us(p99, 32, p->p99_ns / 1e3));
	if (pr->left_s >= 1)
		fprintf(stderr, "  ~%.0f s left", pr->left_s);
	fflush(stderr);
}

void progress_done(const struct experiment_progress *pr, const struct load_result *r)
{
	char rps[32], p99[32];

	fprintf(stderr, "%s[%d/%d] %-8s %-10s %s req/s  p99 %s  errors %llu\n",
		on_terminal() ? "\r\033[K" : "", pr->e->index, pr->e->count, pr->e->model->name,
		pr->e->scenario->name, fmt_count(rps, 32, (double)(long long)r->rate),
		fmt_us(p99, 32, histogram_percentile(&r->latency, 99) / 1e3),
		(unsigned long long)r->errors_total);
}

void progress_step(const struct experiment_progress *pr)
{
	if (!on_terminal())
		return;
	fprintf(stderr, "\r\033[K[%d/%d] %-8s %-10s %s", pr->e->index, pr->e->count,
		pr->e->model->name, pr->e->scenario->name, pr->step);
	if (pr->left_s >= 1)
		fprintf(stderr, "  ~%.0f s left", pr->left_s);
	fflush(stderr);
}

void progress_sweep_done(const struct experiment_progress *pr, const struct sweep *s)
{
	const struct sweep_step *last = s->n ? &s->step[s->n - 1] : NULL;
	char rps[32], p99[32];

	fprintf(stderr, "%s[%d/%d] %-8s %-10s %d steps", on_terminal() ? "\r\033[K" : "",
		pr->e->index, pr->e->count, pr->e->model->name, pr->e->scenario->name, s->n);
	if (pr->e->scenario->kind == SCENARIO_RAMP)
		fprintf(stderr, ", %s: %s", sweep_end_name(s->knee.end), s->knee.why);
	else if (last)
		fprintf(stderr, ", at %d connections %s req/s  p99 %s", last->connections,
			fmt_count(rps, 32, round(last->rps)), fmt_us(p99, 32, last->p99_us));
	fputc('\n', stderr);
}
