// SPDX-License-Identifier: MIT
/* The sched probe against the kernel's own per-task counters: /proc/PID/
 * task/TID/status (context switches), .../schedstat (time on a CPU and on a
 * run queue), .../sched (migrations), getrusage(), and known workloads. */
#include "harness/cgroup.h"
#include "probes/hist_print.h"
#include "probes/sched_probe.h"
#include "tests/lib/check.h"
#include "tests/lib/workload.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct run {
	struct cgroup cg;
	struct workload w;
	struct sched_probe *p;
	struct sched_stats s;
};

/* The workload in a cgroup of its own, blocked before its first step, and
 * the probe attached to it. */
static bool run_start(struct run *r, const char *const args[])
{
	struct probe_target t;
	int err;

	memset(r, 0, sizeof(*r));
	err = cgroup_create(&r->cg, "test-sched");
	if (!CHECK(!err, "create cgroup: %s", strerror(-err)))
		return false;
	err = workload_start(&r->w, r->cg.path, args);
	if (!CHECK(!err, "start workload: %s", strerror(-err)))
		return false;
	t = (struct probe_target){ .cgroup_id = r->cg.id, .pid = r->w.pid };
	err = sched_probe_open(&r->p, &t);
	if (!CHECK(!err, "open probe: %s: %s", strerror(-err), sched_probe_why()))
		return false;
	err = sched_probe_attach(r->p);
	if (!CHECK(!err, "attach probe: %s: %s", strerror(-err), sched_probe_why()))
		return false;
	/* blocked in read(stdin) before it is told to go */
	return CHECK(WAIT_UNTIL(workload_all_blocked(&r->w), 5000), "workload never blocked");
}

/* A --hold workload: go, wait for "done" and for every task to block. */
static bool run_until_held(struct run *r)
{
	char line[256];
	int err;

	if (!CHECK(workload_go(&r->w) == 0, "go"))
		return false;
	err = workload_read_line(&r->w, line, sizeof(line), 30000);
	if (!CHECK(!err, "no done line: %s", strerror(-err)))
		return false;
	return CHECK(WAIT_UNTIL(workload_all_blocked(&r->w), 5000),
		     "workload tasks still running after done");
}

static bool run_read(struct run *r)
{
	int err = sched_probe_read(r->p, &r->s);

	if (!CHECK(!err, "read probe: %s", strerror(-err)))
		return false;
	sched_stats_print(stderr, &r->s);
	return true;
}

static void run_end(struct run *r)
{
	sched_probe_destroy(r->p);
	if (r->w.pid > 0)
		workload_stop(&r->w);
	cgroup_destroy(&r->cg);
}

/* a within pct% of b, or within slack of it */
static bool near(double a, double b, double pct, double slack)
{
	double d = a > b ? a - b : b - a;

	return d <= slack || d <= b * pct / 100;
}

/* N sleeps in each of 2 threads: voluntary switches as /proc counts them. */
static void voluntary_matches_proc(void)
{
	const char *args[] = { "--threads", "2", "--hold", "sleep", "300", "200", NULL };
	__u64 v0, i0, v1, i1;
	struct run r;

	test_require_root();
	if (!run_start(&r, args) ||
	    !CHECK(proc_ctxt_switches(r.w.pid, &v0, &i0) == 0, "read /proc") ||
	    !run_until_held(&r) || !run_read(&r) ||
	    !CHECK(proc_ctxt_switches(r.w.pid, &v1, &i1) == 0, "read /proc"))
		goto out;
	fprintf(stderr, "/proc: voluntary %llu, involuntary %llu\n",
		(unsigned long long)(v1 - v0), (unsigned long long)(i1 - i0));
	CHECK(v1 - v0 >= 600, "/proc counts %llu voluntary switches, under 2 x 300 sleeps",
	      (unsigned long long)(v1 - v0));
	CHECK(near(r.s.voluntary, v1 - v0, 2, 0), "voluntary %llu, /proc %llu: over 2%% apart",
	      (unsigned long long)r.s.voluntary, (unsigned long long)(v1 - v0));
	CHECK(near(r.s.involuntary, i1 - i0, 2, 3), "involuntary %llu, /proc %llu",
	      (unsigned long long)r.s.involuntary, (unsigned long long)(i1 - i0));
	CHECK(r.s.threads_created == 2, "threads created: %llu, not 2",
	      (unsigned long long)r.s.threads_created);
out:
	run_end(&r);
}

