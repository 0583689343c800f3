// SPDX-License-Identifier: MIT
/*
 * All probes together (probes/probes.h): on this kernel every probe opens;
 * on a poorer one (not root, no BTF, a tracepoint missing) each probe that
 * cannot run says why in words a person can act on, and the rest still
 * measure. The target's counts ignore load elsewhere on the machine, and
 * nothing is left attached afterwards.
 */
#include "harness/sandbox/cgroup.h"
#include "probes/hooks.h"
#include "probes/probes.h"
#include "tests/lib/bpf_progs.h"
#include "tests/lib/check.h"
#include "tests/lib/client.h"
#include "tests/lib/cmd.h"
#include "tests/lib/fresh_tracefs.h"
#include "tests/lib/server.h"
#include "tests/lib/workload.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <grp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static struct probes_stats stats; /* big: not on the stack */

/* A workload in a cgroup of its own, blocked until go, all probes on it. */
struct run {
	struct cgroup cg;
	struct workload w;
	struct probes *ps;
};

static bool run_start(struct run *r, const char *name, const char *const args[])
{
	struct probe_target t;
	int err;

	memset(r, 0, sizeof(*r));
	err = cgroup_create(&r->cg, name);
	if (!CHECK(!err, "create cgroup: %s", strerror(-err)))
		return false;
	err = workload_start(&r->w, r->cg.path, args);
	if (!CHECK(!err, "start workload: %s", strerror(-err)))
		return false;
	t = (struct probe_target){ .cgroup_id = r->cg.id, .pid = r->w.pid };
	err = probes_open(&r->ps, &t, NULL);
	if (!CHECK(!err, "open probes: %s", strerror(-err)))
		return false;
	probes_attach(r->ps);
	return CHECK(WAIT_UNTIL(workload_all_blocked(&r->w), 5000), "workload never blocked");
}

static void run_end(struct run *r)
{
	probes_destroy(r->ps);
	if (r->w.pid > 0)
		workload_stop(&r->w);
	cgroup_destroy(&r->cg);
}

static __u64 calls(const char *name)
{
	const struct syscall_stat *st = syscalls_find(&stats.syscalls, name);

	return st ? st->count : 0;
}

static bool every(const struct probes *ps, bool available, const char *why_has)
{
	bool ok = true;

	for (int k = 0; k < PROBE_KINDS; k++) {
		const struct probe_status *st = &ps->status[k];

		ok &= CHECK(st->available == available, "%s %savailable: %s", st->name,
			    st->available ? "" : "un", st->why);
		if (why_has)
			ok &= CHECK(strstr(st->why, why_has), "%s: why '%s' does not say '%s'",
				    st->name, st->why, why_has);
	}
	return ok;
}

/* ------------------------------------------------------------ this kernel */

static int bpf_stats_enabled(void)
{
	FILE *f = fopen("/proc/sys/kernel/bpf_stats_enabled", "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* Loaded programs, in now and not in before, named as one of ours. */
static int ours_loaded(const struct bpf_progs *before, const struct bpf_progs *now, __u32 *ids,
		       int max)
{
	static const char *const names[] = {
		"sys_enter_btf",   "sys_exit_btf",    "sys_enter_tp",	  "sys_exit_tp",
		"sched_switch",	   "sched_wakeup",    "sched_wakeup_new", "sched_process_f",
		"sched_process_e", "sched_migrate_t", "enqueue",	  "sample",
		"submit",	   "complete_btf",    "complete_tp",	  "punt",
		"cq_wait",	   "page_fault_user", "page_fault_kern",  "profile",
	};
	int n = 0;

	for (int i = 0; i < now->n; i++) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		bool seen = false;
		int fd;

		for (int k = 0; k < before->n && !seen; k++)
			seen = before->id[k] == now->id[i];
		if (seen || (fd = bpf_prog_get_fd_by_id(now->id[i])) < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &info, &len))
			for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
				if (!strncmp(info.name, names[k], sizeof(info.name)) && n < max)
					ids[n++] = now->id[i];
		close(fd);
	}
	return n;
}

static int still_loaded(const struct bpf_progs *now, const __u32 *ids, int n)
{
	int left = 0;

	for (int i = 0; i < n; i++)
		for (int k = 0; k < now->n; k++)
			left += now->id[k] == ids[i];
	return left;
}

