// SPDX-License-Identifier: MIT
/*
 * The explanation rules on synthetic figures: each fires on a record built
 * to show its cause, with the record's own numbers as evidence; stays
 * silent on one that does not show it; and is silent when the probe it
 * needs was unavailable (its figures NAN).
 */
#include "tests/lib/check.h"
#include "tests/lib/synthetic.h"
#include "harness/explain/explain.h"
#include "harness/record/catalog.h"
#include "harness/report/figures_json.h"
#include "harness/report/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct finding *fired(const struct figures *f, const char *rule, struct finding *buf)
{
	int n = explain_experiment(f, buf, FINDINGS_MAX);

	return finding_find(buf, n, rule);
}

static bool close_to(double a, double b)
{
	return fabs(a - b) <= 1e-9 * (fabs(a) + fabs(b) + 1);
}

static void healthy_run_has_no_complaint(void)
{
	const char *const bad[] = { "head_of_line",
				    "accept_queue_full",
				    "process_creation",
				    "thread_creation",
				    "blocked_loop",
				    "runqueue_pressure",
				    "wakeup_per_request",
				    "cpu_saturated",
				    "cpu_idle",
				    "client_bound",
				    "errors",
				    "no_answers",
				    "io_uring_punts",
				    NULL };
	struct finding buf[FINDINGS_MAX];
	struct figures f;

	synthetic_healthy(&f, "epoll");
	for (int i = 0; bad[i]; i++)
		CHECK(!fired(&f, bad[i], buf), "%s fired on a healthy run", bad[i]);
}

static void head_of_line_blocking(void)
{
	struct finding buf[FINDINGS_MAX];
	const struct finding *r;
	struct figures f;

	synthetic_healthy(&f, "blocking");
	f.aq_max = 99;
	f.timeouts = 4000;
	f.errors = 4000;
	f.unanswered = 99;
	f.unanswered_wait_us = 1.9e6;
	r = fired(&f, "head_of_line", buf);
	if (CHECK(r, "did not fire")) {
		CHECK(close_to(finding_evidence(r, "aq_max"), 99), "cites the depth");
		CHECK(close_to(finding_evidence(r, "timeouts"), 4000), "cites the timeouts");
		CHECK(close_to(finding_evidence(r, "unanswered"), 99), "cites the unanswered");
		CHECK(strstr(r->text, "99") && strstr(r->text, "128"), "text: %s", r->text);
	}
	f.connections = 1;
	CHECK(!fired(&f, "head_of_line", buf), "one connection cannot queue behind itself");
	synthetic_healthy(&f, "epoll");
	f.aq_max = 99;
	CHECK(!fired(&f, "head_of_line", buf), "epoll serves connections concurrently");
	synthetic_healthy(&f, "blocking");
	f.aq_max = NAN; /* accept-queue probe unavailable */
	CHECK(!fired(&f, "head_of_line", buf), "silent without the accept-queue probe");
}

static void accept_queue_full(void)
{
	struct finding buf[FINDINGS_MAX];
	const struct finding *r;
	struct figures f;

	synthetic_healthy(&f, "fork");
	f.aq_max = 129;
	f.aq_at_limit_share = 0.91;
	f.listen_overflows = 3204;
	f.p99_us = 1.03e6;
	r = fired(&f, "accept_queue_full", buf);
	if (CHECK(r, "did not fire")) {
		CHECK(close_to(finding_evidence(r, "aq_at_limit_share"), 0.91), "share");
		CHECK(close_to(finding_evidence(r, "listen_overflows"), 3204), "overflows");
		CHECK(strstr(r->text, "91%") && strstr(r->text, "3 204") &&
			      strstr(r->text, "1.03 s"),
		      "text: %s", r->text);
	}
	f.p99_us = 5000; /* no retransmission in the tail: none claimed */
	r = fired(&f, "accept_queue_full", buf);
	CHECK(r && !strstr(r->text, "retried"), "text: %s", r ? r->text : "-");
	synthetic_healthy(&f, "fork");
	f.aq_at_limit_share = 0.001;
	CHECK(!fired(&f, "accept_queue_full", buf), "a rare full queue without drops");
	f.aq_at_limit_share = NAN;
	f.listen_overflows = NAN;
	CHECK(!fired(&f, "accept_queue_full", buf), "silent without the probe");
}

