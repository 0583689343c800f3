// SPDX-License-Identifier: MIT
/* `harness load --agent` driven through its stdin and stdout as a
 * controller drives it (here without ssh): shares that add up exactly to
 * the merged figures, percentiles of the merged buckets, an open-loop rate
 * split over agents kept, another protocol refused naming both, and an
 * agent that ends when its stdin closes or is lost mid-run. */
#include "harness/load/load_agent.h"
#include "tests/lib/buckets.h"
#include "tests/lib/check.h"
#include "tests/lib/server.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct spawned {
	pid_t pid;
	struct load_agent a;
};

/* build/harness load --agent, its stdin and stdout ours */
static bool spawn_agent(struct spawned *s, const char *host)
{
	int in[2], out[2];
	char harness[512];

	memset(s, 0, sizeof(*s));
	snprintf(harness, sizeof(harness), "%s/harness", test_bin_dir());
	if (!CHECK(pipe2(in, O_CLOEXEC) == 0 && pipe2(out, O_CLOEXEC) == 0, "pipe: %s",
		   strerror(errno)))
		return false;
	s->pid = fork();
	if (s->pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl(harness, harness, "load", "--agent", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	s->a.host = host;
	s->a.to_fd = in[1];
	s->a.from_fd = out[0];
	return CHECK(s->pid > 0, "fork: %s", strerror(errno));
}

/* Closes its stdin; true when it exits within 5 s. */
static bool agent_ends(struct spawned *s)
{
	int status;

	if (s->a.to_fd >= 0)
		close(s->a.to_fd);
	s->a.to_fd = -1;
	if (!WAIT_UNTIL(waitpid(s->pid, &status, WNOHANG) == s->pid, 5000)) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		return false;
	}
	return true;
}

static void agents_end(struct spawned *s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		CHECK(agent_ends(&s[i]), "agent %u did not exit when its stdin closed", i);
		close(s[i].a.from_fd);
		load_agent_free(&s[i].a);
	}
}

static bool start_epoll(struct server *srv, char *url, size_t len)
{
	static const char *const args[] = { "--workers", "1", NULL };

	if (!CHECK(server_start(srv, "epoll", args) == 0, "start build/server-epoll"))
		return false;
	snprintf(url, len, "http://127.0.0.1:%d/", srv->port);
	return true;
}

/* server-epoll, o aimed at it, and two agents named a and b */
static bool server_and_two_agents(struct server *srv, char *url, size_t len, struct load_opts *o,
				  struct spawned s[2], const char *a, const char *b)
{
	if (!start_epoll(srv, url, len))
		return false;
	o->url = url;
	if (spawn_agent(&s[0], a) && spawn_agent(&s[1], b))
		return true;
	server_stop(srv);
	return false;
}

/* n agents run o's load; r the merged result. */
static int run_agents(struct spawned *s, unsigned n, const struct load_opts *o,
		      struct load_result *r)
{
	struct load_agent a[4];
	int err;

	for (unsigned i = 0; i < n; i++)
		a[i] = s[i].a;
	err = load_agents_start(a, n, o, 5000);
	if (!CHECK(err == 0, "not ready: %s: %s", a[0].failed ? a[0].host : a[n - 1].host,
		   a[0].failed ? a[0].why : a[n - 1].why))
		goto out;
	err = load_agents_run(a, n, o, r);
out:
	for (unsigned i = 0; i < n; i++)
		s[i].a = a[i];
	return err;
}

/* The value at percentile p of the agents' buckets, counted from the JSON
 * they sent (tests/lib/buckets) */
static uint64_t bucket_percentile(const struct load_result *parts, unsigned n, double p)
{
	json_t *j[4];
	const json_t *h[4];
	uint64_t v;

	for (unsigned i = 0; i < n; i++) {
		j[i] = load_result_to_json(&parts[i]);
		h[i] = json_object_get(json_object_get(j[i], "latency_us"), "histogram");
	}
	v = buckets_percentile(h, n, p);
	for (unsigned i = 0; i < n; i++)
		json_decref(j[i]);
	return v;
}

