// SPDX-License-Identifier: MIT
/* The syscalls probe against answers known without it: a program that makes
 * exactly K calls, nanosleep's own duration, and bcc's syscount. */
#include "harness/sandbox/cgroup.h"
#include "probes/hist_print.h"
#include "probes/hooks.h"
#include "probes/syscalls_probe.h"
#include "probes/tracefs.h"
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/fresh_tracefs.h"
#include "tests/lib/workload.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A target workload in a cgroup of its own, and the probe on it. */
struct run {
	struct cgroup cg;
	struct workload w;
	void *p;
	struct syscalls_stats *s;
};

static bool run_start(struct run *r, const char *const args[])
{
	struct probe_target t;
	char why[256];
	int err;

	memset(r, 0, sizeof(*r));
	r->w.pid = -1;
	r->s = calloc(1, sizeof(*r->s));
	err = cgroup_create(&r->cg, "test-syscalls");
	if (!CHECK(!err && r->s, "create cgroup: %s", strerror(-err)))
		return false;
	err = workload_start(&r->w, r->cg.path, args);
	if (!CHECK(!err, "start workload: %s", strerror(-err)))
		return false;
	t = (struct probe_target){ .cgroup_id = r->cg.id, .pid = r->w.pid };
	err = syscalls_probe_open(&r->p, &t, why, sizeof(why));
	if (!CHECK(!err, "open probe: %s: %s", strerror(-err), why))
		return false;
	err = syscalls_probe_attach(r->p, why, sizeof(why));
	return CHECK(!err, "attach probe: %s: %s", strerror(-err), why);
}

/* Go, wait for the exit, read. */
static bool run_finish(struct run *r)
{
	int status, err;

	if (!CHECK(workload_go(&r->w) == 0, "go"))
		return false;
	status = workload_wait(&r->w, 30000);
	if (!CHECK(status == 0, "workload exit status %d", status))
		return false;
	err = syscalls_probe_read(r->p, r->s);
	return CHECK(!err, "read probe: %s", strerror(-err));
}

static void run_end(struct run *r)
{
	syscalls_probe_destroy(r->p);
	if (r->w.pid > 0)
		workload_stop(&r->w);
	cgroup_destroy(&r->cg);
	free(r->s);
}

static __u64 calls(const struct syscalls_stats *s, const char *name)
{
	const struct syscall_stat *st = syscalls_find(s, name);

	return st ? st->count : 0;
}

/* K writes to a pipe nobody reads: K write() failed with EPIPE, and no
 * other call of the workload failed with it. */
static void counts_failures_by_errno(void)
{
	const char *args[] = { "epipe", "700", "write", "300", NULL };
	struct run r;

	test_require_root();
	if (run_start(&r, args) && run_finish(&r)) {
		__u64 epipe = 0, other_write = 0;

		for (int i = 0; i < r.s->nerrs; i++) {
			const struct syscall_errno *e = &r.s->errs[i];

			if (!strcmp(e->name, "write") && e->err == EPIPE)
				epipe += e->count;
			else if (!strcmp(e->name, "write"))
				other_write += e->count;
		}
		CHECK(epipe == 700 && !strcmp(r.s->errs[0].ename, "EPIPE"),
		      "write EPIPE counted %llu times, made 700", (unsigned long long)epipe);
		CHECK(other_write == 0, "write failed otherwise %llu times",
		      (unsigned long long)other_write);
		CHECK(calls(r.s, "write") == 1000, "write %llu",
		      (unsigned long long)calls(r.s, "write"));
		CHECK(r.s->failed >= 700, "failed %llu", (unsigned long long)r.s->failed);
		syscalls_stats_print(stderr, r.s);
	}
	run_end(&r);
}

