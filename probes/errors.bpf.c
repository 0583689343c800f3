// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * errors: what the kernel did when a connection went wrong, on the
 * experiment's sockets only.
 *
 *   tcp_send_reset     a reset sent, with the kernel's reason (6.10+) and
 *                      the sender's state; sk NULL: no socket took the segment
 *   tcp_receive_reset  a reset received, in the receiver's state
 *   inet_sock_set_state who closed first (the server's sockets), and FINs
 *                      sent by an exiting task
 *   kfree_skb          packets dropped, by the kernel's drop reason
 *
 * All four fire only on errors, drops and state changes, machine-wide:
 * the experiment's network namespace (target_netns, its inode number) is
 * the first test, one compare, so elsewhere they cost next to nothing.
 * Without a netns of its own (target_netns 0) only the server's sockets
 * are counted.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "probes/errors.h"
#include "probes/target.bpf.h"

#define PF_EXITING 0x00000004 /* include/linux/sched.h: getting shut down */

const volatile __u32 target_netns = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct errors_counts);
} counts SEC(".maps");

static __always_inline struct errors_counts *counts_here(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counts, &zero);
}

static __always_inline __u32 netns_of_sock(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
}

/* A socket of the experiment, and whose; -1: not the experiment's. */
static __always_inline int side_of(const struct sock *sk, __u8 state)
{
	bool server;

	if (target_netns && netns_of_sock(sk) != target_netns)
		return -1;
	/* a TIME_WAIT socket keeps no cgroup; a request socket's is its listener's */
	if (state == TCP_TIME_WAIT)
		return target_netns ? ERRORS_NO_OWNER : -1;
	if (state == TCP_NEW_SYN_RECV)
		sk = BPF_CORE_READ(sk, __sk_common.skc_listener); /* rsk_listener */
	server = sk && sock_in_target((struct sock *)sk);
	if (!server && !target_netns)
		return -1;
	return server ? ERRORS_SERVER : ERRORS_CLIENT;
}

static __always_inline __u8 state_of(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_state);
}

SEC("tp_btf/tcp_send_reset")
int BPF_PROG(send_reset, const struct sock *sk, const struct sk_buff *skb, int reason)
{
	struct errors_counts *c;
	__u8 state = 0;
	int side;

	if (sk) {
		state = state_of(sk);
		side = side_of(sk, state);
	} else {
		/* no socket: the segment's own namespace says whose it was */
		if (!target_netns || !skb ||
		    BPF_CORE_READ(skb, dev, nd_net.net, ns.inum) != target_netns)
			return 0;
		side = ERRORS_NO_OWNER;
	}
	if (side < 0 || !(c = counts_here()))
		return 0;
	__sync_fetch_and_add(&c->rst_sent[side][(__u32)reason < ERRORS_RST_REASONS
							? reason
							: ERRORS_RST_REASONS - 1],
			     1);
	__sync_fetch_and_add(&c->rst_sent_state[side][state & (ERRORS_TCP_STATES - 1)], 1);
	return 0;
}

SEC("tp_btf/tcp_receive_reset")
int BPF_PROG(receive_reset, struct sock *sk)
{
	struct errors_counts *c;
	__u8 state;
	int side;

	if (!sk)
		return 0;
	state = state_of(sk);
	side = side_of(sk, state);
	if (side < 0 || !(c = counts_here()))
		return 0;
	__sync_fetch_and_add(&c->rst_received[side][state & (ERRORS_TCP_STATES - 1)], 1);
	return 0;
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(set_state, const struct sock *sk, int oldstate, int newstate)
{
	struct task_struct *task;
	struct errors_counts *c;

	/* cheapest first: only the transitions counted here */
	if (newstate != TCP_FIN_WAIT1 && newstate != TCP_CLOSE_WAIT && newstate != TCP_LAST_ACK)
		return 0;
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (side_of(sk, (__u8)oldstate) != ERRORS_SERVER || !(c = counts_here()))
		return 0;
	if (oldstate == TCP_ESTABLISHED && newstate == TCP_FIN_WAIT1)
		__sync_fetch_and_add(&c->server_closed_first, 1);
	else if (oldstate == TCP_ESTABLISHED && newstate == TCP_CLOSE_WAIT)
		__sync_fetch_and_add(&c->client_closed_first, 1);
	if (newstate == TCP_CLOSE_WAIT)
		return 0;
	/* the server's FIN leaves now, in the task that dropped the last copy */
	__sync_fetch_and_add(&c->fins, 1);
	task = bpf_get_current_task_btf();
	if (task->flags & PF_EXITING)
		__sync_fetch_and_add(&c->fin_at_exit, 1);
	return 0;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(drop, struct sk_buff *skb, void *location, int reason)
{
	struct errors_counts *c;
	struct sock *sk;
	__u32 ns;

	if (!target_netns)
		return 0;
	/* the device it came in on; else (on its way out) its socket */
	ns = BPF_CORE_READ(skb, dev, nd_net.net, ns.inum);
	if (!ns && (sk = BPF_CORE_READ(skb, sk)))
		ns = netns_of_sock(sk);
	if (ns != target_netns || !(c = counts_here()))
		return 0;
	__sync_fetch_and_add(&c->drops[(__u32)reason < ERRORS_DROP_REASONS
					       ? reason
					       : ERRORS_DROP_REASONS - 1],
			     1);
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
