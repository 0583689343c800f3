/* SPDX-License-Identifier: MIT */
/*
 * The user's load tool (--load-cmd), measured as the server is: its
 * cgroup's CPU time, its tasks and what the scheduler did to them, the
 * connections it opened; its rate and latency from its own report when the
 * harness knows the tool, and from the kernel on the server's side always.
 * The measured window is its load's: from its first connection to its end;
 * its start-up before (loading its code: 1.5 s for Locust here, 13 s for
 * Artillery) is kept apart, and there is no warm-up.
 */
#ifndef WHYSERVE_HARNESS_LOAD_TOOL_H
#define WHYSERVE_HARNESS_LOAD_TOOL_H

#include <stdbool.h>
#include <stddef.h>

#define LOAD_TOOL_LOG_MAX (4 << 20) /* of its output kept for load.log */

struct load_tool_report {
	char source[48]; /* "locust --csv", "wrk --latency"; "" when none */
	double requests, failures;
	double rps;				/* as the tool computed it, over its own window */
	double mean_us, p50_us, p99_us, max_us; /* NAN: not in its report */
};

struct load_tool {
	bool ran;
	char name[32];	       /* its program's name: "locust", "wrk" */
	char command[512];     /* as given, before {url} was put in */
	char added[160];       /* flags the harness added for its report, "" none */
	char user[32];	       /* it ran as */
	int exit_status;       /* 128 + signal when killed */
	bool ceiling;	       /* still running at --duration: stopped with SIGINT */
	double startup_s;      /* its start to its first connection */
	double window_s;       /* its first connection to its end: the measured window */
	double cpu_startup_us; /* its cgroup, starting up */
	double startup_tasks;  /* processes and threads it made then */
	double cpu_us, cpu_user_us, cpu_system_us; /* its cgroup, in the window */
	double rusage_cpu_us; /* its whole life, and the children it reaped, as wait4 said */
	int ncpus;	      /* it was pinned to */
	/* its tasks (sched, its cgroup): processes and threads that ran */
	double procs, threads;
	double vol_switches, invol_switches, runq_p99_us;
	/* its tasks' time on a CPU and waiting for one (sched's time account):
	 * together, how much CPU it wanted, whether or not it got it */
	double running_us, runnable_us;
	double connections; /* TCP connections it opened (the netns's ActiveOpens) */
	struct load_tool_report report;
	/* the kernel, on the server's side, over the window */
	double server_accepted;	 /* the netns's PassiveOpens */
	double server_responses; /* the server's send/write calls (syscalls probe) */
	char said[1024];	 /* the tail of its output */
	char *log;		 /* all of it (up to LOAD_TOOL_LOG_MAX): load.log; owned */
	size_t log_len;
};

#endif
