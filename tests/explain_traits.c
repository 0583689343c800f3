// SPDX-License-Identifier: MIT
/*
 * A server's traits inferred from synthetic figures: each threshold at its
 * edges, each trait unknown when its figures were not measured, and the
 * shapes of the five models inferred as the catalog states them.
 */
#include "tests/lib/check.h"
#include "tests/lib/synthetic.h"
#include "harness/explain/explain.h"
#include "harness/record/catalog.h"

#include <string.h>

static enum trait_state trait_of(const struct figures *f, enum trait t)
{
	struct inferred_traits it;

	infer_traits(f, &it);
	return it.t[t].is;
}

static double evidence_of(const struct figures *f, enum trait t, const char *name)
{
	struct inferred_traits it;

	infer_traits(f, &it);
	return finding_evidence(&it.t[t].why, name);
}

/* A server of one task: nothing created, no wait call, 100 kept alive. */
static void one_task(struct figures *f)
{
	synthetic_healthy(f, "blocking");
	synthetic_syscall(f, "recvfrom", 10000, 100000);
}

/* One event loop under throughput: 0.2 waits a request. */
static void loop(struct figures *f)
{
	synthetic_healthy(f, "epoll");
	synthetic_syscall(f, "epoll_wait", 2000, 100000);
}

static void created_per_connection_at_the_edge(void)
{
	struct figures f;

	one_task(&f);
	f.procs_created = 50; /* of 100 enqueued */
	CHECK(trait_of(&f, TRAIT_PROCESS_PER_CONNECTION) == TRAIT_YES, "0.50 a connection");
	CHECK(evidence_of(&f, TRAIT_PROCESS_PER_CONNECTION, "created_per_connection") == 0.5,
	      "the share cited");
	CHECK(evidence_of(&f, TRAIT_PROCESS_PER_CONNECTION, "aq_enqueues") == 100,
	      "the connections cited");
	f.procs_created = 49;
	CHECK(trait_of(&f, TRAIT_PROCESS_PER_CONNECTION) == TRAIT_NO, "0.49 a connection");
	f.procs_created = 0;
	f.threads_created = 50;
	CHECK(trait_of(&f, TRAIT_THREAD_PER_CONNECTION) == TRAIT_YES, "threads 0.50");
	CHECK(trait_of(&f, TRAIT_PROCESS_PER_CONNECTION) == TRAIT_NO, "and no process");
	f.threads_created = 49;
	CHECK(trait_of(&f, TRAIT_THREAD_PER_CONNECTION) == TRAIT_NO, "threads 0.49");
	/* no accept queue measured, a connection a request: the requests count */
	f.aq_enqueues = NAN;
	f.keep_alive = false;
	f.threads_created = 5000;
	CHECK(trait_of(&f, TRAIT_THREAD_PER_CONNECTION) == TRAIT_YES, "5 000 for 10 000 requests");
	CHECK(evidence_of(&f, TRAIT_THREAD_PER_CONNECTION, "requests") == 10000, "requests cited");
	f.threads_created = 4999;
	CHECK(trait_of(&f, TRAIT_THREAD_PER_CONNECTION) == TRAIT_NO, "4 999 for 10 000");
}

static void event_loop_at_the_edges(void)
{
	struct figures f;

	loop(&f);
	CHECK(trait_of(&f, TRAIT_EVENT_LOOP) == TRAIT_YES, "one loop, 0.2 waits a request");
	CHECK(evidence_of(&f, TRAIT_EVENT_LOOP, "wait_calls") == 2000, "its waits cited");
	/* connections a task: 100 over 1 + 49 tasks is 2.00; over 1 + 50, 1.96 */
	f.threads_created = 49;
	CHECK(trait_of(&f, TRAIT_EVENT_LOOP) == TRAIT_YES, "2.00 connections a task");
	f.threads_created = 50;
	CHECK(trait_of(&f, TRAIT_EVENT_LOOP) == TRAIT_NO, "1.96 connections a task");
	/* requests a wait: 10 000 over 50 is twice the 100 connections; over 49, more */
	loop(&f);
	f.sys[0].calls = 50;
	CHECK(trait_of(&f, TRAIT_EVENT_LOOP) == TRAIT_YES, "200 requests a wait");
	f.sys[0].calls = 49;
	CHECK(trait_of(&f, TRAIT_EVENT_LOOP) == TRAIT_NO, "204 requests a wait");
	/* any of the calls that wait on many */
	one_task(&f);
	CHECK(trait_of(&f, TRAIT_EVENT_LOOP) == TRAIT_NO, "no wait call");
	synthetic_syscall(&f, "io_uring_enter", 5000, 1000);
	CHECK(trait_of(&f, TRAIT_EVENT_LOOP) == TRAIT_YES, "io_uring_enter");
}

