// SPDX-License-Identifier: MIT
/*
 * One experiment (a model under a scenario) in report.html: its key
 * figures, its charts (time series, accept queue, context switches,
 * run-queue latency, syscalls, io_uring) and beside them the explanation
 * with its evidence. A probe that was unavailable gets its reason instead
 * of a chart.
 */
#include "harness/report/chart.h"
#include "harness/report/html_experiment.h"
#include "harness/report/text.h"
#include "common/units.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 64

static char *fmt_rps(char *buf, size_t len, double v)
{
	return fmt_count(buf, len, round(v));
}

static char *fmt_none(char *buf, size_t len, double v)
{
	(void)v;
	snprintf(buf, len, "-");
	return buf;
}

static char *fmt_s(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%g s", v);
	return buf;
}

static void caption(FILE *f, const char *title, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void caption(FILE *f, const char *title, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fputs("<figcaption><b>", f);
	report_esc(f, title);
	fputs("</b><span>", f);
	report_esc(f, buf);
	fputs("</span></figcaption>\n", f);
}

/* Whether any request was answered; if not, a box saying so. */
static bool answered(FILE *f, const json_t *e, const char *title)
{
	if (jnum(e, "load", "requests", NULL) > 0)
		return true;
	fputs("<figure class=\"fig\">", f);
	caption(f, title, "%s", "");
	fputs("<div class=\"nabox\"><b>no request was answered</b>: nothing to count per "
	      "request</div></figure>\n",
	      f);
	return false;
}

/* The probe's record, or NULL after a box saying why it is missing. */
static const json_t *probe(FILE *f, const json_t *e, const char *name, const char *title)
{
	const json_t *p = jget(e, "probes", name, NULL);

	if (p && !json_is_false(json_object_get(p, "available")))
		return p;
	fputs("<figure class=\"fig\">", f);
	caption(f, title, "%s", "");
	fputs("<div class=\"nabox\"><b>", f);
	report_esc(f, name);
	fputs(" probe unavailable</b>: ", f);
	report_esc(f, p ? jstr(p, "why") : "not in the results");
	fputs("</div></figure>\n", f);
	return NULL;
}

static int hist_counts(const json_t *h, double *out)
{
	const json_t *c = json_object_get(h, "counts"), *v;
	size_t i;
	int n = 0;

	json_array_foreach(c, i, v) {
		if (n < SLOTS)
			out[n++] = json_number_value(v);
	}
	return n;
}

/* ---------------------------------------------------------------- time series */

/* Per-second figures as steps: each value held over its second. */
static int steps(const json_t *series, const char *key, double *x, double *y)
{
	const json_t *p;
	size_t i;
	int n = 0;

	json_array_foreach(series, i, p) {
		double t = jnum(p, "t", NULL), span = jnum(p, "span_s", NULL);

		if (isnan(span))
			span = 1;
		x[n] = t;
		y[n++] = jnum(p, key, NULL);
		x[n] = t + span;
		y[n++] = jnum(p, key, NULL);
	}
	return n;
}

static void time_series(struct report *r, const json_t *e, int style,
			const struct report_scales *sc)
{
	const json_t *series = jget(e, "load", "series", NULL);
	const json_t *aq = jget(e, "probes", "accept_queue", "samples", "series", NULL);
	const json_t *tms = json_object_get(aq, "t_ms"), *depth = json_object_get(aq, "depth");
	size_t ns = json_array_size(series), na = json_array_size(tms);
	double *x = calloc(2 * ns + 1, sizeof(double)), *y = calloc(2 * ns + 1, sizeof(double));
	double *ax = calloc(na + 1, sizeof(double)), *ay = calloc(na + 1, sizeof(double));
	double end = jnum(e, "load", "duration_s", NULL), amax = 0, p99max = 0;
	double limit = jnum(json_array_get(json_object_get(aq, "limit"), 0), NULL);
	struct chart_series s = { .style = style, .x = x, .y = y, .area = true };
	struct svg_frame fr;
	struct chart_lines c = { .x = { SVG_LINEAR },
				 .y = { SVG_LINEAR },
				 .x_exact = true,
				 .nyticks = 2,
				 .xfmt = fmt_s,
				 .yfmt = svg_fmt_si,
				 .hline = NAN };
	FILE *f = r->f;
	int n;

	if (!x || !y || !ax || !ay)
		goto out;
	fputs("<figure class=\"fig tall\">", f);
	caption(f, "Second by second", "%s", "requests/s, p99 and accept-queue depth");
	svg_open(f, 360, 334, "requests/s, p99 latency and accept-queue depth over time");
	for (size_t i = 0; i < na; i++) {
		ax[i] = jnum(json_array_get(tms, i), NULL) / 1e3;
		ay[i] = jnum(json_array_get(depth, i), NULL);
		amax = fmax(amax, ay[i]);
		end = fmax(end, ax[i]);
	}
	n = steps(series, "rate", x, y);
	if (n)
		end = fmax(end, x[n - 1]);
	if (isnan(end) || end <= 0)
		end = 1;
	fr.x = (struct svg_scale){ SVG_LINEAR, 0, end, 50, 348 };

	s.n = n;
	c.yunit = "requests/s";
	fr.y = (struct svg_scale){ SVG_LINEAR, 0, sc->rps > 0 ? sc->rps : 1, 88, 26 };
	chart_lines_in(f, &c, &fr, &s, 1);

	n = steps(series, "p99_us", x, y);
	for (int i = 0; i < n; i++)
		p99max = fmax(p99max, y[i]);
	s.n = n;
	s.area = false;
	c.yunit = "p99 latency";
	c.yfmt = svg_fmt_us;
	fr.x.lo = 0, fr.x.hi = end;
	fr.y = (struct svg_scale){ SVG_LINEAR, 0, p99max > 0 ? p99max : 1, 190, 128 };
	chart_lines_in(f, &c, &fr, &s, 1);

	s = (struct chart_series){ .style = style, .n = na, .x = ax, .y = ay, .area = true };
	c.yunit = "accept-queue depth (100 ms samples)";
	c.yfmt = svg_fmt_si;
	c.xunit = "seconds into the measured load";
	c.hline = limit;
	c.hline_label = "limit";
	fr.x.lo = 0, fr.x.hi = end;
	fr.y = (struct svg_scale){ SVG_LINEAR, 0, fmax(amax, isnan(limit) ? 1 : limit), 292, 230 };
	chart_lines_in(f, &c, &fr, &s, na ? 1 : 0);
	if (!na)
		svg_text(f, 199, 265, "middle", "na", "accept queue not sampled");
	svg_close(f);
	fputs("</figure>\n", f);
out:
	free(x);
	free(y);
	free(ax);
	free(ay);
}

/* ---------------------------------------------------------------- probes */

static void accept_queue(struct report *r, const json_t *e, int style)
{
	const char *title = "Accept queue at each enqueue";
	const json_t *p = probe(r->f, e, "accept_queue", title), *enq;
	double counts[SLOTS], limit, max, count, at;
	char a[32], b[32], lim[48];

	if (!p)
		return;
	enq = json_object_get(p, "enqueues");
	fputs("<figure class=\"fig\">", r->f);
	if (!enq) {
		caption(r->f, title, "%s", "");
		fputs("<div class=\"nabox\">no enqueue events: ", r->f);
		report_esc(r->f, jstr(p, "missing"));
		fputs("</div></figure>\n", r->f);
		return;
	}
	limit = jnum(enq, "limit", NULL);
	max = jnum(enq, "max_depth", NULL);
	count = jnum(enq, "count", NULL);
	at = jnum(enq, "at_limit", NULL);
	caption(r->f, title, "deepest %.0f of %.0f · at the limit in %s of %s · %s overflows", max,
		limit, fmt_pct(a, sizeof(a), count > 0 ? at / count : NAN),
		fmt_count(b, sizeof(b), count),
		fmt_count(lim, sizeof(lim), jnum(p, "netstat", "ListenOverflows", NULL)));
	snprintf(lim, sizeof(lim), "limit %.0f", limit);
	chart_log2_hist(r->f, &(struct chart_hist){
				      .title = "accept-queue depth at enqueue (log2 buckets)",
				      .style = style,
				      .counts = counts,
				      .n = hist_counts(json_object_get(enq, "depth"), counts),
				      .scale = 1,
				      .fmt = svg_fmt_si,
				      .xunit = "queue depth (connections waiting)",
				      .yunit = "enqueues",
				      .mark = { { limit, lim }, { NAN, NULL } } });
	fputs("</figure>\n", r->f);
}

static void switches(struct report *r, const json_t *e, int style, const struct report_scales *sc)
{
	const char *title = "Context switches per request";
	const json_t *fig = json_object_get(e, "figures");
	double req = jnum(fig, "requests", NULL);
	struct chart_bar b[2] = {
		{ .label = "voluntary",
		  .style = style,
		  .seg = { jnum(fig, "vol_switches", NULL) / req } },
		{ .label = "involuntary",
		  .style = style,
		  .hatch = true,
		  .seg = { jnum(fig, "invol_switches", NULL) / req } },
	};
	char t[32], p[32];

	if (!probe(r->f, e, "sched", title) || !answered(r->f, e, title))
		return;
	fputs("<figure class=\"fig\">", r->f);
	caption(r->f, title, "%s threads, %s processes created",
		fmt_count(t, sizeof(t), jnum(fig, "threads_created", NULL)),
		fmt_count(p, sizeof(p), jnum(fig, "procs_created", NULL)));
	chart_hbars(r->f,
		    &(struct chart_hbars){ .title = title,
					   .unit = "switches per request",
					   .tick = svg_fmt_si,
					   .value = report_fmt_ratio,
					   .max = sc->switches_per_req,
					   .width = 360,
					   .label_w = 84 },
		    b, 2);
	fputs("</figure>\n", r->f);
}

static void runq(struct report *r, const json_t *e, int style)
{
	const char *title = "Run-queue latency";
	const json_t *p = probe(r->f, e, "sched", title);
	double counts[SLOTS], p99 = jnum(e, "figures", "runq_p99_us", NULL);
	char lbl[48], v[32];

	if (!p)
		return;
	fputs("<figure class=\"fig\">", r->f);
	caption(r->f, title, "runnable to running · p99 %s", fmt_us(v, sizeof(v), p99));
	if (!json_object_get(p, "runq")) {
		fputs("<div class=\"nabox\">not measured: ", r->f);
		report_esc(r->f, jstr(p, "missing"));
		fputs("</div></figure>\n", r->f);
		return;
	}
	snprintf(lbl, sizeof(lbl), "p99 %s", v);
	chart_log2_hist(r->f,
			&(struct chart_hist){ .title = "run-queue latency (log2 buckets)",
					      .style = style,
					      .counts = counts,
					      .n = hist_counts(json_object_get(p, "runq"), counts),
					      .scale = 1e-3,
					      .fmt = fmt_us,
					      .xunit = "time waiting for a CPU",
					      .yunit = "wake-ups",
					      .mark = { { NAN, NULL }, { p99, lbl } } });
	fputs("</figure>\n", r->f);
}

static int by_count_desc(const void *a, const void *b)
{
	double x = jnum(*(const json_t *const *)a, "count", NULL);
	double y = jnum(*(const json_t *const *)b, "count", NULL);

	return x < y ? 1 : x > y ? -1 : 0;
}

#define SYS_BARS 8

static void syscalls(struct report *r, const json_t *e, int style, const struct report_scales *sc)
{
	const char *title = "Syscalls per request";
	const json_t *p = probe(r->f, e, "syscalls", title), *list, *sorted[256];
	double req = jnum(e, "load", "requests", NULL), other = 0;
	struct chart_bar b[SYS_BARS] = { 0 };
	char tips[SYS_BARS][160], t[32], u[32], lbl[32];
	size_t n = 0, i;
	int nb = 0;
	const json_t *x;

	if (!p || !answered(r->f, e, title))
		return;
	list = json_object_get(p, "syscalls");
	json_array_foreach(list, i, x) {
		if (n < 256)
			sorted[n++] = x;
	}
	qsort(sorted, n, sizeof(sorted[0]), by_count_desc);
	for (i = 0; i < n; i++) {
		double cnt = jnum(sorted[i], "count", NULL), ns = jnum(sorted[i], "total_ns", NULL);

		if (nb == SYS_BARS - 1 && n > SYS_BARS) {
			other += cnt;
			continue;
		}
		snprintf(tips[nb], sizeof(tips[nb]), "%s: %s calls, %s each on average",
			 jstr(sorted[i], "name"), fmt_count(t, sizeof(t), cnt),
			 fmt_us(u, sizeof(u), cnt > 0 ? ns / cnt / 1e3 : NAN));
		b[nb] = (struct chart_bar){ .label = jstr(sorted[i], "name"),
					    .style = style,
					    .seg = { cnt / req },
					    .tip = tips[nb] };
		nb++;
	}
	if (other > 0) {
		snprintf(lbl, sizeof(lbl), "%zu others", n - (SYS_BARS - 1));
		b[nb++] = (struct chart_bar){
			.label = lbl, .style = style, .hatch = true, .seg = { other / req }
		};
	}
	fputs("<figure class=\"fig\">", r->f);
	caption(r->f, title, "%s in all, by calls",
		fmt_count(t, sizeof(t), jnum(p, "calls", NULL) / req));
	if (!nb)
		fputs("<div class=\"nabox\">no syscalls seen</div>", r->f);
	else
		chart_hbars(r->f,
			    &(struct chart_hbars){ .title = title,
						   .unit = "calls per request",
						   .tick = svg_fmt_si,
						   .value = report_fmt_ratio,
						   .max = sc->syscalls_per_req,
						   .width = 360,
						   .label_w = 108 },
			    b, nb);
	fputs("</figure>\n", r->f);
}

static void uring(struct report *r, const json_t *e, int style)
{
	const json_t *p = jget(e, "probes", "io_uring", NULL), *ops = json_object_get(p, "ops"), *o;
	double req = jnum(e, "load", "requests", NULL);
	struct chart_bar b[CHART_SEGS] = { 0 };
	char tips[CHART_SEGS][160], t[3][32];
	const char *name;
	int n = 0;

	if (!json_object_size(ops) || json_is_false(json_object_get(p, "available")))
		return; /* only where the model uses io_uring */
	if (!answered(r->f, e, "io_uring completions per request"))
		return;
	json_object_foreach((json_t *)ops, name, o) {
		if (n == CHART_SEGS)
			break;
		snprintf(tips[n], sizeof(tips[n]),
			 "%s: %s submitted, %s completed, %s punted to io-wq", name,
			 fmt_count(t[0], 32, jnum(o, "submitted", NULL)),
			 fmt_count(t[1], 32, jnum(o, "completed", NULL)),
			 fmt_count(t[2], 32, jnum(o, "punted", NULL)));
		b[n] = (struct chart_bar){ .label = name,
					   .style = style,
					   .seg = { jnum(o, "completed", NULL) / req },
					   .tip = tips[n] };
		n++;
	}
	fputs("<figure class=\"fig\">", r->f);
	caption(r->f, "io_uring completions per request", "%s punted to io-wq · %s CQ waits",
		fmt_count(t[0], 32, jnum(p, "punted", NULL)),
		fmt_count(t[1], 32, jnum(p, "cq_waits", NULL)));
	chart_hbars(r->f,
		    &(struct chart_hbars){ .title = "io_uring completions per request by opcode",
					   .unit = "completions per request",
					   .tick = svg_fmt_si,
					   .value = report_fmt_ratio,
					   .width = 360,
					   .label_w = 108 },
		    b, n);
	fputs("</figure>\n", r->f);
}

/* ---------------------------------------------------------------- text */

static void evidence_value(char *buf, size_t len, const char *name, double v)
{
	size_t n = strlen(name);

	if (n > 3 && !strcmp(name + n - 3, "_us"))
		fmt_us(buf, len, v);
	else if (strstr(name, "share") || strstr(name, "busy"))
		fmt_pct(buf, len, v);
	else
		report_fmt_ratio(buf, len, v);
}

/* What it is, as the trace summary says it, from the kernel's figures. */
static void traits(FILE *f, const struct inferred_traits *t)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);

	if (!m)
		return;
	print_traits(m, t);
	if (!fclose(m) && len) {
		text[len - 1] = '\0'; /* its newline */
		fputs("<p class=\"traits\">", f);
		report_esc(f, text);
		fputs("</p>\n", f);
	}
	free(text);
}

