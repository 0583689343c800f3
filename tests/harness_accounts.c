// SPDX-License-Identifier: MIT
/*
 * The accounts and verdicts of real runs of known answer: handlers that
 * burn 50 us of CPU per request show it as user time, and an open loop
 * far below what the servers can do is limited by the load asked for,
 * the models tied.
 */
#include "tests/lib/check.h"
#include "tests/lib/harness_results.h"
#include "tests/lib/results.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void work_us_is_user_time(void)
{
	const char *args[] = { "epoll", "-s", "throughput", "--work-us", "50", "-d", "3", NULL };
	json_t *r = harness_results(args, "epoll", NULL), *e, *user, *sched, *account;
	double cgroup_ns;

	e = results_experiment(r, "epoll", "throughput");
	if (!CHECK(e, "epoll/throughput in the results"))
		goto out;
	user = results_account_line(e, "cpu", "user");
	/* 50 us of spinning, and the server's own code: a microsecond or two */
	CHECK(user && fabs(json_num(user, "us_per_request") - 50) <= 5,
	      "user %.2f us a request, not 50 +- 10%%", json_num(user, "us_per_request"));
	/* the sched probe's stays against the cgroup's own count: a switch the
	 * tracepoint never reported once left a CPU-bound stay of 0.37 s out
	 * of both and in runnable */
	sched = json_object_get(json_object_get(e, "probes"), "sched");
	account = json_object_get(sched, "account");
	cgroup_ns = json_num(json_object_get(e, "cpu"), "usage_us") * 1e3;
	CHECK(fabs(json_num(sched, "charged_ns") - cgroup_ns) <= 0.02 * cgroup_ns,
	      "charged %.3f s by the sched probe, %.3f s by cpu.stat",
	      json_num(sched, "charged_ns") / 1e9, cgroup_ns / 1e9);
	/* the stays' wall time: more than charged by what the hypervisor stole */
	CHECK(fabs(json_num(account, "running_ns") - json_num(sched, "oncpu_ns")) <=
		      0.02 * json_num(sched, "oncpu_ns"),
	      "running %.3f s in the time account, stays on a CPU %.3f s",
	      json_num(account, "running_ns") / 1e9, json_num(sched, "oncpu_ns") / 1e9);
	/* on a machine of its own the server's CPU; on a shared one, its CPUs shared */
	CHECK(!strcmp(results_limited_by(e), "server_cpu") ||
		      !strcmp(results_limited_by(e), "shared_cpus"),
	      "limited by %s", results_limited_by(e));
out:
	json_decref(r);
}

static void open_loop_far_below_capacity(void)
{
	const char *args[] = { "epoll", "pthread", "-s", "rate", "-R", "200", "-d", "3", NULL };
	json_t *r = harness_results(args, "epoll", NULL), *entries;

	if (!CHECK(r, "results"))
		goto out;
	for (int i = 0; i < 2; i++) {
		const char *model = i ? "pthread" : "epoll";
		json_t *e = results_experiment(r, model, "rate");

		CHECK(e && !strcmp(results_limited_by(e), "offered_load"), "%s limited by %s",
		      model, e ? results_limited_by(e) : "(absent)");
	}
	entries = json_object_get(json_array_get(json_object_get(r, "rankings"), 0), "entries");
	CHECK(json_array_size(entries) == 2 &&
		      json_is_true(json_object_get(json_array_get(entries, 1), "tie")),
	      "200 requests/s each, and not a tie");
out:
	json_decref(r);
}

static const struct test_case cases[] = {
	TEST_SLOW(work_us_is_user_time, 60),
	TEST_SLOW(open_loop_far_below_capacity, 60),
};

TEST_MAIN(cases)
