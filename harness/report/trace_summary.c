// SPDX-License-Identifier: MIT
/*
 * One experiment's trace summary: the server and where it ran, the load's
 * figures (wrk-like), the server's CPU time, each probe's summary and cost,
 * and why: the findings recorded with it.
 */
#include "common/units.h"
#include "harness/report/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void print_verdict(FILE *f, const struct verdict *v)
{
	fprintf(f, "limited by %s\n", v->why.text);
}

void print_findings(FILE *f, const struct finding *fs, int n)
{
	if (!n) {
		fprintf(f, "  (no rule found a cause in the figures measured)\n");
		return;
	}
	for (int i = 0; i < n; i++)
		fprintf(f, "  - [%s] %s\n", fs[i].confidence, fs[i].text);
}

/* What it is, in one line: each trait found with its figures, then those
 * it is not and those not measured, by name. */
void print_traits(FILE *f, const struct inferred_traits *t)
{
	static const char *const heads[] = {
		[TRAIT_YES] = "", [TRAIT_NO] = "not ", [TRAIT_UNKNOWN] = "unknown: "
	};
	const enum trait_state order[] = { TRAIT_YES, TRAIT_NO, TRAIT_UNKNOWN };
	bool any = false;

	fprintf(f, "what it is, from the kernel's figures: ");
	for (size_t s = 0; s < sizeof(order) / sizeof(order[0]); s++) {
		int n = 0;

		for (int i = 0; i < TRAITS; i++) {
			if (t->t[i].is != order[s])
				continue;
			if (n++)
				fprintf(f, ", ");
			else
				fprintf(f, "%s%s", any ? "; " : "", heads[order[s]]);
			fprintf(f, "%s", order[s] == TRAIT_YES ? t->t[i].why.text : trait_words(i));
			any = true;
		}
	}
	fprintf(f, "\n");
}

/* The server's page faults per request, when they were measured. */
static void print_faults(FILE *out, const struct figures *f)
{
	double n = per_request(f, f->faults);

	if (isnan(n))
		return;
	fprintf(out, "page faults per request%s: %.2f", f->keep_alive ? "" : " (a connection each)",
		n);
	if (f->faults_children > 0)
		fprintf(out, ", %.2f of them in child processes",
			per_request(f, f->faults_children));
	if (!isnan(f->faults_major))
		fprintf(out, "; major %.3f", per_request(f, f->faults_major));
	if (!isnan(f->faults_proc))
		fprintf(out,
			" (the kernel's own count, the process and the children it reaped: %.2f)",
			per_request(f, f->faults_proc));
	fprintf(out, "\n");
}

static void print_measured(FILE *out, const struct experiment_record *e)
{
	const struct figures *f = &e->why.fig;
	char a[32], b[32], c[32], d[32];

	fprintf(out, "server:");
	for (int i = 0; e->argv[i]; i++)
		fprintf(out, " %s", i ? e->argv[i] : basename(e->argv[0]));
	fprintf(out, "\n        %d CPU(s), as %s, %s; exit status %d after SIGTERM\n",
		f->server_cpus, e->user[0] ? e->user : "nobody",
		e->netns ? "own network namespace" : "host network namespace", e->exit_status);
	if (e->said[0])
		fprintf(out, "        it said: %s", e->said);
	fprintf(out, "load:   %s (%d CPU(s))\n\n", e->scenario->what, e->nload_cpus);
	/* a sweep's figures below are of one step: which, after them all */
	if (e->sweep) {
		print_sweep(out, e);
		fprintf(out, "\nbelow, the step %s:\n\n",
			e->scenario->kind == SCENARIO_RAMP
				? "beyond the knee (or the last kept up with)"
				: "of the most connections");
	}
	load_result_print(out, &e->load);
	fprintf(out,
		"\nserver CPU time (its cgroup): %s (user %s, system %s): %s per request, "
		"%.0f%% of %d CPU(s); the load generator's: %.0f%% of %d CPU(s)\n",
		fmt_us(a, 32, e->cpu_us), fmt_us(b, 32, e->cpu_user_us),
		fmt_us(c, 32, e->cpu_system_us), fmt_us(d, 32, cpu_us_per_request(f)),
		100 * cpu_busy_share(f), f->server_cpus, 100 * load_busy_share(f), f->load_cpus);
	print_faults(out, f);
	fprintf(out, "\n");
	probes_print(out, &e->probes, &e->stats);
	probes_print_cost(out, &e->probes, &e->stats);
	fprintf(out, "\nwhy:\n");
	print_findings(out, e->why.findings, e->why.nfindings);
	fprintf(out, "\n");
}

char *trace_summary(const struct experiment_record *e)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	if (!out)
		return NULL;
	fprintf(out, "==== %s · %s ====\n", e->why.fig.model, e->why.fig.scenario);
	print_verdict(out, &e->why.verdict);
	print_traits(out, &e->why.traits);
	print_account(out, "where each request's CPU time goes", &e->why.cpu);
	print_account(out, "where its tasks' time goes", &e->why.time);
	fprintf(out, "\n");
	if (e->unprintable)
		fprintf(out, "(no trace summary: %s)\n\n",
			e->unprintable == -ENODATA ? "recorded without the latency histograms, "
						     "by an older harness; its MODEL.txt has it"
						   : strerror(-e->unprintable));
	else
		print_measured(out, e);
	if (fclose(out)) {
		free(text);
		return NULL;
	}
	return text;
}

void print_trace_summaries(FILE *f, const struct run_record *r)
{
	for (int i = 0; i < r->nexps; i++) {
		char *text = trace_summary(r->exps[i]);

		if (text)
			fputs(text, f);
		free(text);
	}
}
