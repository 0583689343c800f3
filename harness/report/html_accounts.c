// SPDX-License-Identifier: MIT
/*
 * The accounts as stacked bars: the lines the models of a scenario have,
 * the largest as segments of their own in the same colour on every bar,
 * the others together, and what is not attributed always last.
 */
#include "harness/report/html_accounts.h"
#include "common/units.h"
#include "harness/report/chart.h"

#include <string.h>

#define NAMED (CHART_SEGS - 2) /* segments named after a line */

/* colour-blind-safe and apart from the models' own (Okabe-Ito, then greys) */
static const char *const palette[NAMED] = {
	"#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#000000",
};

struct segments {
	int n;
	const char *name[CHART_SEGS * 4];
	double weight[CHART_SEGS * 4];
};

static int find(const struct segments *s, const char *name)
{
	for (int i = 0; i < s->n; i++)
		if (!strcmp(s->name[i], name))
			return i;
	return -1;
}

/* The named segments: the attributed lines, by their largest share. */
static void choose(struct segments *s, const struct account *const a[], int n)
{
	struct segments all = { 0 };

	for (int m = 0; m < n; m++)
		for (int i = 0; i < a[m]->n; i++) {
			const struct account_line *l = &a[m]->line[i];
			int k = find(&all, l->name);

			if (!strcmp(l->name, NOT_ATTRIBUTED) || !(l->share > 0))
				continue;
			if (k < 0 && all.n < CHART_SEGS * 4) {
				k = all.n++;
				all.name[k] = l->name;
			}
			if (k >= 0 && l->share > all.weight[k])
				all.weight[k] = l->share;
		}
	/* the largest NAMED, in order of weight */
	s->n = 0;
	while (s->n < NAMED) {
		int best = -1;

		for (int k = 0; k < all.n; k++)
			if (find(s, all.name[k]) < 0 &&
			    (best < 0 || all.weight[k] > all.weight[best]))
				best = k;
		if (best < 0)
			break;
		s->name[s->n++] = all.name[best];
	}
}

static char *fmt_share(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.0f%%", v);
	return buf;
}

static void account_bars(struct report *r, const char *const model[],
			 const struct account *const a[], int n, bool as_share, const char *title,
			 const char *what)
{
	struct chart_bar b[REPORT_MAX] = { 0 };
	struct chart_hbars c = { .title = title,
				 .unit = as_share ? "% of the tasks' time" : "µs per request",
				 .tick = as_share ? fmt_share : svg_fmt_si,
				 .value = as_share ? fmt_share : fmt_us,
				 .width = 1000,
				 .label_w = 72 };
	struct segments s;
	int rest, unattributed;

	choose(&s, a, n);
	for (int k = 0; k < s.n; k++) {
		c.seg_name[k] = s.name[k];
		c.seg_color[k] = palette[k];
	}
	rest = s.n;
	unattributed = s.n + 1;
	c.seg_name[rest] = "the rest";
	c.seg_color[rest] = "#9ca3af";
	c.seg_name[unattributed] = NOT_ATTRIBUTED;
	c.seg_color[unattributed] = "#e5e7eb";
	c.seg_hatch[unattributed] = true;
	c.nsegs = s.n + 2;
	for (int m = 0; m < n; m++) {
		b[m].label = model[m];
		b[m].style = report_style(r, model[m]);
		for (int k = 0; k < c.nsegs; k++)
			b[m].seg[k] = NAN;
		if (isnan(a[m]->attributed_share)) {
			b[m].na = "not accounted: its probes did not run";
			continue;
		}
		for (int i = 0; i < a[m]->n; i++) {
			const struct account_line *l = &a[m]->line[i];
			double v = as_share ? 100 * l->share : l->us_per_request;
			int k = !strcmp(l->name, NOT_ATTRIBUTED) ? unattributed : find(&s, l->name);

			if (k < 0)
				k = rest;
			if (isnan(v))
				continue;
			b[m].seg[k] = (isnan(b[m].seg[k]) ? 0 : b[m].seg[k]) + v;
		}
	}
	fprintf(r->f, "<figure class=\"fig account\"><figcaption><b>%s</b><span>", title);
	report_esc(r->f, what);
	fputs("</span></figcaption>\n", r->f);
	chart_hbars(r->f, &c, b, n);
	/* what a whole leaves out, model by model */
	for (int m = 0; m < n; m++)
		if (a[m]->note[0]) {
			fputs("<p class=\"note\"><b>", r->f);
			report_esc(r->f, model[m]);
			fputs("</b>: ", r->f);
			report_esc(r->f, a[m]->note);
			fputs("</p>\n", r->f);
		}
	fputs("</figure>\n", r->f);
}

void report_accounts(struct report *r, const char *const model[],
		     const struct explanation *const why[], int n)
{
	const struct account *cpu[REPORT_MAX], *time[REPORT_MAX];

	for (int m = 0; m < n && m < REPORT_MAX; m++) {
		cpu[m] = &why[m]->cpu;
		time[m] = &why[m]->time;
	}
	account_bars(r, model, cpu, n, false, "Where each request's CPU time goes",
		     "the server's CPU per request (its cgroup's), by what the kernel measured "
		     "it doing: sampled on a CPU, charged from wakeups, and what no probe "
		     "attributes");
	account_bars(r, model, time, n, true, "Where its tasks' time goes",
		     "the server's tasks' lifetime in the run, summed over them: running, "
		     "waiting for a CPU, blocked (in which syscall)");
}
