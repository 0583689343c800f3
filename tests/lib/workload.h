/* SPDX-License-Identifier: MIT */
/*
 * Known-answer workloads for probe tests: build/workload (tests/workload.c,
 * its steps listed by `build/workload --help`) started in a cgroup, held
 * until the test says go, and what /proc says about it afterwards.
 *
 *   struct workload w;
 *   const char *args[] = { "getppid", "1000", NULL };
 *   workload_start(&w, cg.path, args);   running, in cg, waiting
 *   ... open and attach probes for cg ...
 *   workload_go(&w);
 *   workload_wait(&w, 5000);             its exit status
 */
#ifndef WHYSERVE_TESTS_WORKLOAD_H
#define WHYSERVE_TESTS_WORKLOAD_H

#include <linux/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct workload {
	pid_t pid;
	int go_fd;  /* its stdin: one byte starts it, closing it ends a --hold */
	int out_fd; /* its stdout */
};

/* Starts build/workload ARGS... (NULL-terminated) in the cgroup directory
 * cgroup_dir (NULL: the caller's), waiting for workload_go(). 0 or -errno. */
int workload_start(struct workload *w, const char *cgroup_dir, const char *const args[]);
/* The same in a cgroup of its own, made as harness/sandbox/cgroup.h does
 * (name: what runs in it): true, or false after a failed CHECK. */
struct cgroup;
bool workload_start_in_cgroup(struct workload *w, struct cgroup *cg, const char *name,
			      const char *const args[]);
int workload_go(struct workload *w);
/* Its next line of output ("done ..." after --hold or --report), without
 * the newline, within timeout_ms. 0 or -errno (-ETIMEDOUT, -EPIPE). */
int workload_read_line(struct workload *w, char *buf, size_t len, int timeout_ms);
/* Closes its stdin and waits for its exit: the status, or -ETIMEDOUT (then
 * it is killed). */
int workload_wait(struct workload *w, int timeout_ms);
/* Kills and reaps it, whatever it is doing; no-op once waited for. */
void workload_stop(struct workload *w);

/* Every task of it blocked (state S or D), none running or runnable? */
int workload_all_blocked(const struct workload *w);
/* Its main thread blocked reading stdin, waiting for workload_go(): done
 * starting (exec, the loader, its set-up), nothing done yet of its steps. */
int workload_waits_for_go(const struct workload *w);

/* Threads of pid, and of them those running or runnable (not S or D). */
int proc_tasks(pid_t pid, __u64 *tasks, __u64 *running);

/* Context switches of every thread of pid, from /proc/PID/task/<tid>/status. */
int proc_ctxt_switches(pid_t pid, __u64 *voluntary, __u64 *involuntary);
/* What /proc/PID/task/<tid>/schedstat says, summed over the threads. */
struct proc_schedstat {
	__u64 run_ns;  /* on a CPU */
	__u64 wait_ns; /* runnable, waiting on a run queue */
	__u64 slices;  /* times put on a CPU */
};
int proc_schedstat(pid_t pid, struct proc_schedstat *st);

/* CPU migrations of every thread of pid: se.nr_migrations in
 * /proc/PID/task/<tid>/sched. */
int proc_migrations(pid_t pid, __u64 *migrations);

#endif
