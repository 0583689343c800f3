// SPDX-License-Identifier: MIT
/*
 * The sweeps on real servers, each against an independent measure: a
 * ramp's knee against the closed loop's rate at saturation in the same run
 * (a server of known cost: --work-us 200 on one CPU), for epoll and
 * pthread; conns' memory and tasks against the server's cgroup read by
 * this test itself while the run goes on, pthread's thread stacks against
 * epoll's none; blocking serial at every step above one connection; epoll
 * and io_uring holding 10 000 connections without an error; bad
 * --conns-steps refused in one line before anything starts.
 */
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/harness_results.h"
#include "tests/lib/leftovers.h"
#include "tests/lib/results.h"
#include "common/cgroup2.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const json_t *steps_of(json_t *e)
{
	return json_object_get(e, "steps");
}

static const json_t *step_with(json_t *e, int connections)
{
	const json_t *st;
	size_t i;

	json_array_foreach(steps_of(e), i, st) {
		if (json_num(st, "connections") == connections)
			return st;
	}
	return NULL;
}

/*
 * The knee (the highest rate kept up with) against what a closed loop of
 * 100 connections achieves on the same server in the same run: kept up
 * means at least 95% of the rate asked, and the bracket is 5% wide, so the
 * knee is within 10% under the capacity; the closed loop's own noise (twice
 * the standard error of its per-second rates) is added to the tolerance.
 * false with why saying what differed.
 */
static bool knee_against_closed_loop(const char *model, char *why, size_t len)
{
	const char *args[] = {
		model, "-s", "ramp,throughput", "--work-us", "200", "-d", "3", NULL
	};
	json_t *r = harness_results(args, model, NULL);
	json_t *ramp = results_experiment(r, model, "ramp");
	json_t *closed = results_experiment(r, model, "throughput");
	const json_t *knee = json_object_get(ramp, "knee");
	double cap = json_num(json_object_get(closed, "figures"), "rps");
	double noise = json_num(json_object_get(closed, "figures"), "rps_noise");
	double tol = 0.10 + (isnan(noise) ? 0.05 : noise), rps = json_num(knee, "rps");
	double predicted = json_num(knee, "predicted_rps");
	const char *by = json_string_value(json_object_get(knee, "limited_by")) ?: "";
	const char *end = json_string_value(json_object_get(knee, "end")) ?: "";
	bool ok;

	snprintf(why, len,
		 "%s: ramp ended %s, knee %.0f requests/s, closed loop %.0f (±%.0f%%), "
		 "beyond limited by %s, predicted %.0f: %s",
		 model, end, rps, cap, 100 * tol, by, predicted,
		 json_string_value(json_object_get(knee, "why")) ?: "no knee recorded");
	/* on a machine of its own the server's CPU; on a shared one, its CPUs
	 * shared; 200 us of CPU a request on one CPU allow at most 5 000, and
	 * the CPU per request never predicts less than was achieved */
	ok = r && !strcmp(end, "knee") && fabs(rps - cap) <= tol * cap &&
	     (!strcmp(by, "server_cpu") || !strcmp(by, "shared_cpus")) && predicted < 5000 &&
	     predicted >= 0.9 * cap && json_array_size(json_object_get(ramp, "steps")) >= 5;
	json_decref(r);
	return ok;
}

/* An open loop of 3 s at rate: what it achieved, NAN on failure. */
static double rate_achieved(const char *model, double rate)
{
	char r_arg[32];
	const char *args[] = {
		model, "-s", "rate", "-R", r_arg, "--work-us", "200", "-d", "3", NULL
	};
	json_t *r;
	double got;

	snprintf(r_arg, sizeof(r_arg), "%.0f", rate);
	r = harness_results(args, model, NULL);
	got = json_num(json_object_get(results_experiment(r, model, "rate"), "figures"), "rps");
	json_decref(r);
	return got;
}

