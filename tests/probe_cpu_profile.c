// SPDX-License-Identifier: MIT
/*
 * The cpu_profile probe on workloads whose answer is known: a spin loop
 * is user time; a loop of one cheap syscall is that syscall, by name;
 * fresh pages are page faults; a fork loop is task creation and exit.
 * Samples x period against the cgroup's own CPU time (cpu.stat). Real
 * servers under harness run: nearly every sample classified. Its stats
 * through JSON, and a kernel without perf events.
 */
#include "harness/sandbox/cgroup.h"
#include "harness/sandbox/cpu_times.h"
#include "probes/cpu_profile_probe.h"
#include "probes/hooks.h"
#include "probes/stack_kind.h"
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/harness_results.h"
#include "tests/lib/results.h"
#include "tests/lib/workload.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct run {
	struct cgroup cg;
	struct workload w;
	void *p;
	struct cpu_profile_stats s;
	double usage_us; /* the cgroup's CPU time over the same window */
	double steal_us; /* ... and the hypervisor's, of every CPU */
	int stats_fd;	 /* BPF run-time statistics on: the probe's cost */
};

static double share(const struct cpu_profile_stats *s, enum prof_kind k)
{
	return s->samples ? (double)s->kind[k] / s->samples : 0;
}

static double sampled_us(const struct cpu_profile_stats *s)
{
	return s->samples * s->period_ns / 1e3;
}

/* Every kind's share, one line, for the log. */
static void shares_print(const char *what, const struct cpu_profile_stats *s)
{
	fprintf(stderr, "%s: %llu samples:", what, (unsigned long long)s->samples);
	for (int k = 0; k < PROF_KINDS; k++)
		if (s->kind[k])
			fprintf(stderr, " %s %.1f%%", prof_kind_name(k), 100 * share(s, k));
	fprintf(stderr, "\n");
}

/*
 * build/workload ARGS in a cgroup of its own, the probe on it, counting
 * from the moment the workload waits to be told to go; then go, its exit,
 * the probe read, and cpu.stat's usage over the same window.
 */
static bool run(struct run *r, const char *const args[])
{
	struct cpu_times steal0, steal1;
	struct cgroup_cpu before, after;
	struct probe_target t;
	cpu_set_t all;
	char why[256];
	int err;

	memset(r, 0, sizeof(*r));
	CPU_ZERO(&all);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		CPU_SET(cpu, &all);
	r->stats_fd = prog_stats_enable();
	if (!workload_start_in_cgroup(&r->w, &r->cg, "test-cpu-profile", args))
		return false;
	t = (struct probe_target){ .cgroup_id = r->cg.id, .pid = r->w.pid };
	err = cpu_profile_probe_open(&r->p, &t, why, sizeof(why));
	if (!CHECK(!err, "open probe: %s: %s", strerror(-err), why))
		return false;
	err = cpu_profile_probe_attach(r->p, why, sizeof(why));
	if (!CHECK(!err, "attach probe: %s: %s", strerror(-err), why) ||
	    !CHECK(WAIT_UNTIL(workload_waits_for_go(&r->w), 5000),
		   "workload never waited for go") ||
	    !CHECK(cpu_profile_probe_reset(r->p) == 0, "reset") ||
	    !CHECK(cgroup_cpu(&r->cg, &before) == 0, "cpu.stat") ||
	    !CHECK(cpu_times_read(&all, &steal0) == 0, "/proc/stat") ||
	    !CHECK(workload_go(&r->w) == 0, "go") ||
	    !CHECK(workload_wait(&r->w, 60000) == 0, "workload failed"))
		return false;
	err = cpu_profile_probe_read(r->p, &r->s);
	if (!CHECK(!err, "read probe: %s", strerror(-err)) ||
	    !CHECK(cgroup_cpu(&r->cg, &after) == 0, "cpu.stat") ||
	    !CHECK(cpu_times_read(&all, &steal1) == 0, "/proc/stat"))
		return false;
	r->usage_us = after.usage_us - before.usage_us;
	r->steal_us = (steal1.steal_s - steal0.steal_s) * 1e6;
	cpu_profile_stats_print(stderr, &r->s);
	fprintf(stderr,
		"cpu.stat: %.1f ms; sampled %.1f ms (%+.1f%%), the events' clock %.1f ms; "
		"steal %.0f ms\n",
		r->usage_us / 1e3, sampled_us(&r->s) / 1e3,
		100 * (sampled_us(&r->s) / r->usage_us - 1), r->s.clock_ns / 1e6,
		r->steal_us / 1e3);
	fprintf(stderr, "cost: %llu runs, %.0f ns each\n", (unsigned long long)r->s.cost.events,
		r->s.cost.events ? (double)r->s.cost.run_ns / r->s.cost.events : 0);
	return CHECK(r->s.samples > 300, "only %llu samples", (unsigned long long)r->s.samples);
}

