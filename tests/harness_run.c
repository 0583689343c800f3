// SPDX-License-Identifier: MIT
/*
 * harness run, end to end as root: the files it writes, the explanations
 * it gives on real runs (their cited numbers must be the metrics' own), its
 * answers to bad arguments, and that nothing of it is left running or
 * attached after it ends, normally or by Ctrl-C.
 */
#include "tests/lib/bpf_progs.h"
#include "tests/lib/check.h"
#include "tests/lib/client.h"
#include "tests/lib/results.h"
#include "tests/lib/cmd.h"
#include "tests/lib/leftovers.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const MODELS[] = { "blocking", "fork", "pthread", "epoll", "io_uring" };
static const char *const SCENARIOS[] = { "throughput", "connect", "sleep" };

/* The quick run's results, shared by the cases after the one that makes it. */
static const char *run_dir(void)
{
	static char dir[128];

	snprintf(dir, sizeof(dir), "/tmp/whyserve-harness-run-%d", getppid());
	return dir;
}

static const char *harness(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/harness", test_bin_dir());
	return path;
}

static bool file_nonempty(const char *dir, const char *name)
{
	char path[512];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return stat(path, &st) == 0 && st.st_size > 0;
}

static json_t *load_results(void)
{
	return results_load(run_dir());
}

static void run_all_quick(void)
{
	test_require_root();
	const char *argv[] = { harness(), "run", "all", "--quick", "--out", run_dir(), NULL };
	static char out[1 << 16];
	struct bpf_progs before, after;
	long long t0 = now_ms();
	pid_t pid = 0;
	bool gone;
	int rc;

	bpf_progs_list(&before);
	rc = cmd_run_pid(out, sizeof(out), 120, argv, &pid);
	if (!CHECK(rc == 0, "harness run all --quick: exit %d\n%s", rc, out))
		return;
	CHECK(now_ms() - t0 <= 45000, "took %lld ms, more than 45 s", now_ms() - t0);
	for (size_t i = 0; i < 5; i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s.txt", MODELS[i]);
		CHECK(file_nonempty(run_dir(), name), "%s written", name);
	}
	CHECK(file_nonempty(run_dir(), "summary.txt"), "summary.txt written");
	/* programs are freed once their last fd closes, after an RCU grace period */
	/* waited for apart: a function's arguments (CHECK's message too) are
	 * evaluated in any order, and after must be listed before it is read */
	gone = WAIT_UNTIL((bpf_progs_list(&after), bpf_progs_new(&before, &after) == 0), 3000);
	CHECK(gone, "%d BPF programs left loaded", bpf_progs_new(&before, &after));
	CHECK(servers_left(pid) == 0, "no server left running");
}

static void results_hold_every_experiment(void)
{
	json_t *r = load_results(), *e;

	if (!CHECK(r, "results.json parses"))
		return;
	CHECK(json_is_object(json_object_get(r, "machine")), "machine recorded");
	for (size_t m = 0; m < 5; m++)
		for (size_t s = 0; s < 3; s++) {
			e = results_experiment(r, MODELS[m], SCENARIOS[s]);
			if (!CHECK(e, "%s/%s present", MODELS[m], SCENARIOS[s]))
				continue;
			CHECK(json_num(json_object_get(e, "figures"), "requests") > 0,
			      "%s/%s served requests", MODELS[m], SCENARIOS[s]);
		}
	/* all: our five; the reference server only when named */
	CHECK(!results_experiment(r, "nginx", "throughput"), "run all ran nginx");
	json_decref(r);
}

/* A finding's evidence must be the experiment's own figures. */
static void check_cites(json_t *exp, json_t *f, const char *ev, const char *fig)
{
	double a = json_num(json_object_get(f, "evidence"), ev);
	double b = json_num(json_object_get(exp, "figures"), fig);

	CHECK(!isnan(a) && fabs(a - b) <= 1e-6 * fabs(b), "evidence %s = %g, figure %s = %g", ev, a,
	      fig, b);
}

