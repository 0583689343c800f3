// SPDX-License-Identifier: MIT
/* harness run --load-host against load hosts made here (network
 * namespaces, each with its own sshd, reached through the real ssh): two
 * hosts' requests add up to the run's, its rate is one host's; a host that
 * cannot be reached, refuses the key or has no harness is one line and
 * exit 2; an agent killed mid-run marks the experiment incomplete; a
 * killed controller leaves no agent on any host. */
#include "tests/lib/buckets.h"
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/file.h"
#include "tests/lib/leftovers.h"
#include "tests/lib/ssh_hosts.h"
#include "harness/sandbox/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_ARGS 40

static char harness[512], said[65536], out_dir[64];

/* build/harness run epoll ARGS... against hosts 0..nhosts-1 of h, into a
 * fresh out_dir; its argv in argv (NULL-terminated) */
static void run_argv(const char **argv, const struct ssh_hosts *h, unsigned nhosts,
		     const char *const args[])
{
	int n = 0;

	snprintf(harness, sizeof(harness), "%s/harness", test_bin_dir());
	snprintf(out_dir, sizeof(out_dir), "/tmp/whyserve-lh-out-XXXXXX");
	if (!mkdtemp(out_dir))
		out_dir[0] = '\0';
	argv[n++] = harness;
	argv[n++] = "run";
	argv[n++] = "epoll";
	for (unsigned i = 0; i < nhosts; i++) {
		argv[n++] = "--load-host";
		argv[n++] = h->addr[i];
	}
	argv[n++] = "--ssh";
	argv[n++] = h->ssh;
	argv[n++] = "--remote-harness"; /* this build, the same on every "host" */
	argv[n++] = harness;
	argv[n++] = "--out";
	argv[n++] = out_dir;
	argv[n++] = "-q";
	for (int i = 0; args[i] && n < MAX_ARGS - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
}

static json_t *results(void)
{
	char path[128];
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/results.json", out_dir);
	j = json_load_file(path, 0, &err);
	CHECK(j, "%s: %s", path, err.text);
	return j;
}

static const json_t *load_of(const json_t *r, size_t i)
{
	return json_object_get(json_array_get(json_object_get(r, "experiments"), i), "load");
}

static const json_t *jget_hosts(const json_t *e)
{
	return json_object_get(json_object_get(e, "load"), "hosts");
}

/* Nothing left: no server in the run's cgroups, no agent on a host. */
static void nothing_left(const struct ssh_hosts *h, pid_t harness_pid)
{
	CHECK(WAIT_UNTIL(ssh_hosts_agents(h) == 0, 10000), "%d agents still running",
	      ssh_hosts_agents(h));
	CHECK(servers_left(harness_pid) == 0, "%d server processes left",
	      servers_left(harness_pid));
	CHECK(cgroups_left(harness_pid) == 0, "%d cgroups left", cgroups_left(harness_pid));
}

static json_t *run_ok(const struct ssh_hosts *h, unsigned nhosts, const char *const args[])
{
	const char *argv[MAX_ARGS];
	pid_t pid;
	int st;

	run_argv(argv, h, nhosts, args);
	st = cmd_run_pid(said, sizeof(said), 120, argv, &pid);
	if (!CHECK(st == 0, "harness run with %u hosts: status %d: %s", nhosts, st, said))
		return NULL;
	nothing_left(h, pid);
	return results();
}

/* out_dir/name, NUL-terminated (the caller frees), or NULL after a CHECK */
static char *output(const char *name)
{
	char path[128];
	size_t len;
	uint8_t *text;

	snprintf(path, sizeof(path), "%s/%s", out_dir, name);
	text = file_read(path, &len);
	CHECK(text, "no %s", path);
	return (char *)text;
}

/* summary.txt a line per host, report.html a table; the verdict's load
 * generator the busiest agent's own figures; the account's note */
static void outputs_name_hosts(const struct ssh_hosts *h, const json_t *e)
{
	char *summary = output("summary.txt"), *html = output("report.html"), line[128];
	const json_t *fig = json_object_get(e, "figures"), *rows = jget_hosts(e), *x;
	double busiest = -1, cpu_s = 0;
	const char *busiest_host = "";
	size_t i;

	for (unsigned k = 0; summary && html && k < 2; k++) {
		snprintf(line, sizeof(line), "epoll           load host %s: ", h->addr[k]);
		CHECK(strstr(summary, line), "summary.txt has no line '%s'", line);
		snprintf(line, sizeof(line), "<tr><td>%s</td>", h->addr[k]);
		CHECK(strstr(html, line), "report.html has no row for %s", h->addr[k]);
	}
	snprintf(line, sizeof(line), "from 2 other host(s): %s %s", h->addr[0], h->addr[1]);
	free(summary);
	summary = output("epoll.txt");
	CHECK(summary && strstr(summary, line), "epoll.txt does not say '%s'", line);
	free(summary);
	summary = output("summary.txt");
	CHECK(summary && strstr(summary, "loopback work is no longer in this account"),
	      "summary.txt does not say the client's loopback work is out of the account");
	json_array_foreach(rows, i, x)
		if (json_number_value(json_object_get(x, "cpu_busy")) > busiest) {
			busiest = json_number_value(json_object_get(x, "cpu_busy"));
			busiest_host = json_string_value(json_object_get(x, "host"));
			cpu_s = json_number_value(json_object_get(x, "cpu_s"));
		}
	CHECK(!strcmp(json_string_value(json_object_get(fig, "load_host")) ?: "", busiest_host),
	      "figures.load_host is not the busiest host %s", busiest_host);
	CHECK(fabs(json_number_value(json_object_get(fig, "load_cpu_us")) - cpu_s * 1e6) < 1,
	      "figures.load_cpu_us %.0f, the busiest agent's %.0f",
	      json_number_value(json_object_get(fig, "load_cpu_us")), cpu_s * 1e6);
	CHECK(cpu_s > 0, "the agents' CPU time not recorded");
	/* harness report prints them again from results.json alone */
	CHECK(cmd_run(said, sizeof(said), 60,
		      (const char *const[]){ harness, "report", out_dir, NULL }) == 0,
	      "harness report: %s", said);
	snprintf(line, sizeof(line), "epoll           load host %s: ", h->addr[1]);
	CHECK(strstr(said, line), "harness report has no line '%s'", line);
	free(summary);
	free(html);
}

/* The run's percentiles are those of the hosts' buckets taken together
 * (each host's histogram in its row): within the bucket they fall in. */
static void merged_percentiles_from_hosts(const json_t *load)
{
	static const double p[] = { 50, 90, 99, 99.9 };
	static const char *const key[] = { "p50", "p90", "p99", "p99.9" };
	const json_t *rows = json_object_get(load, "hosts"), *h[2];
	const json_t *merged = json_object_get(load, "latency_us");

	for (unsigned i = 0; i < 2; i++)
		h[i] = json_object_get(json_object_get(json_array_get(rows, i), "latency_us"),
				       "histogram");
	if (!CHECK(h[0] && h[1], "the hosts' rows keep no latency histogram"))
		return;
	for (unsigned k = 0; k < sizeof(p) / sizeof(p[0]); k++) {
		double low = buckets_percentile(h, 2, p[k]) / 1e3,
		       got = json_number_value(json_object_get(merged, key[k]));

		/* the merged value is its bucket's middle, at most 1/128 above the low end */
		CHECK(got >= low && got <= low * (1 + 1.0 / 128) + 0.001,
		      "%s: merged %.3f us, the hosts' buckets' %.3f us", key[k], got, low);
	}
}

static void two_hosts_add_up(void)
{
	static const char *const args[] = { "-s", "rate", "-R",	      "3000",  "-c", "20",
					    "-d", "2s",	  "--warmup", "300ms", NULL };
	struct ssh_hosts h;
	json_t *two = NULL, *one = NULL;
	const json_t *load, *hosts, *x;
	char listen[80];
	json_int_t sum = 0, errors = 0;
	double p99_lo = INFINITY, p99_hi = 0, rate2, rate1;
	size_t i;

	if (ssh_hosts_make(&h, 2))
		return;
	two = run_ok(&h, 2, args);
	if (!two)
		goto out;
	snprintf(listen, sizeof(listen), "servers listen on %s (", h.here[0]);
	CHECK(strstr(said, listen), "does not say where the servers listen (%s): %s", listen, said);
	outputs_name_hosts(&h, json_array_get(json_object_get(two, "experiments"), 0));
	rm_rf(out_dir);
	load = load_of(two, 0);
	hosts = json_object_get(load, "hosts");
	if (!CHECK(json_array_size(hosts) == 2, "load.hosts: %zu rows", json_array_size(hosts)))
		goto out;
	json_array_foreach(hosts, i, x) {
		double p99 = json_number_value(json_object_get(x, "p99_us"));

		CHECK(!strcmp(json_string_value(json_object_get(x, "host")) ?: "", h.addr[i]),
		      "row %zu is not host %s", i, h.addr[i]);
		CHECK(!json_is_true(json_object_get(x, "lost")), "host %zu lost", i);
		CHECK(json_integer_value(json_object_get(x, "requests")) > 1000,
		      "host %zu: %lld requests", i,
		      (long long)json_integer_value(json_object_get(x, "requests")));
		sum += json_integer_value(json_object_get(x, "requests"));
		errors += json_integer_value(json_object_get(x, "errors"));
		p99_lo = fmin(p99_lo, p99);
		p99_hi = fmax(p99_hi, p99);
	}
	CHECK(sum == json_integer_value(json_object_get(load, "requests")),
	      "the hosts' requests add up to %lld, the run's are %lld", (long long)sum,
	      (long long)json_integer_value(json_object_get(load, "requests")));
	CHECK(errors == json_integer_value(json_object_get(load, "errors_total")),
	      "errors: hosts %lld, run %lld", (long long)errors,
	      (long long)json_integer_value(json_object_get(load, "errors_total")));
	/* a percentile of the merged buckets lies between the hosts' own */
	x = json_object_get(json_object_get(load, "latency_us"), "p99");
	CHECK(json_number_value(x) >= p99_lo * 0.99 && json_number_value(x) <= p99_hi * 1.01,
	      "merged p99 %.1f us outside the hosts' %.1f..%.1f", json_number_value(x), p99_lo,
	      p99_hi);
	merged_percentiles_from_hosts(load);
	CHECK(!json_object_get(load, "incomplete"), "marked incomplete");
	x = json_object_get(two, "options");
	CHECK(!strcmp(json_string_value(json_object_get(x, "listen")) ?: "", h.here[0]) &&
		      json_array_size(json_object_get(x, "load_hosts")) == 2,
	      "options.listen and options.load_hosts not recorded");

	one = run_ok(&h, 1, args);
	if (!one)
		goto out;
	rm_rf(out_dir);
	rate2 = json_number_value(json_object_get(load, "rate"));
	rate1 = json_number_value(json_object_get(load_of(one, 0), "rate"));
	CHECK(fabs(rate2 - rate1) <= 0.1 * rate1,
	      "two hosts %.0f requests/s, one host %.0f: more than 10%% apart", rate2, rate1);
out:
	json_decref(two);
	json_decref(one);
	ssh_hosts_unmake(&h);
}

/* One host failing at the start: exit 2, one line naming it and why. */
static void refused(const struct ssh_hosts *h, const char *what, const char *host, const char *ssh,
		    const char *remote, const char *reason)
{
	static const char *const args[] = { "-s", "throughput", "-d", "1s", NULL };
	const char *argv[MAX_ARGS];
	struct ssh_hosts t = *h;
	pid_t pid;
	int st;

	snprintf(t.addr[0], sizeof(t.addr[0]), "%s", host);
	snprintf(t.ssh, sizeof(t.ssh), "%s", ssh);
	run_argv(argv, &t, 1, args);
	for (int i = 0; argv[i]; i++)
		if (!strcmp(argv[i], "--remote-harness") && remote)
			argv[i + 1] = remote;
	st = cmd_run_pid(said, sizeof(said), 60, argv, &pid);
	rm_rf(out_dir);
	CHECK(st == 2, "%s: status %d, not 2: %s", what, st, said);
	CHECK(strstr(said, host) && strstr(said, reason), "%s: not naming %s and '%s': %s", what,
	      host, reason, said);
	CHECK(!strchr(said, '\n') || !strchr(strchr(said, '\n') + 1, '\n'),
	      "%s: more than one line: %s", what, said);
	nothing_left(h, pid);
}

static void hosts_failing_at_start(void)
{
	struct ssh_hosts h;
	char old[128];
	FILE *f;
	if (ssh_hosts_make(&h, 1))
		return;
	refused(&h, "unreachable", h.nowhere, h.ssh, NULL, "No route to host");
	refused(&h, "refused key", h.addr[0], h.ssh_wrong_key, NULL, "Permission denied");
	refused(&h, "no harness", h.addr[0], h.ssh, "/nonexistent/harness",
		"No such file or directory");
	/* a harness of another protocol: it answers hello in its own */
	snprintf(old, sizeof(old), "%s/old-harness", h.dir);
	f = fopen(old, "w");
	if (CHECK(f, "create %s", old)) {
		fputs("#!/bin/sh\nread hello\necho '{\"hello\": {\"protocol\": 99}}'\nread eof\n",
		      f);
		fclose(f);
		chmod(old, 0755);
		refused(&h, "another version", h.addr[0], h.ssh, old,
			"speaks protocol 99, this one 1");
	}
	ssh_hosts_unmake(&h);
}

/* Starts harness run in the background, its output into said's file. */
static pid_t run_async(const struct ssh_hosts *h, unsigned nhosts, const char *const args[],
		       const char *log)
{
	const char *argv[MAX_ARGS];
	pid_t pid;

	run_argv(argv, h, nhosts, args);
	pid = fork();
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		dup2(fd, 1);
		dup2(fd, 2);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	return pid;
}

static void read_log(const char *log)
{
	FILE *f = fopen(log, "r");
	size_t n = f ? fread(said, 1, sizeof(said) - 1, f) : 0;

	said[n] = '\0';
	if (f)
		fclose(f);
}

/* utime + stime of pid, in clock ticks: it is at work */
static long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	long utime = 0, stime = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	p = fgets(buf, sizeof(buf), f) ? strrchr(buf, ')') : NULL;
	fclose(f);
	/* after "(comm)": state and 10 fields, then utime and stime */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &utime,
			 &stime) != 2)
		return -1;
	return utime + stime;
}