/* As root here every probe opens and attaches; destroy leaves nothing
 * attached, and the sysctl alone (the statistics are switched on through
 * an fd, BPF_ENABLE_STATS, which the kernel undoes when it closes). */
static void every_probe_runs_here(void)
{
	struct probe_target self = { .pid = getpid() };
	struct bpf_progs before, during, after;
	int stats_before = bpf_stats_enabled();
	struct probes *ps = NULL;
	__u32 ids[64];
	bool gone;
	int n;

	test_require_root();
	bpf_progs_list(&before);
	if (!CHECK(probes_open(&ps, &self, NULL) == 0, "open"))
		return;
	probes_attach(ps);
	every(ps, true, NULL);
	CHECK(probes_reset(ps) == 0, "reset");
	CHECK(probes_read(ps, &stats) == 0, "read");
	for (int k = 0; k < PROBE_KINDS; k++)
		CHECK(stats.have[k], "%s not read", probe_name(k));
	bpf_progs_list(&during);
	n = ours_loaded(&before, &during, ids, 64);
	CHECK(n >= 8, "only %d of our programs loaded", n);
	probes_destroy(ps);
	/* the kernel frees a detached program after an RCU grace period */
	/* apart from CHECK, whose message may be evaluated first */
	gone = WAIT_UNTIL((bpf_progs_list(&after), still_loaded(&after, ids, n) == 0), 10000);
	CHECK(gone, "%d of our programs still loaded", still_loaded(&after, ids, n));
	CHECK(bpf_stats_enabled() == stats_before, "BPF statistics %d after, %d before",
	      bpf_stats_enabled(), stats_before);
}

/* Each probe's hook table (harness check) names every program it has. */
static void hook_table_matches_programs(void)
{
	static const char *const objs[PROBE_KINDS] = {
		[PROBE_SYSCALLS] = "syscalls",
		[PROBE_SCHED] = "sched",
		[PROBE_ACCEPT_QUEUE] = "accept_queue",
		[PROBE_IO_URING] = "io_uring",
		[PROBE_PAGE_FAULTS] = "page_faults",
		[PROBE_CPU_PROFILE] = "cpu_profile",
		[PROBE_ERRORS] = "errors",
	};

	libbpf_set_print(NULL);
	for (int k = 0; k < PROBE_KINDS; k++) {
		struct bpf_object *obj;
		struct bpf_program *prog;
		char path[512];

		snprintf(path, sizeof(path), "%s/obj/probes/%s.bpf.o", test_bin_dir(), objs[k]);
		obj = bpf_object__open_file(path, NULL);
		if (!CHECK(obj, "open %s: %s", path, strerror(errno)))
			continue;
		bpf_object__for_each_program(prog, obj) {
			const char *sec = bpf_program__section_name(prog);
			bool listed = false;

			for (const struct probe_hook *h = probe_hooks(k); h->sec; h++)
				listed |= !strcmp(h->sec, sec) || (h->alt && !strcmp(h->alt, sec));
			CHECK(listed, "%s: program %s on %s is not in probe_hooks()", probe_name(k),
			      bpf_program__name(prog), sec);
		}
		bpf_object__close(obj);
	}
}

/* ------------------------------------------------------------ a poorer kernel */

static void not_root_is_explained(void)
{
	struct probe_target self = { .cgroup_id = 1, .pid = getpid() };
	struct probes *ps = NULL;

	test_require_root();
	/* this case runs in a child of its own: drop to nobody for good */
	if (!CHECK(setgroups(0, NULL) == 0 && setgid(65534) == 0 && setuid(65534) == 0,
		   "drop to nobody: %s", strerror(errno)))
		return;
	if (!CHECK(probes_open(&ps, &self, NULL) == 0, "open must not fail"))
		return;
	probes_attach(ps);
	every(ps, false, "not root");
	CHECK(strstr(ps->cost_why, "not root"), "cost: '%s'", ps->cost_why);
	CHECK(probes_read(ps, &stats) == 0, "read of nothing");
	probes_print(stderr, ps, &stats);
	probes_destroy(ps);
}

/* Without BTF no BPF probe loads; page_faults counts with the cgroup's
 * perf counter alone, and says what it goes without. */