/* Each client error beside its kernel cause, as MODEL.txt has them. */
static void errors_table(FILE *f, const struct explanation *why)
{
	if (!why->nerrors)
		return;
	fputs("<h4>Errors, and what the kernel did</h4>\n<table class=\"errors\"><thead><tr>"
	      "<th>client error</th><th>count</th><th>kernel cause</th><th>kernel count</th>"
	      "</tr></thead><tbody>\n",
	      f);
	for (int i = 0; i < why->nerrors; i++) {
		const struct error_row *x = &why->errors[i];

		fputs("<tr data-client=\"", f);
		report_esc(f, x->client);
		fputs("\" data-event=\"", f);
		report_esc(f, x->event);
		fputs("\"><td>", f);
		report_esc(f, x->client[0] ? x->client : "(none)");
		fputs("</td><td class=\"num\" data-v=\"", f);
		report_num_attr(f, x->count);
		fputs("\">", f);
		if (!isnan(x->count))
			fprintf(f, "%.0f", x->count);
		fputs("</td><td>", f);
		report_esc(f, x->cause);
		fputs("</td><td class=\"num\" data-v=\"", f);
		report_num_attr(f, x->events);
		fputs("\">", f);
		if (!isnan(x->events))
			fprintf(f, "%.0f", x->events);
		fputs("</td></tr>\n", f);
	}
	fputs("</tbody></table>\n", f);
}

