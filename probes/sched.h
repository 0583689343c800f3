/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* sched: types shared by sched.bpf.c and its loader. */
#ifndef WHYSERVE_SCHED_H
#define WHYSERVE_SCHED_H

#include "probes/hist.h"
#include "probes/syscalls.h"

/* Per CPU, for the whole target (all its processes and threads). */
struct sched_counts {
	__u64 voluntary;   /* switched out blocking: sleep, I/O, a lock */
	__u64 involuntary; /* switched out still runnable: preempted */
	__u64 oncpu_ns;	   /* switch-in to switch-out, summed */
	__u64 charged_ns;  /* what the kernel charged for those stays (sum_exec_runtime) */
	__u64 runq_ns;	   /* runnable (woken or preempted) to running, summed */
	__u64 offcpu_ns;   /* blocked to running again, summed */
	__u64 migrations;  /* moved to another CPU */
	__u64 procs_created, threads_created;
	__u64 procs_exited, threads_exited;
	/* stays whose switch-in (out) the tracepoint never reported */
	__u64 unseen_ins, unseen_outs;
	struct log2_hist runq;	 /* ns, each wait on a run queue */
	struct log2_hist offcpu; /* ns, each block (the run-queue wait after included) */
	struct log2_hist oncpu;	 /* ns, each stay on a CPU */
};

/*
 * The time account: each task of the target is, at any moment of the
 * window, in one of these states, and its time in each is summed.
 */
enum sched_task_state {
	SCHED_UNSEEN,	/* not seen since attach: its state is read from the task */
	SCHED_RUNNING,	/* on a CPU */
	SCHED_RUNNABLE, /* woken or preempted, waiting on a run queue */
	SCHED_BLOCKED,	/* off a CPU until woken, in what its slot says */
	SCHED_DEAD,	/* switched out for the last time */
};

/*
 * What a blocked task blocked in: a syscall (slot = its number; numbers
 * past the table in SYSCALL_SLOTS - 1) or, outside any, one of these.
 */
enum sched_block_slot {
	SCHED_BLOCK_NO_SYSCALL = SYSCALL_SLOTS, /* a page fault, a signal stop, ... */
	SCHED_BLOCK_IO_WORKER,			/* io_uring's own threads (io-wq, sqpoll) */
	SCHED_BLOCK_KTHREAD,			/* a kernel thread */
	SCHED_BLOCK_SLOTS,
};

/* Per CPU, the tasks' time in the window, summed over them. */
struct sched_tally {
	__u64 life_ns;	   /* alive: from the window start or its start to exit */
	__u64 running_ns;  /* in SCHED_RUNNING */
	__u64 runnable_ns; /* in SCHED_RUNNABLE */
	__u64 blocked_ns[SCHED_BLOCK_SLOTS];
	__u64 blocks[SCHED_BLOCK_SLOTS]; /* blocks begun, by what in */
};

/*
 * What a read adds up, as at one moment, its cut: the window's tally, less
 * the late one (every state that ended past the cut, whole), plus the
 * straddling one (their parts before the cut, counted by whoever came
 * first, the state's end or the task iterator) and the iterator's parts.
 * One value, so that a read can look up all three at once.
 */
struct sched_tallies {
	struct sched_tally window, late, straddle;
};

/* What the task iterator writes for each task alive at a read's cut: its
 * state then, and the parts in the window up to the cut. */
struct sched_open {
	__u32 state; /* enum sched_task_state */
	__u32 slot;  /* SCHED_BLOCKED: enum sched_block_slot or a syscall */
	__u64 ns;    /* of its current state */
	__u64 life_ns;
};

#endif