/*
 * The knee against open loops of their own, 3 s each (wrk2-style): at the
 * knee's rate the server keeps up (95% of it, less 5% for the knee's own
 * bracket); at 1.3 times it, it does not (achieved under 1.2 times the
 * knee). A thread per connection is no closed-loop case: 100 connections
 * each keeping a thread busy queue 100 runnable threads on one CPU, which
 * a rate near the knee does not (measured: 2 635 closed, knee 3 977).
 */
static bool knee_against_open_loops(const char *model, char *why, size_t len)
{
	const char *args[] = { model, "-s", "ramp", "--work-us", "200", NULL };
	json_t *r = harness_results(args, model, NULL);
	const json_t *knee = json_object_get(results_experiment(r, model, "ramp"), "knee");
	double rps = json_num(knee, "rps"), at, above;
	const char *end = json_string_value(json_object_get(knee, "end")) ?: "";
	bool ok = r && !strcmp(end, "knee") && rps > 0;

	at = ok ? rate_achieved(model, rps) : NAN;
	above = ok ? rate_achieved(model, 1.3 * rps) : NAN;
	snprintf(why, len,
		 "%s: ramp ended %s, knee %.0f requests/s; an open loop at it achieved %.0f, at "
		 "1.3 times it %.0f",
		 model, end, rps, at, above);
	json_decref(r);
	return ok && at >= 0.9 * rps && above < 1.2 * rps;
}

/* Each model, up to three runs: the machine is shared with other work,
 * which may take the server's CPU during one measure and not the other. */
static void knee_is_the_capacity(void)
{
	for (int i = 0; i < 2; i++) {
		const char *model = i ? "pthread" : "epoll";
		bool (*check)(const char *, char *, size_t) =
			i ? knee_against_open_loops : knee_against_closed_loop;
		char why[3][1024];
		int tries = 0;

		while (tries < 3 && !check(model, why[tries], sizeof(why[0])))
			tries++;
		CHECK(tries < 3, "3 runs:\n%s\n%s\n%s", why[0], why[1], why[2]);
	}
}

/* The memory file of model's cgroup under harness pid: v2's, or the v1
 * memory cgroup made beside it on a hybrid hierarchy. */
static void memory_file(const char *model, pid_t pid, char *path, size_t len)
{
	char root[256];

	if (!cgroup2_root(root, sizeof(root))) {
		snprintf(path, len, "%s/whyserve/%s-%d/memory.current", root, model, pid);
		if (!access(path, R_OK))
			return;
	}
	snprintf(path, len, "/sys/fs/cgroup/memory/whyserve/%s-%d/memory.usage_in_bytes", model,
		 pid);
}

static double read_number(const char *path)
{
	FILE *f = fopen(path, "r");
	double v = NAN;

	if (f) {
		if (fscanf(f, "%lf", &v) != 1)
			v = NAN;
		fclose(f);
	}
	return v;
}

/*
 * harness run MODELS -s conns --conns-steps 1,10,100 --quick, while this
 * test samples each model's cgroup memory every 5 ms: the most it saw.
 */
