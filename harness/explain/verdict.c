// SPDX-License-Identifier: MIT
/*
 * The verdict: what limited an experiment. Every resource that can set the
 * rate is looked at for saturation, in the order in which one hides the
 * next: a loop that blocks, a server that serves one connection at a time,
 * a load that asked for no more, the server's CPUs, the load generator's
 * (by their own use, then by all that ran on those CPUs: a shared machine,
 * a hypervisor that steals), a full accept queue; with none saturated, the
 * rate is what the clients' waiting allows (Little's law: connections /
 * latency).
 */
#include "harness/explain/explain.h"
#include "common/units.h"
#include "harness/explain/say.h"

#include <stdio.h>
#include <string.h>

/* a resource busy this share of the run is saturated */
/* an open loop that got this share of the rate it asked for got it */
#define GOT_IT 0.95

static bool nothing_answered(const struct figures *f, struct verdict *v)
{
	if (f->requests > 0)
		return false;
	say(&v->why, "nothing_answered", "high",
	    "nothing: the server answered no request (see its findings)");
	cite(&v->why, "requests", f->requests);
	return true;
}

/* an event loop blocked outside its wait call serves nobody meanwhile */
static bool blocked_loop(const struct figures *f, struct verdict *v)
{
	struct loop_block b;
	char s[32], c[32], r[32], p[16];

	if (!loop_blocked(f, &b))
		return false;
	v->capacity_rps = b.capacity_rps;
	say(&v->why, "blocked_loop", "high",
	    "its %.0f event loop(s), each blocked in %s %s per request (outside its wait call "
	    "%s of the time it was not waiting for a CPU): at most %s requests/s (measured %s)",
	    b.loops, b.call, fmt_us(s, 32, b.us_per_request), fmt_pct(p, 16, b.share),
	    fmt_count(c, 32, round(v->capacity_rps)), fmt_count(r, 32, round(f->rps)));
	cite(&v->why, "blocked_us_per_request", b.us_per_request);
	cite(&v->why, "blocked_share", b.share);
	cite(&v->why, "loops", b.loops);
	return true;
}

/* kept alive, one connection served to its end: the others wait it out
 * (a server closing each answers every client in turn: not this) */
static bool serial_serving(const struct figures *f, struct verdict *v)
{
	char r[32], m[32], c[32];

	if (!f->traits.serial || !f->keep_alive || f->connections < 2 ||
	    (known(f->connects) && f->requests > 0 &&
	     f->connects / f->requests >= TRAIT_PER_CONNECTION))
		return false;
	v->capacity_rps = known(f->mean_us) && f->mean_us > 0 ? 1e6 / f->mean_us : NAN;
	say(&v->why, "serial_serving", "high",
	    "serving one connection at a time%s: one of the %d clients is served, its "
	    "requests %s apart, at most %s requests/s (measured %s)",
	    f->traits.per_connection == PER_CONNECTION_PROCESS
		    ? " (a process created for it, and waited for to end before the next)"
	    : f->traits.per_connection == PER_CONNECTION_THREAD
		    ? " (a thread created for it, and joined before the next)"
		    : "",
	    f->connections, fmt_us(m, 32, f->mean_us), fmt_count(c, 32, round(v->capacity_rps)),
	    fmt_count(r, 32, round(f->rps)));
	cite(&v->why, "connections", f->connections);
	cite(&v->why, "mean_us", f->mean_us);
	return true;
}

static bool rate_asked(const struct figures *f, struct verdict *v)
{
	char a[32], r[32], b[16];

	if (!known(f->rate_target) || f->rps < GOT_IT * f->rate_target)
		return false;
	v->capacity_rps = f->rate_target;
	say(&v->why, "offered_load", "high",
	    "the load asked for: %s requests/s, and got %s, the server's CPU busy %s: "
	    "it would answer more if asked",
	    fmt_count(a, 32, round(f->rate_target)), fmt_count(r, 32, round(f->rps)),
	    fmt_pct(b, 16, cpu_busy_share(f)));
	cite(&v->why, "rate_target", f->rate_target);
	cite(&v->why, "cpu_busy", cpu_busy_share(f));
	return true;
}

