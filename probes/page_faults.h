/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/* page_faults: types shared by page_faults.bpf.c and its loader. */
#ifndef WHYSERVE_PAGE_FAULTS_H
#define WHYSERVE_PAGE_FAULTS_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Who took the fault: the server's own process (tgid == the target's pid),
 * its main thread or another of its threads, or another process of the
 * cgroup (children: fork's per-connection processes). */
enum pgf_role {
	PGF_MAIN,
	PGF_THREADS,
	PGF_CHILDREN,
	PGF_ROLES,
};

/* Where: user code touching a page, or the kernel touching user memory
 * (copy_to_user into a page not yet there). */
enum pgf_mode {
	PGF_USER,
	PGF_KERNEL,
	PGF_MODES,
};

/* Per CPU, for the whole target. */
struct pgf_counts {
	__u64 faults[PGF_ROLES][PGF_MODES];
};

#endif
