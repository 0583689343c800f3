// SPDX-License-Identifier: MIT
/*
 * report.html: the header (what produced the figures), then per scenario
 * the models side by side (requests/s, latency spectrum, errors, CPU per
 * request, the comparison table, the ranking) and each model's section
 * (report_exp.c). Every number comes from results.json; every string from
 * it is escaped.
 */
#include "harness/report/report_html.h"
#include "harness/report/chart.h"
#include "harness/explain/explain.h"
#include "harness/report/figures_json.h"
#include "harness/report/report_parts.h"
#include "common/units.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

static const json_t *jvget(const json_t *o, va_list ap)
{
	const char *key;

	while (o && (key = va_arg(ap, const char *)))
		o = json_object_get(o, key);
	return o;
}

const json_t *jget(const json_t *o, ...)
{
	va_list ap;

	va_start(ap, o);
	o = jvget(o, ap);
	va_end(ap);
	return o;
}

double jnum(const json_t *o, ...)
{
	va_list ap;

	va_start(ap, o);
	o = jvget(o, ap);
	va_end(ap);
	return json_is_number(o) ? json_number_value(o) : NAN;
}

const char *jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

int report_style(const struct report *r, const char *model)
{
	static const char *const known[] = {"blocking", "fork", "pthread", "epoll", "io_uring"};

	for (int i = 0; i < 5; i++)
		if (!strcmp(model, known[i]))
			return i;
	for (int i = 0; i < r->nmodels; i++)
		if (!strcmp(model, r->model[i]))
			return i;
	return 0;
}

void report_esc(FILE *f, const char *s)
{
	svg_esc(f, s);
}