static void run_end(struct run *r)
{
	cpu_profile_probe_destroy(r->p);
	if (r->stats_fd >= 0)
		close(r->stats_fd);
	if (r->w.pid > 0)
		workload_stop(&r->w);
	cgroup_destroy(&r->cg);
}

/*
 * Samples x period is the cgroup's CPU time, within the sampling's own
 * error (two standard errors, sqrt(n) samples) and TOLERANCE besides, with
 * one exception: time the hypervisor stole while the cgroup ran is in
 * perf's clock and not in cpu.stat (CONFIG_PARAVIRT_TIME_ACCOUNTING), so
 * samples may exceed it by up to the machine's steal over the window.
 */
#define TOLERANCE 0.03
static void agrees_with_cpu_stat(const struct run *r)
{
	double sampled = sampled_us(&r->s), err = 2 / sqrt(r->s.samples) + TOLERANCE;

	CHECK(sampled >= r->usage_us * (1 - err) &&
		      sampled <= (r->usage_us + r->steal_us) * (1 + err),
	      "sampled %.1f ms, cpu.stat %.1f ms (steal %.1f ms): more than %.1f%% apart",
	      sampled / 1e3, r->usage_us / 1e3, r->steal_us / 1e3, 100 * err);
	CHECK(r->s.lost == 0 && !r->s.why[0], "%llu samples lost: %s",
	      (unsigned long long)r->s.lost, r->s.why);
}

/* A spin loop: user time, nearly all of it. */
static void spin_is_user(void)
{
	const char *args[] = { "spin", "1500", NULL };
	struct run r;

	test_require_root();
	if (!run(&r, args))
		goto out;
	shares_print("spin", &r.s);
	CHECK(share(&r.s, PROF_USER) >= 0.9, "user %.1f%% of a spin loop",
	      100 * share(&r.s, PROF_USER));
	agrees_with_cpu_stat(&r);
out:
	run_end(&r);
}

/* A loop of getppid(): in the kernel, that syscall, by name. */
static void syscall_loop_is_that_syscall(void)
{
	const char *args[] = { "getppid", "3000000", NULL };
	__u64 kernel;
	struct run r;

	test_require_root();
	if (!run(&r, args))
		goto out;
	shares_print("getppid loop", &r.s);
	kernel = r.s.samples - r.s.kind[PROF_USER];
	CHECK(r.s.nsys > 0 && !strcmp(r.s.sys[0].name, "getppid"), "first syscall: %s",
	      r.s.nsys ? r.s.sys[0].name : "none");
	CHECK(r.s.nsys > 0 && r.s.sys[0].samples >= 0.8 * kernel,
	      "getppid: %llu of %llu kernel samples", (unsigned long long)r.s.sys[0].samples,
	      (unsigned long long)kernel);
	agrees_with_cpu_stat(&r);
out:
	run_end(&r);
}

/* Fresh pages touched: page faults. */
static void fresh_pages_are_faults(void)
{
	const char *args[] = { "touch",	 "100000", "touch",  "100000", "touch",
			       "100000", "touch",  "100000", NULL };
	struct run r;

	test_require_root();
	if (!run(&r, args))
		goto out;
	shares_print("touch", &r.s);
	CHECK(share(&r.s, PROF_FAULT) >= 0.5, "page faults %.1f%% of touching fresh pages",
	      100 * share(&r.s, PROF_FAULT));
	agrees_with_cpu_stat(&r);
out:
	run_end(&r);
}

/* fork, exit, wait: task creation and task exit. */
static void fork_loop_creates_and_exits(void)
{
	const char *args[] = { "fork", "3000", NULL };
	struct run r;

	test_require_root();
	if (!run(&r, args))
		goto out;
	shares_print("fork loop", &r.s);
	CHECK(share(&r.s, PROF_CREATE) >= 0.15 && share(&r.s, PROF_EXIT) >= 0.15,
	      "task creation %.1f%%, task exit %.1f%% of a fork loop",
	      100 * share(&r.s, PROF_CREATE), 100 * share(&r.s, PROF_EXIT));
	CHECK(share(&r.s, PROF_KERNEL_OTHER) < 0.1, "kernel, other %.1f%%",
	      100 * share(&r.s, PROF_KERNEL_OTHER));
	agrees_with_cpu_stat(&r);
out:
	run_end(&r);
}