static void serial_by_starved_connections(void)
{
	struct figures f;

	one_task(&f);
	f.starved = 99; /* one of 100 answered */
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_YES, "99 of 100 starved");
	CHECK(evidence_of(&f, TRAIT_SERIAL, "starved") == 99, "starved cited");
	f.starved = 98;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_NO, "98 of 100 starved: two served");
	/* an event loop that starves none */
	loop(&f);
	f.starved = 0;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_NO, "none starved");
	/* nothing answered at all: stuck, not serial */
	f.requests = 0;
	f.starved = 100;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_UNKNOWN, "no answer");
}

/*
 * Seed 000's thread joined before the next accept, under users: of 50
 * users, 7 reached the accept queue and one was taken (one accept call),
 * its thread created; the server waited in its join all the window.
 */
static void joined_thread_serial_and_waiting(void)
{
	struct figures f;

	one_task(&f);
	f.connections = 50;
	f.starved = 49;
	f.aq_enqueues = 7;
	f.threads_created = 1;
	synthetic_syscall(&f, "accept4", 1, 10);
	f.life_us = 2e6;
	f.blocked_us = 1.9e6;
	synthetic_syscall(&f, "futex", 1, 0.98e6)->blocked_us = 0.98e6;
	CHECK(trait_of(&f, TRAIT_THREAD_PER_CONNECTION) == TRAIT_YES,
	      "a thread for the one connection it took");
	CHECK(evidence_of(&f, TRAIT_THREAD_PER_CONNECTION, "accept_calls") == 1,
	      "the connections taken: its accept calls, fewer than those enqueued");
	CHECK(trait_of(&f, TRAIT_POOL) == TRAIT_NO, "not a pool");
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_YES, "serial");
	CHECK(evidence_of(&f, TRAIT_SERIAL, "window_share") == 0.98, "its join's wait cited");
	/* a fork the sched probe missed: its 3 clone calls, of 3 accepted */
	synthetic_syscall(&f, "accept4", 3, 10);
	synthetic_syscall(&f, "clone3", 3, 90);
	CHECK(trait_of(&f, TRAIT_THREAD_PER_CONNECTION) == TRAIT_YES &&
		      evidence_of(&f, TRAIT_THREAD_PER_CONNECTION, "clone_calls") == 3,
	      "1 thread seen created, 3 clone calls, 3 accepted");
	f.threads_created = 0; /* the kind not known: not guessed */
	CHECK(trait_of(&f, TRAIT_THREAD_PER_CONNECTION) == TRAIT_NO, "none seen created");
}

static void serial_by_tasks_alive(void)
{
	struct figures f;

	/* a connection a request: nothing starves, the time account tells */
	one_task(&f);
	f.keep_alive = false;
	f.starved = 0;
	f.life_us = 1.74e6; /* in a window of 1 s */
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_YES, "1.74 tasks alive");
	CHECK(trait_of(&f, TRAIT_POOL) == TRAIT_NO, "1.74 tasks: no pool");
	CHECK(evidence_of(&f, TRAIT_SERIAL, "tasks_alive") == 1.74, "tasks cited");
	f.life_us = 1.75e6;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_NO, "1.75 tasks alive");
	CHECK(trait_of(&f, TRAIT_POOL) == TRAIT_YES, "1.75 tasks: a pool");
	/* the most alive at once, when counted, over the average */
	f.max_threads = 8;
	f.life_us = 1e6;
	CHECK(trait_of(&f, TRAIT_POOL) == TRAIT_YES, "8 threads at once");
	CHECK(evidence_of(&f, TRAIT_POOL, "max_threads") == 8, "max_threads cited");
	/* one task, but an event loop */
	loop(&f);
	f.keep_alive = false;
	f.life_us = 1e6;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_NO, "an event loop is not serial");
}

