// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * accept_queue: how deep the target's listen (accept) queues get.
 *
 * enqueue (tp_btf/sk_data_ready, 6.3+): a TCP listener's sk_data_ready
 * runs when a child has been put on its accept queue: the final ACK of
 * the handshake (tcp_child_process) or a fast-open SYN (tcp_try_fastopen).
 * The child is already counted in sk_ack_backlog then
 * (inet_csk_reqsk_queue_add() ran first), so the depth read here includes
 * it. The kernel takes one more child while sk_ack_backlog <=
 * sk_max_ack_backlog (sk_acceptq_is_full() is "backlog > max"), so a queue
 * nobody accepts from peaks at limit + 1, and "at the limit" below means
 * exactly sk_acceptq_is_full() after the enqueue: the next SYN is dropped.
 *
 * sample (iter/tcp): run by user space every 100 ms; one record per
 * target listener: depth, limit, SYN queue, drops. The tracepoint cannot
 * see accept() take children off, so only a sample tells a drained queue
 * from a full one that nobody accepts from.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "probes/accept_queue.h"
#include "probes/bits.bpf.h"
#include "probes/target.bpf.h"

#define AF_INET	 2
#define AF_INET6 10

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct acceptq_counts);
} counts SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, ACCEPTQ_INTERVAL_SLOTS);
	__type(key, __u32);
	__type(value, struct acceptq_interval);
} intervals SEC(".maps");

/* A TCP listening socket: AF_UNIX listeners are TCP_LISTEN too. */
static __always_inline bool tcp_listener(const struct sock_common *skc)
{
	return skc->skc_state == TCP_LISTEN &&
	       (skc->skc_family == AF_INET || skc->skc_family == AF_INET6);
}

SEC("tp_btf/sk_data_ready")
int BPF_PROG(enqueue, const struct sock *sk)
{
	struct acceptq_interval *iv;
	struct acceptq_counts *c;
	__u32 depth, limit, zero = 0, slot;
	__u64 now;

	/* every data packet of every socket passes here: cheapest test first */
	if (!tcp_listener(&sk->__sk_common) || !sock_in_target((struct sock *)sk))
		return 0;
	depth = sk->sk_ack_backlog;
	limit = sk->sk_max_ack_backlog;

	/* per CPU, and a program never nests with itself on one CPU */
	c = bpf_map_lookup_elem(&counts, &zero);
	if (!c)
		return 0;
	c->enqueues++;
	if (depth > limit)
		c->at_limit++;
	if (depth > c->max_depth)
		c->max_depth = depth;
	if (limit > c->limit)
		c->limit = limit;
	log2_hist_add(&c->depth, depth);

	now = bpf_ktime_get_ns() / ACCEPTQ_INTERVAL_NS;
	slot = now % ACCEPTQ_INTERVAL_SLOTS;
	iv = bpf_map_lookup_elem(&intervals, &slot);
	if (!iv)
		return 0;
	if (iv->interval != now) {
		iv->interval = now;
		iv->enqueues = 0;
		iv->peak = 0;
	}
	iv->enqueues++;
	if (depth > iv->peak)
		iv->peak = depth;
	return 0;
}

/*
 * The iterator visits the listening hash before the established one, so
 * the first socket that is not a listener means there are no more: it
 * writes an end record, and user space, which reads one record at a time,
 * stops there instead of walking (and locking) every connection.
 * The sampler clears listeners_done before each pass.
 */
bool listeners_done = false;

SEC("iter/tcp")
int sample(struct bpf_iter__tcp *ctx)
{
	struct sock_common *skc = ctx->sk_common;
	struct acceptq_listener rec = {};
	struct tcp_sock *tp;
	struct sock *sk;

	if (!skc)
		return 0;
	if (skc->skc_state != TCP_LISTEN) {
		if (!listeners_done) {
			listeners_done = true;
			rec.end = 1;
			bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
		}
		return 0;
	}
	if (!tcp_listener(skc))
		return 0;
	tp = bpf_skc_to_tcp_sock(skc);
	if (!tp)
		return 0;
	sk = (struct sock *)tp;
	if (!sock_in_target(sk))
		return 0;
	rec.depth = sk->sk_ack_backlog;
	rec.limit = sk->sk_max_ack_backlog;
	rec.syn_queue = tp->inet_conn.icsk_accept_queue.qlen.counter;
	rec.drops = sk->sk_drops.counter;
	rec.port = skc->skc_num;
	bpf_seq_write(ctx->meta->seq, &rec, sizeof(rec));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
