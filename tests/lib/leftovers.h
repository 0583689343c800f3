/* SPDX-License-Identifier: MIT */
/* What a harness run left behind once it ended: processes in its cgroups,
 * or the cgroups themselves (<cgroup2>/whyserve/MODEL-PID). */
#ifndef WHYSERVE_TESTS_LEFTOVERS_H
#define WHYSERVE_TESTS_LEFTOVERS_H

#include <sys/types.h>

/* Processes still in one of harness_pid's cgroups, whatever else runs; -1
 * if /proc cannot be read. */
int servers_left(pid_t harness_pid);
/* Its cgroups still there; -1 if cgroup2 cannot be read. */
int cgroups_left(pid_t harness_pid);

#endif
