// SPDX-License-Identifier: MIT
#include "harness/report/html_sweep.h"
#include "harness/report/chart.h"
#include "common/units.h"

#include <stdlib.h>
#include <string.h>

#define STEPS_MAX 64

/* One chart of step figures: y against x, a line a model, log scales. */
struct sweep_chart {
	const char *id, *title, *caption;
	const char *x, *y; /* keys of a step */
	const char *xunit, *yunit;
	svg_fmt yfmt;
	bool knee;     /* mark each model's knee */
	bool diagonal; /* y = x drawn: achieved against asked */
};

struct series_data {
	double x[STEPS_MAX], y[STEPS_MAX];
	int n;
	double knee_x, knee_y;
};

static int by_x(const void *a, const void *b)
{
	const double *p = a, *q = b;

	return (p[0] > q[0]) - (p[0] < q[0]);
}

/* The steps of e as (x, y), ordered by x (a ramp's bisection asks out of order). */
static void series_of(const json_t *e, const struct sweep_chart *c, struct series_data *d)
{
	const json_t *steps = json_object_get(e, "steps"), *st;
	double pts[STEPS_MAX][2];
	double at = jnum(e, "knee", "step", NULL);
	int knee = at >= 0 && at < STEPS_MAX ? (int)at : -1, k;
	size_t i;

	d->n = 0;
	d->knee_x = d->knee_y = NAN;
	json_array_foreach(steps, i, st) {
		double x = jnum(st, c->x, NULL), y = jnum(st, c->y, NULL);

		if ((int)i == knee) {
			d->knee_x = x;
			d->knee_y = y;
		}
		if (!(x > 0 && y > 0))
			continue;
		/* a rate asked again (to confirm it): its last answer stands */
		for (k = 0; k < d->n && pts[k][0] != x; k++)
			;
		if (k < STEPS_MAX) {
			pts[k][0] = x;
			pts[k][1] = y;
			d->n += k == d->n;
		}
	}
	qsort(pts, d->n, sizeof(pts[0]), by_x);
	for (k = 0; k < d->n; k++) {
		d->x[k] = pts[k][0];
		d->y[k] = pts[k][1];
	}
}

static void widen(struct svg_scale *s, double v)
{
	if (!(v > 0))
		return;
	s->lo = s->lo > 0 ? fmin(s->lo, v) : v;
	s->hi = fmax(s->hi, v);
}

