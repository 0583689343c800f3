/* SPDX-License-Identifier: MIT */
/*
 * A software perf counter of one cgroup (PERF_COUNT_SW_PAGE_FAULTS, ...):
 * one perf event per CPU, opened with PERF_FLAG_PID_CGROUP, so it counts
 * whatever the cgroup's tasks (and its descendants') do on that CPU, and
 * nothing else. Needs CONFIG_CGROUP_PERF and root (or CAP_PERFMON).
 *
 *   int cg = cgroup_perf_dir(t->cgroup_id, t->pid, why, len);
 *   cgroup_perf_open(&c, cg, PERF_COUNT_SW_PAGE_FAULTS_MAJ, why, len);
 *   cgroup_perf_enable(&c);  ...  cgroup_perf_reset(&c);  ...
 *   cgroup_perf_read(&c, &n);
 *   cgroup_perf_close(&c);
 */
#ifndef WHYSERVE_CGROUP_PERF_H
#define WHYSERVE_CGROUP_PERF_H

#include <linux/types.h>
#include <stddef.h>
#include <sys/types.h>

struct perf_event_attr;

struct cgroup_perf {
	int ncpus;
	int *fd; /* per CPU; -1: the CPU is offline */
};

/*
 * The cgroup's directory, opened: the one whose id is id, or with id 0
 * (no cgroup given) the one pid is in. Its fd, or -errno with why saying
 * why ("" when errno says it all).
 */
int cgroup_perf_dir(__u64 id, pid_t pid, char *why, size_t len);
/* Opens the software counter config (disabled) on every online CPU for
 * the cgroup whose directory is cgroup_fd. 0, or -errno with why set. */
int cgroup_perf_open(struct cgroup_perf *c, int cgroup_fd, __u64 config, char *why, size_t len);
/* The same for any event: a sampling one (a->sample_period) to attach a
 * BPF program to, on each fd[cpu] that is not -1. */
int cgroup_perf_open_attr(struct cgroup_perf *c, int cgroup_fd, struct perf_event_attr *a,
			  char *why, size_t len);
int cgroup_perf_enable(struct cgroup_perf *c);
/* Zeroes it on every CPU: the count starts now. */
int cgroup_perf_reset(struct cgroup_perf *c);
/* Its count on every CPU, summed, into *n. 0 or -errno. */
int cgroup_perf_read(const struct cgroup_perf *c, __u64 *n);
/* Closes what is open; a zeroed (or closed) one is left alone. */
void cgroup_perf_close(struct cgroup_perf *c);

#endif
