/* SPDX-License-Identifier: MIT */
/*
 * The report's three kinds of chart, as inline SVG: horizontal bars (one
 * per model or per syscall, optionally stacked), lines (a latency spectrum,
 * a time series) and a log2 histogram drawn like bcc's print_log2_hist.
 * Data in, SVG out: nothing here knows about results.json.
 */
#ifndef WHYSERVE_HARNESS_CHART_H
#define WHYSERVE_HARNESS_CHART_H

#include "harness/report/svg.h"

#define CHART_SEGS 10

struct chart_bar {
	const char *label;
	int style;		/* svg_styles[style % SVG_NSTYLES] */
	bool hatch;		/* drawn hatched in its colour */
	double seg[CHART_SEGS]; /* stacked; all NAN: not measured */
	const char *tip;	/* hover text, NULL: label and value */
	const char *na;		/* said when not measured, NULL: "not measured" */
};

struct chart_hbars {
	const char *title; /* for screen readers and hover */
	const char *unit;  /* under the axis */
	svg_fmt tick;	   /* axis labels */
	svg_fmt value;	   /* the total at the end of each bar */
	double max;	   /* 0: from the data; pass one to share a scale */
	int width, label_w;
	int nsegs; /* 0 or 1: plain bars */
	const char *seg_name[CHART_SEGS];
	const char *seg_color[CHART_SEGS]; /* NULL: the bar's own colour */
	bool seg_hatch[CHART_SEGS];
};

void chart_hbars(FILE *f, const struct chart_hbars *c, const struct chart_bar *bars, int n);

struct chart_series {
	const char *name;
	int style;
	int n;
	const double *x, *y; /* NAN breaks the line */
	bool markers;
	bool area; /* filled to the x axis, light */
};

struct chart_lines {
	const char *title;
	int width, height;
	struct svg_scale x, y;	   /* kind and domain; the chart sets the pixels */
	bool x_exact;		   /* x as given, not widened to round ticks */
	int nyticks;		   /* about how many y ticks; 0: 4 */
	const char *xunit, *yunit; /* axis titles, with the unit */
	svg_fmt xfmt, yfmt;
	int nxticks; /* > 0 with xat/xlabels: these ticks on x */
	const double *xat;
	const char *const *xlabels;
	bool legend;
	double hline; /* a dashed reference line (NAN: none) */
	const char *hline_label;
};

/* A whole chart in its own <svg>. */
void chart_lines(FILE *f, const struct chart_lines *c, const struct chart_series *s, int n);
/* The axes, lines and legend into a frame of an <svg> already open. */
void chart_lines_in(FILE *f, const struct chart_lines *c, struct svg_frame *fr,
		    const struct chart_series *s, int n);

struct chart_mark {
	double v; /* in the histogram's unit; NAN: none */
	const char *label;
};

/* mark[0] is a limit: the part of the axis past it is shaded. */

struct chart_hist {
	const char *title;
	int width, height, style;
	const double *counts; /* slot s counts [2^s, 2^(s+1)); slot 0 also 0 */
	int n;
	double scale; /* a slot bound times scale is in fmt's unit */
	svg_fmt fmt;
	const char *xunit, *yunit;
	struct chart_mark mark[2];
};

void chart_log2_hist(FILE *f, const struct chart_hist *c);

#endif