/* The findings recorded for it (explained on reading for an older results.json). */
static void findings(struct report *r, const struct explanation *why)
{
	FILE *f = r->f;
	char buf[48];

	fputs("<aside class=\"why\"><h4>Why</h4>\n<p class=\"verdict\"><b>Limited by</b> ", f);
	report_esc(f, why->verdict.why.text);
	fputs("</p>\n", f);
	traits(f, &why->traits);
	if (!why->nfindings)
		fputs("<p>No rule found a cause in the figures measured.</p>\n", f);
	fputs("<ol>\n", f);
	for (int i = 0; i < why->nfindings; i++) {
		const struct finding *x = &why->findings[i];

		fprintf(f, "<li><span class=\"badge %s\">",
			!strcmp(x->confidence, "high") ? "high" : "medium");
		report_esc(f, x->confidence);
		fputs("</span><span class=\"rule\">", f);
		report_esc(f, x->rule);
		fputs("</span><p>", f);
		report_esc(f, x->text);
		fputs("</p><dl class=\"ev\">", f);
		for (int k = 0; k < x->nevidence; k++) {
			fputs("<dt>", f);
			report_esc(f, x->ev[k].name);
			fputs("</dt><dd data-v=\"", f);
			report_num_attr(f, x->ev[k].value);
			fputs("\">", f);
			evidence_value(buf, sizeof(buf), x->ev[k].name, x->ev[k].value);
			report_esc(f, buf);
			fputs("</dd>", f);
		}
		fputs("</dl></li>\n", f);
	}
	fputs("</ol>\n", f);
	errors_table(f, why);
	fputs("</aside>\n", f);
}

