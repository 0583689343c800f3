// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * cpu_profile: a sample of the target every period of its CPU time, from
 * a cpu-clock perf event per CPU that ticks only while the target's
 * cgroup runs there (the loader opens them). In user mode a sample is
 * counted, no more; in the kernel its stack and the task's syscall are
 * counted, and user space names the stacks once, when it reads.
 *
 * The program runs in the hrtimer interrupt: ctx->regs are what it
 * interrupted. Code that runs with interrupts off (hardirq handlers,
 * parts of __schedule) is sampled where it turns them back on.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "probes/cpu_profile.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, PROF_KEYS);
	__type(key, struct prof_key);
	__type(value, __u64);
} counts SEC(".maps");

/* the key is built here: too big for the program's stack */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct prof_key);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct prof_totals);
} totals SEC(".maps");

/* The interrupted context was user code. */
static __always_inline bool user_mode(const struct bpf_perf_event_data *ctx)
{
#if defined(__TARGET_ARCH_x86)
	/* the context is read 8 bytes at a time: cs with its padding */
	return *(const __u64 *)((const char *)&ctx->regs + offsetof(struct pt_regs, cs)) & 3;
#elif defined(__TARGET_ARCH_arm64)
	return (ctx->regs.pstate & 0xf) == 0; /* PSR_MODE_EL0t */
#else
	return false; /* bpf_get_stackid fails on user regs: counted as lost */
#endif
}

/* What the task's entry left where a syscall's number goes (see prof_key). */
static __always_inline __s32 entry_nr(void)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());

#if defined(__TARGET_ARCH_x86)
	return regs->orig_ax;
#elif defined(__TARGET_ARCH_arm64)
	return regs->syscallno;
#else
	return -1;
#endif
}

SEC("perf_event")
int profile(struct bpf_perf_event_data *ctx)
{
	struct prof_totals *t;
	struct prof_key *key;
	__u64 one = 1, *n;
	__u32 zero = 0;
	long len;

	t = bpf_map_lookup_elem(&totals, &zero);
	key = bpf_map_lookup_elem(&scratch, &zero);
	if (!t || !key)
		return 0;
	if (user_mode(ctx)) {
		t->user++;
		return 0;
	}
	/* the interrupted kernel stack; the rest of ips zeroed */
	len = bpf_get_stack(ctx, key->ips, sizeof(key->ips), 0);
	if (len <= 0) {
		t->no_stack++;
		return 0;
	}
	key->depth = len / sizeof(key->ips[0]);
	key->nr = entry_nr();
	n = bpf_map_lookup_elem(&counts, key);
	if (n) {
		__sync_fetch_and_add(n, 1);
		return 0;
	}
	/* another CPU may have added it meanwhile: then count there */
	if (bpf_map_update_elem(&counts, key, &one, BPF_NOEXIST)) {
		n = bpf_map_lookup_elem(&counts, key);
		if (n)
			__sync_fetch_and_add(n, 1);
		else
			t->no_room++;
	}
	return 0;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