/*
 * Connections accepted while others it had accepted were open: 30 rounds
 * of 4 at once, every round's closed before the next (by the workload, or
 * reset by the peer first on odd rounds), then 40 one at a time: 160
 * accepted (accept4 and accept alike), 30 x 3 beside another, and none
 * of the 40. A close or a reset the probe missed would leave its
 * connection open, and every accept after it beside.
 */
static void accepts_beside_open_connections(void)
{
	const char *args[] = { "accept", "30", "4", "accept", "40", "1", NULL };
	struct run r;

	test_require_root();
	if (run_start(&r, args) && run_finish(&r)) {
		CHECK(r.s->have_conns, "connections not followed: %s", r.s->why);
		CHECK(calls(r.s, "accept4") == 80 && calls(r.s, "accept") == 80,
		      "accept4 %llu, accept %llu: not 80 each",
		      (unsigned long long)calls(r.s, "accept4"),
		      (unsigned long long)calls(r.s, "accept"));
		CHECK(r.s->accepted == 160 && r.s->accepted_beside == 90,
		      "%llu accepted, %llu beside an open one: not 160 and 90",
		      (unsigned long long)r.s->accepted, (unsigned long long)r.s->accepted_beside);
		syscalls_stats_print(stderr, r.s);
	}
	run_end(&r);
}

/* Without inet_sock_set_state no connection is followed, and why says so;
 * the calls are counted all the same. */
static void accepts_without_the_hook(void)
{
	const char *args[] = { "accept", "2", "2", NULL };
	struct run r;

	test_require_root();
	hooks_env.hidden = "inet_sock_set_state";
	if (run_start(&r, args) && run_finish(&r)) {
		CHECK(!r.s->have_conns && !r.s->accepted &&
			      strstr(r.s->why, "tp_btf/inet_sock_set_state"),
		      "followed without its hook: %llu accepted; why '%s'",
		      (unsigned long long)r.s->accepted, r.s->why);
		CHECK(calls(r.s, "accept4") == 2 && calls(r.s, "accept") == 2,
		      "accept4 %llu, accept %llu: not 2 each",
		      (unsigned long long)calls(r.s, "accept4"),
		      (unsigned long long)calls(r.s, "accept"));
	}
	hooks_env.hidden = NULL;
	run_end(&r);
}

/* The workload blocks in read(stdin) for its go before the probe attaches:
 * that read is counted at its return, untimed, beside what it then made. */
static void call_begun_before_attach(void)
{
	const char *args[] = { "getppid", "10", NULL };
	const struct syscall_stat *read_;
	struct run r;

	test_require_root();
	if (run_start(&r, args) && run_finish(&r)) {
		read_ = syscalls_find(r.s, "read");
		CHECK(read_ && read_->count == 1 && read_->timed == 0,
		      "read (the go, begun before attach): %llu counted, %llu timed; not 1 and 0",
		      read_ ? (unsigned long long)read_->count : 0ULL,
		      read_ ? (unsigned long long)read_->timed : 0ULL);
		CHECK(calls(r.s, "getppid") == 10, "getppid %llu",
		      (unsigned long long)calls(r.s, "getppid"));
	}
	run_end(&r);
}

/* K getppid() and K write(): exactly K each, while another process outside
 * the target makes the same calls as fast as it can. */
static void counts_exactly_k(void)
{
	const char *args[] = { "getppid", "5000", "write", "3000", NULL };
	const char *noise_args[] = { "--threads", "2", "getppid", "50000", "write", "50000", NULL };
	struct workload noise = { .pid = -1 };
	struct run r;

	test_require_root();
	if (run_start(&r, args) &&
	    CHECK(workload_start(&noise, NULL, noise_args) == 0, "start noise") &&
	    CHECK(workload_go(&noise) == 0, "noise go") && run_finish(&r)) {
		CHECK(calls(r.s, "getppid") == 5000, "getppid counted %llu times, made 5000",
		      (unsigned long long)calls(r.s, "getppid"));
		CHECK(calls(r.s, "write") == 3000, "write counted %llu times, made 3000",
		      (unsigned long long)calls(r.s, "write"));
		CHECK(workload_wait(&noise, 30000) == 0, "noise exit");
		syscalls_stats_print(stderr, r.s);
	}
	workload_stop(&noise);
	run_end(&r);
}

