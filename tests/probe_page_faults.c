// SPDX-License-Identifier: MIT
/*
 * The page_faults probe against what the kernel tells a process of its own
 * faults (getrusage: ru_minflt, ru_majflt, its children's once waited
 * for), on workloads of known answer: N fresh pages written in the
 * workload's own process, or in a child it forks; a file not in the page
 * cache read through a mapping (major faults); the same without the
 * tracepoints (the cgroup's perf counter alone). Then real servers under
 * harness run: fork's children fault on every connection, epoll's loop,
 * warm, hardly ever.
 */
#include "harness/sandbox/cgroup.h"
#include "probes/hooks.h"
#include "probes/page_faults_probe.h"
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/harness_results.h"
#include "tests/lib/results.h"
#include "tests/lib/workload.h"

#include <errno.h>
#include <jansson.h>
#include <linux/magic.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

/* fresh pages each workload writes: 16 MiB */
#define PAGES 4000

/* What the workload's --report line says: its own faults since it was told
 * to go, and its children's. */
struct rusage_faults {
	long minflt, majflt, children_minflt, children_majflt;
};

struct run {
	struct cgroup cg;
	struct workload w;
	void *p;
	struct page_faults_stats s;
	struct rusage_faults ru;
};

static __u64 of(const struct page_faults_of *o)
{
	return o->user + o->kernel;
}

/*
 * a within pct% of b, or within slack of it. Against getrusage, a slack of
 * 10: the report's own faults (stdio's buffer; after a fork, copies on
 * write of what printf writes) come after its getrusage().
 */
static bool near(double a, double b, double pct, double slack)
{
	double d = a > b ? a - b : b - a;

	return d <= slack || d <= b * pct / 100;
}

/*
 * build/workload --report ARGS in a cgroup of its own, the probe on it,
 * counting from the moment the workload waits to be told to go (its start
 * is not what it was asked to do); then go, its report, its exit, the probe
 * read.
 */
