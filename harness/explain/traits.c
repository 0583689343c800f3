// SPDX-License-Identifier: MIT
/*
 * What a server is, inferred from what the kernel measured of it rather
 * than from its name: what it creates per connection (the sched probe's
 * counts), whether a task waits on many connections at once (the syscalls
 * that do), and whether it serves one connection at a time (connections
 * never answered, or the time account). A trait whose figures were not
 * measured is unknown, never guessed.
 */
#include "harness/explain/explain.h"
#include "common/units.h"
#include "harness/explain/say.h"

#include <stdio.h>
#include <string.h>

/* the calls that wait on many connections at once */
const char *const WAIT_CALLS[] = { "epoll_wait", "epoll_pwait", "epoll_pwait2",	  "poll", "ppoll",
				   "select",	 "pselect6",	"io_uring_enter", NULL };
/* the calls a task waits in for a child process, or a thread, to end */
static const char *const REAPS[] = { "wait4", "waitid", NULL };
static const char *const JOINS[] = { "futex", NULL };

/* each trait's name in results.json and in words */
static const struct {
	const char *name, *words;
} TRAIT_NAMES[TRAITS] = {
	[TRAIT_PROCESS_PER_CONNECTION] = { "process_per_connection", "a process per connection" },
	[TRAIT_THREAD_PER_CONNECTION] = { "thread_per_connection", "a thread per connection" },
	[TRAIT_POOL] = { "pool", "a pool" },
	[TRAIT_EVENT_LOOP] = { "event_loop", "an event loop" },
	[TRAIT_SERIAL] = { "serial", "serial" },
	[TRAIT_CLOSES_EACH] = { "closes_each", "closing after each response" },
};

const char *trait_name(enum trait t)
{
	return t < TRAITS ? TRAIT_NAMES[t].name : "?";
}

const char *trait_words(enum trait t)
{
	return t < TRAITS ? TRAIT_NAMES[t].words : "?";
}

/* the calls that take a connection from the accept queue */
static const char *const ACCEPTS[] = { "accept", "accept4", NULL };

/* Connections the server took: the accept queue's enqueues (or its accept
 * calls, when fewer: a server that serves one at a time leaves the rest
 * queued), else the load's (kept alive: its connections; else one a
 * request). */
static double accepted(const struct figures *f, const char **name)
{
	double calls = figures_syscall_calls(f, ACCEPTS);

	if (known(f->aq_enqueues) && f->aq_enqueues > 0) {
		*name = "aq_enqueues";
		if (calls > 0 && calls < f->aq_enqueues) {
			*name = "accept_calls";
			return calls;
		}
		return f->aq_enqueues;
	}
	*name = f->keep_alive ? "connections" : "requests";
	return f->keep_alive ? f->connections : f->requests;
}

/* Tasks alive at once: the most counted, else the time account's lives
 * over the window (NAN: neither measured). */
static double tasks_alive(const struct figures *f, const char **name)
{
	*name = "max_threads";
	if (known(f->max_threads))
		return f->max_threads;
	*name = "tasks_alive";
	if (!known(f->life_us) || f->duration_s <= 0)
		return NAN;
	return f->life_us / (f->duration_s * 1e6);
}

/* Time the tasks spent blocked in any of the calls (NAN: not accounted). */
static double blocked_in(const struct figures *f, const char *const names[])
{
	double sum = 0;

	if (!known(f->blocked_us))
		return NAN;
	for (int i = 0; names[i]; i++) {
		const struct syscall_figure *s = figures_syscall(f, names[i]);

		if (s && known(s->blocked_us))
			sum += s->blocked_us;
	}
	return sum;
}

static void unknown(struct trait_finding *o, enum trait t, const char *missing)
{
	o->is = TRAIT_UNKNOWN;
	say(&o->why, trait_name(t), "high", "%s: unknown, %s not measured", trait_words(t),
	    missing);
	cite(&o->why, missing, NAN);
}