static void chart(struct report *r, const struct sweep_chart *c, const json_t *const e[], int n)
{
	static struct series_data d[REPORT_MAX];
	struct chart_series ser[REPORT_MAX];
	struct chart_lines cl = { .title = c->title,
				  .x = { SVG_LOG10 },
				  .y = { SVG_LOG10 },
				  .xunit = c->xunit,
				  .yunit = c->yunit,
				  .xfmt = svg_fmt_si,
				  .yfmt = c->yfmt,
				  .legend = true,
				  .hline = NAN };
	struct svg_frame fr;
	int w = 560, h = 300;

	for (int i = 0; i < n; i++) {
		series_of(e[i], c, &d[i]);
		for (int k = 0; k < d[i].n; k++) {
			widen(&cl.x, d[i].x[k]);
			widen(&cl.y, d[i].y[k]);
		}
		ser[i] = (struct chart_series){ jstr(e[i], "model"),
						report_style(r, jstr(e[i], "model")),
						d[i].n,
						d[i].x,
						d[i].y,
						true,
						false };
	}
	if (!(cl.x.lo > 0) || !(cl.y.lo > 0))
		return; /* no step measured it */
	if (cl.x.hi <= cl.x.lo)
		cl.x.hi = cl.x.lo * 10;
	if (cl.y.hi <= cl.y.lo)
		cl.y.hi = cl.y.lo * 10;
	if (c->diagonal) {
		widen(&cl.y, cl.x.lo);
		widen(&cl.y, cl.x.hi);
	}
	fr = (struct svg_frame){ cl.x, cl.y };
	fr.x.p0 = 56;
	fr.x.p1 = w - 16;
	fr.y.p0 = h - 40;
	fr.y.p1 = 44;
	fprintf(r->f, "<figure class=\"fig\" data-chart=\"%s\"><figcaption><b>", c->id);
	report_esc(r->f, c->title);
	fputs("</b><span>", r->f);
	report_esc(r->f, c->caption);
	fputs("</span></figcaption>\n", r->f);
	svg_open(r->f, w, h, c->title);
	svg_scale_nice(&fr.x, 6);
	chart_lines_in(r->f, &cl, &fr, ser, n);
	if (c->diagonal) {
		double lo = fmax(fr.x.lo, fr.y.lo), hi = fmin(fr.x.hi, fr.y.hi);

		if (hi > lo) {
			svg_line(r->f, svg_map(&fr.x, lo), svg_map(&fr.y, lo), svg_map(&fr.x, hi),
				 svg_map(&fr.y, hi), "limit");
			svg_text(r->f, svg_map(&fr.x, hi) - 2, svg_map(&fr.y, hi) + 14, "end",
				 "limtxt", "achieved = asked");
		}
	}
	for (int i = 0; c->knee && i < n; i++) {
		const char *color = svg_styles[ser[i].style % SVG_NSTYLES].color;
		char label[64];

		if (!(d[i].knee_x > 0 && d[i].knee_y > 0))
			continue;
		svg_marker(r->f, SVG_DIAMOND, svg_map(&fr.x, d[i].knee_x),
			   svg_map(&fr.y, d[i].knee_y), color);
		snprintf(label, sizeof(label), "%s knee", ser[i].name);
		svg_text(r->f, svg_map(&fr.x, d[i].knee_x) + 6, svg_map(&fr.y, d[i].knee_y) - 6,
			 "start", "limtxt", label);
	}
	svg_close(r->f);
	fputs("</figure>\n", r->f);
}

static const struct sweep_chart ramp_charts[] = {
	{ "ramp-latency", "p99 latency against the rate asked",
	  "each step of the ramp; the knee (the highest rate kept up with) marked", "offered_rps",
	  "p99_us", "requests/s asked", "p99 latency", svg_fmt_us, true, false },
	{ "ramp-achieved", "requests/s achieved against asked",
	  "on the diagonal a model keeps up; under it, it gives way", "offered_rps", "rps",
	  "requests/s asked", "requests/s achieved", svg_fmt_si, true, true },
};

static const struct sweep_chart conns_charts[] = {
	{ "conns-rps", "requests/s against connections", "keep-alive, closed loop, each step",
	  "connections", "rps", "connections", "requests/s", svg_fmt_si, false, false },
	{ "conns-p99", "p99 latency against connections", "each step", "connections", "p99_us",
	  "connections", "p99 latency", svg_fmt_us, false, false },
	{ "conns-memory", "memory per connection against connections",
	  "what each connection added to the server's cgroup over the step before", "connections",
	  "memory_per_connection", "connections", "bytes per connection", svg_fmt_si, false,
	  false },
};

void report_sweep(struct report *r, const json_t *const e[], int n)
{
	const json_t *swept[REPORT_MAX];
	bool ramp = false;
	int m = 0;

	for (int i = 0; i < n; i++)
		if (json_is_array(json_object_get(e[i], "steps"))) {
			swept[m++] = e[i];
			ramp |= json_object_get(e[i], "knee") != NULL;
		}
	if (!m)
		return;
	fputs("<div class=\"row sweep\">\n", r->f);
	if (ramp)
		for (size_t k = 0; k < sizeof(ramp_charts) / sizeof(ramp_charts[0]); k++)
			chart(r, &ramp_charts[k], swept, m);
	else
		for (size_t k = 0; k < sizeof(conns_charts) / sizeof(conns_charts[0]); k++)
			chart(r, &conns_charts[k], swept, m);
	fputs("</div>\n", r->f);
}