static void process_and_thread_creation(void)
{
	struct finding buf[FINDINGS_MAX];
	const struct finding *r;
	struct figures f;

	synthetic_healthy(&f, "fork");
	f.procs_created = 10000;
	synthetic_syscall(&f, "clone", 10000, 6.4e6 * 0.1); /* 64 µs each */
	f.cpu_us = 900000;
	r = fired(&f, "process_creation", buf);
	if (CHECK(r, "did not fire")) {
		CHECK(close_to(finding_evidence(r, "per_request"), 1.0), "per request");
		CHECK(close_to(finding_evidence(r, "clone_us_per_call"), 64), "clone cost %f",
		      finding_evidence(r, "clone_us_per_call"));
		CHECK(close_to(finding_evidence(r, "clone_cpu_share"), 640000.0 / 900000),
		      "share of CPU");
	}
	CHECK(!fired(&f, "thread_creation", buf), "processes are not threads");

	synthetic_healthy(&f, "pthread");
	f.threads_created = 5000;
	r = fired(&f, "thread_creation", buf);
	CHECK(r && close_to(finding_evidence(r, "per_request"), 0.5), "thread creation");
	f.threads_created = 100; /* once per keep-alive connection */
	CHECK(!fired(&f, "thread_creation", buf), "100 threads for 10 000 requests");
	f.threads_created = NAN;
	CHECK(!fired(&f, "thread_creation", buf), "silent without the sched probe");
}

static void blocked_event_loop(void)
{
	struct finding buf[FINDINGS_MAX];
	const struct finding *r;
	struct syscall_figure *sleep, *wait;
	struct figures f;

	/* nothing asked of it (no sleep_us): the time account alone, 1 s of
	 * one loop's life, 95% of it blocked in clock_nanosleep */
	synthetic_healthy(&f, "epoll");
	f.scenario[0] = '\0';
	f.requests = 1000;
	f.rps = 990;
	f.life_us = 1e6;
	f.blocked_us = 0.97e6;
	sleep = synthetic_syscall(&f, "clock_nanosleep", 1000, 1000 * 950);
	sleep->blocked_us = 950e3;
	wait = synthetic_syscall(&f, "epoll_wait", 1000, 20e3);
	wait->blocked_us = 20e3;
	r = fired(&f, "blocked_loop", buf);
	if (CHECK(r, "did not fire")) {
		CHECK(close_to(finding_evidence(r, "blocked_us_per_request"), 950), "blocked");
		CHECK(close_to(finding_evidence(r, "blocked_share"), 0.95), "share");
		CHECK(close_to(finding_evidence(r, "ceiling_rps"), 1e6 / 950), "ceiling");
		CHECK(close_to(finding_evidence(r, "rps"), 990), "rps");
		CHECK(strstr(r->text, "blocked in clock_nanosleep"), "%s", r->text);
	}
	CHECK(!fired(&f, "sleeps_overlap", buf), "an event loop's sleeps do not overlap");
	/* blocked in its wait call: waiting for connections, not blocked */
	sleep->blocked_us = 20e3;
	wait->blocked_us = 950e3;
	CHECK(!fired(&f, "blocked_loop", buf), "waiting in epoll_wait is no blocked loop");
	/* a blocking read holds it as a sleep does */
	synthetic_syscall(&f, "read", 1000, 600e3)->blocked_us = 600e3;
	wait->blocked_us = 350e3;
	r = fired(&f, "blocked_loop", buf);
	CHECK(r && strstr(r->text, "blocked in read"), "a blocking read: %s", r ? r->text : "");
	/* without the time account: the time inside its sleeps */
	synthetic_healthy(&f, "epoll");
	f.requests = 1000;
	synthetic_syscall(&f, "nanosleep", 1000, 1000 * 900);
	CHECK(fired(&f, "blocked_loop", buf), "its sleeps' time, without the time account");
	synthetic_healthy(&f, "pthread");
	f.sleep_us = 1000;
	synthetic_syscall(&f, "clock_nanosleep", 10000, 10000 * 1060);
	CHECK(!fired(&f, "blocked_loop", buf), "threads sleep without blocking others");
	CHECK(fired(&f, "sleeps_overlap", buf), "their sleeps overlap");
	synthetic_healthy(&f, "epoll");
	f.sleep_us = 1000;
	f.syscalls = NAN;
	CHECK(!fired(&f, "blocked_loop", buf), "silent without the syscall probe");
}