static void kpi(FILE *f, const char *label, const char *key, double v,
		char *(*fmt)(char *, size_t, double))
{
	char buf[48];

	fprintf(f, "<div>%s<b data-key=\"%s\" data-v=\"", label, key);
	report_num_attr(f, v);
	fputs("\">", f);
	report_esc(f, fmt(buf, sizeof(buf), v));
	fputs("</b></div>", f);
}

static void server_line(FILE *f, const json_t *e)
{
	const json_t *argv = jget(e, "server", "argv", NULL), *a;
	const char *err = jstr(json_object_get(e, "server"), "stderr");
	size_t i;

	fputs("<div class=\"what\">", f);
	json_array_foreach(argv, i, a) {
		const char *s = json_string_value(a) ?: "", *slash = strrchr(s, '/');

		if (i)
			fputc(' ', f);
		report_esc(f, i == 0 && slash ? slash + 1 : s);
	}
	fprintf(f, " · server on CPU%s ",
		json_array_size(jget(e, "server", "cpus", NULL)) > 1 ? "s" : "");
	json_array_foreach(jget(e, "server", "cpus", NULL), i, a) {
		fprintf(f, "%s%lld", i ? "," : "", json_integer_value(a));
	}
	fputs(", load on ", f);
	json_array_foreach(jget(e, "load_placement", "cpus", NULL), i, a) {
		fprintf(f, "%s%lld", i ? "," : "", json_integer_value(a));
	}
	fprintf(f, " · exit status %lld",
		json_integer_value(jget(e, "server", "exit_status", NULL)));
	if (err[0]) {
		fputs(" · it said: <q>", f);
		report_esc(f, err);
		fputs("</q>", f);
	}
	fputs("</div>\n", f);
}

