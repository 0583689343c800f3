// SPDX-License-Identifier: MIT
/*
 * report.html: the header (what produced the figures), then per scenario
 * the models side by side (requests/s, latency spectrum, errors, CPU per
 * request, the comparison table, the ranking) and each model's section
 * (report_exp.c). Every number comes from results.json; every string from
 * it is escaped.
 */
#include "harness/report/html.h"
#include "common/units.h"
#include "harness/report/chart.h"
#include "harness/report/html_accounts.h"
#include "harness/report/html_experiment.h"
#include "harness/report/html_sweep.h"
#include "harness/report/text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static bool listed(const char *const *list, int n, const char *s)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

/* The models and scenarios in the order the run took them. */
static void collect(struct report *r)
{
	size_t i;
	const json_t *e;

	json_array_foreach(r->exps, i, e) {
		const char *m = jstr(e, "model"), *s = jstr(e, "scenario");

		if (!listed(r->model, r->nmodels, m) && r->nmodels < REPORT_MAX)
			r->model[r->nmodels++] = m;
		if (!listed(r->scenario, r->nscenarios, s) && r->nscenarios < REPORT_MAX)
			r->scenario[r->nscenarios++] = s;
	}
}

/* ---------------------------------------------------------------- header */

/* report.css, embedded at build time (the Makefile makes report_css.h from it) */
static const char CSS[] =
#include "harness/report/report_css.h"
	;

static void kv(FILE *f, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void kv(FILE *f, const char *key, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fputs("<dt>", f);
	report_esc(f, key);
	fputs("</dt><dd>", f);
	report_esc(f, buf);
	fputs("</dd>\n", f);
}

static void json_value_text(char *buf, size_t len, const json_t *v)
{
	size_t used = 0, i;
	const json_t *x;

	if (json_is_string(v)) {
		snprintf(buf, len, "%s", json_string_value(v));
	} else if (json_is_boolean(v)) {
		snprintf(buf, len, "%s", json_is_true(v) ? "yes" : "no");
	} else if (json_is_number(v)) {
		snprintf(buf, len, "%g", json_number_value(v));
	} else if (json_is_array(v)) {
		buf[0] = '\0';
		json_array_foreach(v, i, x) {
			char item[128];

			json_value_text(item, sizeof(item), x);
			used += snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 i ? ", " : "", item);
		}
	} else {
		snprintf(buf, len, "-");
	}
}

static void header_machine(struct report *r)
{
	const json_t *m = json_object_get(r->results, "machine");
	FILE *f = r->f;

	fputs("<div><h4>Machine</h4><dl class=\"kv\">\n", f);
	kv(f, "host", "%s (%s)", jstr(m, "hostname"), jstr(m, "arch"));
	kv(f, "kernel", "%s", jstr(m, "kernel"));
	kv(f, "build", "%s", jstr(m, "kernel_version"));
	kv(f, "CPU", "%s × %.0f", jstr(m, "cpu_model"), jnum(m, "cpus", NULL));
	kv(f, "memory", "%.1f GiB", jnum(m, "memory_bytes", NULL) / (1 << 30));
	kv(f, "date", "%s", jstr(m, "date"));
	kv(f, "libbpf", "%s", jstr(m, "libbpf"));
	kv(f, "whyserve", "%s", jstr(jget(r->results, "whyserve", NULL), "version"));
	fputs("</dl></div>\n", f);
}

static void header_options(struct report *r)
{
	const json_t *o = json_object_get(r->results, "options"), *v;
	const char *key;
	char buf[512];

	fputs("<div class=\"opts\"><h4>Options</h4><dl class=\"kv\">\n", r->f);
	json_object_foreach((json_t *)o, key, v) {
		json_value_text(buf, sizeof(buf), v);
		kv(r->f, key, "%s", buf);
	}
	fputs("</dl></div>\n", r->f);
}