static void scheduler_pressure(void)
{
	struct finding buf[FINDINGS_MAX];
	const struct finding *r;
	struct figures f;

	synthetic_healthy(&f, "pthread");
	f.invol_switches = 3000;
	f.runq_p99_us = 4000;
	f.vol_switches = 20000;
	r = fired(&f, "runqueue_pressure", buf);
	CHECK(r && close_to(finding_evidence(r, "runq_p99_us"), 4000) &&
		      close_to(finding_evidence(r, "invol_switches_per_request"), 0.3),
	      "runqueue pressure");
	r = fired(&f, "wakeup_per_request", buf);
	CHECK(r && close_to(finding_evidence(r, "vol_switches_per_request"), 2), "wakeups");
	CHECK(r && !strcmp(r->confidence, "high"), "many threads preempt each other");
	r = fired(&f, "runqueue_pressure", buf);
	CHECK(r && !strstr(r->text, "sched_yield"), "no yields, none told: %s", r ? r->text : "-");

	/* server-pthread yields after each start: those switches are its own doing */
	synthetic_syscall(&f, "sched_yield", 2000, 2000 * 2.0);
	r = fired(&f, "runqueue_pressure", buf);
	CHECK(r && close_to(finding_evidence(r, "yields_per_request"), 0.2) &&
		      strstr(r->text, "up to 0.20 of them its own sched_yield()"),
	      "yields told apart: %s", r ? r->text : "-");
	f.nsyscalls = 0;
	synthetic_syscall(&f, "sched_yield", 9000, 9000 * 2.0); /* more calls than switches */
	r = fired(&f, "runqueue_pressure", buf);
	CHECK(r && strstr(r->text, "up to 0.30 of them"), "at most every switch: %s",
	      r ? r->text : "-");
	f.nsyscalls = 0;
	f.invol_switches = 100; /* 0.01 per request: preemption is rare */
	CHECK(!fired(&f, "runqueue_pressure", buf), "rare preemption is no pressure");
	f.runq_p99_us = NAN;
	f.invol_switches = NAN;
	f.vol_switches = NAN;
	CHECK(!fired(&f, "runqueue_pressure", buf) && !fired(&f, "wakeup_per_request", buf),
	      "silent without the sched probe");

	/* one task cannot preempt itself: others on its CPU did */
	synthetic_healthy(&f, "epoll");
	f.invol_switches = 3000;
	f.runq_p99_us = 4000;
	r = fired(&f, "runqueue_pressure", buf);
	CHECK(r && strstr(r->text, "other processes"), "single task: %s", r ? r->text : "-");
}

static void nothing_answered(void)
{
	struct finding buf[FINDINGS_MAX];
	const struct finding *r;
	struct figures f;

	synthetic_healthy(&f, "fork");
	CHECK(!fired(&f, "no_answers", buf), "it answered");
	f.requests = 0;
	f.rps = 0;
	f.errors = 12;
	r = fired(&f, "no_answers", buf);
	CHECK(r && close_to(finding_evidence(r, "errors"), 12), "nothing answered");
	/* its closes left the connections open: that, not "stuck or gone" */
	CHECK(r && !strstr(r->text, "held") && strstr(r->text, "stuck or gone"), "no close: %s",
	      r ? r->text : "-");
	f.closes_held_elsewhere = 40;
	r = fired(&f, "no_answers", buf);
	CHECK(r && strstr(r->text, "40 of its close()s") && !strstr(r->text, "stuck or gone") &&
		      close_to(finding_evidence(r, "closes_held_elsewhere"), 40),
	      "closes held elsewhere: %s", r ? r->text : "-");
}