static bool server_cpu(const struct figures *f, struct verdict *v)
{
	double busy = cpu_busy_share(f), per_req = cpu_us_per_request(f);
	char b[16], p[32], c[32], r[32];

	if (!known(busy) || !(per_req > 0) || busy < CPU_SATURATED)
		return false;
	v->capacity_rps = f->server_cpus * 1e6 / per_req;
	say(&v->why, "server_cpu", "high",
	    "the server's CPU: busy %s of %d CPU(s) at %s per request, which allow about %s "
	    "requests/s (measured %s)",
	    fmt_pct(b, 16, busy), f->server_cpus, fmt_us(p, 32, per_req),
	    fmt_count(c, 32, round(v->capacity_rps)), fmt_count(r, 32, round(f->rps)));
	cite(&v->why, "cpu_busy", busy);
	cite(&v->why, "cpu_us_per_request", per_req);
	return true;
}

/* "of its CPU (1 process, 11 threads)": the CPUs its threads could use */
static void tool_cpus(const struct figures *f, char *s, size_t len)
{
	char p[48] = "";
	int usable = f->load_threads >= 1 && f->load_threads < f->load_cpus ? f->load_threads
									    : f->load_cpus;

	if (known(f->load_procs) && known(f->load_threads))
		snprintf(p, sizeof(p), " (%.0f process%s, %.0f thread%s)", f->load_procs,
			 f->load_procs == 1 ? "" : "es", f->load_threads,
			 f->load_threads == 1 ? "" : "s");
	if (usable == 1)
		snprintf(s, len, "its CPU%s", p);
	else
		snprintf(s, len, "its %d CPUs%s", usable, p);
}

/*
 * The user's tool: saturated when it used its CPU, or wanted it (on it
 * or waiting for it, the sched probe's time account) though others took
 * part of it: either way it sent what its CPU let it send.
 */
static bool load_tool(const struct figures *f, struct verdict *v)
{
	double load = load_busy_share(f), wanted = load_demand_share(f), busy = cpu_busy_share(f);
	double per_req = cpu_us_per_request(f);
	double server_rps = per_req > 0 ? f->server_cpus * 1e6 / per_req : NAN;
	char l[16], n[16], b[16], c[32], r[32], t[32], w[96], got[96] = "";

	if (!known(load) || (load < CPU_SATURATED && !(wanted >= CPU_SATURATED)))
		return false;
	v->capacity_rps = load > 0 ? f->rps / fmin(load, 1) : NAN;
	tool_cpus(f, w, sizeof(w));
	if (load < CPU_SATURATED)
		snprintf(got, sizeof(got),
			 ", and wanted %s of it (other work on its CPU took the rest)",
			 fmt_pct(n, 16, wanted));
	say(&v->why, "load_generator", "high",
	    "the load tool: %s used %s of %s%s while the server was %s busy: %s with its CPU "
	    "to itself would send about %s requests/s, the server's CPU would allow about %s "
	    "(measured %s)",
	    f->load_tool, fmt_pct(l, 16, load), w, got, fmt_pct(b, 16, busy), f->load_tool,
	    fmt_count(t, 32, round(v->capacity_rps)), fmt_count(c, 32, round(server_rps)),
	    fmt_count(r, 32, round(f->rps)));
	cite(&v->why, "load_busy", load);
	if (known(wanted))
		cite(&v->why, "load_wanted", wanted);
	cite(&v->why, "cpu_busy", busy);
	cite(&v->why, "server_capacity_rps", server_rps);
	return true;
}

/* One rule for our load generator and the user's tool: its CPUs busy. */
static bool load_generator(const struct figures *f, struct verdict *v)
{
	double load = load_busy_share(f), busy = cpu_busy_share(f), per_req = cpu_us_per_request(f);
	char l[16], b[16], c[32], r[32];

	if (f->load_tool[0])
		return load_tool(f, v);
	if (!known(load) || load < CPU_SATURATED)
		return false;
	v->capacity_rps = per_req > 0 ? f->server_cpus * 1e6 / per_req : NAN;
	say(&v->why, "load_generator", "high",
	    "the load generator%s%s: its %d CPU(s) busy %s, the server's %s; the server's CPU "
	    "would allow about %s requests/s (measured %s): compare models by CPU per request",
	    f->load_host[0] ? " on " : "", f->load_host, f->load_cpus, fmt_pct(l, 16, load),
	    fmt_pct(b, 16, busy), fmt_count(c, 32, round(v->capacity_rps)),
	    fmt_count(r, 32, round(f->rps)));
	cite(&v->why, "load_busy", load);
	cite(&v->why, "cpu_busy", busy);
	return true;
}

