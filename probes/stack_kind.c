// SPDX-License-Identifier: MIT
#include "probes/stack_kind.h"

#include <stdbool.h>
#include <string.h>

/* A function's name, or with a trailing '*' the start of one. */
static const struct marker {
	const char *name;
	enum prof_kind kind;
} markers[] = {
	/* softirq: its runner, and what net_rx runs should the unwind stop short */
	{ "handle_softirqs", PROF_SOFTIRQ },
	{ "__do_softirq", PROF_SOFTIRQ },
	{ "do_softirq", PROF_SOFTIRQ },
	{ "do_softirq_own_stack", PROF_SOFTIRQ },
	{ "net_rx_action", PROF_SOFTIRQ },
	{ "net_tx_action", PROF_SOFTIRQ },
	{ "__napi_poll", PROF_SOFTIRQ },
	{ "process_backlog", PROF_SOFTIRQ },
	{ "run_ksoftirqd", PROF_SOFTIRQ },
	/* hardirq: the interrupt entries (x86, arm64) */
	{ "sysvec_*", PROF_HARDIRQ },
	{ "__sysvec_*", PROF_HARDIRQ },
	{ "asm_sysvec_*", PROF_HARDIRQ },
	{ "common_interrupt", PROF_HARDIRQ },
	{ "__common_interrupt", PROF_HARDIRQ },
	{ "asm_common_interrupt", PROF_HARDIRQ },
	{ "handle_irq_event", PROF_HARDIRQ },
	{ "hrtimer_interrupt", PROF_HARDIRQ },
	{ "el1_interrupt", PROF_HARDIRQ },
	{ "el0_interrupt", PROF_HARDIRQ },
	{ "gic_handle_irq", PROF_HARDIRQ },
	/* page faults (x86, arm64) */
	{ "asm_exc_page_fault", PROF_FAULT },
	{ "exc_page_fault", PROF_FAULT },
	{ "do_user_addr_fault", PROF_FAULT },
	{ "handle_mm_fault", PROF_FAULT },
	{ "__handle_mm_fault", PROF_FAULT },
	{ "do_page_fault", PROF_FAULT },
	{ "do_translation_fault", PROF_FAULT },
	{ "do_mem_abort", PROF_FAULT },
	/* the probes' programs: JITed as bpf_prog_TAG_NAME, and their callers */
	{ "bpf_prog_*", PROF_BPF },
	{ "__bpf_prog_*", PROF_BPF },
	{ "bpf_trace_run*", PROF_BPF },
	{ "__bpf_trace_*", PROF_BPF },
	{ "bpf_trampoline_*", PROF_BPF },
	{ "__bpf_tramp_*", PROF_BPF },
	/* switching tasks */
	{ "__schedule", PROF_SWITCH },
	{ "schedule", PROF_SWITCH },
	{ "schedule_tail", PROF_SWITCH },
	{ "schedule_idle", PROF_SWITCH },
	{ "preempt_schedule*", PROF_SWITCH },
	{ "finish_task_switch", PROF_SWITCH },
	{ "__switch_to", PROF_SWITCH },
	{ "__switch_to_asm", PROF_SWITCH },
	{ "switch_mm_irqs_off", PROF_SWITCH },
	/* creating a task, and its first steps back to user mode */
	{ "copy_process", PROF_CREATE },
	{ "kernel_clone", PROF_CREATE },
	{ "wake_up_new_task", PROF_CREATE },
	{ "ret_from_fork", PROF_CREATE },
	{ "ret_from_fork_asm", PROF_CREATE },
	/* a task's end, and its reaping by the parent */
	{ "do_exit", PROF_EXIT },
	{ "do_group_exit", PROF_EXIT },
	{ "exit_mm", PROF_EXIT },
	{ "exit_mmap", PROF_EXIT },
	{ "exit_files", PROF_EXIT },
	{ "exit_notify", PROF_EXIT },
	{ "release_task", PROF_EXIT },
	{ "do_wait", PROF_EXIT },
	{ "kernel_wait4", PROF_EXIT },
	{ "kernel_waitid", PROF_EXIT },
	{ "wait_task_zombie", PROF_EXIT },
	/* entered by a syscall: the last resort */
	{ "do_syscall_64", PROF_SYSCALL },
	{ "entry_SYSCALL_64*", PROF_SYSCALL },
	{ "do_fast_syscall_32", PROF_SYSCALL },
	{ "__do_fast_syscall_32", PROF_SYSCALL },
	{ "do_int80_syscall_32", PROF_SYSCALL },
	{ "el0_svc", PROF_SYSCALL },
	{ "do_el0_svc", PROF_SYSCALL },
	{ "invoke_syscall", PROF_SYSCALL },
};

/* name, up to its first '.', is the marker's name (or starts with it). */
static bool matches(const char *name, const char *m)
{
	size_t len = strcspn(name, "."), mlen = strlen(m);

	if (m[mlen - 1] == '*')
		return len >= mlen - 1 && !strncmp(name, m, mlen - 1);
	return len == mlen && !strncmp(name, m, len);
}

static int marker_of(const char *name)
{
	for (size_t i = 0; i < sizeof(markers) / sizeof(markers[0]); i++)
		if (matches(name, markers[i].name))
			return markers[i].kind;
	return -1;
}

enum prof_kind stack_kind(const char *const frames[], int n)
{
	bool syscall = false;

	for (int i = 0; i < n; i++) {
		int k = frames[i] ? marker_of(frames[i]) : -1;

		if (k == PROF_SYSCALL)
			syscall = true; /* outermost: nothing inside it marked */
		else if (k >= 0)
			return k;
	}
	return syscall ? PROF_SYSCALL : PROF_KERNEL_OTHER;
}

const char *prof_kind_name(enum prof_kind k)
{
	static const char *const names[PROF_KINDS] = {
		[PROF_USER] = "user",
		[PROF_SYSCALL] = "syscalls",
		[PROF_SOFTIRQ] = "softirq",
		[PROF_HARDIRQ] = "hardirq",
		[PROF_FAULT] = "page_faults",
		[PROF_SWITCH] = "context_switches",
		[PROF_CREATE] = "task_creation",
		[PROF_EXIT] = "task_exit",
		[PROF_BPF] = "probes_bpf",
		[PROF_KERNEL_OTHER] = "kernel_other",
	};

	return k < PROF_KINDS ? names[k] : "?";
}
