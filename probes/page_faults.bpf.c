// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * page_faults: the target's page faults, counted at x86's exceptions
 * tracepoints, which exc_page_fault() fires for every fault before it
 * handles it: page_fault_user when the CPU was in user mode,
 * page_fault_kernel when the kernel touched user memory (or its own).
 *
 * Each fault is one lookup of a per-CPU array and one increment: the
 * tracepoints run with interrupts off, so nothing interleaves on a CPU.
 * They say nothing of how the fault was resolved (minor or major): the
 * loader has the perf software counters for that.
 *
 * Faults that get_user_pages() takes on a task's behalf (execve's
 * arguments, process_vm_readv, pinning) are no exception: neither the
 * tracepoints nor perf see them, though getrusage() counts them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "probes/page_faults.h"
#include "probes/target.bpf.h"

/* the server's own process: its pid as the initial PID namespace sees it */
const volatile __u32 target_tgid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pgf_counts);
} counts SEC(".maps");

static __always_inline int count(enum pgf_mode mode)
{
	struct pgf_counts *c;
	__u32 zero = 0, tgid;
	enum pgf_role role;
	__u64 id;

	if (!current_in_target())
		return 0;
	c = bpf_map_lookup_elem(&counts, &zero);
	if (!c)
		return 0;
	id = bpf_get_current_pid_tgid();
	tgid = id >> 32;
	role = tgid != target_tgid ? PGF_CHILDREN : (__u32)id == tgid ? PGF_MAIN : PGF_THREADS;
	c->faults[role][mode]++;
	return 0;
}

SEC("tp_btf/page_fault_user")
int BPF_PROG(page_fault_user, unsigned long address, struct pt_regs *regs, unsigned long error_code)
{
	return count(PGF_USER);
}

SEC("tp_btf/page_fault_kernel")
int BPF_PROG(page_fault_kernel, unsigned long address, struct pt_regs *regs,
	     unsigned long error_code)
{
	return count(PGF_KERNEL);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
