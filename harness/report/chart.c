// SPDX-License-Identifier: MIT
#include "harness/report/chart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NEUTRAL	   "#6b7280" /* legend swatches of segments drawn in each bar's colour */
#define LEGEND_ROW 20	     /* a row of a bar chart's legend */

static const struct svg_style *style(int i)
{
	return &svg_styles[(i < 0 ? 0 : i) % SVG_NSTYLES];
}

/* ---------------------------------------------------------------- bars */

/* Pattern ids: a style's hatch is its index, a segment colour's 10 + k,
 * the neutral legend swatch's 20 + k. */
static const char *seg_fill(char *buf, size_t len, int id, const struct chart_hbars *c,
			    const struct chart_bar *b, int k)
{
	const char *color = c->seg_color[k] ? c->seg_color[k] : style(b->style)->color;

	if (!c->seg_hatch[k] && !b->hatch)
		return color;
	snprintf(buf, len, "url(#h%d-%d)", id,
		 c->seg_color[k] ? 10 + k : (b->style < 0 ? 0 : b->style) % SVG_NSTYLES);
	return buf;
}

static void bars_patterns(FILE *f, int id, const struct chart_hbars *c,
			  const struct chart_bar *bars, int n, int nsegs)
{
	bool done[30] = { false };

	for (int i = 0; i < n; i++)
		for (int k = 0; k < nsegs; k++) {
			int p;

			if (!c->seg_hatch[k] && !bars[i].hatch)
				continue;
			p = c->seg_color[k] ? 10 + k
					    : (bars[i].style < 0 ? 0 : bars[i].style) % SVG_NSTYLES;
			if (!done[p])
				svg_hatch(f, id, p,
					  c->seg_color[k] ? c->seg_color[k]
							  : style(bars[i].style)->color);
			done[p] = true;
		}
	for (int k = 0; c->seg_name[0] && k < nsegs; k++)
		if (c->seg_hatch[k] && !c->seg_color[k])
			svg_hatch(f, id, 20 + k, NEUTRAL);
}

/* A legend entry's width: swatch, name, space. */
static double legend_item_w(const char *name)
{
	return 15 + strlen(name) * 6.2 + 14;
}

/* The legend's rows, wrapped at the chart's width w from x. */
static int legend_rows(const struct chart_hbars *c, int nsegs, double x0, double w)
{
	double x = x0;
	int rows = 1;

	for (int k = 0; k < nsegs; k++) {
		if (x > x0 && x + legend_item_w(c->seg_name[k]) > w) {
			rows++;
			x = x0;
		}
		x += legend_item_w(c->seg_name[k]);
	}
	return rows;
}

static void bars_legend(FILE *f, int id, const struct chart_hbars *c, int nsegs, double x0,
			double w)
{
	char fill[32];
	double x = x0, y = 6;

	for (int k = 0; k < nsegs; k++) {
		const char *color = c->seg_color[k] ? c->seg_color[k] : NEUTRAL;

		if (x > x0 && x + legend_item_w(c->seg_name[k]) > w) {
			x = x0;
			y += LEGEND_ROW;
		}

		if (c->seg_hatch[k])
			snprintf(fill, sizeof(fill), "url(#h%d-%d)", id,
				 c->seg_color[k] ? 10 + k : 20 + k);
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"11\" height=\"11\" fill=\"%s\" "
			"stroke=\"%s\" stroke-width=\"0.8\"/>\n",
			x, y, c->seg_hatch[k] ? fill : color, color);
		svg_text(f, x + 15, y + 9.5, "start", "leg", c->seg_name[k]);
		x += legend_item_w(c->seg_name[k]);
	}
}

static double bar_total(const struct chart_bar *b, int nsegs, bool *measured)
{
	double sum = 0;

	*measured = false;
	for (int k = 0; k < nsegs; k++)
		if (!isnan(b->seg[k])) {
			sum += b->seg[k];
			*measured = true;
		}
	return sum;
}

