// SPDX-License-Identifier: MIT
/*
 * The seeds' servers exactly as written (tests/fixtures/seeds_as_written:
 * their print calls, listen(5), join, bare "\n" heads, closing after each
 * answer) run through harness run --server under throughput and users:
 * their answers are read as http.client reads them and counted, none of
 * them dies of the harness, their output goes to MODEL-SCENARIO.log (its
 * bytes per request as the log itself has them), and each is said to be
 * what it is, with the numbers. Then a server that exits after N requests
 * (a failed experiment, with why; the others run), and one writing 1 KiB
 * to stdout per request (neither blocked nor killed).
 */
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/file.h"
#include "tests/lib/harness_results.h"
#include "tests/lib/results.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIGTERM_STATUS (128 + 15) /* stopped by the harness, as it should be */

/* "--server=NAME=python3 -B DIR/FILE ARGS": a fixture run as the user's server */
static const char *server(char *buf, size_t len, const char *name, const char *fixture,
			  const char *args)
{
	snprintf(buf, len, "--server=%s=python3 -B %s/%s %s", name, test_fixtures_dir(), fixture,
		 args);
	return buf;
}

/* harness run ARGS, its servers in python3: results.json, the run's
 * directory kept in dir (rm_rf it), its exit status and output */
static json_t *run_python_servers(const char *const args[], char dir[HARNESS_DIR_LEN], int *st,
				  char *out, size_t len)
{
	if (!cmd_exists("python3"))
		test_skip("python3 is not installed (scripts/install-deps --tests)");
	return harness_run_kept(args, dir, st, out, len);
}

static json_t *trait(json_t *exp, const char *name)
{
	return json_object_get(json_object_get(exp, "traits_inferred"), name);
}

/* The trait inferred is `is` ("yes", "no"), and its words cite numbers. */
static void says(json_t *exp, const char *model, const char *name, bool yes)
{
	json_t *t = trait(exp, name);
	const char *is = json_string_value(json_object_get(t, "is")) ?: "?";
	const char *text = json_string_value(json_object_get(t, "text")) ?: "";

	CHECK(!strcmp(is, yes ? "yes" : "no") && strpbrk(text, "0123456789"), "%s: %s is %s: %s",
	      model, name, is, text);
}

/* Its log in dir: how many bytes, and how many lines hold mark. */
static size_t log_of(const char *dir, json_t *exp, const char *mark, size_t *marks)
{
	const char *name =
		json_string_value(json_object_get(json_object_get(exp, "server"), "log"));
	char path[256];
	size_t len = 0;
	char *text;

	*marks = 0;
	snprintf(path, sizeof(path), "%s/%s", dir, name ?: "");
	text = name ? (char *)file_read(path, &len) : NULL;
	/* memmem: python 3.11's print() from threads writes NULs at times
	 * (CPython gh-118138), and the file is no string */
	for (char *p = text; p && (p = memmem(p, text + len - p, mark, strlen(mark)));
	     p += strlen(mark))
		(*marks)++;
	free(text);
	return len;
}

/*
 * Served to the end, its answers counted with the leniency each needed,
 * stopped by the harness (not dead of it), its output in its log: the
 * bytes per request results.json gives agree with the log's own (its
 * bytes over the requests it printed) but for the window's edges (the
 * answers in flight at either end, one a connection, and up to 8 KiB in
 * python's buffer), and every request counted was printed.
 */
#define PY_BUFFER 8192
static void served_as_written(const char *dir, json_t *results, const char *model,
			      const char *scenario, const char *leniency, const char *mark)
{
	json_t *exp = results_experiment(results, model, scenario);
	json_t *load = json_object_get(exp, "load"), *srv = json_object_get(exp, "server");
	double requests = json_num(load, "requests"), bytes = json_num(srv, "log_bytes");
	double lenient = json_num(json_object_get(load, "lenient"), leniency);
	double conns = json_num(load, "connections"), per;
	size_t marks, size;

	if (!CHECK(exp, "no %s under %s", model, scenario))
		return;
	/* seed 001's process per request serves some 50 a second on a busy machine */
	CHECK(requests > 20, "%s %s: %g requests", model, scenario, requests);
	CHECK(lenient == requests &&
		      json_num(json_object_get(load, "lenient"), "body_at_close") == requests,
	      "%s %s: %g of %g responses %s", model, scenario, lenient, requests, leniency);
	CHECK(!strcmp(json_string_value(json_object_get(srv, "failed")) ?: "?", ""),
	      "%s %s failed: %s", model, scenario,
	      json_string_value(json_object_get(srv, "failed")));
	CHECK(json_num(srv, "exit_status") == SIGTERM_STATUS, "%s %s: exit status %g", model,
	      scenario, json_num(srv, "exit_status"));
	size = log_of(dir, exp, mark, &marks);
	per = marks ? (double)size / marks : NAN;
	CHECK(marks * per + PY_BUFFER >= requests * per,
	      "%s %s: %zu requests in its log, %g counted", model, scenario, marks, requests);
	CHECK(fabs(bytes - requests * per) <= conns * per + PY_BUFFER,
	      "%s %s: %.0f bytes while measured for %g requests, its log %.0f bytes a request",
	      model, scenario, bytes, requests, per);
}