/* Forked children and threads are the target too. */
static void counts_children_and_threads(void)
{
	const char *procs[] = { "--procs", "3", "getppid", "2000", "write", "1000", NULL };
	const char *threads[] = { "--threads", "4", "getppid", "1500", NULL };
	struct run r;

	test_require_root();
	if (run_start(&r, procs) && run_finish(&r)) {
		CHECK(calls(r.s, "getppid") == 6000, "getppid of 3 children: %llu, made 6000",
		      (unsigned long long)calls(r.s, "getppid"));
		CHECK(calls(r.s, "write") == 3000, "write of 3 children: %llu, made 3000",
		      (unsigned long long)calls(r.s, "write"));
		CHECK(calls(r.s, "wait4") >= 1, "the parent's wait4 too");
	}
	run_end(&r);
	if (run_start(&r, threads) && run_finish(&r))
		CHECK(calls(r.s, "getppid") == 6000, "getppid of 4 threads: %llu, made 6000",
		      (unsigned long long)calls(r.s, "getppid"));
	run_end(&r);
}

/* 50 nanosleep(2 ms): each takes 2 ms and a little, so the histogram
 * sits in 1-4 ms (ns slots 20 and 21), and never below. SCHED_FIFO, so a
 * busy machine cannot keep the woken sleeper waiting for a CPU. */
static void nanosleep_latency_in_2ms_bucket(void)
{
	const char *args[] = { "--fifo", "sleep", "50", "2000", NULL };
	const struct syscall_stat *st;
	struct run r;

	test_require_root();
	if (run_start(&r, args) && run_finish(&r)) {
		__u64 below = 0, in = 0;

		/* glibc's nanosleep() is the clock_nanosleep syscall */
		st = syscalls_find(r.s, "clock_nanosleep");
		if (!st)
			st = syscalls_find(r.s, "nanosleep");
		if (!CHECK(st, "no nanosleep counted"))
			goto out;
		for (int i = 0; i < 20; i++)
			below += st->hist.slots[i];
		in = st->hist.slots[20] + st->hist.slots[21];
		fprintf(stderr, "%s: count %llu, max %.3f ms\n", st->name,
			(unsigned long long)st->count, st->max_ns / 1e6);
		print_log2_hist_ns_as_us(stderr, &st->hist);
		CHECK(st->count == 50, "%s counted %llu times, made 50", st->name,
		      (unsigned long long)st->count);
		CHECK(below == 0, "%llu sleeps of 2 ms measured under 1 ms",
		      (unsigned long long)below);
		/* a busy machine may wake a sleeper late, rarely by 2 ms more */
		CHECK(in >= 45, "only %llu of 50 in 1-4 ms", (unsigned long long)in);
		CHECK(st->total_ns >= 50 * 2000000ULL, "total %llu ns, under 50 x 2 ms",
		      (unsigned long long)st->total_ns);
		CHECK(st->timed == 50, "%llu of 50 slow calls timed: every one should be",
		      (unsigned long long)st->timed);
	}
out:
	run_end(&r);
}

/* One run of K getppid(), sampled or every call timed. */
static bool getppid_run(bool every, __u64 k, struct syscall_stat *out)
{
	char ks[24];
	const char *args[] = { "getppid", ks, NULL };
	const struct syscall_stat *st;
	struct run r;
	bool ok = false;

	snprintf(ks, sizeof(ks), "%llu", (unsigned long long)k);
	if (run_start(&r, args)) {
		syscalls_probe_time_every_call(r.p, every);
		if (run_finish(&r) && CHECK((st = syscalls_find(r.s, "getppid")), "no getppid")) {
			*out = *st;
			ok = true;
		}
	}
	run_end(&r);
	return ok;
}