/* the calls that create a process or a thread */
static const char *const CLONES[] = { "clone", "clone3", "fork", "vfork", NULL };

/*
 * Tasks of one kind created in the window: the sched probe's count, or its
 * clone calls when more and the probe saw none of the other kind (a fork
 * whose tracepoint never ran: this VM's kernel misses one now and then);
 * *figure names the count taken.
 */
static double created_of(const struct figures *f, double created, double other, const char **figure)
{
	double clones = figures_syscall_calls(f, CLONES);

	if (known(created) && created > 0 && other == 0 && clones > created) {
		*figure = "clone_calls";
		return clones;
	}
	return created;
}

static void per_connection(const struct figures *f, struct trait_finding *o, enum trait t,
			   double created, double other, const char *figure)
{
	const char *conns_name;
	double conns = accepted(f, &conns_name), per;
	char a[32], b[32];

	created = created_of(f, created, other, &figure);

	if (!known(created)) {
		unknown(o, t, figure);
		return;
	}
	if (!(conns > 0)) {
		unknown(o, t, conns_name);
		return;
	}
	per = created / conns;
	o->is = per >= TRAIT_PER_CONNECTION ? TRAIT_YES : TRAIT_NO;
	say(&o->why, trait_name(t), "high", "%s%s (%.2f created a connection: %s for %s)",
	    o->is == TRAIT_YES ? "" : "not ", trait_words(t), per, fmt_count(a, 32, created),
	    fmt_count(b, 32, conns));
	cite(&o->why, figure, created);
	cite(&o->why, conns_name, conns);
	cite(&o->why, "created_per_connection", per);
}

static bool creates(const struct inferred_traits *t)
{
	return t->t[TRAIT_PROCESS_PER_CONNECTION].is == TRAIT_YES ||
	       t->t[TRAIT_THREAD_PER_CONNECTION].is == TRAIT_YES;
}

static bool per_connection_known(const struct inferred_traits *t)
{
	return t->t[TRAIT_PROCESS_PER_CONNECTION].is != TRAIT_UNKNOWN &&
	       t->t[TRAIT_THREAD_PER_CONNECTION].is != TRAIT_UNKNOWN;
}

/* Tasks alive, none created per connection: they were there before. */
static void pool(const struct figures *f, const struct inferred_traits *t, struct trait_finding *o)
{
	const char *alive_name;
	double alive = tasks_alive(f, &alive_name);

	if (!per_connection_known(t)) {
		unknown(o, TRAIT_POOL, "procs_created");
		return;
	}
	if (creates(t)) {
		o->is = TRAIT_NO;
		say(&o->why, "pool", "high", "not a pool: a task created per connection");
		cite(&o->why, "procs_created", f->procs_created);
		cite(&o->why, "threads_created", f->threads_created);
		return;
	}
	if (!known(alive)) {
		unknown(o, TRAIT_POOL, alive_name);
		return;
	}
	o->is = alive >= TRAIT_TASKS_MANY ? TRAIT_YES : TRAIT_NO;
	if (o->is == TRAIT_YES)
		say(&o->why, "pool", "medium",
		    "a pool (%.2f tasks alive, none created a connection)", alive);
	else
		say(&o->why, "pool", "medium", "not a pool (%.2f tasks alive)", alive);
	cite(&o->why, alive_name, alive);
	cite(&o->why, "procs_created", f->procs_created);
	cite(&o->why, "threads_created", f->threads_created);
}

/*
 * A task that waits in epoll_wait (or poll, select, io_uring_enter) for
 * many connections: such calls, and many connections to each task. A
 * process per connection that polls its listener is not one (a connection
 * a task), nor a serial server that polls now and then (more requests per
 * call than the connections in flight could bring).
 */
