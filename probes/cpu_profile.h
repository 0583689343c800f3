/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* cpu_profile: types shared by cpu_profile.bpf.c and its loader. */
#ifndef WHYSERVE_CPU_PROFILE_H
#define WHYSERVE_CPU_PROFILE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Frames kept of a kernel stack, innermost first (a loopback send's
 * softirq, the deepest seen here, is under 48); and distinct (stack,
 * syscall) pairs counted (fork under connect: 1 800 in 1.5 s): past these
 * a sample is counted as lost. */
#define PROF_DEPTH 64
#define PROF_KEYS  16384

/* What a sample found the target doing: in user mode, or in the kernel
 * by the innermost marker on its stack (probes/stack_kind.h). The kinds of
 * harness/explain/figures.h's enum cpu_kind, in its order. */
enum prof_kind {
	PROF_USER,
	PROF_SYSCALL,
	PROF_SOFTIRQ,
	PROF_HARDIRQ,
	PROF_FAULT,
	PROF_SWITCH,
	PROF_CREATE,
	PROF_EXIT,
	PROF_BPF,
	PROF_KERNEL_OTHER,
	PROF_KINDS,
};

/*
 * One kernel-mode sample's place: its stack, whole, and the task's syscall.
 * The stack is the key itself, not the id of a stack map's bucket: there,
 * two stacks that hash to one bucket lose every sample of the later one,
 * and one hot stack colliding loses percents of a profile.
 */
struct prof_key {
	/* task_pt_regs(current)->orig_ax (arm64: syscallno): the syscall's
	 * number when the task entered the kernel by one, which only its
	 * stack can tell (after an exception, its error code) */
	__s32 nr;
	__u32 depth;	       /* frames in ips */
	__u64 ips[PROF_DEPTH]; /* return addresses, innermost first; 0 past depth */
};

/* Per CPU: the samples not in the counts. */
struct prof_totals {
	__u64 user;	/* in user mode: counted, no stack */
	__u64 no_stack; /* in the kernel, no stack could be taken */
	__u64 no_room;	/* the counts map full */
};

#endif