void chart_hbars(FILE *f, const struct chart_hbars *c, const struct chart_bar *bars, int n)
{
	int w = c->width ? c->width : 440, lw = c->label_w ? c->label_w : 72;
	int nsegs = c->nsegs > 1 ? c->nsegs : 1;
	double top = c->seg_name[0] ? 8 + LEGEND_ROW * legend_rows(c, nsegs, lw, w) : 8, row = 22,
	       bh = 14, max = c->max;
	int h = top + n * row + 36, id;
	struct svg_frame fr;
	char fill[32], val[48], tip[160];
	bool measured;

	for (int i = 0; !c->max && i < n; i++)
		max = fmax(max, bar_total(&bars[i], nsegs, &measured));
	fr.x = (struct svg_scale){ SVG_LINEAR, 0, max > 0 ? max : 1, lw, w - 62 };
	svg_scale_nice(&fr.x, 4);
	fr.y = (struct svg_scale){ SVG_LINEAR, 0, 1, top + n * row + 2, top - 2 };

	id = svg_open(f, w, h, c->title);
	bars_patterns(f, id, c, bars, n, nsegs);
	if (c->seg_name[0])
		bars_legend(f, id, c, nsegs, lw, w);
	svg_axis_x(f, &fr, 4, c->tick, c->unit);
	for (int i = 0; i < n; i++) {
		const struct chart_bar *b = &bars[i];
		double y = top + i * row + (row - bh) / 2, x = lw, total;

		svg_text(f, lw - 7, y + bh - 3, "end", "lbl", b->label);
		total = bar_total(b, nsegs, &measured);
		if (!measured) {
			svg_text(f, lw + 5, y + bh - 3, "start", "na",
				 b->na ? b->na : "not measured");
			continue;
		}
		for (int k = 0; k < nsegs; k++) {
			double bw;

			if (isnan(b->seg[k]) || b->seg[k] <= 0)
				continue;
			bw = svg_map(&fr.x, b->seg[k]) - lw;
			c->value(val, sizeof(val), b->seg[k]);
			if (nsegs > 1)
				snprintf(tip, sizeof(tip), "%s, %s: %s", b->label, c->seg_name[k],
					 val);
			else
				snprintf(tip, sizeof(tip), "%s: %s", b->tip ? b->tip : b->label,
					 val);
			svg_rect(f, x, y, bw, bh, seg_fill(fill, sizeof(fill), id, c, b, k),
				 c->seg_color[k] ? NULL : style(b->style)->edge, tip);
			x += bw;
		}
		if (b->hatch || (nsegs == 1 && c->seg_hatch[0]))
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
				"fill=\"none\" stroke=\"%s\" stroke-width=\"0.8\"/>\n",
				(double)lw, y, x - lw, bh, style(b->style)->color);
		svg_text(f, x + 5, y + bh - 3, "start", "val", c->value(val, sizeof(val), total));
	}
	svg_close(f);
}

/* ---------------------------------------------------------------- lines */

static void legend(FILE *f, const struct svg_frame *fr, const struct chart_series *s, int n)
{
	double total = 0, x;

	for (int i = 0; i < n; i++)
		total += 30 + strlen(s[i].name) * 6.4 + 12;
	x = fr->x.p1 - total;
	for (int i = 0; i < n; i++) {
		const struct svg_style *st = style(s[i].style);
		double lx[2] = { x, x + 24 }, ly[2] = { fr->y.p1 - 14, fr->y.p1 - 14 };

		svg_path(f, lx, ly, 2, st, 2.2);
		svg_marker(f, st->marker, x + 12, ly[0], st->color);
		svg_text(f, x + 29, ly[0] + 4, "start", "leg", s[i].name);
		x += 30 + strlen(s[i].name) * 6.4 + 12;
	}
}

static double clamp_y(const struct svg_scale *y, double v)
{
	if (y->kind == SVG_LOG10 && !(v > y->lo))
		v = y->lo;
	return svg_map(y, v);
}

static void series_draw(FILE *f, const struct svg_frame *fr, const struct chart_series *s)
{
	const struct svg_style *st = style(s->style);
	double *px = calloc(s->n + 2, sizeof(double)), *py = calloc(s->n + 2, sizeof(double));

	if (!px || !py)
		goto out;
	for (int i = 0; i < s->n; i++) {
		px[i] = isnan(s->x[i]) ? NAN : svg_map(&fr->x, s->x[i]);
		py[i] = isnan(s->y[i]) ? NAN : clamp_y(&fr->y, s->y[i]);
	}
	if (s->area && s->n > 1) {
		fprintf(f, "<path d=\"M%.1f %.1f", px[0], fr->y.p0);
		for (int i = 0; i < s->n; i++)
			if (!isnan(px[i]) && !isnan(py[i]))
				fprintf(f, "L%.1f %.1f", px[i], py[i]);
		fprintf(f, "L%.1f %.1fZ\" fill=\"%s\" fill-opacity=\"0.18\"/>\n", px[s->n - 1],
			fr->y.p0, st->color);
	}
	svg_path(f, px, py, s->n, st, s->area ? 1.6 : 2.2);
	for (int i = 0; s->markers && i < s->n; i++)
		if (!isnan(px[i]) && !isnan(py[i]))
			svg_marker(f, st->marker, px[i], py[i], st->color);
out:
	free(px);
	free(py);
}

void chart_lines_in(FILE *f, const struct chart_lines *c, struct svg_frame *fr,
		    const struct chart_series *s, int n)
{
	int ny = c->nyticks ? c->nyticks : 4;

	svg_scale_nice(&fr->y, ny);
	svg_axis_y(f, fr, ny, c->yfmt, c->yunit);
	if (c->nxticks > 0) {
		svg_axis_x_at(f, fr, c->xat, c->xlabels, c->nxticks, c->xunit);
	} else {
		if (!c->x_exact)
			svg_scale_nice(&fr->x, 6);
		svg_axis_x(f, fr, 6, c->xfmt, c->xunit);
	}
	if (!isnan(c->hline) && c->hline >= fr->y.lo && c->hline <= fr->y.hi) {
		double y = svg_map(&fr->y, c->hline);

		svg_line(f, fr->x.p0, y, fr->x.p1, y, "limit");
		if (c->hline_label)
			svg_text(f, fr->x.p1 - 2, y - 4, "end", "limtxt", c->hline_label);
	}
	for (int i = 0; i < n; i++)
		series_draw(f, fr, &s[i]);
	if (c->legend)
		legend(f, fr, s, n);
}

