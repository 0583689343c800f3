// SPDX-License-Identifier: MIT
/*
 * The client's errors joined to their kernel causes (harness/explain/
 * errors.c) on synthetic figures: each class beside the kernel event that
 * makes it, with both counts; a cause not measured said to be unknown;
 * nothing when nothing went wrong; and the rows through results.json and
 * back.
 */
#include "tests/lib/check.h"
#include "tests/lib/synthetic.h"
#include "harness/explain/explain.h"
#include "harness/report/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct error_row rows[ERROR_ROWS_MAX];
static int n;

/* The figures of a run the errors and syscalls probes watched, nothing wrong. */
static void watched(struct figures *f)
{
	synthetic_healthy(f, "epoll");
	f->rst_abort_on_close = f->rst_abort_on_data = f->rst_abort_linger = 0;
	f->rst_server_other = f->rst_no_socket = f->rst_client_sent = 0;
	f->rst_client_received = f->rst_client_received_syn = f->rst_server_received = 0;
	f->rst_client_received_est = f->rst_client_received_close_wait = 0;
	f->server_closed_first = f->client_closed_first = f->fins = f->fin_at_exit = 0;
	f->drops = 0;
	f->failed_calls = f->closes_held_elsewhere = 0;
}

static const struct error_row *find(const char *client, const char *event)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].client, client) && !strcmp(rows[i].event, event))
			return &rows[i];
	return NULL;
}

static void explain(const struct figures *f)
{
	n = explain_errors(f, rows, ERROR_ROWS_MAX);
	print_errors(stdout, rows, n);
}

static void nothing_wrong_no_rows(void)
{
	struct figures f;

	watched(&f);
	explain(&f);
	CHECK(n == 0, "%d rows", n);
}

/* The server's failed sends: the load generator's own end (one per
 * connection at most) is no error; more are the clients leaving. */
static void server_epipe_past_the_load_end(void)
{
	struct errno_figure *e;
	struct figures f;

	watched(&f);
	f.failed_calls = 100;
	f.nerrnos = 1;
	e = &f.errnos[0];
	snprintf(e->syscall, sizeof(e->syscall), "sendto");
	snprintf(e->err, sizeof(e->err), "EPIPE");
	e->count = 100; /* 100 connections */
	explain(&f);
	CHECK(n == 0, "%d rows for the load's end", n);
	e->count = f.failed_calls = 250;
	f.rst_client_sent = 250;
	explain(&f);
	CHECK(find("server", "failed_calls") && rows[0].events == 250 &&
		      strstr(rows[0].cause, "resets it sent"),
	      "%d rows", n);
}

/* The issue's own example: 412 resets, the server closed with unread input. */
static void unread_input_explains_resets(void)
{
	const struct error_row *r;
	struct figures f;

	watched(&f);
	f.resets = f.errors = 412;
	f.rst_abort_on_close = f.rst_client_received = f.rst_client_received_est = 412;
	explain(&f);
	r = find("reset", "rst_abort_on_close");
	if (!CHECK(r, "no reset row"))
		return;
	CHECK(r->count == 412 && r->events == 412, "count %.0f events %.0f", r->count, r->events);
	CHECK(strstr(r->cause, "closed with unread input") && strstr(r->cause, "412 resets") &&
		      strstr(r->cause, "412 received by the clients in ESTABLISHED"),
	      "cause: %s", r->cause);
}

/* Closed early is its own class: the server's FIN first, not a reset. */
static void closed_early_is_server_fin(void)
{
	const struct error_row *r;
	struct figures f;

	watched(&f);
	f.resets = f.closed_early = 30; /* resets includes closed_early */
	f.server_closed_first = f.fins = 30;
	explain(&f);
	r = find("closed", "server_closed_first");
	CHECK(r && r->count == 30 && r->events == 30, "closed: %p", (void *)r);
	CHECK(!find("reset", "") && n == 1, "%d rows, a reset among them", n);
}

/* A reset met in CLOSE_WAIT is the kernel's EPIPE: the broken pipe's row
 * says so, and its likeliest cause comes first. */
static void broken_pipe_after_fin(void)
{
	struct figures f;

	watched(&f);
	f.broken_pipes = 500;
	f.rst_abort_linger = 510;
	f.rst_server_other = 9;
	f.rst_client_received = f.rst_client_received_close_wait = 519;
	explain(&f);
	CHECK(n == 2 && !strcmp(rows[0].client, "broken_pipe") &&
		      !strcmp(rows[0].event, "rst_abort_linger") &&
		      strstr(rows[0].cause, "519 received by the clients in CLOSE_WAIT") &&
		      !strcmp(rows[1].event, "rst_server_other"),
	      "%d rows, first %s/%s", n, rows[0].client, rows[0].event);
}

