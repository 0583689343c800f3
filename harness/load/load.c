// SPDX-License-Identifier: MIT
/*
 * load_run(): checks the options, plans the run, starts one worker thread
 * per share of the connections, reports progress from the calling thread,
 * and merges what the workers measured once they end.
 */
#include "harness/load/load.h"
#include "harness/load/load_target.h"
#include "harness/load/load_worker.h"

#include <errno.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#define POLL_NS	 20000000ULL /* the calling thread looks every 20 ms */
#define FD_SLACK 64	     /* descriptors besides the connections */

const char *const load_scenario_names[] = {
	[LOAD_THROUGHPUT] = "throughput",
	[LOAD_CONNECT] = "connect",
	[LOAD_RATE] = "rate",
	[LOAD_USERS] = "users",
	NULL,
};

static const char *const error_names[][2] = {
	[LOAD_ERR_CONNECT_REFUSED] = { "connect_refused", "connect refused" },
	[LOAD_ERR_CONNECT_TIMEOUT] = { "connect_timeout", "connect timeout" },
	[LOAD_ERR_RESET] = { "reset", "reset" },
	[LOAD_ERR_BROKEN_PIPE] = { "broken_pipe", "broken pipe" },
	[LOAD_ERR_CLOSED] = { "closed", "closed early" },
	[LOAD_ERR_READ_TIMEOUT] = { "read_timeout", "read timeout" },
	[LOAD_ERR_BAD_RESPONSE] = { "bad_response", "bad response" },
	[LOAD_ERR_OTHER] = { "other", "other" },
};

const char *load_scenario_name(enum load_scenario s)
{
	return s <= LOAD_USERS ? load_scenario_names[s] : "?";
}

const char *load_error_name(enum load_error e)
{
	return e < LOAD_ERR_KINDS ? error_names[e][0] : "?";
}

const char *load_error_label(enum load_error e)
{
	return e < LOAD_ERR_KINDS ? error_names[e][1] : "?";
}

static int fail(struct load_result *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	return err;
}

/* This host's connections (users) of a run split over share_count hosts. */
unsigned load_share_connections(unsigned connections, unsigned share_index, unsigned share_count)
{
	if (share_count <= 1)
		return connections;
	return share_index < connections
		       ? (connections - share_index + share_count - 1) / share_count
		       : 0;
}

static unsigned own_connections(const struct load_opts *o)
{
	return load_share_connections(o->connections, o->share_index, o->share_count);
}

/* Fills in defaults and refuses what cannot run. */
static int check_opts(struct load_opts *o, struct load_result *r)
{
	if (!o->duration_s)
		o->duration_s = LOAD_DEFAULT_DURATION_S;
	if (!o->timeout_s)
		o->timeout_s = LOAD_DEFAULT_TIMEOUT_S;
	if (o->users)
		o->connections = o->users;
	if (!o->connections)
		o->connections = LOAD_DEFAULT_CONNECTIONS;
	if (!o->threads)
		o->threads = LOAD_DEFAULT_THREADS;
	if (o->share_count && o->share_index >= o->share_count)
		return fail(r, -EINVAL, "share %u of %u hosts", o->share_index, o->share_count);
	if (!own_connections(o))
		return fail(r, -EINVAL, "share %u of %u hosts has none of the %u connections",
			    o->share_index, o->share_count, o->connections);
	if (o->threads > own_connections(o))
		o->threads = own_connections(o);

	if (!(o->duration_s >= LOAD_MIN_DURATION_S && o->duration_s <= LOAD_MAX_DURATION_S))
		return fail(r, -EINVAL, "duration must be %g to %.0f s", LOAD_MIN_DURATION_S,
			    LOAD_MAX_DURATION_S);
	if (!(o->warmup_s >= 0 && o->warmup_s <= LOAD_MAX_DURATION_S))
		return fail(r, -EINVAL, "warm-up must be 0 to %.0f s", LOAD_MAX_DURATION_S);
	if (!(o->timeout_s >= LOAD_MIN_TIMEOUT_S && o->timeout_s <= LOAD_MAX_TIMEOUT_S))
		return fail(r, -EINVAL, "timeout must be %g to %.0f s", LOAD_MIN_TIMEOUT_S,
			    LOAD_MAX_TIMEOUT_S);
	if (o->connections > LOAD_MAX_CONNECTIONS)
		return fail(r, -EINVAL, "at most %d connections (or users)", LOAD_MAX_CONNECTIONS);
	if (o->threads > LOAD_MAX_THREADS)
		return fail(r, -EINVAL, "at most %d threads", LOAD_MAX_THREADS);
	if (o->rate && o->users)
		return fail(r, -EINVAL, "rate and users are two scenarios: choose one");
	/* a rate of 1e-300 would be a request every 1e309 ns: past any clock */
	if (o->rate && !(o->rate >= LOAD_MIN_RATE && o->rate <= LOAD_MAX_RATE))
		return fail(r, -EINVAL, "rate must be %g to %g requests/s", LOAD_MIN_RATE,
			    LOAD_MAX_RATE);
	if (o->spawn_rate &&
	    !(o->spawn_rate >= LOAD_MIN_SPAWN_RATE && o->spawn_rate <= LOAD_MAX_SPAWN_RATE))
		return fail(r, -EINVAL, "spawn rate must be %g to %g users/s", LOAD_MIN_SPAWN_RATE,
			    LOAD_MAX_SPAWN_RATE);
	if (!(o->think_min_s >= 0 && o->think_max_s >= o->think_min_s &&
	      o->think_max_s <= LOAD_MAX_THINK_S))
		return fail(r, -EINVAL, "want 0 <= think min <= think max <= %.0f s",
			    LOAD_MAX_THINK_S);
	if (o->max_requests > LOAD_MAX_REQUESTS)
		return fail(r, -EINVAL, "at most %g requests", LOAD_MAX_REQUESTS);
	for (unsigned i = 0; i < o->ncpus; i++)
		if (o->cpus[i] < 0 || o->cpus[i] >= CPU_SETSIZE)
			return fail(r, -EINVAL, "no CPU %d", o->cpus[i]);
	return 0;
}