/* Two spinners on one CPU preempt each other: involuntary switches, and
 * each waits on the run queue while the other runs. */
static void spinners_on_one_cpu(void)
{
	const char *args[] = { "--threads", "2", "--cpu", "1", "--hold", "spin", "1500", NULL };
	__u64 v0, i0, v1, i1, run0, wait0, run1, wait1;
	struct run r;

	test_require_root();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		test_skip("needs 2 CPUs");
	if (!run_start(&r, args) ||
	    !CHECK(proc_ctxt_switches(r.w.pid, &v0, &i0) == 0, "read /proc") ||
	    !CHECK(proc_schedstat(r.w.pid, &run0, &wait0) == 0, "read schedstat") ||
	    !run_until_held(&r) || !run_read(&r) ||
	    !CHECK(proc_ctxt_switches(r.w.pid, &v1, &i1) == 0, "read /proc") ||
	    !CHECK(proc_schedstat(r.w.pid, &run1, &wait1) == 0, "read schedstat"))
		goto out;
	fprintf(stderr, "/proc: voluntary %llu, involuntary %llu, on CPU %.3f s, waiting %.3f s\n",
		(unsigned long long)(v1 - v0), (unsigned long long)(i1 - i0),
		(run1 - run0) / 1e9, (wait1 - wait0) / 1e9);
	CHECK(r.s.involuntary >= 20, "only %llu involuntary switches",
	      (unsigned long long)r.s.involuntary);
	CHECK(near(r.s.involuntary, i1 - i0, 2, 2), "involuntary %llu, /proc %llu",
	      (unsigned long long)r.s.involuntary, (unsigned long long)(i1 - i0));
	CHECK(near(r.s.voluntary, v1 - v0, 2, 2), "voluntary %llu, /proc %llu",
	      (unsigned long long)r.s.voluntary, (unsigned long long)(v1 - v0));
	CHECK(near(r.s.oncpu_ns, run1 - run0, 5, 2e6), "on CPU %.3f s, schedstat %.3f s",
	      r.s.oncpu_ns / 1e9, (run1 - run0) / 1e9);
	CHECK(near(r.s.runq_ns, wait1 - wait0, 5, 2e6), "run queue %.3f s, schedstat %.3f s",
	      r.s.runq_ns / 1e9, (wait1 - wait0) / 1e9);
	CHECK(r.s.runq_ns >= 500000000ULL, "two spinners on one CPU waited only %.3f s",
	      r.s.runq_ns / 1e9);
	CHECK(log2_hist_percentile(&r.s.runq, 50) >= 256 * 1024,
	      "median run-queue wait under 256 us: %llu ns",
	      (unsigned long long)log2_hist_percentile(&r.s.runq, 50));
out:
	run_end(&r);
}

