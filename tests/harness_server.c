// SPDX-License-Identifier: MIT
/*
 * harness run --server NAME='COMMAND': the user's own server run as the
 * built-in models are. The epoll server run as a custom one serves like
 * epoll run by name, and is recorded and read back; a command that cannot
 * serve gets one line naming it, exit 2, and leaves nothing behind; a bad
 * --server is refused by the option parser.
 */
#include "tests/lib/check.h"
#include "tests/lib/client.h"
#include "tests/lib/cmd.h"
#include "tests/lib/harness_results.h"
#include "tests/lib/leftovers.h"
#include "tests/lib/results.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *harness(void)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/harness", test_bin_dir());
	return path;
}

/* --server=NAME=COMMAND, BUILD in COMMAND the build directory */
static const char *server_arg(char *buf, size_t len, const char *name, const char *command)
{
	const char *at = strstr(command, "BUILD");

	if (at)
		snprintf(buf, len, "--server=%s=%.*s%s%s", name, (int)(at - command), command,
			 test_bin_dir(), at + 5);
	else
		snprintf(buf, len, "--server=%s=%s", name, command);
	return buf;
}

/* results.json alone in a directory, as harness report reads it: its output */
static bool report_of(const json_t *results, char *out, size_t len)
{
	char dir[64] = "/tmp/whyserve-harness-server-XXXXXX", path[128];
	int st;

	if (!CHECK(mkdtemp(dir), "mkdtemp: %s", strerror(errno)))
		return false;
	snprintf(path, sizeof(path), "%s/results.json", dir);
	st = json_dump_file(results, path, 0);
	if (!st)
		st = cmd_run(out, len, 30, (const char *const[]){ harness(), "report", dir, NULL });
	rm_rf(dir);
	return CHECK(st == 0, "harness report: exit %d: %.2000s", st, out);
}

static void epoll_as_a_custom_server(void)
{
	const char *command = "BUILD/server-epoll --host {host} --port {port} --workers 1";
	char arg[600], out[65536], expected[600];
	json_t *results, *mine, *epoll, *servers, *traits;
	double mine_rps, epoll_rps;

	results = harness_results((const char *const[]){ "epoll", "-s", "throughput",
							 server_arg(arg, sizeof(arg), "myepoll",
								    command),
							 NULL },
				  NULL, NULL);
	if (!results)
		return;
	mine = results_experiment(results, "myepoll", "throughput");
	epoll = results_experiment(results, "epoll", "throughput");
	if (!harness_served(epoll, "epoll", &epoll_rps) ||
	    !harness_served(mine, "myepoll", &mine_rps))
		goto out;
	/* one CPU each, the same code: within 3x on a shared, noisy machine */
	CHECK(mine_rps > epoll_rps / 3 && mine_rps < epoll_rps * 3,
	      "myepoll served %.0f requests/s, epoll %.0f", mine_rps, epoll_rps);
	/* the same code as epoll's: the same traits, seen by the kernel */
	traits = json_object_get(json_object_get(mine, "figures"), "traits");
	CHECK(json_equal(traits, json_object_get(json_object_get(epoll, "figures"), "traits")),
	      "myepoll reasoned over as other than epoll");
	/* the command as given, before {host} and {port} */
	servers = json_object_get(json_object_get(results, "options"), "servers");
	snprintf(expected, sizeof(expected), "%s", strchr(strchr(arg, '=') + 1, '=') + 1);
	CHECK(json_array_size(servers) == 1 &&
		      !strcmp(json_string_value(json_object_get(json_array_get(servers, 0), "name"))
				      ?: "",
			      "myepoll") &&
		      !strcmp(json_string_value(
				      json_object_get(json_array_get(servers, 0), "command"))
				      ?: "",
			      expected),
	      "results.json's options.servers does not hold myepoll's command");
	if (!report_of(results, out, sizeof(out)))
		goto out;
	CHECK(strstr(out, "==== myepoll · throughput ====") && strstr(out, "\nmyepoll "),
	      "harness report does not show myepoll: %.2000s", out);
out:
	json_decref(results);
}

/*
 * A loop blocked 1 ms a request by its own code, found so from the time
 * account: limited by its blocked loop, blocked in a nanosleep at least
 * the 1 ms asked of it for most of its time, and measured below the rate
 * that allows (within the run's noise).
 */