static void seeds_servers_under(const char *scenario)
{
	char a[512], b[512], c[512], d[512], dir[HARNESS_DIR_LEN], out[8192];
	const char *args[] = { "-s",
			       scenario,
			       server(a, sizeof(a), "s000single",
				      "seeds_as_written/000_single_process.py", "-p {port}"),
			       server(b, sizeof(b), "s000thread",
				      "seeds_as_written/000_multi_thread.py", "-p {port}"),
			       server(c, sizeof(c), "s001proc",
				      "seeds_as_written/001_multi_process.py", "{port}"),
			       server(d, sizeof(d), "s001thread",
				      "seeds_as_written/001_multi_thread.py", "{port}"),
			       NULL };
	json_t *results, *e;
	int st = -1;

	results = run_python_servers(args, dir, &st, out, sizeof(out));
	if (!CHECK(st == 0 && results, "harness run: exit %d:\n%.3000s", st, out))
		goto out;
	served_as_written(dir, results, "s000single", scenario, "no_colon", "accept client from");
	served_as_written(dir, results, "s000thread", scenario, "no_colon", "accept client from");
	served_as_written(dir, results, "s001proc", scenario, "bare_lf", "[Client (");
	served_as_written(dir, results, "s001thread", scenario, "bare_lf", "[Client (");
	/* what each is, by the kernel's figures and the load's */
	e = results_experiment(results, "s000single", scenario);
	says(e, "s000single", "serial", true);
	says(e, "s000single", "closes_each", true);
	says(e, "s000single", "process_per_connection", false);
	/* closing each, it answers every client in turn: not one client served */
	CHECK(strcmp(results_limited_by(e), "serial_serving"), "s000single: limited by %s",
	      results_limited_by(e));
	says(e, "s000single", "thread_per_connection", false);
	e = results_experiment(results, "s000thread", scenario);
	says(e, "s000thread", "thread_per_connection", true);
	/* joined before the next accept: none accepted while another was open */
	says(e, "s000thread", "serial", true);
	CHECK(json_num(json_object_get(trait(e, "serial"), "evidence"), "beside_share") == 0,
	      "s000thread: a connection accepted while another was open");
	says(e, "s000thread", "closes_each", true);
	CHECK(strcmp(results_limited_by(e), "serial_serving"), "s000thread: limited by %s",
	      results_limited_by(e));
	e = results_experiment(results, "s001proc", scenario);
	says(e, "s001proc", "process_per_connection", true);
	says(e, "s001proc", "serial", false);
	says(e, "s001proc", "closes_each", true);
	e = results_experiment(results, "s001thread", scenario);
	says(e, "s001thread", "thread_per_connection", true);
	says(e, "s001thread", "serial", false);
	says(e, "s001thread", "closes_each", true);
out:
	json_decref(results);
	rm_rf(dir);
}

static void seeds_servers_under_throughput(void)
{
	seeds_servers_under("throughput");
}

static void seeds_servers_under_users(void)
{
	seeds_servers_under("users");
}

/*
 * Seed 000's multi-process server keeps every client socket in a list:
 * its child's close() sends no FIN, so no client (curl, http.client) ever
 * sees its answer end. Nothing answered, nothing killed: it is stopped by
 * the harness, a process per connection, its output in its log.
 */