/* Each probe: attached everywhere, or where not and why (each reason once). */
static void header_probes(struct report *r)
{
	const json_t *first = json_object_get(json_array_get(r->exps, 0), "probes"), *p;
	const char *name;
	FILE *f = r->f;

	fputs("<div class=\"probes\"><h4>Probes</h4><ul>\n", f);
	json_object_foreach((json_t *)first, name, p) {
		const char *whys[REPORT_MAX * 2];
		int nwhy = 0, on = 0, off = 0;
		size_t i;
		const json_t *e;

		json_array_foreach(r->exps, i, e) {
			const json_t *q = jget(e, "probes", name, NULL);
			const char *why = json_is_false(json_object_get(q, "available"))
						  ? jstr(q, "why")
						  : jstr(q, "missing");

			json_is_false(json_object_get(q, "available")) ? off++ : on++;
			if (why[0] && !listed(whys, nwhy, why) && nwhy < REPORT_MAX * 2)
				whys[nwhy++] = why;
		}
		fprintf(f, "<li class=\"%s\"><b>", off ? "off" : "on");
		report_esc(f, name);
		if (!off)
			fprintf(f, "</b>: attached in all %d experiments", on);
		else
			fprintf(f, "</b>: <b>unavailable</b> in %d of %d experiments", off,
				on + off);
		for (int k = 0; k < nwhy; k++) {
			fputs(k	    ? "; "
			      : off ? " — <span class=\"reason\">"
				    : " — partly: <span class=\"reason\">",
			      f);
			report_esc(f, whys[k]);
		}
		fputs(nwhy ? "</span></li>\n" : "</li>\n", f);
	}
	fputs("</ul></div>\n", f);
}

static size_t json_array_index(const json_t *a, const json_t *x)
{
	size_t i;

	for (i = 0; i < json_array_size(a) && json_array_get(a, i) != x; i++)
		;
	return i;
}

static const json_t *find_experiment(const struct report *r, const char *scen, const char *model)
{
	const json_t *e;
	size_t i;

	json_array_foreach(r->exps, i, e) {
		if (!strcmp(jstr(e, "scenario"), scen) && !strcmp(jstr(e, "model"), model))
			return e;
	}
	return NULL;
}

static void glance_model(struct report *r, const json_t *e, const char *cls, const char *what)
{
	char buf[32];

	fprintf(r->f, "<div class=\"%s\"><span class=\"sw\" style=\"background:%s\"></span>", cls,
		svg_styles[report_style(r, jstr(e, "model"))].color);
	report_esc(r->f, jstr(e, "model"));
	fprintf(r->f, " <b>%s</b> req/s <span>%s</span></div>\n",
		fmt_count(buf, sizeof(buf), round(jnum(e, "load", "rate", NULL))), what);
}

/* Each scenario at a glance: the fastest and the slowest model, and links. */
static void glance(struct report *r)
{
	FILE *f = r->f;

	fputs("<nav class=\"card toc\">\n", f);
	for (int s = 0; s < r->nscenarios; s++) {
		const json_t *best = NULL, *worst = NULL, *e;
		char ratio[48];

		for (int m = 0; m < r->nmodels; m++) {
			e = find_experiment(r, r->scenario[s], r->model[m]);
			if (!e)
				continue;
			if (!best ||
			    jnum(e, "load", "rate", NULL) > jnum(best, "load", "rate", NULL))
				best = e;
			if (!worst ||
			    jnum(e, "load", "rate", NULL) < jnum(worst, "load", "rate", NULL))
				worst = e;
		}
		fputs("<div class=\"tile\"><a class=\"scen-link\" href=\"#", f);
		report_id(f, "scenario-", r->scenario[s], NULL);
		fputs("\">", f);
		report_esc(f, r->scenario[s]);
		fputs("</a>\n", f);
		glance_model(r, best, "win", "fastest");
		if (worst != best) {
			double w = jnum(worst, "load", "rate", NULL),
			       b = jnum(best, "load", "rate", NULL);

			snprintf(ratio, sizeof(ratio), "slowest");
			if (b > 0)
				snprintf(ratio, sizeof(ratio), "slowest, %.2g× the fastest", w / b);
			glance_model(r, worst, "lose", ratio);
		}
		fputs("<div class=\"links\">", f);
		for (int m = 0; m < r->nmodels; m++) {
			if (!find_experiment(r, r->scenario[s], r->model[m]))
				continue;
			fputs("<a href=\"#", f);
			report_id(f, "exp-", r->scenario[s], r->model[m]);
			fputs("\">", f);
			report_esc(f, r->model[m]);
			fputs("</a> ", f);
		}
		fputs("</div></div>\n", f);
	}
	fputs("</nav>\n", f);
}

