// SPDX-License-Identifier: MIT
/*
 * accept_queue probe, user space: load, attach, a sampler thread that runs
 * the iter/tcp program every 100 ms in the target's network namespace,
 * and the netstat deltas of that namespace.
 */
#include "common/clock.h"
#include "probes/accept_queue_probe.h"
#include "probes/hist_json.h"
#include "probes/hist_print.h"
#include "probes/hooks.h"
#include "probes/netstat.h"
#include "probes/stats_json.h"
#include "probes/accept_queue.skel.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

struct netstat {
	__u64 overflows, drops, synq_drops, cookies;
};

struct accept_queue_probe {
	struct accept_queue_bpf *skel;
	struct probe_target target;
	int ncpus;
	bool have_enqueues, have_samples;
	int netns_fd; /* the target's netns, for the sampler; -1: ours */
	int stop_fd;  /* eventfd: the sampler ends */
	int kick_fd;  /* eventfd: the sampler takes a baseline sample now */
	pthread_t sampler;
	bool sampling;
	bool can_sample; /* the sampler is in the target's netns */
	pthread_cond_t baseline_taken;
	bool want_baseline;
	bool sampler_gone; /* it ended (stopped, or no timer): nobody to wait for */

	pthread_mutex_t lock;	  /* everything below; the sampler writes it */
	__u64 t0_ns;		  /* attach or reset */
	__u64 next_interval;	  /* first 100 ms interval not yet collected */
	struct acceptq_point acc; /* the point being filled */
	__u32 acc_ticks, every;	  /* ticks in acc; ticks per point */
	__u32 len;
	struct acceptq_point points[ACCEPTQ_SERIES_MAX];
	__u64 samples, samples_full, sample_ns;
	__u32 listeners, max_sampled_depth, max_syn_queue;
	__u64 drops_first, drops_last;
	bool have_drops_first;
	bool have_netstat;
	struct netstat base;
	struct prog_cost cost_base;
	char why[192];
};

/* per-CPU map values are read as arrays of ncpus values of these sizes */
_Static_assert(sizeof(struct acceptq_counts) % 8 == 0, "per-CPU value size");
_Static_assert(sizeof(struct acceptq_interval) % 8 == 0, "per-CPU value size");
_Static_assert(ACCEPTQ_SERIES_MAX % 2 == 0, "the series halves when full");

/* ------------------------------------------------------------ netstat */

/* The target namespace's counters of listen drops, in struct netstat's order. */
static const char *const netstat_names[] = {
	"TcpExt:ListenOverflows",
	"TcpExt:ListenDrops",
	"TcpExt:TCPReqQFullDrop",
	"TcpExt:TCPReqQFullDoCookies",
};
_Static_assert(sizeof(struct netstat) == sizeof(netstat_names) / sizeof(netstat_names[0]) * 8,
	       "one counter per name");

static int listen_netstat(pid_t pid, struct netstat *ns)
{
	return netstat_read(pid, netstat_names, 4, (__u64 *)ns);
}

/* ------------------------------------------------------------ sampler */

/* Enqueues and peak of one finished 100 ms interval, over all CPUs. */
static void interval_collect(struct accept_queue_probe *p, __u64 iv, struct acceptq_point *pt)
{
	struct acceptq_interval vals[p->ncpus];
	__u32 slot = iv % ACCEPTQ_INTERVAL_SLOTS;

	if (bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.intervals), &slot, vals))
		return;
	for (int c = 0; c < p->ncpus; c++) {
		if (vals[c].interval != iv)
			continue;
		pt->enqueues += vals[c].enqueues;
		if (vals[c].peak > pt->peak)
			pt->peak = vals[c].peak;
	}
}

struct sample {
	__u32 listeners, depth, max_depth, limit, syn_queue, full;
	__u64 drops;
};

/* Runs the iter/tcp program once: one record per target listener. */
static int sample_take(struct accept_queue_probe *p, struct sample *s)
{
	struct acceptq_listener r;
	ssize_t n;
	int fd;

	memset(s, 0, sizeof(*s));
	p->skel->bss->listeners_done = false;
	fd = bpf_iter_create(bpf_link__fd(p->skel->links.sample));
	if (fd < 0)
		return -errno;
	/* one record per read: the iterator stops as soon as it has one, so
	 * closing at the end record spares the walk of the connections */
	while ((n = read(fd, &r, sizeof(r))) == sizeof(r) && !r.end) {
		s->listeners++;
		s->depth += r.depth;
		s->syn_queue += r.syn_queue;
		s->drops += r.drops;
		if (r.depth >= s->max_depth) {
			s->max_depth = r.depth;
			s->limit = r.limit;
		}
		if (r.depth > r.limit)
			s->full = 1;
	}
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? n : 0;
}

