/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* errors: types shared by errors.bpf.c and its loader. */
#ifndef WHYSERVE_ERRORS_H
#define WHYSERVE_ERRORS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Whose socket an event is on: the server's (created in its cgroup), another
 * in the experiment's network namespace (the load generator's), or none: a
 * reset answering a segment no socket took, or sent for a TIME_WAIT socket,
 * which keeps no owner. */
enum errors_side {
	ERRORS_SERVER,
	ERRORS_CLIENT,
	ERRORS_NO_OWNER,
	ERRORS_SIDES,
};

/* enum sk_rst_reason (6.10+) ends below 32 today; one past is the last slot */
#define ERRORS_RST_REASONS 32
/* TCP states (TCP_ESTABLISHED 1 ... TCP_NEW_SYN_RECV 12, TCP_BOUND_INACTIVE 13) */
#define ERRORS_TCP_STATES 16
/* enum skb_drop_reason's core reasons (about 130 today); a subsystem's
 * reason (high 16 bits set) or one past the table counts in the last slot */
#define ERRORS_DROP_REASONS 256

/* Per CPU: tcp_send_reset, tcp_receive_reset, inet_sock_set_state, kfree_skb. */
struct errors_counts {
	__u64 rst_sent[ERRORS_SIDES][ERRORS_RST_REASONS];      /* by the kernel's reason */
	__u64 rst_sent_state[ERRORS_SIDES][ERRORS_TCP_STATES]; /* by the sender's state */
	__u64 rst_received[ERRORS_SIDES][ERRORS_TCP_STATES];   /* by the receiver's state */
	/* on the server's sockets: ESTABLISHED -> FIN_WAIT1, it closed first;
	 * ESTABLISHED -> CLOSE_WAIT, its peer did */
	__u64 server_closed_first, client_closed_first;
	/* the server's FINs (FIN_WAIT1 or LAST_ACK entered) sent by a task on
	 * its way out: the descriptor was dropped at a process's exit, not by a
	 * close() of the task that served the connection */
	__u64 fin_at_exit;
	__u64 fins; /* every FIN of the server's sockets, for the share */
	__u64 drops[ERRORS_DROP_REASONS];
};

#endif