/*
 * Every connection is a descriptor: raise the soft limit to the hard one,
 * and the hard one too when allowed (root); say so when that is not enough.
 */
static int ensure_fds(unsigned connections, struct load_result *r)
{
	rlim_t need = (rlim_t)connections + FD_SLACK;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return fail(r, -errno, "failed to get RLIMIT_NOFILE: %s", strerror(errno));
	if (rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max < need) {
		struct rlimit more = { need, need };

		if (!setrlimit(RLIMIT_NOFILE, &more))
			return 0;
		return fail(r, -EMFILE,
			    "%u connections need %llu file descriptors, but RLIMIT_NOFILE's hard "
			    "limit is %llu and cannot be raised (%s): raise it (ulimit -Hn, "
			    "limits.conf) or use fewer connections",
			    connections, (unsigned long long)need, (unsigned long long)rl.rlim_max,
			    strerror(errno));
	}
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		return fail(r, -errno, "failed to raise RLIMIT_NOFILE to %llu: %s",
			    (unsigned long long)rl.rlim_max, strerror(errno));
	return 0;
}

enum load_scenario load_scenario_of(const struct load_opts *o)
{
	if (o->users)
		return LOAD_USERS;
	if (o->rate)
		return LOAD_RATE;
	return o->close ? LOAD_CONNECT : LOAD_THROUGHPUT;
}

static uint64_t s_to_ns(double s)
{
	return (uint64_t)llround(s * 1e9);
}

static void plan_run(struct load_plan *p, const struct load_opts *o, const struct load_target *t)
{
	p->addr = t->addr;
	p->addrlen = t->addrlen;
	p->request = t->request;
	p->request_len = t->request_len;
	p->scenario = load_scenario_of(o);
	p->close = o->close;
	p->strict = o->strict;
	p->timeout_ns = s_to_ns(o->timeout_s);
	/* timeouts are found to within a quarter of themselves, 100 ms at most */
	p->sweep_ns = p->timeout_ns / 4 < 100000000 ? p->timeout_ns / 4 : 100000000;
	if (p->sweep_ns < 1000000)
		p->sweep_ns = 1000000;
	p->connections = o->connections;
	p->share_index = o->share_count > 1 ? o->share_index : 0;
	p->share_count = o->share_count > 1 ? o->share_count : 1;
	p->own_connections = own_connections(o);
	p->seed = o->seed;
	p->threads = o->threads;
	p->ns_per_request = o->rate ? 1e9 / o->rate : 0;
	p->ns_per_user = o->spawn_rate ? 1e9 / o->spawn_rate : 0;
	p->think_min_ns = s_to_ns(o->think_min_s);
	p->think_max_ns = s_to_ns(o->think_max_s);
	p->nseconds = (unsigned)ceil(o->duration_s - 1e-9);
}