static void header(struct report *r)
{
	const json_t *m = json_object_get(r->results, "machine");
	FILE *f = r->f;

	fputs("<header class=\"top\"><div class=\"wrap\"><div class=\"brand\">whyserve report</div>\n"
	      "<h1>Why each server model performed as it did</h1>\n<p class=\"sub\">",
	      f);
	fprintf(f, "%d model%s × %d scenario%s · kernel ", r->nmodels, r->nmodels == 1 ? "" : "s",
		r->nscenarios, r->nscenarios == 1 ? "" : "s");
	report_esc(f, jstr(m, "kernel"));
	fputs(" · ", f);
	report_esc(f, jstr(m, "cpu_model"));
	fputs(" · ", f);
	report_esc(f, jstr(m, "date"));
	fputs("</p></div></header>\n<main class=\"wrap\">\n", f);
	if (json_is_true(json_object_get(r->results, "interrupted")))
		fprintf(f,
			"<div class=\"warn\"><b>This run was interrupted</b>: only the %zu "
			"experiments that finished are shown.</div>\n",
			json_array_size(r->exps));
	fputs("<section class=\"card meta\" id=\"machine\"><h2>What produced these figures</h2>\n",
	      f);
	header_machine(r);
	header_options(r);
	header_probes(r);
	fputs("</section>\n", f);
	glance(r);
}

/* ---------------------------------------------------------------- a scenario */

struct scen {
	const char *name;
	const json_t *e[REPORT_MAX];		   /* its experiments, in model order */
	const struct explanation *why[REPORT_MAX]; /* and their findings */
	int n;
};

static const char *model_of(const struct scen *s, int i)
{
	return jstr(s->e[i], "model");
}

/* Latency percentiles of every model on one chart, on a nines axis. */
static void spectrum(struct report *r, const struct scen *s)
{
	static const char *const keys[] = { "min", "p50", "p90", "p99", "p99.9", "p99.99", "max" };
	static const double pct[] = { 0, 50, 90, 99, 99.9, 99.99, -1 };
	static const char *const labels[] = { "0%", "50%", "90%", "99%", "99.9%", "99.99%", "max" };
	double xs[REPORT_MAX][7], ys[REPORT_MAX][7], at[7], lo = INFINITY, hi = 0;
	struct chart_series ser[REPORT_MAX];
	struct chart_lines c = {
		.title = "latency percentile spectrum",
		.width = 640,
		.height = 330,
		.x = { SVG_NINES, 0, 4.6 },
		.y = { SVG_LOG10 },
		.xunit = "percentile (log scale of nines)",
		.yunit = "latency",
		.xfmt = svg_fmt_nines,
		.yfmt = svg_fmt_us,
		.nxticks = 7,
		.xat = at,
		.xlabels = labels,
		.legend = true,
		.hline = NAN,
	};

	for (int k = 0; k < 7; k++)
		at[k] = pct[k] < 0 ? 4.6 : svg_nines(pct[k]);
	for (int i = 0; i < s->n; i++) {
		const json_t *lat = jget(s->e[i], "load", "latency_us", NULL);

		for (int k = 0; k < 7; k++) {
			xs[i][k] = at[k];
			ys[i][k] = jnum(lat, keys[k], NULL);
			if (ys[i][k] > 0) {
				lo = fmin(lo, ys[i][k]);
				hi = fmax(hi, ys[i][k]);
			}
		}
		if (!(jnum(lat, "count", NULL) > 0))
			for (int k = 0; k < 7; k++)
				ys[i][k] = NAN; /* no request answered: no latency */
		ser[i] = (struct chart_series){
			model_of(s, i), report_style(r, model_of(s, i)), 7, xs[i], ys[i], true,
			false
		};
	}
	c.y.lo = isinf(lo) ? 1 : lo;
	c.y.hi = hi > 0 ? hi : 10;
	fputs("<figure class=\"fig\"><figcaption><b>Latency by percentile</b><span>every "
	      "answered request, p0 to p99.99 and the maximum</span></figcaption>\n",
	      r->f);
	chart_lines(r->f, &c, ser, s->n);
	fputs("</figure>\n", r->f);
}

static char *fmt_rps(char *buf, size_t len, double v)
{
	return fmt_count(buf, len, round(v));
}

static void rps_bars(struct report *r, const struct scen *s)
{
	struct chart_bar b[REPORT_MAX] = { 0 };
	struct chart_hbars c = { .title = "requests per second by model",
				 .unit = "requests/s",
				 .tick = svg_fmt_si,
				 .value = fmt_rps,
				 .width = 460 };

	for (int i = 0; i < s->n; i++) {
		b[i].label = model_of(s, i);
		b[i].style = report_style(r, b[i].label);
		b[i].seg[0] = jnum(s->e[i], "load", "rate", NULL);
	}
	fputs("<figure class=\"fig\"><figcaption><b>Requests per second</b><span>answered, over "
	      "the measured load</span></figcaption>\n",
	      r->f);
	chart_hbars(r->f, &c, b, s->n);
	fputs("</figure>\n", r->f);
}