static void explains_blocking_by_head_of_line(void)
{
	json_t *r = load_results(), *e, *f;

	if (!CHECK(r, "results.json parses"))
		return;
	e = results_experiment(r, "blocking", "throughput");
	f = results_finding(e, "head_of_line");
	if (CHECK(f, "head_of_line fired")) {
		check_cites(e, f, "aq_max", "aq_max");
		check_cites(e, f, "connections", "connections");
		/* 99 other connections queue behind the served one */
		CHECK(json_num(json_object_get(e, "figures"), "aq_max") >= 50,
		      "the accept queue held the waiting connections");
		/* ... never answered: starved, while epoll's are merely in flight */
		CHECK(json_num(json_object_get(e, "figures"), "starved") >= 90,
		      "%g connections starved, not the 99 queued",
		      json_num(json_object_get(e, "figures"), "starved"));
		CHECK(json_num(json_object_get(results_experiment(r, "epoll", "throughput"),
					       "figures"),
			       "starved") == 0,
		      "epoll starved connections");
	}
	json_decref(r);
}

static void explains_fork_by_process_creation(void)
{
	json_t *r = load_results(), *e, *f;

	if (!CHECK(r, "results.json parses"))
		return;
	e = results_experiment(r, "fork", "connect");
	f = results_finding(e, "process_creation");
	if (CHECK(f, "process_creation fired")) {
		check_cites(e, f, "procs_created", "procs_created");
		CHECK(json_num(json_object_get(f, "evidence"), "per_request") > 0.9,
		      "about one process per request");
	}
	json_decref(r);
}

static void explains_epoll_sleep_by_blocked_loop(void)
{
	json_t *r = load_results(), *e, *f;

	if (!CHECK(r, "results.json parses"))
		return;
	e = results_experiment(r, "epoll", "sleep");
	f = results_finding(e, "blocked_loop");
	if (CHECK(f, "blocked_loop fired")) {
		check_cites(e, f, "rps", "rps");
		CHECK(json_num(json_object_get(f, "evidence"), "blocked_us_per_request") >= 1000,
		      "slept at least 1 ms per request");
		CHECK(json_num(json_object_get(e, "figures"), "rps") <= 1000,
		      "one loop cannot pass 1/1 ms");
	}
	json_decref(r);
}

/* The sum of an account's lines, in the window. */
static double account_sum(json_t *exp, const char *account)
{
	json_t *l;
	double sum = 0;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(json_object_get(exp, "account"),
							   account),
					   "lines"),
			   i, l)
		sum += json_num(l, "us");
	return sum;
}

static double attributed(json_t *exp, const char *account)
{
	return json_num(json_object_get(json_object_get(exp, "account"), account),
			"attributed_share");
}

/*
 * Every experiment's accounts add up: the CPU lines to the cgroup's CPU
 * time, the time lines to the tasks' lifetime, and name a measured cause
 * for at least 90% of the CPU and 98% of the time (the lifetime is
 * measured apart from the states it is split into).
 */
/* A trait inferred ("yes", "no", "unknown") as a bool; -1 when unknown. */
static int inferred(json_t *exp, const char *trait)
{
	json_t *t = json_object_get(json_object_get(exp, "traits_inferred"), trait);
	const char *is = json_string_value(json_object_get(t, "is"));

	return is && !strcmp(is, "yes") ? 1 : is && !strcmp(is, "no") ? 0 : -1;
}

/* What the catalog declares each of MODELS to be: an event loop, serial,
 * and what it creates per connection. */
static const struct {
	bool event_loop, serial;
	const char *per_connection;
} DECLARED[] = {
	{ false, true, "nothing" }, { false, false, "process" }, { false, false, "thread" },
	{ true, false, "nothing" }, { true, false, "nothing" },
};

/*
 * The kernel's figures say what each model is, as the catalog declares it;
 * and the rules reasoned over those (figures.traits), as over a server of
 * the user's.
 */
