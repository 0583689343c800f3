// SPDX-License-Identifier: MIT
/*
 * `harness report DIR` in text: every experiment's trace summary printed
 * again from results.json alone, byte for byte as `harness run` printed it,
 * then the comparison and the explanation; and every part of a record read
 * back (NAME_stats_from_json, load_result_from_json, probes_from_json) and
 * written again unchanged. From quick real runs, and from the fixture.
 */
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"

#include "harness/load/load.h"
#include "probes/probes.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- helpers */

static const char *harness(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/harness", test_bin_dir());
	return path;
}

static bool temp_dir(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/whyserve-report-text-XXXXXX");
	return CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[8192];
	size_t n;

	if (!f || !m) {
		if (f)
			fclose(f);
		if (m)
			fclose(m);
		free(buf);
		return NULL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(f);
	fclose(m);
	return buf;
}

/* harness ARGS with its stdout (only) into file; its exit status */
static int harness_to(const char *file, char *out, size_t len, int timeout_s,
		      const char *const args[])
{
	const char *argv[16] = { "sh", "-c", "f=$1; shift; exec \"$@\" >\"$f\"",
				 "sh", file, harness() };
	int n = 6;

	for (int i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return cmd_run(out, len, timeout_s, argv);
}

/* A quick run of two models under throughput into dir; its stdout (malloc'ed). */
static char *quick_run(const char *dir, const char *a, const char *b)
{
	char out[8192], file[256];
	int st;

	test_require_root();
	snprintf(file, sizeof(file), "%s/run.out", dir);
	st = harness_to(file, out, sizeof(out), 120,
			(const char *const[]){ "run", a, b, "--quick", "-s", "throughput", "--out",
					       dir, NULL });
	if (!CHECK(st == 0, "harness run %s %s: exit %d:\n%.3000s", a, b, st, out))
		return NULL;
	return slurp(file);
}

/* The line where a and b first differ, for the failure message. */
static int first_difference(const char *a, const char *b, const char **at)
{
	int line = 1;
	const char *start = a;

	for (; *a && *a == *b; a++, b++)
		if (*a == '\n') {
			line++;
			start = a + 1;
		}
	*at = start;
	return line;
}

/*
 * a and b equal: the same keys, strings, integers and booleans; reals to
 * 9 significant digits (results.json keeps 10: a figure computed again
 * from a rounded one, such as a rate, may differ in its last digit).
 */
static bool same_json(const json_t *a, const json_t *b, char *path, size_t len)
{
	size_t at = strlen(path), i;
	const char *key;
	json_t *v;

	if (json_is_real(a) || json_is_real(b)) {
		double x = json_number_value(a), y = json_number_value(b);

		return json_is_number(a) && json_is_number(b) &&
		       fabs(x - y) <= 1e-9 * fmax(fabs(x), fabs(y));
	}
	if (json_typeof(a) != json_typeof(b))
		return false;
	if (json_is_object(a)) {
		if (json_object_size(a) != json_object_size(b))
			return false;
		json_object_foreach((json_t *)a, key, v) {
			snprintf(path + at, len - at, ".%s", key);
			if (!json_object_get(b, key) ||
			    !same_json(v, json_object_get(b, key), path, len))
				return false;
		}
	} else if (json_is_array(a)) {
		if (json_array_size(a) != json_array_size(b))
			return false;
		json_array_foreach(a, i, v) {
			snprintf(path + at, len - at, "[%zu]", i);
			if (!same_json(v, json_array_get(b, i), path, len))
				return false;
		}
	} else if (!json_equal((json_t *)a, (json_t *)b)) {
		return false;
	}
	path[at] = '\0';
	return true;
}

static bool check_same_json(const json_t *was, json_t *again, const char *what)
{
	char path[256] = "";
	bool ok = again && same_json(was, again, path, sizeof(path));

	CHECK(ok, "%s: to_json(from_json(x)) differs from x at '%s'", what, path);
	json_decref(again);
	return ok;
}

/* ---------------------------------------------------------------- cases */

/*
 * The report prints what the run printed, byte for byte: every trace
 * summary, the comparison, the ranking and the explanation. The one line
 * it leaves out is the run's last, "results: DIR/ (...)", printed after the
 * files were written. Each summary is also the one in its MODEL.txt.
 */
static void reprints(const char *a, const char *b, const char *const models[])
{
	char dir[64] = "", out[4096], file[256];
	char *run = NULL, *report = NULL, *txt = NULL, *tail;
	const char *at;
	int st, line;

	if (!temp_dir(dir, sizeof(dir)))
		return;
	run = quick_run(dir, a, b);
	if (!run)
		goto out;
	tail = strstr(run, "\nresults: ");
	if (!CHECK(tail && !strchr(tail + 1, '\n')[1],
		   "the run's output does not end with "
		   "its results line:\n%.3000s",
		   run))
		goto out;
	*tail = '\0'; /* the empty line before it is the run's own too */
	snprintf(file, sizeof(file), "%s/report.out", dir);
	st = harness_to(file, out, sizeof(out), 30, (const char *const[]){ "report", dir, NULL });
	report = slurp(file);
	if (!CHECK(st == 0 && report && !out[0], "harness report: exit %d: %s", st, out))
		goto out;
	line = first_difference(run, report, &at);
	if (!CHECK(!strcmp(run, report),
		   "the report differs from the run at line %d: the run printed\n%.300s\n"
		   "the report\n%.300s",
		   line, at, report + (at - run)))
		goto out;
	for (const char *const *m = models; *m; m++) {
		char head[64];

		snprintf(file, sizeof(file), "%s/%s.txt", dir, *m);
		snprintf(head, sizeof(head), "==== %s · throughput ====\n", *m);
		free(txt);
		txt = slurp(file);
		if (!CHECK(txt && !strncmp(txt, head, strlen(head)) && strstr(report, txt),
			   "%s's trace summary (%s) is not in the report", *m, file))
			goto out;
	}
out:
	free(run);
	free(report);
	free(txt);
	rm_rf(dir);
}

static void report_reprints_run(void)
{
	reprints("epoll", "blocking", (const char *const[]){ "epoll", "blocking", NULL });
}

/* A server of the user's too: its model read back from the record's options. */
static void report_reprints_custom_server(void)
{
	char arg[600];

	snprintf(arg, sizeof(arg),
		 "--server=mine=%s/server-epoll --host {host} --port {port} --workers 1",
		 test_bin_dir());
	reprints("epoll", arg, (const char *const[]){ "epoll", "mine", NULL });
}

/*
 * Each part of a real record read back and written again is unchanged:
 * the load result, each probe's stats, and the probes together. io_uring
 * for its opcodes, blocking for a full accept queue.
 */
static void record_round_trip(void)
{
	char dir[64] = "", path[256], what[96];
	json_t *results = NULL, *e;
	struct probes_stats *s = calloc(1, sizeof(*s));
	struct probes *ps = calloc(1, sizeof(*ps));
	char *run = NULL;
	bool seen[PROBE_KINDS] = {};
	size_t i;

	if (!CHECK(s && ps, "out of memory") || !temp_dir(dir, sizeof(dir)))
		goto out;
	run = quick_run(dir, "io_uring", "blocking");
	if (!run)
		goto out;
	snprintf(path, sizeof(path), "%s/results.json", dir);
	results = json_load_file(path, 0, NULL);
	if (!CHECK(json_array_size(json_object_get(results, "experiments")) == 2,
		   "%s does not hold two experiments", path))
		goto out;
	json_array_foreach(json_object_get(results, "experiments"), i, e) {
		const char *model = json_string_value(json_object_get(e, "model"));
		const json_t *probes = json_object_get(e, "probes"),
			     *load = json_object_get(e, "load");
		struct load_result r;
		int err;

		err = load_result_from_json(load, &r);
		snprintf(what, sizeof(what), "%s: load", model);
		if (!CHECK(!err, "%s: load_result_from_json: %s", model, strerror(-err)) ||
		    !CHECK(r.requests && r.latency.total == r.requests,
			   "%s: the latency histogram read back holds %llu of %llu requests", model,
			   (unsigned long long)r.latency.total, (unsigned long long)r.requests) ||
		    !check_same_json(load, load_result_to_json(&r), what)) {
			load_result_free(&r);
			goto out;
		}
		load_result_free(&r);

		/* each probe alone: its record less what probes_to_json adds */
		for (int k = 0; k < PROBE_KINDS; k++) {
			json_t *p = json_deep_copy(json_object_get(probes, probe_name(k))), *again;

			if (!json_is_true(json_object_get(p, "available"))) {
				json_decref(p);
				continue;
			}
			json_object_del(p, "available");
			json_object_del(p, "cost_why");
			memset(s, 0, sizeof(*s));
			switch (k) {
			case PROBE_SYSCALLS:
				err = syscalls_stats_from_json(p, &s->syscalls);
				again = syscalls_stats_to_json(&s->syscalls);
				seen[k] |= s->syscalls.n > 0;
				break;
			case PROBE_SCHED:
				err = sched_stats_from_json(p, &s->sched);
				again = sched_stats_to_json(&s->sched);
				seen[k] |= s->sched.voluntary > 0;
				break;
			case PROBE_ACCEPT_QUEUE:
				err = accept_queue_stats_from_json(p, &s->accept_queue);
				again = accept_queue_stats_to_json(&s->accept_queue);
				seen[k] |= s->accept_queue.have_samples &&
					   s->accept_queue.series_len > 0;
				break;
			case PROBE_IO_URING:
				err = io_uring_stats_from_json(p, &s->io_uring);
				again = io_uring_stats_to_json(&s->io_uring);
				seen[k] |= s->io_uring.submitted > 0;
				break;
			case PROBE_PAGE_FAULTS:
				err = page_faults_stats_from_json(p, &s->page_faults);
				again = page_faults_stats_to_json(&s->page_faults);
				seen[k] |= s->page_faults.have_split &&
					   s->page_faults.have_minor_major;
				break;
			case PROBE_ERRORS:
				err = errors_stats_from_json(p, &s->errors);
				again = errors_stats_to_json(&s->errors);
				seen[k] |= s->errors.netns && s->errors.have_netstat;
				break;
			default:
				err = cpu_profile_stats_from_json(p, &s->cpu_profile);
				again = cpu_profile_stats_to_json(&s->cpu_profile);
				seen[k] |= s->cpu_profile.samples > 0 && s->cpu_profile.nsys > 0;
				break;
			}
			snprintf(what, sizeof(what), "%s: %s", model, probe_name(k));
			CHECK(!err, "%s: from_json: %s", what, strerror(-err));
			err = err || !check_same_json(p, again, what);
			json_decref(p);
			if (err)
				goto out;
		}

		/* all of them, with their status */
		err = probes_from_json(probes, ps, s);
		snprintf(what, sizeof(what), "%s: probes", model);
		if (!CHECK(!err, "%s: probes_from_json: %s", model, strerror(-err)) ||
		    !check_same_json(probes, probes_to_json(ps, s), what))
			goto out;
	}
	for (int k = 0; k < PROBE_KINDS; k++)
		CHECK(seen[k], "no experiment's %s record had figures to read back", probe_name(k));
out:
	free(s);
	free(ps);
	free(run);
	json_decref(results);
	rm_rf(dir);
}

/*
 * From the fixture, as root or not: a probe that was unavailable is
 * reprinted with its reason; a record written before results.json kept
 * the latency histograms says so, and the comparison follows.
 */
static void fixture_records(void)
{
	char dir[64] = "", path[256], file[256], out[4096], *report = NULL;
	json_t *results = NULL, *e;
	const char *fork;
	size_t i;
	int st;

	snprintf(path, sizeof(path), "%s/../tests/fixtures/results-unavailable.json",
		 test_bin_dir());
	results = json_load_file(path, 0, NULL);
	if (!CHECK(results, "cannot read %s", path) || !temp_dir(dir, sizeof(dir)))
		goto out;
	snprintf(path, sizeof(path), "%s/results.json", dir);
	snprintf(file, sizeof(file), "%s/report.out", dir);
	/* as it is: recorded before the histograms */
	if (!CHECK(!json_dump_file(results, path, 0), "cannot write %s", path))
		goto out;
	st = harness_to(file, out, sizeof(out), 30, (const char *const[]){ "report", dir, NULL });
	report = slurp(file);
	if (!CHECK(st == 0 && report, "harness report (fixture): exit %d: %s", st, out) ||
	    !CHECK(strstr(report, "==== fork · throughput ====\nlimited by ") &&
			   strstr(report, "\n(no trace summary: recorded "
					  "without the latency histograms") &&
			   strstr(report, "ranking:"),
		   "the fixture's report:\n%.2000s", report))
		goto out;
	/* with (empty) histograms: the summaries, fork's probes unavailable */
	json_array_foreach(json_object_get(results, "experiments"), i, e)
		for (const char *const *h =
			     (const char *const[]){ "latency_us", "connect_us", NULL };
		     *h; h++)
			json_object_set_new(json_object_get(json_object_get(e, "load"), *h),
					    "histogram",
					    json_pack("{s:i, s:i, s:i, s:i, s:[], s:[]}",
						      "precision", 7, "sum_ns", 0, "min_ns", 0,
						      "max_ns", 0, "low_ns", "counts"));
	if (!CHECK(!json_dump_file(results, path, 0), "cannot write %s", path))
		goto out;
	free(report);
	st = harness_to(file, out, sizeof(out), 30, (const char *const[]){ "report", dir, NULL });
	report = slurp(file);
	if (!CHECK(st == 0 && report, "harness report (fixture): exit %d: %s", st, out))
		goto out;
	fork = strstr(report, "==== fork · throughput ====\n");
	CHECK(fork &&
		      strstr(fork, "syscalls: unavailable: tracepoint raw_syscalls/sys_enter "
				   "missing: <not in this kernel> & \"no kprobes\"\n"
				   "  (a run without it has no syscall counts") &&
		      strstr(fork, "==== epoll · throughput ====\n") &&
		      strstr(strstr(fork, "==== epoll"), "\nsyscalls: ") &&
		      strstr(report, "  Errors: reset 3, broken pipe 12\n"
				     "  Non-2xx responses: 2 (503: 2)\n"),
	      "the fixture's report:\n%.4000s", report);
out:
	free(report);
	json_decref(results);
	rm_rf(dir);
}

/*
 * What is recorded is what is shown: a results.json of this format is
 * rendered as it says (a finding's text, the ranking), never explained
 * again; one older than the format is explained on reading; one from a
 * newer harness is refused with a reason.
 */
static void findings_shown_as_recorded(void)
{
	char dir[64] = "", path[256], file[256], out[4096], *report = NULL;
	json_t *results = NULL, *epoll;
	int st;

	snprintf(path, sizeof(path), "%s/../tests/fixtures/results-unavailable.json",
		 test_bin_dir());
	results = json_load_file(path, 0, NULL);
	if (!CHECK(results, "cannot read %s", path) || !temp_dir(dir, sizeof(dir)))
		goto out;
	snprintf(path, sizeof(path), "%s/results.json", dir);
	snprintf(file, sizeof(file), "%s/report.out", dir);
	epoll = json_array_get(json_object_get(results, "experiments"), 1);
	json_object_set_new(json_array_get(json_object_get(epoll, "findings"), 0), "text",
			    json_string("as recorded, not explained again"));

	/* older than the format: explained on reading, the recorded text unused */
	if (!CHECK(!json_dump_file(results, path, 0), "cannot write %s", path))
		goto out;
	st = harness_to(file, out, sizeof(out), 30, (const char *const[]){ "report", dir, NULL });
	report = slurp(file);
	if (!CHECK(st == 0 && report && !strstr(report, "as recorded") &&
			   strstr(report, "epoll: fastest") &&
			   strstr(report, "fork: 0.44x of epoll"),
		   "format 1: exit %d:\n%.3000s", st, report))
		goto out;

	/* this format: the findings and the ranking as recorded */
	json_object_set_new(results, "format", json_integer(2));
	json_object_set_new(results, "rankings",
			    json_pack("[{s:s, s:[{s:s, s:f, s:f, s:f, s:[], s:[]}]}]", "scenario",
				      "throughput", "entries", "model", "epoll", "rps", 1234.0,
				      "rps_ratio", 1.0, "cpu_ratio", 1.0, "only_here",
				      "only_best"));
	if (!CHECK(!json_dump_file(results, path, 0), "cannot write %s", path))
		goto out;
	free(report);
	st = harness_to(file, out, sizeof(out), 30, (const char *const[]){ "report", dir, NULL });
	report = slurp(file);
	if (!CHECK(st == 0 && report && strstr(report, "] as recorded, not explained again") &&
			   strstr(report, "ranking:\nepoll: fastest, 1234 requests/s\n\nwhy:"),
		   "format 2: exit %d:\n%.3000s", st, report))
		goto out;

	/* a newer format: refused, saying so */
	json_object_set_new(results, "format", json_integer(99));
	if (!CHECK(!json_dump_file(results, path, 0), "cannot write %s", path))
		goto out;
	st = harness_to(file, out, sizeof(out), 30, (const char *const[]){ "report", dir, NULL });
	CHECK(st == 1 && strstr(out, "written by a newer harness"), "format 99: exit %d: %s", st,
	      out);
out:
	free(report);
	json_decref(results);
	rm_rf(dir);
}

/*
 * A hostile results.json: a figure out of range is refused, naming it; a
 * measurement out of range (a load's thread count, an accept queue's
 * limit) leaves that experiment without its trace summary, and the page
 * is still drawn, its charts clamped.
 */
static void hostile_results(void)
{
	char dir[64] = "", path[256], out[4096];
	json_t *results = NULL, *e;
	int st;

	snprintf(path, sizeof(path), "%s/../tests/fixtures/results-unavailable.json",
		 test_bin_dir());
	results = json_load_file(path, 0, NULL);
	if (!CHECK(results, "cannot read %s", path) || !temp_dir(dir, sizeof(dir)))
		goto out;
	snprintf(path, sizeof(path), "%s/results.json", dir);
	e = json_array_get(json_object_get(results, "experiments"), 1);
	json_object_set_new(json_object_get(e, "load"), "threads", json_real(1e19));
	json_object_set_new(json_object_get(json_object_get(json_object_get(e, "probes"),
							    "accept_queue"),
					    "enqueues"),
			    "limit", json_real(1e30));
	if (!CHECK(!json_dump_file(results, path, 0), "cannot write %s", path))
		goto out;
	st = harness_to("/dev/null", out, sizeof(out), 30,
			(const char *const[]){ "report", dir, "--html", NULL });
	CHECK(st == 0, "harness report --html, measurements out of range: exit %d: %s", st, out);

	json_object_set_new(json_object_get(e, "figures"), "runq_p99_us", json_real(1e300));
	if (!CHECK(!json_dump_file(results, path, 0), "cannot write %s", path))
		goto out;
	for (int html = 0; html < 2; html++) {
		st = harness_to("/dev/null", out, sizeof(out), 30,
				(const char *const[]){ "report", dir, html ? "--html" : NULL,
						       NULL });
		CHECK(st == 1 && strstr(out,
					"experiments[1].figures.runq_p99_us: 1e+300 out of range"),
		      "a figure of 1e300%s: exit %d: %s", html ? " (--html)" : "", st, out);
	}
out:
	json_decref(results);
	rm_rf(dir);
}

static const struct test_case cases[] = {
	TEST_SLOW(report_reprints_run, 150), TEST_SLOW(report_reprints_custom_server, 150),
	TEST_SLOW(record_round_trip, 150),   TEST(fixture_records),
	TEST(findings_shown_as_recorded),    TEST(hostile_results),
};

TEST_MAIN(cases)
