/* SPDX-License-Identifier: MIT */
/*
 * How busy a set of CPUs was, whoever kept them busy (/proc/stat): the
 * server's own time is its cgroup's, but on a shared machine other
 * processes and the hypervisor (steal) take the same CPUs.
 */
#ifndef WHYSERVE_HARNESS_CPU_TIMES_H
#define WHYSERVE_HARNESS_CPU_TIMES_H

#include <sched.h>

struct cpu_times {
	double busy_s;	/* running anything: user, system, irq, softirq, steal */
	double steal_s; /* taken by the hypervisor */
	double total_s; /* all of it, idle too */
};

/* The CPUs' times so far, summed. 0 or -errno. */
int cpu_times_read(const cpu_set_t *cpus, struct cpu_times *t);

#endif
