// SPDX-License-Identifier: MIT
/* The users scenario: users spawned at their rate, each on a connection of
 * its own, thinking between requests; up to 10,000 connections at once. */
#include "harness/load.h"
#include "tests/lib/check.h"
#include "tests/lib/server.h"

#include <math.h>
#include <string.h>
#include <sys/resource.h>

static char url[64];

static bool run(struct load_opts *o, struct load_result *r)
{
	int err = load_run(o, r);

	return CHECK(err == 0, "load_run: %s: %s", strerror(-err), r->error);
}

/* the server holds a descriptor per connection: raise the limit it inherits */
static bool start_epoll(struct server *s)
{
	struct rlimit rl;
	int err;

	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	err = server_start(s, "epoll", NULL);
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
	struct load_opts o = { .users = 2000, .spawn_rate = 1000, .think_min_s = 0.1,
			       .think_max_s = 0.2, .threads = 2, .duration_s = 5,
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
		rate = rate_from(&r, 3);
		CHECK(r.users_started == 2000, "%u users started", r.users_started);
		CHECK(r.connections_peak == 2000, "%u connections open at most", r.connections_peak);
		CHECK(w.max_fds >= 2000, "the server held %d descriptors at most", w.max_fds);
		CHECK(fabs(rate - 2000 / 0.15) <= 0.1 * 2000 / 0.15, "%.0f requests/s after the spawn",
		      rate);
		CHECK(r.errors_total == 0, "%llu errors", (unsigned long long)r.errors_total);
	}
	load_result_free(&r);
	server_stop(&s);
}

/* C10K: 10,000 users, each connected */
static void users_10000_connections(void)
{
	struct load_opts o = { .users = 10000, .spawn_rate = 5000, .think_min_s = 1,
			       .think_max_s = 2, .threads = 2, .duration_s = 4 };
	struct load_result r;
	struct server s;

	if (!start_epoll(&s))
		return;
	o.url = url;
	if (run(&o, &r)) {
		CHECK(r.users_started == 10000, "%u users started", r.users_started);
		CHECK(r.connections_peak == 10000, "%u connections open at most", r.connections_peak);
		CHECK(r.errors_total == 0, "%llu errors (refused %llu, connect timeout %llu)",
		      (unsigned long long)r.errors_total,
		      (unsigned long long)r.errors[LOAD_ERR_CONNECT_REFUSED],
		      (unsigned long long)r.errors[LOAD_ERR_CONNECT_TIMEOUT]);
		CHECK(r.requests >= 10000, "%llu requests", (unsigned long long)r.requests);
	}
	load_result_free(&r);
	server_stop(&s);
}

static const struct test_case cases[] = {
	TEST(users_2000_think_100_200ms),
	TEST(users_10000_connections),
};

TEST_MAIN(cases)
