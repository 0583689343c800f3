// SPDX-License-Identifier: MIT
/*
 * Each error class the load generator knows, provoked by a server that
 * misbehaves on purpose (build/fake-server, run by harness run --server),
 * and the kernel cause results.json names for it: its kernel event, with a
 * count that accounts for the client's. Where the kernel keeps a counter
 * of its own (TcpExt:TCPAbortOnClose, Tcp:OutRsts, ListenOverflows), the
 * count is checked against it too.
 */
#include "tests/lib/check.h"
#include "tests/lib/cmd.h"
#include "tests/lib/file.h"
#include "tests/lib/harness_results.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double num(const json_t *j, const char *key)
{
	const json_t *v = json_object_get(j, key);

	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The row of results.json's errors for client and event, or NULL. */
static const json_t *error_row(const json_t *e, const char *client, const char *event)
{
	const json_t *r;
	size_t i;

	json_array_foreach(json_object_get(e, "errors"), i, r) {
		if (!strcmp(json_string_value(json_object_get(r, "client_error")) ?: "", client) &&
		    !strcmp(json_string_value(json_object_get(r, "kernel_event")) ?: "", event))
			return r;
	}
	return NULL;
}

/* Runs the fake server doing behaviour (with extra arguments) under
 * throughput; its results.json. With dir, the output directory is kept
 * there for the caller to read and remove. */
static json_t *provoke_in(const char *behaviour, char dir[64])
{
	char server[512];
	const char *args[] = { "--server", server,	"-s",  "throughput", "-c",
			       "10",	   "--timeout", "0.3", "-q",	     NULL };
	char here[64];
	json_t *res;

	snprintf(server, sizeof(server), "fake=%s/fake-server --host {host} --port {port} %s",
		 test_bin_dir(), behaviour);
	res = harness_results_in(args, dir ? dir : here);
	if (!dir && here[0])
		rm_rf(here);
	return res;
}

static json_t *provoke(const char *behaviour)
{
	return provoke_in(behaviour, NULL);
}

/* A file of the output directory as a string, malloc'ed ("" if missing). */
static char *output(const char *dir, const char *name)
{
	char path[128], *s;
	uint8_t *text;
	size_t len = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	text = file_read(path, &len);
	s = strndup(text ? (char *)text : "", text ? len : 0);
	free(text);
	return s;
}

/*
 * The client saw at least `least` errors of class client; results.json
 * joins them to event, whose count is within `slack` of theirs (the
 * probes read a moment after the load stops: a few more) and at least 1.
 */
static const json_t *joined(const json_t *e, const char *client, const char *event, double least,
			    double slack)
{
	const json_t *r = error_row(e, client, event);
	double count = num(r, "count"), events = num(r, "kernel_count");

	if (!CHECK(r, "no row for %s caused by %s in:\n%s", client, event,
		   json_dumps(json_object_get(e, "errors"), JSON_INDENT(1))))
		return NULL;
	CHECK(count >= least, "%s: %.0f errors, want %.0f or more", client, count, least);
	CHECK(events >= 1 && fabs(events - count) <= slack * count + 20, "%s: %.0f errors, %s %.0f",
	      client, count, event, events);
	return r;
}

static double netstat(const json_t *e, const char *name)
{
	return num(json_object_get(json_object_get(json_object_get(e, "probes"), "errors"),
				   "netstat"),
		   name);
}

/* The server closes each connection with its request unread: resets, each
 * one a TCP_ABORT_ON_CLOSE the kernel counted too. */
static void unread_input_closed_is_reset(void)
{
	char dir[64], *model = NULL, *summary = NULL, *html = NULL;
	json_t *res = provoke_in("close-unread", dir);
	const json_t *e = harness_experiment(res, 0), *fig = json_object_get(e, "figures");

	if (!e)
		goto out;
	joined(e, "reset", "rst_abort_on_close", 100, 0.05);
	CHECK(num(fig, "rst_abort_on_close") == netstat(e, "TcpExt:TCPAbortOnClose"),
	      "TCP_ABORT_ON_CLOSE %.0f, the kernel's TCPAbortOnClose %.0f",
	      num(fig, "rst_abort_on_close"), netstat(e, "TcpExt:TCPAbortOnClose"));
	CHECK(netstat(e, "Tcp:OutRsts") >= num(fig, "rst_abort_on_close"),
	      "OutRsts %.0f below the resets counted", netstat(e, "Tcp:OutRsts"));
	/* the same rows in every output */
	model = output(dir, "fake.txt");
	summary = output(dir, "summary.txt");
	html = output(dir, "report.html");
	CHECK(strstr(model, "errors, and what the kernel did:") &&
		      strstr(model, "the server closed with unread input"),
	      "MODEL.txt has no errors table:\n%.2000s", model);
	CHECK(strstr(summary, "errors, and what the kernel did:") &&
		      strstr(summary, "TCP_ABORT_ON_CLOSE"),
	      "summary.txt has no errors table:\n%.2000s", summary);
	CHECK(strstr(html, "<table class=\"errors\">") &&
		      strstr(html, "data-event=\"rst_abort_on_close\""),
	      "report.html has no errors table");
out:
	if (dir[0])
		rm_rf(dir);
	free(model);
	free(summary);
	free(html);
	json_decref(res);
}

/* The server aborts with SO_LINGER 0: resets of another reason. */
static void abort_is_reset(void)
{
	json_t *res = provoke("reset");
	const json_t *e = harness_experiment(res, 0);

	if (e)
		joined(e, "reset", "rst_abort_linger", 100, 0.05);
	json_decref(res);
}

/* A FIN, then a reset, after each answer: the client's next request meets
 * a reset received in CLOSE_WAIT, which the kernel reports as EPIPE. */
static void reset_after_fin_is_broken_pipe(void)
{
	json_t *res = provoke("answer-reset");
	const json_t *e = harness_experiment(res, 0), *fig = json_object_get(e, "figures");

	if (!e)
		goto out;
	joined(e, "broken_pipe", "rst_abort_linger", 100, 0.1);
	CHECK(num(fig, "rst_client_received_close_wait") >= num(fig, "broken_pipes"),
	      "received in CLOSE_WAIT %.0f, broken pipes %.0f",
	      num(fig, "rst_client_received_close_wait"), num(fig, "broken_pipes"));
out:
	json_decref(res);
}

/* The server closes without an answer: its FIN first, each time. */
static void fin_without_answer_is_closed(void)
{
	json_t *res = provoke("close");
	const json_t *e = harness_experiment(res, 0);

	if (e)
		joined(e, "closed", "server_closed_first", 100, 0.05);
	json_decref(res);
}

/* The server closes its listening socket: every connect refused, a reset
 * for no socket each. */
static void no_listener_is_refused(void)
{
	json_t *res = provoke("stop-listening");
	const json_t *e = harness_experiment(res, 0);

	if (e)
		joined(e, "connect_refused", "rst_no_socket", 10, 0.01);
	json_decref(res);
}

/* The server accepts no more, its queue of 2 full: connects time out, the
 * SYNs dropped counted as ListenOverflows. */
static void full_accept_queue_is_connect_timeout(void)
{
	json_t *res = provoke("--backlog 2 no-accept");
	const json_t *e = harness_experiment(res, 0), *fig = json_object_get(e, "figures");
	const json_t *r;

	if (!e)
		goto out;
	r = error_row(e, "connect_timeout", "listen_overflows");
	if (CHECK(r, "no connect timeout joined to ListenOverflows: %s",
		  json_dumps(json_object_get(e, "errors"), 0)))
		CHECK(num(r, "count") >= 1 &&
			      num(r, "kernel_count") == num(fig, "listen_overflows"),
		      "%.0f connect timeouts, %.0f overflows", num(r, "count"),
		      num(r, "kernel_count"));
out:
	json_decref(res);
}

/* A server that never answers: read timeouts, and no kernel error named. */
static void silence_is_read_timeout_with_no_kernel_cause(void)
{
	json_t *res = provoke("silent");
	const json_t *e = harness_experiment(res, 0), *r;

	if (!e)
		goto out;
	r = error_row(e, "read_timeout", "");
	CHECK(r && num(r, "count") >= 10 &&
		      strstr(json_string_value(json_object_get(r, "kernel_cause")),
			     "no kernel error"),
	      "read timeouts: %s", json_dumps(json_object_get(e, "errors"), 0));
	CHECK(num(json_object_get(e, "figures"), "rst_abort_on_close") == 0,
	      "resets where there were none");
out:
	json_decref(res);
}

/* Not HTTP, and a 500: the application's errors; the kernel saw none. */
static void bad_answers_have_no_kernel_cause(void)
{
	json_t *garbage = provoke("garbage"), *err500 = provoke("500");
	const json_t *g = harness_experiment(garbage, 0), *s = harness_experiment(err500, 0);

	CHECK(g && error_row(g, "bad_response", ""), "garbage: %s",
	      json_dumps(json_object_get(g, "errors"), 0));
	CHECK(s && error_row(s, "non_2xx", ""), "500: %s",
	      json_dumps(json_object_get(s, "errors"), 0));
	json_decref(garbage);
	json_decref(err500);
}

/* The delayed close: a child per connection answers and closes, the parent
 * keeps its copy; no FIN leaves, and the client's next request waits. */
static void kept_descriptor_is_read_timeout(void)
{
	json_t *res = provoke("fork-keep");
	const json_t *e = harness_experiment(res, 0), *r;

	if (!e)
		goto out;
	r = error_row(e, "read_timeout", "closes_held_elsewhere");
	CHECK(r && num(r, "count") >= 1 && num(r, "kernel_count") >= num(r, "count"),
	      "read timeouts: %s", json_dumps(json_object_get(e, "errors"), 0));
	CHECK(error_row(e, "", "closes_held_elsewhere"), "no delayed-close row");
	CHECK(num(json_object_get(e, "figures"), "server_closed_first") == 0,
	      "the server's FIN left: %.0f",
	      num(json_object_get(e, "figures"), "server_closed_first"));
out:
	json_decref(res);
}

/* A healthy server: no row, though its last sends may fail when the
 * load generator closes its connections at the end. */
static void no_errors_no_rows(void)
{
	json_t *res = provoke("ok");
	const json_t *e = harness_experiment(res, 0);

	CHECK(e && json_array_size(json_object_get(e, "errors")) == 0, "rows: %s",
	      json_dumps(json_object_get(e, "errors"), 0));
	json_decref(res);
}

static const struct test_case cases[] = {
	TEST(unread_input_closed_is_reset),
	TEST(abort_is_reset),
	TEST(reset_after_fin_is_broken_pipe),
	TEST(fin_without_answer_is_closed),
	TEST(no_listener_is_refused),
	TEST(full_accept_queue_is_connect_timeout),
	TEST(silence_is_read_timeout_with_no_kernel_cause),
	TEST(bad_answers_have_no_kernel_cause),
	TEST(kept_descriptor_is_read_timeout),
	TEST(no_errors_no_rows),
};

TEST_MAIN(cases)