static void traits_inferred_as_declared(void)
{
	json_t *r = load_results();

	if (!CHECK(r, "results.json parses"))
		return;
	for (size_t m = 0; m < 5; m++)
		for (size_t s = 0; s < 3; s++) {
			json_t *e = results_experiment(r, MODELS[m], SCENARIOS[s]);
			json_t *t = json_object_get(json_object_get(e, "figures"), "traits");
			const char *per = DECLARED[m].per_connection;

			if (!CHECK(e && t, "%s/%s: traits recorded", MODELS[m], SCENARIOS[s]))
				continue;
			CHECK(json_is_true(json_object_get(t, "event_loop")) ==
					      DECLARED[m].event_loop &&
				      json_is_true(json_object_get(t, "serial")) ==
					      DECLARED[m].serial &&
				      !strcmp(json_string_value(
						      json_object_get(t, "per_connection"))
						      ?: "",
					      per),
			      "%s/%s: reasoned over as other than declared", MODELS[m],
			      SCENARIOS[s]);
			CHECK(inferred(e, "event_loop") == DECLARED[m].event_loop,
			      "%s/%s: event_loop inferred %d", MODELS[m], SCENARIOS[s],
			      inferred(e, "event_loop"));
			CHECK(inferred(e, "serial") == DECLARED[m].serial,
			      "%s/%s: serial inferred %d", MODELS[m], SCENARIOS[s],
			      inferred(e, "serial"));
			CHECK(inferred(e, "process_per_connection") == !strcmp(per, "process"),
			      "%s/%s: process per connection inferred %d", MODELS[m], SCENARIOS[s],
			      inferred(e, "process_per_connection"));
			CHECK(inferred(e, "thread_per_connection") == !strcmp(per, "thread"),
			      "%s/%s: thread per connection inferred %d", MODELS[m], SCENARIOS[s],
			      inferred(e, "thread_per_connection"));
		}
	json_decref(r);
}

static void accounts_add_up(void)
{
	json_t *r = load_results(), *e, *fig;

	if (!CHECK(r, "results.json parses"))
		return;
	for (size_t m = 0; m < 5; m++)
		for (size_t s = 0; s < 3; s++) {
			e = results_experiment(r, MODELS[m], SCENARIOS[s]);
			fig = json_object_get(e, "figures");
			if (!CHECK(e, "%s/%s present", MODELS[m], SCENARIOS[s]))
				continue;
			CHECK(fabs(account_sum(e, "cpu") - json_num(fig, "cpu_us")) <=
				      1e-3 * json_num(fig, "cpu_us"),
			      "%s/%s: CPU lines %.0f us, the cgroup's %.0f", MODELS[m],
			      SCENARIOS[s], account_sum(e, "cpu"), json_num(fig, "cpu_us"));
			CHECK(attributed(e, "cpu") >= 0.9, "%s/%s: %.1f%% of the CPU attributed",
			      MODELS[m], SCENARIOS[s], 100 * attributed(e, "cpu"));
			CHECK(fabs(account_sum(e, "time") - json_num(fig, "life_us")) <=
				      1e-3 * json_num(fig, "life_us"),
			      "%s/%s: time lines %.0f us, the tasks' life %.0f", MODELS[m],
			      SCENARIOS[s], account_sum(e, "time"), json_num(fig, "life_us"));
			CHECK(attributed(e, "time") >= 0.98, "%s/%s: %.1f%% of the time attributed",
			      MODELS[m], SCENARIOS[s], 100 * attributed(e, "time"));
		}
	json_decref(r);
}

/* fork under connect: the page faults its children take are a line of
 * the account, counted as the kernel itself counts them (within 5%). */
static void fork_faults_in_the_account(void)
{
	json_t *r = load_results(), *e, *l;
	double kernel;

	if (!CHECK(r, "results.json parses"))
		return;
	e = results_experiment(r, "fork", "connect");
	l = results_account_line(e, "cpu", "page faults");
	kernel = json_num(json_object_get(e, "figures"), "faults_proc") /
		 json_num(json_object_get(e, "figures"), "requests");
	if (CHECK(l, "no page-fault line in fork/connect's account"))
		CHECK(fabs(json_num(l, "events_per_request") - kernel) <= 0.05 * kernel &&
			      json_num(l, "us_per_event") > 0,
		      "%.2f faults a request in the account, %.2f by the kernel's count, %.3f us "
		      "each",
		      json_num(l, "events_per_request"), kernel, json_num(l, "us_per_event"));
	json_decref(r);
}

/* epoll under sleep: its one loop spends its time blocked in nanosleep. */
static void epoll_sleep_blocked_in_nanosleep(void)
{
	json_t *r = load_results(), *e, *l;
	double runnable;

	if (!CHECK(r, "results.json parses"))
		return;
	e = results_experiment(r, "epoll", "sleep");
	l = results_account_line(e, "time", "blocked in clock_nanosleep")
		    ?: results_account_line(e, "time", "blocked in nanosleep");
	/* of its own time: a busy machine's other tasks keep it waiting for
	 * CPU 0 now and then, and that wait is theirs */
	runnable =
		json_num(results_account_line(e, "time", "runnable, waiting for a CPU"), "share");
	if (CHECK(l, "no nanosleep line in epoll/sleep's time account"))
		CHECK(json_num(l, "share") >= 0.9 * (1 - runnable),
		      "blocked in nanosleep %.1f%% of its time, %.1f%% waiting for a CPU",
		      100 * json_num(l, "share"), 100 * runnable);
	CHECK(!strcmp(results_limited_by(e), "blocked_loop"),
	      "epoll/sleep not limited by its blocked loop");
	json_decref(r);
}

