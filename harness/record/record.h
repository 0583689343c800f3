/* SPDX-License-Identifier: MIT */
/*
 * The record: what a run asked for, what each experiment measured, and
 * what the rules concluded, once. run/ fills it, report/ renders it (text,
 * results.json, HTML) and reads it back from results.json; nothing in it
 * is computed twice.
 */
#ifndef WHYSERVE_HARNESS_RECORD_H
#define WHYSERVE_HARNESS_RECORD_H

#include <jansson.h>
#include <sched.h>
#include <stdbool.h>

#include "harness/explain/explain.h"
#include "harness/explain/sweep.h"
#include "harness/load/load.h"
#include "harness/record/catalog.h"
#include "harness/record/load_tool.h"
#include "harness/record/options.h"
#include "probes/probes.h"

/* results.json's format: 2 records findings and rankings, 3 verdicts too,
 * 4 the accounts and the ranking's gaps; what a format did not record is
 * explained on reading */
#define RECORD_FORMAT	4
#define FORMAT_FINDINGS 2 /* the first to record findings and rankings */
#define FORMAT_VERDICT	3
#define FORMAT_ACCOUNTS 4
#define RECORD_MAX_ARGS 24

/* One load host's share of an experiment's load (--load-host). */
struct load_host_row {
	char host[256];
	uint64_t requests, errors;
	double rate;	 /* its requests/s */
	double cpu_busy; /* its load threads' CPU share, 0..1 */
	double cpu_s;	 /* their CPU time (user + system) */
	unsigned threads;
	uint64_t p99_ns;	  /* of its own latency histogram */
	struct histogram latency; /* its own (the merged one's part), if not lost */
	bool lost;		  /* no whole result: the experiment is incomplete */
	char why[256];		  /* why it was lost */
};

/* One model under one scenario. */
struct experiment_record {
	const struct model *model; /* in the catalog */
	const struct scenario *scenario;

	/* the server */
	char *argv[RECORD_MAX_ARGS]; /* owned; argv[0] its path */
	char startup[256];	     /* its start-up line */
	char said[1024];	     /* the last of what it wrote (stdout and stderr) */
	int exit_status;	     /* after SIGTERM, or when it died */
	char log[96];		     /* its whole output, in the run's directory ("": none) */
	double log_bytes;	     /* what it wrote there while measured (NAN: unknown) */
	/* "": it served to the end; else why not, one line ("exited with
	 * status 1 after 1 234 requests"): its figures are not explained,
	 * nor ranked */
	char failed[256];
	char user[32]; /* it ran as ("": nobody, before --server-user) */
	cpu_set_t server_cpus;
	int load_cpus[CPU_SETSIZE];
	int nload_cpus;
	bool netns;	 /* in a network namespace of its own */
	json_t *sysctls; /* that namespace's TCP sysctls, as /proc/sys holds them */

	/* what was measured */
	struct load_result load;
	struct load_tool tool; /* the user's load tool (scenario command), if it ran */
	struct probes probes;  /* each probe's status (no probe held) */
	struct probes_stats stats;
	double cpu_us, cpu_user_us, cpu_system_us; /* the server's cgroup */
	double load_cpu_us;			   /* the load generator's threads */
	/* page faults the kernel counted for the server's process and the
	 * children it reaped (/proc/PID/stat; NAN: not read) */
	double proc_faults;
	/* the server's and the load's CPUs as /proc/stat saw them, whoever ran
	 * there (seconds): busy with anything, stolen by the hypervisor, in all */
	double server_cpus_busy_s, server_cpus_steal_s, server_cpus_total_s;
	double load_cpus_busy_s, load_cpus_total_s;
	/* the requests the server counted itself in the window (NAN: none) */
	double server_requests;
	/* 0, or why the measurements cannot be printed again (-ENODATA: read
	 * from a results.json that did not keep the latency histograms) */
	int unprintable;
	/* the load came from these hosts (none: from this one); load merges
	 * the whole results of those not lost */
	struct load_host_row hosts[RUN_MAX_LOAD_HOSTS];
	int nhosts;
	bool load_incomplete; /* a host was lost mid-run: load is not the whole load */

	/* what it means */
	struct explanation why;
	/* a sweep (ramp, conns): every step and the knee (NULL: not a sweep);
	 * the figures above are those of one step, the one beyond the knee
	 * (ramp) or the last (conns) */
	struct sweep *sweep;
};

/* A whole run: its experiments, in the order they ran, and each scenario's ranking. */
struct run_record {
	int format;	 /* RECORD_FORMAT, or what results.json said */
	json_t *machine; /* what produced the figures (sandbox/machine.h) */
	struct run_opts options;
	struct experiment_record **exps;
	int nexps;
	bool interrupted;
	int nrankings;
	struct ranking rankings[RUN_MAX]; /* in the catalog's order of scenarios */
};

/* Its verdict, findings, accounts and inferred traits, from its figures:
 * the one place the rules are applied. */
void record_explain(struct experiment_record *e);
/* Each scenario's ranking, from its experiments' figures and findings; and
 * in conns, where each model with a task per connection, or serial, falls
 * behind the first event loop's sweep. */
void run_record_rank(struct run_record *r);
/* The gaps of rankings recorded before the accounts were: from the accounts. */
void run_record_gaps(struct run_record *r);
/* The ranking of a scenario, or NULL. */
const struct ranking *run_record_ranking(const struct run_record *r, const char *scenario);

/* A new, empty experiment record (NULL when out of memory); freed with: */
struct experiment_record *experiment_record_new(void);
void experiment_record_free(struct experiment_record *e);
/* Appends e (taken over, freed with r). 0 or -ENOMEM. */
int run_record_add(struct run_record *r, struct experiment_record *e);
void run_record_free(struct run_record *r);

#endif