/* Two neighbouring points become one: maxima, and sums of counts. */
static void point_merge(struct acceptq_point *a, const struct acceptq_point *b)
{
	a->t_ms = b->t_ms;
	a->depth = a->depth > b->depth ? a->depth : b->depth;
	if (b->max_depth >= a->max_depth) {
		a->max_depth = b->max_depth;
		a->limit = b->limit;
	}
	a->syn_queue = a->syn_queue > b->syn_queue ? a->syn_queue : b->syn_queue;
	a->enqueues += b->enqueues;
	a->peak = a->peak > b->peak ? a->peak : b->peak;
	a->full += b->full;
}

/* One tick of 100 ms: called with p->lock held. */
static void tick(struct accept_queue_probe *p, __u64 now, const struct sample *s, bool sampled)
{
	struct acceptq_point pt = { 0 };
	__u64 iv = now / ACCEPTQ_INTERVAL_NS;

	/* intervals older than the kernel's ring are gone: skip them */
	if (iv - p->next_interval > ACCEPTQ_INTERVAL_SLOTS - 1)
		p->next_interval = iv - (ACCEPTQ_INTERVAL_SLOTS - 1);
	for (; p->next_interval < iv; p->next_interval++)
		interval_collect(p, p->next_interval, &pt);
	pt.t_ms = (now - p->t0_ns) / 1000000;
	if (sampled) {
		pt.depth = s->depth;
		pt.max_depth = s->max_depth;
		pt.limit = s->limit;
		pt.syn_queue = s->syn_queue;
		pt.full = s->full;
		p->samples++;
		p->samples_full += s->full;
		p->listeners = s->listeners;
		if (s->max_depth > p->max_sampled_depth)
			p->max_sampled_depth = s->max_depth;
		if (s->syn_queue > p->max_syn_queue)
			p->max_syn_queue = s->syn_queue;
		if (!p->have_drops_first) {
			p->drops_first = s->drops;
			p->have_drops_first = true;
		}
		p->drops_last = s->drops;
	}
	if (p->acc_ticks)
		point_merge(&p->acc, &pt);
	else
		p->acc = pt;
	if (++p->acc_ticks < p->every)
		return;
	if (p->len == ACCEPTQ_SERIES_MAX) {
		/* full: halve the resolution; the point being filled goes on
		 * to cover as many ticks as the merged ones */
		for (__u32 i = 0; i < p->len / 2; i++) {
			p->points[i] = p->points[2 * i];
			point_merge(&p->points[i], &p->points[2 * i + 1]);
		}
		p->len /= 2;
		p->every *= 2;
		return;
	}
	p->points[p->len++] = p->acc;
	p->acc_ticks = 0;
}

/* The drops counted from here on start at this sample: lock held. */
static void baseline(struct accept_queue_probe *p)
{
	struct sample s;

	if (p->can_sample && sample_take(p, &s) == 0) {
		p->drops_first = p->drops_last = s.drops;
		p->have_drops_first = true;
	}
	p->want_baseline = false;
	pthread_cond_broadcast(&p->baseline_taken);
}

