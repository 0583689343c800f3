// SPDX-License-Identifier: MIT
#include "harness/report/svg.h"

#include <math.h>
#include <string.h>

/*
 * Grey-print lightness (Rec. 601 luma) 40, 86, 121, 161, 190: apart when
 * printed in grey, and the dash and the marker tell them apart where two
 * come close. The lightest gets an outline to stand on white.
 */
const struct svg_style svg_styles[SVG_NSTYLES] = {
	{ "#1f2a44", NULL, SVG_CIRCLE, NULL },	     /* navy */
	{ "#b2302f", "7 3", SVG_SQUARE, NULL },	     /* crimson */
	{ "#2a9d8f", "2 2.5", SVG_TRIANGLE, NULL },  /* teal */
	{ "#f28e2b", "9 3 2 3", SVG_DIAMOND, NULL }, /* orange */
	{ "#8ccbec", "4 2", SVG_CROSS, "#3f86b0" },  /* sky */
};

double svg_nines(double p)
{
	if (p >= 100)
		return 6; /* beyond any percentile we report */
	return p <= 0 ? 0 : -log10(1 - p / 100);
}

static double log_or_floor(double v)
{
	return log10(v > 1e-9 ? v : 1e-9);
}

double svg_map(const struct svg_scale *s, double v)
{
	double a = s->lo, b = s->hi;

	if (s->kind == SVG_LOG10) {
		a = log_or_floor(a);
		b = log_or_floor(b);
		v = log_or_floor(v);
	}
	if (b == a)
		return (s->p0 + s->p1) / 2;
	return s->p0 + (v - a) / (b - a) * (s->p1 - s->p0);
}

/* 1, 2 or 5 times a power of ten, near range/n */
static double nice_step(double range, int n)
{
	double raw = range / (n > 0 ? n : 1), mag = pow(10, floor(log10(raw))), f = raw / mag;

	return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

void svg_scale_nice(struct svg_scale *s, int nticks)
{
	double step;

	if (s->kind == SVG_LOG10) {
		if (!(s->lo > 0))
			s->lo = s->hi > 0 ? s->hi / 10 : 1;
		if (!(s->hi > s->lo))
			s->hi = s->lo * 10;
		s->lo = pow(10, floor(log10(s->lo) + 1e-9));
		s->hi = pow(10, ceil(log10(s->hi) - 1e-9));
		if (s->hi <= s->lo)
			s->hi = s->lo * 10;
		return;
	}
	if (s->kind == SVG_NINES)
		return;
	if (!(s->hi > s->lo))
		s->hi = s->lo + 1;
	step = nice_step(s->hi - s->lo, nticks);
	s->lo = floor(s->lo / step + 1e-9) * step;
	s->hi = ceil(s->hi / step - 1e-9) * step;
}

int svg_ticks(const struct svg_scale *s, int nticks, double *t, int max)
{
	int n = 0;

	if (s->kind == SVG_LOG10) {
		int decades = (int)lround(log10(s->hi / s->lo));

		for (double d = s->lo; d <= s->hi * 1.0001 && n < max; d *= 10) {
			t[n++] = d;
			/* one decade alone: 2 and 5 as well */
			if (decades <= 1 && d < s->hi * 0.999 && n + 2 <= max) {
				t[n++] = 2 * d;
				t[n++] = 5 * d;
			}
		}
		return n;
	}
	if (s->kind == SVG_NINES) {
		for (int k = 0; k <= (int)s->hi && n < max; k++)
			t[n++] = k;
		return n;
	}
	double step = nice_step(s->hi - s->lo, nticks);

	for (double v = s->lo; v <= s->hi + step * 1e-6 && n < max; v += step)
		t[n++] = fabs(v) < step * 1e-9 ? 0 : v;
	return n;
}

char *svg_fmt_si(char *buf, size_t len, double v)
{
	if (fabs(v) >= 1e6)
		snprintf(buf, len, "%gM", v / 1e6);
	else if (fabs(v) >= 1e3)
		snprintf(buf, len, "%gk", v / 1e3);
	else
		snprintf(buf, len, "%g", v);
	return buf;
}

char *svg_fmt_us(char *buf, size_t len, double us)
{
	if (us == 0)
		snprintf(buf, len, "0");
	else if (fabs(us) >= 1e6)
		snprintf(buf, len, "%g s", us / 1e6);
	else if (fabs(us) >= 1e3)
		snprintf(buf, len, "%g ms", us / 1e3);
	else if (fabs(us) >= 1)
		snprintf(buf, len, "%g µs", us);
	else
		snprintf(buf, len, "%g ns", us * 1e3);
	return buf;
}

char *svg_fmt_nines(char *buf, size_t len, double x)
{
	double p = 100 * (1 - pow(10, -x));
	int dec = (int)ceil(x - 1e-6) - 2;

	snprintf(buf, len, "%.*f%%", dec > 0 ? dec : 0, p);
	return buf;
}

void svg_esc(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
}

int svg_open(FILE *f, int w, int h, const char *title)
{
	static int next_id;

	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" width=\"%d\" "
		"height=\"%d\" role=\"img\" aria-label=\"",
		w, h, w, h);
	svg_esc(f, title);
	fputs("\"><title>", f);
	svg_esc(f, title);
	fputs("</title>\n", f);
	return ++next_id;
}

void svg_close(FILE *f)
{
	fputs("</svg>\n", f);
}

void svg_hatch(FILE *f, int svg_id, int k, const char *color)
{
	fprintf(f,
		"<defs><pattern id=\"h%d-%d\" width=\"5\" height=\"5\" "
		"patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
		"<rect width=\"5\" height=\"5\" fill=\"#fff\"/>"
		"<rect width=\"2.4\" height=\"5\" fill=\"%s\"/></pattern></defs>\n",
		svg_id, k, color);
}

