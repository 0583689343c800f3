// SPDX-License-Identifier: MIT
/*
 * The results of one run's shares (load from several hosts) as one:
 * counts and CPU time add, histograms add bucket by bucket (so that every
 * percentile is the merged histogram's, never an average of percentiles),
 * the per-second series add second by second.
 */
#include "harness/load/load.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static int add_series(struct load_result *r, const struct load_result *part)
{
	if (part->nseconds > r->nseconds) {
		struct load_second *s = realloc(r->seconds, part->nseconds * sizeof(*s));

		if (!s)
			return -ENOMEM;
		memset(s + r->nseconds, 0, (part->nseconds - r->nseconds) * sizeof(*s));
		r->seconds = s;
		r->nseconds = part->nseconds;
	}
	for (unsigned i = 0; i < part->nseconds; i++) {
		struct load_second *d = &r->seconds[i];
		const struct load_second *s = &part->seconds[i];

		d->requests += s->requests;
		d->errors += s->errors;
		d->bytes += s->bytes;
		if (s->span_s > d->span_s)
			d->span_s = s->span_s;
		/* a second's p99 is kept only as a figure: the hosts' worst
		 * bounds the merged one from above */
		if (s->p99_ns > d->p99_ns)
			d->p99_ns = s->p99_ns;
	}
	return 0;
}

static void add_counts(struct load_result *r, const struct load_result *p)
{
	r->threads += p->threads;
	r->connections += p->connections;
	r->rate_target += p->rate_target;
	r->users += p->users;
	r->requests += p->requests;
	r->sent += p->sent;
	r->bytes += p->bytes;
	r->connects += p->connects;
	r->rate += p->rate; /* each over its own window; the windows coincide */
	for (int k = 0; k < LOAD_ERR_KINDS; k++)
		r->errors[k] += p->errors[k];
	if (p->other_errno)
		r->other_errno = p->other_errno;
	for (int s = 0; s < LOAD_STATUS_MAX; s++)
		r->status[s] += p->status[s];
	r->non2xx += p->non2xx;
	r->errors_total += p->errors_total;
	r->unanswered += p->unanswered;
	if (p->unanswered_wait_ns > r->unanswered_wait_ns)
		r->unanswered_wait_ns = p->unanswered_wait_ns;
	r->starved += p->starved;
	r->cpu_user_s += p->cpu_user_s;
	r->cpu_sys_s += p->cpu_sys_s;
	r->timer_sends += p->timer_sends;
	r->late_sends += p->late_sends;
	if (p->max_lag_ns > r->max_lag_ns)
		r->max_lag_ns = p->max_lag_ns;
	r->users_started += p->users_started;
	r->connections_peak += p->connections_peak; /* peaks at about one time: at most */
	r->stopped |= p->stopped;
	if (p->duration_s > r->duration_s)
		r->duration_s = p->duration_s;
}

int load_results_merge(struct load_result *r, const struct load_result *parts, unsigned n)
{
	double lag_sum = 0, busy_threads = 0, busiest = 0;
	int err;

	memset(r, 0, sizeof(*r));
	err = histogram_init(&r->latency, HISTOGRAM_PRECISE);
	if (!err)
		err = histogram_init(&r->connect, HISTOGRAM_PRECISE);
	if (err)
		return err;
	if (!n)
		return -EINVAL;
	r->scenario = parts[0].scenario;
	snprintf(r->url, sizeof(r->url), "%s", parts[0].url);
	for (unsigned i = 0; i < n; i++) {
		const struct load_result *p = &parts[i];

		if (p->scenario != r->scenario)
			return -EINVAL;
		err = histogram_merge(&r->latency, &p->latency);
		if (!err)
			err = histogram_merge(&r->connect, &p->connect);
		if (!err)
			err = add_series(r, p);
		if (err)
			return err;
		add_counts(r, p);
		lag_sum += p->mean_lag_ns * p->timer_sends;
		busy_threads += p->cpu_busy * p->threads;
		if (p->cpu_busy > busiest)
			busiest = p->cpu_busy;
	}
	r->mean_lag_ns = r->timer_sends ? lag_sum / r->timer_sends : 0;
	/* of all the hosts' threads; each ran the same time */
	r->cpu_busy = r->threads ? busy_threads / r->threads : 0;
	load_judge_schedule(r, busiest);
	return 0;
}
