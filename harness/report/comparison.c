// SPDX-License-Identifier: MIT
#include "harness/report/comparison.h"
#include "common/units.h"

static const char *rule = "--------------------------------------------------------------"
			  "--------------------------------------------------";

void print_comparison(FILE *f, const char *scenario, const struct figures *const figs[], int n)
{
	fprintf(f, "%s\n", scenario);
	fprintf(f, "%-9s %9s %9s %9s %7s %9s %9s %7s %7s %8s %8s\n", "model", "req/s",
		"p50", "p99", "errors", "aq max", "overflow", "vcs/req", "ics/req",
		"sys/req", "cpu/req");
	fprintf(f, "%.*s\n", 100, rule);
	for (int i = 0; i < n; i++) {
		const struct figures *g = figs[i];
		char rps[32], p50[32], p99[32], err[32], aq[32], ovf[32], cpu[32];
		char vcs[32], ics[32], sys[32];

		if (isnan(g->aq_max))
			snprintf(aq, sizeof(aq), "-");
		else
			snprintf(aq, sizeof(aq), "%.0f/%.0f", g->aq_max, g->aq_limit);
		fprintf(f, "%-9s %9s %9s %9s %7s %9s %9s %7s %7s %8s %8s\n", g->model,
			fmt_count(rps, 32, round(g->rps)), fmt_us(p50, 32, g->p50_us),
			fmt_us(p99, 32, g->p99_us), fmt_count(err, 32, g->errors), aq,
			fmt_count(ovf, 32, g->listen_overflows),
			fmt_count(vcs, 32, per_request(g, g->vol_switches)),
			fmt_count(ics, 32, per_request(g, g->invol_switches)),
			fmt_count(sys, 32, per_request(g, g->syscalls)),
			fmt_us(cpu, 32, cpu_us_per_request(g)));
	}
}
