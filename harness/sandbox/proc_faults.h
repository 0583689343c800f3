/* SPDX-License-Identifier: MIT */
/*
 * The page faults the kernel itself counted for a process: its own, all
 * its threads', and those of the children it has reaped (/proc/PID/stat's
 * minflt, majflt, cminflt, cmajflt: what getrusage reports). Independent
 * of any probe, so the page_faults probe can be checked against it.
 */
#ifndef WHYSERVE_HARNESS_PROC_FAULTS_H
#define WHYSERVE_HARNESS_PROC_FAULTS_H

#include <sys/types.h>

/* 0, or -errno (the process gone, or its stat unreadable). */
int proc_faults(pid_t pid, double *faults);

#endif
