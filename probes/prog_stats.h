/* SPDX-License-Identifier: MIT */
/* What a probe costs: the kernel's own BPF run-time statistics (run count
 * and nanoseconds per program), switched on only while a run holds them. */
#ifndef WHYSERVE_PROG_STATS_H
#define WHYSERVE_PROG_STATS_H

#include <bpf/libbpf.h>

struct prog_cost {
	__u64 events; /* times the programs ran */
	__u64 run_ns; /* time spent in them */
};

/*
 * Switches the statistics on (BPF_ENABLE_STATS); they stay on while the
 * returned fd is open and the previous state comes back when it is closed,
 * even if the process dies. Returns the fd or -errno.
 */
int prog_stats_enable(void);
/* Adds up the run-time statistics of every loaded program of an object. */
int prog_cost_read(struct bpf_object *obj, struct prog_cost *cost);
/*
 * What they ran since base was read (prog_cost_read at attach or reset):
 * a probe's cost over the measurement. 0, or -errno with out zeroed.
 */
int prog_cost_since(struct bpf_object *obj, const struct prog_cost *base, struct prog_cost *out);

#endif