void report_id(FILE *f, const char *prefix, const char *a, const char *b)
{
	fputs(prefix, f);
	for (const char *s = a; s && *s; s++)
		fputc(strchr("-_", *s) || (*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
			      (*s >= 'A' && *s <= 'Z')
			  ? *s
			  : '_',
		      f);
	if (!b)
		return;
	fputc('-', f);
	report_id(f, "", b, NULL);
}

char *report_fmt_ratio(char *buf, size_t len, double v)
{
	if (v > 0 && v < 0.01)
		snprintf(buf, len, "%.1g", v);
	else
		fmt_count(buf, len, v);
	return buf;
}

void report_num_attr(FILE *f, double v)
{
	if (isnan(v))
		fputs("null", f);
	else
		fprintf(f, "%.10g", v); /* as results.json writes it */
}

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

static const char CSS[] =
    ":root{--ink:#111827;--mute:#6b7280;--line:#e5e7eb;--bg:#f2f4f7;--navy:#1f2a44}\n"
    "*{box-sizing:border-box}\n"
    "body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.5 system-ui,-apple-system,"
    "'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}\n"
    ".wrap{max-width:1180px;margin:0 auto;padding:0 20px}\n"
    "header.top{background:var(--navy);color:#fff;padding:26px 0 22px}\n"
    ".brand{font:600 12px/1 ui-monospace,'DejaVu Sans Mono',monospace;letter-spacing:.14em;"
    "text-transform:uppercase;color:#9fb3d9}\n"
    "h1{font-size:26px;line-height:1.25;margin:8px 0 6px;font-weight:650;letter-spacing:-.01em}\n"
    ".sub{margin:0;color:#c9d3e6}\n"
    ".card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 20px;"
    "margin:18px 0}\n"
    "h2{font-size:21px;margin:0;letter-spacing:-.01em}\n"
    "h3{font-size:17px;margin:0}\n"
    ".what{color:var(--mute);margin:2px 0 12px}\n"
    ".meta{display:grid;grid-template-columns:1fr 1.35fr 1fr;gap:8px 28px}\n"
    ".meta h2{grid-column:1/-1;font-size:16px;margin-bottom:4px}\n"
    ".meta h4,.fig figcaption b,.why h4{font-size:11px;letter-spacing:.08em;"
    "text-transform:uppercase;color:var(--mute);margin:0 0 6px;font-weight:650}\n"
    "dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0;"
    "font-size:13px}\n"
    "dl.kv dt{color:var(--mute)}dl.kv dd{margin:0;overflow-wrap:break-word;min-width:0}\n"
    ".opts dl.kv{grid-template-columns:max-content 1fr max-content 1fr}\n"
    ".probes ul{list-style:none;margin:0;padding:0;font-size:13px}\n"
    ".probes li{margin:0 0 5px;padding-left:18px;position:relative}\n"
    ".probes li:before{content:'';position:absolute;left:2px;top:6px;width:9px;height:9px;"
    "border-radius:50%;background:#2f855a}\n"
    ".probes li.off:before{background:#c05621}\n"
    ".probes .reason{color:#7b341e}\n"
    ".warn{background:#fff7ed;border:1px solid #fdba74;color:#7c2d12;border-radius:8px;"
    "padding:10px 14px;margin:14px 0}\n"
    "nav.toc{display:grid;grid-template-columns:repeat(auto-fit,minmax(250px,1fr));gap:14px 22px;"
    "font-size:13px}\n"
    ".tile .scen-link{display:block;font-size:17px;font-weight:650;color:var(--ink);"
    "margin-bottom:4px}\n"
    ".tile .win,.tile .lose{margin:2px 0}.tile .win b{font-size:16px}\n"
    ".tile span:not(.sw){color:var(--mute)}\n"
    ".tile .links{margin-top:6px;font-size:12px}.tile .links a{margin-right:8px}\n"
    "a{color:#1d4ed8;text-decoration:none}a:hover{text-decoration:underline}\n"
    ".row{display:grid;grid-template-columns:auto 1fr;gap:14px 22px;align-items:start;"
    "margin:6px 0}\n"
    ".col{display:flex;flex-direction:column;gap:10px}\n"
    ".fig{margin:0}.fig figcaption{margin:0 0 2px}\n"
    ".fig figcaption span{color:var(--mute);font-size:12px;margin-left:6px}\n"
    "svg{display:block;max-width:100%;height:auto;overflow:visible}\n"
    "svg text{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;"
    "font-size:11px;fill:#4b5563}\n"
    "svg .tick{font-size:10.5px;fill:#6b7280;font-variant-numeric:tabular-nums}\n"
    "svg .axt{font-weight:600;fill:#374151}\n"
    "svg .lbl{font-size:12px;fill:#111827}\n"
    "svg .val{fill:#111827;font-variant-numeric:tabular-nums}\n"
    "svg .leg{font-size:11.5px;fill:#374151}\n"
    "svg .na{fill:#9ca3af;font-style:italic}\n"
    "svg .grid{stroke:#edf0f3}svg .axis{stroke:#9ca3af}\n"
    "svg .limit{stroke:#b91c1c;stroke-width:1.4;stroke-dasharray:5 3}\n"
    "svg .limtxt{fill:#b91c1c;font-weight:600}\n"
    "svg .mark2{stroke:#374151;stroke-width:1.2;stroke-dasharray:2 2}\n"
    "svg .mk2txt{fill:#374151}svg .zone{fill:#fdecec}\n"
    "svg .mk{stroke:#fff;stroke-width:1}svg .mkx{stroke-width:2.2;fill:none}\n"
    "table.cmp{border-collapse:collapse;width:100%;font-size:13px;margin:14px 0 4px;"
    "font-variant-numeric:tabular-nums}\n"
    "table.cmp th{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:var(--mute);"
    "font-weight:650;text-align:right;padding:6px 8px;border-bottom:2px solid var(--line)}\n"
    "table.cmp td{text-align:right;padding:5px 8px;border-bottom:1px solid #f0f1f3}\n"
    "table.cmp th:first-child,table.cmp td:first-child{text-align:left}\n"
    "table.cmp td.best{font-weight:700}\n"
    ".sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:7px;"
    "vertical-align:0}\n"
    ".ranking{font-size:13px}.ranking ol{margin:4px 0 0;padding-left:20px}\n"
    ".ranking li{margin:0 0 4px}.ranking .rules{color:var(--mute)}\n"
    ".none{color:#2f855a;font-size:13px;padding:12px 0}\n"
    "article.exp{border-top:1px solid var(--line);margin-top:22px;padding-top:16px}\n"
    ".exp-head{display:flex;flex-wrap:wrap;align-items:baseline;gap:6px 26px;margin-bottom:10px}\n"
    ".exp-head h3 small{color:var(--mute);font-weight:400;font-size:13px;margin-left:6px}\n"
    ".kpi{display:flex;gap:22px;flex-wrap:wrap}\n"
    ".kpi div{font-size:11px;color:var(--mute);text-transform:uppercase;letter-spacing:.05em}\n"
    ".kpi b{display:block;font-size:18px;color:var(--ink);letter-spacing:0;text-transform:none;"
    "font-weight:650;font-variant-numeric:tabular-nums}\n"
    ".exp-body{display:grid;grid-template-columns:740px 1fr;gap:20px}\n"
    ".charts{display:grid;grid-template-columns:360px 360px;gap:16px 20px;align-content:start}\n"
    ".charts .tall{grid-row:span 2}\n"
    ".nabox{border:1px dashed #d1d5db;border-radius:8px;padding:10px 12px;color:var(--mute);"
    "font-size:12.5px;background:#fafafa}\n"
    ".nabox b{color:#7b341e}\n"
    ".why{background:#f8fafc;border:1px solid var(--line);border-radius:8px;padding:12px 14px;"
    "align-self:start}\n"
    ".why ol{list-style:none;margin:0;padding:0}\n"
    ".why li{margin:0 0 12px;font-size:13px}\n"
    ".why li p{margin:2px 0 5px}\n"
    ".badge{display:inline-block;font-size:10px;font-weight:700;letter-spacing:.06em;"
    "text-transform:uppercase;border-radius:4px;padding:1px 6px;margin-right:6px;"
    "border:1px solid}\n"
    ".badge.high{background:var(--navy);color:#fff;border-color:var(--navy)}\n"
    ".badge.medium{background:#fff;color:var(--navy);border-color:var(--navy)}\n"
    ".rule{font:11px ui-monospace,'DejaVu Sans Mono',monospace;color:var(--mute)}\n"
    "dl.ev{display:grid;grid-template-columns:max-content 1fr;gap:0 10px;margin:0;font-size:12px}\n"
    "dl.ev dt{font-family:ui-monospace,'DejaVu Sans Mono',monospace;color:var(--mute)}\n"
    "dl.ev dd{margin:0;font-variant-numeric:tabular-nums}\n"
    "footer{color:var(--mute);font-size:12px;padding:10px 0 30px}\n"
    "@media print{body{background:#fff}.card{break-inside:avoid-page;border-color:#ccc}"
    "article.exp{break-inside:avoid-page}header.top{background:#fff;color:#000}"
    ".sub{color:#333}}\n";

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
			fputs(k ? "; " : off ? " — <span class=\"reason\">"
					     : " — partly: <span class=\"reason\">", f);
			report_esc(f, whys[k]);
		}
		fputs(nwhy ? "</span></li>\n" : "</li>\n", f);
	}
	fputs("</ul></div>\n", f);
}