static void no_btf_is_explained(void)
{
	struct probe_target self = { .cgroup_id = 1, .pid = getpid() };
	struct probes *ps = NULL;

	test_require_root();
	hooks_env.btf_path = "/nonexistent/vmlinux";
	if (!CHECK(probes_open(&ps, &self, NULL) == 0, "open must not fail"))
		return;
	probes_attach(ps);
	for (int k = 0; k < PROBE_KINDS; k++) {
		const struct probe_status *st = &ps->status[k];

		if (k == PROBE_PAGE_FAULTS)
			CHECK(st->available, "page_faults unavailable without BTF: %s", st->why);
		else
			CHECK(!st->available &&
				      strstr(st->why, "no kernel BTF at /nonexistent/vmlinux"),
			      "%s without BTF: %s", st->name, st->why);
	}
	CHECK(probes_read(ps, &stats) == 0, "read");
	CHECK(!stats.page_faults.have_split &&
		      strstr(probes_lacks(&stats, PROBE_PAGE_FAULTS), "no kernel BTF"),
	      "page_faults lacks: '%s'", probes_lacks(&stats, PROBE_PAGE_FAULTS));
	probes_print(stderr, ps, &stats);
	probes_destroy(ps);
}

/* Without sched_switch the sched probe is off and says so; the others
 * measure as before: the syscalls of a known workload, exactly. */
static void missing_tracepoint_leaves_the_others(void)
{
	const char *args[] = { "getppid", "2000", "write", "1000", NULL };
	struct run r;

	test_require_root();
	hooks_env.hidden = "sched_switch";
	if (!run_start(&r, "test-probes", args))
		goto out;
	CHECK(!r.ps->status[PROBE_SCHED].available, "sched available without sched_switch");
	CHECK(strstr(r.ps->status[PROBE_SCHED].why, "sched_switch"), "sched: why '%s'",
	      r.ps->status[PROBE_SCHED].why);
	for (int k = 0; k < PROBE_KINDS; k++)
		if (k != PROBE_SCHED)
			CHECK(r.ps->status[k].available, "%s: %s", probe_name(k),
			      r.ps->status[k].why);
	if (!CHECK(workload_go(&r.w) == 0, "go") ||
	    !CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") ||
	    !CHECK(probes_read(r.ps, &stats) == 0, "read"))
		goto out;
	CHECK(calls("getppid") == 2000 && calls("write") == 1000,
	      "getppid %llu, write %llu: not 2000 and 1000", (unsigned long long)calls("getppid"),
	      (unsigned long long)calls("write"));
	probes_print(stderr, r.ps, &stats);
out:
	run_end(&r);
}

/* Optional hooks missing: the probe runs without those figures, says so. */
static void missing_optional_hooks_drop_figures(void)
{
	const char *args[] = { "sleep", "100", "200", NULL };
	struct run r;

	test_require_root();
	hooks_env.hidden = "sched_wakeup,sched_migrate_task";
	if (!run_start(&r, "test-probes", args) || !CHECK(workload_go(&r.w) == 0, "go") ||
	    !CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") ||
	    !CHECK(probes_read(r.ps, &stats) == 0, "read"))
		goto out;
	CHECK(r.ps->status[PROBE_SCHED].available, "sched: %s", r.ps->status[PROBE_SCHED].why);
	CHECK(!stats.sched.have_runq && !stats.sched.have_migrations, "figures still there");
	CHECK(strstr(probes_lacks(&stats, PROBE_SCHED), "sched_wakeup") &&
		      strstr(probes_lacks(&stats, PROBE_SCHED), "sched_migrate_task"),
	      "lacks: '%s'", probes_lacks(&stats, PROBE_SCHED));
	CHECK(stats.sched.voluntary >= 100, "%llu voluntary switches for 100 sleeps",
	      (unsigned long long)stats.sched.voluntary);
out:
	run_end(&r);
}

/* Without BTF tracepoints for raw_syscalls, the classic ones count the
 * same, on a machine where nobody mounted tracefs. */
static void classic_tracepoints_count_the_same(void)
{
	const char *args[] = { "getppid", "2000", "write", "1000", NULL };
	struct run r;

	/* as on a fresh machine: the probe mounts tracefs itself */
	test_without_tracefs();
	hooks_env.hidden = "tp_btf/sys_enter";
	if (!run_start(&r, "test-probes", args) || !CHECK(workload_go(&r.w) == 0, "go") ||
	    !CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") ||
	    !CHECK(probes_read(r.ps, &stats) == 0, "read"))
		goto out;
	CHECK(calls("getppid") == 2000 && calls("write") == 1000,
	      "getppid %llu, write %llu: not 2000 and 1000", (unsigned long long)calls("getppid"),
	      (unsigned long long)calls("write"));
out:
	run_end(&r);
}