static void cpu_bars(struct report *r, const struct scen *s)
{
	struct chart_bar b[REPORT_MAX] = { 0 };
	struct chart_hbars c = { .title = "server CPU time per request",
				 .unit = "µs of CPU per request",
				 .tick = svg_fmt_si,
				 .value = fmt_us,
				 .width = 460,
				 .nsegs = 2,
				 .seg_name = { "user", "system" },
				 .seg_hatch = { false, true } };

	for (int i = 0; i < s->n; i++) {
		double req = jnum(s->e[i], "load", "requests", NULL);

		b[i].label = model_of(s, i);
		b[i].style = report_style(r, b[i].label);
		b[i].na = req > 0 ? NULL : "no request answered";
		b[i].seg[0] = req > 0 ? jnum(s->e[i], "cpu", "user_us", NULL) / req : NAN;
		b[i].seg[1] = req > 0 ? jnum(s->e[i], "cpu", "system_us", NULL) / req : NAN;
	}
	fputs("<figure class=\"fig\"><figcaption><b>CPU per request</b><span>the server's cgroup, "
	      "user and system</span></figcaption>\n",
	      r->f);
	chart_hbars(r->f, &c, b, s->n);
	fputs("</figure>\n", r->f);
}

/* Error kinds seen in the scenario, as stacked segments; non-2xx by status. */
struct kinds {
	int n;
	char key[CHART_SEGS][40];  /* as in load.errors, or load.errors.status */
	char name[CHART_SEGS][48]; /* in the legend */
	bool status[CHART_SEGS];
};

static void error_kinds(const struct scen *s, struct kinds *kd)
{
	const char *key;
	const json_t *v;

	for (int i = 0; i < s->n; i++) {
		const json_t *errs = jget(s->e[i], "load", "errors", NULL);

		for (int st = 0; st < 2; st++) {
			json_t *kinds = json_object_get(errs, "status");

			if (!st)
				kinds = (json_t *)errs;
			json_object_foreach(kinds, key, v) {
				int k;

				if (!(json_is_number(v) && json_number_value(v) > 0))
					continue;
				for (k = 0; k < kd->n; k++)
					if (kd->status[k] == st && !strcmp(kd->key[k], key))
						break;
				if (k < kd->n || kd->n == CHART_SEGS)
					continue;
				snprintf(kd->key[k], sizeof(kd->key[k]), "%s", key);
				snprintf(kd->name[k], sizeof(kd->name[k]), "%s%s",
					 st ? "HTTP " : "", key);
				kd->status[k] = st;
				kd->n++;
			}
		}
	}
}

static void error_bars(struct report *r, const struct scen *s)
{
	static const char *const colors[] = { "#7f1d1d", "#c2410c", "#f59e0b", "#57534e",
					      "#a8a29e" };
	struct chart_bar b[REPORT_MAX] = { 0 };
	struct chart_hbars c = { .title = "errors by kind",
				 .unit = "errors",
				 .tick = svg_fmt_si,
				 .value = report_fmt_ratio,
				 .width = 460 };
	struct kinds kd = { 0 };

	error_kinds(s, &kd);
	fputs("<figure class=\"fig\"><figcaption><b>Errors by kind</b><span>as the load generator "
	      "saw them</span></figcaption>\n",
	      r->f);
	if (!kd.n) {
		fputs("<div class=\"none\">✓ No errors: every request was answered with a 2xx, in "
		      "every model.</div></figure>\n",
		      r->f);
		return;
	}
	c.nsegs = kd.n;
	for (int k = 0; k < kd.n; k++) {
		c.seg_name[k] = kd.name[k];
		c.seg_color[k] = colors[k / 2 % 5];
		c.seg_hatch[k] = k % 2;
	}
	for (int i = 0; i < s->n; i++) {
		const json_t *errs = jget(s->e[i], "load", "errors", NULL);

		b[i].label = model_of(s, i);
		b[i].style = report_style(r, b[i].label);
		for (int k = 0; k < kd.n; k++) {
			double x = jnum(kd.status[k] ? json_object_get(errs, "status") : errs,
					kd.key[k], NULL);

			b[i].seg[k] = isnan(x) ? 0 : x;
		}
	}
	chart_hbars(r->f, &c, b, s->n);
	fputs("</figure>\n", r->f);
}