static const json_t *experiment(const struct report *r, const char *scen, const char *model)
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
			e = experiment(r, r->scenario[s], r->model[m]);
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
			double w = jnum(worst, "load", "rate", NULL), b = jnum(best, "load", "rate", NULL);

			snprintf(ratio, sizeof(ratio), "slowest");
			if (b > 0)
				snprintf(ratio, sizeof(ratio), "slowest, %.2g× the fastest", w / b);
			glance_model(r, worst, "lose", ratio);
		}
		fputs("<div class=\"links\">", f);
		for (int m = 0; m < r->nmodels; m++) {
			if (!experiment(r, r->scenario[s], r->model[m]))
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

	fputs(
	    "<header class=\"top\"><div class=\"wrap\"><div class=\"brand\">whyserve report</div>\n"
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
	const json_t *e[REPORT_MAX]; /* its experiments, in model order */
	int n;
};

static const char *model_of(const struct scen *s, int i)
{
	return jstr(s->e[i], "model");
}

/* Latency percentiles of every model on one chart, on a nines axis. */
static void spectrum(struct report *r, const struct scen *s)
{
	static const char *const keys[] = {"min", "p50", "p90", "p99", "p99.9", "p99.99", "max"};
	static const double pct[] = {0, 50, 90, 99, 99.9, 99.99, -1};
	static const char *const labels[] = {"0%", "50%", "90%", "99%", "99.9%", "99.99%", "max"};
	double xs[REPORT_MAX][7], ys[REPORT_MAX][7], at[7], lo = INFINITY, hi = 0;
	struct chart_series ser[REPORT_MAX];
	struct chart_lines c = {
	    .title = "latency percentile spectrum",
	    .width = 640,
	    .height = 330,
	    .x = {SVG_NINES, 0, 4.6},
	    .y = {SVG_LOG10},
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
		    model_of(s, i), report_style(r, model_of(s, i)), 7, xs[i], ys[i], true, false};
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
	struct chart_bar b[REPORT_MAX] = {0};
	struct chart_hbars c = {.title = "requests per second by model",
				.unit = "requests/s",
				.tick = svg_fmt_si,
				.value = fmt_rps,
				.width = 460};

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
	struct chart_bar b[REPORT_MAX] = {0};
	struct chart_hbars c = {.title = "server CPU time per request",
				.unit = "µs of CPU per request",
				.tick = svg_fmt_si,
				.value = fmt_us,
				.width = 460,
				.nsegs = 2,
				.seg_name = {"user", "system"},
				.seg_hatch = {false, true}};

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
	static const char *const colors[] = {"#7f1d1d", "#c2410c", "#f59e0b", "#57534e", "#a8a29e"};
	struct chart_bar b[REPORT_MAX] = {0};
	struct chart_hbars c = {.title = "errors by kind",
				.unit = "errors",
				.tick = svg_fmt_si,
				.value = report_fmt_ratio,
				.width = 460};
	struct kinds kd = {0};

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
	    {"requests", "requests", 0, 0},
	    {"req/s", "rps", 0, 1},
	    {"p50", "p50_us", 1, -1},
	    {"p99", "p99_us", 1, -1},
	    {"max", "max_us", 1, -1},
	    {"errors", "errors", 0, -1},
	    {"aq max", "aq_max", 0, 0},
	    {"aq limit", "aq_limit", 0, 0},
	    {"overflows", "listen_overflows", 0, 0},
	    {"vcs/req", "vol_switches", 2, 0},
	    {"ics/req", "invol_switches", 2, 0},
	    {"sys/req", "syscalls", 2, 0},
	    {"cpu/req", "cpu_us", 3, -1},
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
			if (!isnan(x) &&
			    (isnan(best[k]) || x * cols[k].best > best[k] * cols[k].best))
				best[k] = x;
		}
	}
	fputs("<table class=\"cmp\"><thead><tr><th>model</th>", f);
	for (int k = 0; k < ncols; k++)
		fprintf(f, "<th>%s</th>", cols[k].head);
	fputs("</tr></thead><tbody>\n", f);
	for (int i = 0; i < s->n; i++) {
		fprintf(f, "<tr data-model=\"");
		report_esc(f, model_of(s, i));
		fprintf(f, "\"><td><span class=\"sw\" style=\"background:%s\"></span>",
			svg_styles[report_style(r, model_of(s, i))].color);
		report_esc(f, model_of(s, i));
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

/* Why the models ranked as they did: explain_ranking over the figures. */
static void ranking(struct report *r, const struct scen *s)
{
	struct figures *figs = calloc(s->n, sizeof(*figs));
	const struct figures *row[REPORT_MAX];
	char *text = malloc(8192), *line, *save = NULL;

	fputs("<div class=\"ranking\"><figure class=\"fig\"><figcaption><b>Ranking</b><span>by "
	      "requests/s; the rules that fired for one model and not the other</span>"
	      "</figcaption><ol>\n",
	      r->f);
	if (figs && text) {
		for (int i = 0; i < s->n; i++) {
			figures_from_json(json_object_get(s->e[i], "figures"), &figs[i]);
			row[i] = &figs[i];
		}
		explain_ranking(row, s->n, text, 8192);
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *colon = strchr(line, ':');

			fputs("<li>", r->f);
			if (colon) {
				*colon = '\0';
				fputs("<b>", r->f);
				report_esc(r->f, line);
				fputs("</b>:", r->f);
				line = colon + 1;
			}
			report_esc(r->f, line);
			fputs("</li>\n", r->f);
		}
	}
	fputs("</ol></figure></div>\n", r->f);
	free(figs);
	free(text);
}

