// SPDX-License-Identifier: MIT
/* `harness load`: the command line, its text and JSON outputs, its exit
 * statuses, and Ctrl-C keeping the results. */
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/fake_server.h"

#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char harness[512], url[64];
static char out[65536];

static bool start(struct fake_server *f)
{
	snprintf(harness, sizeof(harness), "%s/harness", test_bin_dir());
	if (!CHECK(fake_server_start(f, FAKE_OK) == 0, "fake server"))
		return false;
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/", f->srv.port);
	return true;
}

static json_t *number_at(json_t *j, const char *a, const char *b)
{
	json_t *v = json_object_get(j, a);

	return b ? json_object_get(v, b) : v;
}

static void json_has_every_figure(void)
{
	static const char *const keys[][2] = {
		{ "requests", NULL },
		{ "sent", NULL },
		{ "bytes", NULL },
		{ "rate", NULL },
		{ "duration_s", NULL },
		{ "connects", NULL },
		{ "errors_total", NULL },
		{ "connections_peak", NULL },
		{ "latency_us", "min" },
		{ "latency_us", "p50" },
		{ "latency_us", "p90" },
		{ "latency_us", "p99" },
		{ "latency_us", "p99.9" },
		{ "latency_us", "p99.99" },
		{ "latency_us", "max" },
		{ "latency_us", "mean" },
		{ "latency_us", "stdev" },
		{ "connect_us", "p99" },
		{ "errors", "connect_refused" },
		{ "errors", "connect_timeout" },
		{ "errors", "reset" },
		{ "errors", "broken_pipe" },
		{ "errors", "closed" },
		{ "errors", "read_timeout" },
		{ "errors", "bad_response" },
		{ "errors", "other" },
		{ "status", "200" },
	};
	const char *argv[] = {
		harness, "load", url, "-d", "2", "-c", "4", "-t", "2", "--json", NULL
	};
	struct fake_server f;
	json_error_t e;
	json_t *j, *series;
	int status;

	if (!start(&f))
		return;
	status = cmd_run(out, sizeof(out), 20, argv);
	j = json_loads(out, 0, &e);
	if (!CHECK(status == 0 && j, "status %d, JSON: %s: %s", status, e.text, out))
		goto out;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		CHECK(json_is_number(number_at(j, keys[i][0], keys[i][1])), "no number %s.%s",
		      keys[i][0], keys[i][1] ? keys[i][1] : "");
	CHECK(json_integer_value(json_object_get(j, "requests")) > 1000, "requests");
	CHECK(!strcmp(json_string_value(json_object_get(j, "scenario")), "throughput"), "scenario");
	series = json_object_get(j, "series");
	CHECK(json_array_size(series) == 2 &&
		      json_is_number(json_object_get(json_array_get(series, 1), "p99_us")) &&
		      json_is_number(json_object_get(json_array_get(series, 1), "rate")),
	      "per-second series of %zu", json_array_size(series));
	json_decref(j);
out:
	fake_server_stop(&f);
}

static void text_is_wrk_like(void)
{
	const char *argv[] = { harness, "load", url, "-d", "1", "-c", "2", "-R", "500", NULL };
	struct fake_server f;
	int status;

	if (!start(&f))
		return;
	status = cmd_run(out, sizeof(out), 20, argv);
	CHECK(status == 0, "status %d: %s", status, out);
	CHECK(strstr(out, "Requests/sec:") && strstr(out, "Latency Distribution") &&
		      strstr(out, "99.99%") && strstr(out, "requests in") &&
		      strstr(out, "Rate: 500.00 requests/s asked"),
	      "output: %s", out);
	fake_server_stop(&f);
}

static void refusals_and_usage(void)
{
	static const struct {
		const char *argv[8];
		int status;
		const char *says;
	} runs[] = {
		{ { "load", "http://192.0.2.1:80/", "-d", "1" }, 1, "loopback" },
		{ { "load", "http://127.0.0.1:1/", "-d", "2h" }, 2, "duration" },
		{ { "load" }, 2, "no URL" },
		{ { "load", "http://127.0.0.1:1/", "--users", "5", "--think", "5-1" }, 2, "think" },
		{ { "load", "http://127.0.0.1:1/", "--users", "5", "-R", "10" }, 2, "choose one" },
		{ { "load", "http://127.0.0.1:1/", "--cpus", "1-x" }, 2, "CPU list" },
		{ { "load", "https://127.0.0.1:1/" }, 2, "https" },
		/* absurd values: refused, not sent */
		{ { "load", "http://127.0.0.1:1/", "-R", "1e-300" }, 2, "--rate" },
		{ { "load", "http://127.0.0.1:1/", "-n", "1e30" }, 2, "--requests" },
		{ { "load", "http://127.0.0.1:1/", "--users", "5", "--spawn-rate", "1e-300" },
		  2,
		  "--spawn-rate" },
		{ { "load", "http://127.0.0.1:1/", "-c", "70000" }, 2, "--connections" },
		{ { "load", "http://127.0.0.1:1/", "-d", "nan" }, 2, "--duration" },
	};

	snprintf(harness, sizeof(harness), "%s/harness", test_bin_dir());
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		const char *argv[10] = { harness };
		int status;

		memcpy(argv + 1, runs[i].argv, sizeof(runs[i].argv));
		status = cmd_run(out, sizeof(out), 10, argv);
		CHECK(status == runs[i].status && strstr(out, runs[i].says), "%s %s: status %d: %s",
		      runs[i].argv[1], runs[i].argv[2] ? runs[i].argv[2] : "", status, out);
	}
}

/* Ctrl-C: the load ends, and what it measured is printed */
static void interrupt_prints_what_was_measured(void)
{
	struct fake_server f;
	int pipefd[2], status = -1;
	size_t n = 0;
	pid_t pid;

	if (!start(&f) || !CHECK(pipe2(pipefd, O_CLOEXEC) == 0, "pipe"))
		return;
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 1);
		dup2(pipefd[1], 2);
		execl(harness, harness, "load", url, "-d", "60", "-c", "2", (char *)NULL);
		_exit(127);
	}
	close(pipefd[1]);
	CHECK(WAIT_UNTIL(fake_server_responses(&f) > 1000, 10000), "no load");
	kill(pid, SIGINT);
	for (long long deadline = now_ms() + 5000; now_ms() < deadline && n + 1 < sizeof(out);) {
		struct pollfd p = { .fd = pipefd[0], .events = POLLIN };
		ssize_t r;

		if (poll(&p, 1, 100) <= 0)
			continue;
		r = read(pipefd[0], out + n, sizeof(out) - 1 - n);
		if (r <= 0)
			break;
		n += r;
	}
	out[n] = '\0';
	CHECK(WAIT_UNTIL(waitpid(pid, &status, WNOHANG) == pid, 5000), "still running");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
	CHECK(strstr(out, "(stopped early)") && strstr(out, "Requests/sec:"), "output: %s", out);
	close(pipefd[0]);
	fake_server_stop(&f);
}

static const struct test_case cases[] = {
	TEST(json_has_every_figure),
	TEST(text_is_wrk_like),
	TEST(refusals_and_usage),
	TEST(interrupt_prints_what_was_measured),
};

TEST_MAIN(cases)
