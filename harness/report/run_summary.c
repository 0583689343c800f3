// SPDX-License-Identifier: MIT
/*
 * The run's summary, per scenario: the models side by side (one row each,
 * key figures), the ranking recorded for it, and each model's findings.
 */
#include "common/units.h"
#include "harness/report/text.h"

#include <string.h>

static const char *rule = "--------------------------------------------------------------"
			  "--------------------------------------------------------------------"
			  "--------";

/* Each model's verdict first, and beside its latency the connections it
 * never answered: a latency of the few it served is no latency of all. */
static void print_comparison(FILE *f, const char *scenario, const struct explanation *const why[],
			     int n)
{
	fprintf(f, "%s\n", scenario);
	fprintf(f, "%-15s %-16s %9s %9s %9s %7s %7s %9s %9s %7s %7s %8s %8s\n", "model",
		"limited by", "req/s", "p50", "p99", "starved", "errors", "aq max", "overflow",
		"vcs/req", "ics/req", "sys/req", "cpu/req");
	fprintf(f, "%.*s\n", 136, rule);
	for (int i = 0; i < n; i++) {
		const struct figures *g = &why[i]->fig;
		char rps[32], p50[32], p99[32], err[32], aq[32], ovf[32], cpu[32];
		char vcs[32], ics[32], sys[32], starved[32];

		if (isnan(g->aq_max))
			snprintf(aq, sizeof(aq), "-");
		else
			snprintf(aq, sizeof(aq), "%.0f/%.0f", g->aq_max, g->aq_limit);
		fprintf(f, "%-15s %-16s %9s %9s %9s %7s %7s %9s %9s %7s %7s %8s %8s\n", g->model,
			why[i]->verdict.why.rule[0] ? why[i]->verdict.why.rule : "-",
			fmt_count(rps, 32, round(g->rps)), fmt_us(p50, 32, g->p50_us),
			fmt_us(p99, 32, g->p99_us), fmt_count(starved, 32, g->starved),
			fmt_count(err, 32, g->errors), aq, fmt_count(ovf, 32, g->listen_overflows),
			fmt_count(vcs, 32, per_request(g, g->vol_switches)),
			fmt_count(ics, 32, per_request(g, g->invol_switches)),
			fmt_count(sys, 32, per_request(g, g->syscalls)),
			fmt_us(cpu, 32, cpu_us_per_request(g)));
	}
}

/* "thread_creation, runqueue_pressure", or "none" */
static void rule_list(char *buf, size_t len, const struct rule_list *l)
{
	size_t used = 0;

	snprintf(buf, len, "none");
	for (int i = 0; i < l->n && used < len; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? ", " : "", l->name[i]);
}

void ranking_entry_text(char *buf, size_t len, const struct ranking *r, int i)
{
	const struct ranking_entry *e = &r->entries[i], *best = &r->entries[0];
	char worse[512], better[512], rate[96], gap[512];
	int n;

	if (i == 0) {
		snprintf(buf, len, " %s, %.0f requests/s", e->tie ? "fastest, tied" : "fastest",
			 e->rps);
		return;
	}
	rule_list(worse, sizeof(worse), &e->only_here);
	rule_list(better, sizeof(better), &e->only_best);
	/* within the noise it is a tie, whichever came out ahead */
	if (e->tie)
		snprintf(rate, sizeof(rate),
			 "a tie with %s in requests/s (%.2fx, within the "
			 "noise of ±%.0f%%)",
			 best->model, e->rps_ratio, 100 * e->noise);
	else
		snprintf(rate, sizeof(rate), "%.2fx of %s's requests/s", e->rps_ratio, best->model);
	n = snprintf(buf, len, " %s at %.2fx its CPU per request; ", rate, e->cpu_ratio);
	if (n < 0 || (size_t)n >= len)
		return;
	if (!e->only_here.n && !e->only_best.n)
		n += snprintf(buf + n, len - n,
			      "the same rules hold for both: the gap is in degree");
	else
		n += snprintf(buf + n, len - n, "only %s shows: %s; only %s shows: %s", e->model,
			      worse, best->model, better);
	if (n < 0 || (size_t)n >= len)
		return;
	gap_text(gap, sizeof(gap), e);
	if (gap[0])
		snprintf(buf + n, len - n, "\n    %s", gap);
}

