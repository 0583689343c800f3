/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* accept_queue: types shared by accept_queue.bpf.c and its loader. */
#ifndef WHYSERVE_ACCEPT_QUEUE_H
#define WHYSERVE_ACCEPT_QUEUE_H

#include "probes/hist.h"

/* The time series is cut in 100 ms intervals of the monotonic clock
 * (bpf_ktime_get_ns() / ACCEPTQ_INTERVAL_NS); the kernel keeps the last
 * ACCEPTQ_INTERVAL_SLOTS of them, user space reads each once it is over. */
#define ACCEPTQ_INTERVAL_NS    100000000ULL
#define ACCEPTQ_INTERVAL_SLOTS 64

/* Per CPU, from tp_btf/sk_data_ready on the target's listening sockets. */
struct acceptq_counts {
	__u64 enqueues;		/* children queued for accept() */
	__u64 at_limit;		/* ... after which the queue was full (depth > limit) */
	__u32 max_depth;	/* deepest queue seen at an enqueue */
	__u32 limit;		/* largest sk_max_ack_backlog seen */
	struct log2_hist depth; /* depth at each enqueue, the new child included */
};

/* Per CPU, slot interval % ACCEPTQ_INTERVAL_SLOTS. */
struct acceptq_interval {
	__u64 interval; /* which 100 ms interval the slot holds now */
	__u32 enqueues;
	__u32 peak; /* deepest queue seen at an enqueue in it */
};

/* One record per target listening socket, written by the iter/tcp program. */
struct acceptq_listener {
	__u32 depth;	 /* sk_ack_backlog: established, waiting for accept() */
	__u32 limit;	 /* sk_max_ack_backlog: min(listen backlog, somaxconn) */
	__u32 syn_queue; /* icsk_accept_queue.qlen: half-open (SYN_RECV) */
	__u32 drops;	 /* sk_drops: SYNs and ACKs this listener dropped */
	__u32 port;
	__u32 end; /* no listener: the listeners are over */
};

#endif
