/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* A log2 histogram, filled in the kernel and drawn in user space. */
#ifndef WHYSERVE_HIST_H
#define WHYSERVE_HIST_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* slot s counts values in [2^s, 2^(s+1)); slot 0 also counts 0. 2^40 ns is
 * 18 minutes, so nanosecond latencies always fit. */
#define LOG2_SLOTS 40

struct log2_hist {
	__u64 slots[LOG2_SLOTS];
};

#endif
