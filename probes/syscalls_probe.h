/* SPDX-License-Identifier: MIT */
/*
 * syscalls probe: every system call of the target, with count, time
 * inside the kernel (total and max) and a log2 latency histogram, by name.
 * The API follows probes/probe.h.
 *
 *   hooks  tp_btf/sys_enter + sys_exit (5.5+), else the classic
 *          tracepoints raw_syscalls/sys_enter + sys_exit
 *   needs  task storage (5.11+) for the call in flight on each thread
 *
 * Costs (struct prog_cost) are zero unless the caller holds
 * prog_stats_enable() while the probe runs.
 */
#ifndef WHYSERVE_SYSCALLS_PROBE_H
#define WHYSERVE_SYSCALLS_PROBE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include "probes/probe.h"
#include "probes/prog_stats.h"
#include "probes/syscalls.h"

struct syscall_stat {
	char name[32]; /* from the system's <asm/unistd.h>; "syscall_N" past it */
	int nr;	       /* SYSCALL_SLOTS - 1: "other", numbers beyond the table */
	__u64 count;
	__u64 timed;	       /* calls timed: all, or a sample (probes/syscalls.h) */
	__u64 total_ns;	       /* time inside all calls: the timed ones' scaled up */
	__u64 max_ns;	       /* of the timed calls */
	struct log2_hist hist; /* latency of the timed calls, ns */
};

/* Calls of one syscall that failed with one errno. */
struct syscall_errno {
	char name[32]; /* the syscall's */
	int nr;
	int err;	/* EPIPE */
	char ename[16]; /* "EPIPE" */
	__u64 count;
};

#define SYSCALL_ERRNOS_MAX 64

struct syscalls_stats {
	__u64 calls;	/* every syscall counted, summed */
	__u64 total_ns; /* time inside them, summed */
	int n;		/* syscalls seen, by total time, descending */
	struct syscall_stat sys[SYSCALL_SLOTS];
	/* failed calls by syscall and errno, most first (the first
	 * SYSCALL_ERRNOS_MAX pairs); failed: all of them */
	__u64 failed;
	int nerrs;
	struct syscall_errno errs[SYSCALL_ERRNOS_MAX];
	/* close()s of a TCP connection that had sent data while another
	 * process still held the descriptor: the FIN waits for it (those of
	 * the server's main process left out: a fork server's parent closes
	 * its copy after its child may have answered) */
	__u64 closes_held_elsewhere;
	/* connections the target accepted (TCP), and of those, accepted
	 * while another it had accepted was open: neither closed by it nor
	 * dead (have_conns false: not followed) */
	bool have_conns;
	__u64 accepted, accepted_beside;
	struct prog_cost cost; /* since attach or reset */
	char why[192];	       /* what is missing and why; "" when all works */
};

/* The calls of probes/probe.h, on its common types: p is a handle from
 * open, stats a struct syscalls_stats. */
extern const struct probe_ops syscalls_probe_ops;

int syscalls_probe_open(void **p, const struct probe_target *t, char *why, size_t len);
int syscalls_probe_attach(void *p, char *why, size_t len);
int syscalls_probe_read(void *p, void *stats);
int syscalls_probe_reset(void *p);
void syscalls_probe_destroy(void *p);
/* Time every call, not a sample of hot, fast ones (probes/syscalls.h):
 * exact times, for two clock reads on every call. Any time after open. */
void syscalls_probe_time_every_call(void *p, bool every);

void syscalls_stats_print(FILE *f, const void *stats);
json_t *syscalls_stats_to_json(const void *stats);
/* The inverse, from results.json: 0, or -EINVAL (not such a record) or
 * -ERANGE (a value that does not fit its member). */
int syscalls_stats_from_json(const json_t *j, void *stats);

/* One syscall by name, or NULL when the target did not make it. */
const struct syscall_stat *syscalls_find(const struct syscalls_stats *s, const char *name);
/* The name of syscall nr on this architecture, into buf. */
const char *syscall_name(int nr, char *buf, size_t len);

#endif