void print_ranking(FILE *f, const struct ranking *r)
{
	char text[2048];

	for (int i = 0; i < r->n; i++) {
		ranking_entry_text(text, sizeof(text), r, i);
		fprintf(f, "%s:%s\n", r->entries[i].model, text);
	}
}

/* Each load host's share of an experiment, a line each (--load-host). */
static void print_load_hosts(FILE *f, const struct experiment_record *e)
{
	char req[32], rate[32], p99[32], busy[16];

	for (int i = 0; i < e->nhosts; i++) {
		const struct load_host_row *h = &e->hosts[i];

		if (h->lost) {
			fprintf(f,
				"  %-15s load host %s: lost mid-run (%s): the experiment is "
				"incomplete\n",
				e->why.fig.model, h->host, h->why);
			continue;
		}
		fprintf(f,
			"  %-15s load host %s: %s requests, %s/s, p99 %s, %llu errors, its CPU "
			"%s busy\n",
			e->why.fig.model, h->host, fmt_count(req, sizeof(req), h->requests),
			fmt_count(rate, sizeof(rate), round(h->rate)),
			fmt_us(p99, sizeof(p99), h->p99_ns / 1e3), (unsigned long long)h->errors,
			fmt_pct(busy, sizeof(busy), h->cpu_busy));
	}
}

void print_run_summary(FILE *f, const struct run_record *r)
{
	for (int s = 0; s < nscenarios; s++) {
		const struct experiment_record *row[RANKING_MAX];
		const struct explanation *whys[RANKING_MAX];
		const struct ranking *ranking = run_record_ranking(r, scenarios[s].name);
		int n = 0;

		for (int i = 0; i < r->nexps && n < RANKING_MAX; i++)
			if (r->exps[i]->scenario == &scenarios[s]) {
				row[n] = r->exps[i];
				whys[n++] = &r->exps[i]->why;
			}
		if (!n)
			continue;
		fprintf(f, "\n");
		print_comparison(f, scenarios[s].name, whys, n);
		for (int i = 0; i < n; i++)
			if (row[i]->nhosts) {
				fprintf(f, "\nthe load from other hosts:\n");
				for (int k = i; k < n; k++)
					print_load_hosts(f, row[k]);
				break;
			}
		if (scenario_is_sweep(&scenarios[s]))
			print_sweep_summary(f, &scenarios[s], row, n);
		if (ranking) {
			fprintf(f, "\nranking:\n");
			print_ranking(f, ranking);
		}
		for (int i = 0; i < n; i++)
			if (row[i]->failed[0])
				fprintf(f, "%s: not ranked: the server %s\n", row[i]->why.fig.model,
					row[i]->failed);
		fprintf(f, "\nwhy:\n");
		for (int i = 0; i < n; i++) {
			fprintf(f, "%s: ", row[i]->why.fig.model);
			if (row[i]->failed[0]) {
				print_failed(f, row[i]);
				print_server_output(f, row[i], "  ");
				continue;
			}
			print_verdict(f, &row[i]->why.verdict);
			fprintf(f, "  CPU per request: ");
			print_account_compact(f, &row[i]->why.cpu);
			load_result_print_lenient(f, &row[i]->load,
						  "  read as http.client reads: ");
			print_server_output(f, row[i], "  ");
			if (row[i]->nhosts)
				fprintf(f, "    (the load came from other hosts: the client's "
					   "loopback work is no longer in this account)\n");
			print_findings(f, row[i]->why.findings, row[i]->why.nfindings);
			if (row[i]->why.nerrors)
				print_errors(f, row[i]->why.errors, row[i]->why.nerrors);
		}
	}
}