static void agent_killed_mid_run(void)
{
	static const char *const args[] = { "-s", "throughput,connect", "-d", "8s", "--warmup", "0",
					    NULL };
	struct ssh_hosts h;
	char log[128];
	pid_t pid, agent;
	json_t *r = NULL;
	const json_t *load, *rows;
	int st = -1;

	if (ssh_hosts_make(&h, 2))
		return;
	snprintf(log, sizeof(log), "%s/run.log", h.dir);
	pid = run_async(&h, 2, args, log);
	/* both measuring: each host's agent running, and a second gone */
	if (!CHECK(WAIT_UNTIL(ssh_hosts_agents(&h) == 2, 20000), "agents did not start"))
		goto out;
	agent = ssh_hosts_agent(&h, 0);
	CHECK(WAIT_UNTIL(cpu_ticks(agent) >= 20, 20000), "agent %d not loading", (int)agent);
	kill(agent, SIGKILL);
	CHECK(WAIT_UNTIL(waitpid(pid, &st, WNOHANG) == pid, 60000), "harness still running");
	read_log(log);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1, "status %d, not 1: %s", st, said);
	CHECK(strstr(said, h.addr[0]) && strstr(said, "lost mid-run"),
	      "no line naming %s lost mid-run: %s", h.addr[0], said);
	nothing_left(&h, pid);
	r = results();
	rm_rf(out_dir);
	load = load_of(r, 0);
	rows = json_object_get(load, "hosts");
	CHECK(json_array_size(json_object_get(r, "experiments")) == 1,
	      "%zu experiments: the run goes on without a host",
	      json_array_size(json_object_get(r, "experiments")));
	CHECK(json_is_true(json_object_get(load, "incomplete")), "not marked incomplete");
	CHECK(json_array_size(json_object_get(r, "rankings")) == 0,
	      "an incomplete experiment ranked");
	CHECK(json_is_true(json_object_get(json_array_get(rows, 0), "lost")), "host 0 not lost");
	CHECK(!json_is_true(json_object_get(json_array_get(rows, 1), "lost")), "host 1 lost");
	/* what the other measured is kept, and is all the merged figure holds */
	CHECK(json_integer_value(json_object_get(json_array_get(rows, 1), "requests")) ==
			      json_integer_value(json_object_get(load, "requests")) &&
		      json_integer_value(json_object_get(load, "requests")) > 0,
	      "merged %lld requests, host 1 %lld",
	      (long long)json_integer_value(json_object_get(load, "requests")),
	      (long long)json_integer_value(json_object_get(json_array_get(rows, 1), "requests")));
