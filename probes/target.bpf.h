/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Who is the target: the server under test runs in a cgroup (v2) of its
 * own, and every probe counts only what happens in it. The loader sets
 * target_cgroup_id (the cgroup directory's inode number) before load.
 */
#ifndef WHYSERVE_TARGET_BPF_H
#define WHYSERVE_TARGET_BPF_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

const volatile __u64 target_cgroup_id = 0;

/* The task running now belongs to the target. */
static __always_inline bool current_in_target(void)
{
	return bpf_get_current_cgroup_id() == target_cgroup_id;
}

/*
 * A socket belongs to the target when it was created there: softirq work
 * on a listener (a SYN, the final ACK) runs in whatever task happens to be
 * on the CPU, often the client, so sockets are matched by their own cgroup.
 */
static __always_inline bool sock_in_target(struct sock *sk)
{
	return BPF_CORE_READ(sk, sk_cgrp_data.cgroup, kn, id) == target_cgroup_id;
}

#endif
