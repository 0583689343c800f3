// SPDX-License-Identifier: MIT
/* The sched probe against the kernel's own per-task counters: /proc/PID/
 * task/TID/status (context switches), .../schedstat (time on a CPU and on a
 * run queue), .../sched (migrations), getrusage(), and known workloads; its
 * time account against known sleeps, reads and spins, the wall clock, and
 * real servers under harness run. */
#include "common/clock.h"
#include "harness/sandbox/cgroup.h"
#include "probes/hist_print.h"
#include "probes/hooks.h"
#include "probes/sched_probe.h"
#include "tests/lib/check.h"
#include "tests/lib/client.h"
#include "tests/lib/harness_results.h"
#include "tests/lib/server.h"
#include "tests/lib/workload.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct run {
	struct cgroup cg;
	struct workload w;
	void *p;
	struct sched_stats s;
};

/* The workload in a cgroup of its own, blocked before its first step, and
 * the probe attached to it. */
static bool run_start(struct run *r, const char *const args[])
{
	struct probe_target t;
	char why[256];
	int err;

	memset(r, 0, sizeof(*r));
	err = cgroup_create(&r->cg, "test-sched");
	if (!CHECK(!err, "create cgroup: %s", strerror(-err)))
		return false;
	err = workload_start(&r->w, r->cg.path, args);
	if (!CHECK(!err, "start workload: %s", strerror(-err)))
		return false;
	t = (struct probe_target){ .cgroup_id = r->cg.id, .pid = r->w.pid };
	err = sched_probe_open(&r->p, &t, why, sizeof(why));
	if (!CHECK(!err, "open probe: %s: %s", strerror(-err), why))
		return false;
	err = sched_probe_attach(r->p, why, sizeof(why));
	if (!CHECK(!err, "attach probe: %s: %s", strerror(-err), why))
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

/* The window from now, the workload told to go: its wait for go is left
 * out, as a harness run leaves out its warm-up. */
static bool run_go_from_now(struct run *r)
{
	int err = sched_probe_reset(r->p);

	return CHECK(!err, "reset: %s", strerror(-err)) && CHECK(workload_go(&r->w) == 0, "go");
}

static bool run_read(struct run *r)
{
	int err = sched_probe_read(r->p, &r->s);

	if (!CHECK(!err, "read probe: %s", strerror(-err)))
		return false;
	sched_stats_print(stderr, &r->s);
	return true;
}

/* What the kernel's own counters say, summed over the workload's tasks. */
struct snap {
	__u64 vol, invol, migrations;
	struct proc_schedstat st;
};

static bool snap_take(const struct run *r, struct snap *s)
{
	return !proc_ctxt_switches(r->w.pid, &s->vol, &s->invol) &&
	       !proc_schedstat(r->w.pid, &s->st) && !proc_migrations(r->w.pid, &s->migrations);
}

/*
 * The probe and /proc read at one moment: the probe between two equal
 * snapshots, so that no task of the target ran while it was read.
 */
static bool run_read_quiet(struct run *r, struct snap *s)
{
	struct snap again;

	if (!CHECK(WAIT_UNTIL(snap_take(r, s) && !sched_probe_read(r->p, &r->s) &&
				      snap_take(r, &again) && !memcmp(s, &again, sizeof(again)),
			      5000),
		   "no quiet moment to read at"))
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

/* Time blocked in any of names (NULL-terminated), and the blocks begun in
 * them in *blocks (if not NULL). */
static __u64 blocked_in(const struct sched_stats *s, const char *const names[], __u64 *blocks)
{
	__u64 ns = 0, n = 0;

	for (int i = 0; i < s->nblocked; i++)
		for (int k = 0; names[k]; k++)
			if (!strcmp(s->blocked[i].name, names[k])) {
				ns += s->blocked[i].ns;
				n += s->blocked[i].blocks;
			}
	if (blocks)
		*blocks = n;
	return ns;
}

static const char *const sleeps[] = { "clock_nanosleep", "nanosleep", NULL };

/* The account measured, and its states adding up to the tasks' life, its
 * rows to the time blocked. Issue 13 asks for 2%; the states add up
 * exactly but for a read torn by states that end during it, so 0.1%
 * catches what 2% would not: a task counted twice at the cut (seen at
 * 1%, fork's children exiting during the read). */
static bool account_adds_up(const struct sched_stats *s, const char *what)
{
	__u64 states = s->running_ns + s->runnable_ns + s->blocked_ns, rows = 0;
	double life = s->life_ns;

	if (!CHECK(s->have_account, "%s: no time account: %s", what, s->why))
		return false;
	for (int i = 0; i < s->nblocked; i++)
		rows += s->blocked[i].ns;
	fprintf(stderr,
		"%s: life %.3f s: running %.1f%%, runnable %.1f%%, blocked %.1f%% (%s %.1f%%); "
		"states %.2f%% of life\n",
		what, life / 1e9, 100 * s->running_ns / life, 100 * s->runnable_ns / life,
		100 * s->blocked_ns / life, s->nblocked ? s->blocked[0].name : "-",
		s->nblocked ? 100 * s->blocked[0].ns / life : 0.0, 100 * states / life);
	return CHECK(s->life_ns > 0 && near(states, life, 0.1, 0),
		     "%s: running %.3f + runnable %.3f + blocked %.3f s = %.3f s, life %.3f s",
		     what, s->running_ns / 1e9, s->runnable_ns / 1e9, s->blocked_ns / 1e9,
		     states / 1e9, life / 1e9) &&
	       CHECK(rows == s->blocked_ns, "%s: rows %llu ns, blocked %llu ns", what,
		     (unsigned long long)rows, (unsigned long long)s->blocked_ns);
}

/* N sleeps in each of 2 threads: voluntary switches as /proc counts them. */
static void voluntary_matches_proc(void)
{
	const char *args[] = { "--threads", "2", "--hold", "sleep", "300", "200", NULL };
	struct snap s0, s1;
	struct run r;

	test_require_root();
	if (!run_start(&r, args) || !CHECK(snap_take(&r, &s0), "read /proc") ||
	    !run_until_held(&r) || !run_read_quiet(&r, &s1))
		goto out;
	fprintf(stderr, "/proc: voluntary %llu, involuntary %llu\n",
		(unsigned long long)(s1.vol - s0.vol), (unsigned long long)(s1.invol - s0.invol));
	CHECK(s1.vol - s0.vol >= 600, "/proc counts %llu voluntary switches, under 2 x 300 sleeps",
	      (unsigned long long)(s1.vol - s0.vol));
	CHECK(near(r.s.voluntary, s1.vol - s0.vol, 2, 0),
	      "voluntary %llu, /proc %llu: over 2%% apart", (unsigned long long)r.s.voluntary,
	      (unsigned long long)(s1.vol - s0.vol));
	CHECK(near(r.s.involuntary, s1.invol - s0.invol, 2, 3), "involuntary %llu, /proc %llu",
	      (unsigned long long)r.s.involuntary, (unsigned long long)(s1.invol - s0.invol));
	CHECK(r.s.threads_created == 2, "threads created: %llu, not 2",
	      (unsigned long long)r.s.threads_created);
out:
	run_end(&r);
}

/*
 * Time the hypervisor took from a CPU so far (steal in /proc/stat), in ns.
 * The probe times a task's stay on a CPU with the BPF clock, which runs on
 * through steal; schedstat's task clock stops. 0 when /proc/stat does not say.
 */
static __u64 cpu_steal_ns(int cpu)
{
	unsigned long long v[8];
	char line[512], name[16];
	__u64 ns = 0;
	FILE *f = fopen("/proc/stat", "r");

	snprintf(name, sizeof(name), "cpu%d", cpu);
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, name, strlen(name)) && line[strlen(name)] == ' ' &&
		    sscanf(line + strlen(name), "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8)
			ns = v[7] * (1000000000ULL / sysconf(_SC_CLK_TCK));
	if (f)
		fclose(f);
	return ns;
}

/* Two spinners on one CPU preempt each other: involuntary switches, and
 * each waits on the run queue while the other runs. */
static void spinners_on_one_cpu(void)
{
	const char *args[] = { "--threads", "2", "--cpu", "1", "--hold", "spin", "1500", NULL };
	struct snap s0, s1;
	__u64 run_ns, wait_ns, steal_ns;
	struct run r;

	test_require_root();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		test_skip("needs 2 CPUs");
	if (!run_start(&r, args) || !CHECK(snap_take(&r, &s0), "read /proc"))
		goto out;
	steal_ns = cpu_steal_ns(1);
	if (!run_until_held(&r) || !run_read_quiet(&r, &s1))
		goto out;
	steal_ns = cpu_steal_ns(1) - steal_ns;
	run_ns = s1.st.run_ns - s0.st.run_ns;
	wait_ns = s1.st.wait_ns - s0.st.wait_ns;
	fprintf(stderr,
		"/proc: voluntary %llu, involuntary %llu, on CPU %.3f s, waiting %.3f s, "
		"CPU 1 stolen %.3f s\n",
		(unsigned long long)(s1.vol - s0.vol), (unsigned long long)(s1.invol - s0.invol),
		run_ns / 1e9, wait_ns / 1e9, steal_ns / 1e9);
	CHECK(r.s.involuntary >= 20, "only %llu involuntary switches",
	      (unsigned long long)r.s.involuntary);
	CHECK(near(r.s.involuntary, s1.invol - s0.invol, 2, 2), "involuntary %llu, /proc %llu",
	      (unsigned long long)r.s.involuntary, (unsigned long long)(s1.invol - s0.invol));
	CHECK(near(r.s.voluntary, s1.vol - s0.vol, 2, 2), "voluntary %llu, /proc %llu",
	      (unsigned long long)r.s.voluntary, (unsigned long long)(s1.vol - s0.vol));
	/* usually within 0.5%; on a VM whose host is busy the probe counts
	 * the time stolen from the CPU too (seen 18% above schedstat), which
	 * /proc/stat counts in ticks: two ticks of slack for that */
	CHECK(near(r.s.oncpu_ns, run_ns + steal_ns, 5, 2e6 + 2e9 / sysconf(_SC_CLK_TCK)),
	      "on CPU %.3f s, schedstat %.3f s + stolen %.3f s", r.s.oncpu_ns / 1e9, run_ns / 1e9,
	      steal_ns / 1e9);
	CHECK(near(r.s.runq_ns, wait_ns, 5, 2e6), "run queue %.3f s, schedstat %.3f s",
	      r.s.runq_ns / 1e9, wait_ns / 1e9);
	/* each waits while the other runs: half of 1.5 s at least */
	CHECK(r.s.runq_ns >= 700000000ULL, "two spinners on one CPU waited only %.3f s",
	      r.s.runq_ns / 1e9);
	/* the account's states, closed at the read, against schedstat too */
	if (account_adds_up(&r.s, "spinners")) {
		CHECK(near(r.s.runnable_ns, wait_ns, 5, 2e6), "runnable %.3f s, schedstat %.3f s",
		      r.s.runnable_ns / 1e9, wait_ns / 1e9);
		CHECK(near(r.s.running_ns, run_ns + steal_ns, 5, 2e6 + 2e9 / sysconf(_SC_CLK_TCK)),
		      "running %.3f s, schedstat %.3f s + stolen %.3f s", r.s.running_ns / 1e9,
		      run_ns / 1e9, steal_ns / 1e9);
		CHECK(r.s.runnable_ns >= 700000000ULL, "runnable %.3f s", r.s.runnable_ns / 1e9);
	}
out:
	run_end(&r);
}

/*
 * A sleeper alone barely waits for a CPU when it wakes (SCHED_FIFO: alone
 * even on a busy machine). Each stay off a CPU is one voluntary switch
 * (/proc), each run-queue wait ends in a slice on a CPU (schedstat): those
 * are the answers, not the number of nanosleep() calls, which a sleeper
 * whose timer fires before it sleeps does not turn into switches.
 */
static void lone_sleeper_waits_little(void)
{
	const char *args[] = { "--fifo", "--hold", "sleep", "300", "1000", NULL };
	__u64 runq, off, vol, slices;
	struct snap s0, s1;
	struct run r;

	test_require_root();
	if (!run_start(&r, args) || !CHECK(snap_take(&r, &s0), "read /proc") ||
	    !run_until_held(&r) || !run_read_quiet(&r, &s1))
		goto out;
	runq = log2_hist_total(&r.s.runq);
	off = log2_hist_total(&r.s.offcpu);
	vol = s1.vol - s0.vol;
	slices = s1.st.slices - s0.st.slices;
	fprintf(stderr, "/proc: voluntary %llu, slices %llu, waiting %.3f ms\n",
		(unsigned long long)vol, (unsigned long long)slices,
		(s1.st.wait_ns - s0.st.wait_ns) / 1e6);
	CHECK(vol >= 290, "only %llu voluntary switches for 300 sleeps", (unsigned long long)vol);
	CHECK(near(runq, slices, 2, 2), "%llu run-queue waits, %llu slices",
	      (unsigned long long)runq, (unsigned long long)slices);
	CHECK(near(off, vol, 2, 2), "%llu off-CPU stays, %llu voluntary switches",
	      (unsigned long long)off, (unsigned long long)vol);
	/* schedstat's run_delay is no answer for waits of a few us: it sums them
	 * on the run-queue clock and comes out several times below the time
	 * between the two tracepoints; it answers for long waits (spinners) */
	CHECK(log2_hist_percentile(&r.s.runq, 50) < 128 * 1024,
	      "median run-queue wait of a lone sleeper %llu ns, not under 128 us",
	      (unsigned long long)log2_hist_percentile(&r.s.runq, 50));
	CHECK(r.s.offcpu_ns >= (vol - 2) * 1000000ULL, "off CPU %.3f s, under %llu x 1 ms",
	      r.s.offcpu_ns / 1e9, (unsigned long long)vol);
out:
	run_end(&r);
}

/* Threads and processes made and ended: exactly as many as the workload made. */
static void tasks_created_and_exited(void)
{
	const char *threads[] = { "--threads", "4", "--hold", "getppid", "10", NULL };
	const char *procs[] = { "--procs", "3", "getppid", "10", NULL };
	struct run r;

	test_require_root();
	/* held: all four alive at once, then ended by the main thread's exit */
	if (run_start(&r, threads) && run_until_held(&r) &&
	    CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") && run_read(&r)) {
		CHECK(r.s.threads_created == 4 && r.s.procs_created == 0,
		      "created %llu threads, %llu processes: not 4 and 0",
		      (unsigned long long)r.s.threads_created,
		      (unsigned long long)r.s.procs_created);
		CHECK(r.s.threads_exited == 4 && r.s.procs_exited == 1,
		      "exited %llu threads, %llu processes: not 4 and 1",
		      (unsigned long long)r.s.threads_exited, (unsigned long long)r.s.procs_exited);
		CHECK(r.s.tasks_peak == 4, "at most %lld more tasks at once, not 4",
		      (long long)r.s.tasks_peak);
	}
	run_end(&r);
	if (run_start(&r, procs) && CHECK(workload_go(&r.w) == 0, "go") &&
	    CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") && run_read(&r)) {
		CHECK(r.s.procs_created == 3 && r.s.threads_created == 0,
		      "created %llu processes, %llu threads: not 3 and 0",
		      (unsigned long long)r.s.procs_created,
		      (unsigned long long)r.s.threads_created);
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
	    !CHECK(sscanf(line,
			  "done nvcsw=%llu nivcsw=%llu children_nvcsw=%llu children_nivcsw=%llu",
			  &nv, &niv, &cnv, &cniv) == 4,
		   "report '%s'", line) ||
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
	struct snap s0, s1;
	struct run r;

	test_require_root();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		test_skip("needs 2 CPUs");
	if (!run_start(&r, args) || !CHECK(snap_take(&r, &s0), "read /proc") ||
	    !run_until_held(&r) || !run_read_quiet(&r, &s1))
		goto out;
	CHECK(r.s.migrations >= 100, "%llu migrations for 100 hops",
	      (unsigned long long)r.s.migrations);
	CHECK(r.s.migrations == s1.migrations - s0.migrations, "%llu migrations, /proc says %llu",
	      (unsigned long long)r.s.migrations,
	      (unsigned long long)(s1.migrations - s0.migrations));
out:
	run_end(&r);
}

/*
 * What the kernel charged the target is what its cgroup's cpu.stat counts
 * (within 2%), however often it sleeps; the stays on a CPU themselves are
 * less, by the time a woken task is charged before it runs (from its
 * wakeup: __schedule skips the clock update the wakeup just made).
 */
static void charged_matches_cgroup(void)
{
	const char *args[] = { "--cpu", "0", "--hold", "sleep", "20000", "10", NULL };
	struct cgroup_cpu c0, c1;
	double cg_ns, per_wakeup;
	struct run r;

	test_require_root();
	if (!run_start(&r, args) || !CHECK(!cgroup_cpu(&r.cg, &c0), "cpu.stat") ||
	    !run_until_held(&r) || !CHECK(!cgroup_cpu(&r.cg, &c1), "cpu.stat") || !run_read(&r))
		goto out;
	cg_ns = (c1.usage_us - c0.usage_us) * 1e3;
	per_wakeup = (r.s.charged_ns - (double)r.s.oncpu_ns) / r.s.voluntary;
	fprintf(stderr, "cgroup %.1f ms, charged %.1f ms, on CPU %.1f ms: %.2f us a wakeup\n",
		cg_ns / 1e6, r.s.charged_ns / 1e6, r.s.oncpu_ns / 1e6, per_wakeup / 1e3);
	CHECK(near(r.s.charged_ns, cg_ns, 2, 2e5), "charged %.1f ms, cpu.stat %.1f ms",
	      r.s.charged_ns / 1e6, cg_ns / 1e6);
	CHECK(r.s.charged_ns >= r.s.oncpu_ns, "charged %.1f ms, less than on CPU %.1f ms",
	      r.s.charged_ns / 1e6, r.s.oncpu_ns / 1e6);
out:
	run_end(&r);
}

/* ------------------------------------------------------------ time account */

/* K sleeps of T (clock_nanosleep): blocked in it K times, K x T and the
 * timer's slack (50 us a sleep); next to no time on a CPU. */
static void sleeper_blocked_in_nanosleep(void)
{
	const char *args[] = { "sleep", "100", "10000", NULL };
	const double expect = 100 * 10e6;
	__u64 ns, blocks;
	struct run r;

	test_require_root();
	if (!run_start(&r, args) || !run_go_from_now(&r) ||
	    !CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") || !run_read(&r) ||
	    !account_adds_up(&r.s, "sleeper"))
		goto out;
	ns = blocked_in(&r.s, sleeps, &blocks);
	CHECK(blocks == 100, "%llu blocks in a sleep, not 100", (unsigned long long)blocks);
	CHECK(ns >= expect * 0.99 && ns <= expect * 1.04, "blocked in a sleep %.3f s, not 1 s",
	      ns / 1e9);
	CHECK(r.s.running_ns < r.s.life_ns / 50, "running %.3f s of %.3f s", r.s.running_ns / 1e9,
	      r.s.life_ns / 1e9);
out:
	run_end(&r);
}

/* A reader of a pipe fed a byte every 5 ms, 100 times: blocked in read
 * 100 times, 0.5 s; its feeder as long in its sleeps. */
static void pipe_reader_blocked_in_read(void)
{
	const char *args[] = { "pipe", "100", "5000", NULL };
	const char *const reads[] = { "read", NULL };
	const double expect = 100 * 5e6;
	__u64 ns, blocks, slept, naps;
	struct run r;

	test_require_root();
	if (!run_start(&r, args) || !run_go_from_now(&r) ||
	    !CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") || !run_read(&r) ||
	    !account_adds_up(&r.s, "pipe reader"))
		goto out;
	ns = blocked_in(&r.s, reads, &blocks);
	slept = blocked_in(&r.s, sleeps, &naps);
	CHECK(blocks == 100, "%llu blocks in read, not 100", (unsigned long long)blocks);
	CHECK(naps == 100 && slept >= expect * 0.99 && slept <= expect * 1.05,
	      "the feeder slept %llu times, %.3f s", (unsigned long long)naps, slept / 1e9);
	/* each wait in read is one of the feeder's sleeps, and its wait for a
	 * CPU and its write after */
	CHECK(ns >= slept && ns <= slept + r.s.runnable_ns + r.s.running_ns + expect / 100,
	      "blocked in read %.3f s; the feeder slept %.3f s, all ran %.3f s, waited %.3f s",
	      ns / 1e9, slept / 1e9, r.s.running_ns / 1e9, r.s.runnable_ns / 1e9);
out:
	run_end(&r);
}

/*
 * Life against the wall clock and /proc: the same tasks alive throughout
 * the window (/proc/PID/task), life is their number times its length.
 * Three threads spin on one CPU, the main thread waits for them, blocked
 * throughout and so left out: the window opens and is read in the middle
 * of it, so every state is clipped at the start and closed at the read.
 */
static void life_is_wall_time_times_tasks(void)
{
	const char *args[] = { "--threads", "3", "--cpu", "1", "--hold", "spin", "4000", NULL };
	const char *const futex[] = { "futex", NULL };
	struct timespec window = { 1, 0 };
	__u64 tasks = 0, running = 0, t[4], wall, main_ns;
	struct run r;
	int err;

	test_require_root();
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		test_skip("needs 2 CPUs");
	if (!run_start(&r, args) || !CHECK(workload_go(&r.w) == 0, "go") ||
	    !CHECK(WAIT_UNTIL(!proc_tasks(r.w.pid, &tasks, &running) && tasks == 4 && running == 3,
			      5000),
		   "%llu tasks, %llu running: never 4 and 3", (unsigned long long)tasks,
		   (unsigned long long)running))
		goto out;
	/* the window opens inside reset and closes inside read: between
	 * t[0] and t[1], and between t[2] and t[3] */
	t[0] = mono_ns();
	err = sched_probe_reset(r.p);
	t[1] = mono_ns();
	if (!CHECK(!err, "reset: %s", strerror(-err)))
		goto out;
	nanosleep(&window, NULL); /* the window's length, not a wait for something */
	t[2] = mono_ns();
	err = sched_probe_read(r.p, &r.s);
	t[3] = mono_ns();
	if (!CHECK(!err, "read: %s", strerror(-err)))
		goto out;
	wall = (t[3] + t[2] - t[1] - t[0]) / 2;
	fprintf(stderr, "window %.6f s, +- %.6f s\n", wall / 1e9,
		(t[3] - t[2] + t[1] - t[0]) / 2e9);
	if (!CHECK(!proc_tasks(r.w.pid, &tasks, &running) && tasks == 4 && running == 3,
		   "%llu tasks, %llu running after the window", (unsigned long long)tasks,
		   (unsigned long long)running) ||
	    !account_adds_up(&r.s, "3 spinners on a CPU"))
		goto out;
	/* the spinners; the main thread, blocked in futex all along, left out */
	CHECK(r.s.life_ns >= 3 * (t[2] - t[1]) * 0.999 && r.s.life_ns <= 3 * (t[3] - t[0]) * 1.001,
	      "life %.6f s, 3 tasks x between %.6f and %.6f s", r.s.life_ns / 1e9,
	      (t[2] - t[1]) / 1e9, (t[3] - t[0]) / 1e9);
	CHECK(near(r.s.running_ns + r.s.runnable_ns, 3.0 * wall, 2, 0),
	      "spinners running %.3f s and runnable %.3f s, not 3 x %.3f s", r.s.running_ns / 1e9,
	      r.s.runnable_ns / 1e9, wall / 1e9);
	/* one CPU for three: two wait at any moment */
	CHECK(r.s.runnable_ns >= 1.8 * wall, "runnable %.3f s of 3 x %.3f s", r.s.runnable_ns / 1e9,
	      wall / 1e9);
	main_ns = r.s.idle_ns;
	CHECK(r.s.idle_tasks == 1 && near(main_ns, wall, 2, 0) && !blocked_in(&r.s, futex, NULL),
	      "main, blocked in futex throughout, left out: %llu task(s), %.3f s of %.3f s",
	      (unsigned long long)r.s.idle_tasks, main_ns / 1e9, wall / 1e9);
out:
	run_end(&r);
}

/*
 * A task blocked in a page fault is in no syscall, whatever orig_ax holds
 * (an exception's error code: 4 for a read, stat's number on x86_64).
 * Faults that wait for the disk do so only when the disk is slower than
 * the fault (on a VM whose host answers at once, they never wait): faults
 * on userfaultfd pages wait for a thread that fills each 5 ms later.
 */
static void page_faults_block_outside_syscalls(void)
{
	const char *args[] = { "uffd", "100", "5000", NULL };
	const char *const none[] = { "not in a syscall", NULL };
	const double expect = 100 * 5e6;
	__u64 ns, blocks, slept;
	struct run r;

	test_require_root();
	if (!run_start(&r, args) || !run_go_from_now(&r) ||
	    !CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") || !run_read(&r) ||
	    !account_adds_up(&r.s, "faults on userfaultfd"))
		goto out;
	ns = blocked_in(&r.s, none, &blocks);
	slept = blocked_in(&r.s, sleeps, NULL);
	CHECK(blocks == 100, "%llu blocks outside syscalls, not 100", (unsigned long long)blocks);
	/* each wait holds one of the filler's sleeps, and its wakeup and fill */
	CHECK(ns >= slept && slept >= expect * 0.99 && ns <= expect * 1.1,
	      "blocked outside syscalls %.3f s, the filler slept %.3f s: not 0.5 s", ns / 1e9,
	      slept / 1e9);
	/* the filler blocks in read and its sleeps; nothing else near 100 times */
	for (int i = 0; i < r.s.nblocked; i++)
		CHECK(r.s.blocked[i].nr < 0 || r.s.blocked[i].blocks < 10 ||
			      !strcmp(r.s.blocked[i].name, "read") ||
			      !strcmp(r.s.blocked[i].name, "clock_nanosleep"),
		      "%llu blocks in %s", (unsigned long long)r.s.blocked[i].blocks,
		      r.s.blocked[i].name);
out:
	run_end(&r);
}

/*
 * A task stopped (SIGSTOP) on its way out of a syscall still has the
 * syscall's number in orig_ax, and its result in ax: not -ENOSYS, so the
 * stop is not counted as the syscall's. The sleep it left goes on after
 * SIGCONT as restart_syscall.
 */
static void stopped_task_is_in_no_syscall(void)
{
	const char *args[] = { "sleep", "1", "1000000", NULL };
	const char *const none[] = { "not in a syscall", NULL };
	const char *const sleeping[] = { "clock_nanosleep", "nanosleep", "restart_syscall", NULL };
	struct timespec stop = { 0, 300000000 };
	__u64 ns, blocks, slept, t0 = 0, t1 = 0;
	struct run r;

	test_require_root();
	if (!run_start(&r, args) || !run_go_from_now(&r) ||
	    !CHECK(WAIT_UNTIL(proc_state(r.w.pid) == 'S' && !workload_waits_for_go(&r.w), 5000),
		   "never slept") ||
	    !CHECK(!kill(r.w.pid, SIGSTOP) && WAIT_UNTIL(proc_state(r.w.pid) == 'T', 5000),
		   "never stopped"))
		goto out;
	t0 = mono_ns();
	nanosleep(&stop, NULL); /* how long it stays stopped */
	t1 = mono_ns();
	if (!CHECK(!kill(r.w.pid, SIGCONT), "SIGCONT") ||
	    !CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") || !run_read(&r) ||
	    !account_adds_up(&r.s, "stopped sleeper"))
		goto out;
	ns = blocked_in(&r.s, none, &blocks);
	slept = blocked_in(&r.s, sleeping, NULL);
	CHECK(blocks == 1 && ns >= (t1 - t0) * 0.95,
	      "stopped %.3f s, outside syscalls %llu times, %.3f s", (t1 - t0) / 1e9,
	      (unsigned long long)blocks, ns / 1e9);
	CHECK(ns + slept >= 0.99e9 && ns + slept <= 1.05e9,
	      "stopped %.3f s and asleep %.3f s: not 1 s", ns / 1e9, slept / 1e9);
out:
	run_end(&r);
}

/* io_uring's worker threads (io-wq) wait for work in no syscall: told
 * apart by their flags, a kind of their own, not "not in a syscall". */
static void io_wq_workers_block_as_themselves(void)
{
	const char *args[] = { "punt", "50", "5000", NULL };
	const char *const worker[] = { "io_uring worker", NULL };
	__u64 ns, blocks;
	struct run r;

	test_require_root();
	if (!run_start(&r, args) || !run_go_from_now(&r) ||
	    !CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") || !run_read(&r) ||
	    !account_adds_up(&r.s, "io-wq"))
		goto out;
	ns = blocked_in(&r.s, worker, &blocks);
	/* a worker waits for the next NOP while its task sleeps 5 ms */
	CHECK(blocks >= 25 && ns >= 50 * 5e6 / 2, "io_uring workers blocked %llu times, %.3f s",
	      (unsigned long long)blocks, ns / 1e9);
out:
	run_end(&r);
}

/* Without the task iterator nothing of the account is measured, and why
 * says so; without the wakeups it still adds up (blocked until running). */
static void account_without_hooks(void)
{
	const char *args[] = { "sleep", "50", "2000", NULL };
	__u64 ns;
	struct run r;

	test_require_root();
	hooks_env.hidden = "iter/task";
	if (run_start(&r, args) && run_go_from_now(&r) &&
	    CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") && run_read(&r)) {
		CHECK(!r.s.have_account && r.s.life_ns == 0 && r.s.nblocked == 0,
		      "an account without the iterator");
		CHECK(strstr(r.s.why, "time account: no iter/task"), "why: %s", r.s.why);
	}
	run_end(&r);
	hooks_env.hidden = "sched_wakeup,sched_wakeup_new";
	if (run_start(&r, args) && run_go_from_now(&r) &&
	    CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") && run_read(&r) &&
	    account_adds_up(&r.s, "without wakeups")) {
		ns = blocked_in(&r.s, sleeps, NULL);
		CHECK(ns >= 50 * 2e6, "blocked in a sleep %.3f ms, under 50 x 2 ms", ns / 1e6);
	}
	run_end(&r);
	hooks_env.hidden = NULL;
}

/* A blocking server with nothing to do waits in accept: all of its serving
 * thread's time, before a request and after it. */
static void blocking_server_idle_in_accept(void)
{
	const char *const accepts[] = { "accept", "accept4", NULL };
	struct timespec idle = { 0, 300000000 };
	struct sched_stats s = { 0 };
	struct http_response resp;
	struct server srv = { 0 };
	struct probe_target t;
	struct cgroup cg = { 0 };
	__u64 ns, blocks;
	char why[256];
	void *p = NULL;
	int err;

	test_require_root();
	if (!CHECK(!cgroup_create(&cg, "test-sched-server"), "create cgroup") ||
	    !CHECK(!server_start(&srv, "blocking", NULL), "start server-blocking") ||
	    !CHECK(!cgroup_add_pid(&cg, srv.pid), "server into its cgroup"))
		goto out;
	t = (struct probe_target){ .cgroup_id = cg.id, .pid = srv.pid };
	err = sched_probe_open(&p, &t, why, sizeof(why));
	if (!CHECK(!err, "open probe: %s: %s", strerror(-err), why))
		goto out;
	err = sched_probe_attach(p, why, sizeof(why));
	if (!CHECK(!err, "attach probe: %s: %s", strerror(-err), why))
		goto out;
	/* idle, a request, idle again: the lengths of the window */
	nanosleep(&idle, NULL);
	if (!CHECK(http_get(srv.port, "/", &resp) == 0 && resp.status == 200, "GET /"))
		goto out;
	nanosleep(&idle, NULL);
	err = sched_probe_read(p, &s);
	if (!CHECK(!err, "read: %s", strerror(-err)))
		goto out;
	sched_stats_print(stderr, &s);
	if (!account_adds_up(&s, "blocking, idle"))
		goto out;
	ns = blocked_in(&s, accepts, &blocks);
	CHECK(ns >= s.life_ns * 0.95, "blocked in accept %.3f s of a life of %.3f s", ns / 1e9,
	      s.life_ns / 1e9);
	CHECK(blocks >= 1, "never blocked in accept again after the request");
out:
	sched_probe_destroy(p);
	if (srv.pid > 0)
		server_stop(&srv);
	cgroup_destroy(&cg);
}

/* ------------------------------------------------------------ real servers */

/* The sched probe's record of experiment i of a harness run, into s. */
static bool experiment_sched(const json_t *results, size_t i, struct sched_stats *s,
			     const char **model)
{
	const json_t *e = harness_experiment(results, i);
	int err;

	*model = json_string_value(json_object_get(e, "model")) ?: "?";
	err = sched_stats_from_json(json_object_get(json_object_get(e, "probes"), "sched"), s);
	return CHECK(e && !err, "experiment %zu (%s): no sched record: %s", i, *model,
		     strerror(-err));
}

/* The account's figures are the probe's, and a syscall blocked in has its
 * blocked_us among the syscalls' figures. */
static void figures_carry_the_account(const json_t *results, size_t i, const struct sched_stats *s)
{
	const json_t *fig = json_object_get(harness_experiment(results, i), "figures"), *y;
	double life = json_number_value(json_object_get(fig, "life_us"));
	size_t k;
	bool found = !s->nblocked || s->blocked[0].nr < 0;

	CHECK(near(life * 1e3, s->life_ns, 0.001, 1) &&
		      near(json_number_value(json_object_get(fig, "blocked_us")) * 1e3,
			   s->blocked_ns, 0.001, 1),
	      "figures: life %.0f us, blocked %.0f us; the probe's %llu ns, %llu ns", life,
	      json_number_value(json_object_get(fig, "blocked_us")), (unsigned long long)s->life_ns,
	      (unsigned long long)s->blocked_ns);
	json_array_foreach(json_object_get(fig, "syscalls_by_time"), k, y)
		found |= !strcmp(json_string_value(json_object_get(y, "name")) ?: "",
				 s->blocked[0].name) &&
			 near(json_number_value(json_object_get(y, "blocked_us")) * 1e3,
			      s->blocked[0].ns, 0.001, 1);
	CHECK(found, "figures: no blocked_us for %s", s->blocked[0].name);
}

/* Each experiment of a harness run adding up. */
static void servers_add_up(const json_t *results, struct sched_stats *s)
{
	const char *model;
	size_t n = json_array_size(json_object_get(results, "experiments"));

	if (!CHECK(n >= 2, "%zu experiments", n))
		return;
	for (size_t i = 0; i < n; i++) {
		if (!experiment_sched(results, i, s, &model) || !account_adds_up(s, model))
			continue;
		for (int k = 0; k < s->nblocked && k < 4; k++)
			fprintf(stderr, "  %s: blocked in %s %.1f%% of life, %llu blocks\n", model,
				s->blocked[k].name, 100.0 * s->blocked[k].ns / s->life_ns,
				(unsigned long long)s->blocked[k].blocks);
		figures_carry_the_account(results, i, s);
	}
}

/*
 * Every model under load: the states add up to the tasks' life. Then the
 * fork and pthread models under the sleep scenario, whose handlers end
 * as the load stops, while the probes are read.
 */
static void real_servers_add_up(void)
{
	const char *all[] = { "all", "-s", "throughput", NULL };
	const char *ending[] = { "fork", "pthread", "-s", "sleep", NULL };
	const char *const *runs[] = { all, ending };
	struct sched_stats *s = calloc(1, sizeof(*s));
	json_t *results = NULL;

	for (size_t r = 0; r < 2 && s; r++) {
		json_decref(results);
		results = harness_results(runs[r], NULL, NULL);
		if (!results)
			break;
		servers_add_up(results, s);
	}
	free(s);
	json_decref(results);
}

/*
 * epoll with a handler that sleeps 1 ms (the sleep scenario): its loop
 * spends at least 90% of its time blocked in the sleep. The main thread,
 * which waits for SIGTERM in rt_sigtimedwait all along, serves nothing and
 * is left out: the account is the loop's.
 */
static void epoll_loop_sleeps(void)
{
	const char *args[] = { "epoll", "-s", "sleep", NULL };
	json_t *results = harness_results(args, NULL, NULL);
	struct sched_stats *s = calloc(1, sizeof(*s));
	__u64 slept, loop_ns;
	const char *model;

	if (!results || !s || !experiment_sched(results, 0, s, &model) ||
	    !account_adds_up(s, "epoll, sleep"))
		goto out;
	slept = blocked_in(s, sleeps, NULL);
	loop_ns = s->life_ns;
	fprintf(stderr, "the loop: %.3f s, asleep %.1f%%, waiting for a CPU %.1f%%\n",
		loop_ns / 1e9, 100.0 * slept / loop_ns, 100.0 * s->runnable_ns / loop_ns);
	CHECK(s->idle_tasks == 1 && s->idle_ns >= 0.99 * loop_ns && s->idle_ns <= 1.01 * loop_ns,
	      "the main thread, waiting for a signal, not left out: %llu task(s), %.3f s of "
	      "%.3f s",
	      (unsigned long long)s->idle_tasks, s->idle_ns / 1e9, loop_ns / 1e9);
	/* a busy machine's other tasks take CPU 0 from it now and then: that
	 * wait for the CPU is theirs, not the server's (94% asleep on a quiet
	 * machine, 89.9% once with the load average at 17) */
	CHECK(slept >= 0.9 * (loop_ns - s->runnable_ns),
	      "the loop slept %.3f s of %.3f s (%.3f s waiting for a CPU)", slept / 1e9,
	      loop_ns / 1e9, s->runnable_ns / 1e9);
	figures_carry_the_account(results, 0, s);
out:
	free(s);
	json_decref(results);
}

/* Written and read back, every figure of the account; a record from
 * before it reads as not measured. */
static void account_survives_json(void)
{
	struct sched_stats *s = calloc(1, sizeof(*s)), *back = calloc(1, sizeof(*back));
	json_t *j = NULL;

	if (!s || !back)
		goto out;
	*s = (struct sched_stats){ .voluntary = 7,
				   .have_account = true,
				   .life_ns = 3000,
				   .running_ns = 1000,
				   .runnable_ns = 500,
				   .blocked_ns = 1500,
				   .blocked_nosys_ns = 300,
				   .nblocked = 2 };
	s->blocked[0] = (struct sched_blocked){ "clock_nanosleep", 230, 1200, 4 };
	s->blocked[1] = (struct sched_blocked){ "not in a syscall", -1, 300, 2 };
	j = sched_stats_to_json(s);
	if (!CHECK(j && sched_stats_from_json(j, back) == 0, "round trip"))
		goto out;
	CHECK(back->have_account && back->life_ns == 3000 && back->running_ns == 1000 &&
		      back->runnable_ns == 500 && back->blocked_ns == 1500 &&
		      back->blocked_nosys_ns == 300 && back->nblocked == 2 &&
		      !memcmp(back->blocked, s->blocked, 2 * sizeof(s->blocked[0])),
	      "the account read back differs");
	json_object_del(j, "account");
	if (!CHECK(sched_stats_from_json(j, back) == 0, "a record without the account"))
		goto out;
	CHECK(!back->have_account && back->life_ns == 0 && back->nblocked == 0 &&
		      back->voluntary == 7,
	      "a record without the account: have %d, life %llu", back->have_account,
	      (unsigned long long)back->life_ns);
out:
	json_decref(j);
	free(s);
	free(back);
}

static const struct test_case cases[] = {
	TEST(voluntary_matches_proc),
	TEST(spinners_on_one_cpu),
	TEST(lone_sleeper_waits_little),
	TEST(tasks_created_and_exited),
	TEST(forked_children_switches),
	TEST(migrations_counted),
	TEST(charged_matches_cgroup),
	TEST(sleeper_blocked_in_nanosleep),
	TEST(pipe_reader_blocked_in_read),
	TEST(life_is_wall_time_times_tasks),
	TEST(page_faults_block_outside_syscalls),
	TEST(stopped_task_is_in_no_syscall),
	TEST(io_wq_workers_block_as_themselves),
	TEST(account_without_hooks),
	TEST(blocking_server_idle_in_accept),
	TEST(account_survives_json),
	TEST_SLOW(real_servers_add_up, 150),
	TEST_SLOW(epoll_loop_sleeps, 150),
};

TEST_MAIN(cases)
