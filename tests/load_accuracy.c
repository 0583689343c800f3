// SPDX-License-Identifier: MIT
/* The load generator measures what happened: latency against a server of
 * known delay, an open-loop rate kept, a stalled server visible in the
 * percentiles (open loop) and in max (closed loop), and request counts
 * equal to the server's own. */
#include "harness/load/load.h"
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/fake_server.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char url[64];

static const char *url_of(int port)
{
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", port);
	return url;
}

static bool run(struct load_opts *o, struct load_result *r)
{
	int err = load_run(o, r);

	return CHECK(err == 0, "load_run: %s: %s", strerror(-err), r->error);
}

static bool start_epoll(struct server *s, const char *const args[])
{
	int err = server_start(s, "epoll", args);

	return CHECK(err == 0, "start build/server-epoll: %s", strerror(-err));
}

#define MS(ns) ((ns) / 1e6)

/* a server that sleeps 2 ms per request: p50 between 2 and 3 ms */
static void sleep_2ms_gives_p50_2_to_3ms(void)
{
	const char *args[] = { "--sleep-us", "2000", NULL };
	struct load_opts o = { .connections = 1, .threads = 1, .duration_s = 2 };
	struct load_result r;
	struct server s;
	uint64_t p50;

	if (!start_epoll(&s, args))
		return;
	o.url = url_of(s.port);
	if (run(&o, &r)) {
		p50 = histogram_percentile(&r.latency, 50);
		CHECK(p50 >= 2000000 && p50 <= 3000000, "p50 %.3f ms", MS(p50));
		CHECK(r.requests >= 300 && r.errors_total == 0, "%llu requests, %llu errors",
		      (unsigned long long)r.requests, (unsigned long long)r.errors_total);
	}
	load_result_free(&r);
	server_stop(&s);
}

/* -R 2000 -d 3s: the rate is kept, counting what was sent and answered */
static void rate_2000_kept_for_3s(void)
{
	struct load_opts o = { .connections = 20, .threads = 2, .duration_s = 3, .rate = 2000 };
	struct load_result r;
	struct server s;

	if (!start_epoll(&s, NULL))
		return;
	o.url = url_of(s.port);
	if (run(&o, &r)) {
		CHECK(fabs(r.rate - 2000) <= 0.02 * 2000, "achieved %.1f requests/s", r.rate);
		CHECK(llabs((long long)r.requests - 6000) <= 120, "%llu requests",
		      (unsigned long long)r.requests);
		CHECK(llabs((long long)r.sent - 6000) <= 120, "%llu sent",
		      (unsigned long long)r.sent);
		CHECK(r.errors_total == 0, "%llu errors", (unsigned long long)r.errors_total);
		fprintf(stderr, "  rate: %.1f/s, late sends %llu, max lag %.2f ms, behind %d\n",
			r.rate, (unsigned long long)r.late_sends, MS(r.max_lag_ns), r.behind);
	}
	load_result_free(&r);
	server_stop(&s);
}

/* Stops the server for 1 s at the first progress report (about 1 s in). */
struct stall {
	pid_t pid;
	bool done;
};

static void stall_once(const struct load_progress *p, void *arg)
{
	struct stall *st = arg;
	struct timespec one_s = { 1, 0 };

	(void)p;
	if (st->done)
		return;
	kill(st->pid, SIGSTOP);
	nanosleep(&one_s, NULL);
	kill(st->pid, SIGCONT);
	st->done = true;
}

/* open loop: the requests due during the stall wait for it, and say so */
static void stall_shows_in_open_loop_p99(void)
{
	struct load_opts o = { .connections = 10,
			       .threads = 1,
			       .duration_s = 4,
			       .rate = 1000,
			       .progress = stall_once };
	struct load_result r;
	struct stall st = { 0 };
	struct server s;
	uint64_t p99;

	if (!start_epoll(&s, NULL))
		return;
	st.pid = s.pid;
	o.progress_arg = &st;
	o.url = url_of(s.port);
	if (run(&o, &r)) {
		p99 = histogram_percentile(&r.latency, 99);
		CHECK(st.done, "the server was not stopped");
		CHECK(p99 >= 500000000, "p99 %.1f ms", MS(p99));
		CHECK(r.latency.max >= 900000000, "max %.1f ms", MS(r.latency.max));
		/* the schedule catches up: the requests due in the stall still go */
		CHECK(llabs((long long)r.requests - 4000) <= 200, "%llu requests",
		      (unsigned long long)r.requests);
	}
	load_result_free(&r);
	server_stop(&s);
}