static void two_agents_add_up(void)
{
	struct server srv;
	struct spawned s[2];
	struct load_opts o = { .connections = 8, .duration_s = 1.5, .timeout_s = 2 };
	struct load_result r, parts[2];
	char url[64];
	uint64_t requests = 0, errors = 0, bytes = 0;
	double cpu = 0;
	int err;

	if (!server_and_two_agents(&srv, url, sizeof(url), &o, s, "agent0", "agent1"))
		return;
	err = run_agents(s, 2, &o, &r);
	if (!CHECK(err == 0, "load_agents_run: %s (%s; %s)", strerror(-err), s[0].a.why,
		   s[1].a.why))
		goto out_agents;
	for (unsigned i = 0; i < 2; i++) {
		parts[i] = s[i].a.result;
		requests += parts[i].requests;
		errors += parts[i].errors_total;
		bytes += parts[i].bytes;
		cpu += parts[i].cpu_user_s + parts[i].cpu_sys_s;
		CHECK(parts[i].connections == 4, "agent %u opened %u connections, not 4 of 8", i,
		      parts[i].connections);
		CHECK(parts[i].requests > 100, "agent %u: %llu requests", i,
		      (unsigned long long)parts[i].requests);
	}
	CHECK(r.requests == requests && r.latency.total == requests,
	      "merged %llu requests (histogram %llu), the agents %llu",
	      (unsigned long long)r.requests, (unsigned long long)r.latency.total,
	      (unsigned long long)requests);
	CHECK(r.errors_total == errors && errors == 0, "errors: merged %llu, agents %llu",
	      (unsigned long long)r.errors_total, (unsigned long long)errors);
	CHECK(r.bytes == bytes, "bytes: merged %llu, agents %llu", (unsigned long long)r.bytes,
	      (unsigned long long)bytes);
	CHECK(fabs(r.cpu_user_s + r.cpu_sys_s - cpu) < 1e-9, "CPU: merged %f, agents %f",
	      r.cpu_user_s + r.cpu_sys_s, cpu);
	CHECK(r.connections == 8, "merged %u connections", r.connections);
	for (double p = 50; p <= 99.99; p = p < 99 ? p + 20 : p + 0.99 * (100 - p)) {
		uint64_t want = bucket_percentile(parts, 2, p),
			 got = histogram_percentile(&r.latency, p);

		CHECK(histogram_index(HISTOGRAM_PRECISE, got) ==
			      histogram_index(HISTOGRAM_PRECISE, want),
		      "p%g: merged %llu ns, from the agents' buckets %llu ns", p,
		      (unsigned long long)got, (unsigned long long)want);
	}
	load_result_free(&r);
out_agents:
	agents_end(s, 2);
	server_stop(&srv);
}

/* The rate split over two agents: each its half of the schedule, the two
 * together the one run's rate (within 10%). */
