// SPDX-License-Identifier: MIT
/*
 * report.html, written by `harness run` beside results.json and again by
 * `harness report DIR --html`: self-contained and escaped, a section for
 * every model and scenario, numbers equal to results.json's; then opened in
 * headless Chromium: it parses, logs nothing to the console, makes no
 * request, and its screenshot is not blank. From a fixture whose fork
 * experiment had every probe unavailable, and from a quick real run.
 */
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/png.h"
#include "tests/lib/results.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE_MAX (1 << 20) /* the issue's budget: light enough to mail */
#define OUT_MAX	 (8 << 20) /* Chromium's DOM dump and log */

static const char *harness(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/harness", test_bin_dir());
	return path;
}

static const char *fixture(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/../tests/fixtures/results-unavailable.json",
		 test_bin_dir());
	return path;
}

static bool temp_dir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/whyserve-report-XXXXXX");
	return CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 4096 + 1 > cap) {
			char *b = realloc(buf, cap = 2 * cap + 8192);

			if (!b) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = b;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static bool copy_fixture(const char *dir)
{
	char path[512], *text = slurp(fixture(), NULL);
	FILE *f;
	bool ok;

	if (!CHECK(text, "cannot read %s", fixture()))
		return false;
	snprintf(path, sizeof(path), "%s/results.json", dir);
	f = fopen(path, "w");
	ok = CHECK(f && fputs(text, f) >= 0 && fclose(f) == 0, "cannot write %s", path);
	free(text);
	return ok;
}

/* ---------------------------------------------------------------- the page's text */

/* The element with this id: from its id attribute to the end tag given. */
static bool element(const char *html, const char *id, const char *end_tag, const char **from,
		    const char **to)
{
	char attr[160];

	snprintf(attr, sizeof(attr), "id=\"%s\"", id);
	*from = strstr(html, attr);
	if (!*from)
		return false;
	*to = strstr(*from, end_tag);
	if (!*to)
		*to = *from + strlen(*from);
	return true;
}

/* The number in data-v after data-key="key", between from and to. */
static double data_v(const char *from, const char *to, const char *key)
{
	char pat[96];
	const char *p;

	snprintf(pat, sizeof(pat), "data-key=\"%s\" data-v=\"", key);
	p = strstr(from, pat);
	if (!p || p >= to)
		return NAN;
	return strtod(p + strlen(pat), NULL);
}

static bool same(double page, double json)
{
	return page == json || fabs(page - json) <= 1e-9 * fabs(json);
}

static double fig(const json_t *e, const char *key)
{
	return json_num(json_object_get(e, "figures"), key);
}

static bool matches(const char *re, const char *text)
{
	regex_t rx;
	bool hit;

	if (regcomp(&rx, re, REG_EXTENDED | REG_ICASE | REG_NOSUB))
		return true; /* a broken pattern must not pass for a clean page */
	hit = regexec(&rx, text, 0, NULL, 0) == 0;
	regfree(&rx);
	return hit;
}

/*
 * What every page must be, whatever the results: small, no script, nothing
 * that could be fetched, a section for every scenario and experiment, and
 * in each experiment's section and its table row the numbers of
 * results.json.
 */
static bool check_page(const char *html, size_t len, const json_t *results)
{
	/* src= or href= (and the like) with a scheme, or protocol-relative */
	static const char outside[] = "(src|href|action|poster|data)[[:space:]]*=[[:space:]]*"
				      "[\"']?[[:space:]]*([a-z][a-z0-9+.-]*:|//)";
	const json_t *exps = json_object_get(results, "experiments"), *e;
	size_t i;

	if (!CHECK(len > 1000 && len < PAGE_MAX, "report.html is %zu bytes", len) ||
	    !CHECK(!matches("<script", html), "the page has a script") ||
	    !CHECK(!matches(outside, html),
		   "the page refers to something outside it (src/href with a scheme)") ||
	    !CHECK(!matches("url\\([[:space:]]*[\"']?[[:space:]]*[^#\"' )]", html),
		   "the page has a url() that is not a fragment") ||
	    !CHECK(!matches("@import|<link|<iframe|<object|<embed|<img", html),
		   "the page loads another resource") ||
	    !CHECK(json_array_size(exps) > 0, "results.json has no experiments"))
		return false;
	json_array_foreach(exps, i, e) {
		const char *m = json_string_value(json_object_get(e, "model"));
		const char *s = json_string_value(json_object_get(e, "scenario"));
		const char *from, *to, *row;
		char id[128];
		double req = fig(e, "requests");

		snprintf(id, sizeof(id), "scenario-%s", s);
		if (!CHECK(element(html, id, "</section>", &from, &to), "no section %s", id))
			return false;
		snprintf(id, sizeof(id), "<tr data-model=\"%s\">", m);
		row = strstr(from, id);
		if (!CHECK(row && row < to, "no row for %s in the %s table", m, s))
			return false;
		to = strstr(row, "</tr>");
		if (!CHECK(same(data_v(row, to, "requests"), req),
			   "%s %s: requests %g in the "
			   "table, %g in results.json",
			   m, s, data_v(row, to, "requests"), req) ||
		    !CHECK(same(data_v(row, to, "rps"), fig(e, "rps")), "%s %s: req/s differ", m,
			   s) ||
		    !CHECK(same(data_v(row, to, "p99_us"), fig(e, "p99_us")), "%s %s: p99 differs",
			   m, s) ||
		    !CHECK(same(data_v(row, to, "max_us"), fig(e, "max_us")), "%s %s: max differs",
			   m, s) ||
		    !CHECK(same(data_v(row, to, "errors"), fig(e, "errors")),
			   "%s %s: errors differ", m, s) ||
		    !CHECK(fabs(data_v(row, to, "cpu_us") - fig(e, "cpu_us") / req) <=
				   1e-6 * fig(e, "cpu_us") / req,
			   "%s %s: CPU per request %g in the table, %g from results.json", m, s,
			   data_v(row, to, "cpu_us"), fig(e, "cpu_us") / req))
			return false;

		snprintf(id, sizeof(id), "exp-%s-%s", s, m);
		if (!CHECK(element(html, id, "</article>", &from, &to), "no section %s", id) ||
		    !CHECK(same(data_v(from, to, "rps"), fig(e, "rps")), "%s: req/s differ", id) ||
		    !CHECK(same(data_v(from, to, "p50_us"), fig(e, "p50_us")), "%s: p50 differs",
			   id) ||
		    !CHECK(same(data_v(from, to, "p99_us"), fig(e, "p99_us")), "%s: p99 differs",
			   id))
			return false;
	}
	return true;
}

/* The page harness wrote into dir, checked; its text into *html. */
static bool check_page_in(const char *dir, char **html, json_t **results)
{
	char path[512];
	json_error_t jerr;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/results.json", dir);
	*results = json_load_file(path, 0, &jerr);
	if (!CHECK(*results, "%s: %s", path, jerr.text))
		return false;
	snprintf(path, sizeof(path), "%s/report.html", dir);
	*html = slurp(path, &len);
	return CHECK(*html, "no %s", path) && check_page(*html, len, *results);
}

/* ---------------------------------------------------------------- in Chromium */

struct view {
	char *out;    /* the DOM as Chromium parsed it, and its log */
	int console;  /* messages on the page's console */
	int requests; /* requests the page made */
	unsigned int colours;
	double top_share; /* of the screenshot's pixels, by its commonest colour */
};

/* Requests in Chromium's NetLog made by the page (its origin is file://),
 * not by the browser itself. */
static int page_requests(const char *netlog)
{
	json_t *log = json_load_file(netlog, 0, NULL), *e;
	json_int_t start;
	size_t i;
	int n = 0;

	if (!log)
		return -1;
	start = json_integer_value(
		json_object_get(json_object_get(json_object_get(log, "constants"), "logEventTypes"),
				"URL_REQUEST_START_JOB"));
	json_array_foreach(json_object_get(log, "events"), i, e) {
		const json_t *p = json_object_get(e, "params");
		const char *nik = json_string_value(json_object_get(p, "network_isolation_key"));
		const char *site = json_string_value(json_object_get(p, "site_for_cookies"));

		if (json_integer_value(json_object_get(e, "type")) == start &&
		    ((nik && strstr(nik, "file://")) || (site && strstr(site, "file://"))))
			n++;
	}
	json_decref(log);
	return start ? n : -1;
}

static bool browse(const char *page, const char *dir, struct view *v)
{
	char profile[512], shot[512], netlog[512], url[600], *line;
	struct png_image img;
	int status, err;

	memset(v, 0, sizeof(*v));
	if (!cmd_exists("chromium"))
		test_skip("chromium is not installed (scripts/install-deps --tests installs it)");
	snprintf(profile, sizeof(profile), "--user-data-dir=%s/profile", dir);
	snprintf(shot, sizeof(shot), "--screenshot=%s/shot.png", dir);
	snprintf(netlog, sizeof(netlog), "--log-net-log=%s/net.json", dir);
	snprintf(url, sizeof(url), "file://%s", page);
	const char *const argv[] = {
		"chromium",
		"--headless",
		"--no-sandbox",
		"--disable-gpu",
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--no-first-run",
		"--disable-quic",
		profile,
		"--enable-logging=stderr",
		"--v=0",
		netlog,
		"--hide-scrollbars",
		"--window-size=1200,3000",
		shot,
		"--dump-dom",
		url,
		NULL,
	};

	v->out = malloc(OUT_MAX);
	if (!CHECK(v->out, "out of memory"))
		return false;
	status = cmd_run(v->out, OUT_MAX, 120, argv);
	if (!CHECK(status == 0, "chromium exited with %d:\n%.2000s", status, v->out))
		return false;
	for (line = v->out; (line = strstr(line, ":CONSOLE")); line++)
		v->console++;
	snprintf(netlog, sizeof(netlog), "%s/net.json", dir);
	v->requests = page_requests(netlog);
	snprintf(shot, sizeof(shot), "%s/shot.png", dir);
	err = png_load(shot, &img);
	if (!CHECK(err == 0, "screenshot %s: %s", shot, strerror(-err)))
		return false;
	v->colours = png_colours(&img, 1000, &v->top_share);
	png_free(&img);
	return CHECK(v->requests >= 0, "no NetLog from chromium in %s", netlog);
}

/* Console messages, requests, the DOM's sections, a screenshot with content. */
static bool check_in_browser(const char *page, const char *dir, const json_t *results)
{
	const json_t *e;
	struct view v;
	size_t i;
	bool ok;
	const char *console;

	ok = browse(page, dir, &v);
	console = v.out ? strstr(v.out, ":CONSOLE") : NULL;
	ok = ok &&
	     CHECK(!v.console, "%d console message(s), the first: %.300s", v.console, console) &&
	     CHECK(!v.requests, "the page made %d request(s)", v.requests) &&
	     CHECK(v.colours >= 16 && v.top_share < 0.9,
		   "the screenshot looks blank: %u colours, the commonest on %.0f%% of it",
		   v.colours, 100 * v.top_share);
	json_array_foreach(json_object_get(results, "experiments"), i, e) {
		char id[160];

		snprintf(id, sizeof(id), "id=\"exp-%s-%s\"",
			 json_string_value(json_object_get(e, "scenario")),
			 json_string_value(json_object_get(e, "model")));
		ok = ok && CHECK(strstr(v.out, id), "Chromium's DOM has no %s", id);
	}
	free(v.out);
	return ok;
}

/* ---------------------------------------------------------------- cases */

static void report_cli(void)
{
	char out[65536], dir[64] = "";
	int st;

	st = cmd_run(out, sizeof(out), 20, (const char *const[]){ harness(), "report", NULL });
	if (!CHECK(st == 2, "no DIR: exit %d, want 2: %s", st, out))
		return;
	st = cmd_run(out, sizeof(out), 20,
		     (const char *const[]){ harness(), "report", "/nonexistent-whyserve", NULL });
	if (!CHECK(st == 1 && strstr(out, "results.json"), "no results: exit %d: %s", st, out) ||
	    !temp_dir(dir, sizeof(dir)) || !copy_fixture(dir))
		goto out;
	/* without --html: the comparison and the explanation, as after the run */
	st = cmd_run(out, sizeof(out), 20, (const char *const[]){ harness(), "report", dir, NULL });
	CHECK(st == 0 && strstr(out, "throughput") && strstr(out, "fork") && strstr(out, "epoll") &&
		      strstr(out, "ranking"),
	      "harness report DIR: exit %d:\n%s", st, out);
out:
	rm_rf(dir);
}

static void fixture_page(void)
{
	char dir[64] = "", out[4096], *html = NULL;
	json_t *results = NULL;
	const char *from, *to;
	int st;

	if (!temp_dir(dir, sizeof(dir)) || !copy_fixture(dir))
		goto out;
	st = cmd_run(out, sizeof(out), 30,
		     (const char *const[]){ harness(), "report", dir, "--html", NULL });
	if (!CHECK(st == 0, "harness report --html: exit %d: %s", st, out) ||
	    !check_page_in(dir, &html, &results))
		goto out;
	/* strings from results.json are escaped, never markup */
	if (!CHECK(strstr(html, "fixture &lt;host&gt; &amp; &quot;co&quot;") &&
			   !strstr(html, "<host>"),
		   "the host name is not escaped") ||
	    !CHECK(strstr(html, "&lt;not in this kernel&gt;") && strstr(html, "&lt;warning&gt;") &&
			   !strstr(html, "<warning>"),
		   "a reason or the server's stderr is not escaped"))
		goto out;
	/* the header says which probes were missing and why; fork's section too */
	if (!CHECK(strstr(html, "unavailable</b> in 1 of 2 experiments"),
		   "the header does not count the unavailable probes") ||
	    !CHECK(element(html, "exp-throughput-fork", "</article>", &from, &to),
		   "no fork section"))
		goto out;
	for (const char *const *p =
		     (const char *const[]){ "syscalls", "sched", "accept_queue", NULL };
	     *p; p++) {
		char want[64];
		const char *hit;

		snprintf(want, sizeof(want), "%s probe unavailable", *p);
		hit = strstr(from, want);
		if (!CHECK(hit && hit < to, "fork's section does not say '%s'", want))
			goto out;
	}
	/* errors by kind, with the fixture's counts */
	CHECK(strstr(html, "broken_pipe") && strstr(html, "HTTP 503") &&
		      strstr(html, "fork, broken_pipe: 12"),
	      "the errors chart lacks the fixture's broken pipes or 503s");
out:
	free(html);
	json_decref(results);
	rm_rf(dir);
}

/* The detector itself: a page that logs and fetches must be caught. */
static void chromium_catches_offenders(void)
{
	char dir[64] = "", page[128];
	struct view v = { 0 };
	FILE *f;

	if (!temp_dir(dir, sizeof(dir)))
		return;
	snprintf(page, sizeof(page), "%s/bad.html", dir);
	f = fopen(page, "w");
	if (!CHECK(f, "cannot write %s", page))
		goto out;
	fputs("<!DOCTYPE html><html><body><p>bad</p><img src=\"http://192.0.2.1/x.png\">"
	      "<script>console.error('whyserve-test');</script></body></html>\n",
	      f);
	fclose(f);
	if (browse(page, dir, &v))
		CHECK(v.console > 0 && v.requests > 0,
		      "a page that logs and fetches went unnoticed: %d console, %d requests",
		      v.console, v.requests);
out:
	free(v.out);
	rm_rf(dir);
}

static void fixture_in_chromium(void)
{
	char dir[64] = "", out[4096], page[128];
	json_t *results = NULL;
	int st;

	if (!temp_dir(dir, sizeof(dir)) || !copy_fixture(dir))
		goto out;
	st = cmd_run(out, sizeof(out), 30,
		     (const char *const[]){ harness(), "report", dir, "--html", NULL });
	if (!CHECK(st == 0, "harness report --html: exit %d: %s", st, out))
		goto out;
	results = json_load_file(fixture(), 0, NULL);
	snprintf(page, sizeof(page), "%s/report.html", dir);
	check_in_browser(page, dir, results);
out:
	json_decref(results);
	rm_rf(dir);
}

/* harness run ARGS... --quick --out DIR (a new temporary DIR), its page
 * checked and read; false after a failed CHECK. */
static bool run_page(const char *const args[], char *dir, size_t len, char **html, json_t **results)
{
	const char *argv[24] = { harness(), "run", "--quick" };
	char out[1 << 16];
	int n = 3, st;

	test_require_root();
	if (!temp_dir(dir, len))
		return false;
	for (int i = 0; args[i] && n < 20; i++)
		argv[n++] = args[i];
	argv[n++] = "--out";
	argv[n++] = dir;
	argv[n] = NULL;
	st = cmd_run(out, sizeof(out), 120, argv);
	return CHECK(st == 0, "harness run: exit %d:\n%.3000s", st, out) &&
	       check_page_in(dir, html, results);
}

/* harness run writes report.html itself, from the run it just made. */
static void real_run_page(void)
{
	const char *args[] = { "epoll", "blocking", "-s", "throughput", NULL };
	char dir[64] = "", page[128], *html = NULL;
	json_t *results = NULL;

	if (!run_page(args, dir, sizeof(dir), &html, &results))
		goto out;
	/* the accounts, and what epoll's leaves out: its main thread's wait for SIGTERM */
	CHECK(strstr(html, "Where each request&#39;s CPU time goes") ||
		      strstr(html, "Where each request's CPU time goes"),
	      "no CPU account on the page");
	CHECK(strstr(html, "<p class=\"note\"><b>epoll</b>: 1 task(s) blocked throughout, serving "
			   "nothing, left out</p>"),
	      "epoll's idle main thread not said under its time account");
	/* what each is, from the kernel's figures, in its Why */
	CHECK(strstr(html,
		     "<p class=\"traits\">what it is, from the kernel&#39;s figures: an event "
		     "loop (") &&
		      strstr(html, "<p class=\"traits\">what it is, from the kernel&#39;s figures: "
				   "serial ("),
	      "epoll's or blocking's traits not on the page");
	snprintf(page, sizeof(page), "%s/report.html", dir);
	check_in_browser(page, dir, results);
out:
	free(html);
	json_decref(results);
	rm_rf(dir);
}

/* The sweeps' charts, each with every model, in the page and in Chromium. */
static void sweep_charts_page(void)
{
	static const char *const charts[] = { "ramp-latency", "ramp-achieved", "conns-rps",
					      "conns-p99", "conns-memory" };
	static const char *const models[] = { "epoll", "pthread" };
	const char *args[] = { "epoll",		"pthread",  "-s", "ramp,conns",
			       "--conns-steps", "1,10,100", NULL };
	char dir[64] = "", page[128], *html = NULL;
	json_t *results = NULL;

	if (!run_page(args, dir, sizeof(dir), &html, &results))
		goto out;
	for (size_t c = 0; c < sizeof(charts) / sizeof(charts[0]); c++) {
		char attr[64];
		const char *from, *to;

		snprintf(attr, sizeof(attr), "data-chart=\"%s\"", charts[c]);
		from = strstr(html, attr);
		to = from ? strstr(from, "</figure>") : NULL;
		if (!CHECK(from && to, "no %s chart", charts[c]))
			continue;
		for (size_t m = 0; m < 2; m++) {
			char name[32];
			const char *hit;

			snprintf(name, sizeof(name), ">%s<", models[m]);
			hit = strstr(from, name);
			CHECK(hit && hit < to, "%s chart without %s", charts[c], models[m]);
		}
	}
	/* each knee the ramp kept up to, marked */
	for (size_t m = 0; m < 2; m++) {
		json_t *knee =
			json_object_get(results_experiment(results, models[m], "ramp"), "knee");
		char mark[32];

		snprintf(mark, sizeof(mark), ">%s knee<", models[m]);
		CHECK(!(json_num(knee, "step") >= 0) || strstr(html, mark), "%s's knee not marked",
		      models[m]);
	}
	snprintf(page, sizeof(page), "%s/report.html", dir);
	check_in_browser(page, dir, results);
out:
	free(html);
	json_decref(results);
	rm_rf(dir);
}

static const struct test_case cases[] = {
	TEST(report_cli),
	TEST(fixture_page),
	TEST_SLOW(chromium_catches_offenders, 150),
	TEST_SLOW(fixture_in_chromium, 150),
	TEST_SLOW(real_run_page, 240),
	TEST_SLOW(sweep_charts_page, 240),
};

TEST_MAIN(cases)
