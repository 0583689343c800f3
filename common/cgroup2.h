/* SPDX-License-Identifier: MIT */
/*
 * Where cgroup v2 is, and one of its cgroups by the id BPF sees
 * (bpf_get_current_cgroup_id(): its directory's inode number, its kernfs
 * id): for the sandbox, which makes the server's cgroup, and the probes,
 * which are given only its id.
 */
#ifndef WHYSERVE_CGROUP2_H
#define WHYSERVE_CGROUP2_H

#include <linux/types.h>
#include <stddef.h>

/* Where cgroup2 is mounted (/sys/fs/cgroup, or /sys/fs/cgroup/unified on
 * hybrid systems). 0 or -ENOENT when there is none. */
int cgroup2_root(char *buf, size_t len);
/*
 * The directory of the cgroup whose id is id, opened read-only: its fd, or
 * -errno (-ENOENT: none; -EPERM: opening by id needs CAP_DAC_READ_SEARCH).
 */
int cgroup2_open_id(__u64 id);

#endif
