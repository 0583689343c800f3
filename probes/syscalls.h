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

/*
 * Reading the clock is most of what timing a call costs (on a KVM guest,
 * two reads are ~200 ns against a ~1 us syscall). So once a syscall is
 * known to be hot and fast on a CPU (SYSCALL_HOT_TIMED calls timed there,
 * averaging under SYSCALL_FAST_NS), only a random one in
 * SYSCALL_SAMPLE_ONE_IN of its calls is timed; every call is still
 * counted. Slow calls, the ones that explain where time goes, are timed
 * every one. The loader scales the timed total up to all calls.
 */
#define SYSCALL_HOT_TIMED     128
#define SYSCALL_FAST_NS	      20000
#define SYSCALL_SAMPLE_ONE_IN 8 /* a power of two */

/* Failed calls are counted by syscall and errno (below 4096, as the
 * kernel's -MAX_ERRNO): key nr << 12 | errno, at most this many pairs. */
#define SYSCALL_ERRNO_MAX	   4095
#define SYSCALL_ERRNO_KEY(nr, err) ((nr) << 12 | (err))
#define SYSCALL_ERRNO_KEYS	   1024

/*
 * Connections the target accepted (accept, accept4), per CPU, and of those
 * the ones accepted while another it had accepted was still open: one it
 * had not closed (nor the peer reset). A server that serves one
 * connection at a time has none open when it accepts the next.
 */
#define SYSCALL_OPEN_CONNS 65536 /* at most this many tracked at once */

struct syscall_accepts {
	__u64 accepted, beside;
};

/* Per CPU and per syscall, counted when the call returns. */
struct syscall_counts {
	__u64 count;	       /* calls that returned */
	__u64 timed;	       /* of them, those timed */
	__u64 timed_ns;	       /* the timed calls' time, entry to return */
	__u64 max_ns;	       /* the longest timed call */
	struct log2_hist hist; /* the timed calls' latency, ns */
};

#endif
