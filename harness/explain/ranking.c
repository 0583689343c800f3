// SPDX-License-Identifier: MIT
/*
 * The ranking of one scenario: by requests/s, each model against the best,
 * with the rules that fired for one of the two and not the other.
 */
#include "harness/explain/explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_rps_desc(const void *a, const void *b)
{
	double x = (*(const struct explanation *const *)a)->fig.rps;
	double y = (*(const struct explanation *const *)b)->fig.rps;

	return (x < y) - (x > y);
}

/* How far apart two rates may be and still be the same: the larger of
 * their runs' own noise, never below RANK_NOISE_MIN. */
static double noise(const struct figures *a, const struct figures *b)
{
	double n = RANK_NOISE_MIN;

	if (!isnan(a->rps_noise) && a->rps_noise > n)
		n = a->rps_noise;
	if (!isnan(b->rps_noise) && b->rps_noise > n)
		n = b->rps_noise;
	return n;
}

/* The rules of a that b lacks. */
static void rules_only_in(const struct explanation *a, const struct explanation *b,
			  struct rule_list *out)
{
	out->n = 0;
	for (int i = 0; i < a->nfindings; i++)
		if (!finding_find(b->findings, b->nfindings, a->findings[i].rule))
			snprintf(out->name[out->n++], RULE_NAME_MAX, "%s", a->findings[i].rule);
}

/* A line's time per request in an account, 0 when it has no such line. */
static double line_us(const struct account *a, const char *name)
{
	const struct account_line *l = account_find(a, name);

	return l && !isnan(l->us_per_request) ? l->us_per_request : 0;
}

static double line_events(const struct account *a, const char *name)
{
	const struct account_line *l = account_find(a, name);

	return l ? l->events_per_request : NAN;
}

static void add_part(struct ranking_entry *e, const struct account *a, const struct account *b,
		     const char *name)
{
	struct gap_part p = { .us_per_request = line_us(a, name) - line_us(b, name) };
	int i;

	/* a part too small to tell the two apart is no part of the gap */
	if (fabs(p.us_per_request) < 0.01 * fabs(e->gap_us_per_request) || p.us_per_request == 0)
		return;
	snprintf(p.name, sizeof(p.name), "%s", name);
	p.events_per_request = line_events(a, name) - line_events(b, name);
	/* kept in order of size, the largest GAP_PARTS */
	for (i = e->nparts; i > 0 && fabs(e->parts[i - 1].us_per_request) < fabs(p.us_per_request);
	     i--)
		if (i < GAP_PARTS)
			e->parts[i] = e->parts[i - 1];
	if (i < GAP_PARTS)
		e->parts[i] = p;
	if (e->nparts < GAP_PARTS)
		e->nparts++;
}

/*
 * The gap in CPU per request between a and the best, b, split into the
 * lines of their accounts: each line's difference, and the share of the
 * gap the attributed lines explain (the rest is the difference in what
 * neither account attributes).
 */
void explain_gap(struct ranking_entry *e, const struct account *a, const struct account *b)
{
	double unexplained;

	e->gap_us_per_request = a->total_us_per_request - b->total_us_per_request;
	e->gap_explained_share = NAN;
	e->nparts = 0;
	if (isnan(e->gap_us_per_request) || isnan(a->attributed_share) ||
	    isnan(b->attributed_share))
		return;
	unexplained = 0;
	for (int i = 0; i < a->n; i++)
		if (!a->line[i].attributed)
			unexplained += line_us(a, a->line[i].name);
	for (int i = 0; i < b->n; i++)
		if (!b->line[i].attributed)
			unexplained -= line_us(b, b->line[i].name);
	if (e->gap_us_per_request != 0)
		e->gap_explained_share = 1 - unexplained / e->gap_us_per_request;
	for (int i = 0; i < a->n; i++)
		if (a->line[i].attributed)
			add_part(e, a, b, a->line[i].name);
	for (int i = 0; i < b->n; i++)
		if (b->line[i].attributed && !account_find(a, b->line[i].name))
			add_part(e, a, b, b->line[i].name);
}

void explain_ranking(const struct explanation *const rows[], int n, struct ranking *out)
{
	const struct explanation *sorted[RANKING_MAX], *best;

	out->n = 0;
	if (n <= 0)
		return;
	if (n > RANKING_MAX)
		n = RANKING_MAX;
	memcpy(sorted, rows, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), by_rps_desc);
	best = sorted[0];
	snprintf(out->scenario, sizeof(out->scenario), "%s", best->fig.scenario);
	for (int i = 0; i < n; i++) {
		struct ranking_entry *e = &out->entries[out->n++];

		memset(e, 0, sizeof(*e));
		e->gap_us_per_request = e->gap_explained_share = NAN;
		snprintf(e->model, sizeof(e->model), "%s", sorted[i]->fig.model);
		e->rps = sorted[i]->fig.rps;
		e->rps_ratio = best->fig.rps > 0 ? sorted[i]->fig.rps / best->fig.rps : 0;
		e->cpu_ratio = cpu_us_per_request(&sorted[i]->fig) / cpu_us_per_request(&best->fig);
		e->noise = noise(&sorted[i]->fig, &best->fig);
		if (i == 0)
			continue;
		e->tie = e->rps_ratio >= 1 - e->noise;
		out->entries[0].tie |= e->tie;
		rules_only_in(sorted[i], best, &e->only_here);
		rules_only_in(best, sorted[i], &e->only_best);
		explain_gap(e, &sorted[i]->cpu, &best->cpu);
	}
}