/*
 * A hot, fast syscall: every call counted, about one in
 * SYSCALL_SAMPLE_ONE_IN timed once SYSCALL_HOT_TIMED were, and the total
 * scaled up to what timing every call measures (the same program, run
 * alternately each way; the median of 3 pairs, for a noisy machine).
 */
static void samples_hot_fast_calls(void)
{
	const __u64 k = 40000, one_in = SYSCALL_SAMPLE_ONE_IN;
	double ratio[3];
	struct syscall_stat sampled, every;

	test_require_root();
	for (int i = 0; i < 3; i++) {
		if (!getppid_run(false, k, &sampled) || !getppid_run(true, k, &every))
			return;
		CHECK(sampled.count == k && every.count == k,
		      "getppid counted %llu and %llu times, made %llu",
		      (unsigned long long)sampled.count, (unsigned long long)every.count,
		      (unsigned long long)k);
		CHECK(every.timed == k, "every call timed: %llu of %llu",
		      (unsigned long long)every.timed, (unsigned long long)k);
		/* expected SYSCALL_HOT_TIMED per CPU, then k / one_in */
		CHECK(sampled.timed >= k / one_in / 2 && sampled.timed <= 2 * k / one_in,
		      "%llu of %llu calls timed, expected about 1 in %llu",
		      (unsigned long long)sampled.timed, (unsigned long long)k,
		      (unsigned long long)one_in);
		ratio[i] = (double)sampled.total_ns / every.total_ns;
		fprintf(stderr,
			"pair %d: sampled %llu timed, %.0f ns avg; every call %.0f ns avg\n", i + 1,
			(unsigned long long)sampled.timed, (double)sampled.total_ns / k,
			(double)every.total_ns / k);
	}
	for (int i = 0; i < 2; i++) /* median of 3 */
		for (int j = i + 1; j < 3; j++)
			if (ratio[j] < ratio[i]) {
				double t = ratio[i];
				ratio[i] = ratio[j];
				ratio[j] = t;
			}
	CHECK(ratio[1] > 0.67 && ratio[1] < 1.5, /* unscaled it would be 1/8 */
	      "sampled total / exact total = %.2f (median of 3 pairs)", ratio[1]);
}

/* ------------------------------------------------------------ syscount */

/* libbpf-tools' syscount (Debian, Ubuntu: package libbpf-tools). */
static const char *syscount_path(void)
{
	static const char *const names[] = { "/usr/sbin/syscount", "syscount",
					     "/usr/share/bcc/tools/syscount", "syscount-bpfcc" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (cmd_exists(names[i]))
			return names[i];
	return NULL;
}

/* Starts syscount -p pid, its output into file out; waits until it traces. */
static pid_t syscount_start(const char *tool, pid_t pid, const char *out)
{
	char pidstr[16], line[256];
	pid_t child;
	bool ready = false;

	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	child = fork();
	if (child == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		/* stdbuf: its "Tracing" line comes out at once, not at exit */
		execlp("stdbuf", "stdbuf", "-oL", tool, "-p", pidstr, "-T", "100", "-d", "20",
		       (char *)NULL);
		_exit(127);
	}
	if (child < 0)
		return -errno;
	/* "Tracing syscalls, printing top 100... Ctrl+C to quit." once attached */
	WAIT_UNTIL(({
			   FILE *f = fopen(out, "r");

			   while (f && !ready && fgets(line, sizeof(line), f))
				   ready = strstr(line, "Tracing") != NULL;
			   if (f)
				   fclose(f);
			   ready;
		   }),
		   15000);
	if (!ready) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return -ETIMEDOUT;
	}
	return child;
}

