/* SPDX-License-Identifier: MIT */
/*
 * The server's memory, as its cgroup counts it: memory.current where
 * cgroup v2 has the memory controller, else (a hybrid hierarchy, the
 * controller bound to v1) memory.usage_in_bytes of a v1 memory cgroup of
 * the same name the server joins beside its v2 one. Its children and
 * threads are counted with it; pages charged before it joined are not.
 */
#ifndef WHYSERVE_HARNESS_CGROUP_MEMORY_H
#define WHYSERVE_HARNESS_CGROUP_MEMORY_H

#include <sys/types.h>

#include "harness/sandbox/cgroup.h"

struct cgroup_memory {
	char file[600];	  /* what is read: memory.current or memory.usage_in_bytes */
	char v1_dir[512]; /* the v1 cgroup made for it ("" with v2) */
};

/* Finds or makes where cg's memory is counted: 0, or -errno (-ENOENT: no
 * memory controller on this machine). */
int cgroup_memory_open(struct cgroup_memory *m, const struct cgroup *cg);
/* Puts pid (and what it later starts) where it is counted. 0 or -errno. */
int cgroup_memory_join(const struct cgroup_memory *m, pid_t pid);
/* Bytes charged now, NAN when not counted. */
double cgroup_memory_bytes(const struct cgroup_memory *m);
/* Removes the v1 cgroup, its tasks gone (killed with the v2 one). */
void cgroup_memory_close(struct cgroup_memory *m);

#endif