/*
 * The CPUs were busy, but not with the server (or the load generator):
 * other processes on the machine, or a hypervisor that took the time
 * (steal). The experiment measured the sharing, not the model alone.
 */
static bool shared_cpus(const struct figures *f, struct verdict *v, const char *whose, double all,
			double own, int ncpus)
{
	char a[16], o[16], s[16], r[32];

	if (!known(all) || all < CPU_SATURATED || (known(own) && own >= CPU_SATURATED))
		return false;
	say(&v->why, "shared_cpus", "high",
	    "%s CPU(s), shared: its %d CPU(s) were busy %s of the run, %s with its own work, "
	    "%s taken by the hypervisor, the rest by other processes on the machine "
	    "(measured %s requests/s): run it again on a quiet machine",
	    whose, ncpus, fmt_pct(a, 16, all), fmt_pct(o, 16, own),
	    fmt_pct(s, 16, known(f->server_cpus_steal) ? f->server_cpus_steal : 0),
	    fmt_count(r, 32, round(f->rps)));
	cite(&v->why, "cpus_busy", all);
	cite(&v->why, "own_busy", own);
	return true;
}

static bool server_cpus_shared(const struct figures *f, struct verdict *v)
{
	return shared_cpus(f, v, "the server's", f->server_cpus_busy, cpu_busy_share(f),
			   f->server_cpus);
}

static bool load_cpus_shared(const struct figures *f, struct verdict *v)
{
	return shared_cpus(f, v, "the load generator's", f->load_cpus_busy, load_busy_share(f),
			   f->load_cpus);
}

/* users who think between requests ask for at most users / think time */
static bool users_think(const struct figures *f, struct verdict *v)
{
	char u[32], t[32], c[32], r[32], b[16];

	if (!known(f->users) || !(f->think_mean_s > 0))
		return false;
	v->capacity_rps = f->users / (f->think_mean_s + (known(f->mean_us) ? f->mean_us / 1e6 : 0));
	say(&v->why, "offered_load", "high",
	    "the users' think time: %s users thinking %s on average between requests ask "
	    "for at most %s requests/s (measured %s), the server's CPU busy %s",
	    fmt_count(u, 32, f->users), fmt_us(t, 32, f->think_mean_s * 1e6),
	    fmt_count(c, 32, round(v->capacity_rps)), fmt_count(r, 32, round(f->rps)),
	    fmt_pct(b, 16, cpu_busy_share(f)));
	cite(&v->why, "users", f->users);
	cite(&v->why, "think_mean_s", f->think_mean_s);
	cite(&v->why, "cpu_busy", cpu_busy_share(f));
	return true;
}

/*
 * The user's tool, neither side busy, its connections kept alive: what
 * they waited between requests beyond the answer (Little's law) is its
 * users' think time, and users / think time is the load it offered. Before
 * the rules of shared CPUs: a wait for a CPU is in the answer's time, and
 * a think time twice that is what held the rate.
 */
/* A connection for each request (Artillery's arrivals): fewer than one
 * request in flight on average (rate x answer time) is a tool that paced
 * itself, not one waiting on the server. */
static bool tool_paced(const struct figures *f, struct verdict *v)
{
	double in_flight = f->rps * f->mean_us / 1e6;
	char n[32], r[32], b[16], l[16];

	if (in_flight >= 0.5)
		return false;
	v->capacity_rps = f->rps;
	say(&v->why, "offered_load", "high",
	    "the load tool's pace: it opened %s connections, one a request, with %.2g "
	    "request(s) in flight on average (requests/s x answer time): it asked for the %s "
	    "requests/s it got, the server's CPU busy %s, %s's %s",
	    fmt_count(n, 32, f->connections), in_flight, fmt_count(r, 32, round(f->rps)),
	    fmt_pct(b, 16, cpu_busy_share(f)), f->load_tool, fmt_pct(l, 16, load_busy_share(f)));
	cite(&v->why, "connections", f->connections);
	cite(&v->why, "in_flight", in_flight);
	cite(&v->why, "cpu_busy", cpu_busy_share(f));
	return true;
}

