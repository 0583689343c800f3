// SPDX-License-Identifier: MIT
/*
 * load_hosts: what ssh costs a load host's agent. One load host made as
 * the tests make them (tests/lib/ssh_hosts: a network namespace on a veth
 * pair, its own sshd), build/server-epoll here listening on its side of the
 * pair, and the same job run alternately by two agents in that namespace:
 * one driven through ssh (as harness run --load-host drives it), one
 * started there directly (ip netns exec ... harness load --agent, its
 * stdin and stdout pipes). The ratio of their rates is ssh's cost; the
 * time load_results_merge takes for two results is the controller's.
 *
 *   build/bench/load_hosts               -c 50, 5 s a run, 3 pairs
 *   build/bench/load_hosts -c 100 -d 10 -r 5
 *
 * Not a test: a shared, noisy machine moves the figures; each pair runs
 * back to back, alternating which goes first. Needs root and sshd.
 */
#include "common/clock.h"
#include "harness/load/load_agent.h"
#include "tests/lib/check.h"
#include "tests/lib/server.h"
#include "tests/lib/ssh_hosts.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct agent {
	const char *name;
	pid_t pid;
	struct load_agent a;
};

static int spawn(struct agent *x, const char *const argv[])
{
	int in[2], out[2];

	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return -errno;
	x->pid = fork();
	if (x->pid == 0) {
		/* a session of its own, as sshd gives the other: with
		 * sched_autogroup each session is a scheduling group */
		setsid();
		dup2(in[0], 0);
		dup2(out[1], 1);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	x->a.host = x->name;
	x->a.to_fd = in[1];
	x->a.from_fd = out[0];
	return x->pid > 0 ? 0 : -errno;
}

static void end(struct agent *x)
{
	close(x->a.to_fd);
	waitpid(x->pid, NULL, 0);
	close(x->a.from_fd);
	load_agent_free(&x->a);
}

/* One run of o by x alone; its rate, or -1. */
static double run_one(struct agent *x, const struct load_opts *o)
{
	struct load_result r;
	double rate;

	if (load_agents_start(&x->a, 1, o, 10000) || load_agents_run(&x->a, 1, o, &r)) {
		fprintf(stderr, "%s: %s\n", x->name, x->a.why);
		return -1;
	}
	rate = r.rate;
	load_result_free(&r);
	return rate;
}

/* How long merging two agents' results takes, the mean of many. */
static double merge_us(struct agent *x, struct agent *y)
{
	struct load_result parts[2] = { x->a.result, y->a.result }, r;
	uint64_t t0 = mono_ns();
	int n = 100;

	for (int i = 0; i < n; i++) {
		load_results_merge(&r, parts, 2);
		load_result_free(&r);
	}
	return (mono_ns() - t0) / 1e3 / n;
}

static int by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct load_opts o = { .connections = 50, .duration_s = 5, .timeout_s = 2 };
	struct agent ssh = { .name = "through ssh" }, direct = { .name = "direct" };
	char harness[512], url[80];
	struct ssh_hosts h;
	struct server srv;
	double sum_ssh = 0, sum_direct = 0, ratios[64];
	int repeats = 3, c, runs = 0;

	while ((c = getopt(argc, argv, "c:d:r:h")) != -1) {
		switch (c) {
		case 'c':
			o.connections = atoi(optarg);
			break;
		case 'd':
			o.duration_s = atof(optarg);
			break;
		case 'r':
			repeats = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-c CONNECTIONS] [-d SECONDS] [-r PAIRS]\n",
				argv[0]);
			return 2;
		}
	}
	if (o.connections < 1 || o.duration_s <= 0 || repeats < 1 || repeats > 64) {
		fprintf(stderr, "load_hosts: -c, -d must be positive, -r 1 to 64\n");
		return 2;
	}
	if (ssh_hosts_make(&h, 1)) {
		fprintf(stderr, "load_hosts: could not make the load host\n");
		return 1;
	}
	if (server_start(&srv, "epoll",
			 (const char *const[]){ "--host", h.here[0], "--workers", "1", NULL })) {
		fprintf(stderr, "load_hosts: could not start build/server-epoll\n");
		ssh_hosts_unmake(&h);
		return 1;
	}
	snprintf(harness, sizeof(harness), "%s/harness", test_bin_dir());
	snprintf(url, sizeof(url), "http://%s:%d/", h.here[0], srv.port);
	o.url = url;
	if (spawn(&ssh, (const char *const[]){ "ssh", "-F", h.config, "-o", "BatchMode=yes",
					       h.addr[0], harness, "load", "--agent", NULL }) ||
	    spawn(&direct, (const char *const[]){ "ip", "netns", "exec", h.ns[0], harness, "load",
						  "--agent", NULL }) ||
	    load_agents_hello(&ssh.a, 1, 20000) || load_agents_hello(&direct.a, 1, 20000)) {
		fprintf(stderr, "load_hosts: agents did not start: %s %s\n", ssh.a.why,
			direct.a.why);
		goto out;
	}
	printf("server-epoll on %s:%d, one worker; agents in %s (%d CPUs), %u connections, "
	       "%.1f s a run\n\n",
	       h.here[0], srv.port, h.ns[0], ssh.a.cpus, o.connections, o.duration_s);
	printf("%-6s %16s %16s %8s\n", "pair", "ssh req/s", "direct req/s", "ratio");
	for (int i = 0; i < repeats; i++) {
		bool ssh_first = i % 2 == 0;
		double a = ssh_first ? run_one(&ssh, &o) : run_one(&direct, &o);
		double b = ssh_first ? run_one(&direct, &o) : run_one(&ssh, &o);
		double rs = ssh_first ? a : b, rd = ssh_first ? b : a;

		if (rs < 0 || rd < 0)
			goto out;
		printf("%-6d %16.0f %16.0f %8.3f\n", i + 1, rs, rd, rs / rd);
		sum_ssh += rs;
		sum_direct += rd;
		ratios[runs++] = rs / rd;
	}
	qsort(ratios, runs, sizeof(ratios[0]), by_value);
	printf("\nall    %16.0f %16.0f %8.3f   (median of the pairs %.3f)\n", sum_ssh / runs,
	       sum_direct / runs, sum_ssh / sum_direct, ratios[runs / 2]);
	printf("merging two agents' results: %.1f us\n", merge_us(&ssh, &direct));
out:
	end(&ssh);
	end(&direct);
	server_stop(&srv);
	ssh_hosts_unmake(&h);
	return runs == repeats ? 0 : 1;
}