static json_t *syscalls_of(json_t *exp)
{
	return json_object_get(json_object_get(json_object_get(exp, "probes"), "syscalls"),
			       "syscalls");
}

/*
 * By default a hot, fast syscall is timed 1 in 8 (every call counted) and
 * a slow one every time; --exact-syscall-times times every call.
 */
static void syscall_times_sampled_or_exact(void)
{
	test_require_root();
	const char *dir = "/tmp/whyserve-harness-run-exact";
	const char *argv[] = {
		harness(), "run", "epoll", "-s", "throughput", "--quick", "--exact-syscall-times",
		"--out",   dir,	  NULL
	};
	static char out[1 << 16];
	json_t *r = load_results(), *e, *sc, *exact = NULL;
	bool sampled = false, slow_timed = false;
	char path[256];
	size_t i;
	int rc;

	if (!CHECK(r, "results.json parses"))
		return;
	json_array_foreach(syscalls_of(results_experiment(r, "epoll", "throughput")), i, sc)
		sampled |= json_num(sc, "count") >= 1000 &&
			   json_num(sc, "timed") < json_num(sc, "count") / 4;
	CHECK(sampled, "no hot syscall of epoll/throughput timed 1 in 8");
	json_array_foreach(syscalls_of(results_experiment(r, "epoll", "sleep")), i, sc)
		if (strstr(json_string_value(json_object_get(sc, "name")) ?: "", "nanosleep"))
			slow_timed = json_num(sc, "count") > 100 &&
				     json_num(sc, "timed") == json_num(sc, "count");
	CHECK(slow_timed, "epoll/sleep's 1 ms nanosleeps not each timed");
	json_decref(r);
	rm_rf(run_dir()); /* the last case to read the shared results */

	rc = cmd_run(out, sizeof(out), 60, argv);
	if (!CHECK(rc == 0, "harness run --exact-syscall-times: exit %d\n%s", rc, out))
		return;
	snprintf(path, sizeof(path), "%s/results.json", dir);
	exact = json_load_file(path, 0, NULL);
	e = results_experiment(exact, "epoll", "throughput");
	if (CHECK(e, "epoll/throughput in %s", path)) {
		CHECK(json_array_size(syscalls_of(e)) > 0, "syscalls counted");
		json_array_foreach(syscalls_of(e), i, sc)
			CHECK(json_num(sc, "timed") == json_num(sc, "count"),
			      "%s: %g of %g calls timed",
			      json_string_value(json_object_get(sc, "name")), json_num(sc, "timed"),
			      json_num(sc, "count"));
	}
	json_decref(exact);
	rm_rf(dir);
}

/* Exit 2 with exactly one line on stderr (and nothing on stdout): that line. */
static const char *check_refused(const char *const argv[], const char *what)
{
	static char out[4096];
	pid_t pid = 0;
	int rc = cmd_run_pid(out, sizeof(out), 30, argv, &pid), lines = 0;

	for (char *p = out; (p = strchr(p, '\n')); p++)
		lines++;
	CHECK(rc == 2, "%s: exit %d", what, rc);
	CHECK(lines == 1, "%s: %d lines: %s", what, lines, out);
	CHECK(servers_left(pid) == 0, "%s: a server left running", what);
	return out;
}

static void bad_arguments_get_one_line(void)
{
	const char *bogus[] = { harness(), "run", "bogus", NULL };
	const char *duration[] = { harness(), "run", "all", "--duration", "-1", NULL };

	check_refused(bogus, "run bogus");
	check_refused(duration, "--duration -1");
}

/*
 * Past what the load generator (LOAD_MAX_CONNECTIONS ...) or the servers
 * (SERVER_MAX_BACKLOG ...) take, or absurd: refused by the option parser,
 * in one line naming the option, before any server starts.
 */
