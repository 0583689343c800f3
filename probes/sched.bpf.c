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
 * The time account (issue 13): at every moment of the window each task is
 * running, runnable or blocked in something (enum sched_task_state), and each
 * state's time is summed when it ends, clipped to the window start. A
 * task blocking is in a syscall when its saved user registers say so: x86's
 * entry code stores the number in orig_ax and -ENOSYS as the result (ax)
 * until the call returns. An exception or interrupt leaves -1 in orig_ax
 * (6.x entry code: "no syscall to restart"); a task stopped on its way out
 * of a syscall (SIGSTOP, ptrace) still has the number there, but its
 * result in ax. The states in progress at a read are closed by the task
 * iterator, and a
 * task's life (start_time, or the window start, to its last switch) is
 * summed apart from the states, to check them against.
 *
 * A read cuts at one moment (struct sched_tallies): a state that ends past
 * the cut goes whole to the late tally too, which the read takes off, and
 * its part before the cut to the straddle tally, unless the iterator has
 * counted that part already: each task's part before the cut, of its life
 * and of its state then, is counted once, by whichever of the two claims
 * it first (an atomic exchange of the cut into the task's storage).
 *
 * The per-CPU counters need no atomics: sched_switch, sched_migrate_task
 * and the wakeups run with interrupts off, fork and exit with preemption
 * off, and no two of them write the same field, so nothing interleaves on
 * one CPU. The iterator only reads.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "probes/bits.bpf.h"
#include "probes/sched.h"
#include "probes/target.bpf.h"

#define TASK_RUNNING 0
#define TASK_DEAD    0x80 /* its last switch (include/linux/sched.h, 4.14+) */
#define PF_IO_WORKER 0x10 /* 5.12+ */
#define PF_KTHREAD   0x200000
#define ENOSYS	     38

struct times {
	__u64 on_ns;	 /* went on a CPU; 0: not seen */
	__u64 sum_on;	 /* its se.sum_exec_runtime then */
	__u64 off_ns;	 /* blocked */
	__u64 queued_ns; /* became runnable */
	__u64 since;	 /* in state since */
	__u64 sum_off;	 /* its se.sum_exec_runtime when last seen off a CPU */
	__u32 state;	 /* enum sched_task_state */
	__u32 slot;	 /* SCHED_BLOCKED: in what (enum sched_block_slot) */
	/* the last read's cut whose part before it was counted, of the
	 * state in progress then, and of the task's life */
	__u64 state_claim, life_claim;
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

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sched_tallies);
} tallies SEC(".maps");

/* atomic exchange (5.12+) and the task iterator: else no account */
const volatile bool have_account = true;

/* bpf_task_pt_regs (5.15+); without it no block is seen in a syscall */
const volatile bool have_task_pt_regs = true;
/* without the wakeup hooks a task is blocked until it runs again */
const volatile bool have_wakeups = true;

/* The window starts and a read cuts (CLOCK_MONOTONIC ns): user space sets
 * these; cut_ns is 0 between reads. */
__u64 window_ns = 0;
__u64 cut_ns = 0;

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

/* What a task blocking now blocks in. */
static __always_inline __u32 block_slot(struct task_struct *p)
{
	struct pt_regs *regs;
	long nr;

	/* threads that never entered from user space: their saved registers
	 * are a copy of their maker's, with ax 0 (a fork's return) */
	if (p->flags & PF_KTHREAD)
		return SCHED_BLOCK_KTHREAD;
	if (p->flags & PF_IO_WORKER)
		return SCHED_BLOCK_IO_WORKER;
	if (!have_task_pt_regs)
		return SCHED_BLOCK_NO_SYSCALL;
	regs = (struct pt_regs *)bpf_task_pt_regs(p);
	if (!regs)
		return SCHED_BLOCK_NO_SYSCALL;
#if defined(__TARGET_ARCH_x86)
	if (regs->ax != (unsigned long)-ENOSYS)
		return SCHED_BLOCK_NO_SYSCALL;
	nr = regs->orig_ax;
#elif defined(__TARGET_ARCH_arm64)
	nr = regs->syscallno; /* NO_SYSCALL (-1) outside a syscall */
#else
	nr = -1;
#endif
	if (nr < 0)
		return SCHED_BLOCK_NO_SYSCALL;
	return nr < SYSCALL_SLOTS ? nr : SYSCALL_SLOTS - 1;
}

