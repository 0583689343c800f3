/* SPDX-License-Identifier: MIT */
/*
 * errors probe: what the kernel did when the experiment's connections went
 * wrong. The API follows probes/probe.h.
 *
 *   resets   tp_btf/tcp_send_reset (the kernel's reason: 6.10+) and
 *            tp_btf/tcp_receive_reset, by whose socket and its TCP state
 *   closes   tp_btf/inet_sock_set_state on the server's sockets: who sent
 *            the first FIN, and FINs sent by a task on its way out
 *   drops    tp_btf/kfree_skb in the experiment's network namespace, by the
 *            kernel's drop reason
 *   netstat  /proc/PID/net/{netstat,snmp} of the target: the kernel's own
 *            counters of the same (TcpExt:TCPAbortOnData, Tcp:OutRsts, ...)
 *
 * The experiment's sockets are those of the target's network namespace
 * (both sides of every connection, when the server has one of its own),
 * else only the server's (created in its cgroup). SYNs dropped by a full
 * accept queue are the accept_queue probe's; failing syscalls by errno the
 * syscalls probe's.
 */
#ifndef WHYSERVE_ERRORS_PROBE_H
#define WHYSERVE_ERRORS_PROBE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include "probes/errors.h"
#include "probes/probe.h"
#include "probes/prog_stats.h"

/* The kernel's counters read beside the probe's, in this order. */
enum errors_netstat {
	NETSTAT_OUT_RSTS,	 /* Tcp:OutRsts: every reset sent */
	NETSTAT_ESTAB_RESETS,	 /* Tcp:EstabResets: ESTABLISHED or CLOSE_WAIT reset */
	NETSTAT_ABORT_ON_DATA,	 /* TcpExt:TCPAbortOnData: data after close() */
	NETSTAT_ABORT_ON_CLOSE,	 /* TcpExt:TCPAbortOnClose: close() with unread data */
	NETSTAT_ABORT_ON_LINGER, /* TcpExt:TCPAbortOnLinger */
	NETSTAT_ABORT_ON_MEMORY, /* TcpExt:TCPAbortOnMemory */
	NETSTAT_ABORT_ON_TIMEOUT,
	ERRORS_NETSTATS,
};

struct errors_stats {
	/* counted in the experiment's own network namespace: the clients'
	 * sockets, resets for no socket and drops too; false: only the server's */
	bool netns;
	bool have_reasons; /* tcp_send_reset gives the kernel's reason (6.10+) */
	bool have_drops;   /* kfree_skb attached, in a namespace of the experiment */
	__u64 rst_sent[ERRORS_SIDES][ERRORS_RST_REASONS];
	__u64 rst_sent_state[ERRORS_SIDES][ERRORS_TCP_STATES];
	__u64 rst_received[ERRORS_SIDES][ERRORS_TCP_STATES];
	__u64 server_closed_first, client_closed_first;
	__u64 fins, fin_at_exit;
	__u64 drops[ERRORS_DROP_REASONS];
	bool have_netstat;
	__u64 netstat[ERRORS_NETSTATS]; /* deltas */
	struct prog_cost cost;
	char why[192];
};

extern const struct probe_ops errors_probe_ops;

int errors_probe_open(void **p, const struct probe_target *t, char *why, size_t len);
int errors_probe_attach(void *p, char *why, size_t len);
int errors_probe_read(void *p, void *stats);
int errors_probe_reset(void *p);
void errors_probe_destroy(void *p);

void errors_stats_print(FILE *f, const void *stats);
json_t *errors_stats_to_json(const void *stats);
int errors_stats_from_json(const json_t *j, void *stats);

/* Names: "server", "TCP_ABORT_ON_CLOSE" (sk_rst_reason), "ESTABLISHED",
 * "TCP_LISTEN_OVERFLOW" (skb_drop_reason), "TcpExt:TCPAbortOnData";
 * NULL past the table or for a value this kernel does not name. */
const char *errors_side_name(int side);
const char *errors_rst_reason_name(int reason);
const char *errors_tcp_state_name(int state);
const char *errors_drop_reason_name(int reason);
const char *errors_netstat_name(int i);
/* Sums over sides or reasons: resets sent by one side, all reasons. */
__u64 errors_rst_sent_by(const struct errors_stats *s, int side);
__u64 errors_rst_received_by(const struct errors_stats *s, int side);
__u64 errors_drops_total(const struct errors_stats *s);

#endif