static void out_of_range_refused_before_start(void)
{
	static const char *const bad[][3] = {
		{ "-c", "70000", "--connections" },
		{ "--users", "70000", "--users" },
		{ "--backlog", "70000", "--backlog" },
		{ "--workers", "2000", "--workers" },
		{ "-R", "1e-300", "--rate" },
		{ "--spawn-rate", "1e-300", "--spawn-rate" },
		{ "-d", "nan", "--duration" },
		{ "--warmup", "1x", "--warmup" },
		{ "--server-cpus", "0-x", "--server-cpus" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[] = { harness(), "run", "all", bad[i][0], bad[i][1], NULL };
		const char *out = check_refused(argv, bad[i][0]);

		CHECK(strstr(out, bad[i][2]), "%s %s: '%s' does not name %s", bad[i][0], bad[i][1],
		      out, bad[i][2]);
	}
}

/* -d 10s as harness load takes it: the refusal that follows is the model's */
static void duration_with_unit_accepted(void)
{
	const char *argv[] = { harness(), "run", "bogus", "-d", "10s", "--warmup", "500ms", NULL };
	const char *out = check_refused(argv, "run bogus -d 10s");

	CHECK(strstr(out, "unknown model 'bogus'"), "-d 10s --warmup 500ms: %s", out);
}

/*
 * The load's options as harness load has them, units and all: -d 300ms
 * runs 0.3 s; -q (--quiet) leaves out the progress lines; --quick is only
 * long.
 */
static void load_options_as_in_harness_load(void)
{
	test_require_root();
	const char *dir = "/tmp/whyserve-harness-run-units";
	const char *argv[] = { harness(), "run",   "epoll",    "-s",	"throughput",
			       "-d",	  "300ms", "--warmup", "100ms", "-c",
			       "0.01k",	  "-q",	   "--out",    dir,	NULL };
	const char *quick[] = { harness(), "run", "bogus", "-q", NULL };
	static char out[1 << 16];
	char path[256];
	json_t *r, *o;
	int rc;

	rc = cmd_run(out, sizeof(out), 60, argv);
	if (!CHECK(rc == 0, "exit %d\n%s", rc, out))
		return;
	CHECK(!strstr(out, "[1/1]"), "-q: progress lines printed: %s", out);
	snprintf(path, sizeof(path), "%s/results.json", dir);
	r = json_load_file(path, 0, NULL);
	o = json_object_get(r, "options");
	CHECK(json_num(o, "duration_s") == 0.3 && json_num(o, "warmup_s") == 0.1 &&
		      json_num(o, "connections") == 10,
	      "options recorded: duration %g, warm-up %g, connections %g",
	      json_num(o, "duration_s"), json_num(o, "warmup_s"), json_num(o, "connections"));
	json_decref(r);
	rm_rf(dir);
	/* -q is --quiet, not --quick: the model is what is wrong */
	CHECK(strstr(check_refused(quick, "run bogus -q"), "unknown model"), "-q refused");
}

static void busy_port_gets_one_line(void)
{
	test_require_root();
	char port[16];
	int p, fd = tcp_listen_any(&p);

	if (!CHECK(fd >= 0, "a listener to occupy a port: %s", strerror(-fd)))
		return;
	snprintf(port, sizeof(port), "%d", p);
	const char *argv[] = { harness(), "run",     "epoll", "--no-netns", "--port",
			       port,	  "--quick", "-s",    "throughput", NULL };
	check_refused(argv, "busy port");
	close(fd);
}

static void not_root_gets_one_line(void)
{
	test_require_root();
	const char *argv[] = { "setpriv",
			       "--reuid=nobody",
			       "--regid=nogroup",
			       "--clear-groups",
			       harness(),
			       "run",
			       "all",
			       "--quick",
			       NULL };

	if (!cmd_exists("setpriv"))
		test_skip("setpriv (util-linux) not installed");
	check_refused(argv, "not root");
}

static void sigint_stops_cleanly(void)
{
	test_require_root();
	char dir[160];
	struct bpf_progs before, during, after;
	pid_t pid;
	bool gone;
	int status = 0;

	snprintf(dir, sizeof(dir), "%s-sigint", run_dir());
	bpf_progs_list(&before);
	pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		execl(harness(), harness(), "run", "all", "--quick", "--out", dir, NULL);
		_exit(127);
	}
	/* interrupt it mid-experiment: server up and probes attached */
	CHECK(WAIT_UNTIL(servers_left(pid) > 0 &&
				 (bpf_progs_list(&during), bpf_progs_new(&before, &during) > 0),
			 20000),
	      "a server started and probes attached");
	kill(pid, SIGINT);
	CHECK(WAIT_UNTIL(waitpid(pid, &status, WNOHANG) == pid, 15000), "harness stopped");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 130,
	      "exit status 130 after SIGINT (status %#x)", status);
	CHECK(WAIT_UNTIL(servers_left(pid) == 0, 5000), "no server left running");
	gone = WAIT_UNTIL((bpf_progs_list(&after), bpf_progs_new(&before, &after) == 0), 3000);
	CHECK(gone, "%d BPF programs left loaded", bpf_progs_new(&before, &after));
	CHECK(file_nonempty(dir, "results.json"), "what was finished is written");
	rm_rf(dir);
}

