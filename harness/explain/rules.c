// SPDX-License-Identifier: MIT
#include "harness/explain/explain.h"
#include "common/units.h"
#include "harness/explain/say.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const CLONE_CALLS[] = { "clone", "clone3", "fork", "vfork", NULL };
static const char *const EPOLL_WAITS[] = { "epoll_wait", "epoll_pwait", "epoll_pwait2", NULL };
static const char *const URING_ENTERS[] = { "io_uring_enter", NULL };

/* ---- the rules: each fills o and returns true when its cause shows ---- */

static bool head_of_line(const struct figures *f, struct finding *o)
{
	char c[32], t[32], u[32], w[32];

	if (!f->traits.serial || f->connections < 2 || !known(f->aq_max))
		return false;
	if (f->keep_alive)
		say(o, "head_of_line", "high",
		    "one connection is served at a time, until it closes: with keep-alive the "
		    "first connection held the server while the other %d waited in the accept "
		    "queue (depth up to %.0f of %.0f); %s requests timed out and %s were still "
		    "unanswered at the end, after up to %s",
		    f->connections - 1, f->aq_max, f->aq_limit, fmt_count(t, 32, f->timeouts),
		    fmt_count(u, 32, f->unanswered), fmt_us(w, 32, f->unanswered_wait_us));
	else
		say(o, "head_of_line", "high",
		    "one connection is served at a time: while one request is served the other "
		    "%s clients wait in the accept queue (depth up to %.0f of %.0f at enqueue)",
		    fmt_count(c, 32, f->connections - 1), f->aq_max, f->aq_limit);
	cite(o, "connections", f->connections);
	cite(o, "aq_max", f->aq_max);
	cite(o, "aq_limit", f->aq_limit);
	cite(o, "timeouts", f->timeouts);
	cite(o, "unanswered", f->unanswered);
	return true;
}

static bool accept_queue_full(const struct figures *f, struct finding *o)
{
	char share[16], drops[32], p99[32];
	bool dropped = known(f->listen_overflows) && f->listen_overflows > 0;

	if (!known(f->aq_at_limit_share) || (f->aq_at_limit_share < 0.01 && !dropped))
		return false;
	/* a dropped SYN or final ACK is retransmitted after 1 s (then 3 s ...):
	 * it shows in the latency only when the tail reaches that far */
	say(o, "accept_queue_full", "high",
	    "accept queue at its limit (%.0f of %.0f) in %s of enqueues; %s connection "
	    "attempts dropped (ListenOverflows)%s%s",
	    f->aq_max, f->aq_limit, fmt_pct(share, 16, f->aq_at_limit_share),
	    fmt_count(drops, 32, f->listen_overflows),
	    dropped && f->p99_us >= 900e3 ? ": a dropped SYN is retried after 1 s, then 3 s, "
					    "so latency p99 reached "
					  : "",
	    dropped && f->p99_us >= 900e3 ? fmt_us(p99, 32, f->p99_us) : "");
	cite(o, "aq_max", f->aq_max);
	cite(o, "aq_limit", f->aq_limit);
	cite(o, "aq_at_limit_share", f->aq_at_limit_share);
	cite(o, "listen_overflows", f->listen_overflows);
	cite(o, "p99_us", f->p99_us);
	return true;
}

/* The server answered nothing at all: every other figure is moot. */
static bool no_answers(const struct figures *f, struct finding *o)
{
	if (f->requests > 0 || f->duration_s <= 0)
		return false;
	/* answers that end at the close, and closes that never left: a parent
	 * that forked a child per connection and kept its copy (seed 000) */
	if (known(f->closes_held_elsewhere) && f->closes_held_elsewhere > 0)
		say(o, "no_answers", "high",
		    "the server answered no request in %.1f s (%.0f errors): %.0f of its close()s "
		    "of a connection it had answered left the connection open, another process "
		    "(the parent that forked the child, say) still holding it: no FIN left, so "
		    "an answer that ends at the close never ended",
		    f->duration_s, f->errors, f->closes_held_elsewhere);
	else
		say(o, "no_answers", "high",
		    "the server answered no request in %.1f s (%.0f errors): it was stuck or "
		    "gone, see its exit status and what it said",
		    f->duration_s, f->errors);
	cite(o, "requests", f->requests);
	cite(o, "errors", f->errors);
	if (known(f->closes_held_elsewhere))
		cite(o, "closes_held_elsewhere", f->closes_held_elsewhere);
	return true;
}

