/* SPDX-License-Identifier: MIT */
/*
 * Small SVG primitives for the report's charts: scales (linear, log10, and
 * the "nines" scale of a latency percentile spectrum), axes with units,
 * marks, and the styles that tell the series apart in colour and in grey
 * print alike (lightness steps, dash patterns, marker shapes).
 *
 * Everything is written to a FILE* as SVG elements; every string that comes
 * from outside is escaped. Text is styled by the page's CSS classes.
 */
#ifndef WHYSERVE_HARNESS_SVG_H
#define WHYSERVE_HARNESS_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum svg_scale_kind {
	SVG_LINEAR,
	SVG_LOG10,
	SVG_NINES, /* percentile p at -log10(1 - p/100): 90% at 1, 99% at 2 ... */
};

/* Maps the domain [lo, hi] onto the pixels [p0, p1]. */
struct svg_scale {
	enum svg_scale_kind kind;
	double lo, hi;
	double p0, p1;
};

double svg_map(const struct svg_scale *s, double v);
/* Widens the domain to round ticks: linear to a 1-2-5 step, log10 to decades. */
void svg_scale_nice(struct svg_scale *s, int nticks);
/* Tick values in the domain, at most max; returns how many. */
int svg_ticks(const struct svg_scale *s, int nticks, double *t, int max);
/* The percentile p (0..100) as a position on the nines scale. */
double svg_nines(double p);

/* A value as a tick label: "25k", "10 ms", "99.9%". */
typedef char *(*svg_fmt)(char *buf, size_t len, double v);
char *svg_fmt_si(char *buf, size_t len, double v);
char *svg_fmt_us(char *buf, size_t len, double us);
char *svg_fmt_nines(char *buf, size_t len, double x);

enum svg_marker {
	SVG_CIRCLE,
	SVG_SQUARE,
	SVG_TRIANGLE,
	SVG_DIAMOND,
	SVG_CROSS,
	SVG_NMARKERS
};

struct svg_style {
	const char *color; /* the five differ in lightness, not hue alone */
	const char *dash;  /* stroke-dasharray, NULL for solid */
	enum svg_marker marker;
	const char *edge; /* outline of a light colour's bars, NULL: none */
};

#define SVG_NSTYLES 5
extern const struct svg_style svg_styles[SVG_NSTYLES];

/* XML/HTML text or attribute value, escaped. */
void svg_esc(FILE *f, const char *s);

/* An <svg> of w x h pixels with an accessible title; returns its id number,
 * unique in the page, for the ids of its patterns. */
int svg_open(FILE *f, int w, int h, const char *title);
void svg_close(FILE *f);

/* A diagonal hatch of color on white, as <pattern id="hN-k">; use fill
 * "url(#hN-k)". Call between svg_open and the first mark that uses it. */
void svg_hatch(FILE *f, int svg_id, int k, const char *color);

void svg_text(FILE *f, double x, double y, const char *anchor, const char *cls, const char *text);
void svg_line(FILE *f, double x1, double y1, double x2, double y2, const char *cls);
/* A rectangle with an optional outline and hover title (NULL: none). */
void svg_rect(FILE *f, double x, double y, double w, double h, const char *fill, const char *edge,
	      const char *tip);
void svg_marker(FILE *f, enum svg_marker m, double x, double y, const char *color);
/* A polyline through n pixel points (NANs break it), in a style. */
void svg_path(FILE *f, const double *x, const double *y, int n, const struct svg_style *st,
	      double width);

/* A plot area: x and y scales already mapped to pixels. */
struct svg_frame {
	struct svg_scale x, y;
};

/* Axes with tick labels, grid lines across the frame and a title with the
 * unit. Ticks as given by svg_ticks, or the n values in at (x axis only). */
void svg_axis_x(FILE *f, const struct svg_frame *fr, int nticks, svg_fmt fmt, const char *title);
void svg_axis_x_at(FILE *f, const struct svg_frame *fr, const double *at, const char *const *labels,
		   int n, const char *title);
void svg_axis_y(FILE *f, const struct svg_frame *fr, int nticks, svg_fmt fmt, const char *title);

#endif