/* The user's load tool (--load-cmd): what ran, and its figures beside the
 * server's count, as the trace summary has them. */
static void tool_line(FILE *f, const json_t *e)
{
	const json_t *t = json_object_get(e, "load_tool"), *rep = json_object_get(t, "report");
	char a[32], b[32], c[32];

	if (!json_is_true(json_object_get(t, "ran")))
		return;
	fputs("<div class=\"what\">load tool: ", f);
	report_esc(f, jstr(t, "command"));
	fputs(" · as ", f);
	report_esc(f, jstr(t, "user"));
	fprintf(f, " · started up in %s, then loaded %s · its CPU %s",
		fmt_us(a, 32, jnum(t, "startup_s", NULL) * 1e6),
		fmt_us(b, 32, jnum(t, "window_s", NULL) * 1e6),
		fmt_us(c, 32, jnum(t, "cpu_us", NULL)));
	if (jstr(rep, "source")[0]) {
		fputs(" · its own report (", f);
		report_esc(f, jstr(rep, "source"));
		fprintf(f, "): %s requests, %s/s over its own time",
			fmt_count(a, 32, jnum(rep, "requests", NULL)),
			fmt_rps(b, 32, jnum(rep, "rps", NULL)));
	}
	fprintf(f, " · the server sent %s responses</div>\n",
		fmt_count(a, 32, jnum(t, "server_responses", NULL)));
}

