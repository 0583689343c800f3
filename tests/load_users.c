// SPDX-License-Identifier: MIT
/* The users scenario: users spawned at their rate, each on a connection of
 * its own, thinking between requests; up to 10,000 connections at once. */
#include "harness/load/load.h"
#include "tests/lib/check.h"
#include "tests/lib/server.h"

#include <errno.h>
#include <linux/capability.h>
#include <math.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static char url[64];

static bool run(struct load_opts *o, struct load_result *r)
{
	int err = load_run(o, r);

	return CHECK(err == 0, "load_run: %s: %s", strerror(-err), r->error);
}

/* The server holds a descriptor per connection: raise the limit it
 * inherits. A long accept queue absorbs the spawn's bursts of connects
 * when the server is short of CPU (a shared machine). */
static bool start_epoll(struct server *s)
{
	const char *args[] = { "--backlog", "4096", NULL };
	struct rlimit rl;
	int err;

	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	err = server_start(s, "epoll", args);
	if (!CHECK(err == 0, "start build/server-epoll: %s", strerror(-err)))
		return false;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", s->port);
	return true;
}

/* the server's side of it: the most descriptors it held at a progress report */
struct watch {
	pid_t pid;
	int max_fds;
};

static void count_server_fds(const struct load_progress *p, void *arg)
{
	struct watch *w = arg;
	int n = proc_count_fds(w->pid);

	(void)p;
	if (n > w->max_fds)
		w->max_fds = n;
}

/* Requests/s over the seconds from `from` on (after the spawn). */
static double rate_from(const struct load_result *r, unsigned from)
{
	double n = 0, t = 0;

	for (unsigned s = from; s < r->nseconds; s++) {
		n += r->seconds[s].requests;
		t += r->seconds[s].span_s;
	}
	return t ? n / t : 0;
}

/* 2,000 users at 1,000/s thinking 100-200 ms: 2,000 connections, and
 * requests/s near 2,000 / 0.15 s once all are spawned */
static void users_2000_think_100_200ms(void)
{
	struct load_opts o = { .users = 2000,
			       .spawn_rate = 1000,
			       .think_min_s = 0.1,
			       .think_max_s = 0.2,
			       .threads = 2,
			       .duration_s = 5,
			       .progress = count_server_fds };
	struct watch w = { 0 };
	struct load_result r;
	struct server s;
	double rate;

	if (!start_epoll(&s))
		return;
	w.pid = s.pid;
	o.url = url;
	o.progress_arg = &w;
	if (run(&o, &r)) {
		/* Each user cycles through think, (the client's lag,) request from
		 * its spawn s_u = u / 1000 s to the end T = 5 s: sum(T - s_u) / cycle
		 * requests. On an idle machine cycles are 150 ms and the rate
		 * after the spawn 2,000 / 0.15 s; on a busy one, latency and lag
		 * lengthen them, and the same sum must hold. */
		double cycle_s = 0.15 + (histogram_mean(&r.latency) + r.mean_lag_ns) / 1e9;
		double expect = 2000 * (5 - 0.9995) / cycle_s;

		rate = rate_from(&r, 3);
		CHECK(r.users_started == 2000, "%u users started", r.users_started);
		CHECK(r.connections_peak == 2000, "%u connections open at most",
		      r.connections_peak);
		CHECK(w.max_fds >= 2000, "the server held %d descriptors at most", w.max_fds);
		CHECK(fabs(r.requests - expect) <= 0.1 * expect,
		      "%llu requests; 2000 users in %.1f ms cycles make %.0f",
		      (unsigned long long)r.requests, cycle_s * 1e3, expect);
		CHECK(r.errors_total == 0, "%llu errors", (unsigned long long)r.errors_total);
		fprintf(stderr,
			"  %llu requests (%.0f expected), %.0f/s after the spawn; cycle %.1f ms "
			"(latency %.2f ms, lag %.2f ms)\n",
			(unsigned long long)r.requests, expect, rate, cycle_s * 1e3,
			histogram_mean(&r.latency) / 1e6, r.mean_lag_ns / 1e6);
	}
	load_result_free(&r);
	server_stop(&s);
}

/* C10K: 10,000 users, each connected */
static void users_10000_connections(void)
{
	struct load_opts o = { .users = 10000,
			       .spawn_rate = 5000,
			       .think_min_s = 1,
			       .think_max_s = 2,
			       .threads = 2,
			       .duration_s = 4,
			       .timeout_s = 5 };
	struct load_result r;
	struct server s;

	if (!start_epoll(&s))
		return;
	o.url = url;
	if (run(&o, &r)) {
		CHECK(r.users_started == 10000, "%u users started", r.users_started);
		CHECK(r.connections_peak == 10000, "%u connections open at most",
		      r.connections_peak);
		/* a starved server may lose a few; a broken client loses many */
		CHECK(r.errors_total * 100 <= r.requests,
		      "%llu errors (connect timeout %llu, "
		      "read timeout %llu) in %llu requests",
		      (unsigned long long)r.errors_total,
		      (unsigned long long)r.errors[LOAD_ERR_CONNECT_TIMEOUT],
		      (unsigned long long)r.errors[LOAD_ERR_READ_TIMEOUT],
		      (unsigned long long)r.requests);
		CHECK(r.requests >= 10000, "%llu requests", (unsigned long long)r.requests);
	}
	load_result_free(&r);
	server_stop(&s);
}

/* Without CAP_SYS_RESOURCE a hard limit below what the users need cannot
 * be raised: load_run says so instead of failing connects one by one. */
static void too_few_descriptors_said_clearly(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	struct rlimit rl = { 1024, 1024 };
	struct load_opts o = { .url = "http://127.0.0.1:1/", .users = 2000, .duration_s = 1 };
	struct load_result r;
	int err;

	if (syscall(SYS_capget, &h, d) == 0) {
		d[0].effective &= ~(1u << CAP_SYS_RESOURCE);
		syscall(SYS_capset, &h, d);
	}
	if (!CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0, "setrlimit"))
		return;
	err = load_run(&o, &r);
	CHECK(err == -EMFILE && strstr(r.error, "RLIMIT_NOFILE") && strstr(r.error, "1024"),
	      "%d: %s", err, r.error);
	load_result_free(&r);
}

static const struct test_case cases[] = {
	TEST(users_2000_think_100_200ms),
	TEST(users_10000_connections),
	TEST(too_few_descriptors_said_clearly),
};

TEST_MAIN(cases)