static json_t *conns_run(const char *const models[], int n, double *seen_max)
{
	char bin[512], dir[64] = "/tmp/whyserve-sweeps-XXXXXX", path[600];
	long long deadline = now_ms() + 120000;
	json_t *results = NULL;
	int status = -1;
	pid_t pid;

	test_require_root();
	snprintf(bin, sizeof(bin), "%s/harness", test_bin_dir());
	if (!CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno)))
		return NULL;
	for (int i = 0; i < n; i++)
		seen_max[i] = NAN;
	pid = fork();
	if (pid == 0) {
		const char *argv[16] = { bin, "run" };
		int a = 2, null = open("/dev/null", O_WRONLY);

		for (int i = 0; i < n; i++)
			argv[a++] = models[i];
		argv[a++] = "-s";
		argv[a++] = "conns";
		argv[a++] = "--conns-steps";
		argv[a++] = "1,10,100";
		argv[a++] = "--quick";
		argv[a++] = "-q";
		argv[a++] = "--out";
		argv[a++] = dir;
		dup2(null, 1);
		dup2(null, 2);
		execv(bin, (char *const *)argv);
		_exit(127);
	}
	if (!CHECK(pid > 0, "fork: %s", strerror(errno)))
		goto out;
	while (waitpid(pid, &status, WNOHANG) == 0) {
		struct timespec pause = { .tv_nsec = 5000000 };

		if (now_ms() > deadline) {
			kill(pid, SIGTERM);
			waitpid(pid, &status, 0);
			CHECK(false, "harness run took more than 120 s");
			goto out;
		}
		for (int i = 0; i < n; i++) {
			double v;

			memory_file(models[i], pid, path, sizeof(path));
			v = read_number(path);
			if (!isnan(v) && (isnan(seen_max[i]) || v > seen_max[i]))
				seen_max[i] = v;
		}
		nanosleep(&pause, NULL);
	}
	if (!CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "harness run: status %d", status))
		goto out;
	CHECK(servers_left(pid) == 0 && cgroups_left(pid) == 0,
	      "left behind: %d servers, %d cgroups", servers_left(pid), cgroups_left(pid));
	for (int i = 0; i < n; i++) {
		/* the v1 memory cgroup made beside the v2 one, on a hybrid hierarchy */
		snprintf(path, sizeof(path), "/sys/fs/cgroup/memory/whyserve/%s-%d", models[i],
			 pid);
		CHECK(access(path, F_OK), "left behind: %s", path);
	}
	results = results_load(dir);
out:
	rm_rf(dir);
	return results;
}

/* the step figure's largest over the sweep */
static double steps_max(json_t *e, const char *key)
{
	const json_t *st;
	double m = NAN;
	size_t i;

	json_array_foreach(steps_of(e), i, st) {
		double v = json_num(st, key);

		if (!isnan(v) && (isnan(m) || v > m))
			m = v;
	}
	return m;
}

/*
 * A thread per connection costs at least its kernel stack (16 KiB on
 * x86_64, charged to the cgroup) and the pages of its user stack it
 * touched; an event loop's connection is a socket and a small struct. The
 * harness's figures against the cgroup as this test read it: the harness
 * samples every 20 ms, this test every 5: within 10% (and 256 KiB, a few
 * pages touched between two samples).
 */
static void conns_memory_per_connection(void)
{
	const char *models[] = { "blocking", "pthread", "epoll" };
	double seen[3];
	json_t *r = conns_run(models, 3, seen), *e;
	const json_t *st;
	size_t i;

	if (!CHECK(r, "results"))
		return;
	for (int m = 0; m < 3; m++) {
		double mine;

		e = results_experiment(r, models[m], "conns");
		if (!CHECK(e && json_array_size(steps_of(e)) == 3, "%s: 3 steps", models[m]))
			goto out;
		mine = steps_max(e, "memory_bytes");
		CHECK(fabs(mine - seen[m]) <= 0.1 * seen[m] + 256 * 1024,
		      "%s: the harness saw at most %.0f bytes, this test %.0f", models[m], mine,
		      seen[m]);
	}
	e = results_experiment(r, "pthread", "conns");
	st = step_with(e, 100);
	CHECK(json_num(st, "memory_per_connection") >= 16 * 1024,
	      "pthread: %.0f bytes per connection, less than a kernel stack",
	      json_num(st, "memory_per_connection"));
	/* a thread each, and the main one; on a busy machine a few of the 100
	 * connections may wait in the accept queue the whole window (96 tasks
	 * seen once, at load average 10, while a build ran) */
	CHECK(json_num(st, "tasks") >= 90 && json_num(st, "tasks") <= 103, "pthread: %.0f tasks",
	      json_num(st, "tasks"));
	e = results_experiment(r, "epoll", "conns");
	CHECK(json_num(step_with(e, 100), "memory_per_connection") <
		      json_num(st, "memory_per_connection") / 2,
	      "epoll: %.0f bytes per connection, pthread %.0f",
	      json_num(step_with(e, 100), "memory_per_connection"),
	      json_num(st, "memory_per_connection"));
	CHECK(json_num(step_with(e, 100), "tasks") <= 3, "epoll: %.0f tasks",
	      json_num(step_with(e, 100), "tasks"));
	/* blocking: one connection served at a time at every step above one */
	e = results_experiment(r, "blocking", "conns");
	json_array_foreach(steps_of(e), i, st) {
		const char *by = json_string_value(json_object_get(st, "limited_by")) ?: "";

		if (json_num(st, "connections") > 1)
			CHECK(!strcmp(by, "serial_serving"), "blocking at %.0f connections: %s",
			      json_num(st, "connections"), by);
	}
out:
	json_decref(r);
}