static void client_or_server_bound(void)
{
	struct finding buf[FINDINGS_MAX];
	const struct finding *r;
	struct figures f;

	synthetic_healthy(&f, "epoll");
	f.load_cpu_us = 950000; /* the load's one CPU 95% busy */
	f.cpu_us = 400000;
	r = fired(&f, "client_bound", buf);
	CHECK(r && close_to(finding_evidence(r, "load_busy"), 0.95) &&
		      close_to(finding_evidence(r, "cpu_busy"), 0.4),
	      "client bound");
	CHECK(!fired(&f, "cpu_idle", buf), "an idle server behind a busy client is not waiting");
	f.cpu_us = 950000;
	CHECK(!fired(&f, "client_bound", buf) && fired(&f, "cpu_saturated", buf),
	      "both busy: the server is CPU-bound");
	f.load_cpu_us = 300000;
	f.cpu_us = 300000;
	CHECK(fired(&f, "cpu_idle", buf) && !fired(&f, "client_bound", buf), "both idle: waiting");
	f.load_cpu_us = NAN;
	CHECK(!fired(&f, "client_bound", buf), "silent without the client's CPU time");
}

static void syscall_batching(void)
{
	struct finding buf[FINDINGS_MAX];
	const struct finding *r;
	struct figures f;

	synthetic_healthy(&f, "epoll");
	synthetic_syscall(&f, "epoll_wait", 2500, 500);
	r = fired(&f, "epoll_batching", buf);
	CHECK(r && close_to(finding_evidence(r, "requests_per_call"), 4) &&
		      close_to(finding_evidence(r, "syscalls_per_request"), 2),
	      "epoll batching");
	CHECK(!fired(&f, "io_uring_batching", buf), "no io_uring_enter calls");

	synthetic_healthy(&f, "io_uring");
	synthetic_syscall(&f, "io_uring_enter", 500, 500);
	f.uring_sqes = 30000;
	f.uring_punted = 3000;
	r = fired(&f, "io_uring_batching", buf);
	CHECK(r && close_to(finding_evidence(r, "requests_per_call"), 20), "uring batching");
	r = fired(&f, "io_uring_punts", buf);
	CHECK(r && close_to(finding_evidence(r, "uring_punted"), 3000), "punts");
	f.uring_punted = 10;
	CHECK(!fired(&f, "io_uring_punts", buf), "a few punts are not a finding");
	f.syscalls = NAN;
	f.uring_punted = NAN;
	CHECK(!fired(&f, "io_uring_batching", buf) && !fired(&f, "io_uring_punts", buf),
	      "silent without the probes");
}

/* The batching rule's words at the edges of its numbers: 24, 1.5, 1, 0.3 per call. */
static void batching_words_fit_numbers(void)
{
	static const struct {
		double calls;
		const char *says;
	} cases[] = {
		{ 10000 / 24.0, "one call serves every connection that is ready" },
		{ 10000 / 1.5, "one call serves every connection that is ready" },
		{ 10000 / 1.49, "requests come about one at a time" },
		{ 10000, "requests come about one at a time" },
		{ 10000 / 0.99, "more calls than requests" },
		{ 10000 / 0.3, "more calls than requests" },
	};
	struct finding buf[FINDINGS_MAX];
	const struct finding *r;
	struct figures f;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		synthetic_healthy(&f, "io_uring");
		synthetic_syscall(&f, "io_uring_enter", cases[i].calls, 500);
		r = fired(&f, "io_uring_batching", buf);
		CHECK(r && strstr(r->text, cases[i].says), "%.2f per call: %s",
		      10000 / cases[i].calls, r ? r->text : "silent");
	}
}