void report_experiment(struct report *r, const json_t *e, const struct explanation *why,
		       const struct report_scales *sc)
{
	const char *model = jstr(e, "model"), *scen = jstr(e, "scenario");
	const json_t *fig = json_object_get(e, "figures");
	int style = report_style(r, model);
	double req = jnum(fig, "requests", NULL);
	FILE *f = r->f;

	fputs("<article class=\"exp\" id=\"", f);
	report_id(f, "exp-", scen, model);
	fputs("\" data-model=\"", f);
	report_esc(f, model);
	fputs("\" data-scenario=\"", f);
	report_esc(f, scen);
	fprintf(f,
		"\">\n<div class=\"exp-head\"><h3><span class=\"sw\" style=\"background:%s\"></span>",
		svg_styles[style].color);
	report_esc(f, model);
	fputs("<small>", f);
	report_esc(f, scen);
	fputs("</small></h3><div class=\"kpi\">", f);
	kpi(f, "requests/s", "rps", jnum(fig, "rps", NULL), fmt_rps);
	/* no answer, no latency */
	kpi(f, "p50", "p50_us", jnum(fig, "p50_us", NULL), req > 0 ? fmt_us : fmt_none);
	kpi(f, "p99", "p99_us", jnum(fig, "p99_us", NULL), req > 0 ? fmt_us : fmt_none);
	kpi(f, "errors", "errors", jnum(fig, "errors", NULL), report_fmt_ratio);
	kpi(f, "CPU per request", "cpu_us_per_request",
	    req > 0 ? jnum(fig, "cpu_us", NULL) / req : NAN, fmt_us);
	fputs("</div></div>\n", f);
	server_line(f, e);
	tool_line(f, e);
	fputs("<div class=\"exp-body\"><div class=\"charts\">\n", f);
	time_series(r, e, style, sc);
	accept_queue(r, e, style);
	switches(r, e, style, sc);
	runq(r, e, style);
	syscalls(r, e, style, sc);
	uring(r, e, style);
	fputs("</div>\n", f);
	findings(r, why);
	fputs("</div></article>\n", f);
}