/* epoll and io_uring hold 10 000 connections, every one answered */
static void event_loops_hold_10k(void)
{
	const char *args[] = { "epoll", "io_uring", "-s", "conns", "--conns-steps", "10k", NULL };
	json_t *r = harness_results(args, "epoll", NULL);

	if (!CHECK(r, "results"))
		return;
	for (int i = 0; i < 2; i++) {
		const char *model = i ? "io_uring" : "epoll";
		const json_t *st = step_with(results_experiment(r, model, "conns"), 10000);

		CHECK(st && json_num(st, "errors") == 0 && json_num(st, "rps") > 0,
		      "%s at 10 000 connections: %.0f errors, %.0f requests/s", model,
		      json_num(st, "errors"), json_num(st, "rps"));
	}
	json_decref(r);
}

/* every model through both sweeps, as the issue's budget says: 90 s quick */
static void all_models_within_budget(void)
{
	const char *args[] = { "all", "-s", "ramp,conns", NULL };
	long long start = now_ms();
	json_t *r = harness_results(args, "epoll", NULL);
	double took = (now_ms() - start) / 1e3;
	const json_t *e;
	size_t i;

	if (!CHECK(r, "results"))
		return;
	CHECK(took < 90, "harness run all -s ramp,conns --quick took %.0f s", took);
	CHECK(json_array_size(json_object_get(r, "experiments")) == 10, "%zu experiments",
	      json_array_size(json_object_get(r, "experiments")));
	json_array_foreach(json_object_get(r, "experiments"), i, e) {
		bool ramp =
			!strcmp(json_string_value(json_object_get(e, "scenario")) ?: "", "ramp");

		CHECK(json_array_size(json_object_get(e, "steps")) >= (ramp ? 2 : 5) &&
			      (!ramp || json_object_get(e, "knee")),
		      "%s %s: %zu steps", json_string_value(json_object_get(e, "model")),
		      json_string_value(json_object_get(e, "scenario")),
		      json_array_size(json_object_get(e, "steps")));
	}
	json_decref(r);
}

/* one line, exit 2, before any server starts */
static void bad_conns_steps_refused(void)
{
	char bin[512], out[4096];
	static const char *const bad[][2] = {
		{ "0", "--conns-steps" },
		{ "70000", "--conns-steps" },
		{ "1,x", "--conns-steps" },
		{ "", "--conns-steps" },
		{ "1,2,3,4,5,6,7,8,9,10,11,12,13", "at most 12" },
	};

	snprintf(bin, sizeof(bin), "%s/harness", test_bin_dir());
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pid_t pid;
		int lines = 0,
		    st = cmd_run_pid(out, sizeof(out), 20,
				     (const char *const[]){ bin, "run", "epoll", "-s", "conns",
							    "--conns-steps", bad[i][0], NULL },
				     &pid);

		for (const char *c = out; *c; c++)
			lines += *c == '\n';
		CHECK(st == 2 && strstr(out, bad[i][1]) && lines == 1 && servers_left(pid) == 0 &&
			      cgroups_left(pid) == 0,
		      "--conns-steps '%s': exit %d: %s", bad[i][0], st, out);
	}
}

static const struct test_case cases[] = {
	TEST(bad_conns_steps_refused),
	TEST_SLOW(knee_is_the_capacity, 300),
	TEST_SLOW(conns_memory_per_connection, 150),
	TEST_SLOW(event_loops_hold_10k, 150),
	TEST_SLOW(all_models_within_budget, 150),
};
TEST_MAIN(cases)