static void cpu_bound_or_waiting(void)
{
	struct finding buf[FINDINGS_MAX];
	const struct finding *r;
	struct figures f;

	synthetic_healthy(&f, "epoll");
	f.cpu_us = 970000;
	r = fired(&f, "cpu_saturated", buf);
	CHECK(r && close_to(finding_evidence(r, "cpu_us_per_request"), 97), "saturated");
	CHECK(!fired(&f, "cpu_idle", buf), "not idle");
	f.cpu_us = 200000;
	CHECK(fired(&f, "cpu_idle", buf) && !fired(&f, "cpu_saturated", buf), "idle");
	/* its own work 20%, but other work kept the CPU busy: not idle, shared */
	f.server_cpus_busy = CPU_SATURATED;
	CHECK(!fired(&f, "cpu_idle", buf), "idle, its CPU busy %.0f%% with others",
	      100 * f.server_cpus_busy);
	f.server_cpus_busy = CPU_SATURATED - 0.01;
	CHECK(fired(&f, "cpu_idle", buf), "not idle at %.0f%% busy", 100 * f.server_cpus_busy);
	f.cpu_us = NAN;
	CHECK(!fired(&f, "cpu_idle", buf) && !fired(&f, "cpu_saturated", buf),
	      "silent without CPU time");
}

static void ranking_names_the_differing_rules(void)
{
	struct explanation a, b;
	const struct explanation *both[] = { &b, &a };
	struct ranking r;
	char text[2048] = "";
	FILE *f = fmemopen(text, sizeof(text) - 1, "w");

	synthetic_healthy(&a.fig, "epoll");
	synthetic_healthy(&b.fig, "pthread");
	b.fig.rps = 5000;
	b.fig.threads_created = 9000;
	a.nfindings = explain_experiment(&a.fig, a.findings, FINDINGS_MAX);
	b.nfindings = explain_experiment(&b.fig, b.findings, FINDINGS_MAX);
	explain_ranking(both, 2, &r);
	print_ranking(f, &r);
	fclose(f);
	CHECK(strstr(text, "epoll: fastest"), "best first: %s", text);
	CHECK(strstr(text, "pthread: 0.50x of epoll") && strstr(text, "thread_creation"),
	      "ranking: %s", text);
}

/* harness report explains again from results.json: nothing may change. */
static void figures_survive_json(void)
{
	struct finding a[FINDINGS_MAX], b[FINDINGS_MAX];
	struct figures f, g;
	json_t *j;
	char *text;
	int na, nb;

	synthetic_healthy(&f, "fork");
	f.procs_created = 10000;
	f.aq_max = NAN; /* unmeasured stays unmeasured */
	synthetic_syscall(&f, "clone", 10000, 640000);
	j = figures_to_json(&f);
	text = json_dumps(j, 0); /* through text, as results.json is */
	json_decref(j);
	j = json_loads(text, 0, NULL);
	free(text);
	CHECK(j && figures_from_json(j, &g, NULL, 0) == 0, "parses back");
	json_decref(j);
	CHECK(isnan(g.aq_max) && g.requests == f.requests && g.connections == f.connections,
	      "fields round-trip");
	CHECK(g.nsyscalls == 1 && g.sys[0].total_us == 640000, "syscalls round-trip");
	na = explain_experiment(&f, a, FINDINGS_MAX);
	nb = explain_experiment(&g, b, FINDINGS_MAX);
	CHECK(na == nb && na > 0, "%d findings before, %d after", na, nb);
	for (int i = 0; i < na && i < nb; i++)
		CHECK(!strcmp(a[i].text, b[i].text), "'%s' became '%s'", a[i].text, b[i].text);
}

/* ------------------------------------------------------------ the verdict */

/* The verdict on f: its reason, and the capacity it states. */
static const char *limited_by(const struct figures *f, double *capacity)
{
	static struct verdict v;

	explain_verdict(f, &v);
	if (capacity)
		*capacity = v.capacity_rps;
	fprintf(stderr, "  limited by %s\n", v.why.text);
	return v.why.rule;
}

static const char *explanation_text(const struct figures *f)
{
	static struct verdict v;

	explain_verdict(f, &v);
	return v.why.text;
}

/* synthetic_healthy(), with everything the verdict looks at neither saturated nor waiting */
static void quiet(struct figures *f, const char *model)
{
	synthetic_healthy(f, model);
	f->load_cpu_us = 500000; /* 50% of 1 CPU */
	f->mean_us = 10000;	 /* 100 connections, 10 ms each: 10 000 requests/s */
	f->server_cpus_busy = 0.7;
	f->load_cpus_busy = 0.5;
}