/* ------------------------------------------------------------ filtering */

/* Connections to a listener of ours, outside the target: n connect+accept. */
static int tcp_noise(int n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), done = 0;

	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 64) ||
	    getsockname(l, (struct sockaddr *)&a, &len))
		return -errno;
	for (int i = 0; i < n; i++) {
		int c = tcp_connect(ntohs(a.sin_port)), s;

		if (c < 0)
			break;
		s = accept(l, NULL, NULL);
		done += s >= 0;
		if (s >= 0)
			close(s);
		close(c);
	}
	close(l);
	return done;
}

/*
 * The target makes known syscalls and sleeps while another workload, in a
 * cgroup of its own, does everything at once (syscalls, switches, io_uring)
 * and a listener outside both takes connections: the target's counts are
 * its own, exactly.
 */
static void others_load_leaves_target_counts(void)
{
	const char *args[] = { "--hold", "getppid", "3000", "write", "2000",
			       "sleep",	 "200",	    "200",  NULL };
	const char *noise_args[] = { "--threads", "2",	   "mix", "3000", "nop",
				     "2000",	  "sleep", "200", "100",  NULL };
	struct workload noise = { .pid = -1 };
	struct cgroup noise_cg = { .path = "" };
	__u64 v0, i0, v1, i1;
	char line[128];
	struct run r;
	int conns;

	test_require_root();
	if (!run_start(&r, "test-target", args) ||
	    !CHECK(cgroup_create(&noise_cg, "test-noise") == 0, "noise cgroup") ||
	    !CHECK(workload_start(&noise, noise_cg.path, noise_args) == 0, "start noise") ||
	    !CHECK(proc_ctxt_switches(r.w.pid, &v0, &i0) == 0, "/proc"))
		goto out;
	probes_reset(r.ps);
	if (!CHECK(workload_go(&noise) == 0 && workload_go(&r.w) == 0, "go"))
		goto out;
	conns = tcp_noise(200);
	CHECK(conns == 200, "only %d connections made", conns);
	if (!CHECK(workload_wait(&noise, 30000) == 0, "noise failed") ||
	    !CHECK(workload_read_line(&r.w, line, sizeof(line), 30000) == 0, "target done") ||
	    !CHECK(WAIT_UNTIL(workload_all_blocked(&r.w), 5000), "target not blocked") ||
	    !CHECK(probes_read(r.ps, &stats) == 0, "read") ||
	    !CHECK(proc_ctxt_switches(r.w.pid, &v1, &i1) == 0, "/proc"))
		goto out;
	every(r.ps, true, NULL);
	/* syscalls: the target's, exactly; none that only the noise makes */
	CHECK(calls("getppid") == 3000 && calls("write") == 2000 + 1,
	      "getppid %llu, write %llu: not 3000 and 2001 (the done line)",
	      (unsigned long long)calls("getppid"), (unsigned long long)calls("write"));
	CHECK(!calls("lseek") && !calls("openat") && !calls("sched_yield") &&
		      !calls("io_uring_enter") && !calls("accept") && !calls("connect"),
	      "the noise's syscalls were counted for the target");
	/* sched: as /proc counts the target's own tasks */
	CHECK(stats.sched.voluntary >= 200 && stats.sched.voluntary <= (v1 - v0) * 102 / 100 &&
		      stats.sched.voluntary * 102 / 100 >= v1 - v0,
	      "voluntary %llu, /proc %llu", (unsigned long long)stats.sched.voluntary,
	      (unsigned long long)(v1 - v0));
	CHECK(stats.sched.threads_created == 0, "%llu threads created by a target that made none",
	      (unsigned long long)stats.sched.threads_created);
	/* accept queue and io_uring: the target has neither */
	CHECK(stats.accept_queue.enqueues == 0, "%llu enqueues on the target's listeners",
	      (unsigned long long)stats.accept_queue.enqueues);
	CHECK(stats.io_uring.submitted == 0 && stats.io_uring.completed == 0,
	      "io_uring: %llu submitted, %llu completed for the target",
	      (unsigned long long)stats.io_uring.submitted,
	      (unsigned long long)stats.io_uring.completed);
out:
	workload_stop(&noise);
	cgroup_destroy(&noise_cg);
	run_end(&r);
}

