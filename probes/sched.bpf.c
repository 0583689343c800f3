// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * sched: what the scheduler does to the target (bcc's runqlat, offcputime
 * and cpudist in one, plus the kernel's own switch counters).
 *
 * sched_switch runs on every context switch of the machine: prev is the
 * current task, so the cgroup helper tells whether it is the target's, and
 * next costs four loads through BTF pointers; anything else returns there.
 *
 * A switch is voluntary when prev blocks: not a preemption and prev's
 * state is not TASK_RUNNING, exactly when __schedule() counts nvcsw (what
 * /proc/PID/status shows as voluntary_ctxt_switches); else involuntary.
 *
 * Per task, in task storage (gone with the task): when it went on a CPU,
 * when it blocked, when it became runnable (woken, or preempted and so
 * queued again). At switch-in those give its run-queue latency and its
 * off-CPU time (bcc's offcputime: blocked until running again).
 *
 * And what the kernel charged the task for each stay: its
 * se.sum_exec_runtime at switch-out less at switch-in, the time the
 * cgroup's cpu.stat counts. It is more than the stay: a task woken on an
 * idle CPU is charged from its wakeup (__schedule skips the clock update
 * a wakeup just made), so the time the CPU takes to leave idle and switch
 * to it is the task's too.
 *
 * The per-CPU counters need no atomics: sched_switch and sched_migrate_task
 * run with interrupts off, fork and exit with preemption off, and no two of
 * them write the same field, so nothing interleaves on one CPU.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "probes/bits.bpf.h"
#include "probes/sched.h"
#include "probes/target.bpf.h"

#define TASK_RUNNING 0

struct times {
	__u64 on_ns;	 /* went on a CPU; 0: not seen */
	__u64 sum_on;	 /* its se.sum_exec_runtime then */
	__u64 off_ns;	 /* blocked */
	__u64 queued_ns; /* became runnable */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct times);
} times SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sched_counts);
} counts SEC(".maps");

/* Kernels before 5.14 call the state "state"; before 5.16 some keep the
 * CPU in task_struct rather than thread_info. */
struct task_struct___old {
	long state;
	unsigned int cpu;
} __attribute__((preserve_access_index));

/* tp_btf arguments are BTF pointers: plain loads, no helper calls. */
static __always_inline bool in_target(struct task_struct *t)
{
	return t->cgroups->dfl_cgrp->kn->id == target_cgroup_id;
}

static __always_inline long task_state(struct task_struct *t)
{
	if (bpf_core_field_exists(t->__state))
		return t->__state;
	return ((struct task_struct___old *)t)->state;
}

static __always_inline int task_cpu(struct task_struct *t)
{
	if (bpf_core_field_exists(t->thread_info.cpu))
		return t->thread_info.cpu;
	return ((struct task_struct___old *)t)->cpu;
}

/*
 * Tasks alive now and at most, counted from attach (or reset): forks and
 * exits of the whole target meet here, so these are shared and atomic.
 * User space zeroes them at reset.
 */
__s64 tasks_alive = 0;
__s64 tasks_peak = 0;

static __always_inline struct sched_counts *counters(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&counts, &zero);
}

SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	bool prev_in = current_in_target(), next_in = in_target(next);
	struct sched_counts *c;
	struct times *t;
	__u64 now, d;

	if (!prev_in && !next_in)
		return 0;
	c = counters();
	if (!c)
		return 0;
	now = bpf_ktime_get_ns();
	if (prev_in) {
		bool blocks = !preempt && task_state(prev) != TASK_RUNNING;

		if (blocks)
			c->voluntary++;
		else
			c->involuntary++;
		t = bpf_task_storage_get(&times, prev, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (t) {
			if (t->on_ns) {
				d = now - t->on_ns;
				c->oncpu_ns += d;
				log2_hist_add(&c->oncpu, d);
				/* update_curr() charged it before this tracepoint */
				c->charged_ns += prev->se.sum_exec_runtime - t->sum_on;
			}
			t->on_ns = 0;
			if (blocks)
				t->off_ns = now;
			else
				t->queued_ns = now; /* preempted: back on the queue */
		}
	}
	if (next_in) {
		t = bpf_task_storage_get(&times, next, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!t)
			return 0;
		if (t->queued_ns) {
			d = now - t->queued_ns;
			c->runq_ns += d;
			log2_hist_add(&c->runq, d);
		}
		if (t->off_ns) {
			d = now - t->off_ns;
			c->offcpu_ns += d;
			log2_hist_add(&c->offcpu, d);
		}
		t->queued_ns = t->off_ns = 0;
		t->on_ns = now;
		t->sum_on = next->se.sum_exec_runtime;
	}
	return 0;
}

static __always_inline int runnable(struct task_struct *p)
{
	struct times *t;

	if (!in_target(p))
		return 0;
	t = bpf_task_storage_get(&times, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (t)
		t->queued_ns = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	return runnable(p);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	return runnable(p);
}

/* The child is in its cgroup already (cgroup_post_fork ran), and a child
 * cloned into the target from outside (CLONE_INTO_CGROUP) counts too. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	struct sched_counts *c;
	__s64 alive;

	if (!in_target(child) || !(c = counters()))
		return 0;
	if (child->pid == child->tgid)
		c->procs_created++;
	else
		c->threads_created++;
	alive = __sync_fetch_and_add(&tasks_alive, 1) + 1;
	if (alive > tasks_peak)
		tasks_peak = alive; /* two forks at once may lose one: a peak, not a count */
	return 0;
}

/* Runs in the exiting task; signal->live reached 0 when it is the last
 * thread of its process (6.16+ also pass that as group_dead). */
SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit, struct task_struct *p)
{
	struct sched_counts *c;

	if (!current_in_target() || !(c = counters()))
		return 0;
	if (p->signal->live.counter == 0)
		c->procs_exited++;
	else
		c->threads_exited++;
	__sync_fetch_and_add(&tasks_alive, -1);
	return 0;
}

/* set_task_cpu() fires this even when the CPU stays the same. */
SEC("tp_btf/sched_migrate_task")
int BPF_PROG(sched_migrate_task, struct task_struct *p, int dest_cpu)
{
	struct sched_counts *c;

	if (!in_target(p) || task_cpu(p) == dest_cpu || !(c = counters()))
		return 0;
	c->migrations++;
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