static void event_loop(const struct figures *f, struct trait_finding *o)
{
	const char *conns_name;
	double waits = figures_syscall_calls(f, WAIT_CALLS);
	double tasks = 1 + f->procs_created + f->threads_created;
	double per_task = accepted(f, &conns_name) / tasks;
	double per_wait = waits > 0 ? f->requests / waits : NAN;

	if (!known(waits)) {
		unknown(o, TRAIT_EVENT_LOOP, "syscalls");
		return;
	}
	if (!known(tasks)) {
		unknown(o, TRAIT_EVENT_LOOP, "procs_created");
		return;
	}
	if (!(waits > 0)) {
		o->is = TRAIT_NO;
		say(&o->why, "event_loop", "high",
		    "not an event loop (no call that waits on many connections)");
	} else if (!(per_task >= TRAIT_CONNS_PER_TASK)) {
		o->is = TRAIT_NO;
		say(&o->why, "event_loop", "high", "not an event loop (%.2f connections a task)",
		    per_task);
	} else if (per_wait > TRAIT_REQUESTS_PER_WAIT * f->connections) {
		o->is = TRAIT_NO;
		say(&o->why, "event_loop", "medium",
		    "not an event loop (%.0f requests a wait call, more than its %d connections "
		    "bring)",
		    per_wait, f->connections);
	} else {
		o->is = TRAIT_YES;
		say(&o->why, "event_loop", "high",
		    "an event loop (%.2f wait calls a request, %.0f connections a task)",
		    per_request(f, waits), per_task);
	}
	cite(&o->why, "wait_calls", waits);
	cite(&o->why, "requests_per_wait", per_wait);
	cite(&o->why, "connections_per_task", per_task);
	cite(&o->why, "connections", f->connections);
}

/* Asked to keep connections alive, it closed them: a connection a request. */
static void closes_each(const struct figures *f, struct trait_finding *o)
{
	double per = f->connects / f->requests;
	char a[32], b[32];

	if (!f->keep_alive) {
		o->is = TRAIT_UNKNOWN;
		say(&o->why, "closes_each", "high",
		    "%s: unknown, the load asked for a connection per request",
		    trait_words(TRAIT_CLOSES_EACH));
		return;
	}
	if (!known(f->connects) || !(f->requests > 0)) {
		unknown(o, TRAIT_CLOSES_EACH, known(f->connects) ? "requests" : "connects");
		return;
	}
	o->is = per >= TRAIT_PER_CONNECTION ? TRAIT_YES : TRAIT_NO;
	say(&o->why, "closes_each", "high",
	    "%s (%.2f connections a request, kept alive by the load: %s for %s)",
	    o->is == TRAIT_YES ? "closing after each response" : "not closing after each response",
	    per, fmt_count(a, 32, f->connects), fmt_count(b, 32, f->requests));
	cite(&o->why, "connects", f->connects);
	cite(&o->why, "requests", f->requests);
	cite(&o->why, "connects_per_request", per);
}

/*
 * The time a server that creates a task per connection spent waiting for
 * them to end (wait4 for a process, futex for a thread's join), as a share
 * of the window (NAN: not accounted); *call names the wait.
 */
static double waited_share(const struct figures *f, const struct inferred_traits *t, double *waited,
			   const char **call)
{
	bool procs = t->t[TRAIT_PROCESS_PER_CONNECTION].is == TRAIT_YES;
	double share;

	*call = procs ? "wait4" : "futex";
	*waited = blocked_in(f, procs ? REAPS : JOINS);
	share = f->duration_s > 0 ? *waited / (f->duration_s * 1e6) : NAN;
	/* the probes' window holds the load's, and is a little longer */
	return share > 1 ? 1 : share;
}

/* Kept alive, a serial server answers one connection and starves the rest;
 * one that creates a task for it waits for that task to end. */
static void serial_by_starved(const struct figures *f, const struct inferred_traits *t,
			      struct trait_finding *o)
{
	double answered = f->connections - f->starved, waited = NAN, share = NAN;
	const char *call = "";
	char pct[16], waits[96] = "";