static void scales(const struct scen *s, struct report_scales *sc)
{
	size_t k;
	const json_t *x;

	/* one per request at least: near nothing should look like it */
	*sc = (struct report_scales){.switches_per_req = 1, .syscalls_per_req = 1};
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
	struct scen s = {.name = name};
	FILE *f = r->f;

	for (int m = 0; m < r->nmodels; m++) {
		const json_t *e = experiment(r, name, r->model[m]);

		if (e && s.n < REPORT_MAX)
			s.e[s.n++] = e;
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
	fputs("</p>\n<div class=\"row\">\n", f);
	spectrum(r, &s);
	fputs("<div class=\"col\">\n", f);
	rps_bars(r, &s);
	cpu_bars(r, &s);
	fputs("</div></div>\n<div class=\"row\">\n", f);
	error_bars(r, &s);
	ranking(r, &s);
	fputs("</div>\n", f);
	table(r, &s);
	scales(&s, &sc);
	for (int i = 0; i < s.n; i++)
		report_experiment(r, s.e[i], &sc);
	fputs("</section>\n", f);
}

/* ---------------------------------------------------------------- the page */

int report_html(FILE *f, const json_t *results)
{
	struct report r = {.f = f, .results = results};
	const json_t *m = json_object_get(results, "machine");

	r.exps = json_object_get(results, "experiments");
	if (!json_is_array(r.exps))
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

int report_html_write(const char *path, const json_t *results)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -errno;
	err = report_html(f, results);
	if (fclose(f) && !err)
		err = -errno;
	return err;
}