static void *sampler_main(void *arg)
{
	struct accept_queue_probe *p = arg;
	struct itimerspec its = { .it_interval.tv_nsec = ACCEPTQ_INTERVAL_NS };
	struct pollfd pfd[3];
	__u64 now, t0, n;
	int tfd;

	pthread_mutex_lock(&p->lock);
	p->can_sample = p->have_samples;
	if (p->can_sample && p->netns_fd >= 0 && setns(p->netns_fd, CLONE_NEWNET)) {
		add_why(p->why, sizeof(p->why),
			"samples (iter/tcp): cannot enter the target's network namespace: %s",
			strerror(errno));
		p->can_sample = false;
	}
	baseline(p);
	pthread_mutex_unlock(&p->lock);

	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (tfd < 0)
		goto out;
	/* tick 1 ms after each 100 ms boundary, once the interval is over */
	now = (mono_ns() / ACCEPTQ_INTERVAL_NS + 1) * ACCEPTQ_INTERVAL_NS + 1000000;
	its.it_value.tv_sec = now / 1000000000ULL;
	its.it_value.tv_nsec = now % 1000000000ULL;
	timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
	pfd[0] = (struct pollfd){ .fd = tfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = p->kick_fd, .events = POLLIN };
	pfd[2] = (struct pollfd){ .fd = p->stop_fd, .events = POLLIN };
	for (;;) {
		struct sample s;
		bool sampled = false;

		if (poll(pfd, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[2].revents)
			break;
		if ((pfd[1].revents & POLLIN) && read(p->kick_fd, &n, sizeof(n)) > 0) {
			pthread_mutex_lock(&p->lock);
			if (p->want_baseline)
				baseline(p);
			pthread_mutex_unlock(&p->lock);
		}
		if (!(pfd[0].revents & POLLIN) || read(tfd, &n, sizeof(n)) < 0)
			continue;
		pthread_mutex_lock(&p->lock);
		t0 = mono_ns();
		if (p->can_sample)
			sampled = sample_take(p, &s) == 0;
		now = mono_ns();
		p->sample_ns += now - t0;
		tick(p, now, &s, sampled);
		pthread_mutex_unlock(&p->lock);
	}
	close(tfd);
out:
	pthread_mutex_lock(&p->lock);
	p->sampler_gone = true;
	p->want_baseline = false;
	pthread_cond_broadcast(&p->baseline_taken);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* ------------------------------------------------------------ lifecycle */

int accept_queue_probe_open(void **probe, const struct probe_target *t, char *why, size_t len)
{
	char why_enq[128], why_iter[128];
	struct accept_queue_probe *p;
	int err;

	*probe = NULL;
	why[0] = '\0';
	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->target = *t;
	p->netns_fd = p->stop_fd = p->kick_fd = -1;
	p->every = 1;
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->baseline_taken, NULL);
	p->ncpus = libbpf_num_possible_cpus();
	/* decided before load: each part goes without the other */
	p->have_enqueues = hook_exists("tp_btf/sk_data_ready", why_enq, sizeof(why_enq)) == 0;
	p->have_samples = hook_exists("iter/tcp", why_iter, sizeof(why_iter)) == 0;
	if (!p->have_enqueues)
		add_why(p->why, sizeof(p->why), "depth at enqueue (tp_btf/sk_data_ready): %s%s",
			why_enq, kernel_at_least(6, 3) ? "" : " (sock:sk_data_ready: Linux 6.3)");
	if (!p->have_samples)
		add_why(p->why, sizeof(p->why), "samples (iter/tcp): %s", why_iter);
	if (!p->have_enqueues && !p->have_samples) {
		snprintf(why, len, "%s", p->why);
		err = -EOPNOTSUPP;
		goto fail;
	}

	p->skel = accept_queue_bpf__open();
	if (!p->skel) {
		err = -errno;
		snprintf(why, len, "failed to open BPF object: %s", strerror(-err));
		goto fail;
	}
	p->skel->rodata->target_cgroup_id = t->cgroup_id;
	bpf_program__set_autoload(p->skel->progs.enqueue, p->have_enqueues);
	bpf_program__set_autoload(p->skel->progs.sample, p->have_samples);
	err = accept_queue_bpf__load(p->skel);
	if (err) {
		hooks_load_why(err, why, len);
		goto fail;
	}
	*probe = p;
	return 0;
fail:
	accept_queue_probe_destroy(p);
	return err;
}

static void zero_maps(struct accept_queue_probe *p)
{
	size_t csz = p->ncpus * sizeof(struct acceptq_counts);
	size_t isz = p->ncpus * sizeof(struct acceptq_interval);
	void *z = calloc(1, csz > isz ? csz : isz);
	__u32 k = 0;

	if (!z)
		return;
	bpf_map_update_elem(bpf_map__fd(p->skel->maps.counts), &k, z, BPF_ANY);
	for (k = 0; k < ACCEPTQ_INTERVAL_SLOTS; k++)
		bpf_map_update_elem(bpf_map__fd(p->skel->maps.intervals), &k, z, BPF_ANY);
	free(z);
}

/* Starts a new measurement: called with p->lock held. */
static void restart(struct accept_queue_probe *p)
{
	p->t0_ns = mono_ns();
	p->next_interval = p->t0_ns / ACCEPTQ_INTERVAL_NS;
	p->len = p->acc_ticks = 0;
	p->every = 1;
	p->samples = p->samples_full = p->sample_ns = 0;
	p->listeners = p->max_sampled_depth = p->max_syn_queue = 0;
	p->have_drops_first = false;
	p->drops_first = p->drops_last = 0;
	zero_maps(p);
	p->have_netstat = listen_netstat(p->target.pid, &p->base) == 0;
	prog_cost_read(p->skel->obj, &p->cost_base);
}

int accept_queue_probe_attach(void *probe, char *why, size_t len)
{
	struct accept_queue_probe *p = probe;
	sigset_t all, old;
	char path[64];
	int err;

	why[0] = '\0';
	err = accept_queue_bpf__attach(p->skel);
	if (err) {
		snprintf(why, len, "failed to attach: %s", strerror(-err));
		return err;
	}
	if (p->target.pid > 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/net", p->target.pid);
		p->netns_fd = open(path, O_RDONLY | O_CLOEXEC);
		if (p->netns_fd < 0)
			add_why(p->why, sizeof(p->why), "no network namespace of pid %d: %s",
				p->target.pid, strerror(errno));
	}
	p->stop_fd = eventfd(0, EFD_CLOEXEC);
	p->kick_fd = eventfd(0, EFD_CLOEXEC);
	if (p->stop_fd < 0 || p->kick_fd < 0) {
		err = -errno;
		snprintf(why, len, "failed to create an eventfd: %s", strerror(-err));
		return err;
	}
	pthread_mutex_lock(&p->lock);
	restart(p);
	if (!p->have_netstat)
		add_why(p->why, sizeof(p->why), "overflows: cannot read %s/net/netstat",
			p->target.pid > 0 ? "/proc/PID" : "/proc/self");
	p->want_baseline = true;
	/* signals are for the caller's threads, not the sampler */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&p->sampler, NULL, sampler_main, p);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		pthread_mutex_unlock(&p->lock);
		snprintf(why, len, "failed to start the sampler: %s", strerror(err));
		return -err;
	}
	p->sampling = true;
	/* the first sample is the baseline of the drops */
	while (p->want_baseline)
		pthread_cond_wait(&p->baseline_taken, &p->lock);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

