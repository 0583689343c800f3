/* SPDX-License-Identifier: MIT */
/*
 * cpu_profile probe: where the target's time on a CPU goes. A cpu-clock
 * sample every CPU_PROFILE_PERIOD_NS of its tasks' CPU time (a perf
 * software event per CPU that runs only while the target's cgroup does),
 * each one counted by kind: user mode; in the kernel by the innermost
 * marker on its stack (probes/stack_kind.h): softirq, hardirq, page
 * fault, the probes' BPF, context switch, task creation, task exit, else
 * the syscall it is in, by name, else "kernel, other". The API follows
 * probes/probe.h.
 *
 *   hook   a BPF perf_event program on PERF_COUNT_SW_CPU_CLOCK, opened
 *          for the cgroup (PERF_FLAG_PID_CGROUP: CONFIG_CGROUP_PERF)
 *   needs  bpf_task_pt_regs (5.15+) for the syscall's number;
 *          /proc/kallsyms with addresses (root) to name the stacks
 *
 * A sample stands for one period: samples x period is the time, with the
 * sampling's own error (sqrt(n) samples). The hrtimer's interrupt cannot
 * see code that runs with interrupts off: hardirq handlers read next to
 * nothing, their time lands where interrupts come back on. The events run
 * from perf's switch in (finish_task_switch) to its switch out, while
 * cpu.stat charges a woken task from before that (from its wakeup, as
 * harness/explain/figures.h says): on work that blocks tens of thousands
 * of times a second cpu.stat is the larger (by half again for 40 000
 * short sleeps here); on busy work they agree within 1%. Its cost (the
 * timer interrupt, the program, the stack walk) is the target's, outside
 * the program's own run time that cost counts.
 */
#ifndef WHYSERVE_CPU_PROFILE_PROBE_H
#define WHYSERVE_CPU_PROFILE_PROBE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include "probes/cpu_profile.h"
#include "probes/probe.h"
#include "probes/prog_stats.h"

/*
 * ns of CPU time per sample: about 1 kHz, not a divisor of a 1, 4 or 10 ms
 * tick, so that the tick's work is not sampled in step. A kernel sample
 * costs 4 to 11 us here (the stack walk, most of it): 0.4 to 1.1% of the
 * CPU it samples, twice that at 2 kHz. 5 s of a busy CPU give 5 000
 * samples, a share's standard error under 0.7%.
 */
#define CPU_PROFILE_PERIOD_NS 997000
/* syscalls named, by samples; the rest summed */
#define CPU_PROFILE_SYSCALLS 24

struct cpu_profile_syscall {
	char name[32]; /* as syscall_name() has it */
	__u64 samples;
};

struct cpu_profile_stats {
	__u64 period_ns; /* of CPU time, per sample */
	__u64 samples;	 /* every sample of the target: the kinds' sum */
	__u64 kind[PROF_KINDS];
	__u64 lost;	/* of kind[PROF_KERNEL_OTHER]: stacks not kept */
	__u64 clock_ns; /* the events' own count: the target's time on a CPU */

	int nsys; /* kind[PROF_SYSCALL] by syscall, most samples first */
	struct cpu_profile_syscall sys[CPU_PROFILE_SYSCALLS];
	__u64 sys_rest; /* in syscalls past those */

	struct prog_cost cost; /* since attach or reset */
	char why[192];	       /* what is missing and why; "" when all works */
};

/* The calls of probes/probe.h, on its common types: p is a handle from
 * open, stats a struct cpu_profile_stats. */
extern const struct probe_ops cpu_profile_probe_ops;

int cpu_profile_probe_open(void **p, const struct probe_target *t, char *why, size_t len);
int cpu_profile_probe_attach(void *p, char *why, size_t len);
int cpu_profile_probe_read(void *p, void *stats);
int cpu_profile_probe_reset(void *p);
void cpu_profile_probe_destroy(void *p);

void cpu_profile_stats_print(FILE *f, const void *stats);
json_t *cpu_profile_stats_to_json(const void *stats);
/* The inverse, from results.json: 0, or -EINVAL (not such a record) or
 * -ERANGE (a value that does not fit its member). */
int cpu_profile_stats_from_json(const json_t *j, void *stats);

#endif