/* closed loop: the stall shows in max, while p99 hides it (coordinated
 * omission: the requests that would have waited were never sent) */
static void stall_shows_in_closed_loop_max(void)
{
	struct load_opts o = {
		.connections = 10, .threads = 1, .duration_s = 3, .progress = stall_once
	};
	struct load_result r;
	struct stall st = { 0 };
	struct server s;

	if (!start_epoll(&s, NULL))
		return;
	st.pid = s.pid;
	o.progress_arg = &st;
	o.url = url_of(s.port);
	if (run(&o, &r)) {
		CHECK(st.done, "the server was not stopped");
		CHECK(r.latency.max >= 900000000, "max %.1f ms", MS(r.latency.max));
		CHECK(histogram_percentile(&r.latency, 99) < 500000000, "p99 %.1f ms",
		      MS(histogram_percentile(&r.latency, 99)));
	}
	load_result_free(&r);
	server_stop(&s);
}

/* the responses the load counts are the ones the server sent (a request
 * in flight when the load ends is the server's but not the load's) */
static void counts_agree_with_server(void)
{
	struct load_opts o = { .connections = 8, .threads = 2, .duration_s = 2 };
	struct load_result r;
	struct fake_server f;

	if (!CHECK(fake_server_start(&f, FAKE_OK) == 0, "fake server"))
		return;
	o.url = url_of(f.srv.port);
	if (run(&o, &r)) {
		uint64_t sent = fake_server_responses(&f);

		CHECK(r.requests > 10000, "%llu requests", (unsigned long long)r.requests);
		CHECK(fabs((double)r.requests - sent) <= 0.005 * sent,
		      "load counted %llu, the server answered %llu", (unsigned long long)r.requests,
		      (unsigned long long)sent);
		CHECK(r.requests <= sent && sent - r.requests <= o.connections,
		      "load %llu, server %llu: more apart than the requests in flight",
		      (unsigned long long)r.requests, (unsigned long long)sent);
	}
	load_result_free(&r);
	fake_server_stop(&f);
}

/* ...and the server's count is one wrk agrees with */
static void server_count_agrees_with_wrk(void)
{
	char out[4096], *at;
	const char *argv[] = { "wrk", "-t1", "-c8", "-d2s", url, NULL };
	struct fake_server f;
	unsigned long long wrk_requests = 0;
	int status;

	if (!CHECK(cmd_exists("wrk"), "wrk is not installed (scripts/install-deps)"))
		return;
	if (!CHECK(fake_server_start(&f, FAKE_OK) == 0, "fake server"))
		return;
	url_of(f.srv.port);
	status = cmd_run(out, sizeof(out), 20, argv);
	at = strstr(out, " requests in ");
	while (at && at > out && at[-1] >= '0' && at[-1] <= '9')
		at--;
	if (CHECK(status == 0 && at && sscanf(at, "%llu", &wrk_requests) == 1, "wrk: %s", out)) {
		uint64_t sent = fake_server_responses(&f);

		CHECK(wrk_requests > 10000 && fabs((double)wrk_requests - sent) <= 0.005 * sent,
		      "wrk counted %llu, the server answered %llu", wrk_requests,
		      (unsigned long long)sent);
	}
	fake_server_stop(&f);
}

/* --close: a connection per request, and nothing lost to it */
static void connect_scenario_one_connection_per_request(void)
{
	struct load_opts o = { .connections = 8, .threads = 2, .duration_s = 1, .close = true };
	struct load_result r;
	struct server s;

	if (!start_epoll(&s, NULL))
		return;
	o.url = url_of(s.port);
	if (run(&o, &r)) {
		CHECK(r.requests > 1000, "%llu requests", (unsigned long long)r.requests);
		CHECK(llabs((long long)r.connects - (long long)r.requests) <= o.connections,
		      "%llu connects for %llu requests", (unsigned long long)r.connects,
		      (unsigned long long)r.requests);
		CHECK(r.connect.total == r.connects, "connect histogram");
		CHECK(r.errors_total == 0, "%llu errors", (unsigned long long)r.errors_total);
	}
	load_result_free(&r);
	server_stop(&s);
}