/* A sleeper alone barely waits for a CPU when it wakes. */
static void lone_sleeper_waits_little(void)
{
	const char *args[] = { "sleep", "300", "1000", NULL };
	struct run r;

	test_require_root();
	if (!run_start(&r, args) || !CHECK(workload_go(&r.w) == 0, "go") ||
	    !CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") || !run_read(&r))
		goto out;
	CHECK(log2_hist_total(&r.s.runq) >= 300, "%llu run-queue waits for 300 wake-ups",
	      (unsigned long long)log2_hist_total(&r.s.runq));
	CHECK(log2_hist_percentile(&r.s.runq, 50) < 128 * 1024,
	      "median run-queue wait of a lone sleeper %llu ns, not under 128 us",
	      (unsigned long long)log2_hist_percentile(&r.s.runq, 50));
	CHECK(log2_hist_total(&r.s.offcpu) >= 300, "%llu off-CPU stays for 300 sleeps",
	      (unsigned long long)log2_hist_total(&r.s.offcpu));
	CHECK(r.s.offcpu_ns >= 300 * 1000000ULL, "off CPU %.3f s, under 300 x 1 ms",
	      r.s.offcpu_ns / 1e9);
out:
	run_end(&r);
}

/* Threads and processes made and ended: exactly as many as the workload made. */
static void tasks_created_and_exited(void)
{
	const char *threads[] = { "--threads", "4", "getppid", "10", NULL };
	const char *procs[] = { "--procs", "3", "getppid", "10", NULL };
	struct run r;

	test_require_root();
	if (run_start(&r, threads) && CHECK(workload_go(&r.w) == 0, "go") &&
	    CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") && run_read(&r)) {
		CHECK(r.s.threads_created == 4 && r.s.procs_created == 0,
		      "created %llu threads, %llu processes: not 4 and 0",
		      (unsigned long long)r.s.threads_created, (unsigned long long)r.s.procs_created);
		CHECK(r.s.threads_exited == 4 && r.s.procs_exited == 1,
		      "exited %llu threads, %llu processes: not 4 and 1",
		      (unsigned long long)r.s.threads_exited, (unsigned long long)r.s.procs_exited);
	}
	run_end(&r);
	if (run_start(&r, procs) && CHECK(workload_go(&r.w) == 0, "go") &&
	    CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") && run_read(&r)) {
		CHECK(r.s.procs_created == 3 && r.s.threads_created == 0,
		      "created %llu processes, %llu threads: not 3 and 0",
		      (unsigned long long)r.s.procs_created, (unsigned long long)r.s.threads_created);
		CHECK(r.s.procs_exited == 4 && r.s.threads_exited == 0,
		      "exited %llu processes, %llu threads: not 4 and 0",
		      (unsigned long long)r.s.procs_exited, (unsigned long long)r.s.threads_exited);
	}
	run_end(&r);
}

/* Context switches of forked children count, as getrusage() sees them. */
static void forked_children_switches(void)
{
	const char *args[] = { "--procs", "3", "--report", "sleep", "200", "200", NULL };
	unsigned long long nv, niv, cnv, cniv;
	char line[256];
	struct run r;

	test_require_root();
	if (!run_start(&r, args) || !CHECK(workload_go(&r.w) == 0, "go") ||
	    !CHECK(workload_read_line(&r.w, line, sizeof(line), 30000) == 0, "no report") ||
	    !CHECK(sscanf(line, "done nvcsw=%llu nivcsw=%llu children_nvcsw=%llu children_nivcsw=%llu",
			  &nv, &niv, &cnv, &cniv) == 4, "report '%s'", line) ||
	    !CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") || !run_read(&r))
		goto out;
	fprintf(stderr, "getrusage: self %llu + children %llu voluntary\n", nv, cnv);
	CHECK(cnv >= 600, "children blocked only %llu times for 3 x 200 sleeps", cnv);
	/* after its report the parent still blocks once or twice: exit, wait */
	CHECK(near(r.s.voluntary, nv + cnv, 2, 4), "voluntary %llu, getrusage %llu",
	      (unsigned long long)r.s.voluntary, nv + cnv);
	CHECK(r.s.procs_created == 3, "%llu processes created, not 3",
	      (unsigned long long)r.s.procs_created);
out:
	run_end(&r);
}

/* Moved between CPUs 0 and 1 N times: N migrations, as se.nr_migrations. */
static void migrations_counted(void)
{
	const char *args[] = { "--hold", "hop", "100", NULL };
	__u64 m0, m1;
	struct run r;

	test_require_root();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		test_skip("needs 2 CPUs");
	if (!run_start(&r, args) || !CHECK(proc_migrations(r.w.pid, &m0) == 0, "read /proc") ||
	    !run_until_held(&r) || !run_read(&r) ||
	    !CHECK(proc_migrations(r.w.pid, &m1) == 0, "read /proc"))
		goto out;
	CHECK(r.s.migrations >= 100, "%llu migrations for 100 hops",
	      (unsigned long long)r.s.migrations);
	CHECK(r.s.migrations == m1 - m0, "%llu migrations, /proc says %llu",
	      (unsigned long long)r.s.migrations, (unsigned long long)(m1 - m0));
out:
	run_end(&r);
}

static const struct test_case cases[] = {
	TEST(voluntary_matches_proc),
	TEST(spinners_on_one_cpu),
	TEST(lone_sleeper_waits_little),
	TEST(tasks_created_and_exited),
	TEST(forked_children_switches),
	TEST(migrations_counted),
};

TEST_MAIN(cases)