static bool tool_think(const struct figures *f, struct verdict *v)
{
	double think_s, latency_s = f->mean_us / 1e6;
	char u[32], t[32], c[32], r[32], b[16], l[16];

	if (!f->load_tool[0] || !known(f->mean_us) || !(f->rps > 0) || !(f->connections > 0))
		return false;
	if (!f->keep_alive)
		return tool_paced(f, v);
	think_s = f->connections / f->rps - latency_s;
	/* twice the answer's wait at least: thinking, not queueing */
	if (think_s < 2 * latency_s || think_s < 0.01)
		return false;
	v->capacity_rps = f->connections / (think_s + latency_s);
	say(&v->why, "offered_load", "high",
	    "the load tool's think time: its %s connections (users) each waited about %s "
	    "between answer and request, so they asked for about %s requests/s (users / think "
	    "time; measured %s), the server's CPU busy %s, %s's %s",
	    fmt_count(u, 32, f->connections), fmt_us(t, 32, think_s * 1e6),
	    fmt_count(c, 32, round(v->capacity_rps)), fmt_count(r, 32, round(f->rps)),
	    fmt_pct(b, 16, cpu_busy_share(f)), f->load_tool, fmt_pct(l, 16, load_busy_share(f)));
	cite(&v->why, "connections", f->connections);
	cite(&v->why, "think_s", think_s);
	cite(&v->why, "cpu_busy", cpu_busy_share(f));
	cite(&v->why, "load_busy", load_busy_share(f));
	return true;
}

/* dropped SYNs come back after 1 s, 3 s: when the tail shows them */
static bool accept_queue(const struct figures *f, struct verdict *v)
{
	char d[32], p[32];

	if (!(f->listen_overflows > 0) || f->p99_us < 900e3)
		return false;
	say(&v->why, "accept_queue", "high",
	    "the accept queue: full, it dropped %s connection attempts, whose retries "
	    "after 1 s and 3 s set the tail (p99 %s)",
	    fmt_count(d, 32, f->listen_overflows), fmt_us(p, 32, f->p99_us));
	cite(&v->why, "listen_overflows", f->listen_overflows);
	cite(&v->why, "p99_us", f->p99_us);
	return true;
}

/* Little's law: connections each waiting for its answer */
static void waiting(const struct figures *f, struct verdict *v)
{
	double others = f->server_cpus_busy - cpu_busy_share(f);
	char b[16], l[16], m[32], c[32], r[32], o[16], q[32], shared[160] = "";

	v->capacity_rps =
		known(f->mean_us) && f->mean_us > 0 ? f->connections * 1e6 / f->mean_us : NAN;
	/* what kept the server's CPUs from it, when it was more than a tenth */
	if (known(others) && others >= 0.1)
		snprintf(shared, sizeof(shared),
			 "; other work took %s of the server's CPUs (run-queue latency p99 %s)",
			 fmt_pct(o, 16, others), fmt_us(q, 32, f->runq_p99_us));
	say(&v->why, "waiting", "medium",
	    "waiting, nothing saturated (the server's CPU busy %s, the load generator's %s%s): "
	    "%d connections each waiting %s for its answer allow %s requests/s (measured %s)",
	    fmt_pct(b, 16, cpu_busy_share(f)), fmt_pct(l, 16, load_busy_share(f)), shared,
	    f->connections, fmt_us(m, 32, f->mean_us), fmt_count(c, 32, round(v->capacity_rps)),
	    fmt_count(r, 32, round(f->rps)));
	cite(&v->why, "cpu_busy", cpu_busy_share(f));
	cite(&v->why, "load_busy", load_busy_share(f));
	cite(&v->why, "mean_us", f->mean_us);
	if (known(others))
		cite(&v->why, "server_cpus_busy", f->server_cpus_busy);
}

typedef bool (*limit_fn)(const struct figures *, struct verdict *);

/* in the order in which one hides the next */
/* clang-format off */
static const limit_fn limits[] = {
	nothing_answered, blocked_loop, serial_serving, rate_asked,
	server_cpu, load_generator, tool_think, server_cpus_shared, load_cpus_shared,
	users_think, accept_queue,
};
/* clang-format on */

void explain_verdict(const struct figures *f, struct verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->capacity_rps = NAN;
	v->measured_rps = f->rps;
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		if (limits[i](f, v))
			goto out;
	waiting(f, v);
out:
	cite(&v->why, "capacity_rps", v->capacity_rps);
	cite(&v->why, "rps", f->rps);
}