static void rate_split_kept(void)
{
	struct server srv;
	struct spawned one[1], two[2];
	struct load_opts o = { .connections = 10, .duration_s = 2, .timeout_s = 2, .rate = 2000 };
	struct load_result r1, r2;
	char url[64];
	int err;

	if (!start_epoll(&srv, url, sizeof(url)))
		return;
	o.url = url;
	if (!spawn_agent(&one[0], "single") || !spawn_agent(&two[0], "half0") ||
	    !spawn_agent(&two[1], "half1"))
		goto out;
	err = run_agents(one, 1, &o, &r1);
	if (!CHECK(err == 0, "one agent: %s (%s)", strerror(-err), one[0].a.why))
		goto out_agents;
	err = run_agents(two, 2, &o, &r2);
	if (!CHECK(err == 0, "two agents: %s (%s; %s)", strerror(-err), two[0].a.why, two[1].a.why))
		goto out_r1;
	for (unsigned i = 0; i < 2; i++)
		CHECK(fabs(two[i].a.result.rate_target - 1000) < 1e-6,
		      "agent %u was to send %g requests/s, not 1000", i,
		      two[i].a.result.rate_target);
	CHECK(fabs(r2.rate_target - 2000) < 1e-6, "merged target %g", r2.rate_target);
	CHECK(fabs(r2.rate - r1.rate) < 0.1 * r1.rate,
	      "two agents %.0f requests/s, one %.0f: more than 10%% apart", r2.rate, r1.rate);
	CHECK(fabs(r2.rate - 2000) < 200, "two agents sent %.0f requests/s of 2000", r2.rate);
	load_result_free(&r2);
out_r1:
	load_result_free(&r1);
out_agents:
	agents_end(one, 1);
	agents_end(two, 2);
out:
	server_stop(&srv);
}

/* Users split over two agents: each starts its half, the whole run's. */
static void users_split(void)
{
	struct server srv;
	struct spawned s[2];
	struct load_opts o = { .users = 20,
			       .connections = 20,
			       .spawn_rate = 100,
			       .think_min_s = 0.01,
			       .think_max_s = 0.02,
			       .duration_s = 1.5,
			       .timeout_s = 2 };
	struct load_result r;
	char url[64];
	int err;

	if (!server_and_two_agents(&srv, url, sizeof(url), &o, s, "users0", "users1"))
		return;
	err = run_agents(s, 2, &o, &r);
	if (!CHECK(err == 0, "users: %s (%s; %s)", strerror(-err), s[0].a.why, s[1].a.why))
		goto out_agents;
	for (unsigned i = 0; i < 2; i++)
		CHECK(s[i].a.result.users == 10 && s[i].a.result.users_started == 10,
		      "agent %u: %u users, %u started, not 10 of 20", i, s[i].a.result.users,
		      s[i].a.result.users_started);
	CHECK(r.users == 20 && r.users_started == 20 && r.scenario == LOAD_USERS,
	      "merged: %u users, %u started", r.users, r.users_started);
	CHECK(r.requests == s[0].a.result.requests + s[1].a.result.requests,
	      "requests do not add up");
	load_result_free(&r);
out_agents:
	agents_end(s, 2);
	server_stop(&srv);
}

/* Everything it says until it closes stdout, within 5 s. */
static void read_all(int fd, char *buf, size_t len)
{
	size_t n = 0;
	long long deadline = now_ms() + 5000;

	while (n + 1 < len && now_ms() < deadline) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t k;

		if (poll(&p, 1, 100) <= 0)
			continue;
		k = read(fd, buf + n, len - 1 - n);
		if (k <= 0)
			break;
		n += k;
	}
	buf[n] = '\0';
}

static void other_protocol_refused(void)
{
	static const char job[] =
		"{\"job\": {\"protocol\": 99, \"url\": \"http://127.0.0.1:1/\"}}\n";
	struct spawned s;
	char said[1024];
	int status = -1;

	if (!spawn_agent(&s, "old"))
		return;
	CHECK(write(s.a.to_fd, job, sizeof(job) - 1) == (ssize_t)sizeof(job) - 1, "write");
	read_all(s.a.from_fd, said, sizeof(said));
	CHECK(strstr(said, "\"error\"") && strstr(said, "protocol 1") && strstr(said, "99"),
	      "said '%s', not an error naming protocols 1 and 99", said);
	CHECK(WAIT_UNTIL(waitpid(s.pid, &status, WNOHANG) == s.pid, 5000), "still running");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 2, "exit status %d, not 2", status);
	close(s.a.to_fd);
	close(s.a.from_fd);
}

/* Established TCP connections whose local port is port (/proc/net/tcp):
 * the server's side of the clients' connections. */
