/* SPDX-License-Identifier: MIT */
/*
 * sched probe: what the scheduler does to the target: voluntary and
 * involuntary context switches, run-queue latency, off-CPU and on-CPU
 * time, processes and threads created and exited, CPU migrations.
 * The API follows probes/probe.h.
 *
 *   switches, on-CPU     tp_btf/sched_switch (required)
 *   run-queue latency    + sched_wakeup, sched_wakeup_new
 *   created, exited      tp_btf/sched_process_fork, sched_process_exit
 *   migrations           tp_btf/sched_migrate_task
 *   time account         + iter/task (5.8+), run at each read
 *   ... by syscall       + bpf_task_pt_regs (5.15+)
 *   needs                BTF tracepoints (5.5+), task storage (5.11+)
 *
 * A missing optional hook leaves its figures out (have_* false, why says
 * which); without sched_switch the probe does not open.
 *
 * Costs (struct prog_cost) are zero unless the caller holds
 * prog_stats_enable() while the probe runs.
 */
#ifndef WHYSERVE_SCHED_PROBE_H
#define WHYSERVE_SCHED_PROBE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include "probes/probe.h"
#include "probes/prog_stats.h"
#include "probes/sched.h"

/* Time the target's tasks spent blocked in one syscall, or outside any. */
struct sched_blocked {
	char name[32]; /* the syscall's (syscall_name()), or what else: "not in a syscall",
			* "io_uring worker", "kernel thread" */
	int nr;	       /* the syscall's number; -1: not a syscall */
	__u64 ns;      /* blocked in it, in the window */
	__u64 blocks;  /* blocks in it that began in the window */
};

struct sched_stats {
	__u64 voluntary;   /* blocked: as voluntary_ctxt_switches in /proc */
	__u64 involuntary; /* preempted: nonvoluntary_ctxt_switches */
	__u64 oncpu_ns;	   /* time on a CPU, of stays that ended */
	__u64 charged_ns;  /* what the kernel charged for them: cpu.stat's time */
	struct log2_hist oncpu;
	/* switch-ins (outs) the tracepoint never reported: a stay's ends
	 * then come from the task's own runtime */
	__u64 unseen_ins, unseen_outs;
	__u64 offcpu_ns; /* blocked until running again */
	struct log2_hist offcpu;

	bool have_runq; /* false without the wakeup tracepoints */
	__u64 runq_ns;	/* waiting on a run queue (schedstat run_delay agrees
			    * on long waits; on waits of us it reads less) */
	struct log2_hist runq;

	bool have_tasks; /* false without fork/exit tracepoints */
	__u64 procs_created, threads_created;
	__u64 procs_exited, threads_exited;
	__s64 tasks_peak; /* most tasks (threads) alive at once, counted from
			    * those alive at attach or reset: add them */

	bool have_migrations;
	__u64 migrations;

	/*
	 * The time account: every task's time in the window (reset to read),
	 * summed over the tasks. life_ns is measured apart from the states
	 * (start_time, or the window start, to the task's last switch or the
	 * read), and running + runnable + blocked add up to it. Without the
	 * task iterator (have_account false) nothing of it is measured.
	 */
	bool have_account;
	__u64 life_ns;
	__u64 running_ns;
	__u64 runnable_ns;	/* woken or preempted, until on a CPU */
	__u64 blocked_ns;	/* until woken: every row of blocked[] */
	__u64 blocked_nosys_ns; /* of that, outside any syscall (nr -1 rows) */
	int nblocked;		/* rows, by ns, descending */
	struct sched_blocked blocked[SCHED_BLOCK_SLOTS];
	/* tasks blocked from before the window to the read, left out of all
	 * of the above: they served nothing (a thread waiting for a signal) */
	__u64 idle_tasks, idle_ns;

	struct prog_cost cost; /* since attach or reset */
	char why[192];	       /* what is missing and why; "" when all works */
};

/* The calls of probes/probe.h, on its common types: p is a handle from
 * open, stats a struct sched_stats. */
extern const struct probe_ops sched_probe_ops;

int sched_probe_open(void **p, const struct probe_target *t, char *why, size_t len);
int sched_probe_attach(void *p, char *why, size_t len);
int sched_probe_read(void *p, void *stats);
int sched_probe_reset(void *p);
void sched_probe_destroy(void *p);

void sched_stats_print(FILE *f, const void *stats);
json_t *sched_stats_to_json(const void *stats);
/* The inverse, from results.json: 0, or -EINVAL (not such a record) or
 * -ERANGE (a value that does not fit its member). */
int sched_stats_from_json(const json_t *j, void *stats);

#endif
