// SPDX-License-Identifier: MIT
#include "harness/run/progress.h"
#include "harness/run/experiment.h"
#include "common/units.h"

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
	fprintf(stderr, "\r\033[K[%d/%d] %-8s %-10s %5.1f s %s %s req/s  p99 %s", pr->e->index,
		pr->e->count, pr->e->model->name, pr->e->scenario->name, p->elapsed_s,
		pr->warming_up ? "warm-up" : "       ",
		fmt_count(rps, 32, (double)(long long)p->rate), fmt_us(p99, 32, p->p99_ns / 1e3));
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