/* The calling thread's view while the workers run. */
struct watch {
	struct histogram so_far; /* whole seconds merged so far (coarse) */
	unsigned merged;	 /* seconds merged into it */
	uint64_t last_ns, last_requests;
	unsigned peak;
	int edges; /* of the measured window, passed: 0, 1 (opened), 2 */
};

/* The window's next edge not yet passed, or 0 (none, or nobody asked). */
static uint64_t next_edge(const struct load_opts *o, const struct load_plan *p,
			  const struct watch *v)
{
	if (!o->window || v->edges >= 2)
		return 0;
	return v->edges ? p->end_ns : p->measure_ns;
}

static uint64_t relaxed(const uint64_t *x)
{
	return __atomic_load_n(x, __ATOMIC_RELAXED);
}

static void report_progress(const struct load_opts *o, const struct load_plan *p,
			    struct load_worker **w, struct watch *v, uint64_t now)
{
	struct load_progress pr = { 0 };
	unsigned done = 0;

	/* a second is left alone by the workers once it is well over */
	if (now > p->measure_ns + 100000000)
		done = (now - p->measure_ns - 100000000) / NS_PER_S;
	if (done > p->nseconds)
		done = p->nseconds;
	for (; v->merged < done; v->merged++)
		for (unsigned i = 0; i < o->threads; i++)
			histogram_merge(&v->so_far, &w[i]->seconds[v->merged].latency);

	for (unsigned i = 0; i < o->threads; i++) {
		pr.requests += relaxed(&w[i]->requests);
		pr.errors += relaxed(&w[i]->errors_total);
		pr.connections += __atomic_load_n(&w[i]->open, __ATOMIC_RELAXED);
	}
	pr.elapsed_s = (now - p->start_ns) / 1e9;
	pr.warming_up = now < p->measure_ns;
	pr.rate =
		now > v->last_ns ? (pr.requests - v->last_requests) * 1e9 / (now - v->last_ns) : 0;
	pr.p99_ns = histogram_percentile(&v->so_far, 99);
	v->last_ns = now;
	v->last_requests = pr.requests;
	o->progress(&pr, o->progress_arg);
}

static void sample_connections(struct load_worker **w, unsigned n, struct watch *v)
{
	unsigned open = 0;

	for (unsigned i = 0; i < n; i++)
		open += __atomic_load_n(&w[i]->open, __ATOMIC_RELAXED);
	if (open > v->peak)
		v->peak = open;
}

static bool all_finished(struct load_worker **w, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!__atomic_load_n(&w[i]->finished, __ATOMIC_ACQUIRE))
			return false;
	return true;
}

/* Waits for the workers, sampling and reporting; passes on a stop. */
static void watch_run(const struct load_opts *o, struct load_plan *p, struct load_worker **w,
		      struct watch *v, struct load_result *r)
{
	uint64_t next_progress = p->start_ns + NS_PER_S;

	v->last_ns = p->start_ns;
	while (!all_finished(w, o->threads)) {
		struct pollfd stop_fd = { .fd = o->stop_fd, .events = POLLIN };
		struct timespec ts = { 0, POLL_NS };
		uint64_t now = mono_ns(), edge = next_edge(o, p, v);
		bool stop = false;

		/* woken at the window's edge, not up to a poll later */
		if (edge > now && edge - now < POLL_NS)
			ts.tv_nsec = edge - now;
		/* a readable stop_fd wakes this at once (and, once stopped, is
		 * left alone: it stays readable) */
		if (!edge || edge > now)
			stop = ppoll(&stop_fd, o->stop_fd > 0 && !r->stopped, &ts, NULL) > 0;
		now = mono_ns();
		if ((edge = next_edge(o, p, v)) && now >= edge)
			o->window(v->edges++ == 0, o->window_arg);
		sample_connections(w, o->threads, v);
		stop |= o->stop && *o->stop;
		if (stop && !__atomic_load_n(p->stop, __ATOMIC_RELAXED)) {
			uint64_t one = 1;

			r->stopped = true;
			__atomic_store_n(p->stop, 1, __ATOMIC_RELAXED);
			/* if this failed, the workers still see it within a sweep */
			(void)!write(p->wake_fd, &one, sizeof(one));
		}
		if (o->progress && now >= next_progress && now < p->end_ns) {
			report_progress(o, p, w, v, now);
			/* once a second, however long the callback took */
			next_progress += NS_PER_S;
			if (next_progress <= mono_ns())
				next_progress = mono_ns() + NS_PER_S;
		}
	}
	/* ended early (stopped, or its requests sent): the window closes now */
	while (o->window && v->edges < 2)
		o->window(v->edges++ == 0, o->window_arg);
}