static void seed_000_multi_process_never_closes(void)
{
	char a[512], dir[HARNESS_DIR_LEN], out[8192];
	const char *args[] = { "-s", "throughput",
			       server(a, sizeof(a), "s000proc",
				      "seeds_as_written/000_multi_process.py", "-p {port}"),
			       NULL };
	json_t *results, *e, *srv;
	size_t marks;
	int st = -1;

	results = run_python_servers(args, dir, &st, out, sizeof(out));
	if (!CHECK(st == 0 && results, "harness run: exit %d:\n%.3000s", st, out))
		goto out;
	e = results_experiment(results, "s000proc", "throughput");
	srv = json_object_get(e, "server");
	CHECK(json_num(json_object_get(e, "load"), "requests") == 0 &&
		      results_finding(e, "no_answers"),
	      "s000proc: %g requests answered", json_num(json_object_get(e, "load"), "requests"));
	/* why: the parent kept every client's socket, so no FIN left */
	CHECK(json_num(json_object_get(results_finding(e, "no_answers"), "evidence"),
		       "closes_held_elsewhere") > 0,
	      "s000proc: its closes left open not said");
	CHECK(json_num(srv, "exit_status") == SIGTERM_STATUS, "s000proc: exit status %g",
	      json_num(srv, "exit_status"));
	says(e, "s000proc", "process_per_connection", true);
	log_of(dir, e, "accept client from", &marks);
	CHECK(marks > 0, "s000proc: its log has no request");
out:
	json_decref(results);
	rm_rf(dir);
}

/*
 * A server that exits after 300 requests: a failed experiment, with its
 * exit status and last line, not ranked; the others (epoll, and one that
 * writes 1 KiB to stdout per request) run and are ranked; harness run
 * exits 3. The chatty one is neither blocked nor killed, and its bytes
 * per request are the 1 024 it writes.
 */
static void dies_mid_run_and_chatty(void)
{
	char a[512], b[512], dir[HARNESS_DIR_LEN], out[8192];
	const char *args[] = { "epoll",
			       "-s",
			       "throughput",
			       "--warmup",
			       "0",
			       server(a, sizeof(a), "dies", "misbehaving/server.py",
				      "--port {port} --exit-after 300"),
			       server(b, sizeof(b), "chatty", "misbehaving/server.py",
				      "--port {port} --print-bytes 1024"),
			       NULL };
	json_t *results, *dies, *chatty, *epoll, *ranking;
	char path[128], *summary;
	const char *failed;
	size_t len = 0;
	double requests;
	int st = -1;

	results = run_python_servers(args, dir, &st, out, sizeof(out));
	if (!CHECK(results, "harness run: exit %d, no results:\n%.3000s", st, out))
		goto out;
	CHECK(st == 3, "harness run: exit %d, not 3 (a model failed):\n%.3000s", st, out);
	CHECK(strstr(out, "harness run: dies throughput: server 'dies' exited with status 3 after"),
	      "the failure not said as it came:\n%.3000s", out);
	dies = results_experiment(results, "dies", "throughput");
	chatty = results_experiment(results, "chatty", "throughput");
	epoll = results_experiment(results, "epoll", "throughput");
	failed =
		json_string_value(json_object_get(json_object_get(dies, "server"), "failed")) ?: "";
	requests = json_num(json_object_get(dies, "load"), "requests");
	/* answers sent by threads the exit cut short of counting: one a connection */
	CHECK(strstr(failed, "exited with status 3 after") && requests > 0 && requests <= 300 + 100,
	      "dies: failed '%s', %g requests", failed, requests);
	CHECK(strstr(json_string_value(json_object_get(json_object_get(dies, "server"), "stderr"))
			     ?: "",
		     "exiting after 300 requests"),
	      "dies: its last line not recorded");
	CHECK(!strcmp(results_limited_by(dies), "failed"), "dies: limited by %s",
	      results_limited_by(dies));
	ranking =
		json_object_get(json_array_get(json_object_get(results, "rankings"), 0), "entries");
	CHECK(json_array_size(ranking) == 2, "%zu ranked, not epoll and chatty",
	      json_array_size(ranking));
	snprintf(path, sizeof(path), "%s/summary.txt", dir);
	summary = (char *)file_read(path, &len);
	CHECK(summary && memmem(summary, len, "dies: not ranked: the server exited with status 3",
				strlen("dies: not ranked: the server exited with status 3")),
	      "summary.txt does not say why dies is not ranked");
	free(summary);
	CHECK(json_num(json_object_get(epoll, "load"), "requests") > 100 &&
		      json_num(json_object_get(chatty, "load"), "requests") > 100,
	      "the others did not run");
	CHECK(!strcmp(json_string_value(
			      json_object_get(json_object_get(chatty, "server"), "failed"))
			      ?: "?",
		      "") &&
		      json_num(json_object_get(chatty, "server"), "exit_status") == SIGTERM_STATUS,
	      "chatty: failed or killed");
	CHECK(json_num(json_object_get(chatty, "server"), "log_bytes") /
			      json_num(json_object_get(chatty, "load"), "requests") >=
		      1024,
	      "chatty: %g bytes for %g requests",
	      json_num(json_object_get(chatty, "server"), "log_bytes"),
	      json_num(json_object_get(chatty, "load"), "requests"));
out:
	json_decref(results);
	rm_rf(dir);
}