static void verdict_server_or_client_cpu(void)
{
	struct figures f;
	double cap = NAN;

	quiet(&f, "epoll");
	f.cpu_us = f.server_cpus_busy = 0.85e6;
	CHECK(!strcmp(limited_by(&f, &cap), "server_cpu") && close_to(cap, 1e6 / 85),
	      "busy 85%%: %s, capacity %g", limited_by(&f, NULL), cap);
	f.cpu_us = f.server_cpus_busy = 0.849e6;
	CHECK(strcmp(limited_by(&f, NULL), "server_cpu"), "busy 84.9%% is not saturated");
	f.load_cpu_us = f.load_cpus_busy = 0.85e6;
	CHECK(!strcmp(limited_by(&f, &cap), "load_generator") && close_to(cap, 1e6 / 84.9),
	      "client busy 85%%: %s, capacity %g", limited_by(&f, NULL), cap);
}

/* The load from other hosts: a saturated agent still limits the run, and
 * the verdict names its host; the account says the client's loopback work
 * is out of it. */
static void verdict_load_host_saturated(void)
{
	struct figures f;
	struct account a;
	struct finding buf[FINDINGS_MAX];
	const struct finding *r;

	quiet(&f, "epoll");
	snprintf(f.load_host, sizeof(f.load_host), "client2");
	f.load_cpus = 2;
	f.load_cpus_busy = NAN; /* this host's CPUs carried no load */
	f.load_cpu_us = 2 * 0.95e6;
	f.cpu_us = 0.4e6;
	CHECK(!strcmp(limited_by(&f, NULL), "load_generator"), "agent 95%% busy: %s",
	      limited_by(&f, NULL));
	CHECK(strstr(explanation_text(&f), "load generator on client2: its 2 CPU(s) busy 95%"),
	      "verdict does not name the host: %s", explanation_text(&f));
	r = fired(&f, "client_bound", buf);
	CHECK(r && strstr(r->text, "on client2"), "client_bound does not name the host: %s",
	      r ? r->text : "(not fired)");
	account_cpu(&f, &a);
	CHECK(strstr(a.note, "loopback work is no longer in it"), "account note: '%s'", a.note);
	f.load_cpu_us = 2 * 0.5e6;
	CHECK(strcmp(limited_by(&f, NULL), "load_generator"), "agent 50%% busy: not the limit");
}

/* the CPUs busy, but with others' work: a shared machine, not the model */
static void verdict_shared_cpus(void)
{
	struct figures f;

	quiet(&f, "epoll");
	f.server_cpus_busy = 0.9;
	f.cpu_us = 0.4e6;
	CHECK(!strcmp(limited_by(&f, NULL), "shared_cpus"), "CPUs 90%% busy, the server 40%%");
	f.server_cpus_busy = 0.84;
	CHECK(!strcmp(limited_by(&f, NULL), "waiting") &&
		      strstr(explanation_text(&f), "other work took 44% of the server's CPUs"),
	      "84%% busy is not saturated, and the others' share is said: %s",
	      explanation_text(&f));
}