static void merge_results(const struct load_opts *o, const struct load_plan *p,
			  struct load_worker **w, struct load_result *r)
{
	uint64_t stop_ns = 0, timer_sends = 0, lag_sum = 0;
	struct histogram sec;

	for (unsigned i = 0; i < o->threads; i++) {
		struct load_worker *x = w[i];

		histogram_merge(&r->latency, &x->latency);
		histogram_merge(&r->connect, &x->connect);
		r->requests += x->requests;
		r->sent += x->sent;
		r->bytes += x->bytes;
		r->connects += x->connects;
		for (int k = 0; k < LOAD_ERR_KINDS; k++)
			r->errors[k] += x->errors[k];
		if (x->other_errno)
			r->other_errno = x->other_errno;
		for (int s = 0; s < LOAD_STATUS_MAX; s++)
			r->status[s] += x->status[s];
		r->non2xx += x->non2xx;
		for (int k = 0; k < HTTP_LENIENT_KINDS; k++)
			r->lenient[k] += x->lenient[k];
		r->errors_total += x->errors_total;
		r->late_sends += x->late_sends;
		r->unanswered += x->unanswered;
		r->starved += x->starved;
		if (x->unanswered_wait_ns > r->unanswered_wait_ns)
			r->unanswered_wait_ns = x->unanswered_wait_ns;
		timer_sends += x->timer_sends;
		lag_sum += x->lag_sum_ns;
		if (x->max_lag_ns > r->max_lag_ns)
			r->max_lag_ns = x->max_lag_ns;
		r->users_started += x->users_started;
		r->cpu_user_s += x->cpu_user_ns / 1e9;
		r->cpu_sys_s += x->cpu_sys_ns / 1e9;
		if (x->stop_ns > stop_ns)
			stop_ns = x->stop_ns;
	}
	if (stop_ns > p->start_ns)
		r->cpu_busy = (r->cpu_user_s + r->cpu_sys_s) * 1e9 /
			      ((double)o->threads * (stop_ns - p->start_ns));
	if (stop_ns > p->end_ns)
		stop_ns = p->end_ns;
	r->duration_s = stop_ns > p->measure_ns ? (stop_ns - p->measure_ns) / 1e9 : 0;
	r->rate = r->duration_s > 0 ? r->requests / r->duration_s : 0;

	/* the per-second series, as far as the run went */
	r->nseconds = (unsigned)ceil(r->duration_s - 1e-9);
	if (r->nseconds > p->nseconds)
		r->nseconds = p->nseconds;
	r->seconds = calloc(r->nseconds ? r->nseconds : 1, sizeof(*r->seconds));
	if (r->seconds && !histogram_init(&sec, HISTOGRAM_COARSE)) {
		for (unsigned s = 0; s < r->nseconds; s++) {
			struct load_second *d = &r->seconds[s];

			histogram_reset(&sec);
			for (unsigned i = 0; i < o->threads; i++) {
				d->requests += w[i]->seconds[s].requests;
				d->errors += w[i]->seconds[s].errors;
				d->bytes += w[i]->seconds[s].bytes;
				histogram_merge(&sec, &w[i]->seconds[s].latency);
			}
			d->span_s = r->duration_s - s < 1 ? r->duration_s - s : 1;
			d->p99_ns = histogram_percentile(&sec, 99);
		}
		histogram_free(&sec);
	} else {
		r->nseconds = 0;
	}

	r->timer_sends = timer_sends;
	r->mean_lag_ns = timer_sends ? (double)lag_sum / timer_sends : 0;
	load_judge_schedule(r, r->cpu_busy);
}

void load_judge_schedule(struct load_result *r, double busiest)
{
	bool late;

	r->behind = r->client_behind = false;
	if (r->scenario != LOAD_RATE && r->scenario != LOAD_USERS)
		return;
	late = r->late_sends * 100 > (r->timer_sends ? r->timer_sends : 1);
	r->behind = late ||
		    (r->scenario == LOAD_RATE && !r->stopped && r->rate < 0.95 * r->rate_target);
	r->client_behind = r->behind && (late || busiest > 0.9);
}

static void describe(const struct load_opts *o, struct load_result *r)
{
	r->scenario = load_scenario_of(o);
	snprintf(r->url, sizeof(r->url), "%s", o->url ? o->url : "");
	r->threads = o->threads;
	/* a share: its own connections, and its part of the rate */
	r->connections = own_connections(o);
	r->rate_target = o->connections ? o->rate * r->connections / o->connections : o->rate;
	r->users = o->users ? r->connections : 0;
	r->strict = o->strict;
}