/* The counter of a state in a tally. */
static __always_inline __u64 *tally_of(struct sched_tally *y, __u32 state, __u32 slot)
{
	if (state == SCHED_RUNNING)
		return &y->running_ns;
	if (state == SCHED_RUNNABLE)
		return &y->runnable_ns;
	if (state == SCHED_BLOCKED && slot < SCHED_BLOCK_SLOTS)
		return &y->blocked_ns[slot];
	if (state == SCHED_DEAD) /* the life that ended */
		return &y->life_ns;
	return 0;
}

/*
 * Adds the part of [since, now] inside the window to the state's time.
 * Past a read's cut, all of it to the late tally too, and its part before
 * the cut to the straddle tally, if the iterator has not counted it yet
 * (claim: the task's claim on it).
 */
static __always_inline void tally_add(__u64 *claim, __u32 state, __u32 slot, __u64 since, __u64 now)
{
	__u64 w = window_ns, cut = cut_ns, *v, d;
	__u32 zero = 0;
	struct sched_tallies *y;

	if (since < w)
		since = w;
	if (now <= since || !(y = bpf_map_lookup_elem(&tallies, &zero)) ||
	    !(v = tally_of(&y->window, state, slot)))
		return;
	d = now - since;
	*v += d;
	if (!have_account || !cut || now <= cut)
		return;
	if ((v = tally_of(&y->late, state, slot)))
		*v += d;
	if (since < cut && __sync_lock_test_and_set(claim, cut) != cut &&
	    (v = tally_of(&y->straddle, state, slot)))
		*v += cut - since;
}

/* A block begins: counted by what in, and late past a cut. */
static __always_inline void tally_block(__u32 slot, __u64 now)
{
	struct sched_tallies *y;
	__u32 zero = 0;

	if (slot >= SCHED_BLOCK_SLOTS || !(y = bpf_map_lookup_elem(&tallies, &zero)))
		return;
	y->window.blocks[slot]++;
	if (cut_ns && now > cut_ns)
		y->late.blocks[slot]++;
}

/*
 * Ends the task's state at now. A task not seen since attach has been in
 * the state unseen_as says since before the window (or since it started):
 * nothing else could have changed it unseen.
 */
static __always_inline void state_end(struct task_struct *p, struct times *t, __u32 unseen_as,
				      __u64 now)
{
	if (t->state == SCHED_UNSEEN)
		tally_add(&t->state_claim, unseen_as,
			  unseen_as == SCHED_BLOCKED ? block_slot(p) : 0, p->start_time, now);
	else
		tally_add(&t->state_claim, t->state, t->slot, t->since, now);
}

static __always_inline void state_begin(struct times *t, __u32 state, __u32 slot, __u64 now)
{
	t->state = state;
	t->slot = slot;
	t->since = now;
}

/*
 * A task leaves a CPU it was never seen to go on: this kernel sometimes
 * runs a task without the sched_switch tracepoint (seen on a Firecracker
 * guest's 6.18, always after a turn of the guest agent's threads; the
 * probe's BPF statistics count no missed run). The kernel's own clock of
 * the task, se.sum_exec_runtime, says how long it ran since it was last
 * seen off a CPU: the last that long was its stay, the time before it the
 * state it was in.
 */
static __always_inline void went_on_unseen(struct sched_counts *c, struct task_struct *p,
					   struct times *t, __u64 now)
{
	__u64 ran = p->se.sum_exec_runtime - t->sum_off, in, d;