static bool run(struct run *r, const char *const args[])
{
	const char *argv[16] = { "--report" };
	struct probe_target t;
	char why[256], line[256];
	int err, n = 1;

	memset(r, 0, sizeof(*r));
	for (int i = 0; args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	if (!workload_start_in_cgroup(&r->w, &r->cg, "test-page-faults", argv))
		return false;
	t = (struct probe_target){ .cgroup_id = r->cg.id, .pid = r->w.pid };
	err = page_faults_probe_open(&r->p, &t, why, sizeof(why));
	if (!CHECK(!err, "open probe: %s: %s", strerror(-err), why))
		return false;
	err = page_faults_probe_attach(r->p, why, sizeof(why));
	if (!CHECK(!err, "attach probe: %s: %s", strerror(-err), why) ||
	    !CHECK(WAIT_UNTIL(workload_waits_for_go(&r->w), 5000),
		   "workload never waited for go") ||
	    !CHECK(page_faults_probe_reset(r->p) == 0, "reset") ||
	    !CHECK(workload_go(&r->w) == 0, "go"))
		return false;
	err = workload_read_line(&r->w, line, sizeof(line), 30000);
	if (!CHECK(!err, "no report: %s", strerror(-err)) ||
	    !CHECK(sscanf(line,
			  "done nvcsw=%*d nivcsw=%*d children_nvcsw=%*d children_nivcsw=%*d "
			  "minflt=%ld majflt=%ld children_minflt=%ld children_majflt=%ld",
			  &r->ru.minflt, &r->ru.majflt, &r->ru.children_minflt,
			  &r->ru.children_majflt) == 4,
		   "report '%s'", line) ||
	    !CHECK(workload_wait(&r->w, 30000) == 0, "workload failed"))
		return false;
	err = page_faults_probe_read(r->p, &r->s);
	if (!CHECK(!err, "read probe: %s", strerror(-err)))
		return false;
	page_faults_stats_print(stderr, &r->s);
	fprintf(stderr, "getrusage: minflt %ld, majflt %ld; children minflt %ld, majflt %ld\n",
		r->ru.minflt, r->ru.majflt, r->ru.children_minflt, r->ru.children_majflt);
	return true;
}

static void run_end(struct run *r)
{
	page_faults_probe_destroy(r->p);
	if (r->w.pid > 0)
		workload_stop(&r->w);
	cgroup_destroy(&r->cg);
}

/* The perf counters resolved as many faults as the tracepoints saw (a
 * fault that fails, or is spurious, is in the tracepoints' alone). */
static void minor_major_add_up(const struct page_faults_stats *s)
{
	CHECK(s->have_minor_major, "no minor and major: %s", s->why);
	CHECK(near(s->minor + s->major, s->faults, 1, 5), "minor %llu + major %llu, %llu faults",
	      (unsigned long long)s->minor, (unsigned long long)s->major,
	      (unsigned long long)s->faults);
}

/*
 * PAGES pages written by the workload itself, or by a child it forks: as
 * many faults of that task (in user mode), as getrusage counts them; the
 * parent's few (its copies on write after a fork) as getrusage counts its
 * own; none major.
 */
static void fresh_pages(bool in_child)
{
	const char *args[] = { "--procs", "1", "touch", "4000", NULL };
	const struct page_faults_of *who;
	long ru;
	struct run r;

	test_require_root();
	if (!run(&r, in_child ? args : args + 2))
		goto out;
	who = in_child ? &r.s.children : &r.s.main_thread;
	ru = in_child ? r.ru.children_minflt : r.ru.minflt;
	CHECK(r.s.have_split, "no split: %s", r.s.why);
	CHECK(near(of(who), PAGES, 5, 10) && who->user >= PAGES,
	      "%s: %llu faults (%llu in user mode) for %d pages", in_child ? "children" : "main",
	      (unsigned long long)of(who), (unsigned long long)who->user, PAGES);
	CHECK(near(of(who), ru, 5, 10), "%llu faults, getrusage %ld", (unsigned long long)of(who),
	      ru);
	CHECK(near(of(&r.s.main_thread), r.ru.minflt, 5, 10) && of(&r.s.main_thread) < PAGES + 100,
	      "main thread %llu, getrusage %ld", (unsigned long long)of(&r.s.main_thread),
	      r.ru.minflt);
	CHECK(of(&r.s.threads) == 0 && (in_child || of(&r.s.children) == 0),
	      "children %llu, other threads %llu", (unsigned long long)of(&r.s.children),
	      (unsigned long long)of(&r.s.threads));
	minor_major_add_up(&r.s);
	CHECK(r.s.major <= 2 && r.ru.majflt + r.ru.children_majflt <= 2,
	      "anonymous memory: %llu major faults (getrusage %ld)", (unsigned long long)r.s.major,
	      r.ru.majflt + r.ru.children_majflt);
out:
	run_end(&r);
}

static void fresh_pages_in_main(void)
{
	fresh_pages(false);
}

static void fresh_pages_in_child(void)
{
	fresh_pages(true);
}

/* A file dropped from the page cache, read through a mapping: major faults. */
static void file_pages_are_major(void)
{
	const char *args[] = { "mapfile", "500", NULL };
	struct statfs fs;
	struct run r;

	test_require_root();
	/* the workload's file is there: on tmpfs no page is ever read */
	if (statfs("/var/tmp", &fs))
		test_skip("no /var/tmp: %s", strerror(errno));
	if (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC)
		test_skip("/var/tmp is in memory (tmpfs): no page is read, no fault is major");
	if (!run(&r, args))
		goto out;
	CHECK(r.ru.majflt > 0, "getrusage counts no major fault: the file was read ahead?");
	CHECK(r.s.have_minor_major, "no minor and major: %s", r.s.why);
	CHECK(r.s.major > 0 && near(r.s.major, r.ru.majflt, 5, 3), "major %llu, getrusage %ld",
	      (unsigned long long)r.s.major, r.ru.majflt);
	CHECK(near(r.s.faults, r.ru.minflt + r.ru.majflt, 5, 10), "%llu faults, getrusage %ld",
	      (unsigned long long)r.s.faults, r.ru.minflt + r.ru.majflt);
	minor_major_add_up(&r.s);
out:
	run_end(&r);
}

/* Without the tracepoints the cgroup's perf counter counts them all, and
 * why says the split is missing and why. */
static void without_tracepoints_the_total(void)
{
	const char *args[] = { "--procs", "1", "touch", "4000", NULL };
	long all;
	struct run r;

	test_require_root();
	hooks_env.hidden = "page_fault_user,page_fault_kernel";
	if (!run(&r, args))
		goto out;
	all = r.ru.minflt + r.ru.children_minflt;
	CHECK(!r.s.have_split, "split without the tracepoints");
	CHECK(of(&r.s.main_thread) + of(&r.s.threads) + of(&r.s.children) == 0,
	      "faults by task without the tracepoints");
	CHECK(near(r.s.faults, PAGES, 5, 20), "%llu faults for %d pages",
	      (unsigned long long)r.s.faults, PAGES);
	CHECK(near(r.s.faults, all, 5, 10), "%llu faults, getrusage %ld (parent and child)",
	      (unsigned long long)r.s.faults, all);
	CHECK(strstr(r.s.why, "split by task and mode: no tracepoint page_fault_user") &&
		      strstr(r.s.why, "perf counter"),
	      "why: '%s'", r.s.why);
	CHECK(r.s.have_minor_major && near(r.s.minor + r.s.major, r.s.faults, 1, 5),
	      "minor %llu + major %llu, %llu faults", (unsigned long long)r.s.minor,
	      (unsigned long long)r.s.major, (unsigned long long)r.s.faults);
	CHECK(r.s.cost.events == 0, "%llu program runs without programs",
	      (unsigned long long)r.s.cost.events);
out:
	run_end(&r);
}

/* harness check says what a run without the tracepoints counts instead. */
static void harness_check_shows_the_fallback(void)
{
	char bin[512], out[16384];
	const char *argv[] = { bin, "check", "--without", "page_fault_user", NULL };
	int st;

	test_require_root();
	snprintf(bin, sizeof(bin), "%s/harness", test_bin_dir());
	st = cmd_run(out, sizeof(out), 30, argv);
	CHECK(st == 0 &&
		      strstr(out, "page_faults   tp_btf/page_fault_user               MISSING") &&
		      strstr(out, "page_faults   available, without: split by task and mode: no "
				  "tracepoint page_fault_user in this kernel (hidden) (the total "
				  "from the cgroup's perf counter instead)"),
	      "harness check --without page_fault_user: exit %d:\n%s", st, out);
}

/* Every figure written and read back, with the split and without. */
static void stats_survive_json(void)
{
	struct page_faults_stats a, b;

	memset(&a, 0, sizeof(a)); /* padding too: the structs are compared whole */
	a.faults = 21;
	a.main_thread = (struct page_faults_of){ 1, 2 };
	a.threads = (struct page_faults_of){ 3, 4 };
	a.children = (struct page_faults_of){ 5, 6 };
	a.have_minor_major = true;
	a.minor = 20;
	a.major = 1;
	a.cost = (struct prog_cost){ 7, 800 };
	for (int split = 1; split >= 0; split--) {
		json_t *j, *again;
		char *text;

		a.have_split = split;
		if (!split) {
			a.main_thread = a.threads = a.children = (struct page_faults_of){ 0, 0 };
			snprintf(a.why, sizeof(a.why), "split by task and mode: hidden");
		}
		j = page_faults_stats_to_json(&a);
		CHECK(j && page_faults_stats_from_json(j, &b) == 0, "from_json");
		again = page_faults_stats_to_json(&b);
		text = json_dumps(j, JSON_SORT_KEYS);
		CHECK(json_equal(j, again) && !memcmp(&a, &b, sizeof(a)),
		      "to_json(from_json(x)) != x: %s", text);
		CHECK(split == !!json_object_get(j, "by_task"), "by_task in %s", text);
		free(text);
		json_decref(j);
		json_decref(again);
	}
}

/* ------------------------------------------------------------ real servers */

/* harness run MODEL -s SCENARIO --quick: the experiment's figures (a new
 * reference) and its trace summary (malloc'ed), or NULL. */
static json_t *harness_run(const char *model, const char *scenario, char **summary)
{
	const char *args[] = { model, "-s", scenario, NULL };
	json_t *results = harness_results(args, model, summary), *fig;

	fig = json_incref(json_object_get(harness_experiment(results, 0), "figures"));
	json_decref(results);
	return fig;
}

static double figure(const json_t *fig, const char *name)
{
	return json_num(fig, name);
}

/* fork under connect: a child per connection, which faults in the pages it
 * writes first (its stack, its libc data): some per connection, all but a
 * few in the children. */
static void fork_children_fault_per_connection(void)
{
	char *summary = NULL;
	json_t *fig = harness_run("fork", "connect", &summary);
	double requests = figure(fig, "requests"), children = figure(fig, "faults_children");

	if (!fig)
		goto out;
	fprintf(stderr, "fork, connect: %.0f requests, %.0f faults, %.0f in children, %.0f major\n",
		requests, figure(fig, "faults"), children, figure(fig, "faults_major"));
	CHECK(requests > 100, "only %.0f requests", requests);
	CHECK(children / requests >= 5 && children / requests < 200,
	      "%.1f faults per connection in the children", children / requests);
	CHECK(children <= figure(fig, "faults") && figure(fig, "faults_major") < requests / 100,
	      "faults %.0f, children %.0f, major %.0f", figure(fig, "faults"), children,
	      figure(fig, "faults_major"));
	CHECK(summary && strstr(summary, "page faults per request (a connection each): ") &&
		      strstr(summary, "of them in child processes") &&
		      strstr(summary, "    child processes "),
	      "fork's trace summary:\n%.4000s", summary ?: "(none)");
out:
	free(summary);
	json_decref(fig);
}

/* epoll under throughput: one loop, warm, keeps its pages: next to no
 * faults per request, and no child. */
static void epoll_hardly_faults(void)
{
	char *summary = NULL;
	json_t *fig = harness_run("epoll", "throughput", &summary);
	double requests = figure(fig, "requests"), faults = figure(fig, "faults");

	if (!fig)
		goto out;
	fprintf(stderr, "epoll, throughput: %.0f requests, %.0f faults\n", requests, faults);
	CHECK(requests > 1000, "only %.0f requests", requests);
	CHECK(faults / requests < 0.01, "%.4f faults per request", faults / requests);
	CHECK(figure(fig, "faults_children") == 0, "%.0f faults in children",
	      figure(fig, "faults_children"));
out:
	free(summary);
	json_decref(fig);
}

static const struct test_case cases[] = {
	TEST(fresh_pages_in_main),
	TEST(fresh_pages_in_child),
	TEST(file_pages_are_major),
	TEST(without_tracepoints_the_total),
	TEST(harness_check_shows_the_fallback),
	TEST(stats_survive_json),
	TEST_SLOW(fork_children_fault_per_connection, 150),
	TEST_SLOW(epoll_hardly_faults, 150),
};

TEST_MAIN(cases)