int load_run(const struct load_opts *opts, struct load_result *r)
{
	struct load_opts o = *opts;
	struct load_target target;
	struct load_plan plan = { 0 };
	struct load_worker **w = NULL;
	struct watch v = { 0 };
	int stop = 0, err, started = 0;

	memset(r, 0, sizeof(*r));
	err = histogram_init(&r->latency, HISTOGRAM_PRECISE);
	if (!err)
		err = histogram_init(&r->connect, HISTOGRAM_PRECISE);
	if (!err)
		err = histogram_init(&v.so_far, HISTOGRAM_COARSE);
	if (err)
		return fail(r, err, "out of memory");
	err = check_opts(&o, r);
	describe(&o, r);
	if (err)
		goto out_hist;
	err = load_target_parse(&target, o.url, o.headers, o.nheaders, o.close, o.any_address,
				r->error, sizeof(r->error));
	if (err)
		goto out_hist;
	err = ensure_fds(own_connections(&o), r);
	if (err)
		goto out_target;

	plan_run(&plan, &o, &target);
	plan.stop = &stop;
	plan.wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (plan.wake_fd < 0) {
		err = fail(r, -errno, "failed to create eventfd: %s", strerror(errno));
		goto out_target;
	}
	w = calloc(o.threads, sizeof(*w));
	if (!w) {
		err = fail(r, -ENOMEM, "out of memory");
		goto out_wake;
	}
	for (unsigned i = 0; i < o.threads; i++) {
		w[i] = aligned_alloc(64, (sizeof(**w) + 63) & ~(size_t)63);
		if (!w[i] || (err = load_worker_init(w[i], &plan, i))) {
			err = fail(r, w[i] ? err : -ENOMEM, "failed to set up load thread %u: %s",
				   i, strerror(w[i] ? -err : ENOMEM));
			goto out_workers;
		}
		if (o.max_requests)
			w[i]->max_requests =
				o.max_requests / o.threads + (i < o.max_requests % o.threads);
	}
	if (o.open_first && !o.close && !o.users &&
	    (err = load_workers_open(w, o.threads, s_to_ns(o.timeout_s)))) {
		fail(r, err, "out of memory");
		goto out_workers;
	}
	if (o.ready && (err = o.ready(o.ready_arg))) {
		fail(r, err, "not started: %s", strerror(-err));
		goto out_workers;
	}
	/* the clock starts once everything is allocated */
	plan.start_ns = mono_ns() + 1000000;
	plan.measure_ns = plan.start_ns + s_to_ns(o.warmup_s);
	plan.end_ns = plan.measure_ns + s_to_ns(o.duration_s);
	for (; started < (int)o.threads; started++) {
		pthread_attr_t attr;
		cpu_set_t set;

		pthread_attr_init(&attr);
		if (o.ncpus) {
			CPU_ZERO(&set);
			CPU_SET(o.cpus[started % o.ncpus], &set);
			pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
		}
		err = -pthread_create(&w[started]->thread, &attr, load_worker_run, w[started]);
		pthread_attr_destroy(&attr);
		if (err) {
			if (o.ncpus)
				fail(r, err, "failed to start load thread %d on CPU %d: %s",
				     started, o.cpus[started % o.ncpus], strerror(-err));
			else
				fail(r, err, "failed to start load thread %d: %s", started,
				     strerror(-err));
			__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
			break;
		}
	}
	if (!err)
		watch_run(&o, &plan, w, &v, r);
	for (int i = 0; i < started; i++)
		pthread_join(w[i]->thread, NULL);
	for (int i = 0; !err && i < (int)o.threads; i++)
		if (w[i]->err)
			err = fail(r, w[i]->err, "load thread %d failed: %s", i,
				   strerror(-w[i]->err));
	if (!err) {
		merge_results(&o, &plan, w, r);
		r->connections_peak = v.peak;
	}

out_workers:
	for (unsigned i = 0; i < o.threads; i++)
		if (w[i]) {
			if (w[i]->plan)
				load_worker_free(w[i]);
			free(w[i]);
		}
	free(w);
out_wake:
	close(plan.wake_fd);
out_target:
	load_target_free(&target);
out_hist:
	histogram_free(&v.so_far);
	return err;
}

void load_result_free(struct load_result *r)
{
	histogram_free(&r->latency);
	histogram_free(&r->connect);
	free(r->seconds);
	r->seconds = NULL;
	r->nseconds = 0;
}