/* Process or thread creation per request, with what clone() cost. */
static bool creation(const struct figures *f, struct finding *o, const char *rule, double created,
		     const char *what, const char *whats)
{
	double per_req = per_request(f, created);
	double calls = figures_syscall_calls(f, CLONE_CALLS);
	double clone_us = figures_syscall_time_us(f, CLONE_CALLS);
	char n[32], per_call[32], share[16];

	if (!known(per_req) || per_req < 0.3)
		return false;
	if (known(calls) && calls > 0)
		say(o, rule, "high",
		    "%s %s created (%.2f per request); clone() took %s per call in the "
		    "server, %s of its CPU time",
		    fmt_count(n, 32, created), created == 1 ? what : whats, per_req,
		    fmt_us(per_call, 32, clone_us / calls),
		    fmt_pct(share, 16, clone_us / f->cpu_us));
	else
		say(o, rule, "high", "%s %s created (%.2f per request)", fmt_count(n, 32, created),
		    created == 1 ? what : whats, per_req);
	cite(o, what[0] == 'p' ? "procs_created" : "threads_created", created);
	cite(o, "per_request", per_req);
	if (known(calls) && calls > 0) {
		cite(o, "clone_us_per_call", clone_us / calls);
		cite(o, "clone_cpu_share", clone_us / f->cpu_us);
	}
	return true;
}

static bool process_creation(const struct figures *f, struct finding *o)
{
	return creation(f, o, "process_creation", f->procs_created, "process", "processes");
}

static bool thread_creation(const struct figures *f, struct finding *o)
{
	return creation(f, o, "thread_creation", f->threads_created, "thread", "threads");
}

/*
 * Preemption and run-queue waits. A server of one task can only have been
 * made to wait by other processes on its CPUs; one of many tasks, by its
 * own siblings too. A task that calls sched_yield() switches out while
 * runnable, which the kernel counts as involuntary too: those are told
 * apart (at most one switch per call: with nothing else to run it has none).
 */
static bool runqueue_pressure(const struct figures *f, struct finding *o)
{
	static const char *const yield_calls[] = { "sched_yield", NULL };
	double invol = per_request(f, f->invol_switches);
	double yields = per_request(f, figures_syscall_calls(f, yield_calls));
	char p99[32], why[160] = "preempted at the end of a time slice";

	if (!known(f->runq_p99_us) || !known(invol) || invol < 0.05)
		return false;
	if (known(yields) && yields >= 0.05)
		snprintf(why, sizeof(why),
			 "up to %.2f of them its own sched_yield() calls, giving up the CPU "
			 "on purpose; the rest preempted at the end of a time slice",
			 yields < invol ? yields : invol);
	if (single_task_model(f))
		say(o, "runqueue_pressure", "medium",
		    "%.2f involuntary context switches per request and run-queue latency p99 "
		    "up to %s: the server is a single task, so other processes on its %d CPU(s) took its "
		    "turn (the machine is shared)",
		    invol, fmt_us(p99, 32, f->runq_p99_us), f->server_cpus);
	else
		say(o, "runqueue_pressure", "high",
		    "more runnable tasks than CPUs: %.2f involuntary context switches per request "
		    "(%s) and run-queue latency p99 up to %s: "
		    "a woken task waited that long for one of %d CPU(s)",
		    invol, why, fmt_us(p99, 32, f->runq_p99_us), f->server_cpus);
	cite(o, "invol_switches_per_request", invol);
	if (known(yields))
		cite(o, "yields_per_request", yields);
	cite(o, "runq_p99_us", f->runq_p99_us);
	cite(o, "server_cpus", f->server_cpus);
	return true;
}

static bool wakeup_per_request(const struct figures *f, struct finding *o)
{
	double vol = per_request(f, f->vol_switches);

	if (!known(vol) || vol < 0.5)
		return false;
	say(o, "wakeup_per_request", "high",
	    "%.2f voluntary context switches per request: the serving task blocks (in "
	    "read, accept or sleep) and must be woken and scheduled again for each request",
	    vol);
	cite(o, "vol_switches_per_request", vol);
	return true;
}

/* requests per wait that make a call a batch */
#define BATCHED 1.5

