/* SPDX-License-Identifier: MIT */
/*
 * accept_queue probe: how deep the target's accept queues get, how often
 * they are full, and what the kernel dropped. The API follows probes/probe.h.
 *
 *   enqueues   tp_btf/sk_data_ready (6.3+): the depth at every enqueue
 *   samples    iter/tcp, run every 100 ms by a thread of the probe in the
 *              target's network namespace: depth, SYN queue, per listener
 *   netstat    /proc/PID/net/netstat of the target: the drops of its netns
 *
 * Costs (struct prog_cost) are zero unless the caller holds
 * prog_stats_enable() while the probe runs.
 */
#ifndef WHYSERVE_ACCEPT_QUEUE_PROBE_H
#define WHYSERVE_ACCEPT_QUEUE_PROBE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include "probes/accept_queue.h"
#include "probes/probe.h"
#include "probes/prog_stats.h"

/* 1200 points of 100 ms: 2 minutes; a longer run merges neighbours and
 * doubles every_ms, so the series always covers the whole run. */
#define ACCEPTQ_SERIES_MAX 1200

/* One point of the time series: a window of every_ms (100 ms at first). */
struct acceptq_point {
	__u32 t_ms;	 /* end of the window, since attach or reset */
	__u32 depth;	 /* sampled: waiting for accept(), all target listeners */
	__u32 max_depth; /* sampled: the deepest single queue */
	__u32 limit;	 /* sampled: the largest limit (sk_max_ack_backlog) */
	__u32 syn_queue; /* sampled: half-open connections, all listeners */
	__u32 enqueues;	 /* connections queued in the window */
	__u32 peak;	 /* deepest queue seen at an enqueue in the window */
	__u32 full;	 /* samples in the window that found a queue full */
};

struct accept_queue_stats {
	/* at each enqueue; have_enqueues false without the tracepoint */
	bool have_enqueues;
	__u64 enqueues;
	__u64 at_limit;	 /* the queue was full after it: depth > limit */
	__u32 max_depth; /* a queue nobody accepts from peaks at limit + 1 */
	__u32 limit;	 /* largest sk_max_ack_backlog of a target listener */
	struct log2_hist depth;

	/* sampled every 100 ms; have_samples false without iter/tcp */
	bool have_samples;
	__u32 listeners; /* target listening sockets at the last sample */
	__u64 samples;
	__u64 samples_full; /* ... that found a target queue full: time at limit */
	__u32 max_sampled_depth, max_syn_queue;
	__u64 listener_drops; /* sk_drops of the target's listeners (delta) */
	__u32 every_ms;	      /* window of one series point */
	__u32 series_len;
	struct acceptq_point series[ACCEPTQ_SERIES_MAX];
	__u64 sample_ns; /* wall time spent taking the samples */

	/* deltas of the target's netns counters (pid 0: ours); they count
	 * packets, not connections: a client's retransmitted SYN (1 s, 3 s,
	 * ...) is dropped and counted again. have_netstat false without */
	bool have_netstat;
	__u64 listen_overflows; /* accept queue full: SYN or final ACK dropped */
	__u64 listen_drops;	/* every drop at a listener, overflows included */
	__u64 synq_drops;	/* SYN queue full, no cookies: TCPReqQFullDrop */
	__u64 syn_cookies;	/* SYN queue full, answered with a cookie */

	struct prog_cost cost; /* both programs: enqueue runs for every sk_data_ready
				 * on the machine, sample once per listener */
	char why[192];	       /* what is missing and why; "" when all works */
};

/* The calls of probes/probe.h, on its common types: p is a handle from
 * open, stats a struct accept_queue_stats. */
extern const struct probe_ops accept_queue_probe_ops;

int accept_queue_probe_open(void **p, const struct probe_target *t, char *why, size_t len);
int accept_queue_probe_attach(void *p, char *why, size_t len);
int accept_queue_probe_read(void *p, void *stats);
int accept_queue_probe_reset(void *p);
void accept_queue_probe_destroy(void *p);

void accept_queue_stats_print(FILE *f, const void *stats);
json_t *accept_queue_stats_to_json(const void *stats);
/* The inverse, from results.json: 0, or -EINVAL (not such a record) or
 * -ERANGE (a value that does not fit its member). */
int accept_queue_stats_from_json(const json_t *j, void *stats);

#endif