void svg_text(FILE *f, double x, double y, const char *anchor, const char *cls, const char *text)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\"", x, y);
	if (anchor && strcmp(anchor, "start"))
		fprintf(f, " text-anchor=\"%s\"", anchor);
	if (cls)
		fprintf(f, " class=\"%s\"", cls);
	fputc('>', f);
	svg_esc(f, text);
	fputs("</text>\n", f);
}

void svg_line(FILE *f, double x1, double y1, double x2, double y2, const char *cls)
{
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>\n", x1, y1,
		x2, y2, cls);
}

void svg_rect(FILE *f, double x, double y, double w, double h, const char *fill, const char *edge,
	      const char *tip)
{
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"", x, y,
		w > 0 ? w : 0, h > 0 ? h : 0, fill);
	if (edge)
		fprintf(f, " stroke=\"%s\" stroke-width=\"0.8\"", edge);
	if (!tip) {
		fputs("/>\n", f);
		return;
	}
	fputs("><title>", f);
	svg_esc(f, tip);
	fputs("</title></rect>\n", f);
}

void svg_marker(FILE *f, enum svg_marker m, double x, double y, const char *color)
{
	const double r = 3.6;

	switch (m) {
	case SVG_CIRCLE:
		fprintf(f,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" class=\"mk\"/>\n",
			x, y, r, color);
		break;
	case SVG_SQUARE:
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\" "
			"class=\"mk\"/>\n",
			x - r * 0.9, y - r * 0.9, r * 1.8, r * 1.8, color);
		break;
	case SVG_TRIANGLE:
		fprintf(f,
			"<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" fill=\"%s\" class=\"mk\"/>\n",
			x, y - r * 1.15, x + r, y + r * 0.75, x - r, y + r * 0.75, color);
		break;
	case SVG_DIAMOND:
		fprintf(f,
			"<path d=\"M%.1f %.1fL%.1f %.1fL%.1f %.1fL%.1f %.1fZ\" fill=\"%s\" "
			"class=\"mk\"/>\n",
			x, y - r * 1.2, x + r, y, x, y + r * 1.2, x - r, y, color);
		break;
	default:
		fprintf(f,
			"<path d=\"M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1f\" stroke=\"%s\" "
			"class=\"mkx\"/>\n",
			x - r, y - r, x + r, y + r, x - r, y + r, x + r, y - r, color);
	}
}

void svg_path(FILE *f, const double *x, const double *y, int n, const struct svg_style *st,
	      double width)
{
	bool pen = false;

	fputs("<path d=\"", f);
	for (int i = 0; i < n; i++) {
		if (isnan(x[i]) || isnan(y[i])) {
			pen = false;
			continue;
		}
		fprintf(f, "%c%.1f %.1f", pen ? 'L' : 'M', x[i], y[i]);
		pen = true;
	}
	fprintf(f,
		"\" fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" "
		"stroke-linejoin=\"round\" stroke-linecap=\"round\"",
		st->color, width);
	if (st->dash)
		fprintf(f, " stroke-dasharray=\"%s\"", st->dash);
	fputs("/>\n", f);
}

/* About how wide a tick label is drawn, in pixels (10.5 px sans). */
static double text_width(const char *s)
{
	double w = 0;

	for (; *s; s++)
		if ((*s & 0xc0) != 0x80) /* one per UTF-8 character */
			w += *s == ' ' || *s == '.' ? 3 : 6;
	return w;
}

void svg_axis_x_at(FILE *f, const struct svg_frame *fr, const double *at, const char *const *labels,
		   int n, const char *title)
{
	double bottom = fr->y.p0, top = fr->y.p1, last = -1e9, last_half = 0;

	for (int i = 0; i < n; i++) {
		double x = svg_map(&fr->x, at[i]), half = text_width(labels[i]) / 2;

		svg_line(f, x, top, x, bottom, "grid");
		/* a label that would touch the previous one is left out */
		if (x - half < last + last_half + 6)
			continue;
		svg_text(f, x, bottom + 14, "middle", "tick", labels[i]);
		last = x;
		last_half = half;
	}
	svg_line(f, fr->x.p0, bottom, fr->x.p1, bottom, "axis");
	if (title)
		svg_text(f, (fr->x.p0 + fr->x.p1) / 2, bottom + 30, "middle", "axt", title);
}

void svg_axis_x(FILE *f, const struct svg_frame *fr, int nticks, svg_fmt fmt, const char *title)
{
	double t[32];
	char lbl[32][24];
	const char *lp[32];
	int n = svg_ticks(&fr->x, nticks, t, 32);

	for (int i = 0; i < n; i++)
		lp[i] = fmt(lbl[i], sizeof(lbl[i]), t[i]);
	svg_axis_x_at(f, fr, t, lp, n, title);
}

void svg_axis_y(FILE *f, const struct svg_frame *fr, int nticks, svg_fmt fmt, const char *title)
{
	double t[32];
	char lbl[24];
	int n = svg_ticks(&fr->y, nticks, t, 32);

	for (int i = 0; i < n; i++) {
		double y = svg_map(&fr->y, t[i]);

		svg_line(f, fr->x.p0, y, fr->x.p1, y, i ? "grid" : "axis");
		svg_text(f, fr->x.p0 - 5, y + 3.5, "end", "tick", fmt(lbl, sizeof(lbl), t[i]));
	}
	if (title)
		svg_text(f, fr->x.p0 > 44 ? fr->x.p0 - 40 : 4, fr->y.p1 - 10, "start", "axt",
			 title);
}