static bool batching(const struct figures *f, struct finding *o, const char *rule,
		     const char *const calls_of[], const char *call)
{
	double calls = figures_syscall_calls(f, calls_of);
	double per_call = calls > 0 ? f->requests / calls : NAN;
	double sys = per_request(f, f->syscalls);
	char n[32];

	if (!known(calls) || calls <= 0)
		return false;
	/* what one call does depends on how many requests it finds ready */
	if (per_call >= BATCHED)
		say(o, rule, "high",
		    "%.1f requests per %s call (%s calls): one call serves every connection "
		    "that is ready; %.1f syscalls per request in all",
		    per_call, call, fmt_count(n, 32, calls), sys);
	else if (per_call >= 1)
		say(o, rule, "high",
		    "%.1f requests per %s call (%s calls): requests come about one at a time, so "
		    "a call has little to batch; %.1f syscalls per request in all",
		    per_call, call, fmt_count(n, 32, calls), sys);
	else
		say(o, rule, "high",
		    "%.1f requests per %s call (%s calls): more calls than requests, the loop "
		    "also wakes for what is not a request (a new connection, a close, a send "
		    "that did not finish); %.1f syscalls per request in all",
		    per_call, call, fmt_count(n, 32, calls), sys);
	cite(o, "requests_per_call", per_call);
	cite(o, "calls", calls);
	cite(o, "syscalls_per_request", sys);
	return true;
}

static bool epoll_batching(const struct figures *f, struct finding *o)
{
	return batching(f, o, "epoll_batching", EPOLL_WAITS, "epoll_wait");
}

static bool io_uring_batching(const struct figures *f, struct finding *o)
{
	return batching(f, o, "io_uring_batching", URING_ENTERS, "io_uring_enter");
}

static bool io_uring_punts(const struct figures *f, struct finding *o)
{
	char share[16];

	if (!known(f->uring_punted) || !(f->uring_sqes > 0) ||
	    f->uring_punted < 0.01 * f->uring_sqes)
		return false;
	say(o, "io_uring_punts", "high",
	    "%s of io_uring requests were punted to io-wq worker threads (%.0f of %.0f): "
	    "they could not complete inline and cost a thread hand-off each",
	    fmt_pct(share, 16, f->uring_punted / f->uring_sqes), f->uring_punted, f->uring_sqes);
	cite(o, "uring_punted", f->uring_punted);
	cite(o, "uring_sqes", f->uring_sqes);
	return true;
}

static bool blocked_loop(const struct figures *f, struct finding *o)
{
	struct loop_block b;
	char s[32], c[32], r[32];

	if (!loop_blocked(f, &b))
		return false;
	say(o, "blocked_loop", "high",
	    "the event loop blocked in %s %s per request, serving nothing else "
	    "meanwhile: %.0f loop(s) can answer at most %s requests/s whatever the number of "
	    "connections (measured %s)",
	    b.call, fmt_us(s, 32, b.us_per_request), b.loops,
	    fmt_count(c, 32, round(b.capacity_rps)), fmt_count(r, 32, round(f->rps)));
	cite(o, "blocked_us_per_request", b.us_per_request);
	cite(o, "blocked_share", b.share);
	cite(o, "ceiling_rps", b.capacity_rps);
	cite(o, "rps", f->rps);
	return true;
}

static bool sleeps_overlap(const struct figures *f, struct finding *o)
{
	double ceiling = f->connections * 1e6 / f->sleep_us;
	char c[32], r[32], s[32];

	if (f->traits.per_connection == PER_CONNECTION_NOTHING || f->sleep_us <= 0)
		return false;
	say(o, "sleeps_overlap", "medium",
	    "each connection has its own %s, so the %d handlers' %s sleeps overlap: "
	    "at most %s requests/s (measured %s)",
	    f->traits.per_connection == PER_CONNECTION_PROCESS ? "process" : "thread",
	    f->connections, fmt_us(s, 32, f->sleep_us), fmt_count(c, 32, round(ceiling)),
	    fmt_count(r, 32, round(f->rps)));
	cite(o, "ceiling_rps", ceiling);
	cite(o, "rps", f->rps);
	return true;
}