/* The comparison: the same columns as summary.txt, each cell's number in
 * data-v as results.json has it. */
static void table(struct report *r, const struct scen *s)
{
	static const struct {
		const char *head, *key;
		int kind; /* 0 count, 1 µs, 2 per request */
		int best; /* 1 highest, -1 lowest, 0 none */
	} cols[] = {
		{ "requests", "requests", 0, 0 },    { "req/s", "rps", 0, 1 },
		{ "p50", "p50_us", 1, -1 },	     { "p99", "p99_us", 1, -1 },
		{ "max", "max_us", 1, -1 },	     { "starved", "starved", 0, 0 },
		{ "errors", "errors", 0, -1 },	     { "aq max", "aq_max", 0, 0 },
		{ "aq limit", "aq_limit", 0, 0 },    { "overflows", "listen_overflows", 0, 0 },
		{ "vcs/req", "vol_switches", 2, 0 }, { "ics/req", "invol_switches", 2, 0 },
		{ "sys/req", "syscalls", 2, 0 },     { "cpu/req", "cpu_us", 3, -1 },
	};
	const int ncols = sizeof(cols) / sizeof(cols[0]);
	double v[REPORT_MAX][16], best[16];
	FILE *f = r->f;
	char buf[48];

	for (int k = 0; k < ncols; k++) {
		best[k] = NAN;
		for (int i = 0; i < s->n; i++) {
			const json_t *fig = json_object_get(s->e[i], "figures");
			double x = jnum(fig, cols[k].key, NULL), req = jnum(fig, "requests", NULL);

			if (cols[k].kind >= 2)
				x = req > 0 ? x / req : NAN;
			v[i][k] = x;
			/* the latency of a model that left connections waiting is
			 * not the best, however low: only the few it served have one */
			if (cols[k].kind == 1 && jnum(fig, "starved", NULL) > 0)
				continue;
			if (!isnan(x) &&
			    (isnan(best[k]) || x * cols[k].best > best[k] * cols[k].best))
				best[k] = x;
		}
	}
	fputs("<table class=\"cmp\"><thead><tr><th>model</th><th>limited by</th>", f);
	for (int k = 0; k < ncols; k++)
		fprintf(f, "<th>%s</th>", cols[k].head);
	fputs("</tr></thead><tbody>\n", f);
	for (int i = 0; i < s->n; i++) {
		fprintf(f, "<tr data-model=\"");
		report_esc(f, model_of(s, i));
		fprintf(f, "\"><td><span class=\"sw\" style=\"background:%s\"></span>",
			svg_styles[report_style(r, model_of(s, i))].color);
		report_esc(f, model_of(s, i));
		fputs("</td><td class=\"verdict\">", f);
		report_esc(f, s->why[i]->verdict.why.rule[0] ? s->why[i]->verdict.why.rule : "-");
		fputs("</td>", f);
		for (int k = 0; k < ncols; k++) {
			double x = v[i][k];
			bool b = cols[k].best && s->n > 1 && x == best[k];

			fprintf(f, "<td%s data-key=\"%s\" data-v=\"", b ? " class=\"best\"" : "",
				cols[k].key);
			report_num_attr(f, x);
			fputs("\">", f);
			if (cols[k].kind == 1 && !(jnum(s->e[i], "figures", "requests", NULL) > 0))
				snprintf(buf, sizeof(buf), "-"); /* no answer, no latency */
			else if (cols[k].kind == 1 || cols[k].kind == 3)
				fmt_us(buf, sizeof(buf), x);
			else if (cols[k].key[1] == 'p' && cols[k].key[0] == 'r')
				fmt_rps(buf, sizeof(buf), x);
			else
				report_fmt_ratio(buf, sizeof(buf), x);
			report_esc(f, buf);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

/* Why the models ranked as they did: the ranking recorded for the scenario. */
static void ranking(struct report *r, const struct scen *s)
{
	const struct ranking *rk = run_record_ranking(r->run, s->name);
	char text[2048];

	if (!rk)
		return; /* a sweep's models are compared step by step */
	fputs("<div class=\"ranking\"><figure class=\"fig\"><figcaption><b>Ranking</b><span>by "
	      "requests/s; the rules that fired for one model and not the other</span>"
	      "</figcaption><ol>\n",
	      r->f);
	for (int i = 0; rk && i < rk->n; i++) {
		ranking_entry_text(text, sizeof(text), rk, i);
		fputs("<li><b>", r->f);
		report_esc(r->f, rk->entries[i].model);
		fputs("</b>:", r->f);
		report_esc(r->f, text);
		fputs("</li>\n", r->f);
	}
	fputs("</ol></figure></div>\n", r->f);
}

/* Where the time of each model goes: its accounts side by side. */
static void accounts(struct report *r, const struct scen *s)
{
	const char *models[REPORT_MAX];

	for (int i = 0; i < s->n; i++)
		models[i] = model_of(s, i);
	report_accounts(r, models, s->why, s->n);
}

static void scales(const struct scen *s, struct report_scales *sc)
{
	size_t k;
	const json_t *x;

	/* one per request at least: near nothing should look like it */
	*sc = (struct report_scales){ .switches_per_req = 1, .syscalls_per_req = 1 };
	for (int i = 0; i < s->n; i++) {
		const json_t *e = s->e[i];
		double req = jnum(e, "load", "requests", NULL);

		if (req > 0) {
			double vol = jnum(e, "figures", "vol_switches", NULL);
			double invol = jnum(e, "figures", "invol_switches", NULL);

			sc->switches_per_req = fmax(sc->switches_per_req, fmax(vol, invol) / req);
			json_array_foreach(jget(e, "probes", "syscalls", "syscalls", NULL), k, x) {
				sc->syscalls_per_req =
					fmax(sc->syscalls_per_req, jnum(x, "count", NULL) / req);
			}
		}
		json_array_foreach(jget(e, "load", "series", NULL), k, x) {
			sc->rps = fmax(sc->rps, jnum(x, "rate", NULL));
		}
	}
}

static void scenario(struct report *r, const char *name)
{
	struct report_scales sc;
	struct scen s = { .name = name };
	FILE *f = r->f;

	for (int m = 0; m < r->nmodels; m++) {
		const json_t *e = find_experiment(r, name, r->model[m]);

		if (e && s.n < REPORT_MAX) {
			/* the record holds the experiments in the order of results.json */
			s.why[s.n] = &r->run->exps[json_array_index(r->exps, e)]->why;
			s.e[s.n++] = e;
		}
	}
	if (!s.n)
		return;
	fputs("<section class=\"card scen\" id=\"", f);
	report_id(f, "scenario-", name, NULL);
	fputs("\" data-scenario=\"", f);
	report_esc(f, name);
	fputs("\"><h2>", f);
	report_esc(f, name);
	fputs("</h2><p class=\"what\">", f);
	report_esc(f, jstr(s.e[0], "what"));
	fputs("</p>\n", f);
	report_sweep(r, s.e, s.n);
	fputs("<div class=\"row\">\n", f);
	spectrum(r, &s);
	fputs("<div class=\"col\">\n", f);
	rps_bars(r, &s);
	cpu_bars(r, &s);
	fputs("</div></div>\n<div class=\"row\">\n", f);
	error_bars(r, &s);
	ranking(r, &s);
	fputs("</div>\n<div class=\"accounts\">\n", f);
	accounts(r, &s);
	fputs("</div>\n", f);
	table(r, &s);
	scales(&s, &sc);
	for (int i = 0; i < s.n; i++)
		report_experiment(r, s.e[i], s.why[i], &sc);
	fputs("</section>\n", f);
}

/* ---------------------------------------------------------------- the page */

int report_html(FILE *f, const struct run_record *run, const json_t *results)
{
	struct report r = { .f = f, .run = run, .results = results };
	const json_t *m = json_object_get(results, "machine");

	r.exps = json_object_get(results, "experiments");
	if (!json_is_array(r.exps) || (int)json_array_size(r.exps) != run->nexps)
		return -EINVAL;
	collect(&r);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<title>whyserve report · ",
	      f);
	report_esc(f, jstr(m, "hostname"));
	fputs(" · ", f);
	report_esc(f, jstr(m, "date"));
	fprintf(f, "</title>\n<style>\n%s</style></head><body>\n", CSS);
	header(&r);
	if (!r.nscenarios)
		fputs("<div class=\"warn\">No experiment finished: nothing to show.</div>\n", f);
	for (int s = 0; s < r.nscenarios; s++)
		scenario(&r, r.scenario[s]);
	fputs("<footer>Drawn by <b>harness report</b> from results.json alone; every figure on "
	      "this page is in that file.</footer>\n</main></body></html>\n",
	      f);
	return ferror(f) ? -EIO : 0;
}
