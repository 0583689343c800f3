/* SPDX-License-Identifier: MIT */
/*
 * page_faults probe: the target's page faults, in user mode and in the
 * kernel, split between the server's own process (its main thread, its
 * other threads) and its other processes (children: fork's per-connection
 * processes, whose first touches of their pages are faults); and how many
 * were minor or major. The API follows probes/probe.h.
 *
 *   by task and mode   tp_btf/page_fault_user, page_fault_kernel (x86's
 *                      exceptions tracepoints; arm64 has none)
 *   minor, major       perf software counters of the target's cgroup, one
 *                      per CPU (CONFIG_CGROUP_PERF): the tracepoints fire
 *                      before the fault is resolved and cannot tell
 *   without the tracepoints (or BPF), the perf counter of every fault gives
 *                      the total, without the split (why says so); without
 *                      both the probe does not open
 *
 * The perf counters cost every fault of the cgroup, and every context
 * switch into or out of it, outside the BPF statistics: cost counts the
 * tracepoint programs only.
 */
#ifndef WHYSERVE_PAGE_FAULTS_PROBE_H
#define WHYSERVE_PAGE_FAULTS_PROBE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include "probes/page_faults.h"
#include "probes/probe.h"
#include "probes/prog_stats.h"

/* The faults of one kind of task, by the mode the CPU was in. */
struct page_faults_of {
	__u64 user;   /* its code touched a page not (yet) mapped as it wants */
	__u64 kernel; /* the kernel touched its memory: copy_to_user, ... */
};

struct page_faults_stats {
	__u64 faults; /* every fault of the target: the tracepoints', or
		       * without them the perf counter's */

	bool have_split;		   /* by task and mode: the tracepoints */
	struct page_faults_of main_thread; /* the server's own process (tgid == pid) */
	struct page_faults_of threads;	   /* ... its other threads */
	struct page_faults_of children;	   /* the cgroup's other processes */

	bool have_minor_major; /* the cgroup's perf counters */
	__u64 minor, major;    /* faults resolved without, or with, reading a
				* page (a file, swap); failed ones are neither */

	struct prog_cost cost; /* since attach or reset */
	char why[192];	       /* what is missing and why; "" when all works */
};

/* The calls of probes/probe.h, on its common types: p is a handle from
 * open, stats a struct page_faults_stats. */
extern const struct probe_ops page_faults_probe_ops;

int page_faults_probe_open(void **p, const struct probe_target *t, char *why, size_t len);
int page_faults_probe_attach(void *p, char *why, size_t len);
int page_faults_probe_read(void *p, void *stats);
int page_faults_probe_reset(void *p);
void page_faults_probe_destroy(void *p);

void page_faults_stats_print(FILE *f, const void *stats);
json_t *page_faults_stats_to_json(const void *stats);
/* The inverse, from results.json: 0, or -EINVAL (not such a record) or
 * -ERANGE (a value that does not fit its member). */
int page_faults_stats_from_json(const json_t *j, void *stats);

#endif
