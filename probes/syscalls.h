/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* syscalls: types shared by syscalls.bpf.c and its loader. */
#ifndef WHYSERVE_SYSCALLS_H
#define WHYSERVE_SYSCALLS_H

#include "probes/hist.h"

/*
 * One slot per syscall number. Today's tables end below 470 (x86_64,
 * arm64); a number beyond the last slot is counted in it, named "other".
 */
#define SYSCALL_SLOTS 512

/* Per CPU and per syscall, counted when the call returns. */
struct syscall_counts {
	__u64 count;
	__u64 total_ns; /* entry to return */
	__u64 max_ns;
	struct log2_hist hist; /* latency, ns */
};

#endif