	o->is = answered <= 1 ? TRAIT_YES : TRAIT_NO;
	if (o->is == TRAIT_YES && creates(t))
		share = waited_share(f, t, &waited, &call);
	if (known(share))
		snprintf(waits, sizeof(waits),
			 "; the server waited in %s %s of the window for it to end", call,
			 fmt_pct(pct, 16, share));
	say(&o->why, "serial", "high", "%s (%.0f of %d connections starved%s)",
	    o->is == TRAIT_YES ? "serial" : "not serial", f->starved, f->connections, waits);
	cite(&o->why, "starved", f->starved);
	cite(&o->why, "connections", f->connections);
	cite(&o->why, "aq_max", f->aq_max);
	if (known(share)) {
		cite(&o->why, "blocked_us", waited);
		cite(&o->why, "window_share", share);
	}
}

/* A task per connection, each waited out before the next (wait4, join). */
static void serial_by_waits(const struct figures *f, const struct inferred_traits *t,
			    struct trait_finding *o)
{
	const char *call;
	double waited, share = waited_share(f, t, &waited, &call);
	char pct[16];

	if (!known(share)) {
		unknown(o, TRAIT_SERIAL, "blocked_us");
		return;
	}
	o->is = share >= TRAIT_WAITS_OUT ? TRAIT_YES : TRAIT_NO;
	say(&o->why, "serial", "medium", "%s (%s waiting in %s for each to end)",
	    o->is == TRAIT_YES ? "serial" : "not serial", fmt_pct(pct, 16, share), call);
	cite(&o->why, "blocked_us", waited);
	cite(&o->why, "window_share", share);
}

/* Enough connections accepted, each followed to its close, to tell. */
static bool accepts_tell(const struct figures *f)
{
	return known(f->accepted_conns) && known(f->accepted_beside) &&
	       f->accepted_conns >= TRAIT_ACCEPTS_MIN;
}

static double beside_share(const struct figures *f)
{
	return f->accepted_beside / f->accepted_conns;
}

/*
 * A task per connection, and the next connection accepted only once the
 * last is closed, the server waiting in wait4 or futex (join) meanwhile:
 * each waited out. Neither alone: tasks that end before the next
 * connection comes leave none open, waited for or not, and a join's futex
 * is also where Python's threads wait for their lock (the GIL).
 */
static void serial_by_accepts(const struct figures *f, const struct inferred_traits *t,
			      struct trait_finding *o)
{
	const char *call_of;
	double share = beside_share(f), waited, window = waited_share(f, t, &waited, &call_of);
	char a[32], b[32], pct[16], w[16], counted[160];

	snprintf(counted, sizeof(counted),
		 "%s of %s connections accepted while another it had accepted was open, %s",
		 fmt_count(a, 32, f->accepted_beside), fmt_count(b, 32, f->accepted_conns),
		 fmt_pct(pct, 16, share));
	if (share >= TRAIT_BESIDE_SERIAL) {
		o->is = TRAIT_NO;
		say(&o->why, "serial", "high", "not serial (%s)", counted);
	} else if (!known(window)) {
		unknown(o, TRAIT_SERIAL, "blocked_us");
		return;
	} else if (window >= TRAIT_WAITED_SOME) {
		o->is = TRAIT_YES;
		say(&o->why, "serial", "high",
		    "serial (%s; it waited in %s %s of the window for each to end)", counted,
		    call_of, fmt_pct(w, 16, window));
	} else {
		o->is = TRAIT_NO;
		say(&o->why, "serial", "medium",
		    "not serial (%s, but it waited in %s only %s of the window: each ended before "
		    "the next came)",
		    counted, call_of, fmt_pct(w, 16, window));
	}
	cite(&o->why, "accepted_conns", f->accepted_conns);
	cite(&o->why, "accepted_beside", f->accepted_beside);
	cite(&o->why, "beside_share", share);
	if (known(window)) {
		cite(&o->why, "blocked_us", waited);
		cite(&o->why, "window_share", window);
	}
}