/* the user's load tool (--load-cmd), by the rule that serves ours */
static void verdict_load_tool(void)
{
	struct figures f;
	double cap = NAN;

	quiet(&f, "epoll");
	snprintf(f.load_tool, sizeof(f.load_tool), "locust");
	f.load_procs = 1;
	f.load_threads = 11;
	f.load_cpus = 1;
	f.load_cpu_us = 0.99e6;
	f.cpu_us = 0.31e6;
	f.server_cpus_busy = 0.35;
	CHECK(!strcmp(limited_by(&f, &cap), "load_generator") && close_to(cap, 10000 / 0.99) &&
		      strstr(explanation_text(&f), "locust used 99% of its CPU (1 process, 11 "
						   "threads) while the server was 31% busy"),
	      "locust at 99%%: %s, capacity %g", explanation_text(&f), cap);
	/* its CPU shared: it used 40% and waited for the rest */
	f.load_cpu_us = 0.4e6;
	f.load_wanted_us = 0.95e6;
	CHECK(!strcmp(limited_by(&f, &cap), "load_generator") &&
		      strstr(explanation_text(&f), "wanted 95% of it") &&
		      close_to(cap, 10000 / 0.4),
	      "locust wanting 95%%: %s, capacity %g", explanation_text(&f), cap);
	f.load_wanted_us = 0.6e6;
	CHECK(strcmp(limited_by(&f, NULL), "load_generator"), "wanting 60%% is not saturated");
	/* one thread on two CPUs: its CPU is one of them */
	f.load_cpus = 2;
	f.load_threads = 1;
	f.load_cpu_us = 0.9e6;
	CHECK(!strcmp(limited_by(&f, NULL), "load_generator") &&
		      strstr(explanation_text(&f), "used 90% of its CPU (1 process, 1 thread)"),
	      "one thread at 90%%: %s", explanation_text(&f));

	/* 300 users kept alive, 190 requests/s, answered in 5 ms: thinking
	 * 1.57 s, on a server CPU busy with others' work */
	quiet(&f, "epoll");
	snprintf(f.load_tool, sizeof(f.load_tool), "locust");
	f.load_cpu_us = 0.2e6;
	f.connections = 300;
	f.keep_alive = true;
	f.requests = f.rps = 190;
	f.mean_us = 5000;
	f.cpu_us = 0.01e6;
	f.server_cpus_busy = 0.95;
	CHECK(!strcmp(limited_by(&f, &cap), "offered_load") && close_to(cap, 190) &&
		      strstr(explanation_text(&f), "waited about 1.57 s"),
	      "users thinking: %s, capacity %g", explanation_text(&f), cap);
	/* answered in 1 s: not thinking but queueing */
	f.mean_us = 1e6;
	CHECK(strcmp(limited_by(&f, NULL), "offered_load"), "a 1 s answer is not think time");

	/* Artillery's arrivals: 60 connections, one a request, 14 a second,
	 * answered in 31 ms: 0.43 in flight */
	f.keep_alive = false;
	f.connections = 60;
	f.requests = f.rps = 14;
	f.mean_us = 31000;
	CHECK(!strcmp(limited_by(&f, &cap), "offered_load") && close_to(cap, 14) &&
		      strstr(explanation_text(&f), "0.43 request(s) in flight"),
	      "arrivals: %s", explanation_text(&f));
	f.mean_us = 100000;
	CHECK(strcmp(limited_by(&f, NULL), "offered_load"), "1.4 in flight: not paced");
}

static void verdict_offered_load(void)
{
	struct finding buf[FINDINGS_MAX];
	struct figures f;
	double cap = NAN;

	quiet(&f, "fork");
	f.rate_target = 10000 / 0.95;
	CHECK(!strcmp(limited_by(&f, &cap), "offered_load") && close_to(cap, f.rate_target),
	      "95%% of the rate asked is what was asked");
	f.rate_target = 10000 / 0.949;
	CHECK(strcmp(limited_by(&f, NULL), "offered_load"), "94.9%% of it is not");

	quiet(&f, "io_uring");
	f.users = 10000;
	f.think_mean_s = 1.5;
	f.mean_us = 1000;
	CHECK(!strcmp(limited_by(&f, &cap), "offered_load") && close_to(cap, 10000 / 1.501),
	      "users thinking: %s, capacity %g", limited_by(&f, NULL), cap);
	f.cpu_us = 0.3e6;
	CHECK(!fired(&f, "cpu_idle", buf), "an idle CPU under users is not 'set by waiting'");
	f.cpu_us = 0.7e6;
	f.cpu_us = f.server_cpus_busy = 0.9e6;
	CHECK(!strcmp(limited_by(&f, NULL), "server_cpu"), "users, the CPU saturated");
}

