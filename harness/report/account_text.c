// SPDX-License-Identifier: MIT
/*
 * The accounts as text: a table per experiment (MODEL.txt), one line per
 * model (summary.txt), and the ranking's gap split into their lines.
 */
#include "common/units.h"
#include "harness/report/text.h"

#include <string.h>

/* The whole, what it is and how much of it the lines explain. */
static void print_heading(FILE *f, const char *title, const struct account *a)
{
	char whole[32], share[16];

	if (isnan(a->attributed_share)) {
		fprintf(f, "%s: not accounted (%s)\n", title,
			isnan(a->total_us) ? "not measured" : "the probes it needs did not run");
		return;
	}
	if (isnan(a->total_us_per_request))
		fprintf(f, "%s: %s in all (%s; no request served)", title,
			fmt_us(whole, sizeof(whole), a->total_us), a->total_source);
	else
		fprintf(f, "%s: %s per request (%s)", title,
			fmt_us(whole, sizeof(whole), a->total_us_per_request), a->total_source);
	fprintf(f, ", %s attributed%s%s\n", fmt_pct(share, sizeof(share), a->attributed_share),
		a->note[0] ? "; " : "", a->note);
}

void print_account(FILE *f, const char *title, const struct account *a)
{
	print_heading(f, title, a);
	if (isnan(a->attributed_share))
		return;
	for (int i = 0; i < a->n; i++) {
		const struct account_line *l = &a->line[i];
		double v = isnan(l->us_per_request) ? l->us : l->us_per_request;
		char us[32], share[16], each[32], events[48] = "";

		if (!isnan(l->events_per_request) && !isnan(l->us_per_event))
			/* two decimals, or two figures of a rare event */
			snprintf(events, sizeof(events),
				 l->events_per_request >= 0.01 ? "%.2f x %s" : "%.2g x %s",
				 l->events_per_request,
				 fmt_us(each, sizeof(each), l->us_per_event));
		fprintf(f, "  %-30s %10s %6s  %-22s %s\n", l->name, fmt_us(us, sizeof(us), v),
			fmt_pct(share, sizeof(share), l->share), events, l->source);
	}
}

void print_account_compact(FILE *f, const struct account *a)
{
	char us[32], share[16];
	int shown = 0;

	if (isnan(a->attributed_share) || isnan(a->total_us_per_request)) {
		fprintf(f, "not accounted\n");
		return;
	}
	fprintf(f, "%s =", fmt_us(us, sizeof(us), a->total_us_per_request));
	/* the lines in the order of the account, the small ones together */
	for (int i = 0; i < a->n; i++)
		if (a->line[i].share >= 0.05 || !strcmp(a->line[i].name, NOT_ATTRIBUTED)) {
			fprintf(f, "%s %s %s", shown++ ? " +" : "", a->line[i].name,
				fmt_us(us, sizeof(us), a->line[i].us_per_request));
		}
	fprintf(f, " (+ lines under 5%%); %s attributed\n",
		fmt_pct(share, sizeof(share), a->attributed_share));
}

void gap_text(char *buf, size_t len, const struct ranking_entry *e)
{
	char us[32], share[16];
	size_t used;

	if (isnan(e->gap_us_per_request)) {
		snprintf(buf, len, "%s", "");
		return;
	}
	/* a gap of a few percent is no gap to split */
	if (fabs(e->cpu_ratio - 1) < GAP_SAME) {
		snprintf(buf, len,
			 "the same CPU per request within %.0f%%: the gap in requests/s is not "
			 "in what a request costs",
			 100 * GAP_SAME);
		return;
	}
	if (isnan(e->gap_explained_share)) {
		snprintf(buf, len, "%s", "");
		return;
	}
	used = snprintf(buf, len, "%s%s of CPU per request:", e->gap_us_per_request > 0 ? "+" : "",
			fmt_us(us, sizeof(us), e->gap_us_per_request));
	for (int i = 0; i < e->nparts && used < len; i++) {
		const struct gap_part *p = &e->parts[i];

		used += snprintf(buf + used, len - used, "%s %s %s%s", i ? "," : "", p->name,
				 p->us_per_request > 0 ? "+" : "",
				 fmt_us(us, sizeof(us), p->us_per_request));
		if (fabs(p->events_per_request) >= 0.005 && used < len)
			used += snprintf(buf + used, len - used, " (%+.2f a request)",
					 p->events_per_request);
	}
	if (used < len)
		snprintf(buf + used, len - used, "; %s of the gap explained",
			 fmt_pct(share, sizeof(share), e->gap_explained_share));
}
