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

static const char *const SLEEPS[] = { "nanosleep", "clock_nanosleep", NULL };

static bool nothing_answered(const struct figures *f, struct verdict *v)
{
	if (f->requests > 0)
		return false;
	say(&v->why, "nothing_answered", "high",
	    "nothing: the server answered no request (see its findings)");
	cite(&v->why, "requests", f->requests);
	return true;
}

static bool blocked_loop(const struct figures *f, struct verdict *v)
{
	double slept = per_request(f, figures_syscall_time_us(f, SLEEPS));
	char s[32], c[32], r[32];

	if (!f->traits.event_loop || !(f->sleep_us > 0) || !known(slept) ||
	    slept < 0.5 * f->sleep_us)
		return false;
	v->capacity_rps = f->workers * 1e6 / slept;
	say(&v->why, "blocked_loop", "high",
	    "its %d event loop(s), each blocked %s per request: at most %s requests/s "
	    "(measured %s)",
	    f->workers, fmt_us(s, 32, slept), fmt_count(c, 32, round(v->capacity_rps)),
	    fmt_count(r, 32, round(f->rps)));
	cite(&v->why, "sleep_us_per_request", slept);
	cite(&v->why, "workers", f->workers);
	return true;
}

/* kept alive, one connection served to its end: the others wait it out */
static bool serial_serving(const struct figures *f, struct verdict *v)
{
	char r[32], m[32], c[32];

	if (!f->traits.serial || !f->keep_alive || f->connections < 2)
		return false;
	v->capacity_rps = known(f->mean_us) && f->mean_us > 0 ? 1e6 / f->mean_us : NAN;
	say(&v->why, "serial_serving", "high",
	    "serving one connection at a time: one of the %d clients is served, its "
	    "requests %s apart, at most %s requests/s (measured %s)",
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

static bool load_generator(const struct figures *f, struct verdict *v)
{
	double load = load_busy_share(f), busy = cpu_busy_share(f), per_req = cpu_us_per_request(f);
	char l[16], b[16], c[32], r[32];

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
	server_cpu, load_generator, server_cpus_shared, load_cpus_shared,
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
