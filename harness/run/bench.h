/* SPDX-License-Identifier: MIT */
/* What one experiment holds while it runs: experiment.c starts and stops
 * it, measures one load or a sweep's (sweep_run.c) in windows of it. */
#ifndef WHYSERVE_HARNESS_BENCH_H
#define WHYSERVE_HARNESS_BENCH_H

#include "harness/run/experiment.h"
#include "harness/run/load_command.h"
#include "harness/run/progress.h"
#include "harness/run/server_command.h"
#include "harness/sandbox/cgroup.h"
#include "harness/sandbox/cgroup_memory.h"
#include "harness/sandbox/cpu_times.h"
#include "harness/sandbox/netns.h"
#include "harness/sandbox/server_proc.h"
#include "harness/explain/sweep.h"

/* Everything one experiment holds while it runs, released in one place. */
struct bench {
	struct netns ns;
	bool in_netns;
	struct cgroup cg;
	struct server_proc server;
	int server_status;
	int log_fd;	      /* its output's file in the run's directory, or -1 */
	char log[96];	      /* that file's name */
	long long log0, log1; /* its size when measuring began and ended */
	char died[256];	      /* "": served to the end; else how it ended, and when */
	const char *argv[RECORD_MAX_ARGS];
	struct server_command command;		  /* a server of the user's */
	char dir[64];				  /* a reference server's (nginx's) own directory */
	double server_requests0, server_requests; /* its own count: at the start, in the window */
	char port[16], backlog[16], workers[16], sleep_us[16], work_us[16], idle[32], path[512];
	cpu_set_t server_cpus;
	int load_cpus[RUN_MAX_CPUS];
	int nload_cpus;
	struct probes *probes;
	struct probes_stats *stats;
	struct load_result load;
	bool have_load;
	struct load_tool tool; /* --load-cmd: the load, measured */
	struct cgroup_cpu cpu0, cpu1;
	double faults0, faults1; /* the kernel's count for the server (NAN: unread) */
	/* the CPUs' own view, whoever ran on them: server's, load's */
	struct cpu_times server_cpus0, server_cpus1, load_cpus0, load_cpus1;
	cpu_set_t load_set;
	double load_cpu_us; /* the harness's own CPU time: the load's threads */
	json_t *sysctls;
	bool load_incomplete; /* a load host was lost mid-run */
	struct experiment_progress progress;
	/* a sweep: where the server's memory is counted, each step's record */
	struct cgroup_memory memory;
	struct sweep *sweep;
	struct experiment_record *steps[SWEEP_MAX_STEPS];
	int main_step; /* the step whose record is the experiment's (-1: none) */
};

/* One measured window of a sweep's step, load l with its own warm-up: the
 * probes, the cgroup's and the CPUs' times read at its edges, into b
 * (b->load its result). 0 or -errno. */
int bench_window(struct experiment *e, const struct run_opts *o, struct bench *b,
		 struct load_opts *l);
/* A record of b's last window, its figures and explanation; b->load moves
 * into it. NULL when out of memory. */
struct experiment_record *bench_record(struct experiment *e, const struct run_opts *o,
				       struct bench *b);
/* The load's options for e's scenario (a sweep sets its step's after). */
void bench_load_opts(const struct experiment *e, const struct run_opts *o, const struct bench *b,
		     struct load_opts *l, char *url, size_t len);
/* A sweep's steps, each a window, after the warm-up: ramp or conns. */
int sweep_measure(struct experiment *e, const struct run_opts *o, struct bench *b,
		  struct load_opts *l);

#endif
