/* SPDX-License-Identifier: MIT */
/*
 * The accounts of one experiment: where each request's CPU time went, and
 * where the server's tasks spent their time. Each line is a cause the
 * kernel measured, per request, with its source; the lines add up to the
 * whole (the cgroup's CPU time; the tasks' lifetime), the remainder shown
 * as "not attributed". A line that counts events (context switches, page
 * faults, clones, a syscall's calls) says how many per request and what
 * one cost on this machine in this run: the line's time over its count,
 * never a constant of the code.
 */
#ifndef WHYSERVE_HARNESS_ACCOUNT_H
#define WHYSERVE_HARNESS_ACCOUNT_H

#include <stdbool.h>

#include "harness/explain/figures.h"

#define ACCOUNT_LINES	 20
#define ACCOUNT_NAME_MAX 40
#define ACCOUNT_SYSCALLS 5 /* syscalls named on lines of their own */
#define NOT_ATTRIBUTED	 "not attributed"

struct account_line {
	char name[ACCOUNT_NAME_MAX];   /* "user", "syscall read", "context switches" */
	char source[ACCOUNT_NAME_MAX]; /* "cpu_profile", "sched", "cgroup" */
	double us;		       /* in the window */
	double us_per_request;	       /* NAN when no request was served */
	double share;		       /* of the whole */
	double events_per_request;     /* what it counts, NAN when it counts nothing */
	double us_per_event;	       /* what one cost: us_per_request / events */
	bool attributed;	       /* false: the remainder, or time of no known cause */
};

struct account {
	double total_us;	     /* the whole the lines add up to, in the window */
	double total_us_per_request; /* the same per request (NAN: none served) */
	char total_source[ACCOUNT_NAME_MAX];
	double attributed_share; /* NAN: not accounted, its probes were missing */
	char note[96];		 /* what the whole leaves out, "" when nothing */
	int n;
	struct account_line line[ACCOUNT_LINES];
};

/* Where the server's CPU time per request went: the sampled kinds of
 * cpu_profile on the sched probe's time on a CPU, what the kernel charged
 * from wakeups, and the rest of the cgroup's CPU time. */
void account_cpu(const struct figures *f, struct account *a);
/* Where its tasks' time went: running, runnable, blocked in each syscall. */
void account_time(const struct figures *f, struct account *a);

/* A line by name, or NULL. */
const struct account_line *account_find(const struct account *a, const char *name);

#endif