static void serial_by_waiting_each_out(void)
{
	struct figures f;

	one_task(&f);
	f.keep_alive = false;
	f.procs_created = 100;
	f.blocked_us = 0.6e6;
	synthetic_syscall(&f, "wait4", 100, 0.5e6)->blocked_us = 0.5e6;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_YES, "50%% of the window in wait4");
	f.sys[1].blocked_us = 0.49e6;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_NO, "49%% in wait4");
	/* threads are joined in futex; wait4 does not count for them */
	f.procs_created = 0;
	f.threads_created = 100;
	f.sys[1].blocked_us = 0.9e6;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_NO, "threads, wait4");
	synthetic_syscall(&f, "futex", 100, 0.5e6)->blocked_us = 0.5e6;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_YES, "threads, 50%% in futex");
	f.blocked_us = NAN;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_UNKNOWN, "no time account");
}

static const char *serial_text(const struct figures *f)
{
	static struct inferred_traits it;

	infer_traits(f, &it);
	return it.t[TRAIT_SERIAL].why.text;
}

/*
 * A thread per connection, 100 connections accepted (each request one) in
 * a window of 1 s: serial when fewer than 5% were accepted while another
 * was open and it waited in futex at least 10% of the window; whatever
 * share of the window its futex took when more overlap (Python's threads
 * wait for their lock there too). Too few accepts: the waits alone tell.
 */
static void serial_by_accepts_at_the_edges(void)
{
	struct figures f;

	one_task(&f);
	f.keep_alive = false;
	f.threads_created = 100;
	f.accepted_conns = 100;
	f.accepted_beside = 4;
	f.blocked_us = 0.6e6;
	synthetic_syscall(&f, "futex", 100, 0.1e6)->blocked_us = 0.1e6;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_YES &&
		      strstr(serial_text(&f), "4 of 100 connections accepted while another") &&
		      strstr(serial_text(&f), "waited in futex 10% of the window"),
	      "4%% beside, 10%% in futex: %s", serial_text(&f));
	CHECK(evidence_of(&f, TRAIT_SERIAL, "beside_share") == 0.04 &&
		      evidence_of(&f, TRAIT_SERIAL, "window_share") == 0.1,
	      "the shares cited");
	f.accepted_beside = 5;
	f.sys[1].blocked_us = 0.9e6;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_NO && strstr(serial_text(&f), "not serial (5 of"),
	      "5%% beside, 90%% in futex: %s", serial_text(&f));
	f.accepted_beside = 4;
	f.sys[1].blocked_us = 0.099e6;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_NO &&
		      strstr(serial_text(&f), "each ended before the next came"),
	      "4%% beside, 9.9%% in futex: %s", serial_text(&f));
	f.blocked_us = NAN;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_UNKNOWN, "no time account: %s", serial_text(&f));
	f.blocked_us = 0.6e6;
	f.accepted_conns = 9;
	f.accepted_beside = 9;
	f.sys[1].blocked_us = 0.5e6;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_YES &&
		      strstr(serial_text(&f), "waiting in futex for each to end"),
	      "9 accepts: by its waits: %s", serial_text(&f));
	/* a process per connection whose parent held each connection to its
	 * next accept: all beside, and its wait4 tells */
	f.threads_created = 0;
	f.procs_created = 100;
	f.accepted_conns = f.accepted_beside = 100;
	synthetic_syscall(&f, "wait4", 100, 0.5e6)->blocked_us = 0.5e6;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_YES &&
		      strstr(serial_text(&f), "waiting in wait4 for each to end"),
	      "processes, all beside, 50%% in wait4: %s", serial_text(&f));
	f.accepted_beside = 0;
	f.sys[2].blocked_us = 0.1e6;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_YES &&
		      strstr(serial_text(&f), "0 of 100 connections"),
	      "processes, none beside, 10%% in wait4: %s", serial_text(&f));
}

static void unmeasured_is_unknown(void)
{
	struct figures f;
	struct inferred_traits it;

	loop(&f);
	f.procs_created = f.threads_created = NAN;
	infer_traits(&f, &it);
	for (int t = 0; t < TRAITS; t++)
		CHECK(it.t[t].is == TRAIT_UNKNOWN, "%s without sched", trait_name(t));
	CHECK(strstr(it.t[TRAIT_POOL].why.text, "unknown"), "said: %s", it.t[TRAIT_POOL].why.text);
	CHECK(isnan(finding_evidence(&it.t[TRAIT_POOL].why, "procs_created")),
	      "the missing figure cited as unmeasured");
	loop(&f);
	f.syscalls = NAN;
	CHECK(trait_of(&f, TRAIT_EVENT_LOOP) == TRAIT_UNKNOWN, "without syscalls");
	f.keep_alive = false;
	f.starved = 0;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_UNKNOWN, "serial without syscalls");
	one_task(&f);
	f.keep_alive = false;
	f.starved = 0;
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_UNKNOWN, "serial without a time account");
	CHECK(trait_of(&f, TRAIT_POOL) == TRAIT_UNKNOWN, "pool without a time account");
	CHECK(!inferred_traits_as(&it, &(struct traits){ 0 }), "unknown, not the catalog's");
}