/* a request larger than the socket buffers goes out in several sends */
static void large_requests_sent_whole(void)
{
	static char big[4 << 20];
	const char *headers[] = { big };
	struct load_opts o = {
		.connections = 2, .threads = 1, .duration_s = 1, .headers = headers, .nheaders = 1
	};
	struct load_result r;
	struct fake_server f;

	memcpy(big, "X-Big: ", 7);
	memset(big + 7, 'a', sizeof(big) - 8);
	if (!CHECK(fake_server_start(&f, FAKE_OK) == 0, "fake server"))
		return;
	o.url = url_of(f.srv.port);
	if (run(&o, &r)) {
		uint64_t sent = fake_server_responses(&f);

		CHECK(r.requests >= 10 && r.errors_total == 0, "%llu requests, %llu errors",
		      (unsigned long long)r.requests, (unsigned long long)r.errors_total);
		CHECK(sent >= r.requests && sent - r.requests <= 2 &&
			      fake_server_requests(&f) == sent,
		      "load %llu, server read %llu and answered %llu",
		      (unsigned long long)r.requests, (unsigned long long)fake_server_requests(&f),
		      (unsigned long long)sent);
	}
	load_result_free(&r);
	fake_server_stop(&f);
}

/* --cpus: each load thread runs on its CPU (looked at while they run) */
struct affinity {
	int threads, pinned;
};

static void look_at_threads(const struct load_progress *p, void *arg)
{
	struct affinity *a = arg;
	char path[300], line[256];
	struct dirent *d;
	DIR *dir = opendir("/proc/self/task");

	(void)p;
	a->threads = a->pinned = 0;
	while (dir && (d = readdir(dir))) {
		FILE *f;

		if (d->d_name[0] == '.' || atoi(d->d_name) == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", d->d_name);
		if (!(f = fopen(path, "r")))
			continue;
		a->threads++;
		while (fgets(line, sizeof(line), f))
			if (!strcmp(line, "Cpus_allowed_list:\t0\n"))
				a->pinned++;
		fclose(f);
	}
	if (dir)
		closedir(dir);
}

static void threads_pinned_to_listed_cpus(void)
{
	const int cpus[] = { 0 };
	struct affinity a = { 0 };
	struct load_opts o = { .connections = 4,
			       .threads = 2,
			       .duration_s = 1.5,
			       .cpus = cpus,
			       .ncpus = 1,
			       .progress = look_at_threads,
			       .progress_arg = &a };
	struct load_result r;
	struct fake_server f;

	if (!CHECK(fake_server_start(&f, FAKE_OK) == 0, "fake server"))
		return;
	o.url = url_of(f.srv.port);
	if (run(&o, &r))
		CHECK(a.threads == 2 && a.pinned == 2, "%d threads, %d on CPU 0", a.threads,
		      a.pinned);
	load_result_free(&r);
	fake_server_stop(&f);
}

/* the warm-up loads the server but is not measured */
static void warmup_not_measured(void)
{
	struct load_opts o = { .connections = 4, .threads = 1, .duration_s = 1, .warmup_s = 1 };
	struct load_result r;
	struct fake_server f;
	long long t0 = now_ms();

	if (!CHECK(fake_server_start(&f, FAKE_OK) == 0, "fake server"))
		return;
	o.url = url_of(f.srv.port);
	if (run(&o, &r)) {
		uint64_t served = fake_server_responses(&f);

		CHECK(now_ms() - t0 >= 2000, "ran %lld ms", now_ms() - t0);
		CHECK(fabs(r.duration_s - 1) < 0.01 && r.nseconds == 1,
		      "measured %.3f s, %u seconds", r.duration_s, r.nseconds);
		/* served = warm-up + measured + at most 4 in flight */
		CHECK(r.requests > 1000 && served - r.requests > 1000,
		      "measured %llu of the %llu served", (unsigned long long)r.requests,
		      (unsigned long long)served);
		CHECK(r.cpu_user_s + r.cpu_sys_s > 0, "client CPU time");
	}
	load_result_free(&r);
	fake_server_stop(&f);
}

static const struct test_case cases[] = {
	TEST(sleep_2ms_gives_p50_2_to_3ms),
	TEST(rate_2000_kept_for_3s),
	TEST(stall_shows_in_open_loop_p99),
	TEST(stall_shows_in_closed_loop_max),
	TEST(counts_agree_with_server),
	TEST(server_count_agrees_with_wrk),
	TEST(connect_scenario_one_connection_per_request),
	TEST(large_requests_sent_whole),
	TEST(threads_pinned_to_listed_cpus),
	TEST(warmup_not_measured),
};

TEST_MAIN(cases)