/* Copies build/NAME to dir/as (mode 755). */
static bool install(const char *name, const char *dir, const char *as)
{
	char from[512], to[512], out[256];

	snprintf(from, sizeof(from), "%s/%s", test_bin_dir(), name);
	snprintf(to, sizeof(to), "%s/%s", dir, as);
	return CHECK(cmd_run(out, sizeof(out), 30,
			     (const char *const[]){ "install", "-m", "755", from, to, NULL }) == 0,
		     "install %s %s: %s", from, to, out);
}

/* A process of ours running path, or 0. */
static pid_t running(const char *path)
{
	char link[64], exe[512];
	struct dirent *d;
	pid_t found = 0;
	DIR *proc = opendir("/proc");

	while (proc && !found && (d = readdir(proc))) {
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/%.20s/exe", d->d_name);
		n = readlink(link, exe, sizeof(exe) - 1);
		if (n > 0 && (exe[n] = '\0', !strcmp(exe, path)))
			found = atoi(d->d_name);
	}
	if (proc)
		closedir(proc);
	return found;
}

/*
 * Ctrl-C while a server starts is an interruption, not a failed start: the
 * experiments that finished are written, the exit status is 130, and the
 * directory the user named stays. fork's server here never starts.
 */
static void sigint_during_start(void)
{
	char dir[64], out_dir[96], stub[96], bin[96];
	int status = 0;
	pid_t pid;

	test_require_root();
	snprintf(dir, sizeof(dir), "/tmp/whyserve-start-XXXXXX");
	if (!CHECK(mkdtemp(dir), "mkdtemp") || !install("harness", dir, "harness") ||
	    !install("server-blocking", dir, "server-blocking") ||
	    !install("stub_server", dir, "server-fork"))
		goto out;
	snprintf(out_dir, sizeof(out_dir), "%s/out", dir);
	snprintf(stub, sizeof(stub), "%s/server-fork", dir);
	snprintf(bin, sizeof(bin), "%s/harness", dir);
	pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execl(bin, bin, "run", "blocking", "fork", "--quick", "-s", "throughput", "--out",
		      out_dir, NULL);
		_exit(127);
	}
	if (!CHECK(WAIT_UNTIL(running(stub), 20000), "fork's stand-in never started"))
		goto out;
	kill(pid, SIGINT);
	CHECK(WAIT_UNTIL(waitpid(pid, &status, WNOHANG) == pid, 15000), "harness stopped");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 130,
	      "exit status 130 after SIGINT during a start (status %#x)", status);
	CHECK(WAIT_UNTIL(!running(stub), 5000), "the stand-in left running");
	CHECK(file_nonempty(out_dir, "results.json") && file_nonempty(out_dir, "blocking.txt"),
	      "what finished (blocking) is not written in %s", out_dir);
out:
	rm_rf(dir);
}

static const struct test_case cases[] = {
	TEST_SLOW(run_all_quick, 150),
	TEST(results_hold_every_experiment),
	TEST(explains_blocking_by_head_of_line),
	TEST(explains_fork_by_process_creation),
	TEST(explains_epoll_sleep_by_blocked_loop),
	TEST(traits_inferred_as_declared),
	TEST(accounts_add_up),
	TEST(fork_faults_in_the_account),
	TEST(epoll_sleep_blocked_in_nanosleep),
	TEST_SLOW(syscall_times_sampled_or_exact, 60),
	TEST(bad_arguments_get_one_line),
	TEST(out_of_range_refused_before_start),
	TEST(duration_with_unit_accepted),
	TEST_SLOW(load_options_as_in_harness_load, 60),
	TEST(busy_port_gets_one_line),
	TEST(not_root_gets_one_line),
	TEST(sigint_stops_cleanly),
	TEST(sigint_during_start),
};

TEST_MAIN(cases)
