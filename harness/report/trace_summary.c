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
			/* unknown by design when the load closes each connection */
			if (i == TRAIT_CLOSES_EACH && t->t[i].is == TRAIT_UNKNOWN)
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

/* The user's load tool: what it said of its run, what the kernel saw. */
static void print_tool(FILE *out, const struct load_tool *t, const struct figures *f)
{
	const struct load_tool_report *r = &t->report;
	char a[32], b[32], c[32], d[32];

	fprintf(out, "load tool: %s, as %s%s%s%s\n", t->command, t->user,
		strcmp(t->user, "root") ? "" : " (no SUDO_UID: root)",
		t->added[0] ? "; the harness added " : "", t->added);
	fprintf(out,
		"  started up in %.2f s (%s of CPU) before its first connection, then loaded for "
		"%.2f s, the window measured; %s %d\n",
		t->startup_s, fmt_us(a, 32, t->cpu_startup_us), t->window_s,
		t->ceiling ? "stopped at --duration, status" : "exit status", t->exit_status);
	fprintf(out,
		"  its CPU (its cgroup), loading: %s (user %s, system %s; with its start-up, "
		"wait4's count %s), %.0f%% of the CPU(s) its %.0f process(es) and %.0f thread(s) "
		"could use (%d pinned)\n",
		fmt_us(a, 32, t->cpu_us), fmt_us(b, 32, t->cpu_user_us),
		fmt_us(c, 32, t->cpu_system_us), fmt_us(d, 32, t->rusage_cpu_us),
		100 * load_busy_share(f), t->procs, t->threads, t->ncpus);
	if (!isnan(t->running_us))
		fprintf(out,
			"  its tasks' time (sched): running %s, waiting for a CPU %s: it wanted %.0f%% "
			"of the CPU(s) it could use\n",
			fmt_us(a, 32, t->running_us), fmt_us(b, 32, t->runnable_us),
			100 * load_demand_share(f));
	fprintf(out,
		"  scheduler (its cgroup): %.0f voluntary and %.0f involuntary switches, run-queue "
		"latency p99 %s; TCP connections it opened: %.0f\n",
		t->vol_switches, t->invol_switches, fmt_us(a, 32, t->runq_p99_us), t->connections);
	if (r->source[0])
		fprintf(out,
			"  its own report (%s): %.0f requests, %.0f failed, %.1f requests/s over its "
			"own time; latency mean %s, p50 %s, p99 %s, max %s\n",
			r->source, r->requests, r->failures, r->rps, fmt_us(a, 32, r->mean_us),
			fmt_us(b, 32, r->p50_us), fmt_us(c, 32, r->p99_us),
			fmt_us(d, 32, r->max_us));
	else
		fprintf(out,
			"  its own report: none the harness knows how to read (%s): rate from "
			"the kernel, latency unknown\n",
			t->name);
	fprintf(out,
		"  the kernel, server side: %.0f connections accepted, %.0f responses sent (its "
		"send and write calls): %.1f requests/s over the window\n",
		t->server_accepted, t->server_responses,
		t->window_s > 0 ? t->server_responses / t->window_s : NAN);
	fprintf(out, "  requests/s as measured: %.1f (%s over the window)\n", f->rps,
		r->source[0] ? "its count" : "the server's responses");
}

void print_failed(FILE *f, const struct experiment_record *e)
{
	const struct figures *g = &e->why.fig;

	fprintf(f, "FAILED: the server %s; not explained, not ranked\n", e->failed);
	if (e->said[0])
		fprintf(f, "  its last lines%s%s:\n    %s%s", e->log[0] ? ", in " : "", e->log,
			e->said, e->said[strlen(e->said) - 1] == '\n' ? "" : "\n");
	/* what the kernel saw go wrong in it before its end: a language's
	 * runtime turns an EPIPE or ECONNRESET into an exception that can end
	 * the process (Python's BrokenPipeError, ConnectionResetError) */
	if (isnan(g->failed_calls))
		return;
	if (!g->nerrnos) {
		fprintf(f, "  the kernel saw none of its calls fail while measured\n");
		return;
	}
	fprintf(f, "  its calls the kernel saw fail while measured:");
	for (int i = 0; i < g->nerrnos; i++)
		fprintf(f, "%s %s %s x%.0f", i ? "," : "", g->errnos[i].syscall, g->errnos[i].err,
			g->errnos[i].count);
	fprintf(f, "\n");
}

/* What it wrote (stdout and stderr) per request while measured, and where. */
void print_server_output(FILE *f, const struct experiment_record *e, const char *indent)
{
	char b[32];

	/* a server that wrote nothing while measured: nothing to say */
	if (isnan(e->log_bytes) || !(e->log_bytes > 0) || !e->log[0])
		return;
	fprintf(f, "%sthe server wrote %s bytes (stdout and stderr) while measured", indent,
		fmt_count(b, sizeof(b), e->log_bytes));
	if (e->load.requests)
		fprintf(f, ", %.0f bytes per request", e->log_bytes / (double)e->load.requests);
	fprintf(f, ", to %s\n", e->log);
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
	if (e->said[0] && !e->failed[0])
		fprintf(out, "        it said: %s", e->said);
	print_server_output(out, e, "        ");
	if (e->nhosts) {
		fprintf(out, "load:   %s, from %d other host(s):", e->scenario->what, e->nhosts);
		for (int i = 0; i < e->nhosts; i++)
			fprintf(out, " %s", e->hosts[i].host);
		fprintf(out, "%s\n\n", e->load_incomplete ? " (incomplete: one was lost)" : "");
	} else {
		fprintf(out, "load:   %s (%d CPU(s))\n\n", e->scenario->what, e->nload_cpus);
	}
	/* a sweep's figures below are of one step: which, after them all */
	if (e->sweep) {
		print_sweep(out, e);
		fprintf(out, "\nbelow, the step %s:\n\n",
			e->scenario->kind == SCENARIO_RAMP
				? "beyond the knee (or the last kept up with)"
				: "of the most connections");
	}
	if (e->tool.ran)
		print_tool(out, &e->tool, f);
	else
		load_result_print(out, &e->load);
	/* what it counted itself: the requests it read, those still in flight
	 * at the end included, which the load did not see answered */
	if (!isnan(f->server_requests))
		fprintf(out, "  its own count (%s's stub_status): %s requests read in the window\n",
			f->model, fmt_count(a, 32, f->server_requests));
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
	if (e->failed[0]) {
		print_failed(out, e);
	} else {
		print_verdict(out, &e->why.verdict);
		print_traits(out, &e->why.traits);
		print_account(out, "where each request's CPU time goes", &e->why.cpu);
		print_account(out, "where its tasks' time goes", &e->why.time);
		print_errors(out, e->why.errors, e->why.nerrors);
	}
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
