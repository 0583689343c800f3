// SPDX-License-Identifier: MIT
/* The load generator counts each kind of error when a server provokes it,
 * never stops for one, refuses targets off loopback, and ends early when
 * told to, keeping what it measured. */
#include "harness/load/load.h"
#include "tests/lib/check.h"
#include "tests/lib/fake_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
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

/* Only the kinds named (a -1 terminated list) may be non-zero. */
static void only_kinds(const struct load_result *r, const int *kinds)
{
	for (int k = 0; k < LOAD_ERR_KINDS; k++) {
		bool wanted = false;

		for (const int *w = kinds; *w >= 0; w++)
			wanted |= *w == k;
		if (!wanted)
			CHECK(r->errors[k] == 0, "unexpected %s: %llu", load_error_name(k),
			      (unsigned long long)r->errors[k]);
	}
}

/* Runs against a fake server and checks kind was counted, and no response. */
static void provoke(enum fake_behaviour b, enum load_error kind, double timeout_s)
{
	struct fake_server f;
	struct load_opts o = {
		.connections = 4, .threads = 2, .duration_s = 1, .timeout_s = timeout_s
	};
	struct load_result r;
	int kinds[] = { kind, -1 };

	if (!CHECK(fake_server_start(&f, b) == 0, "fake server"))
		return;
	o.url = url_of(f.srv.port);
	if (run(&o, &r)) {
		CHECK(r.errors[kind] > 0, "no %s counted", load_error_name(kind));
		CHECK(r.requests == 0, "%llu responses", (unsigned long long)r.requests);
		CHECK(r.errors_total >= r.errors[kind], "errors_total %llu",
		      (unsigned long long)r.errors_total);
		only_kinds(&r, kinds);
		CHECK(fake_server_requests(&f) > 0, "the server saw no request");
	}
	load_result_free(&r);
	fake_server_stop(&f);
}

static void reset_counted(void)
{
	provoke(FAKE_RESET, LOAD_ERR_RESET, 0);
}

static void read_timeout_counted(void)
{
	provoke(FAKE_SILENT, LOAD_ERR_READ_TIMEOUT, 0.2);
}

static void garbage_is_bad_response(void)
{
	provoke(FAKE_GARBAGE, LOAD_ERR_BAD_RESPONSE, 0);
}

static void close_without_answer_counted(void)
{
	provoke(FAKE_CLOSE, LOAD_ERR_CLOSED, 0);
}

static void status_500_counted_per_status(void)
{
	struct fake_server f;
	struct load_opts o = { .connections = 4, .threads = 1, .duration_s = 1 };
	struct load_result r;
	int none[] = { -1 };

	if (!CHECK(fake_server_start(&f, FAKE_500) == 0, "fake server"))
		return;
	o.url = url_of(f.srv.port);
	if (run(&o, &r)) {
		CHECK(r.requests > 100 && r.status[500] == r.requests, "%llu responses, %llu 500s",
		      (unsigned long long)r.requests, (unsigned long long)r.status[500]);
		CHECK(r.non2xx == r.requests && r.errors_total == r.non2xx,
		      "non2xx %llu total %llu", (unsigned long long)r.non2xx,
		      (unsigned long long)r.errors_total);
		only_kinds(&r, none);
	}
	load_result_free(&r);
	fake_server_stop(&f);
}

/* A port nobody listens on: bind one, and close it again. */
static int closed_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(fd, (struct sockaddr *)&sa, &len);
	close(fd);
	return ntohs(sa.sin_port);
}

static void closed_port_refused(void)
{
	struct load_opts o = {
		.url = url_of(closed_port()), .connections = 2, .threads = 1, .duration_s = 0.5
	};
	struct load_result r;
	int kinds[] = { LOAD_ERR_CONNECT_REFUSED, -1 };

	if (run(&o, &r)) {
		/* retried every 10 ms, not in a busy loop */
		CHECK(r.errors[LOAD_ERR_CONNECT_REFUSED] >= 10 &&
			      r.errors[LOAD_ERR_CONNECT_REFUSED] <= 2 * 60,
		      "%llu refused", (unsigned long long)r.errors[LOAD_ERR_CONNECT_REFUSED]);
		CHECK(r.requests == 0, "responses from nowhere");
		only_kinds(&r, kinds);
	}
	load_result_free(&r);
}

/* A listener that never accepts, with backlog 0: its queue holds one
 * connection, the kernel drops later SYNs, and those connects time out. */
static void full_accept_queue_connect_timeout(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct load_opts o = { .connections = 4, .threads = 1, .duration_s = 1, .timeout_s = 0.25 };
	struct load_result r;
	int kinds[] = { LOAD_ERR_CONNECT_TIMEOUT, LOAD_ERR_READ_TIMEOUT, -1 };

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (!CHECK(!bind(fd, (struct sockaddr *)&sa, sizeof(sa)) && !listen(fd, 0) &&
			   !getsockname(fd, (struct sockaddr *)&sa, &len),
		   "listener: %s", strerror(errno)))
		return;
	o.url = url_of(ntohs(sa.sin_port));
	if (run(&o, &r)) {
		CHECK(r.errors[LOAD_ERR_CONNECT_TIMEOUT] > 0,
		      "no connect timeout (%llu read timeouts)",
		      (unsigned long long)r.errors[LOAD_ERR_READ_TIMEOUT]);
		only_kinds(&r, kinds);
	}
	load_result_free(&r);
	close(fd);
}