static void blocked_loop_of(json_t *exp, const char *name)
{
	json_t *verdict = json_object_get(exp, "verdict"),
	       *ev = json_object_get(verdict, "evidence");
	const char *text = json_string_value(json_object_get(verdict, "text")) ?: "";
	double rps;

	if (!harness_served(exp, name, &rps))
		return;
	CHECK(json_num(json_object_get(exp, "figures"), "sleep_us") == 0,
	      "%s: its figures say it was asked to sleep", name);
	CHECK(results_fig_trait(exp, "event_loop") && !results_fig_trait(exp, "serial"),
	      "%s: not reasoned over as an event loop", name);
	CHECK(!results_concluded(exp, "head_of_line") && !results_concluded(exp, "serial_serving"),
	      "%s, an event loop, said to serve one connection at a time", name);
	CHECK(!strcmp(results_limited_by(exp), "blocked_loop") && strstr(text, "nanosleep") &&
		      json_num(ev, "blocked_share") >= 0.5 &&
		      json_num(ev, "blocked_us_per_request") >= 1000 &&
		      json_num(ev, "blocked_us_per_request") < 3000,
	      "%s: limited by %s, not its loop blocked 1 ms a request: %s", name,
	      results_limited_by(exp), text);
	CHECK(rps <= 1.1 * json_num(verdict, "capacity_rps"),
	      "%s: %.0f requests/s, more than its blocked loop allows (%g)", name, rps,
	      json_num(verdict, "capacity_rps"));
}

/*
 * A server of the user's is what the kernel saw it be: the rules reason
 * over the traits inferred from its figures. What it was asked (a sleep
 * per request) is not known, so its figures say it was asked nothing, and
 * a blocked loop is told by the time account alone: the epoll server run
 * as a command with --sleep-us 1000, and an asyncio server whose handler
 * calls time.sleep (tests/fixtures/seed_servers/asyncio_blocking.py).
 */
static void rules_reason_over_inferred_traits(void)
{
	const char *command = "BUILD/server-epoll --host {host} --port {port} --workers 1 "
			      "--sleep-us 1000";
	char arg[600], pyarg[600];
	json_t *results, *epoll;
	double rps;

	if (!cmd_exists("python3"))
		test_skip("python3 is not installed (scripts/install-deps --tests)");
	snprintf(pyarg, sizeof(pyarg),
		 "--server=pyblocked=python3 -B %s/seed_servers/asyncio_blocking.py --host {host} "
		 "--port {port}",
		 test_fixtures_dir());
	/* connections enough for the loop never to wait for one: a load
	 * generator slowed by a shared machine still keeps it busy */
	results = harness_results((const char *const[]){ "epoll", "-s", "sleep", "--workers", "1",
							 "-c", "100",
							 server_arg(arg, sizeof(arg), "sleepy",
								    command),
							 pyarg, NULL },
				  NULL, NULL);
	if (!results)
		return;
	epoll = results_experiment(results, "epoll", "sleep");
	if (harness_served(epoll, "epoll", &rps))
		CHECK(results_concluded(epoll, "blocked_loop"),
		      "epoll under sleep: no blocked_loop");
	blocked_loop_of(results_experiment(results, "sleepy", "sleep"), "sleepy");
	blocked_loop_of(results_experiment(results, "pyblocked", "sleep"), "pyblocked");
	json_decref(results);
}

/*
 * One line naming the server and what went wrong, exit 2, nothing left.
 * The servers are checked before any experiment, so before any probe is
 * loaded: the one line says none started (no progress line). BPF programs
 * are not counted here: on a machine shared with other runs a count over
 * the 5 s a check may wait is others' as well.
 */