/* One task that waits in no call on many connections serves one at a time. */
static void serial_by_tasks(const struct figures *f, const struct inferred_traits *t,
			    struct trait_finding *o)
{
	const char *alive_name;
	double alive = tasks_alive(f, &alive_name);

	if (t->t[TRAIT_EVENT_LOOP].is == TRAIT_YES) {
		o->is = TRAIT_NO;
		say(&o->why, "serial", "medium", "not serial (an event loop)");
		cite(&o->why, "wait_calls", figures_syscall_calls(f, WAIT_CALLS));
		return;
	}
	if (t->t[TRAIT_EVENT_LOOP].is == TRAIT_UNKNOWN) {
		unknown(o, TRAIT_SERIAL, "syscalls");
		return;
	}
	if (!known(alive)) {
		unknown(o, TRAIT_SERIAL, alive_name);
		return;
	}
	o->is = alive < TRAIT_TASKS_MANY ? TRAIT_YES : TRAIT_NO;
	say(&o->why, "serial", "medium", "%s (%.2f tasks alive, none an event loop)",
	    o->is == TRAIT_YES ? "serial" : "not serial", alive);
	cite(&o->why, alive_name, alive);
}

static void serial(const struct figures *f, const struct inferred_traits *t,
		   struct trait_finding *o)
{
	if (!(f->requests > 0)) {
		unknown(o, TRAIT_SERIAL, "requests");
		return;
	}
	/* a server closing each connection starves none, serial or not */
	if (f->keep_alive && f->connections >= 2 && known(f->starved) &&
	    t->t[TRAIT_CLOSES_EACH].is != TRAIT_YES) {
		serial_by_starved(f, t, o);
		return;
	}
	if (!per_connection_known(t)) {
		unknown(o, TRAIT_SERIAL, "procs_created");
		return;
	}
	/* a thread's connection is closed by the thread; a child process's
	 * parent may keep its copy open until its next accept (Python's socket
	 * object does), and only its wait4 tells then */
	if (creates(t) && accepts_tell(f) &&
	    (beside_share(f) < TRAIT_BESIDE_SERIAL ||
	     t->t[TRAIT_THREAD_PER_CONNECTION].is == TRAIT_YES)) {
		serial_by_accepts(f, t, o);
		return;
	}
	if (creates(t)) {
		serial_by_waits(f, t, o);
		return;
	}
	serial_by_tasks(f, t, o);
}

void infer_traits(const struct figures *f, struct inferred_traits *out)
{
	memset(out, 0, sizeof(*out));
	per_connection(f, &out->t[TRAIT_PROCESS_PER_CONNECTION], TRAIT_PROCESS_PER_CONNECTION,
		       f->procs_created, f->threads_created, "procs_created");
	per_connection(f, &out->t[TRAIT_THREAD_PER_CONNECTION], TRAIT_THREAD_PER_CONNECTION,
		       f->threads_created, f->procs_created, "threads_created");
	pool(f, out, &out->t[TRAIT_POOL]);
	event_loop(f, &out->t[TRAIT_EVENT_LOOP]);
	closes_each(f, &out->t[TRAIT_CLOSES_EACH]);
	serial(f, out, &out->t[TRAIT_SERIAL]);
}

bool inferred_traits_as(const struct inferred_traits *t, struct traits *out)
{
	for (int i = 0; i < TRAITS; i++)
		if (i != TRAIT_POOL && i != TRAIT_CLOSES_EACH && t->t[i].is == TRAIT_UNKNOWN)
			return false;
	out->event_loop = t->t[TRAIT_EVENT_LOOP].is == TRAIT_YES;
	out->serial = t->t[TRAIT_SERIAL].is == TRAIT_YES;
	out->per_connection =
		t->t[TRAIT_PROCESS_PER_CONNECTION].is == TRAIT_YES  ? PER_CONNECTION_PROCESS
		: t->t[TRAIT_THREAD_PER_CONNECTION].is == TRAIT_YES ? PER_CONNECTION_THREAD
								    : PER_CONNECTION_NOTHING;
	return true;
}
