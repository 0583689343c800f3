/* SPDX-License-Identifier: MIT */
/* The BPF programs loaded on this machine, by id, through the bpf syscall:
 * to check that a run leaves none of its own behind. */
#ifndef WHYSERVE_TESTS_BPF_PROGS_H
#define WHYSERVE_TESTS_BPF_PROGS_H

#include <linux/types.h>

#define BPF_PROGS_MAX 4096

struct bpf_progs {
	int n;
	__u32 id[BPF_PROGS_MAX];
};

/* 0 or -errno. */
int bpf_progs_list(struct bpf_progs *p);
/* How many of now's programs were not in before. */
int bpf_progs_new(const struct bpf_progs *before, const struct bpf_progs *now);

#endif