	if (ran > now - t->since)
		ran = now - t->since;
	in = now - ran;
	c->unseen_ins++;
	c->oncpu_ns += ran;
	log2_hist_add(&c->oncpu, ran);
	c->charged_ns += ran;
	if (t->queued_ns && in > t->queued_ns) {
		d = in - t->queued_ns;
		c->runq_ns += d;
		log2_hist_add(&c->runq, d);
	}
	if (t->off_ns && in > t->off_ns) {
		d = in - t->off_ns;
		c->offcpu_ns += d;
		log2_hist_add(&c->offcpu, d);
	}
	t->queued_ns = t->off_ns = 0;
	state_end(p, t, SCHED_RUNNING, in);
	state_begin(t, SCHED_RUNNING, 0, in);
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
			} else if (t->state == SCHED_RUNNABLE || t->state == SCHED_BLOCKED) {
				went_on_unseen(c, prev, t, now);
			}
			t->on_ns = 0;
			t->sum_off = prev->se.sum_exec_runtime;
			if (blocks)
				t->off_ns = now;
			else
				t->queued_ns = now; /* preempted: back on the queue */
			state_end(prev, t, SCHED_RUNNING, now);
			if (task_state(prev) == TASK_DEAD) {
				/* its life ends here, not at sched_process_exit: it
				 * still runs after that (closing its files) */
				tally_add(&t->life_claim, SCHED_DEAD, 0, prev->start_time, now);
				state_begin(t, SCHED_DEAD, 0, now);
			} else if (blocks) {
				__u32 slot = block_slot(prev);

				tally_block(slot, now);
				state_begin(t, SCHED_BLOCKED, slot, now);
			} else {
				state_begin(t, SCHED_RUNNABLE, 0, now);
			}
		}
	}
	if (next_in) {
		t = bpf_task_storage_get(&times, next, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
		if (!t)
			return 0;
		if (t->state == SCHED_RUNNING)
			c->unseen_outs++; /* its last switch-out went unseen */
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
		state_end(next, t, have_wakeups ? SCHED_RUNNABLE : SCHED_BLOCKED, now);
		state_begin(t, SCHED_RUNNING, 0, now);
	}
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup, struct task_struct *p)
{
	struct times *t;
	__u64 now;

	if (!in_target(p))
		return 0;
	t = bpf_task_storage_get(&times, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t)
		return 0;
	/* woken on its CPU before it slept (it runs on), or woken twice */
	if (t->state == SCHED_RUNNING || t->state == SCHED_RUNNABLE || t->state == SCHED_DEAD ||
	    (t->state == SCHED_UNSEEN && p->on_cpu))
		return 0;
	now = bpf_ktime_get_ns();
	t->queued_ns = now;
	if (t->state == SCHED_UNSEEN)
		t->sum_off = p->se.sum_exec_runtime;
	state_end(p, t, SCHED_BLOCKED, now);
	state_begin(t, SCHED_RUNNABLE, 0, now);
	return 0;
}

/* A new task: runnable from its start (being made until this wakeup) */
SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new, struct task_struct *p)
{
	struct times *t;

	if (!in_target(p))
		return 0;
	t = bpf_task_storage_get(&times, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t)
		return 0;
	t->queued_ns = bpf_ktime_get_ns();
	state_begin(t, SCHED_RUNNABLE, 0, p->start_time);
	return 0;
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

/* The part of [since, cut] in the window. */
static __always_inline __u64 until_cut(__u64 since, __u64 cut)
{
	if (since < window_ns)
		since = window_ns;
	return cut > since ? cut - since : 0;
}

/*
 * Run by user space at a read, after it set the cut: for each task of the
 * target alive then, the parts before the cut of its life and of its
 * state then, those not counted yet (a state that ended since has counted
 * its own). A task not seen since attach is in the state it has now
 * (nothing changed it since, or we would have seen it).
 */
SEC("iter/task")
int task_states(struct bpf_iter__task *ctx)
{
	struct task_struct *p = ctx->task;
	__u64 cut = cut_ns, start, since;
	struct sched_open o = {};
	struct times *t;

	if (!p || !cut || !in_target(p))
		return 0;
	/* read once: loads from the task and from storage stay apart */
	since = start = p->start_time;
	/* made if missing, so that the task's exit sees the claims */
	t = bpf_task_storage_get(&times, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t)
		return 0;
	/* read before the claims: a state begun past the cut (read here) was
	 * claimed by the end of the one before, so the claim below fails */
	o.state = t->state;
	o.slot = t->slot;
	if (o.state == SCHED_DEAD)
		return 0;
	if (o.state != SCHED_UNSEEN) {
		since = t->since;
	} else {
		if (p->exit_state) /* died before attach: a zombie */
			return 0;
		o.state = p->on_cpu			  ? SCHED_RUNNING
			  : task_state(p) == TASK_RUNNING ? SCHED_RUNNABLE
							  : SCHED_BLOCKED;
		o.slot = o.state == SCHED_BLOCKED ? block_slot(p) : 0;
	}
	if (__sync_lock_test_and_set(&t->life_claim, cut) != cut)
		o.life_ns = until_cut(start, cut);
	if (__sync_lock_test_and_set(&t->state_claim, cut) != cut)
		o.ns = until_cut(since, cut);
	bpf_seq_write(ctx->meta->seq, &o, sizeof(o));
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