/* "name count" lines of syscount's table: the count of name, or 0. */
static __u64 syscount_count(const char *out, const char *name)
{
	char line[256], n[64];
	unsigned long long c;
	__u64 total = 0;
	FILE *f = fopen(out, "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %llu", n, &c) == 2 && !strcmp(n, name))
			total += c;
	if (f)
		fclose(f);
	return total;
}

/* The same window seen by syscount -p PID and by the probe: counts within 1%. */
static void agrees_with_syscount(void)
{
	const char *args[] = { "--threads", "2", "mix", "2000", NULL };
	char out[] = "/tmp/whyserve-syscount-XXXXXX";
	const char *tool = syscount_path();
	__u64 ours_total = 0, theirs_total = 0;
	int compared = 0, fd;
	struct run r;
	pid_t sc = -1;

	char why[160];

	if (!tool)
		test_skip("syscount (libbpf-tools) not installed");
	/* syscount attaches classic tracepoints: as on a fresh machine, and
	 * tracefs mounted as the harness mounts it, seen by syscount too */
	test_without_tracefs();
	if (!CHECK(tracefs_ensure(why, sizeof(why)) == TRACEFS_MOUNTED, "tracefs: %s", why))
		return;
	fd = mkstemp(out);
	if (fd >= 0)
		close(fd);
	if (!run_start(&r, args))
		goto out;
	sc = syscount_start(tool, r.w.pid, out);
	if (!CHECK(sc > 0, "syscount did not start: %s", strerror(-sc)))
		goto out;
	if (!run_finish(&r))
		goto out;
	/* SIGINT: syscount prints its table and exits */
	kill(sc, SIGINT);
	waitpid(sc, NULL, 0);
	sc = -1;
	for (int i = 0; i < r.s->n; i++) {
		const struct syscall_stat *st = &r.s->sys[i];
		__u64 theirs = syscount_count(out, st->name);

		ours_total += st->count;
		theirs_total += theirs;
		if (st->count < 100)
			continue;
		compared++;
		fprintf(stderr, "  %-16s ours %8llu  syscount %8llu\n", st->name,
			(unsigned long long)st->count, (unsigned long long)theirs);
		CHECK(theirs * 100 >= st->count * 99 && theirs * 99 <= st->count * 100,
		      "%s: %llu, syscount %llu: more than 1%% apart", st->name,
		      (unsigned long long)st->count, (unsigned long long)theirs);
	}
	CHECK(compared >= 8, "only %d syscalls compared", compared);
	CHECK(theirs_total * 100 >= ours_total * 99 && theirs_total * 99 <= ours_total * 100,
	      "all: %llu, syscount %llu", (unsigned long long)ours_total,
	      (unsigned long long)theirs_total);
out:
	if (sc > 0) {
		kill(sc, SIGKILL);
		waitpid(sc, NULL, 0);
	}
	unlink(out);
	run_end(&r);
}

static void names_come_from_the_headers(void)
{
	char buf[32];

	CHECK(!strcmp(syscall_name(39, buf, sizeof(buf)), "getpid") ||
		      !strcmp(syscall_name(172, buf, sizeof(buf)), "getpid"),
	      "getpid is not 39 (x86_64) nor 172 (generic)");
	CHECK(!strcmp(syscall_name(SYSCALL_SLOTS - 1, buf, sizeof(buf)), "other"), "other");
	CHECK(!strcmp(syscall_name(SYSCALL_SLOTS - 2, buf, sizeof(buf)), "syscall_510"),
	      "unknown numbers are named by number: %s", buf);
}

static const struct test_case cases[] = {
	TEST(counts_failures_by_errno),
	TEST(names_come_from_the_headers),
	TEST(counts_exactly_k),
	TEST(accepts_beside_open_connections),
	TEST(accepts_without_the_hook),
	TEST(call_begun_before_attach),
	TEST(counts_children_and_threads),
	TEST(nanosleep_latency_in_2ms_bucket),
	TEST(samples_hot_fast_calls),
	TEST(agrees_with_syscount),
};

TEST_MAIN(cases)