static void other_hosts_refused(void)
{
	static const char *const urls[] = { "http://10.1.2.3:80/", "http://example.com/" };
	struct load_result r;

	for (size_t i = 0; i < sizeof(urls) / sizeof(urls[0]); i++) {
		struct load_opts o = { .url = urls[i], .duration_s = 1 };
		int err = load_run(&o, &r);

		CHECK(err == -EPERM && strstr(r.error, "loopback"), "%s: %d '%s'", urls[i], err,
		      r.error);
		load_result_free(&r);
	}
}

static void bad_options_refused(void)
{
	struct load_opts bad[] = {
		{ .url = "http://127.0.0.1:1/", .duration_s = 7200 },
		{ .url = "http://127.0.0.1:1/", .duration_s = -1 },
		{ .url = "http://127.0.0.1:1/", .rate = 10, .users = 10 },
		{ .url = "http://127.0.0.1:1/", .users = 10, .think_min_s = 2, .think_max_s = 1 },
		{ .url = "http://127.0.0.1:1/", .connections = LOAD_MAX_CONNECTIONS + 1 },
		/* a request (a user) every 1e309 ns is past any clock */
		{ .url = "http://127.0.0.1:1/", .rate = 1e-300 },
		{ .url = "http://127.0.0.1:1/", .users = 10, .spawn_rate = 1e-300 },
	};
	struct load_result r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int err = load_run(&bad[i], &r);

		CHECK(err == -EINVAL && r.error[0], "options %zu: %d '%s'", i, err, r.error);
		load_result_free(&r);
	}
}

static void stop_at_first_progress(const struct load_progress *p, void *arg)
{
	(void)p;
	*(volatile sig_atomic_t *)arg = 1;
}

/* *stop (what a SIGINT handler sets) ends the run; what was measured stays */
static void stop_ends_early_with_results(void)
{
	static volatile sig_atomic_t stop;
	struct fake_server f;
	struct load_opts o = { .connections = 4,
			       .threads = 2,
			       .duration_s = 30,
			       .stop = &stop,
			       .progress = stop_at_first_progress,
			       .progress_arg = (void *)&stop };
	struct load_result r;
	long long t0 = now_ms();

	if (!CHECK(fake_server_start(&f, FAKE_OK) == 0, "fake server"))
		return;
	o.url = url_of(f.srv.port);
	if (run(&o, &r)) {
		CHECK(now_ms() - t0 < 5000, "took %lld ms", now_ms() - t0);
		CHECK(r.stopped && r.requests > 0 && r.duration_s > 0.5 && r.duration_s < 3,
		      "stopped %d, %llu requests in %.2f s", r.stopped,
		      (unsigned long long)r.requests, r.duration_s);
		CHECK(r.latency.total == r.requests, "histogram %llu",
		      (unsigned long long)r.latency.total);
	}
	load_result_free(&r);
	fake_server_stop(&f);
}

static void request_limit_honoured(void)
{
	struct fake_server f;
	struct load_opts o = {
		.connections = 4, .threads = 2, .duration_s = 30, .max_requests = 5000
	};
	struct load_result r;

	if (!CHECK(fake_server_start(&f, FAKE_OK) == 0, "fake server"))
		return;
	o.url = url_of(f.srv.port);
	if (run(&o, &r))
		CHECK(r.requests >= 5000 && r.requests <= 5000 + 4 && r.duration_s < 20,
		      "%llu requests in %.2f s", (unsigned long long)r.requests, r.duration_s);
	load_result_free(&r);
	fake_server_stop(&f);
}

/* A server that never answers, and a timeout longer than the run: nothing
 * failed yet, but every connection's request is still waiting. */
static void unanswered_counted_at_the_end(void)
{
	struct fake_server f;
	struct load_opts o = { .connections = 6, .threads = 2, .duration_s = 0.5, .timeout_s = 30 };
	struct load_result r;

	if (!CHECK(fake_server_start(&f, FAKE_SILENT) == 0, "fake server"))
		return;
	o.url = url_of(f.srv.port);
	if (run(&o, &r)) {
		CHECK(r.unanswered == 6, "%llu unanswered", (unsigned long long)r.unanswered);
		CHECK(r.errors_total == 0 && r.requests == 0, "nothing answered, nothing failed");
		CHECK(r.unanswered_wait_ns >= 400000000ULL && r.unanswered_wait_ns < 5000000000ULL,
		      "waited %llu ns", (unsigned long long)r.unanswered_wait_ns);
	}
	load_result_free(&r);
	fake_server_stop(&f);
	if (!CHECK(fake_server_start(&f, FAKE_OK) == 0, "fake server"))
		return;
	o.url = url_of(f.srv.port);
	o.timeout_s = 2;
	if (run(&o, &r))
		CHECK(r.unanswered <= 6 && r.requests > 0,
		      "an answering server leaves at most one per connection: %llu",
		      (unsigned long long)r.unanswered);
	load_result_free(&r);
	fake_server_stop(&f);
}

static const struct test_case cases[] = {
	TEST(closed_port_refused),
	TEST(full_accept_queue_connect_timeout),
	TEST(reset_counted),
	TEST(read_timeout_counted),
	TEST(garbage_is_bad_response),
	TEST(close_without_answer_counted),
	TEST(status_500_counted_per_status),
	TEST(other_hosts_refused),
	TEST(bad_options_refused),
	TEST(stop_ends_early_with_results),
	TEST(request_limit_honoured),
	TEST(unanswered_counted_at_the_end),
};

TEST_MAIN(cases)