static void refused_is_no_socket(void)
{
	const struct error_row *r;
	struct figures f;

	watched(&f);
	f.refused = 40;
	f.rst_no_socket = f.rst_client_received = f.rst_client_received_syn = 40;
	explain(&f);
	r = find("connect_refused", "rst_no_socket");
	CHECK(r && r->events == 40 && strstr(r->cause, "nobody listened"), "refused: %p",
	      (void *)r);
}

/* Connect and read timeouts: a full accept queue; or no descriptors; or,
 * with neither, no kernel error at all. */
static void timeouts_joined_to_what_waited(void)
{
	const struct error_row *r;
	struct errno_figure *e;
	struct figures f;

	watched(&f);
	f.connect_timeouts = 12;
	f.listen_overflows = 36;
	f.aq_limit = 2;
	f.timeouts = 5;
	f.failed_calls = 7;
	f.nerrnos = 1;
	e = &f.errnos[0];
	snprintf(e->syscall, sizeof(e->syscall), "accept4");
	snprintf(e->err, sizeof(e->err), "EMFILE");
	e->count = 7;
	explain(&f);
	r = find("connect_timeout", "listen_overflows");
	CHECK(r && r->events == 36 && strstr(r->cause, "(limit 2)"), "connect timeout");
	r = find("read_timeout", "failed_calls");
	CHECK(r && r->events == 7 && strstr(r->cause, "EMFILE"), "read timeout by EMFILE");

	watched(&f);
	f.timeouts = 5;
	explain(&f);
	r = find("read_timeout", "");
	CHECK(r && r->events == 0 && strstr(r->cause, "no kernel error"), "bare read timeout");
}

/* The errors probe did not run: the cause is unknown, not guessed. */
static void unmeasured_is_unknown(void)
{
	struct figures f;

	synthetic_healthy(&f, "epoll");
	f.resets = 9;
	f.refused = 3;
	explain(&f);
	CHECK(n == 2 && find("reset", "") && find("connect_refused", "") && isnan(rows[0].events) &&
		      strstr(rows[0].cause, "not measured"),
	      "%d rows", n);
}

/* The delayed close: close()s that left the connection to another
 * process, a row of their own; FINs at a process's exit alone are no
 * error (a fork server's child may well end its connection by exiting). */
static void closes_held_elsewhere_are_the_delayed_close(void)
{
	const struct error_row *r;
	struct figures f;

	watched(&f);
	f.fins = f.server_closed_first = f.fin_at_exit = 20;
	explain(&f);
	CHECK(n == 0, "FINs at exit alone: %d rows", n);
	/* a fork server's race: its parent closed a moment after the child */
	f.fins = 1300;
	f.closes_held_elsewhere = 2;
	explain(&f);
	CHECK(n == 0, "2 closes in 1300 FINs: %d rows", n);
	f.fins = 20;
	f.closes_held_elsewhere = 20;
	explain(&f);
	r = find("", "closes_held_elsewhere");
	CHECK(r && r->events == 20 && strstr(r->cause, "still held the descriptor") &&
		      strstr(r->cause, "20 of its 20 FINs left at a process's exit"),
	      "row");
}

/* The application's errors have no kernel cause, and say so. */
static void bad_responses_have_no_kernel_event(void)
{
	struct figures f;

	watched(&f);
	f.bad_responses = 10; /* non2xx among them */
	f.non2xx = 4;
	explain(&f);
	CHECK(find("bad_response", "") && find("non_2xx", "") && rows[0].count == 6 &&
		      rows[1].count == 4,
	      "%d rows", n);
}

static const struct test_case cases[] = {
	TEST(nothing_wrong_no_rows),
	TEST(server_epipe_past_the_load_end),
	TEST(unread_input_explains_resets),
	TEST(closed_early_is_server_fin),
	TEST(broken_pipe_after_fin),
	TEST(refused_is_no_socket),
	TEST(timeouts_joined_to_what_waited),
	TEST(unmeasured_is_unknown),
	TEST(closes_held_elsewhere_are_the_delayed_close),
	TEST(bad_responses_have_no_kernel_event),
};

TEST_MAIN(cases)