/*
 * A server that dies of a broken pipe (it sends on a connection it shut
 * for writing; Python raises BrokenPipeError and the process ends): its
 * MODEL.txt says, beside its last lines, that the kernel failed its send
 * with EPIPE, as the syscalls probe counted it.
 */
static void dies_of_a_broken_pipe(void)
{
	char a[512], dir[HARNESS_DIR_LEN], out[8192], path[160], *model;
	const char *args[] = { "-s",
			       "throughput",
			       "--warmup",
			       "0",
			       server(a, sizeof(a), "broken", "misbehaving/server.py",
				      "--port {port} --epipe-after 200"),
			       NULL };
	const char *said = "its calls the kernel saw fail while measured:";
	json_t *results;
	size_t len = 0;
	char *line;
	int st = -1;

	results = run_python_servers(args, dir, &st, out, sizeof(out));
	if (!CHECK(results && st == 3, "harness run: exit %d, not 3:\n%.3000s", st, out))
		goto out;
	snprintf(path, sizeof(path), "%s/broken.txt", dir);
	model = (char *)file_read(path, &len);
	line = model ? memmem(model, len, said, strlen(said)) : NULL;
	CHECK(line && memmem(line, len - (line - model), "EPIPE", 5) &&
		      memmem(model, len, "BrokenPipeError", strlen("BrokenPipeError")),
	      "broken.txt does not name the EPIPE and the exception:\n%.*s", (int)len,
	      model ? model : "");
	free(model);
out:
	json_decref(results);
	rm_rf(dir);
}

/*
 * --strict reads as wrk does: seed 000's single-process answers are bad
 * responses, none counted; the load closes on each, under a server about
 * to send the rest, which it may die of (recorded as failed, with the
 * exception that ended it).
 */
static void strict_reads_as_wrk(void)
{
	char a[512], dir[HARNESS_DIR_LEN], out[8192];
	const char *args[] = { "-s", "throughput", "--strict",
			       server(a, sizeof(a), "s000single",
				      "seeds_as_written/000_single_process.py", "-p {port}"),
			       NULL };
	json_t *results, *e, *load, *srv;
	const char *failed, *said;
	int st = -1;

	results = run_python_servers(args, dir, &st, out, sizeof(out));
	if (!CHECK(results && (st == 0 || st == 3), "harness run: exit %d:\n%.3000s", st, out))
		goto out;
	e = results_experiment(results, "s000single", "throughput");
	load = json_object_get(e, "load");
	srv = json_object_get(e, "server");
	CHECK(json_is_true(json_object_get(json_object_get(results, "options"), "strict")) &&
		      json_is_true(json_object_get(load, "strict")),
	      "strict not recorded");
	CHECK(json_num(load, "requests") == 0 &&
		      json_num(json_object_get(load, "errors"), "bad_response") > 0,
	      "strict: %g requests, %g bad responses", json_num(load, "requests"),
	      json_num(json_object_get(load, "errors"), "bad_response"));
	failed = json_string_value(json_object_get(srv, "failed")) ?: "";
	said = json_string_value(json_object_get(srv, "stderr")) ?: "";
	CHECK(!failed[0] ||
		      (st == 3 && strstr(failed, "exited with status 1") &&
		       (strstr(said, "BrokenPipeError") || strstr(said, "ConnectionResetError"))),
	      "strict: failed '%s', exit %d, it said %.500s", failed, st, said);
out:
	json_decref(results);
	rm_rf(dir);
}

static const struct test_case cases[] = {
	TEST_SLOW(seeds_servers_under_throughput, 150),
	TEST_SLOW(seeds_servers_under_users, 150),
	TEST_SLOW(seed_000_multi_process_never_closes, 90),
	TEST_SLOW(dies_mid_run_and_chatty, 120),
	TEST_SLOW(dies_of_a_broken_pipe, 90),
	TEST_SLOW(strict_reads_as_wrk, 90),
};

TEST_MAIN(cases)