static void verdict_blocked_or_serial(void)
{
	struct figures f;
	double cap = NAN;

	quiet(&f, "epoll");
	synthetic_syscall(&f, "nanosleep", 10000, 10000 * 1100.0);
	CHECK(!strcmp(limited_by(&f, &cap), "blocked_loop") && close_to(cap, 1e6 / 1100),
	      "a loop blocked 1.1 ms per request: %s, capacity %g", limited_by(&f, NULL), cap);

	quiet(&f, "blocking");
	CHECK(!strcmp(limited_by(&f, &cap), "serial_serving") && close_to(cap, 100),
	      "one of 100 kept-alive connections, 10 ms apart: %s, capacity %g",
	      limited_by(&f, NULL), cap);
	f.connections = 1;
	CHECK(strcmp(limited_by(&f, NULL), "serial_serving"), "one connection is not serial");
	f.connections = 100;
	/* kept alive by the load, but the server closed each: it answered
	 * every client in turn, not one */
	f.connects = 0.49 * f.requests;
	CHECK(!strcmp(limited_by(&f, NULL), "serial_serving"), "0.49 connections a request");
	f.connects = 0.5 * f.requests;
	CHECK(strcmp(limited_by(&f, NULL), "serial_serving"), "0.50 connections a request");
	f.connects = NAN;
	f.keep_alive = false;
	CHECK(strcmp(limited_by(&f, NULL), "serial_serving"),
	      "with a connection per request, serving in turn is not the limit by itself");
}

static void verdict_accept_queue_or_waiting(void)
{
	struct figures f;
	double cap = NAN;

	quiet(&f, "fork");
	f.listen_overflows = 5;
	f.p99_us = 1.1e6;
	CHECK(!strcmp(limited_by(&f, NULL), "accept_queue"), "drops and a tail past 1 s");
	f.p99_us = 0.8e6;
	CHECK(!strcmp(limited_by(&f, &cap), "waiting") && close_to(cap, 100 * 1e6 / 10000),
	      "drops, but no retry in the tail: %s", limited_by(&f, NULL));
	f.requests = 0;
	CHECK(!strcmp(limited_by(&f, NULL), "nothing_answered"), "no answer");
}

/* Rates within the runs' noise are a tie, said as one; beyond it, a rank. */
static void ranking_ties_within_noise(void)
{
	struct explanation a, b;
	const struct explanation *both[] = { &b, &a };
	struct ranking r;
	char text[2048] = "";
	FILE *f;

	synthetic_healthy(&a.fig, "io_uring");
	synthetic_healthy(&b.fig, "fork");
	a.fig.rps = 5523;
	b.fig.rps = 5438; /* 1.5% apart */
	a.nfindings = b.nfindings = 0;
	explain_ranking(both, 2, &r);
	f = fmemopen(text, sizeof(text) - 1, "w");
	print_ranking(f, &r);
	fclose(f);
	CHECK(r.entries[1].tie && r.entries[0].tie && close_to(r.entries[1].noise, RANK_NOISE_MIN),
	      "1.5%% apart, no noise measured: a tie at the 3%% floor");
	CHECK(strstr(text, "io_uring: fastest, tied, 5523 requests/s") &&
		      strstr(text, "fork: a tie with io_uring in requests/s (0.98x, within the "
				   "noise of ±3%)"),
	      "ranking: %s", text);
	/* a noisier run widens what is a tie: 6% apart, 8% noise */
	b.fig.rps = 5200;
	b.fig.rps_noise = 0.08;
	explain_ranking(both, 2, &r);
	CHECK(r.entries[1].tie && close_to(r.entries[1].noise, 0.08), "6%% apart, ±8%%");
	/* beyond the noise: ranked */
	b.fig.rps = 5000;
	explain_ranking(both, 2, &r);
	CHECK(!r.entries[1].tie && !r.entries[0].tie, "9.5%% apart, ±8%%: ranked");
}

static const struct test_case cases[] = {
	TEST(healthy_run_has_no_complaint),
	TEST(head_of_line_blocking),
	TEST(accept_queue_full),
	TEST(process_and_thread_creation),
	TEST(blocked_event_loop),
	TEST(scheduler_pressure),
	TEST(syscall_batching),
	TEST(batching_words_fit_numbers),
	TEST(cpu_bound_or_waiting),
	TEST(client_or_server_bound),
	TEST(nothing_answered),
	TEST(ranking_names_the_differing_rules),
	TEST(ranking_ties_within_noise),
	TEST(figures_survive_json),
	TEST(verdict_server_or_client_cpu),
	TEST(verdict_shared_cpus),
	TEST(verdict_load_host_saturated),
	TEST(verdict_offered_load),
	TEST(verdict_load_tool),
	TEST(verdict_blocked_or_serial),
	TEST(verdict_accept_queue_or_waiting),
};

TEST_MAIN(cases)