/* Each model's shape under throughput, as harness run measured them. */
static void models_as_the_catalog(void)
{
	static const char *const names[] = { "blocking", "fork", "pthread", "epoll", "io_uring" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const struct model *m = model_find(names[i]);
		struct inferred_traits it;
		struct traits t;
		struct figures f;

		synthetic_healthy(&f, names[i]);
		f.starved = 0;
		synthetic_syscall(&f, "recvfrom", 10000, 100000);
		if (m->traits.serial)
			f.starved = 99;
		if (m->traits.per_connection == PER_CONNECTION_PROCESS)
			f.procs_created = 112;
		if (m->traits.per_connection == PER_CONNECTION_THREAD)
			f.threads_created = 100;
		if (m->traits.event_loop)
			synthetic_syscall(&f, "epoll_wait", 2000, 100000);
		if (m->traits.per_connection == PER_CONNECTION_PROCESS)
			synthetic_syscall(&f, "poll", 137, 1000); /* its listener */
		infer_traits(&f, &it);
		if (!CHECK(inferred_traits_as(&it, &t), "%s: all known", names[i]))
			continue;
		CHECK(t.event_loop == m->traits.event_loop && t.serial == m->traits.serial &&
			      t.per_connection == m->traits.per_connection,
		      "%s inferred as loop %d serial %d per connection %d", names[i], t.event_loop,
		      t.serial, t.per_connection);
	}
}

/*
 * Seed 000's single-process server: the load keeps 100 connections alive,
 * the server closes each after its response. None starves, yet it is
 * serial: one task, no wait on many connections.
 */
static void closing_each_and_serial(void)
{
	struct figures f;
	struct inferred_traits it;

	one_task(&f);
	f.starved = 0;
	f.life_us = f.duration_s * 1e6; /* one task alive throughout */
	f.connects = 5000;		/* of 10 000 requests */
	infer_traits(&f, &it);
	CHECK(it.t[TRAIT_CLOSES_EACH].is == TRAIT_YES, "0.50 connections a request");
	CHECK(finding_evidence(&it.t[TRAIT_CLOSES_EACH].why, "connects_per_request") == 0.5,
	      "the ratio cited");
	CHECK(it.t[TRAIT_SERIAL].is == TRAIT_YES, "serial by its one task: %s",
	      it.t[TRAIT_SERIAL].why.text);
	f.connects = 4999;
	CHECK(trait_of(&f, TRAIT_CLOSES_EACH) == TRAIT_NO, "0.4999 a request");
	/* kept alive, none starved: not serial */
	CHECK(trait_of(&f, TRAIT_SERIAL) == TRAIT_NO, "kept alive, 0 of 100 starved");
	f.connects = 100;
	CHECK(trait_of(&f, TRAIT_CLOSES_EACH) == TRAIT_NO, "100 connections kept alive");
	f.connects = NAN;
	CHECK(trait_of(&f, TRAIT_CLOSES_EACH) == TRAIT_UNKNOWN, "connects not measured");
	f.keep_alive = false;
	f.connects = 10000;
	CHECK(trait_of(&f, TRAIT_CLOSES_EACH) == TRAIT_UNKNOWN, "the load asked to close");
	/* not a trait of the catalog's: the others decide */
	f.keep_alive = true;
	f.connects = NAN;
	infer_traits(&f, &it);
	CHECK(inferred_traits_as(&it, &(struct traits){ 0 }), "closes_each unknown blocks nothing");
}

static const struct test_case cases[] = {
	TEST(closing_each_and_serial),
	TEST(created_per_connection_at_the_edge),
	TEST(event_loop_at_the_edges),
	TEST(serial_by_starved_connections),
	TEST(joined_thread_serial_and_waiting),
	TEST(serial_by_tasks_alive),
	TEST(serial_by_waiting_each_out),
	TEST(serial_by_accepts_at_the_edges),
	TEST(unmeasured_is_unknown),
	TEST(models_as_the_catalog),
};

TEST_MAIN(cases)