out:
	if (waitpid(pid, NULL, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	json_decref(r);
	ssh_hosts_unmake(&h);
}

static void controller_killed(void)
{
	static const char *const args[] = { "-s", "throughput", "-d", "20s", NULL };
	struct ssh_hosts h;
	char log[128];
	pid_t pid;

	if (ssh_hosts_make(&h, 2))
		return;
	snprintf(log, sizeof(log), "%s/run.log", h.dir);
	pid = run_async(&h, 2, args, log);
	if (CHECK(WAIT_UNTIL(ssh_hosts_agents(&h) == 2, 20000), "agents did not start")) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		CHECK(WAIT_UNTIL(ssh_hosts_agents(&h) == 0, 10000),
		      "%d agents still running 10 s after the controller was killed",
		      ssh_hosts_agents(&h));
	}
	if (waitpid(pid, NULL, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	/* the killed run's server, as the next run would */
	WAIT_UNTIL(cgroup_reap_stale() >= 0 && servers_left(pid) == 0, 5000);
	rm_rf(out_dir);
	ssh_hosts_unmake(&h);
}

/* Bad usage: one line naming what is wrong, exit 2, nothing started. */
static void bad_options_refused(void)
{
	static const struct {
		const char *args[8], *says;
	} bad[] = {
		{ { "--load-host", "-oProxyCommand=x" }, "invalid --load-host" },
		{ { "--load-host", "a b" }, "invalid --load-host" },
		{ { "--listen", "198.18.0.1" }, "--listen goes with --load-host" },
		{ { "--load-host", "h", "--listen", "nowhere" }, "invalid --listen 'nowhere'" },
		{ { "--load-host", "h", "--ssh", "" }, "invalid --ssh" },
		{ { "--load-host", "a", "--load-host", "b", "-c", "1" }, "2 load hosts need" },

	};

	snprintf(harness, sizeof(harness), "%s/harness", test_bin_dir());
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *argv[16] = { harness, "run", "epoll", "-s", "throughput" };
		int n = 5, st;

		for (int k = 0; bad[i].args[k]; k++)
			argv[n++] = bad[i].args[k];
		argv[n] = NULL;
		st = cmd_run(said, sizeof(said), 30, argv);
		CHECK(st == 2 && strstr(said, bad[i].says) && strchr(said, '\n') &&
			      !strchr(strchr(said, '\n') + 1, '\n'),
		      "case %zu: status %d, not 2 with one line saying '%s': %s", i, st,
		      bad[i].says, said);
	}
}

/* A server of the user's: {host} is where the load hosts reach it. */
static void own_server_from_a_host(void)
{
	struct ssh_hosts h;
	char server[600];
	const char *args[] = { "-s", "throughput", "-d",   "1s", "--warmup",
			       "0",  "--server",   server, NULL };
	json_t *r;
	const json_t *e;

	if (ssh_hosts_make(&h, 1))
		return;
	snprintf(server, sizeof(server), "mine=%s/server-epoll --host {host} --port {port}",
		 test_bin_dir());
	r = run_ok(&h, 1, args);
	if (r) {
		/* epoll, then mine */
		e = json_array_get(json_object_get(r, "experiments"), 1);
		CHECK(!strcmp(json_string_value(json_object_get(e, "model")) ?: "", "mine"),
		      "no experiment of 'mine'");
		CHECK(json_integer_value(json_object_get(
			      json_array_get(json_object_get(json_object_get(e, "load"), "hosts"),
					     0),
			      "requests")) > 100,
		      "mine served no load from the host");
		json_decref(r);
	}
	rm_rf(out_dir);
	ssh_hosts_unmake(&h);
}

static const struct test_case cases[] = {
	TEST(bad_options_refused),
	TEST_SLOW(two_hosts_add_up, 120),
	TEST_SLOW(hosts_failing_at_start, 120),
	TEST_SLOW(agent_killed_mid_run, 120),
	TEST_SLOW(controller_killed, 90),
	TEST_SLOW(own_server_from_a_host, 90),
};
TEST_MAIN(cases)
