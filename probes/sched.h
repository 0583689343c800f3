/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* sched: types shared by sched.bpf.c and its loader. */
#ifndef WHYSERVE_SCHED_H
#define WHYSERVE_SCHED_H

#include "probes/hist.h"

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
	struct log2_hist runq;	 /* ns, each wait on a run queue */
	struct log2_hist offcpu; /* ns, each block (the run-queue wait after included) */
	struct log2_hist oncpu;	 /* ns, each stay on a CPU */
};

#endif