static void refused_on(const char *command, const char *says, const char *host_port)
{
	char arg[600], out[4096];
	const char *argv[16] = { harness(),
				 "run",
				 "epoll",
				 "-s",
				 "throughput",
				 "--quick",
				 "--out",
				 "/tmp/whyserve-harness-server-bad",
				 server_arg(arg, sizeof(arg), "bad", command) };
	pid_t pid = 0;
	int rc, lines = 0, n = 9;

	/* in the host's namespace, on that port */
	if (host_port) {
		argv[n++] = "--no-netns";
		argv[n++] = "--port";
		argv[n++] = host_port;
	}
	argv[n] = NULL;
	rc = cmd_run_pid(out, sizeof(out), 60, argv, &pid);
	rm_rf("/tmp/whyserve-harness-server-bad");
	for (char *p = out; (p = strchr(p, '\n')); p++)
		lines++;
	CHECK(rc == 2, "%s: exit %d: %s", command, rc, out);
	CHECK(lines == 1 && strstr(out, "server 'bad' ") && strstr(out, says),
	      "%s: not one line saying '%s': %s", command, says, out);
	CHECK(servers_left(pid) == 0, "%s: a process left in its cgroup", command);
	CHECK(cgroups_left(pid) == 0, "%s: its cgroup left", command);
}

static void refused(const char *command, const char *says)
{
	refused_on(command, says, NULL);
}

static void exits_at_once(void)
{
	test_require_root();
	refused("false", "exited with status 1");
	/* one that daemonizes: what it left in its cgroup is killed with it */
	refused("sh -c 'sleep 30 & exit 0'", "must stay in the foreground");
	/* as nobody, port 1 is refused: its own message is passed on */
	refused("BUILD/server-epoll --port 1", "Permission denied");
}

static void never_listens(void)
{
	test_require_root();
	refused("BUILD/stub_server --port {port}", "did not listen on port 8080");
}

static void listens_on_another_port(void)
{
	test_require_root();
	refused("BUILD/server-epoll --host {host} --port 9999",
		"listens on port 9999, not on 8080");
}

/* With --no-netns another server may hold the port: it must not be taken
 * for this one. */
static void port_in_use(void)
{
	char port[16];
	int p, fd;

	test_require_root();
	fd = tcp_listen_any(&p);
	if (!CHECK(fd >= 0, "a listener to occupy a port: %s", strerror(-fd)))
		return;
	snprintf(port, sizeof(port), "%d", p);
	refused_on("BUILD/server-epoll --host {host} --port {port}",
		   "is in use before server 'bad'", port);
	close(fd);
}

static void does_not_speak_http(void)
{
	test_require_root();
	if (!cmd_exists("python3"))
		test_skip("no python3 for a server that answers garbage");
	refused("python3 -c 'import socket,time; s=socket.socket(); "
		"s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); "
		"s.bind((\"{host}\",{port})); s.listen(); c,_=s.accept(); c.recv(100); "
		"c.send(b\"garbage\\r\\n\"); time.sleep(30)'",
		"not in HTTP: \"garbage\"");
}

/* Refused by the parser, root or not, in one line naming the problem. */
static void bad_server_options(void)
{
	static const char *const bad[][2] = {
		{ "--server=Mine=false", "invalid --server name 'Mine'" },
		{ "--server=a_name_too_long_x=false", "invalid --server name" },
		{ "--server=epoll=false", "a built-in model's" },
		{ "--server=all=false", "invalid --server name 'all'" },
		{ "--server=mine", "NAME=COMMAND" },
		{ "--server=mine=", "no command" },
		{ "--server=mine=ls|cat", "there is no shell" },
		{ "--server=mine='a b", "unbalanced quotes" },
		{ "--server=mine=no-such-program-here", "No such file" },
	};
	char out[4096];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int rc = cmd_run(out, sizeof(out), 10,
				 (const char *const[]){ harness(), "run", bad[i][0], NULL }),
		    lines = 0;

		for (char *p = out; (p = strchr(p, '\n')); p++)
			lines++;
		CHECK(rc == 2 && lines == 1 && strstr(out, bad[i][1]),
		      "%s: exit %d, not one line saying '%s': %s", bad[i][0], rc, bad[i][1], out);
	}
}

static const struct test_case cases[] = {
	TEST_SLOW(epoll_as_a_custom_server, 150),
	TEST_SLOW(rules_reason_over_inferred_traits, 150),
	TEST_SLOW(exits_at_once, 60),
	TEST_SLOW(never_listens, 60),
	TEST_SLOW(listens_on_another_port, 60),
	TEST_SLOW(does_not_speak_http, 60),
	TEST_SLOW(port_in_use, 60),
	TEST(bad_server_options),
};

TEST_MAIN(cases)