static bool cpu_saturated(const struct figures *f, struct finding *o)
{
	double busy = cpu_busy_share(f), per_req = cpu_us_per_request(f);
	char b[16], p[32], c[32];

	if (!known(busy) || !known(per_req) || busy < CPU_SATURATED)
		return false;
	say(o, "cpu_saturated", "high",
	    "the server's CPU was busy %s of the run: it is CPU-bound at %s of CPU per "
	    "request, so %d CPU(s) allow about %s requests/s",
	    fmt_pct(b, 16, busy), fmt_us(p, 32, per_req), f->server_cpus,
	    fmt_count(c, 32, round(f->server_cpus * 1e6 / per_req)));
	cite(o, "cpu_busy", busy);
	cite(o, "cpu_us_per_request", per_req);
	return true;
}

/* On a small machine the load generator is often what limits the rate. */
static bool client_bound(const struct figures *f, struct finding *o)
{
	double load = load_busy_share(f), server = cpu_busy_share(f);
	char l[16], s[16], p[32];

	if (!known(load) || !known(server) || load < CPU_SATURATED || server >= CPU_SATURATED)
		return false;
	say(o, "client_bound", "high",
	    "the load generator%s%s kept its %d CPU(s) %s busy while the server's were %s "
	    "busy: the client set the rate, so compare the models by CPU per request (%s here)",
	    f->load_host[0] ? " on " : "", f->load_host, f->load_cpus, fmt_pct(l, 16, load),
	    fmt_pct(s, 16, server), fmt_us(p, 32, cpu_us_per_request(f)));
	cite(o, "load_busy", load);
	cite(o, "cpu_busy", server);
	cite(o, "cpu_us_per_request", cpu_us_per_request(f));
	return true;
}

static bool cpu_idle(const struct figures *f, struct finding *o)
{
	double busy = cpu_busy_share(f), load = load_busy_share(f);
	char b[16];

	/* an open loop or users set the rate themselves, and CPUs kept busy by
	 * other work are not idle: the verdict says so */
	if (!known(busy) || busy >= 0.5 || f->requests <= 0 ||
	    (known(load) && load >= CPU_SATURATED) || known(f->rate_target) || known(f->users) ||
	    (known(f->server_cpus_busy) && f->server_cpus_busy >= CPU_SATURATED) ||
	    (known(f->load_cpus_busy) && f->load_cpus_busy >= CPU_SATURATED))
		return false;
	say(o, "cpu_idle", "medium",
	    "the server's CPU was busy only %s of the run, and the client was not saturated "
	    "either: the rate was set by waiting (blocked handlers, queued connections, "
	    "timeouts)",
	    fmt_pct(b, 16, busy));
	cite(o, "cpu_busy", busy);
	return true;
}

static bool errors(const struct figures *f, struct finding *o)
{
	char e[32];

	if (!(f->errors > 0))
		return false;
	say(o, "errors", "high",
	    "%s requests failed: %.0f timed out, %.0f reset, %.0f refused, %.0f connect "
	    "timeouts, %.0f broken pipes, %.0f bad responses",
	    fmt_count(e, 32, f->errors), f->timeouts, f->resets, f->refused, f->connect_timeouts,
	    f->broken_pipes, f->bad_responses);
	cite(o, "errors", f->errors);
	cite(o, "timeouts", f->timeouts);
	cite(o, "resets", f->resets);
	cite(o, "refused", f->refused);
	return true;
}

typedef bool (*rule_fn)(const struct figures *, struct finding *);

/* most telling first */
static const rule_fn rules[] = {
	no_answers,	    head_of_line,   accept_queue_full, process_creation,
	thread_creation,    blocked_loop,   sleeps_overlap,    runqueue_pressure,
	wakeup_per_request, epoll_batching, io_uring_batching, io_uring_punts,
	cpu_saturated,	    client_bound,   cpu_idle,	       errors,
};

int explain_experiment(const struct figures *f, struct finding *out, int max)
{
	int n = 0;

	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]) && n < max; i++) {
		memset(&out[n], 0, sizeof(out[n]));
		if (rules[i](f, &out[n]))
			n++;
	}
	return n;
}

const struct finding *finding_find(const struct finding *fs, int n, const char *rule)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(fs[i].rule, rule))
			return &fs[i];
	return NULL;
}

double finding_evidence(const struct finding *f, const char *name)
{
	for (int i = 0; f && i < f->nevidence; i++)
		if (!strcmp(f->ev[i].name, name))
			return f->ev[i].value;
	return NAN;
}
