/* SPDX-License-Identifier: MIT */
/* A cgroup (v2) of its own for the server under test: the probes filter by
 * its id, and its cpu.stat gives the server's CPU time, children included. */
#ifndef WHYSERVE_HARNESS_CGROUP_H
#define WHYSERVE_HARNESS_CGROUP_H

#include "common/cgroup2.h"

#include <linux/types.h>
#include <sys/types.h>

struct cgroup {
	char path[512];
	__u64 id; /* what bpf_get_current_cgroup_id() returns inside it */
	int lock; /* its directory, flock()ed while we live: in use, not stale */
};

struct cgroup_cpu {
	__u64 usage_us, user_us, system_us;
};

/* Creates <root>/whyserve/<name>-<pid> (name: what runs in it), locked as
 * ours until destroyed or until we die. 0 or -errno. */
int cgroup_create(struct cgroup *cg, const char *name);
int cgroup_add_pid(const struct cgroup *cg, pid_t pid);
int cgroup_cpu(const struct cgroup *cg, struct cgroup_cpu *cpu);
/* Its tasks (processes and threads) alive now, or -errno. */
int cgroup_tasks(const struct cgroup *cg);
/* Kills whatever is left in it, waits (up to 2 s) and removes it. */
int cgroup_destroy(struct cgroup *cg);
/* Destroys the cgroups of harness runs (and tests) that died without
 * cleaning up (a SIGKILL): those nobody holds locked, whatever their PID
 * became or whichever PID namespace their owner lives in. How many. */
int cgroup_reap_stale(void);

#endif