static int established_to(int port)
{
	char line[512];
	unsigned local, state;
	int n = 0;
	FILE *f = fopen("/proc/net/tcp", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, " %*d: %*x:%x %*x:%*x %x", &local, &state) == 2 &&
		    (int)local == port && state == 1)
			n++;
	if (f)
		fclose(f);
	return n;
}

/* An agent says ready once its connections are open: the server has them
 * all before "go". */
static void ready_once_open(void)
{
	struct server srv;
	struct spawned s[2];
	struct load_agent a[2];
	struct load_opts o = { .connections = 12, .duration_s = 0.5, .timeout_s = 2 };
	struct load_result r;
	char url[64];
	int err;

	if (!server_and_two_agents(&srv, url, sizeof(url), &o, s, "open0", "open1"))
		return;
	a[0] = s[0].a;
	a[1] = s[1].a;
	err = load_agents_start(a, 2, &o, 5000);
	if (CHECK(err == 0, "not ready: %s %s", a[0].why, a[1].why)) {
		CHECK(established_to(srv.port) == 12, "%d connections open at ready, not 12",
		      established_to(srv.port));
		err = load_agents_run(a, 2, &o, &r);
		if (CHECK(err == 0, "run: %s", strerror(-err)))
			load_result_free(&r);
	}
	s[0].a = a[0];
	s[1].a = a[1];
	agents_end(s, 2);
	server_stop(&srv);
}

/* A controller that goes away mid-run (stdin closed) ends the agent's
 * load at once; one killed mid-run is lost, the other kept. */
static void stdin_closed_or_killed(void)
{
	struct server srv;
	struct spawned s[2];
	struct load_agent a[2];
	struct load_opts o = { .connections = 4, .duration_s = 30, .timeout_s = 2 };
	struct load_result r;
	char url[64];
	long long t0;
	int err;

	if (!server_and_two_agents(&srv, url, sizeof(url), &o, s, "quits", "killed"))
		return;
	a[0] = s[0].a;
	a[1] = s[1].a;
	if (!CHECK(load_agents_start(a, 2, &o, 5000) == 0, "not ready: %s %s", a[0].why, a[1].why))
		goto out_agents;
	CHECK(write(a[0].to_fd, "go\n", 3) == 3 && write(a[1].to_fd, "go\n", 3) == 3, "go");
	t0 = now_ms();
	close(a[0].to_fd);
	s[0].a.to_fd = a[0].to_fd = -1;
	CHECK(WAIT_UNTIL(waitpid(s[0].pid, NULL, WNOHANG) == s[0].pid, 5000),
	      "agent still running 5 s after its stdin closed");
	CHECK(now_ms() - t0 < 5000, "took %lld ms", now_ms() - t0);

	/* the other, killed: lost, and said so, while its partner's is kept */
	kill(s[1].pid, SIGKILL);
	waitpid(s[1].pid, NULL, 0);
	o.duration_s = 1;
	a[1].ready = true;
	err = load_agents_run(&a[1], 1, &o, &r);
	CHECK(err == -EPIPE, "a killed agent: %s, not EPIPE", strerror(-err));
	CHECK(a[1].failed && a[1].why[0], "no reason given for the killed agent");
	if (!err || err == -EPIPE)
		load_result_free(&r);
	s[1].a = a[1];
	close(s[1].a.to_fd);
	s[1].a.to_fd = -1;
out_agents:
	for (unsigned i = 0; i < 2; i++) {
		close(s[i].a.from_fd);
		load_agent_free(&s[i].a);
		if (s[i].a.to_fd >= 0)
			agent_ends(&s[i]);
	}
	server_stop(&srv);
}

static const struct test_case cases[] = {
	TEST(two_agents_add_up), TEST(rate_split_kept),	       TEST(users_split),
	TEST(ready_once_open),	 TEST(other_protocol_refused), TEST(stdin_closed_or_killed),
};
TEST_MAIN(cases)