void chart_lines(FILE *f, const struct chart_lines *c, const struct chart_series *s, int n)
{
	int w = c->width ? c->width : 560, h = c->height ? c->height : 260;
	struct svg_frame fr = { c->x, c->y };

	fr.x.p0 = 56;
	fr.x.p1 = w - 16;
	fr.y.p0 = h - (c->xunit ? 40 : 24);
	fr.y.p1 = c->legend ? 44 : 26;
	svg_open(f, w, h, c->title);
	chart_lines_in(f, c, &fr, s, n);
	svg_close(f);
}

/* ---------------------------------------------------------------- log2 histogram */

#define HIST_SLOTS 64

/* A value's position on the slot axis: slot s spans [s, s+1); a value
 * beyond every slot (or no number at all) stands at the axis's end. */
static double slot_pos(double raw)
{
	double p = raw < 2 ? (raw > 0 ? raw / 2 : 0) : log2(raw);

	return isfinite(p) ? fmin(p, HIST_SLOTS) : HIST_SLOTS;
}

void chart_log2_hist(FILE *f, const struct chart_hist *c)
{
	int w = c->width ? c->width : 360, h = c->height ? c->height : 190;
	int first = -1, last = -1, lo, hi;
	double at[HIST_SLOTS + 1], max = 0;
	char lbl[HIST_SLOTS + 1][24], tip[160], a[24], b[24];
	const char *lp[HIST_SLOTS + 1];
	struct svg_frame fr;

	for (int s = 0; s < c->n && s < HIST_SLOTS; s++)
		if (c->counts[s] > 0) {
			if (first < 0)
				first = s;
			last = s;
			max = fmax(max, c->counts[s]);
		}
	svg_open(f, w, h, c->title);
	if (first < 0) {
		svg_text(f, w / 2.0, h / 2.0, "middle", "na", "no events");
		svg_close(f);
		return;
	}
	lo = first;
	hi = last + 1;
	for (int m = 0; m < 2; m++)
		if (!isnan(c->mark[m].v)) {
			double p = slot_pos(c->mark[m].v / c->scale);

			lo = p < lo ? (int)floor(p) : lo;
			hi = p + 1 > hi ? (int)ceil(p + 0.5) : hi;
		}
	while (hi - lo < 6)
		lo > 0 ? lo-- : hi++;
	hi = hi > HIST_SLOTS ? HIST_SLOTS : hi; /* the axis has a tick per slot edge */
	lo = hi - lo > HIST_SLOTS ? hi - HIST_SLOTS : lo;
	fr.x = (struct svg_scale){ SVG_LINEAR, lo, hi, 50, w - 12 };
	fr.y = (struct svg_scale){ SVG_LINEAR, 0, max, h - 40, 26 };
	svg_scale_nice(&fr.y, 3);
	if (!isnan(c->mark[0].v)) {
		double x = svg_map(&fr.x, slot_pos(c->mark[0].v / c->scale));

		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			"class=\"zone\"/>\n",
			x, fr.y.p1, fr.x.p1 - x, fr.y.p0 - fr.y.p1);
	}
	svg_axis_y(f, &fr, 3, svg_fmt_si, c->yunit);
	for (int s = lo; s <= hi; s++) {
		at[s - lo] = s;
		lp[s - lo] = c->fmt(lbl[s - lo], sizeof(lbl[0]), s ? ldexp(1, s) * c->scale : 0);
	}
	svg_axis_x_at(f, &fr, at, lp, hi - lo + 1, c->xunit);
	for (int s = lo; s < hi && s < c->n && s < HIST_SLOTS; s++) {
		double x0 = svg_map(&fr.x, s), x1 = svg_map(&fr.x, s + 1),
		       y = svg_map(&fr.y, c->counts[s]);

		if (!(c->counts[s] > 0))
			continue;
		snprintf(tip, sizeof(tip), "[%s, %s): %.0f",
			 c->fmt(a, sizeof(a), s ? ldexp(1, s) * c->scale : 0),
			 c->fmt(b, sizeof(b), ldexp(1, s + 1) * c->scale), c->counts[s]);
		svg_rect(f, x0 + 0.75, y, x1 - x0 - 1.5, fr.y.p0 - y, style(c->style)->color,
			 style(c->style)->edge, tip);
	}
	for (int m = 0; m < 2; m++) {
		double x;

		if (isnan(c->mark[m].v))
			continue;
		x = svg_map(&fr.x, slot_pos(c->mark[m].v / c->scale));
		svg_line(f, x, fr.y.p0, x, fr.y.p1 - 4, m ? "mark2" : "limit");
		svg_text(f, x > w - 90 ? x - 4 : x + 4, fr.y.p1 - 2 + 12 * m,
			 x > w - 90 ? "end" : "start", m ? "mk2txt" : "limtxt", c->mark[m].label);
	}
	svg_close(f);
}
