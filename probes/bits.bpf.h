/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* Bit tricks for log2 histograms in BPF (as bcc's libbpf-tools bits.bpf.h). */
#ifndef WHYSERVE_BITS_BPF_H
#define WHYSERVE_BITS_BPF_H

#include "probes/hist.h"

static __always_inline __u32 log2_u32(__u32 v)
{
	__u32 shift, r;

	r = (v > 0xFFFF) << 4;
	v >>= r;
	shift = (v > 0xFF) << 3;
	v >>= shift;
	r |= shift;
	shift = (v > 0xF) << 2;
	v >>= shift;
	r |= shift;
	shift = (v > 0x3) << 1;
	v >>= shift;
	r |= shift;
	r |= (v >> 1);
	return r;
}

static __always_inline __u32 log2_u64(__u64 v)
{
	__u32 hi = v >> 32;

	return hi ? log2_u32(hi) + 32 : log2_u32(v);
}

/* The slot of value v: 0 holds 0 and 1, slot s holds [2^s, 2^(s+1)). */
static __always_inline __u32 log2_slot(__u64 v)
{
	__u32 s = log2_u64(v);

	return s < LOG2_SLOTS ? s : LOG2_SLOTS - 1;
}

static __always_inline void log2_hist_add(struct log2_hist *h, __u64 v)
{
	__u32 s = log2_slot(v);

	if (s < LOG2_SLOTS) /* for the verifier */
		__sync_fetch_and_add(&h->slots[s], 1);
}

#endif