/* ------------------------------------------------------------ cost */

static void each_probe_reports_its_cost(void)
{
	const char *args[] = { "getppid", "20000", "sleep", "100", "100", NULL };
	struct run r;

	test_require_root();
	if (!run_start(&r, "test-probes", args) || !CHECK(workload_go(&r.w) == 0, "go") ||
	    !CHECK(workload_wait(&r.w, 30000) == 0, "workload failed") ||
	    !CHECK(probes_read(r.ps, &stats) == 0, "read"))
		goto out;
	probes_print_cost(stderr, r.ps, &stats);
	/* the programs run for every syscall of the machine: twice each */
	CHECK(stats.syscalls.cost.events >= 2 * 20000, "syscalls: %llu runs for 20000 calls",
	      (unsigned long long)stats.syscalls.cost.events);
	CHECK(stats.syscalls.cost.run_ns > 0 && stats.sched.cost.events >= 200 &&
		      stats.sched.cost.run_ns > 0,
	      "sched: %llu runs, %llu ns", (unsigned long long)stats.sched.cost.events,
	      (unsigned long long)stats.sched.cost.run_ns);
	/* a program run costs tens to hundreds of ns, never 0 or a millisecond */
	for (int k = 0; k < PROBE_KINDS; k++) {
		const struct prog_cost *c = probes_cost(&stats, k);

		if (c && c->events)
			CHECK(c->run_ns / c->events > 0 && c->run_ns / c->events < 100000,
			      "%s: %llu ns per run", probe_name(k),
			      (unsigned long long)(c->run_ns / c->events));
	}
out:
	run_end(&r);
}

/* ------------------------------------------------------------ harness check */

static void harness_check_explains(void)
{
	char bin[512], out[16384];
	const char *ok[] = { bin, "check", NULL };
	const char *hidden[] = { bin, "check", "--without", "sched_switch", NULL };
	const char *nobtf[] = { bin, "check", "--btf", "/nonexistent/vmlinux", NULL };
	const char *nobody[] = {
		"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", bin, "check", NULL
	};
	int st;

	/* as on a fresh machine: it mounts tracefs for itself, and says so */
	test_without_tracefs();
	snprintf(bin, sizeof(bin), "%s/harness", test_bin_dir());
	st = cmd_run(out, sizeof(out), 30, ok);
	CHECK(st == 0, "harness check: exit %d:\n%s", st, out);
	CHECK(strstr(out, "tracefs      not mounted: mounted at /sys/kernel/tracing for the "
			  "harness alone"),
	      "tracefs not explained:\n%s", out);
	CHECK(access("/sys/kernel/tracing/events", F_OK),
	      "harness check left tracefs mounted outside its own mount namespace");
	for (int k = 0; k < PROBE_KINDS; k++) {
		char want[64];

		snprintf(want, sizeof(want), "  %-13s available", probe_name(k));
		CHECK(strstr(out, want), "no '%s' in:\n%s", want, out);
	}
	st = cmd_run(out, sizeof(out), 30, hidden);
	CHECK(st == 1 && strstr(out, "sched         UNAVAILABLE: no tracepoint sched_switch") &&
		      strstr(out, "syscalls      available"),
	      "--without sched_switch: exit %d:\n%s", st, out);
	st = cmd_run(out, sizeof(out), 30, nobtf);
	CHECK(st == 1 && strstr(out, "no kernel BTF at /nonexistent/vmlinux"),
	      "--btf /nonexistent: exit %d:\n%s", st, out);
	if (cmd_exists("setpriv")) {
		st = cmd_run(out, sizeof(out), 30, nobody);
		CHECK(st == 1 && strstr(out, "UNAVAILABLE: not root") &&
			      strstr(out,
				     "tracefs      tracefs not mounted, and only root can mount it"),
		      "as nobody: exit %d:\n%s", st, out);
	}
}

static const struct test_case cases[] = {
	TEST(every_probe_runs_here),
	TEST(hook_table_matches_programs),
	TEST(not_root_is_explained),
	TEST(no_btf_is_explained),
	TEST(missing_tracepoint_leaves_the_others),
	TEST(missing_optional_hooks_drop_figures),
	TEST(classic_tracepoints_count_the_same),
	TEST(others_load_leaves_target_counts),
	TEST(each_probe_reports_its_cost),
	TEST(harness_check_explains),
};

TEST_MAIN(cases)