/* Two threads, spinning and calling: the cgroup's CPU on both CPUs. */
static void two_cpus_agree_with_cpu_stat(void)
{
	const char *args[] = { "--threads", "2", "spin", "800", "getppid", "300000", NULL };
	struct run r;

	test_require_root();
	if (!run(&r, args))
		goto out;
	shares_print("two threads", &r.s);
	agrees_with_cpu_stat(&r);
out:
	run_end(&r);
}

/* ------------------------------------------------------------ stacks */

/* The innermost marker decides; the syscall entry only when alone. */
static void stacks_by_innermost_marker(void)
{
	static const struct {
		const char *frames[6]; /* up to the first NULL */
		enum prof_kind kind;
	} cases[] = {
		{ { "__x64_sys_getppid", "do_syscall_64", "entry_SYSCALL_64_after_hwframe" },
		  PROF_SYSCALL },
		{ { "clear_page_erms", "handle_mm_fault", "exc_page_fault", "_copy_to_user",
		    "do_syscall_64" },
		  PROF_FAULT },
		{ { "tcp_v4_rcv", "net_rx_action", "handle_softirqs", "do_softirq",
		    "__local_bh_enable_ip", "do_syscall_64" },
		  PROF_SOFTIRQ },
		{ { "_raw_spin_unlock_irq", "finish_task_switch.isra.0", "__schedule", "schedule",
		    "do_syscall_64" },
		  PROF_SWITCH },
		{ { "memcpy", "bpf_prog_1234abcd_sys_enter", "bpf_trace_run2", "do_syscall_64" },
		  PROF_BPF },
		{ { "dup_mmap", "copy_process", "kernel_clone", "do_syscall_64" }, PROF_CREATE },
		{ { "unmap_vmas", "exit_mmap", "do_exit", "do_group_exit", "do_syscall_64" },
		  PROF_EXIT },
		{ { "native_irq_return", "__sysvec_apic_timer_interrupt" }, PROF_HARDIRQ },
		{ { "memset", "some_function" }, PROF_KERNEL_OTHER },
		/* a prefix is not a name */
		{ { "schedule_timeout_x", "do_syscall_64" }, PROF_SYSCALL },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int n = 0;

		while (n < 6 && cases[i].frames[n])
			n++;
		CHECK(stack_kind(cases[i].frames, n) == cases[i].kind, "case %zu (%s): %s, not %s",
		      i, cases[i].frames[0], prof_kind_name(stack_kind(cases[i].frames, n)),
		      prof_kind_name(cases[i].kind));
	}
	/* a frame not named (no symbol below it) is passed over */
	CHECK(stack_kind((const char *const[]){ NULL, "exc_page_fault" }, 2) == PROF_FAULT,
	      "an unnamed frame");
}

/* ------------------------------------------------------------ JSON */

/* Every figure written and read back. */
static void stats_survive_json(void)
{
	struct cpu_profile_stats a, b;
	json_t *j, *again;
	char *text;

	memset(&a, 0, sizeof(a)); /* padding too: the structs are compared whole */
	a.period_ns = CPU_PROFILE_PERIOD_NS;
	for (int k = 0; k < PROF_KINDS; k++)
		a.kind[k] = 10 * k + 1;
	a.samples = 460;
	a.lost = 3;
	a.clock_ns = 224000000;
	a.nsys = 2;
	snprintf(a.sys[0].name, sizeof(a.sys[0].name), "sendto");
	a.sys[0].samples = 8;
	snprintf(a.sys[1].name, sizeof(a.sys[1].name), "recvfrom");
	a.sys[1].samples = 2;
	a.sys_rest = 1;
	a.cost = (struct prog_cost){ 460, 4000000 };
	snprintf(a.why, sizeof(a.why), "3 kernel samples lost");
	j = cpu_profile_stats_to_json(&a);
	CHECK(j && cpu_profile_stats_from_json(j, &b) == 0, "from_json");
	again = cpu_profile_stats_to_json(&b);
	text = json_dumps(j, JSON_SORT_KEYS);
	CHECK(json_equal(j, again) && !memcmp(&a, &b, sizeof(a)), "to_json(from_json(x)) != x: %s",
	      text);
	for (int k = 0; k < PROF_KINDS; k++)
		CHECK(json_num(json_object_get(j, "by_kind"), prof_kind_name(k)) == a.kind[k],
		      "by_kind.%s in %s", prof_kind_name(k), text);
	free(text);
	json_decref(j);
	json_decref(again);
}

