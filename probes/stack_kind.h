/* SPDX-License-Identifier: MIT */
/*
 * What a kernel stack was doing, by the functions on it: the innermost
 * one that marks a kind decides (a page fault inside a syscall is the
 * fault's; the softirq run inside a send is the softirq's), and a stack
 * with none but the syscall entry is the syscall's. The kernel's names,
 * x86 and arm64 both:
 *
 *   softirq        handle_softirqs, __do_softirq, net_rx_action, ...
 *   hardirq        the interrupt entries (sysvec_*, common_interrupt, ...)
 *   page fault     exc_page_fault, handle_mm_fault, ...
 *   BPF            bpf_prog_* (the programs), bpf_trace_run*, ...
 *   switch         __schedule, schedule, finish_task_switch, ...
 *   creation       copy_process, kernel_clone, ret_from_fork, ...
 *   exit           do_exit, release_task, do_wait, exit_mmap, ...
 *   syscall        do_syscall_64, el0_svc, ...: by the number of the call
 */
#ifndef WHYSERVE_STACK_KIND_H
#define WHYSERVE_STACK_KIND_H

#include "probes/cpu_profile.h"

/* The kind of a kernel stack of n frames, innermost first, each frame the
 * name of its function (NULL: unknown; a suffix such as ".isra.0" is
 * ignored): never PROF_USER; PROF_KERNEL_OTHER when nothing marks it. */
enum prof_kind stack_kind(const char *const frames[], int n);
/* The name of a kind as results.json has it: "user", "syscalls", ... */
const char *prof_kind_name(enum prof_kind k);

#endif