int accept_queue_probe_reset(void *probe)
{
	struct accept_queue_probe *p = probe;
	__u64 one = 1;

	pthread_mutex_lock(&p->lock);
	restart(p);
	if (p->sampling && !p->sampler_gone) {
		p->want_baseline = true;
		if (write(p->kick_fd, &one, sizeof(one)) == sizeof(one))
			while (p->want_baseline)
				pthread_cond_wait(&p->baseline_taken, &p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return 0;
}

int accept_queue_probe_read(void *probe, void *out)
{
	struct accept_queue_probe *p = probe;
	struct accept_queue_stats *s = out;
	struct acceptq_counts vals[p->ncpus];
	struct netstat now;
	__u32 k = 0;
	int err;

	memset(s, 0, sizeof(*s));
	err = bpf_map_lookup_elem(bpf_map__fd(p->skel->maps.counts), &k, vals);
	if (err)
		return -errno;
	s->have_enqueues = p->have_enqueues;
	for (int c = 0; c < p->ncpus; c++) {
		s->enqueues += vals[c].enqueues;
		s->at_limit += vals[c].at_limit;
		if (vals[c].max_depth > s->max_depth)
			s->max_depth = vals[c].max_depth;
		if (vals[c].limit > s->limit)
			s->limit = vals[c].limit;
		for (int i = 0; i < LOG2_SLOTS; i++)
			s->depth.slots[i] += vals[c].depth.slots[i];
	}

	pthread_mutex_lock(&p->lock);
	s->have_samples = p->can_sample;
	s->listeners = p->listeners;
	s->samples = p->samples;
	s->samples_full = p->samples_full;
	s->max_sampled_depth = p->max_sampled_depth;
	s->max_syn_queue = p->max_syn_queue;
	/* a sum over the listeners of the moment: it can fall when one closes */
	s->listener_drops = p->drops_last > p->drops_first ? p->drops_last - p->drops_first : 0;
	s->every_ms = p->every * (ACCEPTQ_INTERVAL_NS / 1000000);
	s->series_len = p->len;
	memcpy(s->series, p->points, p->len * sizeof(p->points[0]));
	s->sample_ns = p->sample_ns;
	if (p->have_netstat && listen_netstat(p->target.pid, &now) == 0) {
		s->have_netstat = true;
		s->listen_overflows = now.overflows - p->base.overflows;
		s->listen_drops = now.drops - p->base.drops;
		s->synq_drops = now.synq_drops - p->base.synq_drops;
		s->syn_cookies = now.cookies - p->base.cookies;
	}
	snprintf(s->why, sizeof(s->why), "%s", p->why);
	prog_cost_since(p->skel->obj, &p->cost_base, &s->cost);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

void accept_queue_probe_destroy(void *probe)
{
	struct accept_queue_probe *p = probe;

	if (!p)
		return;
	if (p->sampling) {
		__u64 one = 1;

		if (write(p->stop_fd, &one, sizeof(one)) == sizeof(one))
			pthread_join(p->sampler, NULL);
	}
	if (p->stop_fd >= 0)
		close(p->stop_fd);
	if (p->kick_fd >= 0)
		close(p->kick_fd);
	if (p->netns_fd >= 0)
		close(p->netns_fd);
	accept_queue_bpf__destroy(p->skel);
	pthread_cond_destroy(&p->baseline_taken);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* ------------------------------------------------------------ output */

static double pct(__u64 a, __u64 b)
{
	return b ? 100.0 * a / b : 0.0;
}

void accept_queue_stats_print(FILE *f, const void *stats)
{
	const struct accept_queue_stats *s = stats;

	fprintf(f, "accept queue\n");
	if (s->have_enqueues) {
		fprintf(f,
			"  enqueues %llu, deepest %u (limit %u), full after %llu of them (%.1f%%)\n",
			(unsigned long long)s->enqueues, s->max_depth, s->limit,
			(unsigned long long)s->at_limit, pct(s->at_limit, s->enqueues));
		fprintf(f, "  depth at enqueue (the new connection included):\n");
		print_log2_hist(f, &s->depth, "depth");
	}
	if (s->have_samples) {
		fprintf(f,
			"  sampled every 100 ms: %u listener(s), full in %llu of %llu samples (%.1f%%), "
			"deepest %u, SYN queue up to %u, %llu drops on the listeners\n",
			s->listeners, (unsigned long long)s->samples_full,
			(unsigned long long)s->samples, pct(s->samples_full, s->samples),
			s->max_sampled_depth, s->max_syn_queue,
			(unsigned long long)s->listener_drops);
		fprintf(f, "  time series: %u points of %u ms\n", s->series_len, s->every_ms);
	}
	if (s->have_netstat)
		fprintf(f,
			"  netns: ListenOverflows %llu, ListenDrops %llu, "
			"SYN queue full: %llu dropped, %llu cookies\n",
			(unsigned long long)s->listen_overflows,
			(unsigned long long)s->listen_drops, (unsigned long long)s->synq_drops,
			(unsigned long long)s->syn_cookies);
	if (s->why[0])
		fprintf(f, "  missing: %s\n", s->why);
}

/* ------------------------------------------------------------ results.json */

/*
 * The series as columns, {"every_ms": 100, "t_ms": [...], "depth": [...],
 * ...}: a column is one member of every point (member: series[0]'s).
 * t_ms, the first column read, says how many points there are; the
 * others must have as many.
 */
static json_t *column_to_json(const void *member, const void *stats)
{
	const struct accept_queue_stats *s = stats;
	const char *m = member;
	json_t *col = json_array();

	for (__u32 i = 0; col && i < s->series_len; i++) {
		const __u32 *v = (const __u32 *)(m + i * sizeof(s->series[0]));

		if (json_array_append_new(col, json_integer(*v))) {
			json_decref(col);
			return NULL;
		}
	}
	return col;
}

static int column_from_json(const json_t *col, void *member, void *stats)
{
	struct accept_queue_stats *s = stats;
	char *m = member;
	const json_t *v;
	size_t i;

	if (!json_is_array(col))
		return -EINVAL;
	if (m == (char *)&s->series[0].t_ms) {
		if (json_array_size(col) > ACCEPTQ_SERIES_MAX)
			return -ERANGE;
		s->series_len = json_array_size(col);
	} else if (json_array_size(col) != s->series_len) {
		return -EINVAL;
	}
	json_array_foreach(col, i, v) {
		if (!json_is_integer(v))
			return -EINVAL;
		if (json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX)
			return -ERANGE;
		*(__u32 *)(m + i * sizeof(s->series[0])) = json_integer_value(v);
	}
	return 0;
}

static const struct jm_codec column_json = { column_to_json, column_from_json };

#define COLUMN(m) JM_CODEC(struct accept_queue_stats, #m, series[0].m, column_json)
static const struct jm_field series_fields[] = {
	JM_UINT(struct accept_queue_stats, "every_ms", every_ms),
	COLUMN(t_ms),
	COLUMN(depth),
	COLUMN(max_depth),
	COLUMN(limit),
	COLUMN(syn_queue),
	COLUMN(enqueues),
	COLUMN(peak),
	COLUMN(full),
};
#undef COLUMN
JM_TABLE(series_table, series_fields);

static const struct jm_field enqueue_fields[] = {
	JM_U64(struct accept_queue_stats, "count", enqueues),
	JM_U64(struct accept_queue_stats, "at_limit", at_limit),
	JM_UINT(struct accept_queue_stats, "max_depth", max_depth),
	JM_UINT(struct accept_queue_stats, "limit", limit),
	JM_CODEC(struct accept_queue_stats, "depth", depth, log2_hist_depth_json),
};
JM_TABLE(enqueue_table, enqueue_fields);

static const struct jm_field sample_fields[] = {
	JM_UINT(struct accept_queue_stats, "listeners", listeners),
	JM_U64(struct accept_queue_stats, "count", samples),
	JM_U64(struct accept_queue_stats, "full", samples_full),
	JM_UINT(struct accept_queue_stats, "max_depth", max_sampled_depth),
	JM_UINT(struct accept_queue_stats, "max_syn_queue", max_syn_queue),
	JM_U64(struct accept_queue_stats, "listener_drops", listener_drops),
	JM_U64(struct accept_queue_stats, "sample_ns", sample_ns),
	JM_GROUP("series", series_table),
};
JM_TABLE(sample_table, sample_fields);

static const struct jm_field netstat_fields[] = {
	JM_U64(struct accept_queue_stats, "ListenOverflows", listen_overflows),
	JM_U64(struct accept_queue_stats, "ListenDrops", listen_drops),
	JM_U64(struct accept_queue_stats, "TCPReqQFullDrop", synq_drops),
	JM_U64(struct accept_queue_stats, "TCPReqQFullDoCookies", syn_cookies),
};
JM_TABLE(netstat_table, netstat_fields);

static bool has_why(const void *s)
{
	return ((const struct accept_queue_stats *)s)->why[0];
}

/* what was not measured is not in the record */
static const struct jm_field stats_fields[] = {
	{ JM_FIELD("enqueues", 0, JM_OBJ), .sub = &enqueue_table,
	  JM_HAVE(struct accept_queue_stats, have_enqueues) },
	{ JM_FIELD("samples", 0, JM_OBJ), .sub = &sample_table,
	  JM_HAVE(struct accept_queue_stats, have_samples) },
	{ JM_FIELD("netstat", 0, JM_OBJ), .sub = &netstat_table,
	  JM_HAVE(struct accept_queue_stats, have_netstat) },
	STATS_COST(struct accept_queue_stats),
	STATS_MISSING(struct accept_queue_stats, has_why),
};
JM_TABLE(stats_table, stats_fields);

json_t *accept_queue_stats_to_json(const void *stats)
{
	return jm_to_json(stats, &stats_table);
}

int accept_queue_stats_from_json(const json_t *j, void *stats)
{
	memset(stats, 0, sizeof(struct accept_queue_stats));
	return jm_read(j, stats, &stats_table);
}

const struct probe_ops accept_queue_probe_ops = {
	.name = "accept_queue",
	.yields = "accept-queue depth and its time at the limit, listen overflows",
	.open = accept_queue_probe_open,
	.attach = accept_queue_probe_attach,
	.read = accept_queue_probe_read,
	.reset = accept_queue_probe_reset,
	.destroy = accept_queue_probe_destroy,
	.print = accept_queue_stats_print,
	.to_json = accept_queue_stats_to_json,
	.from_json = accept_queue_stats_from_json,
	.cost = offsetof(struct accept_queue_stats, cost),
	.why = offsetof(struct accept_queue_stats, why),
};
