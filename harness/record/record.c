// SPDX-License-Identifier: MIT
#include "harness/record/record.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void record_explain(struct experiment_record *e)
{
	struct traits seen;

	/* a server that died mid-run is no model to explain: its figures stop
	 * where it did, and say nothing of what limits it */
	if (e->failed[0]) {
		e->why.nfindings = 0;
		snprintf(e->why.verdict.why.rule, sizeof(e->why.verdict.why.rule), "failed");
		snprintf(e->why.verdict.why.text, sizeof(e->why.verdict.why.text),
			 "the server %s: not explained, not ranked", e->failed);
		e->why.verdict.capacity_rps = NAN;
		e->why.verdict.measured_rps = e->why.fig.rps;
		e->why.cpu.attributed_share = e->why.time.attributed_share = NAN;
		return;
	}

	infer_traits(&e->why.fig, &e->why.traits);
	/* a server, ours or the user's, is what the kernel saw it be: the
	 * rules reason over the traits inferred, when every one could be told
	 * (else over the catalog's; a server of the user's has none) */
	if (inferred_traits_as(&e->why.traits, &seen))
		e->why.fig.traits = seen;
	e->why.nfindings = explain_experiment(&e->why.fig, e->why.findings, FINDINGS_MAX);
	explain_verdict(&e->why.fig, &e->why.verdict);
	account_cpu(&e->why.fig, &e->why.cpu);
	account_time(&e->why.fig, &e->why.time);
	e->why.nerrors = explain_errors(&e->why.fig, e->why.errors, ERROR_ROWS_MAX);
}

/* What a model is said to be: the catalog's traits, which a keep-alive
 * step (its threads made in the warm-up, none in the window) cannot show;
 * else (a server of the user's) what its figures showed */
static const struct traits *said_traits(const struct experiment_record *e)
{
	const struct traits *t = e->model ? &e->model->traits : NULL;

	if (t && (t->event_loop || t->serial || t->per_connection != PER_CONNECTION_NOTHING))
		return t;
	return &e->why.fig.traits;
}

/* conns: each model with a task per connection, or serial, against the
 * first event loop swept */
static void sweeps_compared(struct run_record *r, const struct scenario *s)
{
	const struct experiment_record *loop = NULL;

	for (int i = 0; i < r->nexps && !loop; i++)
		if (r->exps[i]->scenario == s && r->exps[i]->sweep &&
		    said_traits(r->exps[i])->event_loop)
			loop = r->exps[i];
	for (int i = 0; loop && i < r->nexps; i++) {
		struct experiment_record *e = r->exps[i];
		const struct traits *t = said_traits(e);
		struct sweep_behind *b;

		if (e->scenario != s || !e->sweep || t->event_loop ||
		    !(t->serial || t->per_connection != PER_CONNECTION_NOTHING))
			continue;
		b = &e->sweep->behind;
		snprintf(b->event_loop, sizeof(b->event_loop), "%s", loop->why.fig.model);
		b->step = sweep_falls_behind(e->sweep, loop->sweep, SWEEP_BEHIND);
		b->connections = b->step >= 0 ? e->sweep->step[b->step].connections : 0;
	}
}

void run_record_rank(struct run_record *r)
{
	for (int s = 0; s < nscenarios; s++)
		if (scenarios[s].kind == SCENARIO_CONNS)
			sweeps_compared(r, &scenarios[s]);
	r->nrankings = 0;
	for (int s = 0; s < nscenarios && r->nrankings < RUN_MAX; s++) {
		const struct explanation *rows[RANKING_MAX];
		int n = 0;

		/* a load host lost mid-run: not the load asked for, not ranked */
		for (int i = 0; i < r->nexps && n < RANKING_MAX; i++)
			if (r->exps[i]->scenario == &scenarios[s] && !r->exps[i]->failed[0] &&
			    !r->exps[i]->load_incomplete)
				rows[n++] = &r->exps[i]->why;
		/* a sweep's models are compared step by step, not ranked by one */
		if (n && !scenario_is_sweep(&scenarios[s]))
			explain_ranking(rows, n, &r->rankings[r->nrankings++]);
	}
}

static const struct explanation *explained(const struct run_record *r, const char *scenario,
					   const char *model)
{
	for (int i = 0; i < r->nexps; i++)
		if (!strcmp(r->exps[i]->why.fig.scenario, scenario) &&
		    !strcmp(r->exps[i]->why.fig.model, model))
			return &r->exps[i]->why;
	return NULL;
}

void run_record_gaps(struct run_record *r)
{
	for (int k = 0; k < r->nrankings; k++) {
		struct ranking *rk = &r->rankings[k];
		const struct explanation *best = explained(r, rk->scenario, rk->entries[0].model);

		for (int i = 0; i < rk->n; i++) {
			const struct explanation *x =
				explained(r, rk->scenario, rk->entries[i].model);

			rk->entries[i].gap_us_per_request = rk->entries[i].gap_explained_share =
				NAN;
			rk->entries[i].nparts = 0;
			if (i && x && best)
				explain_gap(&rk->entries[i], &x->cpu, &best->cpu);
		}
	}
}

const struct ranking *run_record_ranking(const struct run_record *r, const char *scenario)
{
	for (int i = 0; i < r->nrankings; i++)
		if (!strcmp(r->rankings[i].scenario, scenario))
			return &r->rankings[i];
	return NULL;
}

struct experiment_record *experiment_record_new(void)
{
	struct experiment_record *e = calloc(1, sizeof(*e));

	if (e) {
		figures_init(&e->why.fig);
		e->server_cpus_busy_s = e->server_cpus_steal_s = e->server_cpus_total_s = NAN;
		e->load_cpus_busy_s = e->load_cpus_total_s = NAN;
		e->proc_faults = NAN;
		e->server_requests = NAN;
		e->log_bytes = NAN;
	}
	return e;
}

void experiment_record_free(struct experiment_record *e)
{
	if (!e)
		return;
	for (int i = 0; i < RECORD_MAX_ARGS; i++)
		free(e->argv[i]);
	json_decref(e->sysctls);
	load_result_free(&e->load);
	free(e->sweep);
	free(e->tool.log);
	for (int i = 0; i < e->nhosts; i++)
		histogram_free(&e->hosts[i].latency);
	free(e);
}

int run_record_add(struct run_record *r, struct experiment_record *e)
{
	struct experiment_record **more = realloc(r->exps, (r->nexps + 1) * sizeof(*more));

	if (!more)
		return -ENOMEM;
	r->exps = more;
	r->exps[r->nexps++] = e;
	return 0;
}

void run_record_free(struct run_record *r)
{
	for (int i = 0; i < r->nexps; i++)
		experiment_record_free(r->exps[i]);
	free(r->exps);
	json_decref(r->machine);
	memset(r, 0, sizeof(*r));
}
