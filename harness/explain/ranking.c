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
	}
}