/* ------------------------------------------------------------ a poorer kernel */

/* Without perf events the probe does not open, and says what is missing. */
static void without_perf_events_it_says_so(void)
{
	struct probe_target t = { .pid = getpid() };
	char why[256];
	void *p = NULL;
	int err;

	test_require_root();
	hooks_env.hidden = "perf_event";
	err = cpu_profile_probe_open(&p, &t, why, sizeof(why));
	CHECK(err == -ENOENT && !p, "open without perf events: %d", err);
	CHECK(!strcmp(why, "no perf events in this kernel (hidden)"), "why: '%s'", why);
}

/* harness check says the same, and what a run goes without. */
static void harness_check_without_perf_events(void)
{
	char bin[512], out[16384];
	const char *argv[] = { bin, "check", "--without", "perf_event", NULL };
	int st;

	test_require_root();
	snprintf(bin, sizeof(bin), "%s/harness", test_bin_dir());
	st = cmd_run(out, sizeof(out), 30, argv);
	CHECK(st == 1 &&
		      strstr(out, "cpu_profile   perf_event                           MISSING: "
				  "no perf events in this kernel (hidden)") &&
		      strstr(out,
			     "cpu_profile   UNAVAILABLE: no perf events in this kernel (hidden)"),
	      "harness check --without perf_event: exit %d:\n%s", st, out);
}

/* ------------------------------------------------------------ real servers */

/* harness run MODEL -s SCENARIO --quick: its profile nearly all classified. */
static void server_classified(const char *model, const char *scenario)
{
	const char *args[] = { model, "-s", scenario, NULL };
	const json_t *prof, *kinds;
	char *summary = NULL, what[64];
	double samples, other;
	json_t *results, *e;

	snprintf(what, sizeof(what), "%s, %s", model, scenario);
	results = harness_results(args, model, &summary);
	e = results_experiment(results, model, scenario);
	if (!e)
		goto out;
	prof = json_object_get(json_object_get(e, "probes"), "cpu_profile");
	kinds = json_object_get(prof, "by_kind");
	samples = json_num(prof, "samples");
	other = json_num(kinds, "kernel_other");
	fprintf(stderr, "%s: %.0f samples:", what, samples);
	for (int k = 0; k < PROF_KINDS; k++)
		fprintf(stderr, " %s %.1f%%", prof_kind_name(k),
			100 * json_num(kinds, prof_kind_name(k)) / samples);
	fprintf(stderr, "\n%s\n", summary ?: "");
	if (!CHECK(json_is_true(json_object_get(prof, "available")), "%s: cpu_profile: %s", what,
		   json_string_value(json_object_get(prof, "why"))))
		goto out;
	/* a --quick run on a shared machine may get little CPU; with 100
	 * samples a true 3% share reads 10% once in a thousand runs */
	CHECK(samples >= 100, "%s: %.0f samples", what, samples);
	CHECK(other / samples < 0.1, "%s: kernel, other %.1f%% of %.0f samples", what,
	      100 * other / samples, samples);
	CHECK(summary && strstr(summary, "cpu profile\n"), "%s: no profile in the summary", what);
out:
	free(summary);
	json_decref(results);
}

static void fork_under_connect_classified(void)
{
	server_classified("fork", "connect");
}

static void epoll_under_throughput_classified(void)
{
	server_classified("epoll", "throughput");
}

static const struct test_case cases[] = {
	TEST(stacks_by_innermost_marker),
	TEST(stats_survive_json),
	TEST(spin_is_user),
	TEST(syscall_loop_is_that_syscall),
	TEST(fresh_pages_are_faults),
	TEST(fork_loop_creates_and_exits),
	TEST(two_cpus_agree_with_cpu_stat),
	TEST(without_perf_events_it_says_so),
	TEST(harness_check_without_perf_events),
	TEST_SLOW(fork_under_connect_classified, 150),
	TEST_SLOW(epoll_under_throughput_classified, 150),
};

TEST_MAIN(cases)
